//! The HTTP headers an object is stored with, so that the host serves each file right.
//!
//! S3 serves back the `Content-Type` and `Cache-Control` an object was uploaded with, so they are
//! decided here, once, from what the build says each file is (its kind in the output's plan
//! file, [`crate::render::PlanFile`]), or from its name for an output written without one. Only
//! the theme's CSS and JavaScript, whose names carry their content hash
//! (`assets/style.3f9a1c20b4.css`, see `render::theme`), can be cached for a year: a new version
//! gets a new name. Everything else, pages above all, must show an edit within minutes. Nothing
//! is compressed: a `Content-Encoding` the host did not expect would serve gibberish to some
//! clients, so compression stays the host's or CDN's job.

use crate::render::OutputKind;

/// One year, and never revalidated: the name changes whenever the content does.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Five minutes: an edit shows quickly, and a burst of readers still hits caches.
pub const SHORT: &str = "public, max-age=300";

/// `Content-Type` for the output file `rel` made by a job of `kind` (`None`: not known); text
/// types are declared UTF-8 (carnet writes nothing else).
pub fn content_type(rel: &str, kind: Option<OutputKind>) -> String {
    let by_kind = match kind {
        Some(OutputKind::PageMarkdown) => "text/markdown; charset=utf-8",
        Some(
            OutputKind::Llms | OutputKind::LlmsFull | OutputKind::Robots | OutputKind::Redirects,
        ) => "text/plain; charset=utf-8",
        Some(
            OutputKind::Page | OutputKind::Redirect | OutputKind::SpacesHome | OutputKind::NotFound,
        ) => "text/html; charset=utf-8",
        Some(OutputKind::Navigation) => "application/json; charset=utf-8",
        Some(OutputKind::Sitemap) => "application/xml; charset=utf-8",
        Some(OutputKind::Asset | OutputKind::Theme | OutputKind::Search) | None => "",
    };
    if !by_kind.is_empty() {
        return by_kind.to_string();
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name == "_redirects" {
        return "text/plain; charset=utf-8".to_string();
    }
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let essence = mime.essence_str();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            essence,
            "application/javascript" | "application/json" | "application/xml" | "image/svg+xml"
        );
    if textual {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    }
}

/// `Cache-Control` for the output file `rel` made by a job of `kind`: a year for the theme's
/// hashed files (a site's own file named like one may change under its name: it is not).
pub fn cache_control(rel: &str, kind: Option<OutputKind>) -> &'static str {
    let hashed_theme_file = match kind {
        Some(kind) => kind == OutputKind::Theme && is_hashed_asset(rel),
        None => is_hashed_asset(rel),
    };
    if hashed_theme_file { IMMUTABLE } else { SHORT }
}

/// Whether `rel` is a theme file with a content hash in its name: `assets/…/name.<10 hex>.css|js`.
pub fn is_hashed_asset(rel: &str) -> bool {
    if !rel.starts_with("assets/") {
        return false;
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let Some((rest, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let Some((stem, hash)) = rest.rsplit_once('.') else {
        return false;
    };
    matches!(ext, "css" | "js")
        && !stem.is_empty()
        && hash.len() == 10
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether the output file `rel` (made by a job of `kind`) is a page or points readers at
/// pages, so goes up after everything pages refer to: HTML, pages' Markdown, and the lists of
/// pages (every space's navigation, sitemap, redirects, `llms.txt`). Without a kind, the name
/// decides (only the top-level `nav.json` is known to be a navigation then).
pub fn is_page_like(rel: &str, kind: Option<OutputKind>) -> bool {
    if let Some(kind) = kind {
        return kind.is_page_like();
    }
    rel.ends_with(".html")
        || rel.ends_with(".htm")
        || rel.ends_with(".md")
        || matches!(
            rel,
            "nav.json" | "sitemap.xml" | "robots.txt" | "_redirects" | "llms.txt" | "llms-full.txt"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_theme_files_are_immutable_and_the_rest_short() {
        let by_name = |rel| cache_control(rel, None);
        assert_eq!(by_name("assets/style.d9e0538f57.css"), IMMUTABLE);
        assert_eq!(
            by_name("assets/vendor/mermaid/mermaid.min.0123456789.js"),
            IMMUTABLE
        );
        assert_eq!(by_name("assets/style.css"), SHORT);
        assert_eq!(by_name("assets/style.D9E0538F57.css"), SHORT);
        assert_eq!(by_name("assets/logo.d9e0538f57.png"), SHORT);
        assert_eq!(by_name("guide/style.d9e0538f57.css"), SHORT);
        assert_eq!(by_name("index.html"), SHORT);
        assert_eq!(by_name("assets/.d9e0538f57.js"), SHORT);
        let theme = Some(OutputKind::Theme);
        assert_eq!(
            cache_control("assets/style.d9e0538f57.css", theme),
            IMMUTABLE
        );
        // A site's own file that only looks like the theme's may change under its name.
        let asset = Some(OutputKind::Asset);
        assert_eq!(cache_control("assets/style.d9e0538f57.css", asset), SHORT);
    }

    #[test]
    fn content_types_come_from_the_kind_else_the_extension() {
        let by_name = |rel| content_type(rel, None);
        assert_eq!(by_name("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            by_name("assets/style.d9e0538f57.css"),
            "text/css; charset=utf-8"
        );
        assert!(by_name("assets/carnet.36736da3bf.js").contains("javascript"));
        assert_eq!(by_name("nav.json"), "application/json; charset=utf-8");
        assert_eq!(by_name("img/a b.png"), "image/png");
        assert_eq!(by_name("_redirects"), "text/plain; charset=utf-8");
        assert_eq!(by_name("files/blob"), "application/octet-stream");
        assert_eq!(
            content_type("guide.md", Some(OutputKind::PageMarkdown)),
            "text/markdown; charset=utf-8"
        );
        assert_eq!(
            content_type("llms-full.txt", Some(OutputKind::LlmsFull)),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type("img/x.png", Some(OutputKind::Asset)),
            "image/png"
        );
    }

    #[test]
    fn pages_and_lists_of_pages_go_up_after_assets() {
        assert!(is_page_like("index.html", None));
        assert!(is_page_like("nav.json", None));
        assert!(is_page_like("sitemap.xml", None));
        assert!(is_page_like("guide.md", None));
        assert!(!is_page_like("assets/style.d9e0538f57.css", None));
        assert!(!is_page_like("img/nav.json", None));
        // Every space's navigation, when the build says what it is.
        assert!(is_page_like("api/nav.json", Some(OutputKind::Navigation)));
        assert!(!is_page_like("img/nav.json", Some(OutputKind::Asset)));
    }
}
