//! Front matter: description, hidden, extra keys for templates, invalid YAML.

use crate::common::*;

#[test]
fn description_is_shown_under_the_title_and_as_meta_description() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("reference/front-matter/");
    assert_eq!(
        text(select_one(&page, ".page-description")),
        "Une description courte de la page."
    );
    let meta = select_one(&page, "meta[name=description]");
    assert_eq!(attr(meta, "content"), "Une description courte de la page.");
    // The YAML block is not part of the body.
    assert!(!text(select_one(&page, ".content")).contains("icon"));
}

#[test]
fn without_description_the_first_paragraph_is_the_meta_description() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("guide/installation/");
    assert_eq!(
        attr(select_one(&page, "meta[name=description]"), "content"),
        "Installer l’outil."
    );
    assert!(select(&page, ".page-description").is_empty());
}

#[test]
fn hidden_pages_are_built_but_not_in_the_navigation() {
    let site = build_fixture("gitbook-summary");
    assert!(site.exists("reference/cache/index.html"));
    let home = site.page("");
    let labels: Vec<String> = select(&home, "#sidebar a").into_iter().map(text).collect();
    assert!(!labels.iter().any(|l| l == "Caché"), "{labels:?}");
    assert!(
        site.with_code("not-in-summary")
            .iter()
            .all(|d| !d.message.contains("cache.md"))
    );
}

#[test]
fn other_keys_reach_templates_as_extra() {
    let site = build_fixture("theme-override");
    site.assert_no_errors();
    let page = site.page("");
    let article = select_one(&page, "article[data-override=yes]");
    assert_eq!(attr(article, "data-audience"), "sysadmins");
    assert_eq!(attr(article, "data-team"), "ops");
}

#[test]
fn invalid_yaml_is_a_warning_at_its_line_and_the_page_still_builds() {
    let site = build_fixture("gitbook-summary");
    site.assert_no_errors();
    let invalid = site.with_code("invalid-front-matter");
    assert_eq!(invalid.len(), 1, "{}", list(&invalid));
    let location = invalid[0].location.as_ref().expect("located");
    assert_eq!(location.file.to_str(), Some("reference/yaml-invalide.md"));
    assert!((3..=4).contains(&location.line), "line {}", location.line);
    let page = site.page("reference/yaml-invalide/");
    assert_eq!(
        text(select_one(&page, ".content p")),
        "Le corps est rendu quand même."
    );
    // The invalid block is dropped whole: its valid `title:` does not apply either.
    assert!(select(&page, ".page-description").is_empty());
}
