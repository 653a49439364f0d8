//! What browser tests need: a built site served over HTTP on 127.0.0.1, and a headless Chromium
//! driven through ChromeDriver (Debian's `chromium` and `chromium-driver`, installed by
//! `.ci/run`). A missing browser fails the tests with a message saying what to install, unless
//! `CARNET_SKIP_BROWSER=1` says to skip them.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tempfile::TempDir;

/// One browser at a time: the machine has two cores, and parallel Chromiums make every test
/// slower and flakier.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

pub fn skip() -> bool {
    std::env::var_os("CARNET_SKIP_BROWSER").is_some_and(|v| v == "1")
}

/// A site's output served by a small static server (pretty URLs, the site's 404 page).
pub struct Served {
    pub port: u16,
}

impl Served {
    pub fn start(root: &Path) -> Served {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                std::thread::spawn(move || serve_one(stream, &root));
            }
        });
        Served { port }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

fn serve_one(mut stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let raw_path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = raw_path.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut file = root.to_path_buf();
    let mut safe = true;
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        if part == ".." {
            safe = false;
        }
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let (status, body, file) = match std::fs::read(&file) {
        Ok(body) if safe => ("200 OK", body, file),
        _ => (
            "404 Not Found",
            std::fs::read(root.join("404.html")).unwrap_or_default(),
            root.join("404.html"),
        ),
    };
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js" | "mjs") => "text/javascript",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("md") => "text/markdown; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// A headless Chromium session with its own profile and its own ChromeDriver.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
    _turn: MutexGuard<'static, ()>,
}

fn find_program(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        return Some(PathBuf::from(path));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

impl Browser {
    // The lock serialises tests that run on different threads, each with its own runtime: holding
    // it across awaits is the point.
    #[allow(clippy::await_holding_lock)]
    pub async fn start(width: u32, height: u32) -> Browser {
        let turn = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
        // reqwest and fantoccini each bring a rustls backend; say which one this process uses.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let driver_path = find_program("CHROMEDRIVER", &["/usr/bin/chromedriver"]).expect(
            "ChromeDriver not found: install Debian's chromium and chromium-driver (.ci/run does), \
             set CHROMEDRIVER, or set CARNET_SKIP_BROWSER=1 to skip browser tests",
        );
        let chromium = find_program(
            "CHROMIUM",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        )
        .expect("Chromium not found: install Debian's chromium (.ci/run does) or set CHROMIUM");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port for ChromeDriver");
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ChromeDriver starts");
        let profile = tempfile::tempdir().expect("profile folder");
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--allow-file-access-from-files",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        });
        // Desktop windows cannot be narrower than 500 px: phones are emulated.
        let mut capabilities = capabilities;
        if width < 500 {
            capabilities["goog:chromeOptions"]["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2.0, "touch": true }
            });
        }
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let attempt = ClientBuilder::rustls()
                .expect("TLS roots")
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await;
            match attempt {
                Ok(client) => break client,
                Err(err) if Instant::now() > deadline => {
                    panic!("cannot start a Chromium session through ChromeDriver: {err}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Browser {
            client,
            driver,
            _profile: profile,
            _turn: turn,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("page loads");
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits (up to 10 s) until `script` returns something truthy, and returns it.
    pub async fn wait_for(&self, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let value = self.js(script).await;
            let truthy = !matches!(value, Value::Null | Value::Bool(false))
                && value != json!("")
                && value != json!(0);
            if truthy {
                return value;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for: {script}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends keys to whatever has focus, as a keyboard would.
    pub async fn keys(&self, keys: &str) {
        let active = self
            .client
            .active_element()
            .await
            .expect("a focused element");
        active.send_keys(keys).await.expect("keys sent");
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .click()
            .await
            .expect("click");
    }

    /// axe-core's WCAG 2.1 A and AA violations on the current page (rule id and targets).
    pub async fn axe_violations(&self) -> Vec<String> {
        let axe = axe_source();
        self.client
            .execute(&axe, Vec::new())
            .await
            .expect("axe-core loads");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                   .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ') + ' (' + n.failureSummary + ')').join('; '))))
                   .catch(e => done(['axe failed: ' + e]));",
                Vec::new(),
            )
            .await
            .expect("axe-core runs");
        serde_json::from_value(result).unwrap_or_default()
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // A test that failed never closed its session: ChromeDriver, killed, leaves its
        // Chromium running. Its processes are the ones using this session's profile.
        kill_processes_using(self._profile.path());
    }
}

/// Kills (Linux) every process whose command line names `profile`.
fn kill_processes_using(profile: &Path) {
    let needle = format!("--user-data-dir={}", profile.display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(&needle) {
            // SAFETY: kill(2) with a pid read from /proc; at worst the process is gone.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    let mut source = String::new();
    std::fs::File::open(&path)
        .and_then(|mut f| f.read_to_string(&mut source))
        .unwrap_or_else(|e| {
            panic!(
                "axe-core not found at {} ({e}): run `npm ci --prefix tests/browser` (.ci/run does)",
                path.display()
            )
        });
    source
}

/// Runs an async browser test on a small runtime of its own.
pub fn run<F: std::future::Future<Output = ()>>(test: F) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(test);
}
