//! The output manifest (`.carnet-cache/output-manifest.bin`): a build of an unchanged site
//! leaves the output folder as it is, and anything in that folder that is not what carnet put
//! there (a file edited behind its back, an extra file, a missing one, a link) is made right;
//! any change of the site gives a build without a cache's bytes; a damaged manifest is a
//! warning and a correct build.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use carnet::build::build;

use crate::build_cache::{assert_same_as_uncached, build_site};
use crate::common::*;

const SITE: &[(&str, &str)] = &[
    (
        "SUMMARY.md",
        "# Sommaire\n\n* [Accueil](README.md)\n* [Code](code.md)\n* [Image](image.md)\n",
    ),
    ("README.md", "# Accueil\n\nBienvenue au jardin.\n"),
    (
        "code.md",
        "# Code\n\n```rust\nfn main() { let x = 1; }\n```\n",
    ),
    ("image.md", "# Image\n\n![Un plan](plan.txt)\n"),
    ("plan.txt", "un plan du jardin\n"),
];

/// Every file of the output folder with its inode and change time: what a build that wrote,
/// linked or swapped anything changes.
fn identities(out: &Path) -> Vec<(String, u64, i64, i64)> {
    let mut all: Vec<_> = walkdir::WalkDir::new(out)
        .into_iter()
        .map(|entry| {
            let entry = entry.unwrap();
            let meta = entry.path().symlink_metadata().unwrap();
            let rel = entry.path().strip_prefix(out).unwrap();
            let rel = rel.to_string_lossy().into_owned();
            (rel, meta.ino(), meta.ctime(), meta.ctime_nsec())
        })
        .collect();
    all.sort();
    all
}

/// A site built twice: the second build had a manifest to go by.
fn built_twice() -> tempfile::TempDir {
    let tmp = site_with(SITE);
    build_site(tmp.path());
    build_site(tmp.path());
    assert!(
        tmp.path()
            .join(".carnet-cache/output-manifest.bin")
            .is_file()
    );
    tmp
}

#[test]
fn an_unchanged_site_leaves_the_output_folder_untouched() {
    let tmp = built_twice();
    let out = tmp.path().join("public");
    let before = identities(&out);
    assert!(before.len() > 10, "{before:?}");
    let report = build_site(tmp.path());
    assert_eq!(
        identities(&out),
        before,
        "nothing written, linked or swapped"
    );
    assert!(report.pages > 0);
    // Nothing is left beside the output either (no staging folder).
    let beside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("public") && name != "public")
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
    assert_same_as_uncached(tmp.path());
}

#[test]
fn a_file_edited_in_place_with_its_size_and_time_kept_is_written_again() {
    let tmp = built_twice();
    let page = tmp.path().join("public/code/index.html");
    let original = std::fs::read(&page).unwrap();
    let modified = std::fs::metadata(&page).unwrap().modified().unwrap();
    let edited = String::from_utf8(original.clone())
        .unwrap()
        .replacen("<body", "<bodY", 1);
    assert_eq!(edited.len(), original.len());
    assert_ne!(edited.as_bytes(), original);
    // Edited in place (same inode), its modification time put back.
    let mut file = std::fs::OpenOptions::new().write(true).open(&page).unwrap();
    std::io::Write::write_all(&mut file, edited.as_bytes()).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);
    assert_eq!(
        std::fs::metadata(&page).unwrap().len(),
        original.len() as u64
    );
    build_site(tmp.path());
    assert_eq!(std::fs::read(&page).unwrap(), original);
    assert_same_as_uncached(tmp.path());
}

#[test]
fn an_extra_file_in_the_output_folder_is_removed() {
    let tmp = built_twice();
    write(tmp.path(), "public/code/extra.html", b"not carnet's");
    std::fs::create_dir(tmp.path().join("public/empty")).unwrap();
    build_site(tmp.path());
    assert!(!tmp.path().join("public/code/extra.html").exists());
    assert!(!tmp.path().join("public/empty").exists());
    assert_same_as_uncached(tmp.path());
}

#[test]
fn a_missing_output_file_is_written() {
    let tmp = built_twice();
    std::fs::remove_file(tmp.path().join("public/robots.txt")).unwrap();
    std::fs::remove_dir_all(tmp.path().join("public/code")).unwrap();
    build_site(tmp.path());
    assert!(tmp.path().join("public/robots.txt").is_file());
    assert!(tmp.path().join("public/code/index.html").is_file());
    assert_same_as_uncached(tmp.path());
}

#[test]
fn an_output_file_replaced_by_a_link_is_neither_written_through_nor_kept() {
    let tmp = built_twice();
    let outside = tempfile::tempdir().unwrap();
    for rel in ["robots.txt", "code/index.html", "plan.txt"] {
        let path = tmp.path().join("public").join(rel);
        let bytes = std::fs::read(&path).unwrap();
        // The same bytes, outside the output: only the link differs.
        let target = outside.path().join(rel.replace('/', "-"));
        std::fs::write(&target, &bytes).unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
    }
    build_site(tmp.path());
    for rel in ["robots.txt", "code/index.html", "plan.txt"] {
        let meta = std::fs::symlink_metadata(tmp.path().join("public").join(rel)).unwrap();
        assert!(meta.file_type().is_file(), "{rel} is a plain file again");
        let target = outside.path().join(rel.replace('/', "-"));
        assert_eq!(std::fs::metadata(&target).unwrap().nlink(), 1, "{rel}");
    }
    assert_same_as_uncached(tmp.path());
}

/// Changes of the content, the configuration, the theme and an asset, each after a build that
/// recorded a manifest: the output is a build without a cache's.
#[test]
fn each_change_with_a_manifest_gives_the_bytes_of_a_build_without_cache() {
    type Edit = fn(&Path);
    let edits: &[(&str, Edit)] = &[
        ("a page's body", |site| {
            write(site, "README.md", b"# Accueil\n\nBienvenue au verger.\n")
        }),
        ("the configuration", |site| {
            write(site, "carnet.yaml", b"title: Le jardin\n")
        }),
        ("a template of the theme", mark_page_template),
        ("an asset, its length kept", |site| {
            write(site, "plan.txt", b"un plan du verger\n")
        }),
        ("a page removed", |site| {
            write(
                site,
                "SUMMARY.md",
                b"# Sommaire\n\n* [Accueil](README.md)\n* [Code](code.md)\n",
            );
            std::fs::remove_file(site.join("image.md")).unwrap();
        }),
    ];
    for (what, edit) in edits {
        let tmp = built_twice();
        let before = tree_files(&tmp.path().join("public"));
        edit(tmp.path());
        build_site(tmp.path());
        assert_ne!(before, tree_files(&tmp.path().join("public")), "{what}");
        assert_same_as_uncached(tmp.path());
    }
}

#[test]
fn a_damaged_manifest_is_a_warning_and_the_build_is_right() {
    let tmp = built_twice();
    let manifest = tmp.path().join(".carnet-cache/output-manifest.bin");
    let mut bytes = std::fs::read(&manifest).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&manifest, &bytes).unwrap();
    // And the output changed behind carnet's back, which the manifest would not show now.
    write(tmp.path(), "public/robots.txt", b"changed");
    let report = build(&options(tmp.path()));
    assert!(report.written);
    let warnings: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "cache-ignored" && d.message.contains("output-manifest.bin"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", report.diagnostics);
    assert_same_as_uncached(tmp.path());
    // Written anew: the next build has nothing to say.
    let report = build_site(tmp.path());
    assert!(
        report.diagnostics.iter().all(|d| d.code != "cache-ignored"),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn a_failed_build_leaves_the_output_and_its_manifest_as_they_were() {
    let tmp = built_twice();
    let out = tmp.path().join("public");
    let before = identities(&out);
    let files = tree_files(&out);
    // An error: the output may not be replaced.
    write(tmp.path(), "SUMMARY.md", b"# Sommaire\n\n* [Accueil](README.md)\n* [Code](code.md)\n* [Image](image.md)\n* [Manque](manque.md)\n");
    let mut opts = options(tmp.path());
    opts.strict = true;
    let report = build(&opts);
    assert!(!report.written, "{:?}", report.diagnostics);
    assert_eq!(identities(&out), before);
    assert_eq!(tree_files(&out), files);
    // The manifest still vouches for that output: the site put back, nothing is written.
    write(tmp.path(), "SUMMARY.md", SITE[0].1.as_bytes());
    build_site(tmp.path());
    assert_eq!(identities(&out), before);
}
