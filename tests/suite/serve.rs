//! `carnet serve` as contributors use it: the real binary on 127.0.0.1 with an ephemeral port,
//! files changed the ways editors change them, and the served site compared with a clean build.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::server::{Server, strip_live_script};
use crate::common::*;

/// Every file a clean build of `site` writes, compared with what the server serves.
fn assert_served_equals_clean_build(server: &Server, site: &Path) {
    let copy = tempfile::tempdir().expect("temp dir");
    copy_tree(site, copy.path());
    let _ = std::fs::remove_dir_all(copy.path().join("public"));
    let built = build_tmp(copy);
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(&built.out).into_iter().flatten() {
        if !entry.file_type().is_file() || entry.file_name() == carnet::output::MARKER {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&built.out)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let expected =
            String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap_or_default()).into_owned();
        let url = format!("/{}", rel.strip_suffix("index.html").unwrap_or(&rel));
        let (status, served) = server.get(&url);
        assert_eq!(status, 200, "{url}");
        assert_eq!(
            strip_live_script(&served),
            expected,
            "{url} differs from a clean build"
        );
        compared += 1;
    }
    assert!(compared > 5, "compared {compared} files");
}

fn site_copy() -> tempfile::TempDir {
    copy_fixture("reader")
}

#[test]
fn a_saved_body_edit_is_served_and_every_kind_of_change_matches_a_clean_build() {
    let tmp = site_copy();
    let site = tmp.path();
    let server = Server::start(site, &[]);
    assert_served_equals_clean_build(&server, site);

    // Body edit, written in place.
    let page = site.join("guides/messagerie.md");
    let text = std::fs::read_to_string(&page).unwrap_or_default();
    std::fs::write(
        &page,
        text.replace("Délivrabilité", "Délivrabilité des courriels"),
    )
    .ok();
    server.wait_until("/guides/messagerie/", |b| {
        b.contains("Délivrabilité des courriels")
    });
    assert_served_equals_clean_build(&server, site);

    // Title edit: the sidebar of every page and the content-ref card on the guide change.
    std::fs::write(
        site.join("SUMMARY.md"),
        "# Sommaire\n\n* [Accueil](README.md)\n\n## Guides\n\n* [Hébergement mutualisé](guides/hebergement.md)\n* [Courriel](guides/messagerie.md)\n",
    )
    .ok();
    server.wait_until("/", |b| b.contains(">Courriel<"));
    assert_served_equals_clean_build(&server, site);

    // A new page, then a folder renamed (its pages move), then a page deleted.
    write(
        site,
        "guides/nouveau.md",
        "# Nouveau\n\nTexte neuf.\n".as_bytes(),
    );
    std::fs::write(
        site.join("SUMMARY.md"),
        "# Sommaire\n\n* [Accueil](README.md)\n\n## Guides\n\n* [Hébergement mutualisé](guides/hebergement.md)\n* [Courriel](guides/messagerie.md)\n* [Nouveau](guides/nouveau.md)\n",
    )
    .ok();
    server.wait_until("/guides/nouveau/", |b| b.contains("Texte neuf"));
    std::fs::rename(site.join("guides"), site.join("docs")).ok();
    std::fs::write(
        site.join("SUMMARY.md"),
        "# Sommaire\n\n* [Accueil](README.md)\n\n## Guides\n\n* [Hébergement mutualisé](docs/hebergement.md)\n* [Courriel](docs/messagerie.md)\n* [Nouveau](docs/nouveau.md)\n",
    )
    .ok();
    server.wait_until("/docs/messagerie/", |b| {
        b.contains("Délivrabilité des courriels")
    });
    assert_eq!(server.get("/guides/messagerie/").0, 404, "stale page gone");
    std::fs::remove_file(site.join("docs/nouveau.md")).ok();
    server.wait_until("/docs/nouveau/", |b| !b.contains("Texte neuf"));
    assert_served_equals_clean_build(&server, site);

    // A theme template and an asset.
    write(
        site,
        "themes/default/templates/404.html",
        b"{% extends \"base.html\" %}{% block main %}<h1>Introuvable</h1>{% endblock main %}",
    );
    server.wait_until("/nulle/part/", |b| b.contains("Introuvable"));
    write(site, "docs/schema.txt", b"v1");
    server.wait_until("/docs/schema.txt", |b| b == "v1");
    assert_served_equals_clean_build(&server, site);
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.starts_with("rebuilt 1 page in")),
        "{:?}",
        server.log()
    );
}

#[test]
fn editor_saves_and_side_files_end_in_the_final_state_and_never_become_pages() {
    let tmp = site_copy();
    let site = tmp.path();
    let server = Server::start(site, &[]);
    let page = site.join("guides/messagerie.md");

    // vim: a 4913 probe, a swap file, a backup, then the real write.
    write(site, "guides/4913", b"");
    std::fs::remove_file(site.join("guides/4913")).ok();
    write(site, "guides/.messagerie.md.swp", b"swap");
    write(site, "guides/messagerie.md~", b"# Old\n");
    std::fs::write(&page, "# Messagerie\n\nÉcrit par vim.\n").ok();
    server.wait_until("/guides/messagerie/", |b| b.contains("Écrit par vim"));

    // Atomic save: write a temp file, rename it over the page (most editors, and JetBrains).
    write(
        site,
        "guides/messagerie.md___jb_tmp___",
        "# Messagerie\n\nÉcrit par JetBrains.\n".as_bytes(),
    );
    std::fs::rename(site.join("guides/messagerie.md___jb_tmp___"), &page).ok();
    server.wait_until("/guides/messagerie/", |b| b.contains("Écrit par JetBrains"));

    // Emacs lock and autosave files; a file created and deleted before the debounce fires.
    write(site, "guides/.#messagerie.md", b"lock");
    write(site, "guides/#messagerie.md#", b"autosave");
    write(site, "guides/ephemere.md", b"# Ephemere\n");
    std::fs::remove_file(site.join("guides/ephemere.md")).ok();

    // A burst of saves: the last one wins.
    for i in 0..20 {
        std::fs::write(&page, format!("# Messagerie\n\nVersion {i}.\n")).ok();
    }
    server.wait_until("/guides/messagerie/", |b| b.contains("Version 19."));
    std::thread::sleep(Duration::from_millis(300));
    for side in [
        "/guides/4913",
        "/guides/.messagerie.md.swp",
        "/guides/messagerie.md~/",
        "/guides/ephemere/",
    ] {
        assert_eq!(server.get(side).0, 404, "{side}");
    }
    assert_served_equals_clean_build(&server, site);
}

#[test]
fn a_broken_front_matter_is_reported_and_the_server_keeps_serving() {
    let tmp = site_copy();
    let site = tmp.path();
    let server = Server::start(site, &[]);
    // Listen to the live-reload events first.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    events
        .write_all(b"GET /__carnet/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("request");
    events.set_read_timeout(Some(Duration::from_secs(15))).ok();
    let mut reader = BufReader::new(events);
    write(
        site,
        "guides/messagerie.md",
        b"---\ndescription: [pas fini\n---\n# Messagerie\n\nToujours servie.\n",
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut found = String::new();
    while Instant::now() < deadline {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if line.contains("invalid-front-matter") {
            found = line;
            break;
        }
    }
    assert!(found.contains("guides/messagerie.md"), "event: {found}");
    assert!(found.contains("\"line\":3"), "event: {found}");
    server.wait_until("/guides/messagerie/", |b| b.contains("Toujours servie"));
    // A configuration that cannot be read: the last good site stays up.
    write(site, "carnet.yaml", b"title: [\n");
    std::thread::sleep(Duration::from_millis(500));
    let (status, body) = server.get("/guides/messagerie/");
    assert_eq!(status, 200);
    assert!(body.contains("Toujours servie"));
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.contains("still serving the last good version")),
        "{:?}",
        server.log()
    );
}

#[test]
fn the_server_is_a_static_host_with_pretty_urls_a_404_and_no_way_out() {
    let tmp = site_copy();
    let server = Server::start(tmp.path(), &[]);
    let (status, body) = server.get("/guides/hebergement/");
    assert_eq!(status, 200);
    assert!(body.contains("__carnet/live.js"), "live reload injected");
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    stream
        .write_all(
            b"GET /guides/hebergement HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .ok();
    let mut head = String::new();
    let _ = stream.read_to_string(&mut head);
    assert!(head.starts_with("HTTP/1.1 301"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("location: /guides/hebergement/"),
        "{head}"
    );
    let (status, body) = server.get("/nulle/part/");
    assert_eq!(status, 404);
    assert!(body.contains("<html"), "the site's 404 page");
    for attack in [
        "/../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/guides%2f..%2f..%2fcarnet.yaml",
        "/guides/..%5c..%5ccarnet.yaml",
    ] {
        let (status, body) = server.get(attack);
        assert!(status == 400 || status == 404, "{attack}: {status}");
        assert!(!body.contains("title:"), "{attack} leaked a file");
    }
    let (status, _) = server.get("/carnet.yaml");
    assert_eq!(status, 404, "sources are not output");
    let (status, meta) = server.get("/search/meta.js");
    assert_eq!(status, 200);
    assert!(
        meta.starts_with("carnetSearch.meta("),
        "search works while serving"
    );
}

/// The head of the response to `GET path`, lower case.
fn response_head(server: &Server, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    // The server answers only requests naming it (the dev server's Host check).
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        server.port
    );
    stream.write_all(request.as_bytes()).ok();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let head = response.split("\r\n\r\n").next().unwrap_or("");
    head.to_ascii_lowercase()
}

#[test]
fn page_markdown_and_llms_files_are_served_with_their_types() {
    let tmp = site_copy();
    let server = Server::start(tmp.path(), &[]);
    let (status, markdown) = server.get("/guides/hebergement.md");
    assert_eq!(status, 200);
    assert!(markdown.starts_with("# "), "{markdown}");
    assert!(
        !markdown.contains("__carnet/live.js"),
        "no script in Markdown"
    );
    assert!(
        response_head(&server, "/guides/hebergement.md")
            .contains("content-type: text/markdown; charset=utf-8")
    );
    for file in ["/llms.txt", "/llms-full.txt"] {
        assert_eq!(server.get(file).0, 200, "{file}");
        assert!(
            response_head(&server, file).contains("content-type: text/plain; charset=utf-8"),
            "{file}"
        );
    }
}

#[test]
fn a_base_path_is_served_under_it() {
    let tmp = site_copy();
    let server = Server::start(tmp.path(), &["--base-url", "https://example.org/docs/"]);
    assert_eq!(server.get("/docs/guides/hebergement/").0, 200);
    assert_eq!(server.get("/guides/hebergement/").0, 404);
    let body = server.page("/docs/");
    assert!(body.contains("Ces guides"), "{body}");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().map(|a| a.port()).unwrap_or(0);
    let tmp = site_copy();
    let output = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("serve")
        .arg(tmp.path())
        .args(["--port", &port.to_string()])
        .output()
        .expect("carnet runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("port {port} is in use")),
        "{stderr}"
    );
    assert!(stderr.contains("--port 0"), "{stderr}");
}

#[test]
fn build_watch_rebuilds_the_output_after_a_save() {
    let tmp = site_copy();
    let site = tmp.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["build", "--watch", "-q"])
        .arg(site)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("carnet build --watch starts");
    // Wait until watching has started (the line is printed after the watcher is set up).
    let stdout = child.stdout.take().expect("stdout");
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("watching ") {
                let _ = ready_tx.send(());
            }
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the first build finishes and watching starts");
    let output = site.join("public/guides/messagerie/index.html");
    let before = std::fs::read_to_string(&output).unwrap_or_default();
    assert!(before.contains("Délivrabilité"), "first build written");
    write(
        site,
        "guides/messagerie.md",
        "# Messagerie\n\nRéécrit.\n".as_bytes(),
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let after = loop {
        let html = std::fs::read_to_string(&output).unwrap_or_default();
        if html.contains("Réécrit") || Instant::now() > deadline {
            break html;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = child.kill();
    let _ = child.wait();
    let page = scraper::Html::parse_document(&after);
    let text = select_one(&page, "main").text().collect::<String>();
    assert!(text.contains("Réécrit"), "{text}");
    assert!(!text.contains("Délivrabilité"), "{text}");
}

#[test]
fn serving_something_that_is_not_a_folder_is_a_clear_error() {
    let tmp = site_copy();
    let missing = tmp.path().join("nowhere");
    let output = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("serve")
        .arg(&missing)
        .output()
        .expect("carnet runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a folder"), "{stderr}");
}

#[test]
fn a_file_shown_then_deleted_within_the_debounce_is_gone() {
    let tmp = site_copy();
    let site = tmp.path();
    // A long debounce: the deletion surely comes while the debouncer still holds the creation,
    // which it then forgets ("created and deleted: nothing happened").
    let server = Server::start(site, &["--debounce", "400"]);
    // SUMMARY.md lists a page that does not exist yet.
    let summary = std::fs::read_to_string(site.join("SUMMARY.md")).unwrap_or_default();
    write(
        site,
        "SUMMARY.md",
        format!("{summary}* [Brouillon](guides/brouillon.md)\n").as_bytes(),
    );
    server.wait_until("/", |b| b.contains("Brouillon"));
    std::thread::sleep(Duration::from_millis(600));
    write(
        site,
        "guides/brouillon.md",
        "# Brouillon\n\nÀ jeter.\n".as_bytes(),
    );
    server.wait_until("/guides/brouillon/", |b| b.contains("À jeter"));
    std::fs::remove_file(site.join("guides/brouillon.md")).ok();
    server.wait_for_status("/guides/brouillon/", 404);
    assert_served_equals_clean_build(&server, site);
}

#[test]
fn a_content_folder_named_in_carnet_yaml_is_watched() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(
        tmp.path(),
        "site/carnet.yaml",
        b"title: Ailleurs\ncontent_dir: docs/fr\n",
    );
    write(
        tmp.path(),
        "site/docs/fr/README.md",
        "# Accueil\n\nPremière version.\n".as_bytes(),
    );
    let server = Server::start(&tmp.path().join("site"), &[]);
    assert!(server.page("/").contains("Première version"));
    write(
        tmp.path(),
        "site/docs/fr/README.md",
        "# Accueil\n\nDeuxième version.\n".as_bytes(),
    );
    server.wait_until("/", |b| b.contains("Deuxième version"));
}

#[test]
fn with_poll_saves_new_pages_and_deletions_are_seen_without_native_events() {
    let tmp = site_copy();
    let site = tmp.path();
    let server = Server::start(site, &["--poll"]);
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.contains("watching by polling")),
        "{:?}",
        server.log()
    );
    let page = site.join("guides/messagerie.md");
    let text = std::fs::read_to_string(&page).unwrap_or_default();
    // At once: within the second the fixture was copied (polling keeps times in whole seconds).
    std::fs::write(&page, text.replace("Délivrabilité", "Délivrabilité sondée")).ok();
    server.wait_until("/guides/messagerie/", |b| {
        b.contains("Délivrabilité sondée")
    });
    let summary = std::fs::read_to_string(site.join("SUMMARY.md")).unwrap_or_default();
    write(
        site,
        "guides/sonde.md",
        "# Sonde\n\nTrouvée par sondage.\n".as_bytes(),
    );
    write(
        site,
        "SUMMARY.md",
        format!("{summary}* [Sonde](guides/sonde.md)\n").as_bytes(),
    );
    server.wait_until("/guides/sonde/", |b| b.contains("Trouvée par sondage"));
    std::fs::remove_file(site.join("guides/sonde.md")).ok();
    write(site, "SUMMARY.md", summary.as_bytes());
    server.wait_for_status("/guides/sonde/", 404);
    // A folder that did not exist when polling started: its later saves are seen too.
    write(
        site,
        "annexes/a.md",
        "# Annexe\n\nPremier jet.\n".as_bytes(),
    );
    write(
        site,
        "SUMMARY.md",
        format!("{summary}* [Annexe](annexes/a.md)\n").as_bytes(),
    );
    server.wait_until("/annexes/a/", |b| b.contains("Premier jet"));
    write(site, "annexes/a.md", "# Annexe\n\nSecond jet.\n".as_bytes());
    server.wait_until("/annexes/a/", |b| b.contains("Second jet"));
    assert_served_equals_clean_build(&server, site);
}

#[test]
fn ctrl_c_stops_the_server_at_once_even_with_a_page_open() {
    let tmp = site_copy();
    let mut server = Server::start(tmp.path(), &[]);
    // An open page keeps its live-reload event stream open for as long as it is shown.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connects");
    stream
        .write_all(b"GET /__carnet/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("request sent");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut status = String::new();
    reader.read_line(&mut status).expect("status line");
    assert!(status.contains(" 200 "), "{status}");

    let exit = server.interrupt(Duration::from_secs(5));
    let log = server.log();
    let exit = exit.unwrap_or_else(|| panic!("still running 5 s after Ctrl-C: {log:?}"));
    assert!(exit.success(), "{exit:?}");
    assert!(log.iter().any(|l| l == "stopped"), "{log:?}");
    // The port is free again.
    std::net::TcpListener::bind(("127.0.0.1", server.port)).expect("port released");
}

/// The `datetime` of the "Last updated" line of the page at `path`.
fn served_date(server: &Server, path: &str) -> String {
    let page = scraper::Html::parse_document(&server.page(path));
    select(&page, ".page-meta time")
        .first()
        .map(|time| attr(*time, "datetime").to_string())
        .unwrap_or_default()
}

#[test]
fn last_updated_dates_are_served_as_a_build_writes_them_and_a_commit_is_seen_at_the_next_save() {
    use crate::page_meta::{dated_repo, git};
    let tmp = dated_repo();
    let site = tmp.path();
    let server = Server::start(site, &[]);
    assert_eq!(served_date(&server, "/a/"), "2024-05-01T12:00:00Z");
    assert_eq!(served_date(&server, "/b/"), "2024-01-15T10:00:00Z");
    let sitemap = server.get("/sitemap.xml").1;
    assert!(
        sitemap.contains(
            "<loc>https://docs.example.org/a/</loc><lastmod>2024-05-01T12:00:00Z</lastmod>"
        ),
        "{sitemap}"
    );

    // b.md changed and committed; the save of another page after the commit shows its date,
    // on b's page, rendered before, too.
    write(site, "content/b.md", b"# B\n\nChanged.\n");
    git(site, &["commit", "-q", "-am", "b"], "2024-07-01T08:00:00Z");
    write(site, "content/a.md", b"# A\n\nSaved again.\n");
    server.wait_until("/a/", |body| body.contains("Saved again."));
    assert_eq!(served_date(&server, "/b/"), "2024-07-01T08:00:00Z");
    assert_eq!(served_date(&server, "/a/"), "2024-05-01T12:00:00Z");
}
