//! Search in the browser: accents and stemming, results that open at their heading, a site
//! opened from disk, and what a query downloads on the 10,000-page corpus.

use fantoccini::key::Key;
use serde_json::json;

use super::common;
use super::harness::{Browser, Served, run, skip};
use super::{key, site};

/// Issue 18's bound on what a two-word query downloads on the 10,000-page corpus.
const SEARCH_BYTES_LIMIT: u64 = 60_000;

/// The 10,000-page corpus of the shared generator (`gen_corpus.py`, beside the repository in
/// `../shared/tools/`, or where `CARNET_CORPUS_GEN` points), built once into `target/`. `None`,
/// said on stderr, where the generator is not there: it is not part of this repository.
fn big_corpus_site() -> Option<Served> {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let generator = std::env::var_os("CARNET_CORPUS_GEN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared/tools/gen_corpus.py"));
    if !generator.exists() {
        eprintln!(
            "skipped: corpus generator not found at {} (set CARNET_CORPUS_GEN)",
            generator.display()
        );
        return None;
    }
    let corpus = manifest.join("target/bench-corpus/10000-plain");
    if !corpus.join("SUMMARY.md").exists() {
        let status = std::process::Command::new("python3")
            .arg(&generator)
            .args(["--pages", "10000", "--flavor", "plain", "--out"])
            .arg(&corpus)
            .status()
            .expect("python3 runs the corpus generator");
        assert!(status.success(), "corpus generation failed");
    }
    let out = manifest.join("target/browser-big-site");
    let mut opts = common::options(&corpus);
    opts.overrides.output = Some(out.clone());
    let report = carnet::build::build(&opts);
    assert!(report.written, "the corpus builds");
    Some(Served::start(&out))
}

/// What a reader's browser downloads for a two-word query on a 10,000-page site, from the
/// moment the search field gets focus until the first results show: the search script, its
/// stemmer, the index's `meta.js`, the term shards and the result pages, counted by the
/// Resource Timing API (bodies as served, uncompressed: the test server does not compress).
#[test]
fn a_two_word_query_on_a_10000_page_site_downloads_little() {
    if skip() {
        return;
    }
    let Some(served) = big_corpus_site() else {
        return;
    };
    run(async {
        let browser = Browser::start(1280, 900).await;
        browser.goto(&served.url("")).await;
        browser
            .js("performance.setResourceTimingBufferSize(10000); performance.clearResourceTimings()")
            .await;
        let results = search(&browser, "configurer certificats").await;
        assert!(!results.is_empty(), "the query finds pages");
        let fetched = browser
            .js(
                "const shown = performance.getEntriesByName('carnet-search-results')[0].startTime;
                 return performance.getEntriesByType('resource')
                   .filter(e => e.responseEnd <= shown && !e.name.endsWith('/favicon.ico'))
                   .map(e => [e.name.replace(/^.*?\\/\\/[^/]+\\//, ''), e.decodedBodySize])",
            )
            .await;
        let fetched: Vec<(String, u64)> = serde_json::from_value(fetched).unwrap_or_default();
        let total: u64 = fetched.iter().map(|(_, size)| size).sum();
        let mut listing: Vec<String> = fetched
            .iter()
            .map(|(name, size)| format!("{size:>7} {name}"))
            .collect();
        listing.sort();
        println!(
            "two-word query on 10,000 pages: {total} bytes in {} files\n{}",
            fetched.len(),
            listing.join("\n")
        );
        assert!(
            total <= SEARCH_BYTES_LIMIT,
            "{total} bytes > {SEARCH_BYTES_LIMIT}:\n{}",
            listing.join("\n")
        );
        browser.close().await;
    });
}

/// Focuses the search field with `/` and types `query`, then waits for the results.
pub async fn search(browser: &Browser, query: &str) -> Vec<serde_json::Value> {
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
