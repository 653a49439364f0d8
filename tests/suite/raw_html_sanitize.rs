//! `raw_html: sanitize`: authors' HTML goes through an allowlist that keeps what GitBook exports
//! and carnet's own blocks use, and drops what runs script. Without it, raw HTML stays as
//! written (GitBook renders it).

use std::path::Path;

use crate::common::*;
use crate::html_injection::scripts_in_output;

/// Builds the site copied from `from` with `raw_html: sanitize` added to its configuration.
fn build_sanitized(from: &Path) -> Built {
    let tmp = tempfile::tempdir().expect("tmp");
    copy_tree(from, tmp.path());
    let config = tmp.path().join("carnet.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap_or_default();
    text.push_str("\nraw_html: sanitize\n");
    std::fs::write(&config, text).expect("carnet.yaml");
    build_tmp(tmp)
}

#[test]
fn sanitizing_changes_nothing_in_real_gitbook_exports_and_carnet_blocks() {
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = [
        "gitbook",
        "gitbook-summary",
        "gitbook-root",
        "multi-space",
        "reader",
    ];
    let sites = fixtures
        .iter()
        .map(|case| fixture_path(case))
        .chain([bundled.join("content")]);
    for site in sites {
        let kept = build_tmp({
            let tmp = tempfile::tempdir().expect("tmp");
            copy_tree(&site, tmp.path());
            tmp
        });
        let sanitized = build_sanitized(&site);
        assert!(sanitized.report.written, "{}", site.display());
        let (a, b) = (tree_files(&kept.out), tree_files(&sanitized.out));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{}",
            site.display()
        );
        for (path, bytes) in &a {
            // The same document, whatever the serialiser's choices (`&quot;` or `"` in text).
            let (kept, sanitized) = if path.ends_with(".html") {
                (normalised(bytes), normalised(&b[path]))
            } else {
                (
                    String::from_utf8_lossy(bytes).into_owned(),
                    String::from_utf8_lossy(&b[path]).into_owned(),
                )
            };
            let first = kept.lines().zip(sanitized.lines()).find(|(k, s)| k != s);
            assert!(
                kept == sanitized,
                "{}: {path} differs once sanitized, first at:\n--- kept\n{:?}\n--- sanitized\n{:?}",
                site.display(),
                first.map(|f| f.0),
                first.map(|f| f.1),
            );
        }
    }
}

/// An HTML page as parsed and written again by html5ever, without comments (the sanitizer
/// drops them), with `style` values without the spaces the sanitizer's CSS writer leaves out
/// (`text-align: left` → `text-align:left`).
fn normalised(bytes: &[u8]) -> String {
    let mut html = scraper::Html::parse_document(&String::from_utf8_lossy(bytes))
        .root_element()
        .html();
    while let Some(start) = html.find("<!--") {
        let end = html[start..]
            .find("-->")
            .map_or(html.len(), |e| start + e + 3);
        html.replace_range(start..end, "");
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(at) = rest.find(" style=\"") {
        let (before, after) = rest.split_at(at + 8);
        out.push_str(before);
        let end = after.find('"').unwrap_or(after.len());
        out.push_str(&after[..end].replace(": ", ":").replace("; ", ";"));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

const HOSTILE: &str = concat!(
    "# Home\n\n",
    "<script>alert(1)</script>\n\n",
    "<p onclick=\"alert(2)\">p</p>\n\n",
    "<img src=\"x.png\" onerror=\"alert(3)\">\n\n",
    "<a href=\"javascript:alert(4)\">a</a> and <a href=\"JaVaScRiPt:alert(5)\">b</a>\n\n",
    "<div style=\"background:url(javascript:alert(6))\">d</div>\n\n",
    "<iframe src=\"https://evil.example/\"></iframe>\n\n",
    "<svg onload=\"alert(7)\"><circle></circle></svg>\n\n",
    "<form action=\"javascript:alert(8)\"><button formaction=\"javascript:alert(9)\">f</button></form>\n\n",
    "<object data=\"javascript:alert(10)\"></object><embed src=\"javascript:alert(11)\">\n\n",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(12)></style></mglyph></table></mtext></math>\n\n",
    "<details open ontoggle=\"alert(13)\"><summary>s</summary>kept text</details>\n\n",
    "<a href=\"page.md\" data-mention>Page</a>\n",
);

#[test]
fn sanitized_raw_html_runs_no_script() {
    let tmp = site_with(&[
        ("carnet.yaml", "raw_html: sanitize\n"),
        ("README.md", HOSTILE),
        ("page.md", "# Page\n"),
    ]);
    let built = build_tmp(tmp);
    assert!(built.report.written, "{:?}", built.report.diagnostics);
    let found = scripts_in_output(&built);
    assert!(found.is_empty(), "{found:#?}");
    let page = built.page("");
    let html = select_one(&page, ".content").html();
    for gone in ["<iframe", "<object", "<embed", "<form", "alert("] {
        assert!(!html.contains(gone), "{gone} kept");
    }
    assert!(text(select_one(&page, ".content details")).contains("kept text"));
    assert_eq!(
        built.with_code("unsafe-url").len(),
        2,
        "the raw links' script URLs"
    );
}

#[test]
fn without_sanitize_raw_html_stays_as_written() {
    let built = build_tmp(site_with(&[(
        "README.md",
        "# Home\n\n<details><summary>s</summary><script>var x = 1;</script></details>\n",
    )]));
    built.assert_no_errors();
    assert!(
        built
            .file("index.html")
            .contains("<script>var x = 1;</script>")
    );
}

#[test]
fn an_unknown_raw_html_mode_is_a_configuration_error() {
    let built = build_tmp(site_with(&[
        ("carnet.yaml", "raw_html: scrub\n"),
        ("README.md", "# Home\n"),
    ]));
    assert_eq!(built.with_code("invalid-config").len(), 1);
}
