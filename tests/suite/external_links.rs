//! `carnet check --external` against a real HTTP server on 127.0.0.1 that answers 200, 404, 429
//! with `Retry-After`, refuses HEAD, and hangs.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;
use assert_cmd::Command;

/// Requests seen, by method and path.
type Hits = Arc<Mutex<HashMap<String, usize>>>;

fn serve() -> (String, Hits) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let hits: Hits = Arc::default();
    let seen = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let mut parts = request.split_whitespace();
                let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let count = {
                    let mut seen = seen.lock().expect("lock");
                    let count = seen.entry(format!("{method} {path}")).or_insert(0);
                    *count += 1;
                    *count
                };
                let response = match (method, path) {
                    (_, "/ok") => "200 OK\r\n".to_string(),
                    (_, "/missing") => "404 Not Found\r\n".to_string(),
                    (_, "/busy") if count == 1 => {
                        "429 Too Many Requests\r\nRetry-After: 1\r\n".to_string()
                    }
                    (_, "/busy") => "200 OK\r\n".to_string(),
                    (_, "/always-busy") => {
                        "503 Service Unavailable\r\nRetry-After: 1\r\n".to_string()
                    }
                    ("HEAD", "/no-head") => "405 Method Not Allowed\r\n".to_string(),
                    ("GET", "/no-head") => "200 OK\r\n".to_string(),
                    (_, "/hang") => {
                        std::thread::sleep(Duration::from_secs(30));
                        return;
                    }
                    _ => "500 Internal Server Error\r\n".to_string(),
                };
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {response}Content-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    (base, hits)
}

fn site(base: &str) -> tempfile::TempDir {
    let page = format!(
        "# Liens\n\n* [ok]({base}/ok)\n* [absent]({base}/missing)\n* [occupé]({base}/busy)\n* [saturé]({base}/always-busy)\n* [sans HEAD]({base}/no-head)\n* [bloqué]({base}/hang)\n* [ignoré]({base}/skipped/page)\n\nEncore [ok]({base}/ok#section).\n"
    );
    site_with(&[("README.md", &page)])
}

fn check(site: &std::path::Path, extra: &[&str]) -> (Vec<serde_json::Value>, Duration) {
    let started = Instant::now();
    let output = Command::cargo_bin("carnet")
        .expect("binary")
        .args([
            "check",
            "--format",
            "json",
            "--external",
            "--external-timeout",
            "2",
        ])
        .args(extra)
        .arg(site)
        .output()
        .expect("run");
    let lines = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    (lines, started.elapsed())
}

#[test]
fn external_links_are_checked_politely_and_cached() {
    let (base, hits) = serve();
    let tmp = site(&base);
    let skip = format!("{base}/skipped/");
    let (found, took) = check(tmp.path(), &["--external-skip", &skip]);
    let mut problems: Vec<(u64, String)> = found
        .iter()
        .filter(|d| d["code"] == "external-link")
        .map(|d| {
            (
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    problems.sort();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].1.contains("/missing") && problems[0].1.contains("404"));
    assert!(problems[1].1.contains("/always-busy") && problems[1].1.contains("503"));
    assert!(problems[2].1.contains("/hang") && problems[2].1.contains("timeout"));
    assert!(
        took < Duration::from_secs(15),
        "the hanging server is given up on: {took:?}"
    );

    let seen = hits.lock().expect("lock").clone();
    assert_eq!(
        seen.get("HEAD /busy"),
        Some(&2),
        "429 retried after Retry-After"
    );
    assert_eq!(
        seen.get("HEAD /always-busy"),
        Some(&3),
        "two retries, then reported"
    );
    assert_eq!(
        seen.get("GET /no-head"),
        Some(&1),
        "HEAD refused: GET instead"
    );
    assert_eq!(
        seen.get("HEAD /ok"),
        Some(&1),
        "one request per URL, fragments aside"
    );
    assert!(
        !seen.keys().any(|k| k.contains("skipped")),
        "--external-skip"
    );

    // A second run answers from the cache: no request at all.
    let before: usize = hits.lock().expect("lock").values().sum();
    let (again, _) = check(tmp.path(), &["--external-skip", &skip]);
    assert_eq!(
        again
            .iter()
            .filter(|d| d["code"] == "external-link")
            .count(),
        3
    );
    let after: usize = hits.lock().expect("lock").values().sum();
    assert_eq!(before, after, "cached results are not asked again");
    assert!(
        tmp.path()
            .join(".carnet-cache/external-links.json")
            .exists()
    );
}

#[test]
fn external_links_are_never_checked_by_default() {
    let (base, hits) = serve();
    let tmp = site(&base);
    let output = Command::cargo_bin("carnet")
        .expect("binary")
        .arg("check")
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    assert!(hits.lock().expect("lock").is_empty());
}
