//! Writes and deletions stay inside the output folder: output paths that content derives
//! (redirect keys, space paths) in every escaping form, `-o` at each folder the build reads, a
//! folder carnet did not write, an output folder that is a link, what killed runs leave.

use std::path::{Path, PathBuf};

use crate::common::*;
use carnet::build::build;
use carnet::output::MARKER;

/// Everything under `dir` but `skip` (path → a hash of its bytes), to show nothing else changed.
fn everything_but(dir: &Path, skip: &[&Path]) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skip.iter().any(|s| e.path().starts_with(s)))
        .flatten()
        .map(|e| {
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap_or_default()
            } else {
                Vec::new()
            };
            (
                e.path().to_path_buf(),
                blake3::hash(&bytes).to_hex()[..12].to_string(),
            )
        })
        .collect()
}

#[test]
fn redirect_keys_that_escape_the_output_are_ignored_with_a_warning() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("a/b/site");
    write(
        &site,
        ".gitbook.yaml",
        b"redirects:\n  ../../../escaped-1: README.md\n  '%2e%2e/%2e%2e/%2e%2e/escaped-2': README.md\n  '..\\..\\..\\escaped-3': README.md\n  a/../../../../escaped-4: README.md\n  /absolute/kept: README.md\n  C:\\escaped-5: README.md\n",
    );
    write(&site, "README.md", b"# Home\n");
    let before = everything_but(tmp.path(), &[&site]);
    let report = build(&options(&site));
    assert!(report.written, "{:?}", report.diagnostics);
    let ignored: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "redirect")
        .collect();
    assert_eq!(ignored.len(), 5, "{:?}", report.diagnostics);
    assert!(
        ignored
            .iter()
            .all(|d| d.location.as_ref().is_some_and(|l| l.line > 1))
    );
    assert_eq!(
        everything_but(tmp.path(), &[&site]),
        before,
        "written outside"
    );
    assert!(site.join("public/absolute/kept/index.html").exists());
    let redirects = std::fs::read_to_string(site.join("public/_redirects")).expect("_redirects");
    assert!(!redirects.contains(".."), "{redirects}");
}

#[test]
fn a_docs_yaml_space_path_that_escapes_is_an_error_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("a/site");
    write(
        &site,
        "docs.yaml",
        b"site:\n  structure:\n    - type: space\n      path: ../../../escaped\n      content:\n        directory: ./guide\n",
    );
    write(&site, "guide/README.md", b"# Guide\n");
    let before = everything_but(tmp.path(), &[&site]);
    let report = build(&options(&site));
    assert!(!report.written);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "invalid-docs-yaml" && d.is_error())
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", report.diagnostics);
    assert_eq!(
        everything_but(tmp.path(), &[&site]),
        before,
        "written outside"
    );
}

/// `carnet build -o OUT`: its exit status, after checking nothing in the site changed (but the
/// build cache, carnet's other place to write, see SECURITY.md).
fn build_into(site: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let skip = [
        site.join("public"),
        site.join(carnet::config::CACHE_DIR),
        out.to_path_buf(),
    ];
    let skip: Vec<&Path> = skip.iter().map(PathBuf::as_path).collect();
    let before = everything_but(site, &skip);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("build")
        .arg(site)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .expect("run carnet");
    assert_eq!(
        everything_but(site, &skip),
        before,
        "the sources changed (-o {})",
        out.display()
    );
    output
}

#[test]
fn an_output_folder_at_or_around_what_the_build_reads_is_refused_with_status_2() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    for (path, contents) in [
        ("content/README.md", "# Home\n"),
        ("content/guide/page.md", "# Page\n"),
        ("content/.gitbook/assets/a.png", "png"),
        ("themes/mine/static/x.css", "x"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("carnet.yaml", "theme: mine\n"),
    ] {
        write(&site, path, contents.as_bytes());
    }
    for out in [
        site.clone(),
        tmp.path().to_path_buf(),
        site.join("content"),
        site.join("content/guide"),
        site.join("content/guide/out"),
        site.join("content/.gitbook"),
        site.join("content/.gitbook/out"),
        site.join("themes"),
        site.join("themes/mine/out"),
        site.join(".git"),
        site.join(".git/out"),
        site.join("content/../content/guide"),
    ] {
        let output = build_into(&site, &out, &[]);
        assert_eq!(output.status.code(), Some(2), "-o {}", out.display());
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("invalid-output"),
            "-o {}",
            out.display()
        );
    }
    // A folder the build never reads is fine, in the site or in the content folder.
    for out in [
        site.join("public"),
        site.join("content/public"),
        site.join("out"),
    ] {
        let output = build_into(&site, &out, &[]);
        assert_eq!(output.status.code(), Some(0), "-o {}", out.display());
    }
}

#[test]
fn a_folder_carnet_did_not_write_is_replaced_only_with_force() {
    let site = site_with(&[("README.md", "# Home\n")]);
    let elsewhere = tempfile::tempdir().expect("tmp");
    let out = elsewhere.path().join("docs");
    write(&out, "thesis.tex", b"years of work");
    let refused = build_into(site.path(), &out, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(
        std::fs::read(out.join("thesis.tex")).expect("kept"),
        b"years of work"
    );
    let forced = build_into(site.path(), &out, &["--force"]);
    assert_eq!(forced.status.code(), Some(0));
    assert!(out.join(MARKER).is_file() && out.join("index.html").is_file());
    // Marked now: the next build replaces it without being asked.
    let again = build_into(site.path(), &out, &[]);
    assert_eq!(again.status.code(), Some(0));
    // An empty folder is fine too.
    let empty = elsewhere.path().join("empty");
    std::fs::create_dir(&empty).expect("dir");
    assert_eq!(build_into(site.path(), &empty, &[]).status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_link_is_built_into_its_target() {
    let site = site_with(&[("README.md", "# Home\n")]);
    let elsewhere = tempfile::tempdir().expect("tmp");
    let target = elsewhere.path().join("www/site");
    std::fs::create_dir_all(&target).expect("dir");
    write(elsewhere.path(), "www/neighbour.txt", b"keep me");
    let link = site.path().join("public");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    for _ in 0..2 {
        let report = build(&options(site.path()));
        assert!(report.written, "{:?}", report.diagnostics);
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert!(target.join("index.html").is_file());
        assert_eq!(
            std::fs::read(elsewhere.path().join("www/neighbour.txt")).expect("neighbour"),
            b"keep me"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(elsewhere.path().join("www"))
        .expect("www")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn the_staging_folders_of_killed_builds_are_removed_by_the_next_build() {
    let site = site_with(&[("README.md", "# Home\n")]);
    // What `kill -9` in the middle of a build leaves: its staging folders, full and unlocked.
    for n in 0..10 {
        write(
            site.path(),
            &format!(".public.carnet-tmp-killed{n}/guide/index.html"),
            b"half a site",
        );
    }
    write(
        site.path(),
        ".public.carnet-tmp-killed0.old/index.html",
        b"old",
    );
    write(site.path(), ".other.carnet-tmp-x/kept", b"not ours");
    let report = build(&options(site.path()));
    assert!(report.written);
    let names: Vec<String> = std::fs::read_dir(site.path())
        .expect("site")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("carnet-tmp"))
        .collect();
    assert_eq!(names, [".other.carnet-tmp-x"]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_build_killed_for_real_leaves_the_output_and_the_next_cleans_up() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path();
    write(site, "README.md", b"# Home\n");
    for i in 0..200 {
        let body = "Du texte, encore du texte. ".repeat(200);
        write(
            site,
            &format!("p{i}.md"),
            format!("# Page {i}\n\n{body}\n").as_bytes(),
        );
    }
    assert!(build(&options(site)).written);
    let index = std::fs::read(site.join("public/index.html")).expect("index");
    // Killed as soon as its staging folder appears (the build cache is left out, as it would
    // make each build after the first mostly reading the cache). Watching for the folder rather
    // than sleeping a fraction of a build's time: how long loading takes against writing varies
    // with the machine's load, and a kill timed by fractions missed the staging stretch.
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_carnet"))
            .arg("build")
            .arg("--no-cache")
            .arg(site)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("carnet build")
    };
    let staging_folders = || {
        std::fs::read_dir(site)
            .expect("site")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".carnet-tmp-"))
            .count()
    };
    let mut left = 0;
    for _ in 0..10 {
        let mut child = spawn();
        loop {
            if staging_folders() >= 1 {
                let _ = child.kill();
                break;
            }
            if child.try_wait().expect("build status").is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        let _ = child.wait();
        assert_eq!(
            std::fs::read(site.join("public/index.html")).expect("previous output intact"),
            index
        );
        left = staging_folders();
        if left >= 1 {
            break;
        }
    }
    assert!(left >= 1, "no kill landed during a build");
    assert!(build(&options(site)).written);
    let leftovers: Vec<_> = std::fs::read_dir(site)
        .expect("site")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".carnet-tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn fix_encoding_write_removes_what_a_killed_write_left() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "docs/a.md", "# Caf\u{c3}\u{a9}\n".as_bytes());
    write(tmp.path(), "docs/.a.md.carnet-tmp-killed", b"half");
    write(tmp.path(), "docs/.b.md.carnet-tmp-other", b"not a.md's");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["fix-encoding", "--write"])
        .arg(tmp.path().join("docs"))
        .output()
        .expect("run");
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    assert!(!tmp.path().join("docs/.a.md.carnet-tmp-killed").exists());
    assert!(tmp.path().join("docs/.b.md.carnet-tmp-other").exists());
    let names: Vec<_> = std::fs::read_dir(tmp.path().join("docs"))
        .expect("docs")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn carnet_yaml_may_not_send_the_output_outside_the_site() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    write(&site, "README.md", b"# Home\n");
    for out in ["../elsewhere", "/tmp/carnet-escaped-output", "out/../../x"] {
        write(
            &site,
            "carnet.yaml",
            format!("output_dir: {out}\n").as_bytes(),
        );
        let report = build(&options(&site));
        assert!(!report.written, "{out}");
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.code == "invalid-config"),
            "{out}: {:?}",
            report.diagnostics
        );
    }
    assert_eq!(
        std::fs::read_dir(tmp.path()).expect("tmp").count(),
        1,
        "only the site"
    );
    assert!(!Path::new("/tmp/carnet-escaped-output").exists());
    write(&site, "carnet.yaml", b"output_dir: public/site\n");
    assert!(build(&options(&site)).written);
    assert!(site.join("public/site/index.html").exists());
}
