//! Every page published as Markdown beside its HTML (`a/b.md` for `a/b/`, `index.md` for the
//! home), read back with pulldown-cmark: its title first, GitBook's blocks as plain Markdown,
//! links leading to files the build wrote.

use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::Value;

use crate::common::*;

/// What one `.md` says, as pulldown-cmark reads it.
struct Read {
    text: String,
    /// (level, text) of every heading.
    headings: Vec<(HeadingLevel, String)>,
    /// Link and image destinations.
    dests: Vec<String>,
    /// (kind, text) of each GitHub alert.
    alerts: Vec<(String, String)>,
    /// Info strings of code blocks.
    code_infos: Vec<String>,
}

fn read(built: &Built, rel: &str) -> Read {
    let text = built.file(rel);
    let mut read = Read {
        text: text.clone(),
        headings: Vec::new(),
        dests: Vec::new(),
        alerts: Vec::new(),
        code_infos: Vec::new(),
    };
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut alert: Option<(String, String)> = None;
    for event in Parser::new_ext(&text, Options::all()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => read.headings.extend(heading.take()),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                alert = Some((format!("{kind:?}"), String::new()))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => read.alerts.extend(alert.take()),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                read.dests.push(dest_url.to_string())
            }
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info))) => {
                read.code_infos.push(info.to_string())
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, h)) = &mut heading {
                    h.push_str(&t);
                }
                if let Some((_, a)) = &mut alert {
                    a.push_str(&t);
                }
            }
            _ => {}
        }
    }
    read
}

/// Where `text` has a `{%` that a GitBook reader would take for a tag: outside code, not
/// escaped.
fn tags_outside_code(text: &str) -> Vec<usize> {
    let code: Vec<std::ops::Range<usize>> = Parser::new_ext(text, Options::all())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect();
    text.match_indices("{%")
        .map(|(at, _)| at)
        .filter(|&at| !(at > 0 && text.as_bytes()[at - 1] == b'\\'))
        .filter(|at| !code.iter().any(|range| range.contains(at)))
        .collect()
}

/// The output paths the plan file lists as `kind`.
fn listed(built: &Built, kind: &str) -> Vec<String> {
    let plan: Value = serde_json::from_str(&built.file(".carnet-output")).expect("plan file");
    let files = plan["files"].as_object().expect("files");
    files
        .iter()
        .filter(|(_, k)| k.as_str() == Some(kind))
        .map(|(path, _)| path.clone())
        .collect()
}

/// Whether `dest`, a destination written in the output file `from`, leads to a file of the
/// output (external and same-page destinations lead nowhere to check).
fn leads_to_output(built: &Built, from: &str, dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() || dest.contains("://") || dest.starts_with("mailto:") {
        return true;
    }
    let folder = Path::new(from).parent().unwrap_or(Path::new(""));
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let target = built.out.join(folder).join(decoded.as_ref());
    if path.ends_with('/') || path == "." || path == "./" {
        target.join("index.html").is_file()
    } else {
        target.is_file()
    }
}

#[test]
fn every_page_has_its_markdown_at_its_url_with_md() {
    let built = build_fixture("gitbook");
    built.assert_no_errors();
    let pages = listed(&built, "page");
    let markdown = listed(&built, "page-markdown");
    assert_eq!(pages.len(), markdown.len(), "{markdown:?}");
    assert!(built.exists("index.md"), "the home's Markdown is index.md");
    assert!(built.exists("blocks/tabs.md") && built.exists("blocks/tabs/index.html"));
    for page in pages {
        let md = match page.strip_suffix("/index.html") {
            Some(url) => format!("{url}.md"),
            None => "index.md".to_string(),
        };
        assert!(markdown.contains(&md), "{page} has no {md}");
    }
}

#[test]
fn markdown_reads_back_with_its_title_first_no_tags_and_links_that_lead_somewhere() {
    let built = build_fixture("gitbook");
    for rel in listed(&built, "page-markdown") {
        let read = read(&built, &rel);
        let html_path = match rel.as_str() {
            "index.md" => String::new(),
            other => format!("{}/", other.trim_end_matches(".md")),
        };
        let html = built.page(&html_path);
        // The HTML's title, without its icon.
        let title = text(select_one(&html, ".page-header h1"));
        let (level, first) = read.headings.first().expect("a heading");
        assert_eq!(*level, HeadingLevel::H1, "{rel}");
        assert!(
            !first.is_empty() && title.ends_with(first.as_str()),
            "{rel}: {first} / {title}"
        );
        assert!(
            read.text.starts_with(&format!("# {}", read.headings[0].1)),
            "{rel}"
        );
        assert!(
            tags_outside_code(&read.text).is_empty(),
            "{rel}: a GitBook tag is left:\n{}",
            read.text
        );
        assert!(
            !read.text.contains("carnet:"),
            "{rel}: a marker line is left"
        );
        assert!(
            !read.text.contains(['\u{FDD0}', '\u{FDD1}']),
            "{rel}: a reference marker is left"
        );
        assert!(
            !read.text.contains("\n---\n") || !read.text.contains("description:"),
            "{rel}"
        );
        let broken: Vec<&String> = read
            .dests
            .iter()
            .filter(|dest| !leads_to_output(&built, &rel, dest) && !dest.contains("disparue"))
            .collect();
        assert!(broken.is_empty(), "{rel}: {broken:?}");
    }
}

#[test]
fn gitbook_blocks_become_plain_markdown() {
    let built = build_fixture("gitbook");
    let home = read(&built, "index.md");
    let kinds: Vec<&str> = home.alerts.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        &kinds[..4],
        ["Note", "Tip", "Warning", "Caution"],
        "hints are alerts of their style"
    );
    assert!(home.alerts[2].1.contains("Attention au titre"));

    let tabs = read(&built, "blocks/tabs.md");
    let titles: Vec<&str> = tabs.headings.iter().map(|(_, t)| t.as_str()).collect();
    for tab in ["Linux", "macOS", "Tab 1", "Windows"] {
        assert!(
            titles.contains(&tab)
                || (tab == "Tab 1" && titles.iter().any(|t| t.starts_with("Tab"))),
            "tab `{tab}` is a heading: {titles:?}"
        );
    }
    assert!(tabs.text.contains("1. "), "the stepper is a numbered list");

    let cards = read(&built, "blocks/cards.md");
    // A content-ref is a link titled as its target is now (not as the card was written).
    assert!(
        cards.text.contains("[Onglets et étapes](tabs.md)"),
        "{}",
        cards.text
    );
    assert!(cards.text.contains("](../index.md)"), "{}", cards.text);
    assert!(
        cards
            .text
            .contains("[Guide externe](https://example.org/guide)")
    );
    assert!(cards.text.contains("Une page disparue"));
    assert!(
        !cards.text.contains("](disparue.md"),
        "no link to a missing page"
    );
    // A mention shows its target's current title.
    assert!(
        cards.text.contains("[Intégrations et fichiers](embeds.md)"),
        "{}",
        cards.text
    );
}

#[test]
fn front_matter_is_dropped_and_the_description_follows_the_title() {
    let built = build_fixture("gitbook");
    let decorated = built.file("blocks/front-matter.md");
    assert!(decorated.starts_with("# "), "{decorated}");
    assert!(!decorated.contains("coverY") && !decorated.contains("layout:"));
    let lines: Vec<&str> = decorated.lines().collect();
    assert_eq!(lines[2], "Une page décorée.", "{decorated}");
}

#[test]
fn links_lead_to_the_markdown_of_pages_and_keep_assets_and_anchors() {
    let tmp = site_with(&[
        (
            "SUMMARY.md",
            "* [Accueil](README.md)\n* [Guide](guide/README.md)\n  * [Installer](guide/installer.md)\n",
        ),
        (
            "README.md",
            "# Accueil\n\nVoir [l’installation](guide/installer.md#linux), le [guide](guide/) et ![schéma](img/a%20b.png).\n",
        ),
        (
            "guide/README.md",
            "# Guide\n\nRetour à l’[accueil](../README.md).\n",
        ),
        (
            "guide/installer.md",
            "---\ndescription: Installer.\n---\n\n# Installer\n\n## Linux\n\n{% code title=\"install.sh\" %}\n```sh\napt install x\n```\n{% endcode %}\n\nSoit $$x^2$$.\n\nVoir [le guide](README.md) et [plus bas](#linux).\n",
        ),
        ("img/a b.png", "png"),
    ]);
    let built = build_tmp(tmp);
    built.assert_no_errors();
    let home = read(&built, "index.md");
    assert_eq!(
        home.dests,
        ["guide/installer.md#linux", "guide.md", "img/a%20b.png"]
    );
    assert_eq!(read(&built, "guide.md").dests, ["index.md"]);
    let installer = read(&built, "guide/installer.md");
    assert_eq!(installer.dests, ["../guide.md", "#linux"]);
    assert_eq!(installer.code_infos, ["sh title=\"install.sh\""]);
    assert!(
        installer.text.contains("Soit $$x^2$$."),
        "{}",
        installer.text
    );
    for rel in ["index.md", "guide.md", "guide/installer.md"] {
        for dest in read(&built, rel).dests {
            assert!(leads_to_output(&built, rel, &dest), "{rel}: {dest}");
        }
    }
}

#[test]
fn hidden_and_unlisted_pages_are_published_as_markdown_like_their_html() {
    let tmp = site_with(&[
        (
            "SUMMARY.md",
            "* [Accueil](README.md)\n* [Caché](cache.md)\n",
        ),
        ("README.md", "# Accueil\n"),
        ("cache.md", "---\nhidden: true\n---\n# Caché\n"),
        ("hors-sommaire.md", "# Hors sommaire\n"),
    ]);
    let built = build_tmp(tmp);
    assert!(built.exists("cache/index.html") && built.exists("cache.md"));
    assert!(!built.exists("hors-sommaire/index.html") && !built.exists("hors-sommaire.md"));
}

#[test]
fn two_pages_with_one_markdown_path_keep_the_first_and_warn() {
    let tmp = site_with(&[
        (
            "SUMMARY.md",
            "* [Accueil](README.md)\n* [Index](index.md)\n",
        ),
        ("README.md", "# Accueil\n"),
        ("index.md", "# Index\n"),
    ]);
    let built = build_tmp(tmp);
    built.assert_no_errors();
    assert!(built.exists("index/index.html"));
    assert!(built.file("index.md").starts_with("# Accueil"));
    let warnings = built.with_code("duplicate-markdown-path");
    assert_eq!(warnings.len(), 1, "{:?}", built.report.diagnostics);
    assert!(
        warnings[0].message.contains("README.md"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn each_page_links_to_its_markdown() {
    let built = build_fixture("gitbook");
    let page = built.page("blocks/tabs/");
    let link = select_one(&page, ".page-actions a.markdown-link");
    assert_eq!(attr(link, "href"), "../tabs.md");
    assert_eq!(attr(link, "type"), "text/markdown");
    let alternate = select_one(&page, "link[rel=alternate][type='text/markdown']");
    assert_eq!(attr(alternate, "href"), "../tabs.md");
    assert_eq!(
        attr(select_one(&built.page(""), ".markdown-link"), "href"),
        "index.md"
    );
}
