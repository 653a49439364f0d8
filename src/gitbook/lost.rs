//! The markers GitBook writes in place of a target it lost: a page, space, file or OpenAPI spec
//! deleted after it was linked. They lead nowhere on GitBook either; a reader sees the text.

/// Whether `dest` is one of GitBook's lost-target markers: `/broken/pages/<id>`,
/// `/broken/spaces/<id>/pages/<id>`, `/broken/files/<id>`, `/broken/openapi/<id>`, the same on
/// `app.gitbook.com`, or a relative `broken-reference` (older exports, with or without a
/// trailing slash, in any folder).
pub fn is_lost_link(dest: &str) -> bool {
    let path = dest.trim().split(['#', '?']).next().unwrap_or("");
    if path.starts_with("/broken/") || path.contains("://app.gitbook.com/broken/") {
        return true;
    }
    if path.contains("://") {
        return false;
    }
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    last == "broken-reference"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitbooks_markers_are_lost_links() {
        for dest in [
            "/broken/pages/wzMKpCiu5dbzPKRJIrI7",
            "/broken/pages/i3qecHoIDofsUpNaSkNY#site-sections",
            "/broken/spaces/NkEGS7hzeqa35sMXQZ4X/pages/KHHFlE1MtpVIaZboN8b2",
            "/broken/files/LYc9VEC4k1NRXaB3zinZ",
            "/broken/openapi/x",
            "https://app.gitbook.com/broken/pages/x",
            "broken-reference",
            "broken-reference/",
            "../10-2/broken-reference/",
        ] {
            assert!(is_lost_link(dest), "{dest}");
        }
        for dest in [
            "broken.md",
            "guide/broken-references.md",
            "https://github.com/o/r/blob/main/broken-reference/README.md",
            "https://example.org/broken/pages/x",
        ] {
            assert!(!is_lost_link(dest), "{dest}");
        }
    }
}
