//! `llms.txt` and `llms-full.txt` (llmstxt.org), and `outputs:` in carnet.yaml switching each
//! output of the plan.

use crate::common::*;

/// A site with groups, a page description, a hidden and a `noIndex` page.
fn site(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let mut files = vec![
        (
            "SUMMARY.md",
            "# Table of contents\n\n* [Accueil](README.md)\n* [Démarrer](demarrer.md)\n\n## Guides\n\n* [Installer](guides/installer.md)\n  * [Sous Linux](guides/linux.md)\n* [Caché](cache.md)\n* [Discret](discret.md)\n\n## Référence\n\n* [API](api.md)\n",
        ),
        (
            "README.md",
            "---\ndescription: Tout sur Nébula.\n---\n# Accueil\n\nBienvenue.\n",
        ),
        ("demarrer.md", "# Démarrer\n\nVoir [l’API](api.md).\n"),
        (
            "guides/installer.md",
            "---\ndescription: Installer *vite*.\n---\n# Installer\n\nÉtapes.\n",
        ),
        ("guides/linux.md", "# Sous Linux\n"),
        ("cache.md", "---\nhidden: true\n---\n# Caché\n"),
        ("discret.md", "---\nnoIndex: true\n---\n# Discret\n"),
        ("api.md", "# API\n\nRetour au [début](demarrer.md).\n"),
    ];
    files.extend_from_slice(extra);
    site_with(&files)
}

#[test]
fn llms_txt_lists_pages_in_summary_order_by_group() {
    let built = build_tmp(site(&[]));
    built.assert_no_errors();
    let llms = built.file("llms.txt");
    let lines: Vec<&str> = llms.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            "# Accueil",
            "> Tout sur Nébula.",
            "## Accueil",
            "- [Accueil](index.md): Tout sur Nébula.",
            "- [Démarrer](demarrer.md)",
            "## Guides",
            "- [Installer](guides/installer.md): Installer \\*vite\\*.",
            "- [Sous Linux](guides/linux.md)",
            "## Référence",
            "- [API](api.md)",
        ]
    );
    for line in lines.iter().filter(|l| l.starts_with("- [")) {
        let dest = &line[line.find("](").expect("a link") + 2..line.find(')').expect("closed")];
        assert!(built.exists(dest), "{dest}");
    }
}

#[test]
fn llms_full_holds_every_listed_page_in_order() {
    let built = build_tmp(site(&[]));
    let full = built.file("llms-full.txt");
    let titles: Vec<&str> = full.lines().filter(|l| l.starts_with("# ")).collect();
    assert_eq!(
        titles,
        [
            "# Accueil",
            "# Démarrer",
            "# Installer",
            "# Sous Linux",
            "# API"
        ]
    );
    assert!(full.contains(&built.file("guides/installer.md")));
    // Links are from the site root, where the file is.
    assert!(full.contains("Voir [l’API](api.md)."), "{full}");
    assert!(!full.contains("Caché") && !full.contains("Discret"));
    // Hidden and noIndex pages are published, as their HTML is.
    assert!(built.exists("cache.md") && built.exists("discret.md"));
}

#[test]
fn with_a_base_url_llms_files_link_absolutely() {
    let tmp = site(&[("carnet.yaml", "base_url: https://docs.example.org/nebula\n")]);
    let built = build_tmp(tmp);
    built.assert_no_errors();
    let llms = built.file("llms.txt");
    assert!(
        llms.contains("- [Démarrer](https://docs.example.org/nebula/demarrer.md)"),
        "{llms}"
    );
    assert!(
        built
            .file("llms-full.txt")
            .contains("[l’API](https://docs.example.org/nebula/api.md)")
    );
    // A page's own `.md` links relatively, wherever the site is.
    assert!(built.file("demarrer.md").contains("[l’API](api.md)"));
}

#[test]
fn a_sites_own_llms_txt_wins() {
    let built = build_tmp(site(&[("llms.txt", "# Le mien\n")]));
    built.assert_no_errors();
    assert_eq!(built.file("llms.txt"), "# Le mien\n");
    assert!(built.exists("llms-full.txt"));
}

#[test]
fn outputs_html_alone_publishes_no_markdown_and_no_llms_files() {
    let built = build_tmp(site(&[("carnet.yaml", "outputs: [html]\n")]));
    built.assert_no_errors();
    assert!(built.exists("demarrer/index.html"));
    assert!(!built.exists("demarrer.md") && !built.exists("index.md"));
    assert!(!built.exists("llms.txt") && !built.exists("llms-full.txt"));
    let page = built.page("demarrer/");
    assert!(select(&page, ".page-actions, link[rel=alternate]").is_empty());
}

#[test]
fn outputs_llms_without_markdown_lists_the_html_pages() {
    let built = build_tmp(site(&[("carnet.yaml", "outputs:\n  - html\n  - llms\n")]));
    built.assert_no_errors();
    assert!(!built.exists("demarrer.md"));
    let llms = built.file("llms.txt");
    assert!(llms.contains("- [Démarrer](demarrer/)"), "{llms}");
    // The pages' Markdown is still in llms-full.txt, its links to the HTML.
    let full = built.file("llms-full.txt");
    assert!(
        full.contains("# Démarrer") && full.contains("[l’API](api/)"),
        "{full}"
    );
}

#[test]
fn outputs_markdown_without_llms() {
    let built = build_tmp(site(&[("carnet.yaml", "outputs: [html, markdown]\n")]));
    built.assert_no_errors();
    assert!(built.exists("demarrer.md"));
    assert!(!built.exists("llms.txt") && !built.exists("llms-full.txt"));
}

#[test]
fn outputs_without_html_is_an_error_at_its_line() {
    let built = build_tmp(site(&[(
        "carnet.yaml",
        "title: Nébula\noutputs: [markdown, llms]\n",
    )]));
    let errors = built.errors();
    assert_eq!(errors.len(), 1, "{}", list(&errors));
    assert_eq!(errors[0].code, "invalid-config");
    assert!(errors[0].message.contains("html"), "{}", errors[0].message);
    let location = errors[0].location.as_ref().expect("a location");
    assert!(location.file.ends_with("carnet.yaml"));
    assert_eq!(location.line, 2);
    assert!(!built.report.written);
}

#[test]
fn an_unknown_output_is_an_error_at_its_line() {
    let built = build_tmp(site(&[(
        "carnet.yaml",
        "title: Nébula\noutputs:\n  - html\n  - pdf\n",
    )]));
    let errors = built.errors();
    assert_eq!(errors.len(), 1, "{}", list(&errors));
    assert_eq!(errors[0].code, "invalid-config");
    assert!(errors[0].message.contains("pdf"), "{}", errors[0].message);
    assert_eq!(errors[0].location.as_ref().expect("a location").line, 4);
}
