//! Cold full builds of generated corpora: time, CPU time and peak memory, per corpus, with
//! Zola's figures from the same run when it is available.
//!
//! Run with `cargo bench --bench build`. Corpora come from the shared generator
//! (`python3 ../shared/tools/gen_corpus.py --flavor plain`; set `CARNET_CORPUS_GEN` to point
//! elsewhere) and are cached under `target/bench-corpus/`:
//!
//! - `usual`: the generator's default, where ~2,500 distinct code lines repeat ~280,000 times in
//!   10,000 pages (it flatters any per-line highlight cache);
//! - `distinct`: the same with `--distinct-code`, every code line ending with a unique comment,
//!   as in real documentation.
//!
//! Each measurement runs the real `carnet` binary in a fresh process with no previous output (a
//! cold build, as the peers are measured), several times, the tools taking turns so a slow
//! minute of a shared machine weighs on all of them; the median time is reported with the
//! process's own CPU time and peak resident memory (`wait4`, per process). Output goes to tmpfs
//! (`/dev/shm`) when there is one, which isolates the tools' own cost from the disk.
//!
//! With `ZOLA=path/to/zola` (0.21, syntect), the same corpus is laid out for Zola by the peers'
//! adapter (`../shared/tools/peers/zola.sh`, next to the generator; Zola's search index off, its
//! syntect highlighting on) and built in the same run.
//!
//! Options (environment): `CARNET_BENCH_PAGES=1000,10000`, `CARNET_BENCH_RUNS=3`,
//! `CARNET_BENCH_CORPORA=usual,distinct`, `CARNET_BENCH_BASELINE=path/to/an/older/carnet` (built
//! in the same run, taking turns with the others: before and after a change on a shared
//! machine, where only ratios within one run mean anything).

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A corpus the benchmark builds: its name and the generator's extra flags.
const CORPORA: &[(&str, &[&str])] = &[("usual", &[]), ("distinct", &["--distinct-code"])];

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generator = common::corpus_generator();
    let sizes: Vec<usize> = env_list("CARNET_BENCH_PAGES", "1000,10000")
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    let runs = env_list("CARNET_BENCH_RUNS", "3")
        .first()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(3)
        .max(1);
    let wanted = env_list("CARNET_BENCH_CORPORA", "usual,distinct");
    let zola = std::env::var_os("ZOLA").map(PathBuf::from);
    let baseline = std::env::var_os("CARNET_BENCH_BASELINE").map(PathBuf::from);
    let carnet = PathBuf::from(env!("CARGO_BIN_EXE_carnet"));
    let corpus_root = manifest.join("target/bench-corpus");
    let out_root = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm/carnet-bench-out")
    } else {
        manifest.join("target/bench-out")
    };

    println!(
        "cold builds, median of {runs} runs, output on {}; {} cores",
        out_root.display(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("{}", Row::HEADER);
    println!("{}", Row::RULE);
    for &pages in &sizes {
        for (name, flags) in CORPORA
            .iter()
            .filter(|(n, _)| wanted.iter().any(|w| w == n))
        {
            let corpus = ensure_corpus(&generator, &corpus_root, pages, name, flags);
            let mut tools = vec![Tool::carnet(&carnet, &corpus, &out_root.join("carnet"))];
            if let Some(baseline) = &baseline {
                let mut before = Tool::carnet(baseline, &corpus, &out_root.join("baseline"));
                before.name = "baseline";
                tools.push(before);
            }
            if let Some(zola) = &zola {
                let work = corpus_root.join(format!("zola-{pages}-{name}"));
                let out = out_root.join("zola");
                tools.push(Tool::zola(zola, &generator, &corpus, &work, &out));
            }
            let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); tools.len()];
            for _ in 0..runs {
                for (tool, samples) in tools.iter().zip(&mut samples) {
                    samples.push(tool.run());
                }
            }
            for (tool, samples) in tools.iter().zip(samples) {
                let row = Row::of(tool.name, name, pages, samples);
                println!("{}", row.line());
                if !row.phases.is_empty() {
                    eprintln!("  carnet {name} {pages}: {}", row.phases);
                }
            }
            let _ = std::fs::remove_dir_all(&out_root);
        }
    }
}

fn env_list(name: &str, default: &str) -> Vec<String> {
    let value = std::env::var(name).unwrap_or_else(|_| default.to_string());
    value
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

fn ensure_corpus(
    generator: &Path,
    root: &Path,
    pages: usize,
    name: &str,
    flags: &[&str],
) -> PathBuf {
    // `-plain` alone is the usual corpus, as earlier versions of this benchmark named it.
    let suffix = if name == "usual" {
        String::new()
    } else {
        format!("-{name}")
    };
    let dir = root.join(format!("{pages}-plain{suffix}"));
    if dir.join("SUMMARY.md").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new("python3")
        .arg(generator)
        .args(["--pages", &pages.to_string(), "--flavor", "plain"])
        .args(flags)
        .arg("--out")
        .arg(&dir)
        .stdout(Stdio::null())
        .status()
        .expect("python3 runs the corpus generator");
    assert!(status.success(), "corpus generation failed");
    dir
}

/// One tool's cold build of one corpus, as a command to run again and again.
struct Tool {
    name: &'static str,
    program: PathBuf,
    args: Vec<std::ffi::OsString>,
    env: Vec<(&'static str, PathBuf)>,
    /// The folder the tool runs in (Zola reads its site from there).
    dir: Option<PathBuf>,
    /// The output folder, moved aside before each run (constant time, as the peers' harness
    /// does, so the file system does not have to work around just-freed inodes).
    out: PathBuf,
}

impl Tool {
    fn carnet(carnet: &Path, corpus: &Path, out: &Path) -> Tool {
        Tool {
            name: "carnet",
            program: carnet.to_path_buf(),
            args: vec![
                "build".into(),
                "-q".into(),
                "--timings".into(),
                // Cold: the build cache would make every run after the first a warm one
                // (`benches/warm.rs` measures that).
                "--no-cache".into(),
                "-o".into(),
                out.into(),
                corpus.into(),
            ],
            env: Vec::new(),
            dir: None,
            out: out.to_path_buf(),
        }
    }

    /// Zola builds the adapter's layout of the corpus into `out`, beside carnet's output: the
    /// adapter's own `build.sh` writes into the work folder (on disk), which made Zola's runs pay
    /// for a disk carnet's runs on tmpfs did not, and made its times swing with the disk's state.
    fn zola(zola: &Path, generator: &Path, corpus: &Path, work: &Path, out: &Path) -> Tool {
        if !work.join("build.sh").exists() {
            let adapter = generator
                .parent()
                .map(|tools| tools.join("peers/zola.sh"))
                .expect("the generator is in a folder");
            let _ = std::fs::remove_dir_all(work);
            let status = Command::new("sh")
                .arg(&adapter)
                .arg(corpus)
                .arg(work)
                .arg("--zola-syntect")
                .env("ZOLA", zola)
                .stdout(Stdio::null())
                .status()
                .expect("sh runs the zola adapter");
            assert!(status.success(), "{} failed", adapter.display());
        }
        Tool {
            name: "zola 0.21",
            program: zola.to_path_buf(),
            args: vec!["build".into(), "--output-dir".into(), out.into()],
            env: Vec::new(),
            dir: Some(work.to_path_buf()),
            out: out.to_path_buf(),
        }
    }

    // The child is reaped by `wait4` below, which also gives its own resource usage.
    #[allow(clippy::zombie_processes)]
    fn run(&self) -> Sample {
        let trash = self.out.with_extension("trash");
        if self.out.exists() {
            let _ = std::fs::create_dir_all(&trash);
            let _ = std::fs::rename(&self.out, trash.join(format!("{:?}", Instant::now())));
        }
        let started = Instant::now();
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        let mut child = command.spawn().expect("the tool starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let reader =
            std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
        let (status, usage) = wait4(child.id());
        let took = started.elapsed();
        let stderr = reader.join().unwrap_or_default();
        assert!(status == 0, "{} failed: {stderr}", self.name);
        let _ = std::fs::remove_dir_all(&trash);
        Sample {
            took,
            cpu: usage.cpu,
            peak_rss_kb: usage.peak_rss_kb,
            phases: stderr
                .lines()
                .find(|l| l.starts_with("phases:"))
                .unwrap_or("")
                .to_string(),
        }
    }
}

#[derive(Clone)]
struct Sample {
    took: Duration,
    cpu: Duration,
    peak_rss_kb: u64,
    /// carnet's `--timings` line.
    phases: String,
}

struct Usage {
    cpu: Duration,
    peak_rss_kb: u64,
}

/// Waits for the child `pid`: its exit status and its own resource usage (Linux), where
/// `RUSAGE_CHILDREN` would give the largest of every child so far.
fn wait4(pid: u32) -> (i32, Usage) {
    let mut status = 0;
    // SAFETY: wait4 only writes into the two locals we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(rc == pid as libc::pid_t, "wait4 failed");
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let exit = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (
        exit,
        Usage {
            cpu: time(usage.ru_utime) + time(usage.ru_stime),
            peak_rss_kb: usage.ru_maxrss.max(0) as u64,
        },
    )
}

/// One line of the report. To add a column (say, a warm build), add a field, its header and
/// its cell in `line`.
struct Row {
    tool: &'static str,
    corpus: String,
    pages: usize,
    median: Duration,
    min: Duration,
    max: Duration,
    cpu: Duration,
    peak_rss_kb: u64,
    phases: String,
}

impl Row {
    const HEADER: &str = "| tool | corpus | pages | cold build (median) | min–max | CPU time | pages/s | peak memory |";
    const RULE: &str = "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |";

    fn of(tool: &'static str, corpus: &str, pages: usize, mut samples: Vec<Sample>) -> Row {
        samples.sort_by_key(|s| s.took);
        let median = samples[samples.len() / 2].clone();
        Row {
            tool,
            corpus: corpus.to_string(),
            pages,
            median: median.took,
            min: samples[0].took,
            max: samples[samples.len() - 1].took,
            cpu: median.cpu,
            peak_rss_kb: samples.iter().map(|s| s.peak_rss_kb).max().unwrap_or(0),
            phases: median.phases,
        }
    }

    fn line(&self) -> String {
        format!(
            "| {} | {} | {} | {:.2} s | {:.2}–{:.2} s | {:.1} s | {:.0} | {} MB |",
            self.tool,
            self.corpus,
            self.pages,
            self.median.as_secs_f64(),
            self.min.as_secs_f64(),
            self.max.as_secs_f64(),
            self.cpu.as_secs_f64(),
            self.pages as f64 / self.median.as_secs_f64(),
            self.peak_rss_kb / 1024,
        )
    }
}
