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
