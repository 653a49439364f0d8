//! `carnet deploy` against a real S3 server on 127.0.0.1: moto's `moto_server`, started by each
//! test on a port of its own (`.ci/run` installs it; see the README).
//!
//! Without `moto_server` these tests fail, naming what to install; `CARNET_SKIP_S3=1` skips them
//! on a machine where it cannot be installed.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use crate::common::*;
use assert_cmd::Command;
use carnet::deploy::local::md5_hex;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};
use tempfile::TempDir;

const BUCKET: &str = "site";
const PREFIX: &str = "docs";
const MANIFEST: &str = "docs/.carnet-manifest.json";
/// Not a real secret; the tests check it never shows up in output.
const SECRET: &str = "test-secret-never-printed";

/// A `moto_server` process, killed when dropped.
struct S3Server {
    child: Child,
    endpoint: String,
    /// Write requests (PUT, POST, DELETE) in the server's request log so far.
    writes: Arc<AtomicUsize>,
}

impl S3Server {
    /// Starts a server, or returns `None` when `CARNET_SKIP_S3=1` and it is not installed.
    fn start(extra_env: &[(&str, &str)]) -> Option<Self> {
        let program = std::env::var("CARNET_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let spawned = StdCommand::new(&program)
            .args(["-H", "127.0.0.1", "-p", "0"])
            .envs(extra_env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if std::env::var("CARNET_SKIP_S3").is_ok_and(|v| v == "1") {
                    eprintln!("skipped: `{program}` not found and CARNET_SKIP_S3=1");
                    return None;
                }
                panic!(
                    "`{program}` not found: the deploy tests need a local S3 server. Install it \
                     with `pip install \"moto[s3]\" flask flask-cors` (.ci/run does), point \
                     CARNET_MOTO_SERVER at it, or set CARNET_SKIP_S3=1 to skip these tests"
                );
            }
            Err(err) => panic!("cannot start `{program}`: {err}"),
        };
        // Werkzeug prints its address, then one line per request, on stderr (stdout for some
        // versions): both are drained for the server's whole life so it never blocks on a pipe.
        let (tx, rx) = mpsc::channel();
        let writes = Arc::new(AtomicUsize::new(0));
        for stream in [
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let tx = tx.clone();
            let writes = writes.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if ["\"PUT ", "\"POST ", "\"DELETE "]
                        .iter()
                        .any(|m| line.contains(m))
                    {
                        writes.fetch_add(1, Ordering::SeqCst);
                    }
                    if let Some(at) = line.find("http://127.0.0.1:") {
                        let address: String = line[at..]
                            .chars()
                            .take_while(|c| !c.is_whitespace())
                            .collect();
                        let _ = tx.send(address);
                    }
                }
            });
        }
        let endpoint = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(endpoint) => endpoint,
            Err(_) => {
                let _ = child.kill();
                panic!("`{program}` did not say which port it listens on within 60 s");
            }
        };
        Some(S3Server {
            child,
            endpoint,
            writes,
        })
    }

    /// Creates a bucket (moto accepts unsigned requests unless told to check credentials).
    /// Write requests logged so far, once the log has caught up with the last request.
    fn writes(&self) -> usize {
        std::thread::sleep(Duration::from_millis(300));
        self.writes.load(Ordering::SeqCst)
    }

    fn create_bucket(&self, bucket: &str) {
        carnet::net::install_tls_provider();
        reqwest::blocking::Client::new()
            .put(format!("{}/{bucket}", self.endpoint))
            .send()
            .and_then(|r| r.error_for_status())
            .expect("create bucket");
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The bucket as the S3 API shows it, read by the test with its own client.
struct Bucket {
    store: AmazonS3,
    runtime: tokio::runtime::Runtime,
}

impl Bucket {
    fn new(server: &S3Server) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let store = AmazonS3Builder::new()
            .with_endpoint(&server.endpoint)
            .with_allow_http(true)
            .with_bucket_name(BUCKET)
            .with_region("us-east-1")
            .with_access_key_id("test")
            .with_secret_access_key(SECRET)
            .build()
            .expect("S3 client");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Bucket { store, runtime }
    }

    /// Key → ETag (unquoted) of every object.
    fn listing(&self) -> BTreeMap<String, String> {
        use futures_util::TryStreamExt;
        let objects: Vec<_> = self
            .runtime
            .block_on(self.store.list(None).try_collect())
            .expect("list bucket");
        objects
            .into_iter()
            .map(|o| {
                let etag = o.e_tag.unwrap_or_default().trim_matches('"').to_string();
                (o.location.to_string(), etag)
            })
            .collect()
    }

    /// The object's bytes, Content-Type and Cache-Control.
    fn get(&self, key: &str) -> (Vec<u8>, String, String) {
        self.runtime.block_on(async {
            let result = self
                .store
                .get(&ObjectPath::parse(key).expect("key"))
                .await
                .unwrap_or_else(|err| panic!("get {key}: {err}"));
            let attr = |a: &Attribute| {
                result
                    .attributes
                    .get(a)
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            };
            let (content_type, cache_control) = (
                attr(&Attribute::ContentType),
                attr(&Attribute::CacheControl),
            );
            let bytes = result.bytes().await.expect("body").to_vec();
            (bytes, content_type, cache_control)
        })
    }
}

/// A small site, built: a home page, a few pages, an image, the theme's hashed CSS and JS.
struct Site {
    tmp: TempDir,
}

impl Site {
    fn new(pages: usize) -> Self {
        let tmp = site_with(&[
            (
                "README.md",
                "# Accueil\n\nBienvenue. ![logo](images/logo.png)\n",
            ),
            ("guide/README.md", "# Guide\n\nLe guide.\n"),
        ]);
        write(tmp.path(), "images/logo.png", b"\x89PNG fake image bytes");
        for i in 0..pages {
            write(
                tmp.path(),
                &format!("guide/page-{i:03}.md"),
                format!("# Page {i}\n\nTexte {i}.\n").as_bytes(),
            );
        }
        let site = Site { tmp };
        site.build();
        site
    }

    fn path(&self) -> &Path {
        self.tmp.path()
    }

    fn out(&self) -> PathBuf {
        self.path().join("public")
    }

    fn build(&self) {
        let report = carnet::build::build(&options(self.path()));
        assert!(report.succeeded(), "{:?}", report.diagnostics);
    }

    /// Rewrites a page's body (keeping its title) and rebuilds.
    fn edit(&self, rel: &str, body: &str) {
        let path = self.path().join(rel);
        let text = std::fs::read_to_string(&path).expect("page");
        let title = text.lines().next().unwrap_or("# Page");
        std::fs::write(&path, format!("{title}\n\n{body}\n")).expect("edit page");
        self.build();
    }

    /// Output-relative path → MD5 of every output file.
    fn files(&self) -> BTreeMap<String, String> {
        let out = self.out();
        walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.expect("output entry"))
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&out).expect("inside output");
                let bytes = std::fs::read(e.path()).expect("output file");
                (rel.to_string_lossy().replace('\\', "/"), md5_hex(&bytes))
            })
            .collect()
    }

    /// What the bucket must hold: every output file under the prefix, with its MD5 as ETag.
    fn expected_listing(&self) -> BTreeMap<String, String> {
        self.files()
            .into_iter()
            .map(|(rel, md5)| (format!("{PREFIX}/{rel}"), md5))
            .collect()
    }
}

/// The listing without the manifest (whose ETag is not a file's).
fn without_manifest(mut listing: BTreeMap<String, String>) -> BTreeMap<String, String> {
    listing.remove(MANIFEST);
    listing
}

fn deploy_command(server: &S3Server, site: &Site, extra: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("carnet").expect("binary built");
    cmd.arg("deploy")
        .arg(format!("s3://{BUCKET}/{PREFIX}"))
        .arg(site.path())
        .args(["--endpoint", &server.endpoint])
        .args(extra);
    with_test_credentials(&mut cmd, site.path());
    cmd
}

/// Test keys in the environment, and a HOME without `~/.aws`, so nothing of the machine's own
/// AWS setup leaks into a test.
fn with_test_credentials(cmd: &mut Command, home: &Path) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", SECRET);
}

fn run(mut cmd: Command) -> (Output, String, String) {
    let output = cmd.output().expect("run carnet");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stdout.contains(SECRET) && !stderr.contains(SECRET),
        "the secret was printed:\n{stdout}\n{stderr}"
    );
    (output, stdout, stderr)
}

/// Runs a deploy that must succeed; returns how many objects it uploaded and its stderr.
fn deploy_ok(server: &S3Server, site: &Site, extra: &[&str]) -> (usize, String) {
    let (output, stdout, stderr) = run(deploy_command(server, site, extra));
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    let uploaded = stderr
        .lines()
        .find_map(|l| {
            l.split(": ")
                .nth(1)?
                .split(" uploaded")
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no summary line in:\n{stderr}"));
    (uploaded, stderr)
}

/// A server with an empty bucket and a built site, or `None` when skipping.
fn setup(pages: usize) -> Option<(S3Server, Bucket, Site)> {
    let server = S3Server::start(&[])?;
    server.create_bucket(BUCKET);
    let bucket = Bucket::new(&server);
    Some((server, bucket, Site::new(pages)))
}

#[test]
fn first_deploy_uploads_everything_with_the_right_headers() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    let (uploaded, _) = deploy_ok(&server, &site, &[]);
    let expected = site.expected_listing();
    assert_eq!(uploaded, expected.len());

    let listing = bucket.listing();
    assert!(listing.contains_key(MANIFEST), "{listing:?}");
    assert_eq!(without_manifest(listing), expected);

    let (html, content_type, cache) = bucket.get("docs/index.html");
    assert_eq!(html, std::fs::read(site.out().join("index.html")).unwrap());
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert_eq!(cache, "public, max-age=300");

    let css = expected
        .keys()
        .find(|k| k.starts_with("docs/assets/style.") && k.ends_with(".css"))
        .expect("hashed stylesheet");
    let (_, content_type, cache) = bucket.get(css);
    assert_eq!(content_type, "text/css; charset=utf-8");
    assert_eq!(cache, "public, max-age=31536000, immutable");

    let (_, content_type, cache) = bucket.get("docs/images/logo.png");
    assert_eq!(content_type, "image/png");
    assert_eq!(cache, "public, max-age=300");
}

#[test]
fn a_second_deploy_uploads_nothing() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    deploy_ok(&server, &site, &[]);
    let before = bucket.listing();
    let writes = server.writes();
    assert!(writes > 0, "the request log is read");
    let (uploaded, stderr) = deploy_ok(&server, &site, &[]);
    assert_eq!(uploaded, 0, "{stderr}");
    assert_eq!(bucket.listing(), before);
    assert_eq!(
        server.writes(),
        writes,
        "not even the manifest is rewritten"
    );
}

#[test]
fn one_edited_page_uploads_that_page_and_only_the_search_files_it_changed() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    deploy_ok(&server, &site, &[]);
    let search_files = site
        .expected_listing()
        .keys()
        .filter(|k| k.contains("/search/"))
        .count();
    site.edit("guide/page-001.md", "Un texte tout neuf.");
    let (_, stderr) = deploy_ok(&server, &site, &[]);
    let uploads: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("uploaded  "))
        .collect();
    let pages: Vec<&&str> = uploads
        .iter()
        .filter(|u| !u.starts_with("search/"))
        .collect();
    assert_eq!(pages.len(), 1, "{stderr}");
    assert!(
        pages[0].starts_with("guide/page-001/index.html"),
        "{stderr}"
    );
    // The index: its metadata, the page's own text, the shards of the words that changed.
    let search: Vec<&&str> = uploads
        .iter()
        .filter(|u| u.starts_with("search/"))
        .collect();
    assert!(
        search.iter().any(|u| u.starts_with("search/meta.js")),
        "{stderr}"
    );
    assert!(search.len() < search_files, "{search:?} of {search_files}");
    assert_eq!(without_manifest(bucket.listing()), site.expected_listing());
}

#[test]
fn delete_removes_stale_objects_only_when_asked() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    deploy_ok(&server, &site, &[]);
    std::fs::remove_file(site.path().join("guide/page-002.md")).unwrap();
    site.build();
    let stale = "docs/guide/page-002/index.html";

    deploy_ok(&server, &site, &[]);
    assert!(
        bucket.listing().contains_key(stale),
        "kept without --delete"
    );

    let (_, stderr) = deploy_ok(&server, &site, &["--delete"]);
    assert!(
        stderr.contains("deleted   guide/page-002/index.html"),
        "{stderr}"
    );
    let listing = bucket.listing();
    assert!(listing.contains_key(MANIFEST), "the manifest is not stale");
    assert_eq!(without_manifest(listing), site.expected_listing());
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    // On an empty bucket: everything is planned, nothing is sent.
    let (output, stdout, _) = run(deploy_command(&server, &site, &["--dry-run"]));
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout.contains("upload  new"), "{stdout}");
    assert!(bucket.listing().is_empty());

    deploy_ok(&server, &site, &[]);
    site.edit("guide/page-000.md", "Changé.");
    std::fs::remove_file(site.path().join("guide/page-001.md")).unwrap();
    site.build();
    let before = bucket.listing();
    let (output, stdout, stderr) = run(deploy_command(&server, &site, &["--dry-run", "--delete"]));
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("upload  changed") && stdout.contains("docs/guide/page-000/index.html"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("delete") && l.ends_with("docs/guide/page-001/index.html")),
        "{stdout}"
    );
    assert!(stdout.contains("skip"), "{stdout}");
    let uploads = stdout.lines().filter(|l| l.starts_with("upload  ")).count();
    assert!(
        stdout.contains(&format!("upload {uploads} (")),
        "totals agree with the lines: {stdout}"
    );
    assert_eq!(bucket.listing(), before, "a dry run changed the bucket");
}

#[test]
fn wrong_credentials_fail_naming_the_cause() {
    // This server checks signatures against its own (empty) set of users.
    let Some(server) = S3Server::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]) else {
        return;
    };
    let site = Site::new(1);
    let (output, _, stderr) = run(deploy_command(&server, &site, &[]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the credentials were refused"), "{stderr}");
    assert!(
        stderr.contains("s3://site/docs/"),
        "names what it was doing: {stderr}"
    );
    assert!(stderr.contains("from the environment"), "{stderr}");
}

/// Creates a user without any permission on a server that lets exactly three requests through
/// unchecked (these three), and returns its key pair.
fn user_without_permissions(server: &S3Server) -> (String, String) {
    // Unsigned IAM calls: moto routes by the service named in the Authorization header.
    let iam = |action: &str| {
        carnet::net::install_tls_provider();
        reqwest::blocking::Client::new()
            .post(format!("{}/", server.endpoint))
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/iam/aws4_request, \
                 SignedHeaders=host, Signature=0",
            )
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!(
                "Action={action}&UserName=reader&Version=2010-05-08"
            ))
            .send()
            .and_then(|r| r.error_for_status())
            .expect("IAM call")
            .text()
            .expect("IAM answer")
    };
    iam("CreateUser");
    let answer = iam("CreateAccessKey");
    let element = |name: &str| {
        let start = answer.find(&format!("<{name}>")).expect(name) + name.len() + 2;
        let end = answer[start..].find('<').expect(name) + start;
        answer[start..end].to_string()
    };
    server.create_bucket(BUCKET);
    (element("AccessKeyId"), element("SecretAccessKey"))
}

#[test]
fn valid_credentials_without_permission_fail_with_access_denied() {
    let Some(server) = S3Server::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "3")]) else {
        return;
    };
    let (key_id, secret) = user_without_permissions(&server);
    let site = Site::new(1);
    // At the bucket's root: moto checks signatures of prefixed listings differently from AWS.
    let mut cmd = Command::cargo_bin("carnet").expect("binary built");
    cmd.args(["deploy", "s3://site"])
        .arg(site.path())
        .args(["--endpoint", &server.endpoint]);
    with_test_credentials(&mut cmd, site.path());
    cmd.env("AWS_ACCESS_KEY_ID", &key_id)
        .env("AWS_SECRET_ACCESS_KEY", &secret);
    let (output, stdout, stderr) = run(cmd);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("s3://site/: access denied"), "{stderr}");
    assert!(!stderr.contains(&secret) && !stdout.contains(&secret));
}

#[test]
fn an_unreachable_host_and_missing_credentials_are_named() {
    let site = Site::new(1);
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let mut cmd = Command::cargo_bin("carnet").expect("binary built");
    cmd.args(["deploy", "s3://site/docs"])
        .arg(site.path())
        .args(["--endpoint", &format!("http://127.0.0.1:{port}")]);
    with_test_credentials(&mut cmd, site.path());
    let (output, _, stderr) = run(cmd);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot reach http://127.0.0.1:{port}")),
        "{stderr}"
    );

    let mut cmd = Command::cargo_bin("carnet").expect("binary built");
    cmd.args(["deploy", "s3://site/docs"]).arg(site.path());
    with_test_credentials(&mut cmd, site.path());
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let (output, _, stderr) = run(cmd);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no credentials"), "{stderr}");
}

#[test]
fn a_folder_that_is_not_a_built_site_is_refused() {
    let tmp = site_with(&[("README.md", "# Pas construit\n")]);
    let mut cmd = Command::cargo_bin("carnet").expect("binary built");
    cmd.args(["deploy", "s3://site/docs"]).arg(tmp.path());
    with_test_credentials(&mut cmd, tmp.path());
    let (output, _, stderr) = run(cmd);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("run `carnet build` first"), "{stderr}");
}

/// Starts a deploy that freezes after `n` uploads, waits until the bucket shows them, and kills
/// it: a deploy killed halfway, at a known point.
fn deploy_killed_after(server: &S3Server, bucket: &Bucket, site: &Site, n: usize) {
    let before = bucket.listing();
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("carnet"));
    cmd.arg("deploy")
        .arg(format!("s3://{BUCKET}/{PREFIX}"))
        .arg(site.path())
        .args(["--endpoint", &server.endpoint])
        .env("CARNET_TEST_PAUSE_AFTER_UPLOADS", n.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", site.path())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", SECRET);
    let mut child = cmd.spawn().expect("start carnet deploy");
    let started = Instant::now();
    loop {
        let listing = bucket.listing();
        let changed = listing
            .iter()
            .filter(|(k, etag)| before.get(*k) != Some(*etag))
            .count();
        if changed >= n {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the deploy ended ({status}) before it was killed");
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill the deploy");
    let _ = child.wait();
}

#[test]
fn a_deploy_killed_halfway_is_finished_by_the_next_one() {
    let Some((server, bucket, site)) = setup(30) else {
        return;
    };
    let expected = site.expected_listing();

    // Killed during the first deploy: some objects, no manifest.
    deploy_killed_after(&server, &bucket, &site, 5);
    let partial = bucket.listing();
    assert!(
        !partial.contains_key(MANIFEST),
        "manifest written before the uploads"
    );
    assert!(partial.len() < expected.len(), "{} objects", partial.len());

    let (uploaded, _) = deploy_ok(&server, &site, &[]);
    assert!(uploaded <= expected.len() - 5, "{uploaded} uploaded again");
    assert_eq!(without_manifest(bucket.listing()), expected);

    // Killed while replacing every page: the manifest left behind describes the old site.
    for i in 0..30 {
        let path = site.path().join(format!("guide/page-{i:03}.md"));
        std::fs::write(path, format!("# Page {i}\n\nVersion deux.\n")).unwrap();
    }
    site.build();
    let old_listing = without_manifest(bucket.listing());
    let changed = site
        .expected_listing()
        .iter()
        .filter(|(key, md5)| old_listing.get(*key) != Some(md5))
        .count();
    let manifest_before = bucket.get(MANIFEST).0;
    deploy_killed_after(&server, &bucket, &site, 4);
    assert_eq!(
        bucket.get(MANIFEST).0,
        manifest_before,
        "manifest rewritten too early"
    );
    assert_ne!(without_manifest(bucket.listing()), site.expected_listing());

    let (uploaded, _) = deploy_ok(&server, &site, &[]);
    assert!(
        uploaded <= changed - 4,
        "{uploaded} of {changed} uploaded again"
    );
    // Every file of the new site is there; what remains of the old one (a search shard whose
    // words are gone) waits for `--delete`, and no current file refers to it.
    let mut listing = without_manifest(bucket.listing());
    let stale: Vec<String> = listing
        .keys()
        .filter(|k| !site.expected_listing().contains_key(*k))
        .cloned()
        .collect();
    assert!(stale.iter().all(|k| k.contains("/search/t/")), "{stale:?}");
    for key in &stale {
        listing.remove(key);
    }
    assert_eq!(listing, site.expected_listing());
    let (again, _) = deploy_ok(&server, &site, &[]);
    assert_eq!(again, 0);
}
