//! Writes stay inside the output folder.
//!
//! Output paths come from content: page and file names, `.gitbook.yaml` redirect keys,
//! `docs.yaml` space paths. Joined as they are onto the output folder, `../../x`, `/etc/x` or
//! `%2e%2e/x` would write anywhere. Two functions stand between them and the disk:
//! [`url_path`] reads a path written as a URL (percent-decoded, `\` as `/` as browsers do, `.`
//! and `..` resolved) and refuses one that climbs above the root; [`output_path`] is the last
//! check before any write or deletion under the output folder, and refuses anything but plain
//! relative names.

use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;

/// Why a path cannot be written inside the output folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unwritable {
    /// `..` climbs above the root.
    LeavesOutput,
    /// A root, a drive or a network share: it names a place of its own.
    Absolute,
    /// A control character (NUL ends a path in the system's eyes).
    Control,
    /// Nothing is left to name a file.
    Empty,
}

impl std::fmt::Display for Unwritable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unwritable::LeavesOutput => "it leads outside the output folder",
            Unwritable::Absolute => "it is an absolute path",
            Unwritable::Control => "it holds a control character",
            Unwritable::Empty => "it names no file",
        })
    }
}

/// A path written as a URL (`/old/page`, `a%20b/`, `..\x`), as the clean relative path of the
/// folder or file it names under the site root (`old/page`, `a b`): percent-decoded, `\` read as
/// `/`, empty and `.` segments dropped, `..` resolved. A leading `/` is the site root. Refused
/// when `..` climbs above the root, when a drive (`C:`) starts it, or when it holds a control
/// character. May be empty (the root itself).
pub fn url_path(path: &str) -> Result<String, Unwritable> {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    if decoded.chars().any(char::is_control) {
        return Err(Unwritable::Control);
    }
    let mut parts: Vec<&str> = Vec::new();
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(Unwritable::LeavesOutput)?;
            }
            s if parts.is_empty() && is_drive(s) => return Err(Unwritable::Absolute),
            s => parts.push(s),
        }
    }
    Ok(parts.join("/"))
}

/// `C:` or `c:`: a Windows drive, wherever the site is built.
fn is_drive(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    bytes.len() == 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// The last check before carnet writes or deletes the output-relative path `rel`: only plain
/// names (and `.`) are accepted, as this system splits paths; `..`, a root, a drive or a
/// control character are refused, so joining the result onto the output folder stays in it.
pub fn output_path(rel: &str) -> Result<PathBuf, Unwritable> {
    if rel.chars().any(char::is_control) {
        return Err(Unwritable::Control);
    }
    let mut clean = PathBuf::new();
    for component in Path::new(rel).components() {
        match component {
            Component::Normal(name) => clean.push(name),
            Component::CurDir => {}
            Component::ParentDir => return Err(Unwritable::LeavesOutput),
            Component::RootDir | Component::Prefix(_) => return Err(Unwritable::Absolute),
        }
    }
    if clean.as_os_str().is_empty() {
        return Err(Unwritable::Empty);
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_are_resolved_or_refused() {
        assert_eq!(url_path("/old/page/").as_deref(), Ok("old/page"));
        assert_eq!(url_path("a%20b/./c").as_deref(), Ok("a b/c"));
        assert_eq!(url_path("a/../b").as_deref(), Ok("b"));
        assert_eq!(url_path("a\\b").as_deref(), Ok("a/b"));
        assert_eq!(url_path("").as_deref(), Ok(""));
        for escaping in [
            "../x",
            "../../x",
            "a/../../x",
            "%2e%2e/x",
            "%2E%2E%2Fx",
            "..\\..\\x",
            "a/%2e%2e/%2e%2e/x",
        ] {
            assert_eq!(
                url_path(escaping),
                Err(Unwritable::LeavesOutput),
                "{escaping}"
            );
        }
        assert_eq!(url_path("C:\\x"), Err(Unwritable::Absolute));
        assert_eq!(url_path("a%00b"), Err(Unwritable::Control));
    }

    #[test]
    fn output_paths_are_plain_relative_names() {
        assert_eq!(
            output_path("a/b/index.html"),
            Ok(PathBuf::from("a/b/index.html"))
        );
        assert_eq!(output_path("./a"), Ok(PathBuf::from("a")));
        assert_eq!(output_path("../x"), Err(Unwritable::LeavesOutput));
        assert_eq!(output_path("a/../../x"), Err(Unwritable::LeavesOutput));
        assert_eq!(output_path("/etc/x"), Err(Unwritable::Absolute));
        assert_eq!(output_path("a\0b"), Err(Unwritable::Control));
        assert_eq!(output_path(""), Err(Unwritable::Empty));
        // A percent sign is part of a file's name, not an escape: it stays.
        assert_eq!(output_path("%2e%2e/x"), Ok(PathBuf::from("%2e%2e/x")));
    }

    /// Joined onto a root, `rel` stays under it: only plain names.
    fn stays_inside(rel: &Path) -> bool {
        let root = Path::new("/srv/out");
        root.join(rel).starts_with(root)
            && rel.components().all(|c| matches!(c, Component::Normal(_)))
    }

    proptest::proptest! {
        // The same properties as the cargo-fuzz target `tests/fuzz/fuzz_targets/paths.rs`, on
        // inputs made of what escapes are made of, in every `cargo test`.
        #[test]
        fn what_is_accepted_stays_inside(text in "([./\\\\%:]|%2[eEfF]|%5[cC]|%00|\\.\\.|[a-zC]|\\PC){0,24}") {
            if let Ok(clean) = url_path(&text)
                && !clean.is_empty() {
                    let rel = output_path(&clean);
                    proptest::prop_assert!(rel.as_ref().is_ok_and(|r| stays_inside(r)), "{clean:?} → {rel:?}");
                }
            if let Ok(rel) = output_path(&text) {
                proptest::prop_assert!(stays_inside(&rel), "{text:?} → {rel:?}");
            }
        }
    }
}
