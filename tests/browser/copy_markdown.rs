//! "Copy as Markdown", on every page: reached by keyboard, it puts the page's published `.md`
//! on the clipboard and says so in a visible status line that screen readers hear (a live
//! region); axe finds nothing in light or dark; on a 320 px phone nothing scrolls sideways.
//!
//! Headless Chromium grants no clipboard permission, so the page's own clipboard is replaced by
//! a recorder before the click: what is checked is what the theme's script hands the Clipboard
//! API, by the path a reader's browser takes.

use fantoccini::key::Key;
use serde_json::json;

use super::harness::{Browser, run, skip};
use super::{key, site};

/// Replaces `navigator.clipboard`'s writing methods with recorders of what they are given.
const RECORD_CLIPBOARD: &str = "
    window.__copied = null;
    const clipboard = navigator.clipboard;
    Object.defineProperty(clipboard, 'writeText', { configurable: true, value: text => {
        window.__copied = text; return Promise.resolve();
    } });
    Object.defineProperty(clipboard, 'write', { configurable: true, value: items =>
        items[0].getType('text/plain').then(blob => blob.text()).then(text => {
            window.__copied = text;
        })
    });";

#[test]
fn copy_as_markdown_copies_the_pages_markdown_and_says_so() {
    if skip() {
        return;
    }
    let (built, served) = site();
    let markdown = built.file("guides/hebergement.md");
    run(async {
        let browser = Browser::start(1280, 900).await;
        browser.goto(&served.url("guides/hebergement/")).await;
        let button = browser
            .js("const b = document.querySelector('.page-actions button.copy-markdown');
                 return b && [b.type, b.textContent, document.querySelector('.copy-markdown-status').getAttribute('role')]")
            .await;
        assert_eq!(button, json!(["button", "Copier en Markdown", "status"]));
        browser.js(RECORD_CLIPBOARD).await;

        // The keyboard reaches it from the top of the page, and Enter copies.
        browser.js("document.body.focus()").await;
        let mut reached = false;
        for _ in 0..40 {
            browser.keys(&key(Key::Tab)).await;
            let on = browser
                .js("return document.activeElement.classList.contains('copy-markdown')")
                .await;
            if on == json!(true) {
                reached = true;
                break;
            }
        }
        assert!(reached, "Tab never reached the copy button");
        browser.keys(&key(Key::Enter)).await;
        let copied = browser.wait_for("return window.__copied").await;
        assert_eq!(copied.as_str(), Some(markdown.as_str()));
        let status = browser
            .wait_for(
                "const s = document.querySelector('.copy-markdown-status');
                 const r = s.getBoundingClientRect();
                 return s.textContent && r.width > 0 && r.height > 0 && getComputedStyle(s).visibility === 'visible' && s.textContent",
            )
            .await;
        assert_eq!(status, json!("Markdown de la page copié"));
        // The link to the `.md`, there without JavaScript, is still there and leads to it.
        let href = browser
            .js("return document.querySelector('.page-actions a.markdown-link').getAttribute('href')")
            .await;
        assert_eq!(href, json!("../hebergement.md"));
        browser.close().await;
    });
}

#[test]
fn a_failed_copy_says_so_too() {
    if skip() {
        return;
    }
    let (_built, served) = site();
    run(async {
        let browser = Browser::start(1280, 900).await;
        browser.goto(&served.url("guides/hebergement/")).await;
        browser
            .js("const c = navigator.clipboard;
                 Object.defineProperty(c, 'write', { configurable: true, value: () => Promise.reject(new Error('denied')) });
                 Object.defineProperty(c, 'writeText', { configurable: true, value: () => Promise.reject(new Error('denied')) });")
            .await;
        browser.click(".copy-markdown").await;
        let status = browser
            .wait_for("return document.querySelector('.copy-markdown-status').textContent")
            .await;
        assert_eq!(
            status,
            json!("Copie impossible : ouvrez la version Markdown")
        );
        browser.close().await;
    });
}

#[test]
fn copy_as_markdown_is_axe_clean_in_light_and_dark_and_fits_a_320_px_phone() {
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
            browser.goto(&served.url("guides/hebergement/")).await;
            browser.js(RECORD_CLIPBOARD).await;
            browser.click(".copy-markdown").await;
            browser
                .wait_for("return document.querySelector('.copy-markdown-status').textContent")
                .await;
            for violation in browser.axe_violations().await {
                failures.push(format!("{theme}: {violation}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        browser.close().await;

        let phone = Browser::start(320, 640).await;
        for page in ["", "guides/hebergement/"] {
            phone.goto(&served.url(page)).await;
            phone.js(RECORD_CLIPBOARD).await;
            phone.click(".copy-markdown").await;
            phone
                .wait_for("return document.querySelector('.copy-markdown-status').textContent")
                .await;
            let fits = phone
                .js("const d = document.documentElement;
                     const inside = el => { const r = el.getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; };
                     const header = Array.from(document.querySelectorAll('.site-header > *'))
                         .filter(el => el.getClientRects().length > 0);
                     const rows = new Set(header.map(el => Math.round(el.getBoundingClientRect().top)));
                     return [d.scrollWidth <= d.clientWidth,
                             header.every(inside),
                             Array.from(document.querySelectorAll('.page-actions > *')).every(inside),
                             document.querySelector('.site-header').getBoundingClientRect().height];")
                .await;
            assert_eq!(fits[0], json!(true), "/{page} scrolls sideways at 320 px");
            assert_eq!(
                fits[1],
                json!(true),
                "/{page}: the header overflows at 320 px"
            );
            assert_eq!(fits[2], json!(true), "/{page}: the page actions overflow");
            assert!(
                fits[3].as_f64().is_some_and(|h| h < 140.0),
                "/{page}: the header grew to {} px",
                fits[3]
            );
        }
        phone.close().await;
    });
}
