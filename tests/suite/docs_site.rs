//! The manual in `docs/` is a carnet site: it builds with `--strict`, and its list of the CSS
//! classes a theme may rely on matches what carnet writes and what the default theme styles.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;
use scraper::{Html, Selector};

fn manifest_path(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn the_manual_builds_with_strict_and_publishes_every_summary_page() {
    let out = tempfile::tempdir().expect("tmp");
    let mut opts = options(&manifest_path("docs"));
    opts.strict = true;
    opts.overrides.output = Some(out.path().join("manual"));
    let report = carnet::build::build(&opts);
    let found: Vec<_> = report.diagnostics.iter().collect();
    assert!(
        found.is_empty(),
        "the manual has findings:\n{}",
        list(&found)
    );
    assert!(report.written);
    let summary = std::fs::read_to_string(manifest_path("docs/SUMMARY.md")).expect("SUMMARY.md");
    let entries = summary.lines().filter(|l| l.starts_with("* [")).count();
    assert_eq!(report.pages, entries, "one page per SUMMARY.md entry");
}

/// The classes of the two tables of `docs/themes.md`: (styled by the default theme, carried).
fn documented_classes() -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(manifest_path("docs/themes.md")).expect("themes.md");
    let section = text
        .split("## The CSS classes a theme may rely on")
        .nth(1)
        .expect("themes.md has the CSS classes section");
    let (styled, carried) = section
        .split_once("Carried for scripts")
        .expect("two tables");
    (table_classes(styled), table_classes(carried))
}

/// First-column entries written `` `.name` `` (or `` `.family-*` ``) of the table rows in `text`.
fn table_classes(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("| `."))
        .filter_map(|rest| rest.split_once('`').map(|(name, _)| name.to_string()))
        .collect()
}

fn documents(entries: &[String], class: &str) -> bool {
    entries.iter().any(|entry| match entry.strip_suffix('*') {
        Some(family) => class.starts_with(family),
        None => entry == class,
    })
}

/// Every class inside page content and the sidebar of every page of `out`.
fn classes_written(out: &Path) -> BTreeSet<String> {
    let scope = Selector::parse(".content [class], #sidebar [class]").expect("selector");
    let mut classes = BTreeSet::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.expect("output entry");
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(entry.path()).expect("page"));
        for element in html.select(&scope) {
            classes.extend(element.value().classes().map(str::to_string));
        }
    }
    classes
}

#[test]
fn every_class_carnet_writes_is_documented_and_the_styled_ones_have_a_rule() {
    let (styled, carried) = documented_classes();
    assert!(styled.len() > 40, "the styled table was read: {styled:?}");
    let built = build_fixture("gitbook");
    built.assert_no_errors();
    let written = classes_written(&built.out);
    assert!(
        written.contains("hint"),
        "the fixture has blocks: {written:?}"
    );
    let undocumented: Vec<_> = written
        .iter()
        .filter(|c| !documents(&styled, c) && !documents(&carried, c))
        .collect();
    assert!(
        undocumented.is_empty(),
        "classes written but not in docs/themes.md: {undocumented:?}"
    );
    let css = std::fs::read_to_string(manifest_path("themes/default/static/style.css"))
        .expect("style.css");
    let unstyled: Vec<_> = styled
        .iter()
        .filter(|entry| !has_rule(&css, entry))
        .collect();
    assert!(
        unstyled.is_empty(),
        "documented as styled, but style.css has no rule: {unstyled:?}"
    );
}

/// Whether `css` has a selector naming `.class` (or, for `family-*`, some `.family-…`).
fn has_rule(css: &str, entry: &str) -> bool {
    let (name, family) = match entry.strip_suffix('*') {
        Some(prefix) => (prefix, true),
        None => (entry, false),
    };
    let needle = format!(".{name}");
    css.match_indices(&needle).any(|(at, _)| {
        let next = css[at + needle.len()..].chars().next();
        let boundary = next.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
        family && next.is_some_and(|c| c.is_alphanumeric()) || !family && boundary
    })
}
