//! The deploy tests' harness: a real S3 server (moto's `moto_server`) on 127.0.0.1, the bucket
//! as the S3 API shows it, a small built site, and `carnet deploy` run as users run it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use crate::common::*;
use assert_cmd::Command;
use carnet::deploy::local::md5_hex;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};
use tempfile::TempDir;

pub(super) const BUCKET: &str = "site";
pub(super) const PREFIX: &str = "docs";
pub(super) const MANIFEST: &str = "docs/.carnet-manifest.json";
/// Not a real secret; the tests check it never shows up in output.
pub(super) const SECRET: &str = "test-secret-never-printed";

/// A `moto_server` process, killed when dropped.
pub(super) struct S3Server {
    child: Child,
    pub(super) endpoint: String,
    /// Write requests (PUT, POST, DELETE) in the server's request log so far.
    writes: Arc<AtomicUsize>,
}

impl S3Server {
    /// Starts a server, or returns `None` when `CARNET_SKIP_S3=1` and it is not installed.
    pub(super) fn start(extra_env: &[(&str, &str)]) -> Option<Self> {
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
    pub(super) fn writes(&self) -> usize {
        std::thread::sleep(Duration::from_millis(300));
        self.writes.load(Ordering::SeqCst)
    }

    pub(super) fn create_bucket(&self, bucket: &str) {
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
pub(super) struct Bucket {
    store: AmazonS3,
    runtime: tokio::runtime::Runtime,
}

impl Bucket {
    pub(super) fn new(server: &S3Server) -> Self {
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
    pub(super) fn listing(&self) -> BTreeMap<String, String> {
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
    pub(super) fn get(&self, key: &str) -> (Vec<u8>, String, String) {
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
pub(super) struct Site {
    pub(super) tmp: TempDir,
}

impl Site {
    pub(super) fn new(pages: usize) -> Self {
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

    /// A site of `files`, built.
    pub(super) fn with(files: &[(&str, &str)]) -> Self {
        let site = Site {
            tmp: site_with(files),
        };
        site.build();
        site
    }

    pub(super) fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub(super) fn out(&self) -> PathBuf {
        self.path().join("public")
    }

    pub(super) fn build(&self) {
        let report = carnet::build::build(&options(self.path()));
        assert!(report.succeeded(), "{:?}", report.diagnostics);
    }

    /// Rewrites a page's body (keeping its title) and rebuilds.
    pub(super) fn edit(&self, rel: &str, body: &str) {
        let path = self.path().join(rel);
        let text = std::fs::read_to_string(&path).expect("page");
        let title = text.lines().next().unwrap_or("# Page");
        std::fs::write(&path, format!("{title}\n\n{body}\n")).expect("edit page");
        self.build();
    }

    /// Output-relative path → MD5 of every output file but the plan file and the output's
    /// marker (carnet's own, which a deploy reads or skips and does not publish).
    pub(super) fn files(&self) -> BTreeMap<String, String> {
        let out = self.out();
        walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.expect("output entry"))
            .filter(|e| e.file_type().is_file())
            .filter(|e| {
                e.file_name() != carnet::render::PLAN_FILE
                    && e.file_name() != carnet::output::MARKER
            })
            .map(|e| {
                let rel = e.path().strip_prefix(&out).expect("inside output");
                let bytes = std::fs::read(e.path()).expect("output file");
                (rel.to_string_lossy().replace('\\', "/"), md5_hex(&bytes))
            })
            .collect()
    }

    /// What the bucket must hold: every output file under the prefix, with its MD5 as ETag.
    pub(super) fn expected_listing(&self) -> BTreeMap<String, String> {
        self.files()
            .into_iter()
            .map(|(rel, md5)| (format!("{PREFIX}/{rel}"), md5))
            .collect()
    }
}

/// The listing without the manifest (whose ETag is not a file's).
pub(super) fn without_manifest(mut listing: BTreeMap<String, String>) -> BTreeMap<String, String> {
    listing.remove(MANIFEST);
    listing
}

pub(super) fn deploy_command(server: &S3Server, site: &Site, extra: &[&str]) -> Command {
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
pub(super) fn with_test_credentials(cmd: &mut Command, home: &Path) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", SECRET);
}

pub(super) fn run(mut cmd: Command) -> (Output, String, String) {
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
pub(super) fn deploy_ok(server: &S3Server, site: &Site, extra: &[&str]) -> (usize, String) {
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
pub(super) fn setup(pages: usize) -> Option<(S3Server, Bucket, Site)> {
    let server = S3Server::start(&[])?;
    server.create_bucket(BUCKET);
    let bucket = Bucket::new(&server);
    Some((server, bucket, Site::new(pages)))
}
