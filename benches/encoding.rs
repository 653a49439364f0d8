//! Throughput of the text stage (`decode_source`: BOM, UTF-8 check, line endings, mojibake
//! detection and repair) on clean and on damaged text, in MB/s.
//!
//! Run with `cargo bench --bench encoding`. Inputs are built here, at least 10 MB each, from the
//! bundled guides and a clean multilingual sample (`tests/data/multilingual-clean.md`):
//! - clean guide: the clean bundled guide (French, mostly ASCII), repeated;
//! - clean multilingual: that guide and the sample's prose (Turkish, Greek, Cyrillic, CJK,
//!   emoji…), repeated;
//! - clean + look-alikes: the whole sample, whose last section holds legitimate text that looks
//!   like damage and mojibake quoted in code, so every copy goes through the full analysis;
//! - damaged: the two damaged guides as they are and the sample's prose misread with
//!   Windows-1254 as they were (`carnet::text::mojibake::damage`), as one file and as page-sized
//!   files (decoded one by one, as a build does);
//! - damaged, two pages: the same plus the prose misread with Windows-1252, in one file.
//!
//! Each input is decoded several times; the median is reported (MB = 10^6 bytes), both in wall
//! time and in the thread's CPU time (steadier on a machine shared with other work).
//! Options (environment): `CARNET_BENCH_RUNS=7`, `CARNET_BENCH_MB=10`, `CARNET_BENCH_ONLY=damaged`
//! (inputs whose name starts with it), `CARNET_BENCH_DIGEST=1` (also print a digest of what each
//! input decodes to, text, repairs and notes: two builds that print the same digests give the
//! same results, to compare a change meant to be faster only).

use std::path::Path;
use std::time::{Duration, Instant};

use carnet::text::decode_source;
use carnet::text::mojibake::{code_page, damage};

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |rel: &str| {
        std::fs::read_to_string(manifest.join(rel)).unwrap_or_else(|err| {
            eprintln!("cannot read {rel}: {err}");
            std::process::exit(1)
        })
    };
    let runs = env_number("CARNET_BENCH_RUNS", 7).max(1);
    let megabytes = env_number("CARNET_BENCH_MB", 10).max(1);
    let only = std::env::var("CARNET_BENCH_ONLY").ok();
    let digests = std::env::var_os("CARNET_BENCH_DIGEST").is_some();
    let multilingual = read("tests/data/multilingual-clean.md");
    let clean_guide = read("content/services-externes/services-externes-ares.md");
    let infra = read("content/hebergement-et-services-partages/infra.md");
    let hexanet = read("content/hebergeur-et-sla/hexanet.md");
    let page = |name: &str| {
        code_page(name).unwrap_or_else(|| {
            eprintln!("unknown code page {name}");
            std::process::exit(1)
        })
    };
    // The sample's code block quotes mojibake on purpose; damaged copies need none of it.
    let prose = multilingual
        .split("La casse typique")
        .next()
        .unwrap_or(&multilingual);
    let clean_unit = format!("{clean_guide}\n{prose}\n");
    let lookalike_unit = format!("{clean_guide}\n{multilingual}\n");
    // Damaged as the bundled guides are: one wrong reading (Windows-1254) for the whole file.
    let damaged_unit = format!(
        "{infra}\n{hexanet}\n{}\n",
        damage(prose, page("Windows-1254"))
    );
    // A harder case: parts of one file misread with two different pages.
    let mixed_unit = format!("{damaged_unit}{}\n", damage(prose, page("Windows-1252")));
    println!(
        "text stage (decode_source), {runs} runs each, median, {megabytes} MB+ inputs, release build"
    );
    let inputs: [(&str, &str, bool); 7] = [
        ("clean guide", &clean_guide, false),
        ("clean multilingual", &clean_unit, false),
        ("clean + look-alikes", &lookalike_unit, false),
        ("damaged, one file", &damaged_unit, false),
        ("damaged, as pages", &damaged_unit, true),
        ("damaged, two pages", &mixed_unit, false),
        ("clean, as pages", &clean_unit, true),
    ];
    for (name, unit, as_pages) in inputs {
        if only.as_deref().is_some_and(|only| !name.starts_with(only)) {
            continue;
        }
        let (bytes, wall, cpu, repairs) = if as_pages {
            // The same amount of text as many page-sized files (what a build decodes).
            let copies = (megabytes * 1_000_000).div_ceil(unit.len());
            let (wall, cpu, repairs) = measure(
                || {
                    (0..copies)
                        .map(|_| decode_source(unit.as_bytes()).repairs.len())
                        .sum()
                },
                runs,
            );
            (copies * unit.len(), wall, cpu, repairs)
        } else {
            let input = repeat_to(unit, megabytes * 1_000_000);
            let (wall, cpu, repairs) = measure(|| decode_source(&input).repairs.len(), runs);
            (input.len(), wall, cpu, repairs)
        };
        if digests {
            let input = if as_pages {
                unit.as_bytes().to_vec()
            } else {
                repeat_to(unit, megabytes * 1_000_000)
            };
            println!("{name:<20} digest {:016x}", digest(&decode_source(&input)));
        }
        let mb = bytes as f64 / 1e6;
        let pages = if as_pages {
            format!(", {} KB each", unit.len() / 1000)
        } else {
            String::new()
        };
        println!(
            "{name:<20} {mb:>6.1} MB: {:>8.1} MB/s wall, {:>8.1} MB/s CPU ({repairs} repairs{pages})",
            mb / wall.as_secs_f64(),
            mb / cpu.as_secs_f64().max(1e-9),
        );
    }
}

/// A digest of everything `decoded` holds (FNV-1a of its debug form).
fn digest(decoded: &carnet::text::DecodedText) -> u64 {
    format!("{decoded:?}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, b| {
            (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn repeat_to(unit: &str, size: usize) -> Vec<u8> {
    let mut out = String::with_capacity(size + unit.len());
    while out.len() < size {
        out.push_str(unit);
    }
    out.into_bytes()
}

/// Median wall-clock time and median CPU time of the thread (the machine is shared: CPU time
/// is what the work costs when other processes take turns on the cores), and what `work` says.
fn measure(mut work: impl FnMut() -> usize, runs: usize) -> (Duration, Duration, usize) {
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    let mut result = 0;
    for _ in 0..runs {
        let (start, start_cpu) = (Instant::now(), thread_cpu_time());
        result = std::hint::black_box(work());
        wall.push(start.elapsed());
        cpu.push(thread_cpu_time().saturating_sub(start_cpu));
    }
    wall.sort();
    cpu.sort();
    (wall[wall.len() / 2], cpu[cpu.len() / 2], result)
}

fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant libc defines.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if status != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The allocator the `carnet` binary uses, so the figures are those of the real command.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
