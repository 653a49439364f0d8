//! Reads stay inside the site folder: every way a site's own files could make a build read
//! elsewhere (symbolic links, `../` in every path content or configuration names), each a small
//! hostile tree written by the test, beside an `outside/` folder holding a secret that must never
//! reach the output.
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use crate::common::*;
use carnet::build::{BuildReport, build};

const SECRET: &str = "TOP-SECRET-7f3a";

/// A site folder (`site/`) beside a folder it must never read (`outside/`).
struct Hostile {
    tmp: tempfile::TempDir,
}

impl Hostile {
    fn new(files: &[(&str, &str)]) -> Hostile {
        let tmp = tempfile::tempdir().expect("tmp");
        write(
            tmp.path(),
            "outside/secret.md",
            format!("# {SECRET}\n").as_bytes(),
        );
        write(tmp.path(), "outside/secret.txt", SECRET.as_bytes());
        write(tmp.path(), "outside/secret.png", SECRET.as_bytes());
        write(tmp.path(), "outside/SUMMARY.md", b"* [S](secret.md)\n");
        write(tmp.path(), "outside/templates/page.html", SECRET.as_bytes());
        write(
            tmp.path(),
            "outside/vars.yaml",
            format!("name: {SECRET}\n").as_bytes(),
        );
        for (path, contents) in files {
            write(&tmp.path().join("site"), path, contents.as_bytes());
        }
        Hostile { tmp }
    }

    fn site(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    fn outside(&self, rel: &str) -> PathBuf {
        self.tmp.path().join("outside").join(rel)
    }

    /// `site/<link>` → `target` (absolute).
    fn link(&self, link: &str, target: &Path) {
        let path = self.site().join(link);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        symlink(target, path).expect("symlink");
    }

    fn build(&self) -> BuildReport {
        build(&options(&self.site()))
    }

    fn out(&self) -> PathBuf {
        self.site().join("public")
    }

    /// No byte of the secret in anything the build wrote.
    fn assert_secret_absent(&self) {
        for (rel, bytes) in tree_files(&self.out()) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(SECRET),
                "the secret reached `{rel}`"
            );
        }
    }
}

fn codes(report: &BuildReport, code: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn a_file_linked_to_outside_is_not_published_and_named_in_a_warning() {
    let site = Hostile::new(&[("README.md", "# Home\n\n[s](secret.txt)\n")]);
    site.link("secret.txt", &site.outside("secret.txt"));
    site.link("page.md", &site.outside("secret.md"));
    let report = site.build();
    assert!(report.written, "{:?}", report.diagnostics);
    let warnings = codes(&report, "symlink-outside-site");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.contains("secret.txt")),
        "{warnings:?}"
    );
    assert!(!site.out().join("secret.txt").exists());
    assert!(!site.out().join("page").exists());
    assert_eq!(codes(&report, "broken-link").len(), 1);
    site.assert_secret_absent();
}

#[test]
fn a_folder_linked_to_outside_is_not_walked() {
    let site = Hostile::new(&[("README.md", "# Home\n")]);
    site.link("docs", &site.outside(""));
    let report = site.build();
    assert!(report.written);
    assert_eq!(codes(&report, "symlink-outside-site").len(), 1);
    assert!(!site.out().join("docs").exists());
    site.assert_secret_absent();
}

#[test]
fn links_that_stay_inside_are_followed() {
    let site = Hostile::new(&[
        ("README.md", "# Home\n\n[G](guide.md)\n"),
        ("real/guide.md", "# Guide\n\nkept\n"),
    ]);
    site.link("guide.md", &site.site().join("real/guide.md"));
    let report = site.build();
    assert!(report.written);
    assert!(codes(&report, "symlink-outside-site").is_empty());
    assert!(
        std::fs::read_to_string(site.out().join("guide/index.html"))
            .expect("linked page built")
            .contains("kept")
    );
}

#[test]
fn an_include_through_a_link_or_dots_to_outside_reads_as_missing() {
    let site = Hostile::new(&[
        (
            "README.md",
            "# Home\n\n{% include \"../outside/secret.md\" %}\n\n{% include \".gitbook/includes/x.md\" %}\n\n{% include \"hidden/.x/y.md\" %}\n",
        ),
        (".gitbook/includes/keep.md", "kept\n"),
    ]);
    site.link(".gitbook/includes/x.md", &site.outside("secret.md"));
    site.link("hidden/.x", &site.outside(""));
    let report = site.build();
    let failed = codes(&report, "include-failed");
    assert_eq!(failed.len(), 3, "{:?}", report.diagnostics);
    site.assert_secret_absent();
}

#[test]
fn images_and_file_blocks_linked_to_outside_are_missing() {
    let site = Hostile::new(&[(
        "README.md",
        "# Home\n\n![i](img.png)\n\n{% file src=\"doc.txt\" %}\n",
    )]);
    site.link("img.png", &site.outside("secret.png"));
    site.link("doc.txt", &site.outside("secret.txt"));
    let report = site.build();
    assert!(report.written);
    assert_eq!(
        codes(&report, "missing-image").len(),
        1,
        "{:?}",
        report.diagnostics
    );
    assert_eq!(
        codes(&report, "missing-file").len(),
        1,
        "{:?}",
        report.diagnostics
    );
    site.assert_secret_absent();
}

/// As a `root` that names no folder: a warning, and the folder of `.gitbook.yaml` is the
/// content root (GitBook's reading); nothing of the folder outside is read.
#[test]
fn a_gitbook_root_outside_the_site_is_read_as_a_missing_one() {
    for root in ["../outside", "./../../outside/", "linked"] {
        let site = Hostile::new(&[
            (".gitbook.yaml", &format!("root: {root}\n")),
            ("README.md", "# H\n"),
        ]);
        site.link("linked", &site.outside(""));
        let report = site.build();
        assert_eq!(
            codes(&report, "invalid-gitbook-config").len(),
            1,
            "{root}: {:?}",
            report.diagnostics
        );
        assert!(site.out().join("index.html").exists(), "{root}");
        site.assert_secret_absent();
    }
}

#[test]
fn gitbook_structure_paths_never_read_outside() {
    let site = Hostile::new(&[
        (
            ".gitbook.yaml",
            "structure:\n  readme: ../outside/secret.md\n  summary: ../outside/SUMMARY.md\n",
        ),
        ("README.md", "# Home\n"),
    ]);
    let report = site.build();
    assert!(report.written, "{:?}", report.diagnostics);
    site.assert_secret_absent();
}

#[test]
fn a_gitbook_yaml_linked_to_outside_is_warned_about_and_not_read() {
    let site = Hostile::new(&[("README.md", "# Home\n")]);
    write(
        &site.outside(""),
        "gb.yaml",
        b"redirects:\n  old: README.md\n",
    );
    site.link(".gitbook.yaml", &site.outside("gb.yaml"));
    let report = site.build();
    assert!(report.written);
    assert_eq!(codes(&report, "symlink-outside-site").len(), 1);
    assert!(
        !site.out().join("old").exists(),
        "the outside file was read"
    );
}

#[test]
fn docs_yaml_directories_outside_the_site_are_skipped() {
    let site = Hostile::new(&[
        (
            "docs.yaml",
            "site:\n  structure:\n    - type: space\n      path: a\n      content:\n        directory: ../outside\n    - type: space\n      path: b\n      content:\n        directory: linked\n    - type: space\n      path: c\n      content:\n        directory: ./kept\n",
        ),
        ("kept/README.md", "# Kept\n"),
    ]);
    site.link("linked", &site.outside(""));
    let report = site.build();
    assert!(report.written, "{:?}", report.diagnostics);
    assert_eq!(
        codes(&report, "invalid-docs-yaml").len(),
        2,
        "{:?}",
        report.diagnostics
    );
    assert!(site.out().join("c/index.html").exists());
    site.assert_secret_absent();
}

#[test]
fn carnet_yaml_content_dir_and_theme_outside_are_refused() {
    for config in [
        "content_dir: ../outside\n",
        "theme: ../../outside\n",
        "theme: linked\n",
    ] {
        let site = Hostile::new(&[("carnet.yaml", config), ("README.md", "# Home\n")]);
        site.link("themes/linked", &site.outside(""));
        let report = site.build();
        assert!(!report.written, "{config}");
        assert_eq!(
            codes(&report, "invalid-config").len(),
            1,
            "{config}: {:?}",
            report.diagnostics
        );
    }
}

#[test]
fn a_theme_templates_folder_linked_to_outside_is_not_read() {
    let site = Hostile::new(&[("README.md", "# Home\n")]);
    std::fs::create_dir_all(site.site().join("themes/default")).expect("dir");
    site.link("themes/default/templates", &site.outside("templates"));
    let report = site.build();
    assert!(report.written, "{:?}", report.diagnostics);
    site.assert_secret_absent();
}

#[test]
fn gitbook_vars_linked_to_outside_are_not_read() {
    let site = Hostile::new(&[(
        "README.md",
        "# Home\n\n<code class=\"expression\">space.vars.name</code>\n",
    )]);
    site.link(".gitbook/vars.yaml", &site.outside("vars.yaml"));
    let report = site.build();
    assert!(report.written);
    site.assert_secret_absent();
}

#[test]
fn serve_does_not_serve_a_link_to_outside_even_one_made_while_serving() {
    let site = Hostile::new(&[("README.md", "# Home\n"), ("page.md", "# Page\n\nfine\n")]);
    site.link("secret.txt", &site.outside("secret.txt"));
    let server = crate::common::server::Server::start(&site.site(), &[]);
    let (status, body) = server.get("/secret.txt");
    assert_eq!(status, 404);
    assert!(!body.contains(SECRET));
    assert!(server.page("/page/").contains("fine"));
    // A page replaced by a link to outside, as a `git checkout` does it.
    std::fs::remove_file(site.site().join("page.md")).expect("remove");
    site.link("page.md", &site.outside("secret.md"));
    server.wait_for_status("/page/", 404);
    for path in ["/", "/page/", "/secret.txt", "/search/meta.js"] {
        assert!(!server.get(path).1.contains(SECRET), "{path}");
    }
}
