//! Relative paths as Markdown links and GitBook blocks write them: joined onto the folder of the
//! file that writes them, rebased when an included file writes them, percent-decoded, and told
//! apart from links that leave the site. Content-relative paths use `/` and no leading slash.

use percent_encoding::percent_decode_str;

/// Percent-decodes a link path (`a%20b.md` → `a b.md`); invalid UTF-8 after decoding keeps the
/// path as written, since no file could match it anyway.
pub fn decode_path(path: &str) -> String {
    if !path.contains('%') {
        return path.to_string();
    }
    percent_decode_str(path)
        .decode_utf8()
        .map_or_else(|_| path.to_string(), |s| s.into_owned())
}

/// Joins a relative link path onto the folder `base_dir` (site-relative, `""` for the root, else
/// ending with `/`) and removes `.` and `..`. `None` when the path climbs out of the site.
/// A leading `/` means the site root. A trailing `/` is kept: it says "folder".
pub fn join_path(base_dir: &str, path: &str) -> Option<String> {
    match join_clamped(base_dir, path) {
        (joined, false) => Some(joined),
        (_, true) => None,
    }
}

/// [`join_path`] as a browser joins a URL: `..` above the root stays at the root. Also says
/// whether the path climbed above the root.
pub fn join_clamped(base_dir: &str, path: &str) -> (String, bool) {
    let (start, path) = match path.strip_prefix('/') {
        Some(rest) => ("", rest),
        None => (base_dir, path),
    };
    let mut parts: Vec<&str> = start.split('/').filter(|s| !s.is_empty()).collect();
    let mut climbed = false;
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => climbed |= parts.pop().is_none(),
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    let ends_as_folder = path.is_empty()
        || path.ends_with('/')
        || path.ends_with("/.")
        || path.ends_with("/..")
        || path == "."
        || path == "..";
    if ends_as_folder && !joined.is_empty() {
        joined.push('/');
    }
    (joined, climbed)
}

/// The folder part of a content-relative file path: `a/b.md` → `a/`, `b.md` → ``.
pub fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..=i])
}

/// Whether a link destination leaves the site: a scheme (`https:`, `mailto:`) or `//host`.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !dest[..colon].contains('/')
}

/// `path` as written in a file of folder `dir` (`None`: the page itself), as the page reads it.
pub fn rebase_path(dir: Option<&str>, path: &str) -> String {
    let Some(dir) = dir else {
        return path.to_string();
    };
    if path.is_empty() || path.starts_with(['#', '/']) || is_external(path) {
        return path.to_string();
    }
    match join_path(dir, path) {
        Some(joined) => format!("/{joined}"),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joining_normalises_and_refuses_to_leave_the_site() {
        assert_eq!(join_path("a/b/", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join_path("a/", "./x/").as_deref(), Some("a/x/"));
        assert_eq!(join_path("a/", "/top.md").as_deref(), Some("top.md"));
        assert_eq!(join_path("a/", "..").as_deref(), Some(""));
        assert_eq!(join_path("a/", "../../x"), None);
        assert_eq!(join_clamped("a/", "../../x/"), ("x/".to_string(), true));
        assert_eq!(join_clamped("", "../y.md"), ("y.md".to_string(), true));
        assert_eq!(join_clamped("a/", "../y.md"), ("y.md".to_string(), false));
    }

    #[test]
    fn external_links_are_recognised() {
        for dest in [
            "https://x.org",
            "mailto:a@b",
            "//cdn.x",
            "tel:+33",
            "HTTP://X",
        ] {
            assert!(is_external(dest), "{dest}");
        }
        for dest in ["a.md", "../x/", "#top", "C/x:y", ":x"] {
            assert!(!is_external(dest), "{dest}");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(
            decode_path("mon%20dossier/%C3%A9t%C3%A9.md"),
            "mon dossier/été.md"
        );
        assert_eq!(decode_path("bad%FF.md"), "bad%FF.md");
    }

    #[test]
    fn included_files_write_paths_relative_to_their_folder() {
        assert_eq!(rebase_path(None, "a.md"), "a.md");
        assert_eq!(
            rebase_path(Some(".gitbook/includes/"), "../assets/x.png"),
            "/.gitbook/assets/x.png"
        );
        assert_eq!(rebase_path(Some("a/"), "https://x.org"), "https://x.org");
        assert_eq!(rebase_path(Some("a/"), "#top"), "#top");
    }
}
