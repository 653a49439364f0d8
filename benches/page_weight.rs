//! Page weight on a big site: what each page carries, and how output grows with a flat SUMMARY.md.
//!
//! Run with `cargo bench --bench page_weight`. Builds the 10,000-page corpus of the shared
//! generator (`gen_corpus.py --pages 10000 --flavor plain`, cached under `target/bench-corpus/`,
//! `CARNET_CORPUS_GEN` to point elsewhere) twice with the real `carnet` binary: as generated
//! (nested SUMMARY.md) and with every SUMMARY.md entry at the top level (flat, no groups). Then
//! reads every page's HTML and reports, against the targets of issue 18:
//!
//! - the median page (target: at most 12 KB);
//! - the largest sidebar (`<nav id="sidebar">…</nav>`; target: at most 6 KB);
//! - the flat output against the nested one (all files; target: at most 1.2×).
//!
//! Exits with status 1 when a target is missed. `CARNET_BENCH_PAGES` changes the corpus size.

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const MEDIAN_PAGE_MAX: usize = 12 * 1024;
const SIDEBAR_MAX: usize = 6 * 1024;
const FLAT_RATIO_MAX: f64 = 1.2;

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generator = common::corpus_generator();
    let pages: usize = std::env::var("CARNET_BENCH_PAGES")
        .ok()
        .and_then(|v| v.split(',').next()?.trim().parse().ok())
        .unwrap_or(10_000);
    let corpus_root = manifest.join("target/bench-corpus");
    let nested = ensure_corpus(&generator, &corpus_root, pages);
    let flat = ensure_flat(&nested);
    let carnet = PathBuf::from(env!("CARGO_BIN_EXE_carnet"));
    let out_root = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm/carnet-page-weight")
    } else {
        manifest.join("target/page-weight")
    };

    let nested_weight = build_and_weigh(&carnet, &nested, &out_root.join("nested"));
    let flat_weight = build_and_weigh(&carnet, &flat, &out_root.join("flat"));
    let _ = std::fs::remove_dir_all(&out_root);

    println!("page weight, {pages}-page corpus");
    for (name, w) in [("nested", &nested_weight), ("flat", &flat_weight)] {
        println!(
            "{name:>6} SUMMARY.md: median page {:>6} B, largest page {:>7} B, largest sidebar {:>5} B (median {:>5} B), HTML {:>6.1} MB, all output {:>6.1} MB",
            w.median_page,
            w.largest_page,
            w.largest_sidebar,
            w.median_sidebar,
            w.html_bytes as f64 / 1e6,
            w.all_bytes as f64 / 1e6,
        );
    }
    let ratio = flat_weight.all_bytes as f64 / nested_weight.all_bytes.max(1) as f64;
    let checks = [
        (
            format!(
                "median page (nested) {} B <= {MEDIAN_PAGE_MAX} B",
                nested_weight.median_page
            ),
            nested_weight.median_page <= MEDIAN_PAGE_MAX,
        ),
        (
            format!(
                "largest sidebar {} B <= {SIDEBAR_MAX} B",
                nested_weight
                    .largest_sidebar
                    .max(flat_weight.largest_sidebar)
            ),
            nested_weight
                .largest_sidebar
                .max(flat_weight.largest_sidebar)
                <= SIDEBAR_MAX,
        ),
        (
            format!("flat output / nested output {ratio:.3} <= {FLAT_RATIO_MAX}"),
            ratio <= FLAT_RATIO_MAX,
        ),
    ];
    let mut missed = false;
    for (what, ok) in &checks {
        println!("{} {what}", if *ok { "ok  " } else { "OVER" });
        missed |= !ok;
    }
    if missed {
        std::process::exit(1);
    }
}

struct Weight {
    median_page: usize,
    largest_page: usize,
    largest_sidebar: usize,
    median_sidebar: usize,
    html_bytes: u64,
    all_bytes: u64,
}

fn build_and_weigh(carnet: &Path, corpus: &Path, out: &Path) -> Weight {
    let _ = std::fs::remove_dir_all(out);
    let output = Command::new(carnet)
        .args(["build", "-q", "-o"])
        .arg(out)
        .arg(corpus)
        .output()
        .expect("carnet runs");
    assert!(
        output.status.success(),
        "build of {} failed: {}",
        corpus.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut pages = Vec::new();
    let mut sidebars = Vec::new();
    let (mut html_bytes, mut all_bytes) = (0, 0);
    for entry in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let size = entry.metadata().map_or(0, |m| m.len());
        all_bytes += size;
        if entry.file_name() != "index.html" {
            continue;
        }
        html_bytes += size;
        let html = std::fs::read_to_string(entry.path()).unwrap_or_default();
        pages.push(html.len());
        sidebars.push(sidebar_len(&html));
    }
    let _ = std::fs::remove_dir_all(out);
    pages.sort_unstable();
    sidebars.sort_unstable();
    Weight {
        median_page: pages.get(pages.len() / 2).copied().unwrap_or_default(),
        largest_page: pages.last().copied().unwrap_or_default(),
        largest_sidebar: sidebars.last().copied().unwrap_or_default(),
        median_sidebar: sidebars
            .get(sidebars.len() / 2)
            .copied()
            .unwrap_or_default(),
        html_bytes,
        all_bytes,
    }
}

/// Bytes of `<nav id="sidebar" …>…</nav>` (the sidebar holds no other `nav`).
fn sidebar_len(html: &str) -> usize {
    let Some(start) = html.find("<nav id=\"sidebar\"") else {
        return 0;
    };
    html[start..]
        .find("</nav>")
        .map_or(0, |end| end + "</nav>".len())
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

/// A copy of `nested` whose SUMMARY.md lists every entry at the top level, without groups.
fn ensure_flat(nested: &Path) -> PathBuf {
    let flat = nested.with_file_name(format!(
        "{}-flat",
        nested
            .file_name()
            .map_or_else(Default::default, |n| n.to_string_lossy())
    ));
    if flat.join("SUMMARY.md").exists() {
        return flat;
    }
    let _ = std::fs::remove_dir_all(&flat);
    for entry in walkdir::WalkDir::new(nested)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry
            .path()
            .strip_prefix(nested)
            .expect("inside the corpus");
        let dest = flat.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy file");
        }
    }
    let summary = std::fs::read_to_string(nested.join("SUMMARY.md")).expect("SUMMARY.md");
    let flat_summary: String = summary
        .lines()
        .filter(|line| !line.starts_with("## "))
        .map(|line| format!("{}\n", line.trim_start()))
        .collect();
    std::fs::write(flat.join("SUMMARY.md"), flat_summary).expect("write SUMMARY.md");
    flat
}
