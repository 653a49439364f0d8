//! Warm work: a second cold process on an unchanged site (the build cache, `.carnet-cache/`),
//! and `carnet build --watch` bringing the output up to date after a body edit.
//!
//! Run with `cargo bench --bench warm`. The corpus is the shared generator's with distinct code
//! lines (`gen_corpus.py --pages N --flavor gitbook --distinct-code`, cached under
//! `target/bench-corpus/`; `CARNET_CORPUS_GEN` to point elsewhere), copied to tmpfs when there
//! is one. Options (environment): `CARNET_BENCH_PAGES=10000`, `CARNET_BENCH_RUNS=3` (pairs of
//! first and second builds; 0 skips them), `CARNET_BENCH_EDITS=15` (watch samples; 0 skips
//! the watch).
//!
//! - **Cache**: each run deletes the cache and the output, builds (the first process), then
//!   builds again (the second), then removes the output folder and builds a third time (a
//!   second process as in CI, which restores `.carnet-cache/` but starts without `public/`).
//!   Reported: medians of wall time and of CPU time (user + system, of the process: steadier
//!   than wall time on a shared machine), and the ratios of each second process to the first.
//! - **Watch**: `carnet build --watch` on the copy; each sample appends a marker to a page and
//!   polls (every millisecond) the page's output file until the marker is there: the time from
//!   the save to the bytes on disk, debounce included (`--debounce 0`, as a save is a single
//!   completed write; `CARNET_BENCH_DEBOUNCE` to change), and the time until the whole output
//!   is in sync (the page, its Markdown, `llms-full.txt` and the search index: the watcher prints
//!   its `rebuilt … wrote N files` line once everything is written). Also reported: the files
//!   written per edit, from that line.

#[path = "common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pages = env_number("CARNET_BENCH_PAGES", 10_000);
    let runs = env_number("CARNET_BENCH_RUNS", 3);
    let edits = env_number("CARNET_BENCH_EDITS", 15);
    let debounce = env_number("CARNET_BENCH_DEBOUNCE", 0);
    let generator = common::corpus_generator();
    let corpus = manifest.join(format!("target/bench-corpus/{pages}-gitbook-distinct"));
    if !corpus.join("SUMMARY.md").exists() {
        let _ = std::fs::remove_dir_all(&corpus);
        let status = Command::new("python3")
            .arg(&generator)
            .args(["--pages", &pages.to_string(), "--flavor", "gitbook"])
            .arg("--distinct-code")
            .arg("--out")
            .arg(&corpus)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!(
                "cannot generate the corpus with {} (set CARNET_CORPUS_GEN)",
                generator.display()
            );
            std::process::exit(1);
        }
    }
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let work = base.join(format!("carnet-warm-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    copy_tree(&corpus, &work);
    let carnet = PathBuf::from(env!("CARGO_BIN_EXE_carnet"));

    println!(
        "{pages} pages (gitbook, --distinct-code), {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    if runs > 0 {
        cache_runs(&carnet, &work, runs);
    }
    if edits > 0 {
        watch_edits(&carnet, &work, edits.max(3), debounce);
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// One build process: wall time and CPU time (user + system).
fn build_once(carnet: &Path, site: &Path) -> (Duration, Duration) {
    let cpu_before = children_cpu();
    let started = Instant::now();
    let output = Command::new(carnet)
        .args(["build", "-q"])
        .arg(site)
        .output()
        .expect("carnet runs");
    let wall = started.elapsed();
    assert!(
        output.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (wall, children_cpu().saturating_sub(cpu_before))
}

fn cache_runs(carnet: &Path, site: &Path, runs: usize) {
    let (mut first, mut second, mut ci) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(site.join(".carnet-cache"));
        let _ = std::fs::remove_dir_all(site.join("public"));
        first.push(build_once(carnet, site));
        second.push(build_once(carnet, site));
        // As in CI: the cache restored, the output folder not.
        let _ = std::fs::remove_dir_all(site.join("public"));
        ci.push(build_once(carnet, site));
    }
    let median = |samples: &[(Duration, Duration)], pick: fn(&(Duration, Duration)) -> Duration| {
        let mut values: Vec<Duration> = samples.iter().map(pick).collect();
        values.sort();
        values[values.len() / 2]
    };
    let (w1, c1) = (median(&first, |s| s.0), median(&first, |s| s.1));
    let cache_mb = dir_size(&site.join(".carnet-cache")) / (1 << 20);
    println!(
        "build cache, {runs} runs, median: first process {:.2} s wall / {:.2} s CPU; cache {cache_mb} MB",
        w1.as_secs_f64(),
        c1.as_secs_f64(),
    );
    for (case, samples) in [
        ("second process, previous output present", &second),
        ("second process without the output folder (CI)", &ci),
    ] {
        let (w2, c2) = (median(samples, |s| s.0), median(samples, |s| s.1));
        println!(
            "build cache, {case}: {:.2} s wall / {:.2} s CPU; ratio {:.2}x wall, {:.2}x CPU",
            w2.as_secs_f64(),
            c2.as_secs_f64(),
            w1.as_secs_f64() / w2.as_secs_f64(),
            c1.as_secs_f64() / c2.as_secs_f64(),
        );
    }
}

fn watch_edits(carnet: &Path, site: &Path, edits: usize, debounce: usize) {
    let mut watcher = Command::new(carnet)
        .args(["build", "--watch", "--debounce", &debounce.to_string()])
        .arg(site)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("carnet build --watch starts");
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stdout = watcher.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    wait_line(&lines, |l| l.starts_with("watching"));
    println!(
        "build --watch ready in {:.2} s (first build, from the cache)",
        started.elapsed().as_secs_f64()
    );
    let page = "comprendre-les-secrets";
    let source = site.join(format!("{page}.md"));
    let output = site.join(format!("public/{page}/index.html"));
    let original = std::fs::read_to_string(&source).unwrap_or_default();
    let mut latencies = Vec::with_capacity(edits);
    let mut in_sync = Vec::with_capacity(edits);
    let mut written = Vec::with_capacity(edits);
    for i in 0..edits {
        let marker = format!("marqueur-corps-{i}-{}", std::process::id());
        let saved = Instant::now();
        std::fs::write(&source, format!("{original}\n{marker}\n")).expect("write the page");
        loop {
            if std::fs::read_to_string(&output).is_ok_and(|html| html.contains(&marker)) {
                break;
            }
            assert!(
                saved.elapsed() < Duration::from_secs(60),
                "the edit never reached the disk"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        latencies.push(saved.elapsed());
        let line = wait_line(&lines, |l| l.starts_with("rebuilt"));
        in_sync.push(saved.elapsed());
        written.push(
            line.split("wrote ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(usize::MAX),
        );
        // Let the file system's clock move on between samples.
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::write(&source, original);
    let _ = watcher.kill();
    let _ = watcher.wait();
    latencies.sort();
    in_sync.sort();
    written.sort();
    println!(
        "build --watch, body edit to disk, {edits} samples: median {:.1} ms (min {:.1}, max {:.1}); files written per edit: median {}, max {}",
        latencies[edits / 2].as_secs_f64() * 1e3,
        latencies[0].as_secs_f64() * 1e3,
        latencies[edits - 1].as_secs_f64() * 1e3,
        written[edits / 2],
        written[edits - 1],
    );
    println!(
        "build --watch, body edit to the whole output in sync (page and search index), {edits} samples: median {:.1} ms (min {:.1}, max {:.1})",
        in_sync[edits / 2].as_secs_f64() * 1e3,
        in_sync[0].as_secs_f64() * 1e3,
        in_sync[edits - 1].as_secs_f64() * 1e3,
    );
}

fn wait_line(lines: &mpsc::Receiver<String>, found: impl Fn(&str) -> bool) -> String {
    loop {
        match lines.recv_timeout(Duration::from_secs(600)) {
            Ok(line) if found(&line) => return line,
            Ok(_) => {}
            Err(_) => panic!("carnet build --watch stopped talking"),
        }
    }
}

/// CPU time (user + system) of the children waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
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
        if rel.starts_with(".carnet-cache") || rel.starts_with("public") {
            continue;
        }
        let target = to.join(rel);
        if let Some(parent) = target.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::copy(&entry, &target);
    }
}

fn dir_size(dir: &Path) -> u64 {
    common::walk(dir)
        .iter()
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|meta| meta.len())
        .sum()
}
