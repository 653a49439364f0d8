//! The `carnet` binary as CI and contributors use it: exit codes, what is printed, options.

use crate::common::*;
use assert_cmd::Command;

fn carnet() -> Command {
    Command::cargo_bin("carnet").expect("binary built")
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn clean_build_exits_zero_and_says_what_it_built() {
    let tmp = copy_fixture("folder-tree");
    let output = carnet().arg("build").arg(tmp.path()).output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("built 7 pages in"), "{stderr}");
    assert!(stderr.contains("0 warnings, 0 errors"), "{stderr}");
    assert!(tmp.path().join("public/index.html").exists());
}

#[test]
fn warnings_exit_zero_and_point_at_file_line_and_column_with_the_source_line() {
    let tmp = site_with(&[
        (
            "README.md",
            "# Home\n\nSee [this](absent.md) and [that](gone.md).\n",
        ),
        ("b.md", "# B\n\n[x](nope.md)\n"),
    ]);
    let output = carnet()
        .arg("build")
        .arg(tmp.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stderr = stderr_of(&output);
    let readme_5 = stderr.find("README.md:3:5").expect("first warning located");
    let readme_27 = stderr
        .find("README.md:3:27")
        .expect("second warning located");
    let b = stderr.find("b.md:3:1").expect("other file located");
    assert!(
        readme_5 < readme_27 && readme_27 < b,
        "sorted by file then position:\n{stderr}"
    );
    assert!(
        stderr.contains("See [this](absent.md) and [that](gone.md)."),
        "excerpt:\n{stderr}"
    );
    assert!(stderr.contains("warning[broken-link]"), "{stderr}");
    assert!(
        stderr.trim_end().ends_with(&format!(
            "3 warnings, 0 errors → {}",
            tmp.path().join("public").display()
        )),
        "{stderr}"
    );
}

#[test]
fn strict_fails_on_warnings() {
    let tmp = site_with(&[("README.md", "[x](absent.md)\n")]);
    let output = carnet()
        .args(["build", "--strict"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("error[broken-link]"));
    assert!(!tmp.path().join("public").exists());
}

#[test]
fn errors_exit_one() {
    let tmp = site_with(&[("carnet.yaml", "unknown: 1\n"), ("README.md", "# Home\n")]);
    let output = carnet().arg("build").arg(tmp.path()).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("carnet.yaml:1:1"), "{stderr}");
    assert!(stderr.contains("build failed"), "{stderr}");
}

#[test]
fn quiet_prints_nothing_when_there_are_only_warnings() {
    let tmp = site_with(&[("README.md", "[x](absent.md)\n")]);
    let output = carnet()
        .args(["build", "-q"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr_of(&output), "");
}

#[test]
fn bad_usage_exits_two() {
    let tmp = site_with(&[("README.md", "# Home\n")]);
    let unknown_flag = carnet()
        .args(["build", "--nope"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(unknown_flag.status.code(), Some(2));
    let not_a_folder = carnet()
        .args(["build"])
        .arg(tmp.path().join("README.md"))
        .output()
        .expect("run");
    assert_eq!(not_a_folder.status.code(), Some(2));
    assert!(stderr_of(&not_a_folder).contains("is not a folder"));
    let bad_url = carnet()
        .args(["build", "--base-url", "docs/"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(bad_url.status.code(), Some(2));
    let no_command = carnet().output().expect("run");
    assert_eq!(no_command.status.code(), Some(2));
}

#[test]
fn output_folder_and_base_url_options() {
    let tmp = copy_fixture("folder-tree");
    let elsewhere = tempfile::tempdir().expect("tmp");
    let out = elsewhere.path().join("site");
    let output = carnet()
        .args(["build", "-o"])
        .arg(&out)
        .args(["--base-url", "https://example.org/docs"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let html = std::fs::read_to_string(out.join("b-page/index.html")).expect("page written to -o");
    assert!(html.contains(r#"<link rel="canonical" href="https://example.org/docs/b-page/">"#));
    assert!(!tmp.path().join("public").exists());
}

#[test]
fn site_defaults_to_the_current_folder() {
    let tmp = copy_fixture("folder-tree");
    let output = carnet()
        .arg("build")
        .current_dir(tmp.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(tmp.path().join("public/a-dossier/index.html").exists());
}
