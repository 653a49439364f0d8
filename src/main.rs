//! The `carnet` command line: parses arguments and calls the library; nothing else. How what
//! the library reports is shown is in `cli/`.

mod cli;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use carnet::build::{BuildOptions, build};
use carnet::config::Overrides;
use carnet::external::ExternalOptions;
use carnet::fix_encoding;

use cli::events::ConsoleEvents;
use cli::report::print_report;

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
    /// Verify everything a build verifies, without writing anything.
    Check(CheckArgs),
    /// Serve the site with live reload: every save rebuilds what it touched.
    Serve(ServeArgs),
    /// Upload the built site to S3-compatible storage: changed files only, pages after assets.
    Deploy(DeployArgs),
    /// Find and repair broken encodings (mojibake, legacy code pages) in the sources themselves.
    FixEncoding(FixEncodingArgs),
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on; anything but 127.0.0.1 lets other machines read the site.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// A name (or address) other machines call the server by, besides localhost and the bound
    /// address (repeatable; with --bind, for use on a LAN). Requests naming anything else get 403.
    #[arg(long, value_name = "NAME")]
    allowed_host: Vec<String>,
    /// Open the site in a browser.
    #[arg(long)]
    open: bool,
    /// Poll for changes instead of using file system events (network mounts, WSL, containers).
    #[arg(long)]
    poll: bool,
    /// How long a burst of changes must be quiet before it is rebuilt, in milliseconds (a
    /// single completed save is rebuilt at once).
    #[arg(long, value_name = "MS", default_value_t = 50)]
    debounce: u64,
}

#[derive(Args)]
struct DeployArgs {
    /// Where to publish: s3://BUCKET or s3://BUCKET/PREFIX.
    #[arg(value_name = "s3://BUCKET[/PREFIX]", value_parser = carnet::deploy::parse_target)]
    target: carnet::deploy::Target,
    /// The site folder, to find its output folder as `carnet build` does.
    #[arg(default_value = ".")]
    site: PathBuf,
    /// The built output to publish (default: the folder `carnet build` writes).
    #[arg(short, long, visible_alias = "dir", value_name = "OUT")]
    output: Option<PathBuf>,
    /// S3 endpoint of a host other than AWS, e.g. https://s3.fr-par.scw.cloud.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, else us-east-1).
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// Address the bucket as ENDPOINT/BUCKET rather than BUCKET.ENDPOINT.
    #[arg(long)]
    path_style: bool,
    /// Print what would be uploaded, skipped and deleted; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Delete objects under the prefix that the site no longer has (after everything else).
    #[arg(long)]
    delete: bool,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    jobs: usize,
}

#[derive(Args)]
struct FixEncodingArgs {
    /// Files, or folders searched for `.md` files. None, or `-`: repair standard input to
    /// standard output (the report goes to stderr).
    paths: Vec<PathBuf>,
    /// Exit with status 1 when any file needs repair (for CI).
    #[arg(long)]
    check: bool,
    /// Repair the files in place (atomically, keeping permissions); without it nothing is written.
    #[arg(long)]
    write: bool,
    /// How the report is printed.
    #[arg(long, value_enum, default_value_t = FixFormat::Human)]
    format: FixFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FixFormat {
    /// A line per file and per repair.
    Human,
    /// One JSON object per file and line.
    Json,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Output folder (default: `output_dir` of carnet.yaml, else `SITE/public`).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Build again after every change, until Ctrl-C.
    #[arg(long)]
    watch: bool,
    /// Replace the output folder even if it is not empty and carnet did not write it.
    #[arg(long)]
    force: bool,
    /// With --watch: poll for changes instead of using file system events.
    #[arg(long, requires = "watch")]
    poll: bool,
    /// With --watch: how long a burst of changes must be quiet before it is rebuilt, in
    /// milliseconds (a single completed save is rebuilt at once).
    #[arg(long, value_name = "MS", default_value_t = 50, requires = "watch")]
    debounce: u64,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Check external links too (slow, and depends on other servers: never on by default).
    #[arg(long)]
    external: bool,
    /// Do not check external links starting with this prefix (repeatable).
    #[arg(long, value_name = "PREFIX", requires = "external")]
    external_skip: Vec<String>,
    /// Seconds to wait for an external server before giving up.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10,
        requires = "external"
    )]
    external_timeout: u64,
    /// Where external link results are remembered (default `SITE/.carnet-cache/external-links.json`).
    #[arg(long, value_name = "FILE", requires = "external")]
    external_cache: Option<PathBuf>,
    /// How long remembered results stay valid, in hours (0: check everything again).
    #[arg(
        long,
        value_name = "HOURS",
        default_value_t = 24,
        requires = "external"
    )]
    external_cache_hours: u64,
}

/// What `build` and `check` share: the site, and how findings are judged and shown.
#[derive(Args)]
pub struct SiteArgs {
    /// The site folder: holds `content/` or is the GitBook export itself.
    #[arg(default_value = ".")]
    site: PathBuf,
    /// Absolute URL the site is published at, e.g. https://example.org/docs/.
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    base_url: Option<String>,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Ignore findings of this kind (repeatable), e.g. `--allow nbsp-heading`.
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
    /// Treat findings of this kind as errors (repeatable), e.g. `--deny broken-link`.
    #[arg(long, value_name = "CODE")]
    deny: Vec<String>,
    /// How findings are printed: for people (stderr), or for machines (stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print errors only.
    #[arg(short, long)]
    quiet: bool,
    /// Print how long each phase took.
    #[arg(long)]
    timings: bool,
    /// Neither read nor write the build cache (`.carnet-cache/`): every page is rendered anew.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source excerpts on stderr.
    Human,
    /// One JSON object per line on stdout.
    Json,
    /// GitHub Actions workflow commands on stdout.
    Github,
    /// A GitLab Code Quality report on stdout.
    Gitlab,
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
    allocator::purge_soon();
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) if args.watch => {
            let mut options = build_options(&args.site, args.output.clone(), None);
            options.force = args.force;
            let site = &args.site;
            let result = carnet::serve::watch_build(
                options,
                args.poll,
                Duration::from_millis(args.debounce),
                |report| print_report(report, site, false),
                &ConsoleEvents,
            );
            exit_with(result)
        }
        Command::Build(args) => {
            let mut options = build_options(&args.site, args.output, None);
            options.force = args.force;
            run(&args.site, options)
        }
        Command::Serve(args) => {
            if !args.site.site.is_dir() {
                eprintln!("error: `{}` is not a folder", args.site.site.display());
                return ExitCode::from(2);
            }
            let options = carnet::serve::ServeOptions {
                build: build_options(&args.site, None, None),
                bind: args.bind,
                port: args.port,
                open: args.open,
                poll: args.poll,
                debounce: Duration::from_millis(args.debounce),
                allowed_hosts: args.allowed_host,
            };
            exit_with(carnet::serve::serve(
                options,
                std::sync::Arc::new(ConsoleEvents),
            ))
        }
        Command::Check(args) => {
            let external =
                args.external.then(|| ExternalOptions {
                    skip: args.external_skip.clone(),
                    timeout: Duration::from_secs(args.external_timeout.max(1)),
                    cache: Some(args.external_cache.clone().unwrap_or_else(|| {
                        args.site.site.join(".carnet-cache/external-links.json")
                    })),
                    cache_ttl: Duration::from_secs(args.external_cache_hours * 3600),
                    ..ExternalOptions::default()
                });
            run(&args.site, build_options(&args.site, None, Some(external)))
        }
        Command::Deploy(args) => run_deploy(args),
        Command::FixEncoding(args) => fix_encoding(&args),
    }
}

/// `deploy`: exit 0 when the site is published (or the dry run planned), 1 when the deploy
/// failed, 2 when it could not start (no built site, no credentials, a bad endpoint).
fn run_deploy(args: DeployArgs) -> ExitCode {
    use carnet::deploy::{self, DeployOptions, ErrorKind};
    use cli::deploy::{ConsoleProgress, render_plan, summary_line};
    let output_dir = match deploy::resolve_output_dir(&args.site, args.output) {
        Ok(dir) => dir,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let options = DeployOptions {
        target: args.target,
        output_dir,
        connection: deploy::Connection {
            endpoint: args.endpoint,
            region: args.region,
            path_style: args.path_style,
        },
        dry_run: args.dry_run,
        delete: args.delete,
        jobs: args.jobs,
    };
    let console = ConsoleProgress::new(std::io::stderr().is_terminal());
    match deploy::deploy(&options, &deploy::process_env(), &console) {
        Ok(report) => {
            if report.dry_run {
                print!("{}", render_plan(&report.plan, &options.target));
                println!();
            }
            eprintln!("{}", summary_line(&report, &options.target));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(if err.kind == ErrorKind::Usage { 2 } else { 1 })
        }
    }
}

/// `fix-encoding`: a filter on standard input, or a report (and repair) per file.
fn fix_encoding(args: &FixEncodingArgs) -> ExitCode {
    let render = |outcome: &fix_encoding::FileOutcome| match args.format {
        FixFormat::Human => fix_encoding::render_human(outcome),
        FixFormat::Json => format!("{}\n", fix_encoding::render_json(outcome)),
    };
    let filter = args.paths.is_empty() || args.paths.iter().all(|p| p.as_os_str() == "-");
    let outcomes = if filter {
        let mut input = Vec::new();
        if let Err(err) = std::io::stdin().lock().read_to_end(&mut input) {
            eprintln!("error: cannot read standard input: {err}");
            return ExitCode::from(2);
        }
        let (output, outcome) = fix_encoding::fix_stream(&input);
        let mut stdout = std::io::stdout().lock();
        if let Err(err) = stdout.write_all(&output).and_then(|()| stdout.flush()) {
            eprintln!("error: cannot write standard output: {err}");
            return ExitCode::from(2);
        }
        eprint!("{}", render(&outcome));
        vec![outcome]
    } else {
        let files = fix_encoding::collect_files(&args.paths);
        let mut stdout = std::io::stdout().lock();
        let mut outcomes = Vec::new();
        for file in files {
            let outcome = fix_encoding::fix_file(&file, args.write);
            let _ = stdout.write_all(render(&outcome).as_bytes());
            outcomes.push(outcome);
        }
        outcomes
    };
    if outcomes.iter().any(|o| o.error.is_some()) {
        ExitCode::from(2)
    } else if args.check && outcomes.iter().any(|o| o.needs_repair()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `check`: `Some` (with external link options when asked); `build`: `None`.
type CheckMode = Option<Option<ExternalOptions>>;

/// `build` and `check`: exit 0 when clean or only warnings, 1 with errors, 2 on bad usage (no
/// site folder, a refused output folder).
fn run(args: &SiteArgs, options: BuildOptions) -> ExitCode {
    if !args.site.is_dir() {
        eprintln!("error: `{}` is not a folder", args.site.display());
        return ExitCode::from(2);
    }
    let report = build(&options);
    print_report(&report, args, options.check_only);
    if report.output_refused() {
        ExitCode::from(2)
    } else if report.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn build_options(args: &SiteArgs, output: Option<PathBuf>, check: CheckMode) -> BuildOptions {
    BuildOptions {
        site_dir: args.site.clone(),
        overrides: Overrides {
            output,
            base_url: args.base_url.clone(),
            no_cache: args.no_cache,
        },
        strict: args.strict,
        check_only: check.is_some(),
        allow: args.allow.clone(),
        deny: args.deny.clone(),
        external: check.flatten(),
        force: false,
    }
}

fn exit_with(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// mimalloc: the build allocates many short-lived strings from several threads at once, where
/// glibc's allocator spends a tenth of the build; mimalloc is made for that pattern.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The one mimalloc option carnet sets, the purge delay, through mimalloc's C API (the
/// `mimalloc` crate does not expose options, and `libmimalloc-sys`'s `extended` bindings lack
/// this one's constant).
pub(crate) mod allocator {
    use std::ffi::{c_int, c_long};

    unsafe extern "C" {
        #[cfg(test)]
        fn mi_option_get(option: c_int) -> c_long;
        fn mi_option_set(option: c_int, value: c_long);
    }

    /// `mi_option_purge_delay` in mimalloc 3's `mi_option_t` (the 16th; `libmimalloc-sys`
    /// 0.1.49, pinned by Cargo.lock). The test below checks it is the purge delay.
    const PURGE_DELAY: c_int = 15;

    /// The purge delay of a build, in milliseconds (mimalloc's default is 1000).
    const BUILD_PURGE_DELAY: c_long = 100;

    /// Memory mimalloc frees is given back to the system a tenth of a second later, not a
    /// second: a build's phases (loading, the page loop, the search index's making) each free
    /// what the next allocates anew, and with a second's delay whether the one was given back
    /// before the other came depended on timing, which made the peak vary by 30 to 50 MB from
    /// run to run (10,000 distinct-code pages: 244 to 279 MB, median 252; with 100 ms 216 to
    /// 224 MB, median 221). It costs about a tenth more page faults (79,000 → 89,000) and
    /// `madvise` calls (1,800 → 2,400): tens of milliseconds of a 10-CPU-second build; 0 (at
    /// once) doubled the system time. `MIMALLOC_PURGE_DELAY`, when set, is left to decide.
    pub fn purge_soon() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: setting an option is thread-safe and takes any value.
            unsafe { mi_option_set(PURGE_DELAY, BUILD_PURGE_DELAY) }
        }
    }

    /// Memory mimalloc frees is given back to the system at once, rather than a second later
    /// and only once the freeing thread allocates again: `serve` and `build --watch` call it
    /// once their first load or build is done (see `ConsoleEvents`), since from then on their
    /// rayon threads sit idle between requests and saves, holding what they freed (10 to 14 MB
    /// of `serve`'s peak on the 10,000-page corpus). Not before: purging at once costs system
    /// calls, which made `serve`'s first load 10 % slower, and a build is not changed.
    pub fn purge_at_once() {
        // SAFETY: setting an option is thread-safe and takes any value; 0 means at once.
        unsafe { mi_option_set(PURGE_DELAY, 0) }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_option_set_is_the_purge_delay() {
            // Its default is 1000 (ms), between `eager_commit_delay` (1) and `use_numa_nodes`
            // (0): an option moved in mimalloc's list would not have these three defaults.
            // SAFETY: getting and setting options is thread-safe.
            unsafe {
                if std::env::vars_os()
                    .all(|(name, _)| !name.to_string_lossy().starts_with("MIMALLOC_"))
                {
                    assert_eq!(mi_option_get(PURGE_DELAY - 1), 1);
                    assert_eq!(mi_option_get(PURGE_DELAY), 1000);
                    assert_eq!(mi_option_get(PURGE_DELAY + 1), 0);
                }
                mi_option_set(PURGE_DELAY, 3);
                assert_eq!(mi_option_get(PURGE_DELAY), 3);
                // One test sets the option (tests run side by side): a build's delay too.
                if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                    purge_soon();
                    assert_eq!(mi_option_get(PURGE_DELAY), BUILD_PURGE_DELAY);
                }
            }
        }
    }
}
