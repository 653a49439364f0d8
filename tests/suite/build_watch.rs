//! `carnet build --watch` as CI-minded contributors use it: the real binary, files changed on
//! disk, and the output folder compared with a clean build after every kind of change; files
//! a change does not touch are not written again.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::common::*;

/// A running `carnet build --watch`; killed when dropped.
struct Watching {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Watching {
    fn start(site: &Path) -> Watching {
        Watching::start_with(site, &[])
    }

    fn start_with(site: &Path, extra: &[&str]) -> Watching {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(["build", "--watch", "-q", "--debounce", "30"])
            .args(extra)
            .arg(site)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("carnet build --watch starts");
        let stdout = child.stdout.take().expect("stdout");
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                lines.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            }
        });
        let watching = Watching { child, log };
        watching.wait_for_line(|l| l.starts_with("watching "));
        watching
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn wait_for_line(&self, found: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.log().iter().any(|l| found(l)) {
            assert!(Instant::now() < deadline, "log: {:?}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the output folder holds exactly what a clean build of the site writes.
fn wait_for_clean_build_output(site: &Path, watching: &Watching) {
    let expected = clean_build_files(site);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mut actual = tree_files(&site.join("public"));
        let marked = actual.remove(carnet::output::MARKER).is_some();
        if marked && actual == expected {
            return;
        }
        if Instant::now() > deadline {
            panic!(
                "the output differs from a clean build: {}\nlog: {:?}",
                differences(&actual, &expected),
                watching.log()
            );
        }
        std::thread::sleep(Duration::from_millis(40));
    }
}

fn differences(actual: &BTreeMap<String, Vec<u8>>, expected: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = Vec::new();
    for (path, bytes) in expected {
        match actual.get(path) {
            None => out.push(format!("missing {path}")),
            Some(b) if b != bytes => out.push(format!("differs {path}")),
            _ => {}
        }
    }
    for path in actual.keys().filter(|p| !expected.contains_key(*p)) {
        out.push(format!("extra {path}"));
    }
    out.join(", ")
}

/// A body edit of the fixture's mail guide.
fn edit_body(site: &Path) {
    let page = site.join("guides/messagerie.md");
    let text = std::fs::read_to_string(&page).unwrap_or_default();
    std::fs::write(
        &page,
        text.replace("Délivrabilité", "Délivrabilité des courriels"),
    )
    .ok();
}

fn modified_times(dir: &Path) -> BTreeMap<String, SystemTime> {
    tree_files(dir)
        .into_keys()
        .filter_map(|rel| {
            let time = std::fs::metadata(dir.join(&rel)).ok()?.modified().ok()?;
            Some((rel, time))
        })
        .collect()
}

#[test]
fn the_output_equals_a_clean_build_after_every_kind_of_change() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let watching = Watching::start(site);
    wait_for_clean_build_output(site, &watching);

    edit_body(site);
    wait_for_clean_build_output(site, &watching);

    // An include: added to a page, then changed on its own (the page must follow).
    write(
        site,
        ".gitbook/includes/note.md",
        "Note incluse, version une.\n".as_bytes(),
    );
    let page = site.join("guides/hebergement.md");
    let text = std::fs::read_to_string(&page).unwrap_or_default();
    write(
        site,
        "guides/hebergement.md",
        format!("{text}\n{{% include \"../.gitbook/includes/note.md\" %}}\n").as_bytes(),
    );
    wait_for_clean_build_output(site, &watching);
    write(
        site,
        ".gitbook/includes/note.md",
        "Note incluse, version deux.\n".as_bytes(),
    );
    wait_for_clean_build_output(site, &watching);
    let built = std::fs::read_to_string(site.join("public/guides/hebergement/index.html"));
    assert!(built.is_ok_and(|html| html.contains("version deux")));

    // Title edit in SUMMARY.md: every page's navigation changes.
    let summary = "# Sommaire\n\n* [Accueil](README.md)\n\n## Guides\n\n* [Hébergement mutualisé](guides/hebergement.md)\n* [Courriel](guides/messagerie.md)\n";
    write(site, "SUMMARY.md", summary.as_bytes());
    wait_for_clean_build_output(site, &watching);

    // A new page; a folder renamed; a page deleted.
    write(
        site,
        "guides/nouveau.md",
        "# Nouveau\n\nTexte neuf.\n".as_bytes(),
    );
    write(
        site,
        "SUMMARY.md",
        format!("{summary}* [Nouveau](guides/nouveau.md)\n").as_bytes(),
    );
    wait_for_clean_build_output(site, &watching);
    std::fs::rename(site.join("guides"), site.join("docs")).ok();
    write(
        site,
        "SUMMARY.md",
        "# Sommaire\n\n* [Accueil](README.md)\n\n## Guides\n\n* [Hébergement mutualisé](docs/hebergement.md)\n* [Courriel](docs/messagerie.md)\n* [Nouveau](docs/nouveau.md)\n".as_bytes(),
    );
    wait_for_clean_build_output(site, &watching);
    assert!(!site.join("public/guides").exists(), "stale folder removed");
    std::fs::remove_file(site.join("docs/nouveau.md")).ok();
    wait_for_clean_build_output(site, &watching);

    // An asset added, changed, deleted; a theme template; the configuration.
    write(site, "docs/schema.txt", b"v1");
    wait_for_clean_build_output(site, &watching);
    write(site, "docs/schema.txt", b"version 2");
    wait_for_clean_build_output(site, &watching);
    std::fs::remove_file(site.join("docs/schema.txt")).ok();
    wait_for_clean_build_output(site, &watching);
    write(
        site,
        "themes/default/templates/404.html",
        b"{% extends \"base.html\" %}{% block main %}<h1>Introuvable</h1>{% endblock main %}",
    );
    wait_for_clean_build_output(site, &watching);
    write(
        site,
        "carnet.yaml",
        "title: Guides renommés\nlanguage: fr\n".as_bytes(),
    );
    wait_for_clean_build_output(site, &watching);
}

#[test]
fn the_search_index_follows_edits_that_add_and_remove_words() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let watching = Watching::start(site);
    wait_for_clean_build_output(site, &watching);
    let page = site.join("guides/messagerie.md");
    let original = std::fs::read_to_string(&page).unwrap_or_default();
    let shard = |name: &str| {
        std::fs::read_to_string(site.join("public/search/t").join(name)).unwrap_or_default()
    };
    // New words: a term no other page has, and a form of a term the page already has
    // (`configurations`, stemmed like its `Configurer`).
    let added =
        format!("{original}\nLes zygomorphes tournoyaient. Plusieurs configurations possibles.\n");
    std::fs::write(&page, &added).ok();
    wait_for_clean_build_output(site, &watching);
    assert!(shard("z.js").contains("zygomorph"), "{}", shard("z.js"));
    assert!(
        shard("c.js").contains("\"configurations\""),
        "{}",
        shard("c.js")
    );
    // Gone again: the term, and the form whose term other words still give.
    std::fs::write(&page, original.replace("indésirables", "spams")).ok();
    wait_for_clean_build_output(site, &watching);
    assert!(
        !shard("c.js").contains("\"configurations\""),
        "{}",
        shard("c.js")
    );
    // Another page: the first one's terms are kept, its own taken again.
    let other = site.join("guides/hebergement.md");
    let text = std::fs::read_to_string(&other).unwrap_or_default();
    std::fs::write(&other, format!("{text}\nLes indésirables aussi.\n")).ok();
    wait_for_clean_build_output(site, &watching);
    std::fs::write(&page, &added).ok();
    wait_for_clean_build_output(site, &watching);
}

/// The output file at `rel`, as text.
fn output(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join("public").join(rel)).unwrap_or_default()
}

#[test]
fn the_search_index_and_llms_full_follow_text_edits_of_every_kind() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let watching = Watching::start(site);
    wait_for_clean_build_output(site, &watching);
    let page = site.join("guides/messagerie.md");
    let original = std::fs::read_to_string(&page).unwrap_or_default();
    // A Markdown edit: a new word in the index, the new text in `llms-full.txt`.
    let added = format!("{original}\nLes **quokkas** lisent leurs courriels.\n");
    std::fs::write(&page, &added).ok();
    wait_for_clean_build_output(site, &watching);
    assert!(output(site, "llms-full.txt").contains("Les **quokkas** lisent"));
    assert!(output(site, "search/t/q.js").contains("quokka"));
    // The word removed again (its shard goes with it: no other page has a `q` term).
    std::fs::write(&page, original.replace("souvent", "parfois")).ok();
    wait_for_clean_build_output(site, &watching);
    assert!(!output(site, "llms-full.txt").contains("quokkas"));
    assert!(!output(site, "llms-full.txt").contains("souvent"));
    // A long paragraph: the site's average page length moves past a step of its rounding,
    // and every posting's weight changes.
    let long: String = (0..400).map(|i| format!("paragraphe{} ", i % 37)).collect();
    std::fs::write(&page, format!("{original}\n{long}\n")).ok();
    wait_for_clean_build_output(site, &watching);
    std::fs::write(&page, &original).ok();
    wait_for_clean_build_output(site, &watching);
    // A title change (SUMMARY.md's label): the search page file and `llms-full.txt` follow.
    let summary = std::fs::read_to_string(site.join("SUMMARY.md")).unwrap_or_default();
    let renamed = summary.replace("[Messagerie]", "[Courrier des lecteurs]");
    write(site, "SUMMARY.md", renamed.as_bytes());
    wait_for_clean_build_output(site, &watching);
    assert!(output(site, "llms-full.txt").contains("# Courrier des lecteurs"));
    let files = tree_files(&site.join("public/search/p"));
    assert!(
        files
            .values()
            .any(|f| String::from_utf8_lossy(f).contains("Courrier des lecteurs"))
    );
}

#[test]
fn a_term_crossing_the_head_size_gets_and_loses_its_tail_file() {
    // 500 pages say `tournesol` (the head size); the next one makes it 501.
    let mut files = vec![("SUMMARY.md".to_owned(), String::from("# Sommaire\n\n"))];
    for n in 0..502 {
        let word = if n < 500 { "tournesol" } else { "girasol" };
        files[0].1.push_str(&format!("* [Page {n}](p{n}.md)\n"));
        files.push((
            format!("p{n}.md"),
            format!("# Page {n}\n\nLe {word} numéro {n} pousse.\n"),
        ));
    }
    files.push((
        "carnet.yaml".to_owned(),
        "title: Champs\nlanguage: fr\n".to_owned(),
    ));
    let tmp = site_with_owned(&files);
    let site = tmp.path();
    let watching = Watching::start(site);
    wait_for_clean_build_output(site, &watching);
    assert!(!site.join("public/search/x/t.js").exists());
    write(
        site,
        "p500.md",
        "# Page 500\n\nLe tournesol numéro 500 pousse.\n".as_bytes(),
    );
    wait_for_clean_build_output(site, &watching);
    assert!(output(site, "search/x/t.js").contains("tournesol"));
    for n in [3, 4] {
        write(
            site,
            &format!("p{n}.md"),
            format!("# Page {n}\n\nRien.\n").as_bytes(),
        );
    }
    wait_for_clean_build_output(site, &watching);
    assert!(!site.join("public/search/x/t.js").exists());
}

#[test]
fn a_body_edit_rewrites_only_that_pages_outputs_and_the_search_index() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let watching = Watching::start(site);
    let out = site.join("public");
    let before = modified_times(&out);
    // Coarse file system clocks: make sure a rewrite would show.
    std::thread::sleep(Duration::from_millis(50));
    edit_body(site);
    watching.wait_for_line(|l| l.contains("wrote"));
    wait_for_clean_build_output(site, &watching);
    let after = modified_times(&out);
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(path, time)| before.get(*path) != Some(time))
        .map(|(path, _)| path)
        .collect();
    assert!(
        rewritten.contains(&&"guides/messagerie/index.html".to_string()),
        "{rewritten:?}"
    );
    // The page's HTML and Markdown, llms-full.txt (which holds every page's Markdown) and
    // the search index.
    for page_output in [
        "guides/messagerie/index.html",
        "guides/messagerie.md",
        "llms-full.txt",
    ] {
        assert!(
            rewritten.contains(&&page_output.to_string()),
            "{rewritten:?}"
        );
    }
    for path in &rewritten {
        assert!(
            [
                "guides/messagerie/index.html",
                "guides/messagerie.md",
                "llms-full.txt"
            ]
            .contains(&path.as_str())
                || path.starts_with("search/"),
            "{path} was written again though the change does not touch it: {rewritten:?}"
        );
    }
    assert!(
        after.len() > rewritten.len() + 5,
        "most files are untouched: {} of {}",
        rewritten.len(),
        after.len()
    );
}

/// The inode of a file: the same file rewritten in place keeps it, a file renamed over it
/// brings its own.
#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).map(|m| m.ino()).unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn a_body_edit_rewrites_llms_full_in_place() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let watching = Watching::start(site);
    wait_for_clean_build_output(site, &watching);
    let llms_full = site.join("public/llms-full.txt");
    let first = inode(&llms_full);
    // Longer: the pieces after it move.
    edit_body(site);
    watching.wait_for_line(|l| l.contains("wrote"));
    wait_for_clean_build_output(site, &watching);
    assert_eq!(inode(&llms_full), first, "rewritten in place");
    // Shorter again.
    let page = site.join("guides/messagerie.md");
    let text = std::fs::read_to_string(&page).unwrap_or_default();
    write(
        site,
        "guides/messagerie.md",
        text.replace("Délivrabilité des courriels", "Délivrabilité")
            .as_bytes(),
    );
    wait_for_clean_build_output(site, &watching);
    assert_eq!(inode(&llms_full), first, "rewritten in place");
}

#[test]
fn an_llms_full_changed_behind_the_watch_is_written_whole_at_the_next_save() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let watching = Watching::start(site);
    wait_for_clean_build_output(site, &watching);
    // Someone else's bytes, of the same length: a rewrite in place from the edited page's
    // piece on would keep those before it.
    let llms_full = site.join("public/llms-full.txt");
    let len = std::fs::metadata(&llms_full).map(|m| m.len()).unwrap_or(0);
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&llms_full, vec![b'x'; len as usize]).ok();
    edit_body(site);
    wait_for_clean_build_output(site, &watching);
}

#[test]
fn an_llms_full_turned_into_a_link_is_not_written_through() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let watching = Watching::start(site);
    wait_for_clean_build_output(site, &watching);
    // A file outside the output with the same bytes and modification time as the one the
    // watch wrote, and a link to it in its place: the link looks like the file last written
    // when followed, and a rewrite in place would write into the file outside.
    let llms_full = site.join("public/llms-full.txt");
    let outside = tempfile::tempdir().expect("a temporary folder");
    let victim = outside.path().join("victim.txt");
    let bytes = std::fs::read(&llms_full).expect("llms-full.txt written");
    let modified = std::fs::metadata(&llms_full)
        .and_then(|m| m.modified())
        .expect("a modification time");
    std::fs::write(&victim, &bytes).expect("the file outside");
    std::fs::File::options()
        .write(true)
        .open(&victim)
        .and_then(|f| f.set_modified(modified))
        .expect("its modification time");
    std::fs::remove_file(&llms_full).expect("llms-full.txt removed");
    std::os::unix::fs::symlink(&victim, &llms_full).expect("the link");
    edit_body(site);
    wait_for_clean_build_output(site, &watching);
    assert_eq!(
        std::fs::read(&victim).expect("the file outside"),
        bytes,
        "nothing written through the link"
    );
    let meta = std::fs::symlink_metadata(&llms_full).expect("llms-full.txt");
    assert!(meta.is_file(), "the link replaced by the file");
}

#[test]
fn a_rebuild_with_errors_writes_nothing_and_the_next_good_one_catches_up() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let watching = Watching::start(site);
    let out = site.join("public");
    let before = tree_files(&out);
    write(site, "carnet.yaml", b"title: [pas fini\n");
    watching.wait_for_line(|l| l.starts_with("rebuild failed"));
    let page = site.join("guides/messagerie.md");
    std::fs::write(&page, "# Messagerie\n\nÉcrit pendant la panne.\n").ok();
    // Give the watcher time to see (and refuse) that save too.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        tree_files(&out) == before,
        "nothing written while the build fails"
    );
    write(
        site,
        "carnet.yaml",
        "title: Guides de test\nlanguage: fr\n".as_bytes(),
    );
    wait_for_clean_build_output(site, &watching);
    let html =
        std::fs::read_to_string(out.join("guides/messagerie/index.html")).unwrap_or_default();
    assert!(html.contains("Écrit pendant la panne"), "{html}");
}

#[test]
fn with_strict_a_save_that_breaks_a_link_writes_nothing() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let watching = Watching::start_with(site, &["--strict"]);
    let out = site.join("public");
    let before = tree_files(&out);
    assert!(!before.is_empty(), "the first build is written");
    let page = site.join("guides/messagerie.md");
    let text = std::fs::read_to_string(&page).unwrap_or_default();
    std::fs::write(&page, format!("{text}\nVoir [ailleurs](nulle-part.md).\n")).ok();
    watching.wait_for_line(|l| l.contains("not written"));
    assert!(
        tree_files(&out) == before,
        "a broken link under --strict changes nothing"
    );
    std::fs::write(&page, format!("{text}\nVoir [l'accueil](../README.md).\n")).ok();
    wait_for_clean_build_output(site, &watching);
}

#[test]
fn with_strict_a_first_build_with_a_broken_link_writes_nothing() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let page = site.join("guides/messagerie.md");
    let text = std::fs::read_to_string(&page).unwrap_or_default();
    std::fs::write(&page, format!("{text}\nVoir [ailleurs](nulle-part.md).\n")).ok();
    let _watching = Watching::start_with(site, &["--strict"]);
    assert!(
        !site.join("public").exists(),
        "carnet build --strict would write nothing"
    );
}

#[test]
fn ctrl_c_ends_the_watch_cleanly_and_leaves_no_temporary_file() {
    let tmp = copy_fixture("reader");
    let site = tmp.path();
    let mut watching = Watching::start(site);
    // Saves keep it writing; Ctrl-C comes in the middle of them.
    for round in 0..5 {
        write(
            site,
            "guides/messagerie.md",
            format!("# Messagerie\n\nVersion {round}.\n").as_bytes(),
        );
        std::thread::sleep(Duration::from_millis(15));
    }
    let exit = interrupt(&mut watching.child, Duration::from_secs(10));
    let log = watching.log();
    let exit = exit.unwrap_or_else(|| panic!("still running 10 s after Ctrl-C: {log:?}"));
    assert!(exit.success(), "{exit:?} {log:?}");
    // The reading thread may still hold the last line for a moment.
    watching.wait_for_line(|l| l == "stopped");
    let leftovers: Vec<String> = tree_files(&site.join("public"))
        .into_keys()
        .filter(|rel| rel.contains("carnet-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn a_page_turned_into_a_link_to_outside_while_watching_is_not_published() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    write(tmp.path(), "outside/secret.md", b"# TOP-SECRET-9c1\n");
    write(&site, "README.md", b"# Home\n");
    write(&site, "page.md", b"# Page\n\nfine\n");
    let watching = Watching::start(&site);
    assert!(site.join("public/page/index.html").exists());
    std::fs::remove_file(site.join("page.md")).expect("remove");
    std::os::unix::fs::symlink(tmp.path().join("outside/secret.md"), site.join("page.md"))
        .expect("symlink");
    let deadline = Instant::now() + Duration::from_secs(20);
    while site.join("public/page/index.html").exists() {
        assert!(Instant::now() < deadline, "log: {:?}", watching.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    for (rel, bytes) in tree_files(&site.join("public")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("TOP-SECRET-9c1"),
            "{rel}"
        );
    }
}

#[test]
fn watch_refuses_an_output_folder_carnet_did_not_write() {
    let tmp = site_with(&[("README.md", "# Home\n"), ("public/notes.txt", "mine")]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["build", "--watch"])
        .arg(tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("carnet build --watch");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still watching a folder it may not replace");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("public/notes.txt")).expect("kept"),
        "mine"
    );
    assert!(!tmp.path().join("public/index.html").exists());
}
