//! Navigation, URLs and titles: SUMMARY.md and folder-tree sites built and read back as HTML.

use crate::common::*;

#[test]
fn summary_groups_nesting_labels_and_external_entries() {
    let site = build_fixture("gitbook-summary");
    site.assert_no_errors();
    let page = site.page("guide/linux/");

    let groups: Vec<String> = select(&page, "#sidebar > ul > li.nav-group > .nav-group-title")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(groups, ["Guide", "Référence"]);

    // The link title of `[Installation](guide/installation.md "Installer")` is the sidebar label.
    let branch: Vec<String> = select(&page, "#sidebar li.is-on-path > a")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(branch, ["Le guide", "Installer", "Sur Linux"]);
    let current = select_one(&page, "#sidebar li.is-current > a");
    assert_eq!(attr(current, "aria-current"), "page");
    assert_eq!(attr(current, "href"), "./");

    let external = select_one(&page, "#sidebar a[rel=external]");
    assert_eq!(attr(external, "href"), "https://example.org/docs");
    assert_eq!(text(external), "Site externe");

    let unlinked: Vec<String> = select(&page, "#sidebar .nav-text")
        .into_iter()
        .map(text)
        .collect();
    assert!(
        unlinked.contains(&"Brouillon sans lien".to_string()),
        "{unlinked:?}"
    );
    assert!(
        unlinked.contains(&"Absente".to_string()),
        "missing entry shown as text: {unlinked:?}"
    );
}

#[test]
fn summary_problems_are_warnings_at_their_line() {
    let site = build_fixture("gitbook-summary");
    let missing = site.with_code("summary-missing-page");
    assert_eq!(missing.len(), 1, "{}", list(&missing));
    let location = missing[0].location.as_ref().expect("located");
    assert_eq!(
        (location.file.to_str(), location.line),
        (Some("SUMMARY.md"), 23)
    );
    let duplicate = site.with_code("summary-duplicate");
    assert_eq!(duplicate.len(), 1);
    assert_eq!(duplicate[0].location.as_ref().map(|l| l.line), Some(22));
}

#[test]
fn only_the_current_branch_is_expanded() {
    let site = build_fixture("gitbook-summary");
    let home = site.page("");
    // From the home page, "Le guide" has children (a branch) but is collapsed: they are not in
    // the page.
    let guide = "#sidebar > ul > li.nav-group > ul > li.nav-branch";
    assert_eq!(text(select_one(&home, &format!("{guide} > a"))), "Le guide");
    assert!(select(&home, &format!("{guide} ul")).is_empty());
    // From a page under it, the branch is open.
    let linux = site.page("guide/linux/");
    assert_eq!(select(&linux, &format!("{guide} > ul")).len(), 1);
    // The whole tree lives in one shared file, with every entry.
    let nav: serde_json::Value =
        serde_json::from_str(&site.file("nav.json")).expect("nav.json is JSON");
    assert_eq!(nav[1]["l"], "Guide");
    assert_eq!(nav[1]["c"][0]["c"][0]["c"][0]["u"], "guide/linux/");
}

#[test]
fn titles_follow_gitbook() {
    let site = build_fixture("gitbook-summary");
    // SUMMARY label wins over the page's own H1.
    assert_eq!(
        text(select_one(&site.page("guide/"), ".page-header h1")),
        "Le guide"
    );
    // A page without H1 gets its SUMMARY label, with Markdown escapes undone.
    assert_eq!(
        text(select_one(
            &site.page("guide/config_avancee/"),
            ".page-header h1"
        )),
        "Configuration _avancée"
    );
    // The H1 that is the title is not repeated in the body.
    assert!(select(&site.page("guide/installation/"), ".content h1").is_empty());
    let title = text(select_one(&site.page("guide/installation/"), "title"));
    assert_eq!(title, "Installation · Accueil");
}

#[test]
fn urls_are_gitbooks() {
    let site = build_fixture("gitbook-summary");
    for rel in [
        "index.html",
        "guide/index.html",
        "guide/installation/index.html",
        "guide/config_avancee/index.html",
        "reference/mon fichier/index.html",
        "404.html",
    ] {
        assert!(site.exists(rel), "{rel} missing");
    }
    assert!(!site.exists("guide/README/index.html"));
    assert!(!site.exists("SUMMARY/index.html"));
}

#[test]
fn breadcrumbs_and_previous_next_follow_the_nav() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("guide/installation/");
    let crumbs: Vec<String> = select(&page, ".breadcrumbs li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(crumbs, ["Accueil", "Guide", "Le guide"]);
    let prev = select_one(&page, ".pagination a[rel=prev]");
    let next = select_one(&page, ".pagination a[rel=next]");
    assert_eq!(
        (attr(prev, "href"), attr(next, "href")),
        ("../", "../linux/")
    );
    // The last page in reading order has no next link; hidden pages are not in the order.
    let last = site.page("reference/mon fichier/");
    assert!(select(&last, ".pagination a[rel=next]").is_empty());
    assert_eq!(
        attr(select_one(&last, ".pagination a[rel=prev]"), "href"),
        "../yaml-invalide/"
    );
}

#[test]
fn folder_tree_navigation_without_summary() {
    let site = build_fixture("folder-tree");
    site.assert_no_errors();
    let page = site.page("a-dossier/enfant/");
    let roots: Vec<String> = select(&page, "#sidebar > ul > li > :is(a, span)")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        roots,
        [
            "Maison",
            "Dossier A",
            "Page B",
            "c-dossier",
            "Index minuscule"
        ]
    );
    let children: Vec<String> = select(&page, "#sidebar li.is-on-path > ul > li > :is(a, span)")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(children, ["Enfant", "sous"]);
    // Every page is published without SUMMARY.md, including a lower-case readme.md as folder index.
    assert!(site.exists("d-dossier/index.html"));
    assert!(site.exists("a-dossier/sous/profond/index.html"));
    assert!(site.with_code("not-in-summary").is_empty());
}

#[test]
fn readme_is_its_folders_page() {
    let site = build_fixture("folder-tree");
    assert_eq!(
        text(select_one(&site.page("a-dossier/"), ".page-header h1")),
        "Dossier A"
    );
    assert_eq!(link_href(&site.page("a-dossier/"), "enfant"), "enfant/");
}

#[test]
fn gitbook_yaml_root_readme_and_summary() {
    let site = build_fixture("gitbook-root");
    site.assert_no_errors();
    assert_eq!(
        text(select_one(&site.page(""), ".page-header h1")),
        "Introduction"
    );
    assert_eq!(link_href(&site.page(""), "la partie"), "part/page/");
    assert_eq!(
        link_href(&site.page("part/page/"), "introduction"),
        "../../"
    );
    // README.md outside the root is not part of the site.
    assert!(!site.exists("README/index.html"));
}

#[test]
fn orphan_pages_are_reported_and_not_published() {
    let site = build_fixture("gitbook-summary");
    let orphans = site.with_code("not-in-summary");
    assert_eq!(orphans.len(), 1, "{}", list(&orphans));
    assert!(orphans[0].message.contains("reference/orpheline.md"));
    assert!(
        orphans[0]
            .message
            .contains("not in SUMMARY.md, not published")
    );
    assert!(!site.exists("reference/orpheline/index.html"));
    let links = site.with_code("link-to-unpublished");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].location.as_ref().map(|l| l.line), Some(16));
}
