//! URLs that run script when followed: `javascript:`, `vbscript:`, and `data:` (a document of
//! the author's choosing, in the site's name).
//!
//! A browser reads a URL's scheme after dropping leading spaces and control characters and every
//! tab and line break, and without regard to case (`  JaVa\tScRiPt:`), so the test does the same.
//! Entities and percent-escapes are the caller's to decode first (Markdown and HTML parsers do).

/// The dangerous scheme of `url` (lower case), when it has one. `data:image/…` is accepted
/// for an image (`for_image`): it is a picture, never a document a browser runs.
pub fn script_scheme(url: &str, for_image: bool) -> Option<&'static str> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect();
    let (scheme, rest) = cleaned.split_once(':')?;
    let scheme = scheme.to_ascii_lowercase();
    match scheme.as_str() {
        "javascript" => Some("javascript"),
        "vbscript" => Some("vbscript"),
        "data" if for_image && rest.trim_start().to_ascii_lowercase().starts_with("image/") => None,
        "data" => Some("data"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_schemes_are_found_as_browsers_read_them() {
        for url in [
            "javascript:alert(1)",
            "  JaVaScRiPt:alert(1)",
            "java\tscript:x",
            "\u{1}javascript:x",
            "jav\nascript:x",
        ] {
            assert_eq!(script_scheme(url, false), Some("javascript"), "{url:?}");
        }
        assert_eq!(script_scheme("VBScript:msgbox", false), Some("vbscript"));
        assert_eq!(script_scheme("data:text/html,<b>", false), Some("data"));
        assert_eq!(script_scheme("data:text/html,<b>", true), Some("data"));
        assert_eq!(script_scheme("data:image/png;base64,AAAA", true), None);
        for url in [
            "https://x.org/javascript:",
            "page.md",
            "a/javascript:x",
            "#javascript:x",
            "mailto:a@b",
            "",
        ] {
            assert_eq!(script_scheme(url, false), None, "{url:?}");
        }
    }
}
