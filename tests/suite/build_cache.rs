//! The build cache (`.carnet-cache/`): a second build takes unchanged pages from it, and its
//! output is the output of a build without it, whatever changed in between (an include, the
//! language, a theme, a code block's language) and whatever state the cache is in (damaged,
//! truncated, written by another carnet).

use std::path::Path;

use carnet::build::{BuildReport, build};

use crate::common::*;

pub(super) fn build_site(site: &Path) -> BuildReport {
    let report = build(&options(site));
    assert!(
        report.written,
        "the build failed: {}",
        list(&report.diagnostics.iter().collect::<Vec<_>>())
    );
    report
}

/// The warnings of `report` saying the cache (or part of it) was not used.
pub(super) fn cache_warnings(report: &BuildReport) -> Vec<&carnet::diagnostic::Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == "cache-ignored")
        .collect()
}

/// What a build of `site` without any cache writes (the site is copied, its cache left out).
fn uncached_output(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().expect("temp dir");
    copy_tree(site, copy.path());
    let _ = std::fs::remove_dir_all(copy.path().join(".carnet-cache"));
    let _ = std::fs::remove_dir_all(copy.path().join("public"));
    let mut opts = options(copy.path());
    opts.overrides.no_cache = true;
    let report = build(&opts);
    assert!(report.written);
    assert!(
        !copy.path().join(".carnet-cache").exists(),
        "--no-cache writes no cache"
    );
    tree_files(&copy.path().join("public"))
}

pub(super) fn assert_same_as_uncached(site: &Path) {
    let cached = tree_files(&site.join("public"));
    let fresh = uncached_output(site);
    let differ: Vec<&String> = fresh
        .iter()
        .filter(|(path, bytes)| cached.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .chain(cached.keys().filter(|path| !fresh.contains_key(*path)))
        .collect();
    assert!(differ.is_empty(), "stale output from the cache: {differ:?}");
}

const SITE: &[(&str, &str)] = &[
    (
        "SUMMARY.md",
        "# Sommaire\n\n* [Accueil](README.md)\n* [Code](code.md)\n* [Inclus](inclus.md)\n",
    ),
    (
        "README.md",
        "# Accueil\n\n{% hint style=\"warning\" %}\nAttention.\n{% endhint %}\n",
    ),
    (
        "code.md",
        "# Code\n\n```rust\nfn main() { let x = 1; }\n```\n",
    ),
    (
        "inclus.md",
        "# Inclus\n\n{% include \".gitbook/includes/morceau.md\" %}\n",
    ),
    (
        ".gitbook/includes/morceau.md",
        "Texte inclus, version une.\n",
    ),
];

#[test]
fn a_second_build_writes_what_the_first_wrote_and_keeps_the_cache_out_of_the_site() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    build_site(site);
    let first = tree_files(&site.join("public"));
    assert!(site.join(".carnet-cache/fragments.bin").is_file());
    assert!(site.join(".carnet-cache/blocks.bin").is_file());
    build_site(site);
    assert_eq!(first, tree_files(&site.join("public")));
    assert!(first.keys().all(|path| !path.contains("carnet-cache")));
    assert_same_as_uncached(site);
}

#[test]
fn an_include_changed_since_the_cache_was_written_is_read_again() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    build_site(site);
    write(
        site,
        ".gitbook/includes/morceau.md",
        b"Texte inclus, version deux.\n",
    );
    build_site(site);
    let built = std::fs::read_to_string(site.join("public/inclus/index.html")).unwrap();
    assert!(built.contains("version deux"), "{built}");
    assert_same_as_uncached(site);
    // And an include that disappears.
    std::fs::remove_file(site.join(".gitbook/includes/morceau.md")).unwrap();
    let report = build(&options(site));
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "include-not-found" || d.message.contains("morceau.md")),
        "the missing include is reported again: {:?}",
        report.diagnostics
    );
}

/// The search index of a warm build is made from each page's words as its cached entry holds
/// them: stemmed in the language of this build, with the titles of this build, and the words of
/// includes as they read now. Each change below would leave stale terms if the cache held
/// terms rather than words, or held words of the title or of an include read before.
#[test]
fn search_terms_from_the_cache_follow_language_titles_and_includes() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    write(site, "carnet.yaml", b"language: fr\n");
    build_site(site);
    write(site, "carnet.yaml", b"language: en\n");
    write(
        site,
        "SUMMARY.md",
        b"# Sommaire\n\n* [Accueil](README.md)\n* [Programmes zebulons](code.md)\n* [Inclus](inclus.md)\n",
    );
    write(site, "code.md", b"---\ndescription: Gardens of hibiscuses\n---\n\n# Code\n\n```rust\nfn main() { let x = 1; }\n```\n");
    write(
        site,
        ".gitbook/includes/morceau.md",
        b"Texte inclus, version capybaras.\n",
    );
    build_site(site);
    let shards: String = tree_files(&site.join("public/search"))
        .into_iter()
        .filter(|(path, _)| path.starts_with("t/"))
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    // English stems: `capybara`, `hibiscus`.
    for term in ["\"capybara\"", "\"hibiscus\""] {
        assert!(shards.contains(term), "{term} not in the shards: {shards}");
    }
    assert_same_as_uncached(site);
}

#[test]
fn a_language_change_renders_the_pages_again() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    write(site, "carnet.yaml", b"language: fr\n");
    build_site(site);
    let before = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(before.contains("Avertissement"));
    write(site, "carnet.yaml", b"language: en\n");
    build_site(site);
    let after = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(after.contains("aria-label=\"Warning\""), "{after}");
    assert_same_as_uncached(site);
}

#[test]
fn a_theme_change_and_a_code_language_change_show_at_once() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    build_site(site);
    write(
        site,
        "themes/default/templates/404.html",
        b"{% extends \"base.html\" %}{% block main %}<h1>Introuvable ici</h1>{% endblock main %}",
    );
    // The same code, another language: the same block highlighted otherwise.
    write(
        site,
        "code.md",
        b"# Code\n\n```python\nfn main() { let x = 1; }\n```\n",
    );
    build_site(site);
    assert!(
        std::fs::read_to_string(site.join("public/404.html"))
            .unwrap()
            .contains("Introuvable ici")
    );
    let code = std::fs::read_to_string(site.join("public/code/index.html")).unwrap();
    assert!(code.contains("language-python"), "{code}");
    assert_same_as_uncached(site);
}

/// Each way a cache file can be bad: the build uses none of what is damaged (a damaged header
/// or index: none of the file; a damaged entry: not that entry) and warns, unless the file is
/// merely another carnet's; it writes what a build without a cache writes, and leaves a good
/// cache for the next build.
/// A page the cache knows as clean text (its bytes decode to themselves with nothing to
/// report) is taken without decoding; once its bytes change, it is decoded again: a byte order
/// mark, Windows line endings and mojibake are seen to and reported as without the cache.
#[test]
fn a_source_known_clean_that_changes_is_decoded_and_reported_again() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    build_site(site);
    build_site(site);
    let damaged = "\u{feff}# Accueil\r\n\r\nL\u{c3}\u{a9}t\u{c3}\u{a9} est chaud, d\u{c3}\u{a9}j\u{c3}\u{a0}.\r\n";
    write(site, "README.md", damaged.as_bytes());
    let report = build_site(site);
    assert!(
        report.diagnostics.iter().any(|d| d.code == "mojibake"),
        "{}",
        list(&report.diagnostics.iter().collect::<Vec<_>>())
    );
    let page = std::fs::read_to_string(site.join("public/index.html")).expect("the page");
    assert!(
        page.contains("L\u{e9}t\u{e9} est chaud"),
        "repaired: {page}"
    );
    assert_same_as_uncached(site);
}

#[test]
fn a_damaged_truncated_or_foreign_cache_is_ignored_with_a_warning() {
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 5] = [
        ("garbage", |bytes| *bytes = b"not a cache at all".to_vec()),
        ("truncated", |bytes| bytes.truncate(bytes.len() / 2)),
        ("a flipped byte", |bytes| {
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x20;
        }),
        ("another carnet's", |bytes| {
            // Another writer identity, with a checksum that holds.
            bytes[8] ^= 1;
            let body = bytes.len() - 32;
            let checksum = *blake3::hash(&bytes[..body]).as_bytes();
            bytes[body..].copy_from_slice(&checksum);
        }),
        // The file format's version is the magic's last byte (`CARNETC2`).
        ("an older carnet's format", |bytes| bytes[7] = b'1'),
    ];
    for (what, damage) in damages {
        let tmp = site_with(SITE);
        let site = tmp.path();
        build_site(site);
        // The page's body changes and the damaged cache would say the opposite if trusted.
        let path = site.join(".carnet-cache/fragments.bin");
        let mut bytes = std::fs::read(&path).unwrap();
        damage(&mut bytes);
        std::fs::write(&path, &bytes).unwrap();
        let report = build_site(site);
        let warned = cache_warnings(&report);
        if what.contains("carnet's") {
            // Expected after every upgrade: replaced silently (a warning would fail every
            // `--strict` build restoring an older version's cache in CI).
            assert!(warned.is_empty(), "{what}: {:?}", report.diagnostics);
        } else {
            assert_eq!(warned.len(), 1, "{what}: {:?}", report.diagnostics);
            assert!(
                warned[0].message.contains("fragments.bin"),
                "{}",
                warned[0].message
            );
        }
        assert_same_as_uncached(site);
        let again = build_site(site);
        assert!(
            again.diagnostics.iter().all(|d| d.code != "cache-ignored"),
            "{what}: the cache was rewritten whole"
        );
    }
}

/// A page entry of `fragments.bin` whose checksums all hold but whose packed texts do not
/// unpack (a byte of the LZ4 stream's literals made invalid UTF-8, the entry's CRC-32 and the
/// file's footer computed again): what only a hand-made cache file holds.
fn damage_packed_texts(path: &Path, word: &[u8]) {
    let mut bytes = std::fs::read(path).unwrap();
    let read_u64 = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let read_u32 = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    // The page's texts are packed last in its entry: the word's last occurrence is in them.
    let at = bytes
        .windows(word.len())
        .rposition(|w| w == word)
        .expect("the word is in the cache");
    bytes[at] = 0xFF;
    let (header, body) = (8 + 32, bytes.len() - 32);
    let index_at = read_u64(&bytes, body - 8) as usize;
    let count = read_u64(&bytes, index_at) as usize;
    let entry = (0..count)
        .map(|i| index_at + 8 + i * 52)
        .find(|&entry| {
            let offset = read_u64(&bytes, entry + 36) as usize;
            (offset..offset + read_u32(&bytes, entry + 44) as usize).contains(&at)
        })
        .expect("the word is in an entry");
    let (offset, len) = (
        read_u64(&bytes, entry + 36) as usize,
        read_u32(&bytes, entry + 44) as usize,
    );
    let crc = crc32fast::hash(&bytes[offset..offset + len]);
    bytes[entry + 48..entry + 52].copy_from_slice(&crc.to_le_bytes());
    let mut hasher = blake3::Hasher::new();
    hasher.update(&bytes[..header]);
    hasher.update(&bytes[index_at..body]);
    let footer = *hasher.finalize().as_bytes();
    bytes[body..].copy_from_slice(&footer);
    std::fs::write(path, &bytes).unwrap();
}

#[test]
fn an_entry_that_passes_its_checksum_but_does_not_unpack_is_a_warning_and_a_right_build() {
    let tmp = site_with(&[
        ("SUMMARY.md", "# Sommaire\n\n* [Accueil](README.md)\n"),
        (
            "README.md",
            "# Accueil\n\nUn paragraphe singulier avec Zanzibarique dedans.\n",
        ),
    ]);
    let site = tmp.path();
    build_site(site);
    damage_packed_texts(&site.join(".carnet-cache/fragments.bin"), b"Zanzibarique");
    std::fs::remove_dir_all(site.join("public")).unwrap();
    let report = build_site(site);
    let warned = cache_warnings(&report);
    assert_eq!(warned.len(), 1, "{:?}", report.diagnostics);
    assert!(warned[0].message.contains("did not unpack"), "{warned:?}");
    // The phases of the attempt that stopped are not reported with the second's.
    let loads = report.phases.iter().filter(|(name, _)| *name == "load");
    assert_eq!(loads.count(), 1, "{:?}", report.phases);
    assert!(
        report.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        report.diagnostics
    );
    assert_same_as_uncached(site);
    let again = build_site(site);
    assert!(
        again.diagnostics.iter().all(|d| d.code != "cache-ignored"),
        "the cache was written anew: {:?}",
        again.diagnostics
    );
    assert_same_as_uncached(site);
}

#[test]
fn no_cache_and_cache_false_leave_no_cache_folder() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    let mut opts = options(site);
    opts.overrides.no_cache = true;
    assert!(build(&opts).written);
    assert!(!site.join(".carnet-cache").exists());
    write(site, "carnet.yaml", b"cache: false\n");
    assert!(build(&options(site)).written);
    assert!(!site.join(".carnet-cache").exists());
    write(
        site,
        "carnet.yaml",
        b"cache:\n  dir: build-cache\n  max_size_mb: 10\n",
    );
    assert!(build(&options(site)).written);
    assert!(site.join("build-cache/fragments.bin").is_file());
}

#[test]
fn an_output_folder_overlapping_the_cache_is_refused() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    write(site, "carnet.yaml", b"cache:\n  dir: public/cache\n");
    let report = build(&options(site));
    assert!(!report.written);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "invalid-output"),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn a_cache_folder_outside_the_site_is_refused_and_nothing_is_written_there() {
    let tmp = site_with(SITE);
    let site = tmp.path();
    let outside = tempfile::tempdir().expect("tmp");
    let dir = outside.path().join("cache");
    write(
        site,
        "carnet.yaml",
        format!("cache:\n  dir: {}\n", dir.display()).as_bytes(),
    );
    let report = build(&options(site));
    assert!(!report.written);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "invalid-config" && d.message.contains("cache.dir")),
        "{:?}",
        report.diagnostics
    );
    assert!(!dir.exists(), "the cache was written outside the site");
}
