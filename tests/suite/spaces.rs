//! Several GitBook spaces in one tree: each under its folder's URL with its own navigation.

use crate::common::*;

#[test]
fn folders_with_their_own_summary_or_gitbook_yaml_are_spaces() {
    let site = build_fixture("multi-space");
    site.assert_no_errors();
    for page in [
        "index.html",
        "general/index.html",
        "api/index.html",
        "api/endpoints/index.html",
        "guides/index.html",
        "guides/demarrer/index.html",
    ] {
        assert!(site.exists(page), "{page}");
    }
    // A space's own .gitbook.yaml `root` is honoured: guides/docs/ is published at guides/.
    assert!(!site.exists("guides/docs/index.html"));
    // Each space lists its own pages only, and its SUMMARY.md rules its publication.
    let endpoints = site.page("api/endpoints/");
    let nav: Vec<String> = select(&endpoints, "#sidebar > ul:not(.space-list) > li > a")
        .into_iter()
        .map(text)
        .collect();

    assert_eq!(nav, ["Référence de l’API", "Points d’entrée"]);
    assert!(!site.exists("api/orpheline/index.html"));
    assert_eq!(site.with_code("not-in-summary").len(), 1);
}

#[test]
fn each_space_has_its_navigation_file_and_the_site_has_a_switcher() {
    let site = build_fixture("multi-space");
    for nav in ["nav.json", "api/nav.json", "guides/nav.json"] {
        let json: serde_json::Value = serde_json::from_str(&site.file(nav)).expect("valid JSON");
        assert!(json.as_array().is_some_and(|a| !a.is_empty()), "{nav}");
    }
    let endpoints = site.page("api/endpoints/");
    // Site-relative: the theme's script prefixes the way back to the root (`data-root`).
    assert_eq!(
        attr(select_one(&endpoints, "#sidebar"), "data-nav"),
        "api/nav.json"
    );
    assert_eq!(attr(select_one(&endpoints, "html"), "data-root"), "../../");
    let spaces: Vec<(String, String)> = select(&endpoints, ".space-list a")
        .into_iter()
        .map(|a| (text(a), attr(a, "href").to_string()))
        .collect();
    assert_eq!(
        spaces,
        [
            ("Portail".to_string(), "../../".to_string()),
            ("Référence de l’API".to_string(), "../../api/".to_string()),
            ("Guides".to_string(), "../../guides/".to_string()),
        ]
    );
    // The site home lists the spaces.
    assert_eq!(select(&site.page(""), ".content .space-cards a").len(), 3);
}

#[test]
fn breadcrumbs_go_through_the_space_home_and_links_cross_spaces() {
    let site = build_fixture("multi-space");
    let endpoints = site.page("api/endpoints/");
    let crumbs: Vec<String> = select(&endpoints, ".breadcrumbs li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(crumbs, ["Portail", "Référence de l’API"]);
    assert_eq!(link_href(&endpoints, "portail"), "../../");
    assert_eq!(link_href(&endpoints, "guides"), "../../guides/demarrer/");
    assert_eq!(
        link_href(&site.page("general/"), "les points d’entrée"),
        "../api/endpoints/"
    );
    // A GitBook address of a space in the tree (named in .gitbook/vars.yaml) leads here;
    // one of a space elsewhere stays as written.
    assert_eq!(
        link_href(&site.page("general/"), "l’API sur GitBook"),
        "../api/endpoints/#haut"
    );
    assert_eq!(
        link_href(&site.page("general/"), "un autre espace"),
        "https://app.gitbook.com/s/Inconnu/page"
    );
    // Previous/next stay within the space.
    assert!(select(&site.page("api/"), ".pagination a[rel=prev]").is_empty());
}

#[test]
fn docs_yaml_lists_the_spaces_and_their_paths() {
    let site = build_fixture("docs-yaml");
    site.assert_no_errors();
    // The default space of the default section is the site root; others are under their section.
    assert_eq!(
        text(select_one(&site.page(""), ".page-header h1")),
        "Développeurs"
    );
    assert!(site.exists("auth/index.html"));
    assert_eq!(
        text(select_one(&site.page("changelog/"), ".page-header h1")),
        "Journal"
    );
    assert_eq!(
        text(select_one(&site.page("changelog/"), "title")),
        "Journal · Documentation Nébula"
    );
    // A space whose content is not in the tree (directory: null) is skipped silently.
    assert!(
        site.report.diagnostics.is_empty(),
        "{}",
        list(&site.report.diagnostics.iter().collect::<Vec<_>>())
    );
}

#[test]
fn files_outside_the_spaces_of_docs_yaml_are_not_published() {
    let tmp = copy_fixture("docs-yaml");
    write(tmp.path(), "stray.md", b"# Perdu\n");
    let site = build_tmp(tmp);
    assert!(!site.exists("stray/index.html"));
    assert_eq!(site.with_code("not-in-space").len(), 1);
}

#[test]
fn a_tree_of_spaces_without_a_root_readme_gets_a_home_listing_them() {
    let site = build_tmp(site_with(&[
        ("alpha/SUMMARY.md", "* [Alpha](README.md)\n"),
        ("alpha/README.md", "# Alpha\n"),
        ("beta/SUMMARY.md", "* [Beta](README.md)\n"),
        ("beta/README.md", "# Beta\n"),
    ]));
    site.assert_no_errors();
    let home = site.page("");
    let cards: Vec<(String, String)> = select(&home, ".space-cards a")
        .into_iter()
        .map(|a| (text(a), attr(a, "href").to_string()))
        .collect();
    assert_eq!(
        cards,
        [
            ("Alpha".to_string(), "./alpha/".to_string()),
            ("Beta".to_string(), "./beta/".to_string())
        ]
    );
    assert!(
        select(&home, "meta[name=robots]").is_empty(),
        "the generated home is indexable"
    );
}
