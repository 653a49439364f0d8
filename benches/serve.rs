//! `carnet serve` latency: from a saved file to the updated HTML being served, on a generated
//! corpus, and the server's peak memory (with the search index and `llms-full.txt` asked for,
//! as a reader would).
//!
//! Run with `cargo bench --bench serve` (corpus as for `benches/build.rs`, default 10,000 pages;
//! `CARNET_BENCH_PAGES`, `CARNET_BENCH_RUNS=15`). The corpus is copied to a temporary folder;
//! the real binary serves it on 127.0.0.1; each sample writes a file and polls (every 2 ms) the
//! page that must show the change, so a sample includes the debounce (50 ms by default,
//! `CARNET_BENCH_DEBOUNCE` to change it).

#[path = "common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pages = env_number("CARNET_BENCH_PAGES", 10_000);
    let runs = env_number("CARNET_BENCH_RUNS", 15).max(3);
    let debounce = env_number("CARNET_BENCH_DEBOUNCE", 50);
    let corpus = manifest.join(format!("target/bench-corpus/{pages}-plain"));
    if !corpus.join("SUMMARY.md").exists() {
        eprintln!(
            "no corpus at {}: run `cargo bench --bench build` first (it generates it)",
            corpus.display()
        );
        std::process::exit(1);
    }
    let work = std::env::temp_dir().join(format!("carnet-serve-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    copy_tree(&corpus, &work);

    let mut server = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("serve")
        .arg(&work)
        .args(["--port", "0", "--debounce", &debounce.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("carnet serve starts");
    let pid = server.id();
    let started = Instant::now();
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let port: u16 = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.split("http://127.0.0.1:")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .and_then(|p| p.parse().ok())
        })
        .expect("the server prints its address");
    println!(
        "carnet serve, {pages} pages: ready in {:.2} s; {runs} samples each, debounce {debounce} ms",
        started.elapsed().as_secs_f64()
    );
    std::thread::spawn(move || for _ in lines {});

    let page = "comprendre-les-secrets";
    let source = work.join(format!("{page}.md"));
    let original = std::fs::read_to_string(&source).unwrap_or_default();
    get(port, &format!("/{page}/"));
    get(port, "/");
    // What readers ask for besides pages, so the peak counts them: the search index (made on
    // the first request for one of its files, then kept and updated on each save) and the
    // whole site's Markdown.
    get(port, "/search/meta.js");
    get(port, "/llms-full.txt");

    let body = sample(runs, |i| {
        let marker = format!("marqueur-corps-{i}");
        std::fs::write(&source, format!("{original}\n{marker}\n")).ok();
        wait(port, &format!("/{page}/"), &marker)
    });
    report("body edit (the page itself)", &body);

    let heading = sample(runs, |i| {
        // A new section heading: the page's anchors change, so the site is assembled again.
        let marker = format!("Section ajoutée {i}");
        std::fs::write(&source, format!("{original}\n## {marker}\n\nTexte.\n")).ok();
        wait(port, &format!("/{page}/"), &format!(">{marker}<"))
    });
    report(
        "heading edit (new anchor: the site is assembled again)",
        &heading,
    );

    let summary_path = work.join("SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path).unwrap_or_default();
    let title = sample(runs, |i| {
        let label = format!("Secrets {i}");
        std::fs::write(
            &summary_path,
            summary.replace("[Comprendre les secrets]", &format!("[{label}]")),
        )
        .ok();
        wait(port, "/", &format!(">{label}<"))
    });
    report(
        "title edit (SUMMARY label, seen in another page's sidebar)",
        &title,
    );

    let restructure = sample(runs, |i| {
        // Move the page to the end of the top-level list, or back: every page's nav changes.
        let line = "* [Comprendre les secrets](comprendre-les-secrets.md)\n";
        let moved = if i % 2 == 0 {
            summary.replacen(line, "", 1).replacen(
                "\n## Ressources",
                &format!("{line}\n## Ressources"),
                1,
            )
        } else {
            summary.clone()
        };
        let label = format!("Secrets déplacés {i}");
        let moved = moved.replace("[Comprendre les secrets]", &format!("[{label}]"));
        std::fs::write(&summary_path, moved).ok();
        wait(port, &format!("/{page}/"), &label)
    });
    report("SUMMARY.md restructure (the moved page)", &restructure);

    let peak = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .unwrap_or(0);
    println!("server peak memory: {} MB", peak / 1024);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&work);
}

fn sample(runs: usize, mut one: impl FnMut(usize) -> Duration) -> Vec<Duration> {
    let mut samples: Vec<Duration> = (0..runs)
        .map(|i| {
            // Let the previous change settle so samples do not overlap.
            std::thread::sleep(Duration::from_millis(150));
            one(i)
        })
        .collect();
    samples.sort();
    samples
}

fn report(what: &str, samples: &[Duration]) {
    let median = samples[samples.len() / 2];
    let p95 = samples[(samples.len() * 95 / 100).min(samples.len() - 1)];
    println!(
        "{what:<60} median {:>6.1} ms, p95 {:>6.1} ms",
        median.as_secs_f64() * 1000.0,
        p95.as_secs_f64() * 1000.0
    );
}

/// Polls `path` until its body contains `needle`; the time since the call.
fn wait(port: u16, path: &str, needle: &str) -> Duration {
    let started = Instant::now();
    loop {
        if get(port, path).contains(needle) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{path} never showed {needle}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn get(port: u16, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return String::new();
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in common::walk(from) {
        let rel = entry.strip_prefix(from).unwrap_or(&entry);
        let target = to.join(rel);
        if let Some(parent) = target.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::copy(&entry, &target);
    }
}
