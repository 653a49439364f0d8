//! What real GitBook exports do that carnet's own fixtures did not (issue 15): each test is a
//! case found in public spaces of the corpus (`benches/gitbook-corpus/`), cut down to the files
//! that show it.

use crate::common::*;

#[test]
fn an_unlisted_file_at_a_listed_pages_url_is_simply_not_a_page() {
    for (listed, unlisted) in [("faq/README.md", "faq.md"), ("faq.md", "faq/README.md")] {
        let summary = format!("# Table of contents\n\n* [Home](README.md)\n* [FAQ]({listed})\n");
        let built = build_tmp(site_with(&[
            ("SUMMARY.md", &summary),
            ("README.md", "# Home\n"),
            (listed, "# FAQ\n\nThe listed page.\n"),
            (unlisted, "# Old FAQ\n\nAn old copy.\n"),
        ]));
        built.assert_no_errors();
        assert!(built.with_code("duplicate-url").is_empty());
        let faq = built.page("faq/");
        assert!(
            text(select_one(&faq, "main")).contains("The listed page."),
            "{listed}"
        );
        let not_listed = built.with_code("not-in-summary");
        assert_eq!(not_listed.len(), 1);
        assert!(not_listed[0].message.contains(unlisted));
    }
}

#[test]
fn two_listed_files_at_one_url_are_still_an_error() {
    let built = build_tmp(site_with(&[
        (
            "SUMMARY.md",
            "* [Home](README.md)\n* [A](a.md)\n* [A too](a/README.md)\n",
        ),
        ("README.md", "# Home\n"),
        ("a.md", "# A\n"),
        ("a/README.md", "# A index\n"),
    ]));
    assert_eq!(built.with_code("duplicate-url").len(), 1);
    assert!(!built.report.written);
}

#[test]
fn a_gitbook_yaml_root_that_is_not_a_folder_is_a_warning_and_its_folder_is_the_root() {
    // LANraragi keeps `.gitbook.yaml` in tools/Documentation/ with `root: ./tools/Documentation`.
    let built = build_tmp(site_with(&[
        (
            ".gitbook.yaml",
            "root: ./tools/Documentation\n\nstructure:\n  readme: README.md\n",
        ),
        ("SUMMARY.md", "* [Home](README.md)\n* [Guide](guide.md)\n"),
        ("README.md", "# Home\n"),
        ("guide.md", "# Guide\n"),
    ]));
    built.assert_no_errors();
    let warnings = built.with_code("invalid-gitbook-config");
    assert_eq!(warnings.len(), 1, "{}", list(&warnings));
    assert_eq!(warnings[0].location.as_ref().map(|l| l.line), Some(1));
    assert!(built.exists("guide/index.html"));
}

#[test]
fn a_nested_space_whose_root_is_not_a_folder_keeps_its_folder() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        ("api/.gitbook.yaml", "root: ./api/docs\n"),
        ("api/SUMMARY.md", "* [API](README.md)\n* [Ops](ops.md)\n"),
        ("api/README.md", "# API\n"),
        ("api/ops.md", "# Ops\n"),
    ]));
    built.assert_no_errors();
    assert_eq!(built.with_code("invalid-gitbook-config").len(), 1);
    assert!(built.exists("api/ops/index.html"));
}
