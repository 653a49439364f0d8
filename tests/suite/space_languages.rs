//! Which language a space's interface and search speak when nothing configures it (issue 15): real
//! exports are English, French or several languages in one `docs.yaml` site, and carnet.yaml wins.

use crate::common::*;

const ENGLISH_PAGE: &str = "# Getting started\n\nThis guide explains how to install the command line tool, how to configure your first project and how to deploy it to production. Each step is short, and the commands are the same on every operating system.\n\n## Install\n\nDownload the package for your system and run the installer. When it is done, open a new terminal and check that the tool answers.\n\n## Configure\n\nThe configuration lives in a single file at the root of your project.\n";
const FRENCH_PAGE: &str = "# Premiers pas\n\nCe guide explique comment installer l’outil en ligne de commande, comment configurer votre premier projet et comment le déployer en production. Chaque étape est courte, et les commandes sont les mêmes sur tous les systèmes.\n\n## Installer\n\nTéléchargez le paquet pour votre système et lancez l’installateur. Quand il a fini, ouvrez un nouveau terminal et vérifiez que l’outil répond.\n\n## Configurer\n\nLa configuration tient dans un seul fichier à la racine de votre projet.\n";

fn interface_language(built: &Built, url: &str) -> (String, String) {
    let html = built.page(url);
    let lang = attr(select_one(&html, "html"), "lang").to_string();
    let skip = text(select_one(&html, ".skip-link"));
    (lang, skip)
}

#[test]
fn an_english_space_gets_an_english_interface_without_configuration() {
    let built = build_tmp(site_with(&[
        (
            "SUMMARY.md",
            "* [Getting started](README.md)\n* [Next](next.md)\n",
        ),
        ("README.md", ENGLISH_PAGE),
        (
            "next.md",
            "# Next\n\n{% hint style=\"info\" %}\nA hint.\n{% endhint %}\n",
        ),
    ]));
    built.assert_no_errors();
    assert_eq!(
        interface_language(&built, ""),
        ("en".to_string(), "Skip to content".to_string())
    );
    let home = built.page("");
    assert_eq!(text(select_one(&home, ".page-toc h2")), "On this page");
    let next = built.page("next/");
    assert_eq!(
        attr(select_one(&next, ".hint"), "aria-label"),
        "Info",
        "the words of blocks follow the page's language"
    );
    let not_found = scraper::Html::parse_document(&built.file("404.html"));
    assert_eq!(attr(select_one(&not_found, "html"), "lang"), "en");
}

#[test]
fn a_french_space_stays_french_and_carnet_yaml_wins_over_detection() {
    let files = [
        ("SUMMARY.md", "* [Premiers pas](README.md)\n"),
        ("README.md", FRENCH_PAGE),
    ];
    let french = build_tmp(site_with(&files));
    assert_eq!(
        interface_language(&french, ""),
        ("fr".to_string(), "Aller au contenu".to_string())
    );
    let mut configured = files.to_vec();
    configured.push(("carnet.yaml", "language: en\n"));
    let configured = build_tmp(site_with(&configured));
    assert_eq!(interface_language(&configured, "").0, "en");
}

#[test]
fn each_docs_yaml_space_has_its_language_and_search_stems_each_page_in_it() {
    let built = build_tmp(site_with(&[
        (
            "docs.yaml",
            "site:\n  structure:\n    - type: section\n      path: docs\n      default: true\n      children:\n        - type: space\n          path: guide\n          default: true\n          content:\n            directory: ./en\n            language: en\n        - type: space\n          path: fr\n          content:\n            directory: ./fr\n            language: fr\n",
        ),
        ("en/SUMMARY.md", "* [Home](README.md)\n"),
        ("en/README.md", "# Home\n\nThe servers are running.\n"),
        ("fr/SUMMARY.md", "* [Accueil](README.md)\n"),
        ("fr/README.md", "# Accueil\n\nLes hébergeurs sont là.\n"),
    ]));
    built.assert_no_errors();
    assert_eq!(interface_language(&built, "").0, "en");
    assert_eq!(interface_language(&built, "fr/").0, "fr");
    let meta_js = built.file("search/meta.js");
    let meta: serde_json::Value = serde_json::from_str(
        meta_js
            .trim()
            .trim_start_matches("carnetSearch.meta(")
            .trim_end_matches(");"),
    )
    .expect("meta.js holds JSON");
    let stemmers: Vec<&str> = meta["analyzers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["stemmer"].as_str())
        .collect();
    assert_eq!(stemmers, ["english", "french"]);
    // Each shard: `carnetSearch.shard(key, terms, forms per analyzer, tailed terms);`.
    let shards: Vec<serde_json::Value> = std::fs::read_dir(built.out.join("search/t"))
        .expect("term shards")
        .flatten()
        .map(|e| {
            let script = std::fs::read_to_string(e.path()).unwrap_or_default();
            let args = script
                .trim()
                .trim_start_matches("carnetSearch.shard(")
                .trim_end_matches(");");
            serde_json::from_str(&format!("[{args}]")).expect("a shard holds JSON")
        })
        .collect();
    let terms: Vec<&str> = shards
        .iter()
        .filter_map(|shard| shard[1].as_object())
        .flat_map(|terms| terms.keys().map(String::as_str))
        .collect();
    // English stemming of the English page, French of the French one.
    assert!(terms.contains(&"run"), "{terms:?}");
    assert!(terms.contains(&"hebergeur"), "{terms:?}");
    assert!(!terms.contains(&"running"), "{terms:?}");
    // The English page's `running` is listed with its English term, for the browser.
    let english_forms = shards.iter().find_map(|shard| shard[2][0].get("running"));
    assert_eq!(english_forms, Some(&serde_json::json!(["run"])));
}
