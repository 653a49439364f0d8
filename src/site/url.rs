//! GitBook's URLs and the relative links between them.
//!
//! A page's URL is its path without `.md` (`a/b.md` → `a/b/`, `a/README.md` → `a/`, the root
//! README → the empty path, the site root). URLs here are site-relative, without a leading slash;
//! every `href` carnet writes is made relative to the page it appears on, so the output works under
//! any base path and from any static host.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// What must be escaped in a path segment of an `href`: everything a browser or server would
/// read as something else than a plain path character.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'[')
    .add(b']');

/// The URL of the page at `rel` (a content-root-relative `.md` path). `home` is the file that is
/// the site's first page (`README.md` unless `.gitbook.yaml` says otherwise).
pub fn page_url(rel: &str, home: &str) -> String {
    if rel == home || (home.eq_ignore_ascii_case("README.md") && rel.eq_ignore_ascii_case(home)) {
        return String::new();
    }
    let stem = &rel[..rel.len().saturating_sub(3)];
    let (dir, name) = match stem.rfind('/') {
        Some(i) => (&stem[..=i], &stem[i + 1..]),
        None => ("", stem),
    };
    if name.eq_ignore_ascii_case("README") && !dir.is_empty() {
        dir.to_string()
    } else {
        format!("{stem}/")
    }
}

/// The `href` that leads from the page at URL `from` to the site path `to` (a page URL ending in
/// `/`, or a file path). Both must already be percent-encoded ([`encode_path`]); this runs for
/// every sidebar entry of every page, so it only scans bytes and allocates the result.
pub fn relative_href(from: &str, to: &str) -> String {
    // Longest common prefix of whole folders: up to and including the last shared `/`.
    let common = from
        .bytes()
        .zip(to.bytes())
        .enumerate()
        .take_while(|(_, (a, b))| a == b)
        .filter(|(_, (a, _))| *a == b'/')
        .last()
        .map_or(0, |(i, _)| i + 1);
    let ups = from[common..].bytes().filter(|b| *b == b'/').count();
    let rest = &to[common..];
    if ups == 0 && rest.is_empty() {
        return "./".to_string();
    }
    let mut href = String::with_capacity(ups * 3 + rest.len());
    for _ in 0..ups {
        href.push_str("../");
    }
    href.push_str(rest);
    href
}

/// Percent-encodes each segment of a site path, keeping the `/` between them.
pub fn encode_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            encoded.push('/');
        }
        encoded.extend(utf8_percent_encode(segment, SEGMENT));
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_follow_gitbook() {
        assert_eq!(page_url("README.md", "README.md"), "");
        assert_eq!(page_url("readme.md", "README.md"), "");
        assert_eq!(page_url("a/b.md", "README.md"), "a/b/");
        assert_eq!(page_url("a/README.md", "README.md"), "a/");
        assert_eq!(page_url("a/Readme.md", "README.md"), "a/");
        assert_eq!(page_url("Guide.Install.md", "README.md"), "Guide.Install/");
        assert_eq!(page_url("intro.md", "intro.md"), "");
        assert_eq!(page_url("README.md", "intro.md"), "README/");
    }

    #[test]
    fn relative_hrefs_work_from_any_depth() {
        assert_eq!(relative_href("a/b/", "c/"), "../../c/");
        assert_eq!(relative_href("", "a/"), "a/");
        assert_eq!(relative_href("a/", "a/b/"), "b/");
        assert_eq!(relative_href("a/b/", "a/b/"), "./");
        assert_eq!(relative_href("a/b/", ""), "../../");
        assert_eq!(relative_href("", ""), "./");
        assert_eq!(relative_href("a/b/", "a/img/x.png"), "../img/x.png");
        assert_eq!(relative_href("ab/", "a/"), "../a/");
        assert_eq!(relative_href("a/", "ab/"), "../ab/");
        assert_eq!(relative_href("a/b/c/", "a/x/"), "../../x/");
    }

    #[test]
    fn paths_are_encoded_segment_by_segment() {
        assert_eq!(
            encode_path(".gitbook/assets/é (1).png"),
            ".gitbook/assets/%C3%A9%20(1).png"
        );
        assert_eq!(encode_path("a#b/c?d/"), "a%23b/c%3Fd/");
    }
}
