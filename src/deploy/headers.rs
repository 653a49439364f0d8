//! The HTTP headers an object is stored with, so that the host serves each file right.
//!
//! S3 serves back the `Content-Type` and `Cache-Control` an object was uploaded with, so they are
//! decided here, once, from the output-relative path. Only CSS and JavaScript whose names carry
//! their content hash (`assets/style.3f9a1c20b4.css`, see `render::theme`) can be cached for a
//! year: a new version gets a new name. Everything else, pages above all, must show an edit
//! within minutes. Nothing is compressed: a `Content-Encoding` the host did not expect would
//! serve gibberish to some clients, so compression stays the host's or CDN's job.

/// One year, and never revalidated: the name changes whenever the content does.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Five minutes: an edit shows quickly, and a burst of readers still hits caches.
pub const SHORT: &str = "public, max-age=300";

/// `Content-Type` for an output file; text types are declared UTF-8 (carnet writes nothing else).
pub fn content_type(rel: &str) -> String {
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

/// `Cache-Control` for an output file.
pub fn cache_control(rel: &str) -> &'static str {
    if is_hashed_asset(rel) {
        IMMUTABLE
    } else {
        SHORT
    }
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

/// Whether `rel` points readers at pages, so must not go up before the pages it names: HTML
/// itself, and the site-wide lists of pages (navigation, sitemap, redirects).
pub fn is_page_like(rel: &str) -> bool {
    rel.ends_with(".html")
        || rel.ends_with(".htm")
        || matches!(
            rel,
            "nav.json" | "sitemap.xml" | "robots.txt" | "_redirects"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_theme_files_are_immutable_and_the_rest_short() {
        assert_eq!(cache_control("assets/style.d9e0538f57.css"), IMMUTABLE);
        assert_eq!(
            cache_control("assets/vendor/mermaid/mermaid.min.0123456789.js"),
            IMMUTABLE
        );
        assert_eq!(cache_control("assets/style.css"), SHORT);
        assert_eq!(cache_control("assets/style.D9E0538F57.css"), SHORT);
        assert_eq!(cache_control("assets/logo.d9e0538f57.png"), SHORT);
        assert_eq!(cache_control("guide/style.d9e0538f57.css"), SHORT);
        assert_eq!(cache_control("index.html"), SHORT);
        assert_eq!(cache_control("assets/.d9e0538f57.js"), SHORT);
    }

    #[test]
    fn content_types_come_from_the_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/style.d9e0538f57.css"),
            "text/css; charset=utf-8"
        );
        assert!(content_type("assets/carnet.36736da3bf.js").contains("javascript"));
        assert_eq!(content_type("nav.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("img/a b.png"), "image/png");
        assert_eq!(content_type("_redirects"), "text/plain; charset=utf-8");
        assert_eq!(content_type("files/blob"), "application/octet-stream");
    }

    #[test]
    fn pages_and_lists_of_pages_go_up_after_assets() {
        assert!(is_page_like("index.html"));
        assert!(is_page_like("nav.json"));
        assert!(is_page_like("sitemap.xml"));
        assert!(!is_page_like("assets/style.d9e0538f57.css"));
        assert!(!is_page_like("img/nav.json"));
    }
}
