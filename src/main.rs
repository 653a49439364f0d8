//! The `carnet` command line: parses arguments and calls the library; nothing else.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use carnet::build::{BuildOptions, build};
use carnet::config::Overrides;
use carnet::diagnostic::Severity;
use carnet::report::{render_human, summary_line};

/// carnet turns a tree of Markdown (GitBook exports as they are) into a fast, accessible static site.
#[derive(Parser)]
#[command(name = "carnet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default `public/`).
    Build(BuildArgs),
}

#[derive(Args)]
struct BuildArgs {
    /// The site folder: holds `content/` or is the GitBook export itself.
    #[arg(default_value = ".")]
    site: PathBuf,
    /// Output folder (default: `output_dir` of carnet.yaml, else `SITE/public`).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Absolute URL the site is published at, e.g. https://example.org/docs/.
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    base_url: Option<String>,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Print errors only.
    #[arg(short, long)]
    quiet: bool,
    /// Print how long each phase of the build took.
    #[arg(long)]
    timings: bool,
}

fn parse_base_url(value: &str) -> Result<String, String> {
    let scheme_ok = value.starts_with("https://") || value.starts_with("http://");
    let host = value
        .split_once("://")
        .map_or("", |(_, rest)| rest.split('/').next().unwrap_or(""));
    if scheme_ok && !host.is_empty() {
        Ok(value.to_string())
    } else {
        Err("expected an absolute http(s) URL, such as https://example.org/docs/".to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => run_build(args),
    }
}

fn run_build(args: BuildArgs) -> ExitCode {
    if !args.site.is_dir() {
        eprintln!("error: `{}` is not a folder", args.site.display());
        return ExitCode::from(2);
    }
    let options = BuildOptions {
        site_dir: args.site,
        overrides: Overrides {
            output: args.output,
            base_url: args.base_url,
        },
        strict: args.strict,
    };
    let report = build(&options);
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut stderr = std::io::stderr().lock();
    for diagnostic in &report.diagnostics {
        if args.quiet && diagnostic.severity == Severity::Warning {
            continue;
        }
        let _ = writeln!(stderr, "{}\n", render_human(diagnostic, color));
    }
    if !args.quiet || !report.succeeded() {
        let line = summary_line(
            report.pages,
            report.tally(),
            report.elapsed,
            report.output_dir.as_deref(),
            report.written,
        );
        let _ = writeln!(stderr, "{line}");
    }
    if args.timings {
        let phases: Vec<String> = report
            .phases
            .iter()
            .map(|(name, took)| format!("{name} {:.3} s", took.as_secs_f64()))
            .collect();
        let _ = writeln!(stderr, "phases: {}", phases.join(", "));
    }
    if report.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// mimalloc: the build allocates many short-lived strings from several threads at once, where
/// glibc's allocator spends a tenth of the build; mimalloc is made for that pattern.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
