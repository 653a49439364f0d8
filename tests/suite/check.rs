//! `carnet check` and the machine formats, as CI runs them.

use crate::common::*;
use assert_cmd::Command;

fn carnet() -> Command {
    Command::cargo_bin("carnet").expect("binary built")
}

/// A site with one problem of each common kind.
fn problems() -> tempfile::TempDir {
    site_with(&[
        ("SUMMARY.md", "* [Home](README.md)\n* [Page](page.md)\n"),
        (
            "README.md",
            "# Home\n\n[cassé](absent.md) et [ancre](page.md#nulle-part)\n\n![image](absent.png)\n",
        ),
        (
            "page.md",
            "# Page\n\n{% content-ref url=\"disparue.md\" %}\n[Disparue](disparue.md)\n{% endcontent-ref %}\n",
        ),
        ("orpheline.md", "# Orpheline\n"),
    ])
}

#[test]
fn check_finds_what_build_finds_and_writes_nothing() {
    let tmp = problems();
    let output = carnet()
        .arg("check")
        .arg(tmp.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "warnings only");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for code in [
        "broken-link",
        "missing-anchor",
        "missing-image",
        "not-in-summary",
    ] {
        assert!(
            stderr.contains(&format!("warning[{code}]")),
            "{code} missing:\n{stderr}"
        );
    }
    assert!(
        stderr.trim_end().ends_with("checked 2 pages in") || stderr.contains("checked 2 pages in"),
        "{stderr}"
    );
    assert!(!tmp.path().join("public").exists(), "check writes nothing");
}

#[test]
fn check_fails_on_errors_and_with_strict_or_deny() {
    let tmp = problems();
    let strict = carnet()
        .args(["check", "--strict"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(strict.status.code(), Some(1));
    let deny = carnet()
        .args(["check", "--deny", "missing-anchor"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(deny.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&deny.stderr).contains("error[missing-anchor]"));
    let errors = site_with(&[("carnet.yaml", "nope: 1\n")]);
    let failed = carnet()
        .arg("check")
        .arg(errors.path())
        .output()
        .expect("run");
    assert_eq!(failed.status.code(), Some(1));
}

#[test]
fn allow_drops_a_kind_of_finding() {
    let tmp = problems();
    let output = carnet()
        .args([
            "check",
            "--format",
            "json",
            "--allow",
            "broken-link",
            "--allow",
            "not-in-summary",
        ])
        .arg(tmp.path())
        .output()
        .expect("run");
    let codes: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON line")["code"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(codes, ["missing-anchor", "missing-image"]);
}

#[test]
fn json_lines_have_file_line_column_severity_code_message() {
    let tmp = problems();
    let output = carnet()
        .args(["check", "--format", "json"])
        .arg(tmp.path())
        .output()
        .expect("run");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 5);
    let broken = lines
        .iter()
        .find(|l| l["code"] == "broken-link" && l["file"] == "README.md")
        .expect("broken link");
    assert_eq!(
        (broken["line"].as_u64(), broken["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(broken["severity"], "warning");
    assert!(
        broken["message"]
            .as_str()
            .is_some_and(|m| m.contains("absent.md"))
    );
}

#[test]
fn github_format_prints_workflow_commands() {
    let tmp = problems();
    let output = carnet()
        .args(["build", "--format", "github", "--deny", "broken-link"])
        .arg(tmp.path())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("absent.md"))
        .expect("broken link line");
    assert!(
        line.starts_with("::error file=README.md,line=3,col=1,title=broken-link::"),
        "{line}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("::error file=page.md,line=3,col=1,title=broken-link::")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("::warning file=README.md,line=5,col=1,title=missing-image::")),
        "{stdout}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn gitlab_format_is_a_code_quality_report() {
    let tmp = problems();
    let output = carnet()
        .args(["check", "--format", "gitlab"])
        .arg(tmp.path())
        .output()
        .expect("run");
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON document");
    let issues = report.as_array().expect("array");
    assert_eq!(issues.len(), 5);
    assert!(
        issues
            .iter()
            .all(|i| i["fingerprint"].as_str().is_some_and(|f| f.len() == 32))
    );
    assert!(
        issues
            .iter()
            .any(|i| i["location"]["path"] == "page.md" && i["location"]["lines"]["begin"] == 3)
    );
}
