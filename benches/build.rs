//! Cold full builds of generated corpora: pages/s and peak memory.
//!
//! Run with `cargo bench --bench build`. Corpora come from the shared generator
//! (`python3 ../shared/tools/gen_corpus.py --pages N --flavor plain`; set `CARNET_CORPUS_GEN` to
//! point elsewhere) and are cached under `target/bench-corpus/`. Each measurement runs the real
//! `carnet` binary in a fresh process with no previous output (a cold build, as the peers are
//! measured), several times; the median is reported, with the peak resident memory of the runs.
//! Output goes to tmpfs (`/dev/shm`) when there is one, which isolates carnet's own cost from
//! the disk, and to the target folder's disk as well.
//!
//! Options (environment): `CARNET_BENCH_PAGES=1000,10000`, `CARNET_BENCH_RUNS=5`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generator = std::env::var_os("CARNET_CORPUS_GEN")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared/tools/gen_corpus.py"));
    if !generator.exists() {
        eprintln!(
            "corpus generator not found at {} (set CARNET_CORPUS_GEN)",
            generator.display()
        );
        std::process::exit(1);
    }
    let sizes = env_list("CARNET_BENCH_PAGES", &[1_000, 10_000]);
    let runs = env_list("CARNET_BENCH_RUNS", &[5])[0].max(1);
    let carnet = PathBuf::from(env!("CARGO_BIN_EXE_carnet"));
    let corpus_root = manifest.join("target/bench-corpus");

    let mut outputs = vec![("disk", manifest.join("target/bench-out"))];
    if Path::new("/dev/shm").is_dir() {
        outputs.insert(0, ("tmpfs", PathBuf::from("/dev/shm/carnet-bench-out")));
    }
    println!(
        "carnet cold build, {runs} runs each, median; {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for pages in sizes {
        let corpus = ensure_corpus(&generator, &corpus_root, pages);
        for (medium, out) in &outputs {
            let result = measure(&carnet, &corpus, out, runs);
            println!(
                "{pages:>6} pages, output on {medium:<5}: {:>6.3} s (min {:.3}, max {:.3}), {:>6.0} pages/s, peak RSS {:>4} MB, {}",
                result.median.as_secs_f64(),
                result.min.as_secs_f64(),
                result.max.as_secs_f64(),
                pages as f64 / result.median.as_secs_f64(),
                result.peak_rss_kb / 1024,
                result.phases,
            );
            let _ = std::fs::remove_dir_all(out);
        }
    }
}

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect::<Vec<usize>>()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

fn ensure_corpus(generator: &Path, root: &Path, pages: usize) -> PathBuf {
    let dir = root.join(format!("{pages}-plain"));
    if dir.join("SUMMARY.md").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new("python3")
        .arg(generator)
        .args(["--pages", &pages.to_string(), "--flavor", "plain", "--out"])
        .arg(&dir)
        .status()
        .expect("python3 runs the corpus generator");
    assert!(status.success(), "corpus generation failed");
    dir
}

struct Measurement {
    median: Duration,
    min: Duration,
    max: Duration,
    peak_rss_kb: u64,
    /// The `--timings` line of the median run.
    phases: String,
}

fn measure(carnet: &Path, corpus: &Path, out: &Path, runs: usize) -> Measurement {
    let mut samples = Vec::with_capacity(runs);
    let mut peak_rss_kb = 0;
    let trash = out.with_extension("trash");
    let _ = std::fs::remove_dir_all(&trash);
    for run in 0..runs {
        // As the peers' harness does: move the previous output aside (constant time) rather than
        // deleting it, so the file system does not have to work around just-freed inodes.
        if out.exists() {
            let _ = std::fs::create_dir_all(&trash);
            let _ = std::fs::rename(out, trash.join(run.to_string()));
        }
        let started = Instant::now();
        let output = Command::new(carnet)
            // Cold: the build cache would make every run after the first a warm one
            // (`benches/warm.rs` measures that).
            .args(["build", "-q", "--timings", "--no-cache", "-o"])
            .arg(out)
            .arg(corpus)
            .output()
            .expect("carnet runs");
        let took = started.elapsed();
        assert!(
            output.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        peak_rss_kb = peak_rss_kb.max(children_peak_rss_kb());
        let phases = String::from_utf8_lossy(&output.stderr)
            .lines()
            .find(|l| l.starts_with("phases:"))
            .unwrap_or("")
            .to_string();
        samples.push((took, phases));
    }
    let _ = std::fs::remove_dir_all(&trash);
    samples.sort_by_key(|(took, _)| *took);
    let (median, phases) = samples[samples.len() / 2].clone();
    Measurement {
        median,
        min: samples[0].0,
        max: samples[samples.len() - 1].0,
        peak_rss_kb,
        phases,
    }
}

/// Peak resident memory of the largest child process waited for so far, in KiB (Linux).
fn children_peak_rss_kb() -> u64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    if rc == 0 {
        usage.ru_maxrss.max(0) as u64
    } else {
        0
    }
}
