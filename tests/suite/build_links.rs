//! Link rewriting: every kind of destination GitBook exports write, resolved against the site.

use crate::common::*;

#[test]
fn links_resolve_to_relative_urls() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("reference/liens/");
    let expected = [
        ("page md", "../../guide/installation/"),
        ("dossier GitBook", "../../guide/"),
        ("ancre distante", "../../guide/installation/#prerequis"),
        ("ancre locale", "#section-locale"),
        ("échappé", "../../guide/config_avancee/"),
        ("pourcent", "../mon%20fichier/"),
        ("chevrons", "../mon%20fichier/"),
        ("absolu depuis la racine", "../../guide/linux/"),
        ("externe", "https://example.org/x?a=1&b=2"),
        ("courriel", "mailto:ops@example.org"),
        ("fichier", "../../.gitbook/assets/image%20(1).png"),
    ];
    for (label, href) in expected {
        assert_eq!(link_href(&page, label), href, "link `{label}`");
    }
}

#[test]
fn images_and_raw_html_urls_are_rewritten() {
    let site = build_fixture("gitbook-summary");
    let page = site.page("reference/liens/");
    let sources: Vec<&str> = select(&page, ".content img")
        .into_iter()
        .map(|img| attr(img, "src"))
        .collect();
    assert_eq!(sources, ["../../.gitbook/assets/image%20(1).png"; 2]);
    assert_eq!(attr(select_one(&page, "figure img"), "alt"), "en HTML");
}

#[test]
fn relative_links_work_from_the_page_location() {
    let site = build_fixture("gitbook-summary");
    // `linux.md` sits next to `installation.md`, whose output is one folder deeper.
    assert_eq!(
        link_href(&site.page("guide/installation/"), "la page Linux"),
        "../linux/"
    );
    assert_eq!(link_href(&site.page("guide/linux/"), "guide"), "../");
    assert_eq!(
        link_href(&site.page(""), "l’installation"),
        "guide/installation/"
    );
}

#[test]
fn unresolved_links_are_warnings_at_their_line_and_left_as_written() {
    let site = build_fixture("gitbook-summary");
    let broken = site.with_code("broken-link");
    let found: Vec<(usize, bool)> = broken
        .iter()
        .map(|d| {
            let location = d.location.as_ref().expect("located");
            assert_eq!(location.file.to_str(), Some("reference/liens.md"));
            (location.line, d.message.contains("above the site root"))
        })
        .collect();
    assert_eq!(found, [(13, false), (14, true)], "{}", list(&broken));
    assert_eq!(
        broken[0].source_line.as_deref(),
        Some("* [absent](nulle-part.md)")
    );
    assert_eq!(
        link_href(&site.page("reference/liens/"), "absent"),
        "nulle-part.md"
    );

    let anchors = site.with_code("missing-anchor");
    assert_eq!(anchors.len(), 1, "{}", list(&anchors));
    assert!(anchors[0].message.contains("#nope"));
    assert_eq!(
        anchors[0].location.as_ref().map(|l| (l.line, l.column)),
        Some((15, 3))
    );
}

#[test]
fn missing_images_are_reported() {
    let site = site_with(&[("README.md", "# Home\n\n![schéma](img/absent.png)\n")]);
    let site = build_tmp(site);
    let missing = site.with_code("missing-image");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].location.as_ref().map(|l| l.line), Some(3));
    site.assert_no_errors();
}

#[test]
fn assets_are_copied_byte_for_byte_with_their_names() {
    let site = build_fixture("gitbook-summary");
    let nfd = "re\u{301}sume\u{301}.pdf";
    let nfc = "r\u{e9}sum\u{e9}.pdf";
    assert_eq!(
        std::fs::read(site.out.join(".gitbook/assets").join(nfd)).expect("NFD name kept"),
        b"PDF NFD"
    );
    assert_eq!(
        std::fs::read(site.out.join(".gitbook/assets").join(nfc)).expect("NFC name kept"),
        b"PDF NFC"
    );
    let png = std::fs::read(site.out.join(".gitbook/assets/image (1).png")).expect("spaces kept");
    assert_eq!(
        png,
        std::fs::read(fixture_path("gitbook-summary").join(".gitbook/assets/image (1).png"))
            .expect("fixture")
    );
    // Markdown sources are pages, not assets; hidden entries and node_modules are skipped.
    for skipped in ["SUMMARY.md", "README.md", ".hidden", "node_modules"] {
        assert!(
            !site.exists(skipped),
            "{skipped} should not be in the output"
        );
    }
    // `reference/liens.md` is the page's Markdown output (its URL with `.md`), not its source.
    let source =
        std::fs::read_to_string(fixture_path("gitbook-summary").join("reference/liens.md"))
            .expect("fixture");
    assert_ne!(site.file("reference/liens.md"), source);
    assert!(site.file("reference/liens.md").starts_with("# "));
}

#[test]
fn links_to_the_html_another_generator_wrote_lead_to_the_page_with_a_warning() {
    // Pages moved from Sphinx or HonKit keep links to `page.html` and `index.html`.
    let site = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        (
            "SUMMARY.md",
            "# Summary\n\n* [Home](README.md)\n* [Guide](guide/README.md)\n  * [Routing](guide/Routing.md)\n  * [Mappers](guide/Mappers.md)\n",
        ),
        ("guide/README.md", "# Guide\n"),
        ("guide/Routing.md", "# Routing\n\n## Direct messaging\n"),
        (
            "guide/Mappers.md",
            "# Mappers\n\n[routing](Routing.html#direct-messaging) and \
             [guide](index.html) and [home](../index.htm)\n\n[gone](Pipeline.html)\n\n\
             [report](report.html)\n",
        ),
        ("guide/report.html", "<p>kept as a file</p>"),
    ]));
    site.assert_no_errors();
    let page = site.page("guide/Mappers/");
    assert_eq!(link_href(&page, "routing"), "../Routing/#direct-messaging");
    assert_eq!(link_href(&page, "guide"), "../");
    assert_eq!(link_href(&page, "home"), "../../");
    // A real HTML file stays a file; a page that does not exist either stays a broken link.
    assert_eq!(link_href(&page, "report"), "../report.html");
    assert_eq!(link_href(&page, "gone"), "Pipeline.html");
    let broken = site.with_code("broken-link");
    assert_eq!(broken.len(), 1, "{}", list(&broken));
    let warned = site.with_code("link-to-html");
    let lines: Vec<Option<usize>> = warned
        .iter()
        .map(|d| d.location.as_ref().map(|l| l.line))
        .collect();
    assert_eq!(lines, [Some(3); 3], "{}", list(&warned));
    assert!(
        warned[0].message.contains("guide/Routing.md"),
        "{}",
        warned[0].message
    );
}
