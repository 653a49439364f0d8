//! The reader's side in a real browser (headless Chromium): search, keyboard access, dark mode,
//! accessibility (axe-core) and small screens, on a built fixture site served over HTTP.

#[path = "suite/common/mod.rs"]
mod common;
#[path = "browser/copy_markdown.rs"]
mod copy_markdown;
#[path = "browser/harness.rs"]
mod harness;

use fantoccini::key::Key;
use harness::{Browser, Served, run, skip};
use serde_json::json;

fn key(k: Key) -> String {
    char::from(k).to_string()
}

/// The `reader` fixture, built and served.
fn site() -> (common::Built, Served) {
    let built = common::build_fixture("reader");
    built.assert_no_errors();
    let served = Served::start(&built.out);
    (built, served)
}

/// Focuses the search field with `/` and types `query`, then waits for the results.
async fn search(browser: &Browser, query: &str) -> Vec<serde_json::Value> {
    browser
        .js("document.activeElement && document.activeElement.blur()")
        .await;
    browser.keys("/").await;
    browser
        .wait_for("return document.activeElement && document.activeElement.id === 'search-input'")
        .await;
    browser.keys(query).await;
    let results = browser
        .wait_for(&format!(
            "const p = document.getElementById('search-results');
             if (p.hidden || p.getAttribute('data-query') !== {}) return null;
             return Array.from(p.querySelectorAll('li a')).map(a => ({{
               href: a.getAttribute('href'),
               title: a.querySelector('.search-title').textContent,
               section: (a.querySelector('.search-section') || {{}}).textContent || '',
               marks: Array.from(a.querySelectorAll('mark')).map(m => m.textContent)
             }})).concat([null]);",
            json!(query)
        ))
        .await;
    let mut results: Vec<serde_json::Value> = serde_json::from_value(results).unwrap_or_default();
    results.pop();
    results
}

#[test]
fn a_word_typed_without_accents_finds_the_page_and_opens_at_its_heading() {
    if skip() {
        return;
    }
    let (_built, served) = site();
    run(async {
        let browser = Browser::start(1280, 900).await;
        browser.goto(&served.url("")).await;
        let results = search(&browser, "resilier").await;
        assert!(!results.is_empty(), "no results");
        let first = &results[0];
        assert_eq!(first["title"], "Hébergement mutualisé", "{results:?}");
        assert_eq!(
            first["section"], "Résilier chez un hébergeur",
            "{results:?}"
        );
        assert_eq!(first["marks"][0], "résilier", "{results:?}");
        assert_eq!(
            first["href"],
            "./guides/hebergement/#resilier-chez-un-hebergeur"
        );

        // Arrow down to the first result, Enter to open it: the page opens at that heading.
        browser.keys(&key(Key::Down)).await;
        browser.keys(&key(Key::Enter)).await;
        browser
            .wait_for("return location.hash === '#resilier-chez-un-hebergeur'")
            .await;
        let in_view = browser
            .wait_for(
                "const r = document.getElementById('resilier-chez-un-hebergeur').getBoundingClientRect();
                 return r.top >= 0 && r.top < innerHeight / 2;",
            )
            .await;
        assert_eq!(in_view, json!(true));
        browser.close().await;
    });
}

#[test]
fn stemming_finds_other_forms_of_a_word_and_results_highlight_them() {
    if skip() {
        return;
    }
    let (_built, served) = site();
    run(async {
        let browser = Browser::start(1280, 900).await;
        browser.goto(&served.url("guides/messagerie/")).await;
        // "hebergeurs" (plural, no accent) matches "hébergeur" and "hébergeurs".
        let results = search(&browser, "hebergeurs").await;
        let titles: Vec<&str> = results.iter().filter_map(|r| r["title"].as_str()).collect();
        assert!(titles.contains(&"Hébergement mutualisé"), "{titles:?}");
        assert!(titles.contains(&"Accueil"), "{titles:?}");
        assert!(
            results
                .iter()
                .all(|r| r["marks"].as_array().is_some_and(|m| !m.is_empty())),
            "every excerpt highlights its match: {results:?}"
        );
        // Words of code blocks are searchable too.
        let results = search(&browser, "rsync").await;
        assert_eq!(results.len(), 1, "{results:?}");
        assert_eq!(results[0]["section"], "Déployer une application");
        // Escape closes the results and leaves the focus in the field.
        browser.keys(&key(Key::Escape)).await;
        let closed = browser
            .js("return document.getElementById('search-results').hidden && document.activeElement.id === 'search-input'")
            .await;
        assert_eq!(closed, json!(true));
        browser.close().await;
    });
}

#[test]
fn search_works_in_a_site_opened_from_disk() {
    if skip() {
        return;
    }
    let (built, _served) = site();
    run(async {
        let browser = Browser::start(1280, 900).await;
        let url = format!("file://{}", built.out.join("index.html").display());
        browser.goto(&url).await;
        let results = search(&browser, "delivrabilite").await;
        assert_eq!(results.len(), 1, "{results:?}");
        assert_eq!(results[0]["title"], "Messagerie");
        browser.close().await;
    });
}

#[test]
fn the_keyboard_reaches_search_results_and_tabs() {
    if skip() {
        return;
    }
    let (_built, served) = site();
    run(async {
        let browser = Browser::start(1280, 900).await;
        browser.goto(&served.url("guides/hebergement/")).await;
        // Tab from the top of the page: skip link first, then the search field within a few stops.
        browser.js("document.body.focus()").await;
        let mut reached = Vec::new();
        for _ in 0..6 {
            browser.keys(&key(Key::Tab)).await;
            let focused = browser
                .js("const a = document.activeElement; return a.id || a.className || a.tagName")
                .await;
            reached.push(focused.as_str().unwrap_or_default().to_owned());
            if reached.last().is_some_and(|f| f == "search-input") {
                break;
            }
        }
        assert_eq!(reached[0], "skip-link", "{reached:?}");
        assert_eq!(
            reached.last().map(String::as_str),
            Some("search-input"),
            "{reached:?}"
        );
        browser.keys("sauvegarde").await;
        browser
            .wait_for("return !document.getElementById('search-results').hidden && document.querySelector('#search-results li a')")
            .await;
        browser.keys(&key(Key::Down)).await;
        let on_result = browser
            .js("return document.activeElement.closest('#search-results') !== null")
            .await;
        assert_eq!(on_result, json!(true));
        browser.keys(&key(Key::Up)).await;
        browser.keys(&key(Key::Escape)).await;

        // Tabs: focus the selected tab, arrows move the selection.
        browser
            .js("document.querySelector('[role=tab][aria-selected=true]').focus()")
            .await;
        browser.keys(&key(Key::Right)).await;
        let selected = browser
            .js("return document.activeElement.getAttribute('role') + ' ' + document.activeElement.textContent + ' ' + document.activeElement.getAttribute('aria-selected')")
            .await;
        assert_eq!(selected, json!("tab Windows true"));
        let panel_shown = browser
            .js("const id = document.activeElement.getAttribute('aria-controls'); return !document.getElementById(id).hidden")
            .await;
        assert_eq!(panel_shown, json!(true));
        browser.close().await;
    });
}

#[test]
fn dark_mode_applies_to_code() {
    if skip() {
        return;
    }
    let (_built, served) = site();
    run(async {
        let browser = Browser::start(1280, 900).await;
        browser.goto(&served.url("guides/hebergement/")).await;
        let style = "const code = document.querySelector('pre code [class^=hl-]');
                     const pre = code.closest('pre');
                     return [getComputedStyle(code).color, getComputedStyle(pre).backgroundColor];";
        let light = browser.js(style).await;
        // The toggle cycles auto → light → dark; the choice survives a reload.
        browser.click(".theme-toggle").await;
        browser.click(".theme-toggle").await;
        browser.goto(&served.url("guides/hebergement/")).await;
        let theme = browser
            .js("return document.documentElement.getAttribute('data-theme')")
            .await;
        assert_eq!(theme, json!("dark"));
        let dark = browser.js(style).await;
        assert_ne!(light[0], dark[0], "code colours change");
        let luminance = |rgb: &serde_json::Value| -> f64 {
            let numbers: Vec<f64> = rgb
                .as_str()
                .unwrap_or_default()
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect();
            numbers.iter().take(3).sum::<f64>() / 3.0
        };
        assert!(
            luminance(&light[1]) > 200.0,
            "light code background: {light:?}"
        );
        assert!(luminance(&dark[1]) < 60.0, "dark code background: {dark:?}");
        browser.close().await;
    });
}

#[test]
fn axe_finds_no_violations_in_light_and_dark() {
    if skip() {
        return;
    }
    let (_built, served) = site();
    run(async {
        let browser = Browser::start(1280, 900).await;
        let mut failures = Vec::new();
        for theme in ["light", "dark"] {
            browser.goto(&served.url("")).await;
            browser
                .js(&format!("localStorage.setItem('carnet-theme', '{theme}')"))
                .await;
            for page in ["", "guides/hebergement/", "no/such/page/"] {
                browser.goto(&served.url(page)).await;
                for violation in browser.axe_violations().await {
                    failures.push(format!("{theme} /{page}: {violation}"));
                }
            }
            // The search results, open.
            browser.goto(&served.url("guides/hebergement/")).await;
            search(&browser, "hebergement").await;
            for violation in browser.axe_violations().await {
                failures.push(format!("{theme} search results: {violation}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        browser.close().await;
    });
}

#[test]
fn a_360_px_screen_never_scrolls_sideways() {
    if skip() {
        return;
    }
    let (_built, served) = site();
    run(async {
        let browser = Browser::start(360, 740).await;
        for page in ["", "guides/hebergement/", "guides/messagerie/"] {
            browser.goto(&served.url(page)).await;
            let widths = browser
                .js("return [document.documentElement.scrollWidth, document.documentElement.clientWidth, innerWidth]")
                .await;
            let scroll = widths[0].as_i64().unwrap_or(i64::MAX);
            let client = widths[1].as_i64().unwrap_or(0);
            assert!(client <= 360, "viewport is 360 px wide: {widths:?}");
            assert!(scroll <= client, "/{page} scrolls sideways: {widths:?}");
        }
        // The menu button opens the navigation.
        browser.click(".menu-toggle").await;
        let open = browser
            .js("return document.getElementById('sidebar').classList.contains('is-open') && getComputedStyle(document.getElementById('sidebar')).display !== 'none'")
            .await;
        assert_eq!(open, json!(true));
        browser.close().await;
    });
}

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
