//! No input hangs a build or exhausts memory: each input that used to take seconds to minutes
//! (or gigabytes), at the size that showed it, built here in a debug build. Quadratic behaviour
//! would take minutes at these sizes; linear takes well under a second. The limit is a
//! generous regression guard, not a benchmark: it only has to tell minutes from seconds.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

/// Far above what a linear build of these inputs takes, even on a busy debug machine; a build
/// still running then is killed, so a regression fails instead of hanging the suite.
const GUARD: Duration = Duration::from_secs(60);

/// A `carnet build` of a site written by the test, run as a process under [`GUARD`].
struct Guarded {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    /// The findings, as `--format json` prints them.
    findings: Vec<serde_json::Value>,
    written: bool,
}

impl Guarded {
    fn with_code(&self, code: &str) -> Vec<&serde_json::Value> {
        self.findings.iter().filter(|f| f["code"] == code).collect()
    }

    fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).exists()
    }

    fn page(&self) -> scraper::Html {
        let text = std::fs::read_to_string(self.out.join("index.html")).unwrap_or_default();
        scraper::Html::parse_document(&text)
    }
}

fn line_of(finding: &serde_json::Value) -> Option<u64> {
    finding["line"].as_u64()
}

fn guarded_build(files: &[(&str, &str)]) -> Guarded {
    guarded_build_in(site_with(files))
}

/// [`guarded_build`] for files a test generates.
fn guarded_build_owned(files: &[(String, String)]) -> Guarded {
    guarded_build_in(site_with_owned(files))
}

fn guarded_build_in(tmp: tempfile::TempDir) -> Guarded {
    let out = tmp.path().join("public");
    let (findings, written) = run_guarded(tmp.path(), &out);
    Guarded {
        _tmp: tmp,
        out,
        findings,
        written,
    }
}

/// Runs `carnet build --format json SITE`, killed past [`GUARD`].
fn run_guarded(site: &Path, out: &Path) -> (Vec<serde_json::Value>, bool) {
    let before = std::fs::metadata(out.join("index.html"))
        .and_then(|m| m.modified())
        .ok();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["build", "--format", "json"])
        .arg(site)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("carnet build");
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let started = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if started.elapsed() > GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the build still ran after {GUARD:?}: something is quadratic again");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let findings = reader
        .join()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let after = std::fs::metadata(out.join("index.html"))
        .and_then(|m| m.modified())
        .ok();
    (findings, after.is_some() && after != before)
}

#[test]
fn twenty_thousand_headings_of_one_text_are_numbered_in_linear_time() {
    let body = format!("# Home\n\n{}", "## Same\n\n".repeat(20_000));
    let built = guarded_build(&[("README.md", &body)]);
    assert!(built.written);
    let page = built.page();
    assert_eq!(select(&page, "#same-19999").len(), 1);
}

#[test]
fn twenty_thousand_stray_end_tags_are_reported_in_linear_time() {
    let body = format!("# Home\n\n{}", "{% endtab %}\n".repeat(20_000));
    let built = guarded_build(&[("README.md", &body)]);
    assert_eq!(built.with_code("gitbook-block").len(), 20_000);
}

#[test]
fn twenty_thousand_stray_end_tags_on_one_line_are_read_once() {
    let body = format!("# Home\n\n{}\n", "{% endtab %}".repeat(20_000));
    let built = guarded_build(&[("README.md", &body)]);
    assert_eq!(built.with_code("gitbook-block").len(), 20_000);
}

#[test]
fn twenty_thousand_nested_tabs_are_cut_at_the_nesting_limit() {
    // The table's 5,000 took 2.8 s in a release build; four times more makes it minutes here.
    let body = format!(
        "# Home\n\n{}x\n",
        "{% tabs %}\n{% tab title=\"t\" %}\n".repeat(20_000)
    );
    let built = guarded_build(&[("README.md", &body)]);
    assert!(built.written);
    assert!(!built.with_code("gitbook-block").is_empty());
}

#[test]
fn front_matter_nested_a_hundred_thousand_deep_is_refused_at_its_line() {
    let body = format!(
        "---\ntitle: T\nx: {}{}\n---\n# Home\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let built = guarded_build(&[("README.md", &body)]);
    let found = built.with_code("invalid-front-matter");
    assert_eq!(found.len(), 1);
    assert!(
        found[0]["message"].as_str().unwrap_or("").contains("64"),
        "{}",
        found[0]
    );
    assert_eq!(line_of(found[0]), Some(3));
    assert!(built.written);
}

#[test]
fn configuration_files_nested_too_deep_are_refused() {
    let deep = format!("x: {}{}\n", "{a: ".repeat(100_000), "}".repeat(100_000));
    let built = guarded_build(&[("README.md", "# Home\n"), (".gitbook.yaml", &deep)]);
    assert_eq!(built.with_code("invalid-gitbook-config").len(), 1);
    let built = guarded_build(&[("README.md", "# Home\n"), ("carnet.yaml", &deep)]);
    assert_eq!(built.with_code("invalid-config").len(), 1);
}

#[test]
fn a_formula_nested_a_hundred_thousand_deep_is_shown_as_source() {
    let body = format!(
        "# Home\n\n$${}x{}$$\n\n$${}x{}$$\n",
        "{".repeat(100_000),
        "}".repeat(100_000),
        "\\left(".repeat(20_000),
        "\\right)".repeat(20_000)
    );
    let built = guarded_build(&[("README.md", &body)]);
    assert_eq!(built.with_code("limit-exceeded").len(), 2);
    assert_eq!(select(&built.page(), "code.math-error").len(), 2);
}

#[test]
fn includes_that_double_at_every_level_stop_at_the_budget() {
    let mut files = vec![(
        "README.md".to_string(),
        "# Home\n\n{% include \".gitbook/includes/i0.md\" %}\n".to_string(),
    )];
    for level in 0..30 {
        let next = level + 1;
        files.push((
            format!(".gitbook/includes/i{level}.md"),
            format!(
                "level {level}\n\n{{% include \"i{next}.md\" %}}\n\n{{% include \"i{next}.md\" %}}\n"
            ),
        ));
    }
    files.push((".gitbook/includes/i30.md".into(), "leaf\n".into()));
    let built = guarded_build_owned(&files);
    let failed = built.with_code("include-failed");
    assert_eq!(failed.len(), 1, "reported once");
    assert!(
        failed[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("limit"),
        "{}",
        failed[0]
    );
    assert_eq!(line_of(failed[0]), Some(3));
}

/// Runs `carnet build SITE` and returns its peak resident memory in KiB, read from its own
/// `VmHWM` while it runs. (`wait4`'s `ru_maxrss` would not do: std spawns with `vfork`, and the
/// child's figure then starts at the test process's own peak, which other tests running in
/// parallel make hundreds of megabytes.) The last reading is at most a few milliseconds before
/// the build ends; the page is refused long before that.
#[cfg(target_os = "linux")]
fn peak_memory_kib(site: &std::path::Path) -> i64 {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("build")
        .arg(site)
        .arg("-q")
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("carnet build");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().expect("wait").is_none() {
        let high_water = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|status| {
                let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
                line.split_whitespace().nth(1)?.parse::<i64>().ok()
            });
        peak = peak.max(high_water.unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert!(peak > 0, "no reading of the build's memory");
    peak
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifty_megabyte_page_is_refused_before_it_is_read() {
    let tmp = tempfile::tempdir().expect("tmp");
    let line = "Du texte, un [lien](README.md) et **gras** encore du texte.\n\n";
    write(tmp.path(), "README.md", b"# Home\n");
    write(
        tmp.path(),
        "big.md",
        format!("# Big\n\n{}", line.repeat(50_000_000 / line.len())).as_bytes(),
    );
    let peak = peak_memory_kib(tmp.path());
    assert!(peak < 200 * 1024, "peak memory {peak} KiB");
    let (findings, _) = run_guarded(tmp.path(), &tmp.path().join("public"));
    let refused: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "unreadable-file")
        .collect();
    assert_eq!(refused.len(), 1);
    assert!(
        refused[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("2 MiB"),
        "{}",
        refused[0]
    );
}

#[test]
fn a_page_of_lists_nested_on_one_line_is_shown_as_text() {
    let body = format!("# Home\n\n{}x\n", "* ".repeat(500_000));
    let built = guarded_build(&[("README.md", &body)]);
    let found = built.with_code("limit-exceeded");
    assert_eq!(found.len(), 1);
    assert_eq!(line_of(found[0]), Some(3));
}

#[test]
fn a_summary_nested_forty_deep_keeps_every_entry_and_says_so() {
    let mut summary = String::from("# Table of contents\n\n");
    let mut files = vec![("README.md".to_string(), "# Home\n".to_string())];
    for depth in 0..40 {
        summary.push_str(&format!(
            "{}* [L{depth}](p{depth}.md)\n",
            "  ".repeat(depth)
        ));
        files.push((format!("p{depth}.md"), format!("# P{depth}\n")));
    }
    files.push(("SUMMARY.md".into(), summary));
    let built = guarded_build_owned(&files);
    assert!(built.with_code("not-in-summary").is_empty());
    let found = built.with_code("limit-exceeded");
    assert_eq!(found.len(), 1);
    assert_eq!(line_of(found[0]), Some(35));
    for depth in 0..40 {
        assert!(built.exists(&format!("p{depth}/index.html")), "p{depth}");
    }
}

#[test]
fn a_summary_of_twenty_thousand_groups_is_read_once() {
    let summary: String = (0..20_000)
        .map(|i| format!("## G{i}\n\n* [P](p.md)\n\n"))
        .collect();
    let built = guarded_build(&[
        ("README.md", "# Home\n"),
        ("p.md", "# P\n"),
        ("SUMMARY.md", &summary),
    ]);
    assert!(built.written);
}

#[test]
fn twenty_thousand_links_to_anchors_are_checked_in_linear_time() {
    let body = format!(
        "# Home\n\n{}{}",
        (0..20_000)
            .map(|i| format!("## H{i}\n\n"))
            .collect::<String>(),
        "[x](#h19999) [y](#nope)\n".repeat(20_000)
    );
    let built = guarded_build(&[("README.md", &body)]);
    assert_eq!(built.with_code("missing-anchor").len(), 20_000);
}
