//! Raw HTML in pages, read with the crate's one HTML tokenizer: character references decoded
//! once, every URL-bearing attribute resolved (`srcset` candidates with their descriptors,
//! `poster`, `data-src`).

use crate::common::*;

fn site_with_page(body: &str) -> Built {
    build_tmp(site_with(&[
        (
            "content/SUMMARY.md",
            "* [Accueil](README.md)\n* [Cible](docs/cible.md)\n",
        ),
        ("content/README.md", body),
        ("content/docs/cible.md", "# Cible\n"),
        ("content/img/a.png", "png"),
        ("content/img/a,2x.png", "png"),
        ("content/img/poster.png", "png"),
        ("content/img/lazy.png", "png"),
    ]))
}

#[test]
fn a_card_label_reaches_screen_readers_decoded() {
    let site = site_with_page(
        "# Accueil\n\n<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target></th></tr></thead><tbody><tr><td><strong>R&eacute;sum&eacute; &amp; suite</strong></td><td><a href=\"docs/cible.md\">cible</a></td></tr></tbody></table>\n",
    );
    site.assert_no_errors();
    let page = site.page("");
    let link = select_one(&page, ".card a.card-link");
    assert_eq!(attr(link, "href"), "docs/cible/");
    assert_eq!(
        text(select_one(&page, ".card-link .visually-hidden")),
        "Résumé & suite"
    );
}

#[test]
fn srcset_candidates_keep_their_descriptors_and_commas_in_urls() {
    let site = site_with_page(
        "# Accueil\n\n<picture><source srcset=\"img/a,2x.png 2x, img/a.png 1x\"><img src=\"img/a.png\" alt=\"\"></picture>\n\nTexte <a href=\"docs/cible.md\">cible</a>.\n",
    );
    let page = site.page("");
    assert_eq!(
        attr(select_one(&page, "picture source"), "srcset"),
        "img/a,2x.png 2x, img/a.png 1x"
    );
    assert!(
        site.with_code("missing-image").is_empty(),
        "{}",
        list(&site.with_code("missing-image"))
    );
    assert!(
        site.with_code("broken-link").is_empty(),
        "{}",
        list(&site.with_code("broken-link"))
    );
}

#[test]
fn poster_and_data_src_are_resolved_and_checked() {
    let site = site_with_page(
        "# Accueil\n\n<video poster=\"img/poster.png\" src=\"img/absent.mp4\"></video>\n\n<img data-src=\"img/lazy.png\" src=\"img/a.png\" alt=\"\">\n\n<img data-src=\"img/lost.png\" alt=\"\">\n",
    );
    let page = site.page("");
    assert_eq!(attr(select_one(&page, "video"), "poster"), "img/poster.png");
    assert_eq!(
        attr(select_one(&page, "img[src]"), "data-src"),
        "img/lazy.png"
    );
    let broken: Vec<String> = site
        .with_code("broken-link")
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(
        broken.iter().any(|m| m.contains("img/lost.png")),
        "{broken:?}"
    );
    assert!(
        broken.iter().any(|m| m.contains("img/absent.mp4")),
        "{broken:?}"
    );
    assert_eq!(broken.len(), 2, "{broken:?}");
}
