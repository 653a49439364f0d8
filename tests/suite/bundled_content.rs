//! The guides this repository publishes (`content/`) build, with a home page linking to each
//! guide and navigation between every page.

use crate::common::*;
use carnet::build::build;

fn build_bundled() -> Built {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut opts = options(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    opts.overrides.output = Some(tmp.path().join("public"));
    let report = build(&opts);
    Built {
        site: opts.site_dir.clone(),
        out: tmp.path().join("public"),
        tmp,
        report,
    }
}

#[test]
fn the_bundled_guides_build_without_errors() {
    let site = build_bundled();
    site.assert_no_errors();
    assert_eq!(site.report.pages, 4);
}

#[test]
fn the_home_page_links_to_every_guide() {
    let site = build_bundled();
    let home = site.page("");
    for (label, url) in [
        ("Infra", "hebergement-et-services-partages/infra/"),
        (
            "Services externes",
            "services-externes/services-externes-ares/",
        ),
        ("Hexanet", "hebergeur-et-sla/hexanet/"),
    ] {
        assert_eq!(link_href(&home, label), url);
        assert!(site.exists(&format!("{url}index.html")));
    }
}

#[test]
fn previous_and_next_links_walk_through_every_page() {
    let site = build_bundled();
    let mut url = String::new();
    let mut seen = vec![url.clone()];
    loop {
        let page = site.page(&url);
        let next = select(&page, ".pagination a[rel=next]");
        let Some(next) = next.first() else { break };
        let href = attr(*next, "href");
        let target = site.out.join(&url).join(href).join("index.html");
        let target = target.canonicalize().expect("next page exists");
        url = target
            .parent()
            .expect("dir")
            .strip_prefix(site.out.canonicalize().expect("out"))
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        url = if url.is_empty() {
            url
        } else {
            format!("{url}/")
        };
        seen.push(url.clone());
        assert!(seen.len() <= 4, "loop in reading order: {seen:?}");
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
}

#[test]
fn the_content_ref_pointing_outside_the_site_is_reported() {
    let site = build_bundled();
    let outside: Vec<_> = site
        .with_code("broken-link")
        .into_iter()
        .filter(|d| d.message.contains("above the site root"))
        .map(|d| {
            d.location
                .as_ref()
                .map(|l| (l.file.to_string_lossy().into_owned(), l.line))
        })
        .collect();
    let infra = "content/hebergement-et-services-partages/infra.md".to_string();
    // The prose link (line 9) and the content-ref card (its tag, line 11) both leave the site.
    assert_eq!(outside, [Some((infra.clone(), 9)), Some((infra, 11))]);
    let card = site
        .with_code("broken-link")
        .into_iter()
        .find(|d| d.message.starts_with("content-ref"))
        .expect("card warning");
    assert!(
        card.source_line
            .as_deref()
            .is_some_and(|l| l.starts_with("{% content-ref"))
    );
    // The card shows its label, marked unavailable, and no link that would 404.
    let page = site.page("hebergement-et-services-partages/infra/");
    let missing = select_one(&page, ".content-ref-missing");
    assert_eq!(
        text(missing),
        "jutilise-les-outils-de-la-communaute (page non disponible)"
    );
    // The prose link leads to a page of the community site the guide was copied from: text,
    // not a dead link.
    assert!(
        select(&page, ".content a[href*=travailler]").is_empty(),
        "no link leads out of the site"
    );
    let prose: Vec<_> = select(&page, ".content a:not([href])")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(prose, ["\"les outils de la communauté\""]);
    assert!(!page.html().contains("{%"), "no raw tag reaches the page");
}

#[test]
fn the_bundled_site_has_a_404_page() {
    let site = build_bundled();
    let html = scraper::Html::parse_document(&site.file("404.html"));
    assert_eq!(
        text(select_one(&html, ".page-header h1")),
        "Page introuvable"
    );
}
