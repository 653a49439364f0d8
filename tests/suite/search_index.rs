//! The search index a build writes: its files, what it holds, what it leaves out, and the
//! agreement between the indexer's stemmer (Rust) and the browser's (the vendored Snowball JS).

use std::process::Command;

use crate::common::*;
use carnet::search::Analyzer;
use serde_json::Value;

/// The JSON argument(s) of a `carnetSearch.<call>(…);` file.
fn call_args(script: &str, call: &str) -> Vec<Value> {
    let prefix = format!("carnetSearch.{call}(");
    let body = script
        .trim()
        .strip_prefix(&prefix)
        .and_then(|s| s.strip_suffix(");"))
        .unwrap_or_else(|| panic!("not a {call} call: {script}"));
    serde_json::from_str(&format!("[{body}]")).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn meta(site: &Built) -> Value {
    call_args(&site.file("search/meta.js"), "meta").remove(0)
}

/// Page id → (url, title) of every page file.
fn pages(site: &Built) -> Vec<(u64, String, String)> {
    let dir = site.out.join("search/p");
    let mut found: Vec<(u64, String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| {
            let script = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let args = call_args(&script, "page");
            (
                args[0].as_u64().unwrap_or(u64::MAX),
                args[1]["u"].as_str().unwrap_or_default().to_owned(),
                args[1]["t"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn the_index_describes_its_language_and_its_shards() {
    let site = build_fixture("reader");
    site.assert_no_errors();
    let meta = meta(&site);
    assert_eq!(meta["language"], "fr");
    let analyzers = meta["analyzers"].as_array().cloned().unwrap_or_default();
    assert_eq!(analyzers.len(), 1, "one language: {analyzers:?}");
    assert_eq!(analyzers[0]["language"], "fr");
    assert_eq!(analyzers[0]["stemmer"], "french");
    assert_eq!(meta["pages"], 3);
    assert!(
        analyzers[0]["stop"]
            .as_array()
            .is_some_and(|s| s.contains(&"les".into()))
    );
    let version = meta["version"].as_str().unwrap_or_default();
    assert_eq!(version.len(), 10, "a 10-digit hash: {version}");
    for shard in meta["shards"].as_array().into_iter().flatten() {
        let key = shard.as_str().unwrap_or_default();
        let path = format!("search/t/{}.js", carnet::search::file_name(key));
        let args = call_args(&site.file(&path), "shard");
        assert_eq!(args[0], key);
        for (term, postings) in args[1].as_object().into_iter().flatten() {
            assert!(term.starts_with(key), "{term} in shard {key}");
            let numbers = postings.as_array().map(Vec::len).unwrap_or(0);
            assert!(numbers >= 2 && numbers % 2 == 0, "{term}: {postings}");
        }
    }
}

/// Each shard lists the site's words that a browser looks up in it, with their terms, so a
/// query of words the site has needs no stemmer in the browser.
#[test]
fn shards_carry_the_sites_words_with_their_terms() {
    let site = build_fixture("reader");
    let analyzer = Analyzer::for_language("fr");
    let mut forms = 0;
    let mut found_plural = false;
    for shard in meta(&site)["shards"].as_array().into_iter().flatten() {
        let key = shard.as_str().unwrap_or_default();
        let path = format!("search/t/{}.js", carnet::search::file_name(key));
        let args = call_args(&site.file(&path), "shard");
        assert_eq!(args[2].as_array().map(Vec::len), Some(1), "one analyzer");
        for (form, terms) in args[2][0].as_object().into_iter().flatten() {
            let folded = carnet::search::fold(form);
            assert!(folded.starts_with(key), "{form} in shard {key}");
            let expected: Vec<String> = analyzer.terms(form).iter().map(str::to_owned).collect();
            assert_eq!(terms, &serde_json::json!(expected), "{form}");
            found_plural |= form == "hébergeurs";
            forms += 1;
        }
    }
    assert!(forms > 20, "{forms} forms");
    assert!(found_plural, "`hébergeurs` is listed");
}

#[test]
fn every_page_has_a_page_file_with_its_sections() {
    let site = build_fixture("reader");
    let found = pages(&site);
    let urls: Vec<&str> = found.iter().map(|(_, u, _)| u.as_str()).collect();
    assert_eq!(urls, ["", "guides/hebergement/", "guides/messagerie/"]);
    let script = site.file("search/p/1.js");
    let page = call_args(&script, "page").remove(1);
    let sections = page["s"].as_array().cloned().unwrap_or_default();
    let anchors: Vec<&str> = sections.iter().filter_map(|s| s[0].as_str()).collect();
    assert!(
        anchors.contains(&"resilier-chez-un-hebergeur"),
        "{anchors:?}"
    );
    let deploy = sections
        .iter()
        .find(|s| s[0] == "deployer-une-application")
        .map(|s| s[2].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    assert!(deploy.contains("rsync -av"), "code is searchable: {deploy}");
}

#[test]
fn hidden_and_no_index_pages_are_not_searchable() {
    let site = build_tmp(site_with(&[
        (
            "SUMMARY.md",
            "# S\n\n* [Accueil](README.md)\n* [Cachée](cachee.md)\n* [Privée](privee.md)\n",
        ),
        ("README.md", "# Accueil\n\nBonjour.\n"),
        ("cachee.md", "---\nhidden: true\n---\n# Cachée\n\nSecret.\n"),
        (
            "privee.md",
            "---\nnoIndex: true\n---\n# Privée\n\nSecret.\n",
        ),
    ]));
    site.assert_no_errors();
    let titles: Vec<String> = pages(&site).into_iter().map(|(_, _, t)| t).collect();
    assert_eq!(titles, ["Accueil"]);
    assert!(site.exists("cachee/index.html") && site.exists("privee/index.html"));
}

#[test]
fn the_version_follows_the_content_and_untouched_files_keep_their_bytes() {
    let first = build_fixture("reader");
    let again = build_fixture("reader");
    assert_eq!(
        meta(&first)["version"],
        meta(&again)["version"],
        "deterministic"
    );
    let tmp = copy_fixture("reader");
    write(
        tmp.path(),
        "guides/messagerie.md",
        b"# Messagerie\n\nAutre texte.\n",
    );
    let changed = build_tmp(tmp);
    assert_ne!(meta(&first)["version"], meta(&changed)["version"]);
    // A deploy re-uploads only what changed: the other pages' files are byte-identical.
    assert_eq!(first.file("search/p/1.js"), changed.file("search/p/1.js"));
    assert_ne!(first.file("search/p/2.js"), changed.file("search/p/2.js"));
}

/// The browser stems queries with the vendored Snowball JavaScript; the index was stemmed by
/// rust-stemmers. Both must agree on every word of the bundled guides, or a query typed exactly
/// as written could miss its page.
#[test]
fn browser_and_indexer_stem_every_word_of_the_guides_alike() {
    if std::env::var_os("CARNET_SKIP_BROWSER").is_some_and(|v| v == "1") {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut words = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap_or_default())
                .into_owned();
            for (_, word) in carnet::search::words(&text) {
                words.insert(word.to_lowercase());
            }
        }
    }
    for extra in [
        "hébergeurs",
        "hebergement",
        "courriels",
        "running",
        "generously",
    ] {
        words.insert(extra.to_owned());
    }
    let words: Vec<String> = words.into_iter().collect();
    assert!(words.len() > 500, "{} words", words.len());
    let stemmers = root.join("themes/default/static/vendor/snowball/stemmers.js");
    let script = format!(
        "const s = require({}); const fr = s.newStemmer('french'), en = s.newStemmer('english');
         const words = JSON.parse(require('fs').readFileSync(0, 'utf8'));
         process.stdout.write(JSON.stringify(words.map(w => [fr.stem(w), en.stem(w)])));",
        serde_json::to_string(&stemmers.display().to_string()).unwrap_or_default()
    );
    let mut child = Command::new("node")
        .arg("-e")
        .arg(&script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node runs (installed with npm by .ci/run; CARNET_SKIP_BROWSER=1 skips)");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        let input = serde_json::to_vec(&words).unwrap_or_default();
        stdin.write_all(&input).expect("words sent to node");
    }
    let output = child.wait_with_output().expect("node finishes");
    assert!(output.status.success(), "node failed");
    let js: Vec<[String; 2]> = serde_json::from_slice(&output.stdout).expect("stems as JSON");
    let french = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::French);
    let english = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    let mut differ = Vec::new();
    for (word, [fr, en]) in words.iter().zip(&js) {
        if french.stem(word) != fr.as_str() || english.stem(word) != en.as_str() {
            differ.push(format!(
                "{word}: rust {} / {}, js {fr} / {en}",
                french.stem(word),
                english.stem(word)
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    // And the analyzer the indexer uses is built on those stemmers.
    let analyzer = Analyzer::for_language("fr");
    assert_eq!(analyzer.stemmer_name, Some("french"));
}
