//! What a build holds: each page's source text, line index, fragment HTML and Markdown leave
//! the site model as soon as the build is done with them (issue 19's memory budget), and what
//! is made from them later (diagnostics that quote a line, each page's `.md`, `llms-full.txt`)
//! stays what it was when the model held them.

use carnet::build::load_site;
use carnet::config::{Overrides, load_config};
use carnet::diagnostic::Diagnostic;
use carnet::render::{llms_full, page_markdown, page_markdown_path};
use carnet::site::Site;

use crate::common::*;

fn loaded(site: &std::path::Path) -> Site {
    let (config, _) = load_config(site, &Overrides::default()).expect("config");
    let mut diagnostics = Vec::new();
    load_site(config, None, &mut diagnostics)
}

/// Nested groups and folders, so that the pages' order in the navigation differs from the
/// order threads finish them in.
fn nested_site() -> tempfile::TempDir {
    let mut files = vec![(
        "SUMMARY.md".to_string(),
        "# Summary\n\n* [Home](README.md)\n\n## Part\n\n".to_string(),
    )];
    for i in (0..40).rev() {
        files[0]
            .1
            .push_str(&format!("* [Page {i}](p{i}/README.md)\n"));
        files[0]
            .1
            .push_str(&format!("  * [Child {i}](p{i}/child.md)\n"));
        files.push((
            format!("p{i}/README.md"),
            format!("# Page {i}\n\nTo [child](child.md) and [home](../README.md).\n\n```rust\nfn f{i}() {{}}\n```\n"),
        ));
        files.push((
            format!("p{i}/child.md"),
            format!(
                "---\ndescription: Child {i}.\n---\n# Child {i}\n\nBack [up](README.md#page-{i}).\n"
            ),
        ));
    }
    files.push(("README.md".to_string(), "# Home\n\nHello.\n".to_string()));
    site_with_owned(&files)
}

#[test]
fn loading_a_site_for_a_build_releases_every_page_text() {
    let tmp = nested_site();
    let site = loaded(tmp.path());
    assert_eq!(site.pages.len(), 81);
    for page in &site.pages {
        assert!(
            page.doc.is_released(),
            "{} still holds its text",
            page.source.rel
        );
        assert!(page.doc.text.is_empty());
        assert!(page.fragment.markdown.is_some(), "the Markdown is made");
    }
}

#[test]
fn page_markdown_and_llms_full_are_what_the_model_makes() {
    let tmp = nested_site();
    let site = loaded(tmp.path());
    let expected_full = llms_full(&site);
    let expected_md: Vec<(String, String)> = site
        .published()
        .map(|(id, page)| (page_markdown_path(page), page_markdown(&site, id)))
        .collect();
    assert!(expected_full.find("# Page 39").unwrap() < expected_full.find("# Child 39").unwrap());
    assert!(expected_full.find("# Child 39").unwrap() < expected_full.find("# Page 38").unwrap());
    let built = build_tmp(tmp);
    built.assert_no_errors();
    assert_eq!(built.file("llms-full.txt"), expected_full);
    for (path, markdown) in expected_md {
        assert_eq!(built.file(&path), markdown, "{path}");
    }
}

#[test]
fn a_diagnostic_at_a_released_page_quotes_its_line_as_decoded() {
    // Latin-1 and mojibake: the line quoted is the text as loading decoded and repaired it.
    let tmp = site_with(&[
        (
            "SUMMARY.md",
            "# Summary\n\n* [Home](README.md)\n* [Guide](guide.md)\n",
        ),
        ("README.md", "# Home\n"),
    ]);
    write(
        tmp.path(),
        "guide.md",
        b"# Guide\n\nCaf\xe9 cr\xe8me.\n\nVoir [la suite](absente.md).\n",
    );
    let built = build_tmp(tmp);
    let broken = built.with_code("broken-link");
    assert_eq!(broken.len(), 1, "{}", list(&broken));
    let location = broken[0].location.as_ref().expect("located");
    assert_eq!((location.line, location.column), (5, 6));
    assert_eq!(
        broken[0].source_line.as_deref(),
        Some("Voir [la suite](absente.md).")
    );
}

#[test]
fn a_page_edited_after_loading_is_named_without_a_wrong_line() {
    let tmp = site_with(&[
        ("SUMMARY.md", "# Summary\n\n* [Home](README.md)\n"),
        ("README.md", "# Home\n\nA [link](nowhere.md).\n"),
    ]);
    let site = loaded(tmp.path());
    let page = &site.pages[0];
    let span = 12..31;
    let quoted = page.diagnostic_at(
        &site.config.root,
        Diagnostic::warning("x", "y"),
        span.clone(),
    );
    assert_eq!(quoted.location.as_ref().map(|l| l.line), Some(3));
    assert_eq!(quoted.source_line.as_deref(), Some("A [link](nowhere.md)."));
    // A second load, its file edited before its first diagnostic (each load reads again once).
    let site = loaded(tmp.path());
    let page = &site.pages[0];
    write(tmp.path(), "README.md", b"# Home\n\nAnother line now.\n");
    let edited = page.diagnostic_at(&site.config.root, Diagnostic::warning("x", "y"), span);
    assert_eq!(edited.location.as_ref().map(|l| l.line), Some(1));
    assert_eq!(edited.source_line, None);
}

#[test]
fn a_loaded_page_holds_what_waits_for_its_write_compressed() {
    let tmp = nested_site();
    let site = loaded(tmp.path());
    for page in &site.pages {
        let fragment = &page.fragment;
        let (packed, plain) = fragment
            .packed
            .as_ref()
            .unwrap_or_else(|| panic!("{} is not packed", page.source.rel))
            .sizes();
        // Nothing left in the plain fields: the packed copies are the only ones.
        assert!(fragment.html.is_empty(), "{}", page.source.rel);
        assert!(fragment.sections.is_empty(), "{}", page.source.rel);
        let plain_markdown = fragment.markdown.as_ref().map(|m| m.text.len());
        assert_eq!(plain_markdown, Some(0), "{}", page.source.rel);
        assert!(packed < plain, "{}: {packed} of {plain}", page.source.rel);
    }
    // What the packed parts give back is what rendering the page made.
    let text = std::fs::read_to_string(tmp.path().join("p7/README.md")).expect("page");
    let includes = carnet::gitbook::blocks::FsIncludes {
        content_dir: site.config.content_dir.clone(),
        root: site.config.root.clone(),
    };
    let rendered = carnet::markdown::render_fragment(&carnet::markdown::PageInput {
        text: &text,
        body_start: 0,
        path: "p7/README.md",
        includes: &includes,
        vars: &Default::default(),
        markdown: true,
        raw_html: Default::default(),
    });
    let page = site
        .pages
        .iter()
        .find(|p| p.source.rel == "p7/README.md")
        .expect("loaded");
    assert!(rendered.html.contains("<pre"), "{}", rendered.html);
    assert_eq!(page.fragment.html(), rendered.html);
    assert_eq!(
        page.fragment.sections().as_ref(),
        rendered.sections.as_slice()
    );
    let markdown = page.fragment.markdown().expect("made");
    assert_eq!(
        markdown.text,
        rendered.markdown.as_ref().expect("made").text
    );
}
