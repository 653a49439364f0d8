//! `carnet fix-encoding` as contributors and CI use it: a filter, a report per file, `--check`
//! exit codes, `--write` that changes nothing but the damaged bytes, and JSON output.

use std::path::Path;

use crate::common::*;
use assert_cmd::Command;

fn carnet() -> Command {
    Command::cargo_bin("carnet").expect("binary built")
}

fn seed(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).expect("seed readable")
}

const INFRA: &str = "content/hebergement-et-services-partages/infra.md";
const CLEAN_GUIDE: &str = "content/services-externes/services-externes-ares.md";

/// A damaged page with a BOM, CRLF line endings and text around the damage that must not move.
const DAMAGED_CRLF: &str = "\u{FEFF}# Titre\r\n\r\nL’Ã©quipe gÃ¨re lâ€™hÃ©bergement.\r\nLigne propre, “citée”, &#x20;\r\n## ğŸ‡«ğŸ‡· Clever Cloud\r\n";
const REPAIRED_CRLF: &str = "\u{FEFF}# Titre\r\n\r\nL’équipe gère l’hébergement.\r\nLigne propre, “citée”, &#x20;\r\n## 🇫🇷 Clever Cloud\r\n";

#[test]
fn the_filter_repairs_stdin_to_stdout_and_reports_on_stderr() {
    let output = carnet()
        .arg("fix-encoding")
        .write_stdin(seed(INFRA))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 out");
    assert!(stdout.contains("Hébergement") && stdout.contains("🇫🇷 Clever Cloud"));
    assert!(!stdout.contains("Ã") && !stdout.contains("ğŸ"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("<stdin>: needs repair"), "{stderr}");
    assert!(stderr.contains("(Windows-1254)"), "{stderr}");
    assert!(stderr.contains("<stdin>:3:"), "{stderr}");
}

#[test]
fn the_filter_keeps_line_endings_bom_and_clean_bytes() {
    let output = carnet()
        .args(["fix-encoding", "-"])
        .write_stdin(DAMAGED_CRLF)
        .output()
        .expect("run");
    assert_eq!(output.stdout, REPAIRED_CRLF.as_bytes());
    let clean = seed(CLEAN_GUIDE);
    let output = carnet()
        .arg("fix-encoding")
        .write_stdin(clean.clone())
        .output()
        .expect("run");
    assert_eq!(output.stdout, clean);
}

#[test]
fn check_exits_one_when_a_file_needs_repair_and_zero_otherwise() {
    let tmp = site_with(&[("guide/a.md", "# A\n\nTout est propre, déjà.\n")]);
    let clean = carnet()
        .args(["fix-encoding", "--check"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(clean.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&clean.stdout).contains("a.md: clean"));
    write(tmp.path(), "guide/sub/b.md", DAMAGED_CRLF.as_bytes());
    write(tmp.path(), "guide/notes.txt", DAMAGED_CRLF.as_bytes());
    let damaged = carnet()
        .args(["fix-encoding", "--check"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(damaged.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&damaged.stdout);
    assert!(stdout.contains("b.md: needs repair"), "{stdout}");
    assert!(
        !stdout.contains("notes.txt"),
        "only .md files in folders: {stdout}"
    );
    // Without --write nothing changed.
    let after = std::fs::read(tmp.path().join("guide/sub/b.md")).expect("read");
    assert_eq!(after, DAMAGED_CRLF.as_bytes());
    // The filter checks too.
    let filter = carnet()
        .args(["fix-encoding", "--check"])
        .write_stdin(DAMAGED_CRLF)
        .output()
        .expect("run");
    assert_eq!(filter.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn write_replaces_only_damaged_files_atomically_keeping_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = site_with(&[("clean.md", "# Propre\r\n\r\nDéjà “bien”.\r\n")]);
    write(tmp.path(), "damaged.md", DAMAGED_CRLF.as_bytes());
    let damaged = tmp.path().join("damaged.md");
    let clean = tmp.path().join("clean.md");
    std::fs::set_permissions(&damaged, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let clean_modified = std::fs::metadata(&clean)
        .and_then(|m| m.modified())
        .expect("mtime");
    let output = carnet()
        .args(["fix-encoding", "--write"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read(&damaged).expect("read"),
        REPAIRED_CRLF.as_bytes()
    );
    let mode = std::fs::metadata(&damaged)
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    // The clean file was not rewritten, and no temporary file was left behind.
    assert_eq!(
        std::fs::metadata(&clean)
            .and_then(|m| m.modified())
            .expect("mtime"),
        clean_modified
    );
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("damaged.md: repaired"), "{stdout}");
    // A second run finds nothing left to do.
    let again = carnet()
        .args(["fix-encoding", "--check"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(0));
}

#[test]
fn write_converts_a_legacy_file_to_utf8() {
    let tmp = site_with(&[]);
    write(
        tmp.path(),
        "legacy.md",
        b"# Titre\r\nL'\xE9quipe g\xE8re son h\xE9bergement de fa\xE7on souveraine.\r\n",
    );
    let output = carnet()
        .args(["fix-encoding", "--write"])
        .arg(tmp.path().join("legacy.md"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("windows-1252, converted to UTF-8"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("legacy.md")).expect("UTF-8 now"),
        "# Titre\r\nL'équipe gère son hébergement de façon souveraine.\r\n"
    );
}

#[test]
fn json_reports_one_object_per_file_with_every_repair() {
    let tmp = site_with(&[("a.md", "propre\n")]);
    write(tmp.path(), "b.md", DAMAGED_CRLF.as_bytes());
    let output = carnet()
        .args(["fix-encoding", "--format", "json"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[0]["needs_repair"], false);
    let b = &objects[1];
    assert!(b["file"].as_str().is_some_and(|f| f.ends_with("b.md")));
    assert_eq!(b["needs_repair"], true);
    assert_eq!(b["written"], false);
    let repairs = b["repairs"].as_array().expect("repairs");
    assert_eq!(repairs[0]["line"], 3);
    assert_eq!(repairs[0]["column"], 3);
    assert_eq!(repairs[0]["damaged"], "Ã©");
    assert_eq!(repairs[0]["repaired"], "é");
    assert!(
        repairs
            .iter()
            .any(|r| r["repaired"] == "🇫🇷" && r["line"] == 5)
    );
}

#[test]
fn an_unreadable_path_exits_two() {
    let output = carnet()
        .args(["fix-encoding", "/nonexistent/carnet/file.md"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
}
