//! `carnet serve` in the browser: a saved page or stylesheet shows in the open page without a
//! manual reload.

use serde_json::json;

use super::common;
use super::harness::{Browser, run, skip};

#[test]
fn a_saved_edit_shows_in_the_open_page_without_a_manual_reload() {
    if skip() {
        return;
    }
    let tmp = common::copy_fixture("reader");
    let server = common::server::Server::start(tmp.path(), &[]);
    run(async {
        let browser = Browser::start(1280, 600).await;
        browser
            .goto(&format!(
                "http://127.0.0.1:{}/guides/hebergement/",
                server.port
            ))
            .await;
        // Scroll down, then save an edit of this page's Markdown.
        browser.js("window.scrollTo(0, 400)").await;
        browser.js("window.__sameDocument = true").await;
        let page = tmp.path().join("guides/hebergement.md");
        let text = std::fs::read_to_string(&page).unwrap_or_default();
        std::fs::write(&page, text.replace("trente jours", "quarante jours")).ok();
        browser
            .wait_for("return document.body.textContent.includes('quarante jours')")
            .await;
        let kept = browser
            .wait_for("return window.scrollY > 300 ? window.scrollY : null")
            .await;
        assert!(
            kept.as_f64().is_some_and(|y| y > 300.0),
            "scroll kept: {kept}"
        );

        // An edit of another page does not reload this one.
        browser.js("window.__sameDocument = true").await;
        let other = tmp.path().join("guides/messagerie.md");
        std::fs::write(&other, "# Messagerie\n\nAutre texte.\n").ok();
        server.wait_until("/guides/messagerie/", |b| b.contains("Autre texte"));
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let same = browser.js("return window.__sameDocument === true").await;
        assert_eq!(same, json!(true), "unrelated rebuild reloaded the page");

        // A broken front matter shows the overlay; fixing it removes it.
        std::fs::write(&page, format!("---\ndescription: [\n---\n{text}")).ok();
        let overlay = browser
            .wait_for(
                "const o = document.getElementById('carnet-overlay'); return o && o.textContent",
            )
            .await;
        assert!(
            overlay
                .as_str()
                .unwrap_or_default()
                .contains("guides/hebergement.md:3"),
            "{overlay}"
        );
        std::fs::write(&page, &text).ok();
        browser
            .wait_for("return document.getElementById('carnet-overlay') === null")
            .await;
        browser.close().await;
    });
}

#[test]
fn a_stylesheet_edit_applies_without_reloading_the_page() {
    if skip() {
        return;
    }
    let tmp = common::copy_fixture("reader");
    let server = common::server::Server::start(tmp.path(), &[]);
    let stylesheet = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"),
    )
    .unwrap_or_default();
    assert!(!stylesheet.is_empty(), "the default stylesheet is readable");
    run(async {
        let browser = Browser::start(1280, 600).await;
        browser
            .goto(&format!(
                "http://127.0.0.1:{}/guides/hebergement/",
                server.port
            ))
            .await;
        browser.js("window.scrollTo(0, 300)").await;
        browser.js("window.__sameDocument = true").await;
        // The site overrides the theme's stylesheet: a new hashed file name for it.
        common::write(
            tmp.path(),
            "themes/default/static/style.css",
            format!("{stylesheet}\nmain {{ border-top: 3px solid rgb(1, 2, 3); }}\n").as_bytes(),
        );
        browser
            .wait_for(
                "return getComputedStyle(document.querySelector('main')).borderTopColor === 'rgb(1, 2, 3)'",
            )
            .await;
        // Let the debounced rebuild that follows pass too.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let same = browser
            .js("return window.__sameDocument === true && window.scrollY")
            .await;
        assert!(
            same.as_f64().is_some_and(|y| y > 200.0),
            "the page was reloaded, or lost its scroll position: {same}"
        );
        browser.close().await;
    });
}
