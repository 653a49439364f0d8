//! The reader's side in a real browser (headless Chromium): search, keyboard access, dark mode,
//! accessibility (axe-core) and small screens, on a built fixture site served over HTTP.

#[path = "suite/common/mod.rs"]
mod common;
#[path = "browser/copy_markdown.rs"]
mod copy_markdown;
#[path = "browser/harness.rs"]
mod harness;
#[path = "browser/live_reload.rs"]
mod live_reload;
#[path = "browser/search.rs"]
mod search;

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

/// The guides this repository publishes (`content/`), built and served: their title ("Guides
/// d'infrastructure") is what a phone header must hold.
fn bundled() -> (common::Built, Served) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut opts = common::options(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    opts.overrides.output = Some(tmp.path().join("public"));
    let report = carnet::build::build(&opts);
    let built = common::Built {
        site: opts.site_dir.clone(),
        out: tmp.path().join("public"),
        tmp,
        report,
    };
    built.assert_no_errors();
    let served = Served::start(&built.out);
    (built, served)
}

/// The `reader` fixture with a title longer than any header: words to wrap and one word longer
/// than a phone is wide.
fn long_title() -> (common::Built, Served) {
    let tmp = common::copy_fixture("reader");
    common::write(
        tmp.path(),
        "carnet.yaml",
        "title: Documentation de l’infrastructure mutualisée et des services d’hébergement Infrastrukturdokumentationsverzeichnis\nlanguage: fr\n".as_bytes(),
    );
    let built = common::build_tmp(tmp);
    built.assert_no_errors();
    let served = Served::start(&built.out);
    (built, served)
}

/// Every visible, focusable control of the header, with its accessible name (`aria-label`,
/// a `<label for>`, or its text) and whether it lies within the screen.
const HEADER_CONTROLS: &str = "
  return Array.from(document.querySelectorAll('.site-header a[href], .site-header button, .site-header input'))
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
    .map(e => {
      const label = e.id && document.querySelector('label[for=\"' + e.id + '\"]');
      const name = (e.getAttribute('aria-label') || (label && label.textContent) || e.textContent || '').trim();
      const r = e.getBoundingClientRect();
      return { key: e.id || e.className || e.tagName, name, inside: r.left >= 0 && r.right <= innerWidth + 0.5 };
    });";

/// Tabs from the top of the page until focus leaves the header; returns what got focus.
async fn tab_through_header(browser: &Browser) -> Vec<String> {
    browser
        .js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
        .await;
    let mut reached = Vec::new();
    for _ in 0..12 {
        browser.keys(&key(Key::Tab)).await;
        let focused = browser
            .js("const a = document.activeElement; return [a.closest('.site-header') !== null, a.id || a.className || a.tagName]")
            .await;
        if focused[0] == json!(true) {
            reached.push(focused[1].as_str().unwrap_or_default().to_owned());
        } else if !reached.is_empty() {
            break;
        }
    }
    reached
}

#[test]
fn headers_fit_phones_and_every_control_is_reachable_and_named() {
    if skip() {
        return;
    }
    let sites = [
        (
            bundled(),
            vec!["", "hebergement-et-services-partages/infra/"],
        ),
        (site(), vec!["", "guides/hebergement/"]),
        (long_title(), vec!["", "guides/messagerie/"]),
    ];
    run(async {
        let mut failures = Vec::new();
        for width in [320, 360, 768] {
            let browser = Browser::start(width, 740).await;
            for ((_built, served), pages) in &sites {
                for page in pages {
                    let at = format!("{width} px /{page}");
                    browser.goto(&served.url(page)).await;
                    let widths = browser
                        .js("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                        .await;
                    if widths[0].as_i64() > widths[1].as_i64() {
                        failures.push(format!("{at}: scrolls sideways {widths}"));
                    }
                    let controls = browser.js(HEADER_CONTROLS).await;
                    let controls = controls.as_array().cloned().unwrap_or_default();
                    if controls.len() < 4 {
                        failures.push(format!("{at}: header controls {controls:?}"));
                    }
                    for control in &controls {
                        if control["name"].as_str().is_none_or(str::is_empty) {
                            failures.push(format!("{at}: {} has no name", control["key"]));
                        }
                        if control["inside"] != json!(true) {
                            failures.push(format!("{at}: {} is cut off", control["key"]));
                        }
                    }
                    let reached = tab_through_header(&browser).await;
                    for control in &controls {
                        let key = control["key"].as_str().unwrap_or_default();
                        if !reached.iter().any(|r| r == key) {
                            failures.push(format!(
                                "{at}: the keyboard never reaches {key} ({reached:?})"
                            ));
                        }
                    }
                }
            }
            browser.close().await;
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    });
}

#[test]
fn on_a_phone_search_is_an_icon_that_opens_a_full_width_field() {
    if skip() {
        return;
    }
    let (_built, served) = bundled();
    run(async {
        let browser = Browser::start(320, 640).await;
        browser
            .goto(&served.url("hebergement-et-services-partages/infra/"))
            .await;
        let hidden = browser
            .js("return getComputedStyle(document.getElementById('search-input')).display === 'none' || document.getElementById('search-input').getClientRects().length === 0")
            .await;
        assert_eq!(hidden, json!(true), "the field waits behind its button");
        browser.click(".search-toggle").await;
        let field = browser
            .wait_for("const i = document.getElementById('search-input'); return document.activeElement === i && i.getBoundingClientRect().width")
            .await;
        assert!(
            field.as_f64().is_some_and(|w| w >= 200.0),
            "field width {field}"
        );
        assert_eq!(
            browser
                .js("return document.querySelector('.search-toggle').getAttribute('aria-expanded')")
                .await,
            json!("true")
        );
        let widths = browser
            .js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
            .await;
        assert_eq!(widths, json!(true), "the open field scrolls sideways");
        browser.keys("sauvegarde").await;
        browser
            .wait_for("return !document.getElementById('search-results').hidden && document.querySelector('#search-results li a')")
            .await;
        // Escape closes the results, a second Escape the field: focus goes back to the button.
        browser.keys(&key(Key::Escape)).await;
        browser.keys(&key(Key::Escape)).await;
        let back = browser
            .wait_for("return document.activeElement.classList.contains('search-toggle') && document.activeElement.getAttribute('aria-expanded') === 'false'")
            .await;
        assert_eq!(back, json!(true));
        browser.close().await;
    });
}

#[test]
fn the_theme_toggle_is_an_icon_whose_name_says_the_theme() {
    if skip() {
        return;
    }
    let (_built, served) = site();
    run(async {
        let browser = Browser::start(360, 740).await;
        browser.goto(&served.url("")).await;
        let name = "return document.querySelector('.theme-toggle').getAttribute('aria-label')";
        assert_eq!(browser.js(name).await, json!("Thème : automatique"));
        assert_eq!(
            browser
                .js("return document.querySelector('.theme-toggle').textContent")
                .await,
            json!("")
        );
        browser.click(".theme-toggle").await;
        assert_eq!(browser.js(name).await, json!("Thème : clair"));
        browser.close().await;
    });
}

#[test]
fn the_more_entries_of_a_long_list_open_in_place_from_the_shared_tree() {
    if skip() {
        return;
    }
    let mut files = vec![("README.md".to_string(), "# Accueil\n".to_string())];
    let mut summary = String::from("* [Accueil](README.md)\n");
    for i in 0..30 {
        summary.push_str(&format!("* [Page {i}](p{i}.md)\n"));
        files.push((format!("p{i}.md"), format!("# Page {i}\n")));
    }
    files.push(("SUMMARY.md".into(), summary));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let built = common::build_tmp(common::site_with(&refs));
    built.assert_no_errors();
    let served = Served::start(&built.out);
    run(async {
        let browser = Browser::start(1280, 900).await;
        browser.goto(&served.url("p15/")).await;
        let count = "return document.querySelectorAll('#sidebar li:not(.nav-more)').length";
        let before = browser.js(count).await;
        assert!(before.as_i64().is_some_and(|n| n < 12), "{before}");
        browser.click("#sidebar li.nav-more a").await;
        browser
            .wait_for("return document.querySelectorAll('#sidebar li.nav-more').length === 1")
            .await;
        browser.click("#sidebar li.nav-more a").await;
        let labels = browser
            .wait_for("return document.querySelectorAll('#sidebar li.nav-more').length === 0 && Array.from(document.querySelectorAll('#sidebar li a')).map(a => a.textContent)")
            .await;
        let labels: Vec<String> = serde_json::from_value(labels).unwrap_or_default();
        let expected: Vec<String> = std::iter::once("Accueil".to_string())
            .chain((0..30).map(|i| format!("Page {i}")))
            .collect();
        assert_eq!(labels, expected, "every entry, in order");
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
            search::search(&browser, "hebergement").await;
            for violation in browser.axe_violations().await {
                failures.push(format!("{theme} search results: {violation}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        browser.close().await;
    });
}

#[test]
fn axe_finds_no_violations_on_the_bundled_guides_on_phones_and_desktops() {
    if skip() {
        return;
    }
    let (_built, served) = bundled();
    run(async {
        let mut failures = Vec::new();
        for (width, height) in [(320, 740), (1280, 900)] {
            let browser = Browser::start(width, height).await;
            for theme in ["light", "dark"] {
                browser.goto(&served.url("")).await;
                browser
                    .js(&format!("localStorage.setItem('carnet-theme', '{theme}')"))
                    .await;
                for page in [
                    "",
                    "hebergement-et-services-partages/infra/",
                    "hebergeur-et-sla/hexanet/",
                ] {
                    browser.goto(&served.url(page)).await;
                    for violation in browser.axe_violations().await {
                        failures.push(format!("{width} px {theme} /{page}: {violation}"));
                    }
                }
                if width < 500 {
                    // The search field open over the header.
                    browser.click(".search-toggle").await;
                    for violation in browser.axe_violations().await {
                        failures.push(format!("{width} px {theme} open search: {violation}"));
                    }
                }
            }
            browser.close().await;
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
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
/// A page with two videos (YouTube, Vimeo) and a link embed that is not a video.
fn videos() -> (common::Built, Served) {
    let built = common::build_tmp(common::site_with(&[
        ("carnet.yaml", "language: en\n"),
        ("README.md", "# Home\n"),
        (
            "videos.md",
            "# Videos\n\nFirst [a link](./) to tab past.\n\n\
             {% embed url=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" %}\nThe demo\n{% endembed %}\n\n\
             {% embed url=\"https://vimeo.com/76979871\" %}\n\n\
             {% embed url=\"https://github.com/o/r\" %}\n",
        ),
    ]));
    built.assert_no_errors();
    let served = Served::start(&built.out);
    (built, served)
}

/// Elements that would make the browser fetch from a video host, with what they name.
const VIDEO_HOST_FETCHES: &str = "
  const hosts = /youtube|youtu\\.be|vimeo|loom/;
  return Array.from(document.querySelectorAll('iframe, img, script, link, source, video, audio, object, embed'))
    .map(e => e.tagName + ' ' + (e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('srcset') || e.getAttribute('data') || ''))
    .filter(s => s.startsWith('IFRAME') || hosts.test(s));";

#[test]
fn a_video_embed_loads_its_player_only_when_the_reader_asks_by_keyboard_or_click() {
    if skip() {
        return;
    }
    let (_built, served) = videos();
    run(async {
        let browser = Browser::start(1280, 900).await;
        browser.goto(&served.url("videos/")).await;
        let before = browser.js(VIDEO_HOST_FETCHES).await;
        assert_eq!(before, json!([]), "nothing is loaded before a click");

        // Each video has a play button with a name; the link embed has none.
        let buttons = browser
            .js("return Array.from(document.querySelectorAll('.embed-play')).map(b => [b.tagName, b.getAttribute('type'), b.getAttribute('role'), b.textContent.trim(), b.getClientRects().length > 0])")
            .await;
        assert_eq!(
            buttons,
            json!([
                [
                    "BUTTON",
                    "button",
                    null,
                    "Play the video (youtube.com)",
                    true
                ],
                ["BUTTON", "button", null, "Play the video (vimeo.com)", true]
            ])
        );

        // The keyboard reaches the first play button, and Enter loads that player only.
        browser
            .js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
            .await;
        let mut reached = Vec::new();
        for _ in 0..40 {
            browser.keys(&key(Key::Tab)).await;
            let focused = browser
                .js("const a = document.activeElement; return a.className || a.tagName")
                .await;
            reached.push(focused.as_str().unwrap_or_default().to_owned());
            if reached.last().is_some_and(|f| f == "embed-play") {
                break;
            }
        }
        assert_eq!(
            reached.last().map(String::as_str),
            Some("embed-play"),
            "Tab never reaches the play button: {reached:?}"
        );
        browser.keys(&key(Key::Enter)).await;
        let frames = browser
            .wait_for("const f = document.querySelectorAll('figure.embed-player iframe'); return f.length && Array.from(f).map(f => [f.getAttribute('src'), f.title, f.closest('figure').querySelector('.embed-play') === null])")
            .await;
        assert_eq!(
            frames,
            json!([[
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
                "The demo",
                true
            ]])
        );
        let focus = browser.js("return document.activeElement.tagName").await;
        assert_eq!(focus, json!("IFRAME"), "focus follows into the player");
        let vimeo_still_idle = browser
            .js("return document.querySelectorAll('iframe').length === 1 && document.querySelectorAll('.embed-play').length === 1")
            .await;
        assert_eq!(vimeo_still_idle, json!(true));

        // A click loads the other; with no caption, the player is named by its button.
        browser.click(".embed-play").await;
        let frames = browser
            .wait_for("const f = document.querySelectorAll('iframe'); return f.length === 2 && Array.from(f).map(f => [f.getAttribute('src'), f.title])")
            .await;
        assert_eq!(
            frames,
            json!([
                [
                    "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
                    "The demo"
                ],
                [
                    "https://player.vimeo.com/video/76979871?autoplay=1",
                    "Play the video (vimeo.com)"
                ]
            ])
        );
        let violations = browser.axe_violations().await;
        assert!(violations.is_empty(), "{}", violations.join("\n"));
        browser.close().await;
    });
}
