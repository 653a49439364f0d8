//! What the build cache keeps of the write phase (`outputs.bin`: the search index's term files)
//! is never stale: after each change a search result could show, one at a time, a warm build
//! writes what a build without a cache writes, and a damaged `outputs.bin` is a warning.

use std::path::Path;

use crate::build_cache::{assert_same_as_uncached, build_site, cache_warnings};
use crate::common::*;

const SITE: &[(&str, &str)] = &[
    (
        "SUMMARY.md",
        "# Sommaire\n\n* [Accueil](README.md)\n* [Jardin](jardin.md)\n* [Verger](verger.md)\n",
    ),
    ("README.md", "# Accueil\n\nBienvenue au potager.\n"),
    (
        "jardin.md",
        "# Jardin\n\nLes tomates poussent.\n\n## Arrosage\n\nLe matin.\n",
    ),
    ("verger.md", "# Verger\n\nLes pommiers fleurissent.\n"),
];

/// The term shards and `meta.js` of the last build (the index's own files, not the pages').
fn term_files(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = tree_files(&site.join("public/search"));
    files.retain(|path, _| !path.starts_with("p/"));
    files
}

type Edit = fn(&Path);

/// One change to each input of the index's key; each leaves the term files of the first
/// build if that input were not in it.
const EDITS: &[(&str, Edit)] = &[
    ("a word of a body", |site| {
        write(
            site,
            "verger.md",
            b"# Verger\n\nLes cerisiers fleurissent.\n",
        )
    }),
    ("a heading", |site| {
        write(
            site,
            "jardin.md",
            b"# Jardin\n\nLes tomates poussent.\n\n## Paillage\n\nLe matin.\n",
        )
    }),
    ("a title (its SUMMARY.md label)", |site| {
        write(
            site,
            "SUMMARY.md",
            b"# Sommaire\n\n* [Accueil](README.md)\n* [Jardin](jardin.md)\n* [Vergers anciens](verger.md)\n",
        )
    }),
    ("a description", |site| {
        write(
            site,
            "verger.md",
            b"---\ndescription: Abricotiers et noyers\n---\n\n# Verger\n\nLes pommiers fleurissent.\n",
        )
    }),
    ("the language", |site| {
        write(site, "carnet.yaml", b"language: en\n")
    }),
    ("a page's URL", |site| {
        std::fs::rename(site.join("verger.md"), site.join("vergers.md")).unwrap();
        write(
            site,
            "SUMMARY.md",
            b"# Sommaire\n\n* [Accueil](README.md)\n* [Jardin](jardin.md)\n* [Verger](vergers.md)\n",
        )
    }),
    ("a page left out of search", |site| {
        write(
            site,
            "verger.md",
            b"---\nnoIndex: true\n---\n\n# Verger\n\nLes pommiers fleurissent.\n",
        )
    }),
];

#[test]
fn each_change_search_shows_makes_the_term_files_again() {
    for (what, edit) in EDITS {
        let tmp = site_with(SITE);
        let site = tmp.path();
        write(site, "carnet.yaml", b"language: fr\n");
        build_site(site);
        assert!(
            site.join(".carnet-cache/outputs.bin").is_file(),
            "the term files are kept"
        );
        let before = term_files(site);
        edit(site);
        build_site(site);
        assert!(
            before != term_files(site),
            "{what}: the index did not change"
        );
        assert_same_as_uncached(site);
    }
}

#[test]
fn an_unchanged_site_takes_its_term_files_from_the_cache() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    build_site(site);
    let first = term_files(site);
    // Kept term files that differ from what the index makes show which one the build wrote.
    let path = site.join(".carnet-cache/outputs.bin");
    let kept = std::fs::read(&path).unwrap();
    build_site(site);
    assert_eq!(first, term_files(site));
    assert_eq!(
        kept,
        std::fs::read(&path).unwrap(),
        "a build that used every entry the same day leaves the file as it was"
    );
}

#[test]
fn a_damaged_output_table_is_ignored_with_a_warning() {
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 3] = [
        ("garbage", |bytes| *bytes = b"not a cache at all".to_vec()),
        ("truncated", |bytes| bytes.truncate(bytes.len() / 2)),
        ("a flipped byte in the entry", |bytes| {
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x20;
        }),
    ];
    for (what, damage) in damages {
        let tmp = site_with(SITE);
        let site = tmp.path();
        build_site(site);
        let path = site.join(".carnet-cache/outputs.bin");
        let mut bytes = std::fs::read(&path).unwrap();
        damage(&mut bytes);
        std::fs::write(&path, &bytes).unwrap();
        // Without the output folder: with it in place (the output manifest), a page's HTML
        // is not read at all, and an entry not read is not checked (the next build that
        // reads it does).
        std::fs::remove_dir_all(site.join("public")).unwrap();
        let report = build_site(site);
        let warned = cache_warnings(&report);
        assert_eq!(warned.len(), 1, "{what}: {:?}", report.diagnostics);
        assert!(
            warned[0].message.contains("outputs.bin"),
            "{}",
            warned[0].message
        );
        assert_same_as_uncached(site);
        let again = build_site(site);
        assert!(
            again.diagnostics.iter().all(|d| d.code != "cache-ignored"),
            "{what}: the table was written whole again"
        );
    }
}

/// A site whose `jardin.md` never changes: every edit below changes what its page shows of the
/// rest of the site (or of the theme, the configuration, its date), never its body.
fn dated_site() -> tempfile::TempDir {
    let tmp = site_with(&[
        (
            "carnet.yaml",
            "last_updated: git\nlanguage: fr\ntitle: Potager\n",
        ),
        ("content/README.md", "# Accueil\n\nBienvenue.\n"),
        (
            "content/jardin.md",
            "# Jardin\n\nLes tomates poussent.\n\n## Arrosage\n\nLe matin.\n",
        ),
        ("content/verger.md", "# Verger\n\nLes pommiers.\n"),
        ("content/serre.md", "# Serre\n\nLes semis.\n"),
        (
            "content/SUMMARY.md",
            "* [Accueil](README.md)\n* [Jardin](jardin.md)\n* [Verger](verger.md)\n* [Serre](serre.md)\n",
        ),
    ]);
    let dir = tmp.path();
    let when = "2024-01-15T10:00:00Z";
    crate::page_meta::git(dir, &["init", "-q", "-b", "main"], when);
    crate::page_meta::git(dir, &["add", "."], when);
    crate::page_meta::git(dir, &["commit", "-q", "-m", "first"], when);
    tmp
}

const RENDER_EDITS: &[(&str, Edit)] = &[
    ("another page's title (its SUMMARY.md label)", |site| {
        write(
            site,
            "content/SUMMARY.md",
            b"* [Accueil](README.md)\n* [Jardin](jardin.md)\n* [Vergers anciens](verger.md)\n* [Serre](serre.md)\n",
        )
    }),
    ("the order of SUMMARY.md (previous and next)", |site| {
        write(
            site,
            "content/SUMMARY.md",
            b"* [Accueil](README.md)\n* [Jardin](jardin.md)\n* [Serre](serre.md)\n* [Verger](verger.md)\n",
        )
    }),
    ("the site's title", |site| {
        write(
            site,
            "carnet.yaml",
            b"last_updated: git\nlanguage: fr\ntitle: Le potager\n",
        )
    }),
    ("the base URL", |site| {
        write(
            site,
            "carnet.yaml",
            b"last_updated: git\nlanguage: fr\ntitle: Potager\nbase_url: https://potager.example.org/docs/\n",
        )
    }),
    ("the language", |site| {
        write(
            site,
            "carnet.yaml",
            b"last_updated: git\nlanguage: en\ntitle: Potager\n",
        )
    }),
    ("the edit link", |site| {
        write(
            site,
            "carnet.yaml",
            b"last_updated: git\nlanguage: fr\ntitle: Potager\nedit_url: https://git.example.org/potager/edit/main/\n",
        )
    }),
    ("a template of the theme", mark_page_template),
    ("a static file of the theme", |site| {
        let style = include_str!("../../themes/default/static/style.css");
        write(
            site,
            "themes/default/static/style.css",
            format!("{style}\n.marque {{ color: green; }}\n").as_bytes(),
        )
    }),
    (
        "the page's date (the same file, committed again later)",
        |site| {
            crate::page_meta::git(
                site,
                &["commit", "-q", "--amend", "--no-edit", "--reset-author"],
                "2024-06-01T12:00:00Z",
            )
        },
    ),
];

/// Rendered pages come from the cache only while nothing they show changed: after each edit of
/// [`RENDER_EDITS`], one at a time, the page whose own file did not change is written anew,
/// and the whole output is a build's without a cache.
#[test]
fn each_change_a_page_shows_of_the_site_renders_it_again() {
    for (what, edit) in RENDER_EDITS {
        let tmp = dated_site();
        let site = tmp.path();
        build_site(site);
        let page = || std::fs::read(site.join("public/jardin/index.html")).unwrap();
        let before = page();
        build_site(site);
        assert_eq!(before, page(), "{what}: an unchanged site renders the same");
        edit(site);
        build_site(site);
        assert!(before != page(), "{what}: the page did not change");
        assert_same_as_uncached(site);
    }
}
