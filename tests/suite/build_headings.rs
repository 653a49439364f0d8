//! Heading ids (GitBook's rule), self-links and the on-page table of contents.

use crate::common::*;

#[test]
fn heading_ids_follow_gitbook() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("reference/titres/");
    let ids: Vec<&str> = select(&page, ".content :is(h2, h3)")
        .into_iter()
        .map(|h| attr(h, "id"))
        .collect();
    assert_eq!(
        ids,
        [
            "les-services-partages",
            "comment-faire-une-demande-dops",
            "lequipe-dops",
            "id-2024-en-bref",
            "doublon",
            "doublon-1",
            "ancien-titre",
            "attr-id",
            "sous-section",
            "emoji",
        ]
    );
}

#[test]
fn each_heading_links_to_itself_and_explicit_anchors_are_not_duplicated() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("reference/titres/");
    for heading in select(&page, ".content h2") {
        let id = attr(heading, "id");
        let anchors: Vec<_> = heading
            .children()
            .filter_map(scraper::ElementRef::wrap)
            .filter(|a| a.value().name() == "a")
            .collect();
        assert_eq!(anchors.len(), 1, "one self-link in #{id}");
        assert_eq!(attr(anchors[0], "href"), format!("#{id}"));
    }
    assert_eq!(select(&page, "[id=ancien-titre]").len(), 1);
    assert_eq!(text(select_one(&page, "#ancien-titre")), "Explicite");
}

#[test]
fn table_of_contents_lists_h2_with_h3_nested() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("reference/titres/");
    let top: Vec<&str> = select(&page, ".page-toc nav > ul > li > a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(top.len(), 9);
    assert_eq!(top[0], "#les-services-partages");
    let nested: Vec<&str> = select(&page, ".page-toc nav > ul > li > ul a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(nested, ["#sous-section"]);
}

#[test]
fn a_whole_page_snapshot() {
    let site = build_fixture("gitbook-summary");
    // Theme asset names carry a hash of their content: redacted, so the snapshot is about the page.
    insta::with_settings!({ filters => vec![(r"\.[0-9a-f]{10}\.(css|js)", ".[hash].$1")] }, {
        insta::assert_snapshot!("titres_page", site.file("reference/titres/index.html"));
    });
}
