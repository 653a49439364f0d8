//! What a build writes, and what it refuses to write: determinism, atomic replacement, failing
//! inputs (one test per bad input), the 404 page.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

fn tree_bytes(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.expect("walk output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).expect("read output"))
        })
        .collect()
}

#[test]
fn two_builds_give_identical_bytes() {
    let first = build_fixture("gitbook-summary");
    let second = build_fixture("gitbook-summary");
    let (a, b) = (tree_bytes(&first.out), tree_bytes(&second.out));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
    assert!(a.len() > 15);
}

#[test]
fn a_failing_build_leaves_the_previous_output_untouched() {
    let tmp = copy_fixture("folder-tree");
    let site = tmp.path().to_path_buf();
    let first = build_tmp(tmp);
    first.assert_no_errors();
    let before = tree_bytes(&first.out);

    // A broken template is an error: nothing may replace the good output.
    write(
        &site,
        "themes/default/templates/page.html",
        b"{% extends \"base.html\" %}{% block main %}{{ page.title \n{% endblock main %}",
    );
    write(&site, "b-page.md", b"# Page B changed\n");
    let report = carnet::build::build(&options(&site));
    assert!(!report.succeeded());
    assert!(!report.written);
    let error = report
        .diagnostics
        .iter()
        .find(|d| d.code == "template-error")
        .expect("template error");
    let location = error.location.as_ref().expect("located");
    assert_eq!(
        location.file,
        Path::new("themes/default/templates/page.html")
    );
    assert_eq!(tree_bytes(&first.out), before);
    // No staging folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&site)
        .expect("site dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("carnet-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_successful_build_replaces_the_whole_output() {
    let tmp = copy_fixture("folder-tree");
    let site = tmp.path().to_path_buf();
    assert!(carnet::build::build(&options(&site)).written);
    write(&site, "public/stale.html", b"old");
    let built = build_tmp(tmp);
    built.assert_no_errors();
    assert!(!built.exists("stale.html"));
    std::fs::remove_file(site.join("b-page.md")).expect("remove");
    let report = carnet::build::build(&options(&site));
    assert!(report.written);
    assert!(
        !built.exists("b-page/index.html"),
        "removed page gone from output"
    );
}

#[test]
fn strict_turns_warnings_into_errors_and_writes_nothing() {
    let tmp = site_with(&[("README.md", "# Home\n\n[cassé](absent.md)\n")]);
    let mut opts = options(tmp.path());
    opts.strict = true;
    let built = build_tmp_with(tmp, opts);
    assert!(!built.report.succeeded());
    assert!(!built.report.written);
    assert!(!built.out.exists());
    assert_eq!(
        built.with_code("broken-link")[0].severity,
        carnet::diagnostic::Severity::Error
    );
}

#[test]
fn unknown_config_key_is_an_error_naming_the_key_and_line() {
    let built = build_tmp(site_with(&[
        ("carnet.yaml", "title: Docs\nlangage: en\n"),
        ("README.md", "# Home\n"),
    ]));
    let errors = built.errors();
    assert_eq!(errors.len(), 1, "{}", list(&errors));
    assert!(
        errors[0].message.contains("unknown field `langage`"),
        "{}",
        errors[0].message
    );
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(2));
    assert!(!built.out.exists());
}

#[test]
fn two_files_with_one_url_are_an_error() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        ("a.md", "# A\n"),
        ("a/README.md", "# A index\n"),
    ]));
    let errors = built.with_code("duplicate-url");
    assert_eq!(errors.len(), 1, "{}", list(&errors));
    assert!(errors[0].message.contains("a.md") && errors[0].message.contains("a/README.md"));
    assert!(!built.report.written);
}

#[test]
fn an_asset_colliding_with_a_page_is_an_error() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        ("guide.md", "# Guide\n"),
        ("guide/index.html", "<p>raw</p>"),
    ]));
    assert_eq!(built.with_code("duplicate-url").len(), 1);
    assert!(!built.report.written);
}

#[test]
fn an_output_folder_holding_the_sources_is_refused() {
    let tmp = site_with(&[("README.md", "# Home\n")]);
    let mut opts = options(tmp.path());
    opts.overrides.output = Some(tmp.path().to_path_buf());
    let built = build_tmp_with(tmp, opts);
    assert_eq!(built.with_code("invalid-output").len(), 1);
    assert_eq!(
        std::fs::read_to_string(built.site.join("README.md")).expect("sources intact"),
        "# Home\n"
    );
}

#[test]
fn bytes_that_are_not_utf8_build_with_a_warning() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "README.md", b"# Accueil\n\nd\xe9j\xe0 vu\n");
    let built = build_tmp(tmp);
    built.assert_no_errors();
    assert!(
        built
            .report
            .diagnostics
            .iter()
            .any(|d| d.location.as_ref().is_some_and(|l| l.line == 3))
    );
    assert!(text(select_one(&built.page(""), ".content p")).starts_with('d'));
}

#[test]
fn the_404_page_uses_links_from_the_base_path() {
    let tmp = copy_fixture("gitbook-summary");
    let mut opts = options(tmp.path());
    opts.overrides.base_url = Some("https://example.org/docs".to_string());
    let built = build_tmp_with(tmp, opts);
    let html = scraper::Html::parse_document(&built.file("404.html"));
    let css = select_one(&html, "link[rel=stylesheet]");
    assert!(
        attr(css, "href").starts_with("/docs/assets/style."),
        "{}",
        attr(css, "href")
    );
    assert_eq!(attr(select_one(&html, ".site-title"), "href"), "/docs/");
    let hrefs: Vec<&str> = select(&html, "#sidebar a[href]")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert!(hrefs.contains(&"/docs/guide/"), "{hrefs:?}");
    // Pages keep relative links and get an absolute canonical URL.
    let page = built.page("reference/mon fichier/");
    assert_eq!(
        attr(select_one(&page, "link[rel=canonical]"), "href"),
        "https://example.org/docs/reference/mon%20fichier/"
    );
    assert_eq!(attr(select_one(&page, ".site-title"), "href"), "../../");
}

#[test]
fn empty_site_builds_an_empty_site_without_panicking() {
    let built = build_tmp(tempfile::tempdir().expect("tmp"));
    built.assert_no_errors();
    assert!(built.exists("404.html"));
    assert_eq!(built.report.pages, 0);
}

#[test]
fn sitemap_and_robots_from_the_base_url() {
    let tmp = copy_fixture("gitbook-summary");
    let mut opts = options(tmp.path());
    opts.overrides.base_url = Some("https://example.org/docs".to_string());
    let built = build_tmp_with(tmp, opts);
    let sitemap = built.file("sitemap.xml");
    let urls: Vec<&str> = sitemap
        .lines()
        .filter_map(|l| l.strip_prefix("<url><loc>")?.strip_suffix("</loc></url>"))
        .collect();
    assert!(urls.contains(&"https://example.org/docs/"));
    assert!(urls.contains(&"https://example.org/docs/reference/mon%20fichier/"));
    assert!(
        !urls.iter().any(|u| u.contains("cache")),
        "hidden pages are left out"
    );
    assert!(
        !urls.iter().any(|u| u.contains("orpheline")),
        "unpublished pages are left out"
    );
    assert_eq!(urls.len(), 10);
    assert!(
        built
            .file("robots.txt")
            .contains("Sitemap: https://example.org/docs/sitemap.xml")
    );
}

#[test]
fn without_base_url_there_is_no_sitemap_and_a_sites_own_robots_wins() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        ("robots.txt", "User-agent: *\nDisallow: /\n"),
    ]));
    built.assert_no_errors();
    assert!(!built.exists("sitemap.xml"));
    assert_eq!(built.file("robots.txt"), "User-agent: *\nDisallow: /\n");
}
