//! The theme: what every page carries, and a site's own theme overriding the embedded one.

use crate::common::*;

#[test]
fn every_page_has_the_parts_readers_and_search_engines_need() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("guide/installation/");
    assert_eq!(attr(select_one(&page, "html"), "lang"), "fr");
    assert_eq!(text(select_one(&page, "title")), "Installation · Accueil");
    select_one(&page, "meta[name=description]");
    select_one(&page, "link[rel=canonical]");
    select_one(&page, "meta[name=viewport]");
    assert_eq!(attr(select_one(&page, "a.skip-link"), "href"), "#content");
    select_one(&page, "nav#sidebar");
    select_one(&page, "main#content");
    select_one(&page, "nav.breadcrumbs");
    select_one(&page, ".page-toc");
    select_one(&page, "nav.pagination");
    select_one(&page, "footer");
    // No request to any other host: every stylesheet and script is local.
    for element in select(&page, "link[href], script[src], img[src]") {
        let url = element
            .value()
            .attr("href")
            .or_else(|| element.value().attr("src"))
            .unwrap_or("");
        assert!(
            !url.contains("://") || element.value().attr("rel") == Some("canonical"),
            "external resource {url}"
        );
    }
}

#[test]
fn theme_assets_have_content_hashed_names() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("");
    // The home page's way back to the root is `./`.
    let css = attr(select_one(&page, "link[rel=stylesheet]"), "href").trim_start_matches("./");
    let js = attr(select_one(&page, "script[src]"), "src").trim_start_matches("./");
    assert!(
        css.starts_with("assets/style.") && css.ends_with(".css"),
        "{css}"
    );
    assert!(
        js.starts_with("assets/carnet.") && js.ends_with(".js"),
        "{js}"
    );
    assert!(site.exists(css) && site.exists(js));
}

#[test]
fn a_site_theme_overrides_templates_and_assets_file_by_file() {
    let site = build_fixture("theme-override");
    site.assert_no_errors();
    let page = site.page("");
    select_one(&page, "article[data-override=yes]");
    // base.html still comes from the embedded theme, in the configured language.
    assert_eq!(attr(select_one(&page, "html"), "lang"), "en");
    assert_eq!(text(select_one(&page, "a.skip-link")), "Skip to content");
    assert_eq!(
        text(select_one(&page, "title")),
        "Home page · Site surchargé"
    );
    let css = attr(select_one(&page, "link[rel=stylesheet]"), "href").trim_start_matches("./");
    assert!(site.file(css).contains("/* custom stylesheet */"));
    let extra: Vec<_> = std::fs::read_dir(site.out.join("assets"))
        .expect("assets")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("extra.") && n.ends_with(".js"))
        .collect();
    assert_eq!(extra.len(), 1, "new static files are published too");
    assert_eq!(
        attr(select_one(&page, "link[rel=canonical]"), "href"),
        "https://docs.example.org/guides/"
    );
}

#[test]
fn an_unknown_theme_is_an_error() {
    let built = build_tmp(site_with(&[
        ("carnet.yaml", "theme: absent\n"),
        ("README.md", "# Home\n"),
    ]));
    let errors = built.errors();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("theme `absent` not found"));
}

/// gzip size, as a host would serve it.
fn gzipped(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = encoder.write_all(bytes);
    encoder.finish().map(|v| v.len()).unwrap_or(usize::MAX)
}

#[test]
fn a_guide_page_weighs_less_than_60_kb_compressed_and_blocks_nothing() {
    let site = build_fixture("reader");
    site.assert_no_errors();
    let url = "guides/hebergement/";
    let page = site.page(url);
    let html = std::fs::read(site.out.join(url).join("index.html")).unwrap_or_default();
    let mut total = gzipped(&html);
    let mut assets = Vec::new();
    for element in select(&page, "link[rel=stylesheet], script[src]") {
        let reference = element
            .value()
            .attr("href")
            .or_else(|| element.value().attr("src"))
            .unwrap_or_default();
        let path = site.out.join(url).join(reference);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        total += gzipped(&bytes);
        assets.push(reference.to_owned());
        if element.value().name() == "script" {
            let attrs = element.value();
            assert!(
                attrs.attr("defer").is_some()
                    || attrs.attr("async").is_some()
                    || attrs.attr("type") == Some("module"),
                "render-blocking script {reference}"
            );
        }
    }
    assert!(
        assets.len() >= 2,
        "the page loads its CSS and JS: {assets:?}"
    );
    assert!(total <= 60 * 1024, "{total} bytes compressed: {assets:?}");
    // Search code and the stemmer are fetched only when a reader searches.
    assert!(
        !assets
            .iter()
            .any(|a| a.contains("search.") || a.contains("snowball"))
    );
}
