//! `carnet serve` (watch, dev server, live reload) and `carnet build --watch` (watch, rebuild
//! to disk).
//!
//! The server renders from an in-memory snapshot of the site ([`live`]); a watcher thread
//! reloads what each save touched and swaps the snapshot; browsers are told over server-sent
//! events and reload only when the page they show changed ([`http`], `live.js`).

pub mod connections;
pub mod guard;
pub mod http;
pub mod live;
pub mod mirror;
pub mod snapshot;
pub mod watch;

use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::build::{BuildOptions, BuildReport};
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::{json_line, render_human};
use live::{LiveSite, Rebuilt};
use mirror::Mirror;
use snapshot::Snapshot;

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    pub open: bool,
    pub poll: bool,
    pub debounce: Duration,
    /// Names (or addresses) besides localhost and the bound address that requests may call the
    /// server by (`--allowed-host`, for LAN use with `--bind`).
    pub allowed_hosts: Vec<String>,
}

/// Serves the site until Ctrl-C. `Err` is a message for the user (port in use, a site that
/// cannot be loaded at all).
pub fn serve(options: ServeOptions) -> Result<(), String> {
    let site_dir = options.build.site_dir.clone();
    let mut live = LiveSite::new(options.build.clone());
    let first = live.rebuild(&[]).map_err(|errors| {
        print_diagnostics(&errors);
        "the site cannot be served until these errors are fixed".to_owned()
    })?;
    print_diagnostics(&first.snapshot.diagnostics);
    let base = first.snapshot.site.config.base_path();
    let output_dir = first.snapshot.site.config.output_dir.clone();
    let roots = watched_roots(&first.snapshot);
    let problems = problems_of(&first.snapshot.diagnostics, &site_dir, &HashSet::new());
    let (events, _) = tokio::sync::broadcast::channel(16);
    let shared = Arc::new(http::Shared {
        snapshot: RwLock::new(first.snapshot.clone()),
        events,
        last_event: RwLock::new(event_json(0, &problems, &BTreeMap::new(), false)),
        base: base.clone(),
        stopping: tokio::sync::watch::Sender::new(false),
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    // Listened to before the address is printed: a Ctrl-C from then on is a clean stop.
    let stop = stop_requested(&runtime)?;
    let address = SocketAddr::new(options.bind, options.port);
    let listener = runtime
        .block_on(async { connections::bind(address) })
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "port {} is in use: stop the program using it, or pick another port with --port (--port 0 picks a free one)",
                options.port
            ),
            _ => format!("cannot listen on {address}: {e}"),
        })?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} — other machines on the network can read this site; they must call it by this address{} (--allowed-host NAME adds a name)",
            options.bind,
            if options.bind.is_unspecified() {
                ", which 0.0.0.0 is not: use --allowed-host"
            } else {
                ""
            }
        );
    }
    let (watcher, changes) = watch::watch(&roots, options.debounce, options.poll, vec![output_dir])
        .map_err(|e| format!("cannot watch {}: {e}", site_dir.display()))?;
    if let Some(note) = watcher.polling_note() {
        println!("{note}");
    }
    // Printed once watching has started: a save after this line is never missed.
    let url = format!("http://{local}{base}");
    println!(
        "serving {} at {url} ({} pages; Ctrl-C to stop)",
        site_dir.display(),
        shared.current().site.published().count()
    );
    if options.open {
        open_browser(&url);
    }

    let rebuild_shared = shared.clone();
    std::thread::spawn(move || {
        let mut watcher = watcher;
        while let Some(paths) = watch::next_batch(&changes) {
            watcher.follow_new_folders(&paths);
            rebuild(&mut live, &rebuild_shared, &site_dir, &paths);
        }
    });

    let policy = guard::HostPolicy::new(options.bind, &options.allowed_hosts, &base);
    let router = http::router(shared.clone(), policy);
    runtime.block_on(connections::serve_connections(
        listener,
        router,
        async move {
            stop.await;
            shared.stopping.send_replace(true);
        },
    ));
    println!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT), or SIGTERM (a process manager, `docker stop`). The signals are
/// caught from this call on, not from the future's first poll.
fn stop_requested(
    runtime: &tokio::runtime::Runtime,
) -> Result<impl std::future::Future<Output = ()> + use<>, String> {
    let _context = runtime.enter();
    stop_signals().map_err(|e| format!("cannot listen for Ctrl-C: {e}"))
}

#[cfg(unix)]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// For `build --watch`: Ctrl-C (or SIGTERM) ends the process, but never in the middle of
/// writing the output; the returned lock is held while writing. Nothing is left half-written
/// (each file is written aside and renamed), but a temporary file would be left over.
fn stop_between_writes() -> Result<Arc<Mutex<()>>, String> {
    let writing = Arc::new(Mutex::new(()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot listen for Ctrl-C: {e}"))?;
    let stop = stop_requested(&runtime)?;
    let held = writing.clone();
    std::thread::spawn(move || {
        runtime.block_on(stop);
        let _done = lock(&held);
        println!("stopped");
        std::process::exit(0);
    });
    Ok(writing)
}

fn lock(mutex: &Mutex<()>) -> std::sync::MutexGuard<'_, ()> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn rebuild(live: &mut LiveSite, shared: &http::Shared, site_dir: &Path, paths: &[PathBuf]) {
    let changed: HashSet<PathBuf> = paths.iter().cloned().collect();
    let previous = shared.current();
    match live.rebuild(paths) {
        Ok(rebuilt) if rebuilt.is_unchanged() => {}
        Ok(rebuilt) => {
            let changed = touched(&changed, &rebuilt);
            let problems = problems_of(&rebuilt.snapshot.diagnostics, site_dir, &changed);
            let css = css_changes(&previous, &rebuilt.snapshot);
            let css_only = css_only(&previous, &rebuilt.snapshot, &css, paths);
            let event = event_json(rebuilt.snapshot.generation, &problems, &css, css_only);
            let shown: Vec<Diagnostic> = rebuilt
                .snapshot
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error || is_in(d, site_dir, &changed))
                .cloned()
                .collect();
            print_diagnostics(&shown);
            *shared.snapshot.write().unwrap_or_else(|e| e.into_inner()) = rebuilt.snapshot.clone();
            println!("{}", rebuilt_line(&rebuilt));
            send(shared, event);
        }
        Err(errors) => {
            print_diagnostics(&errors);
            println!("rebuild failed: still serving the last good version");
            let problems = problems_of(&errors, site_dir, &changed);
            send(
                shared,
                event_json(previous.generation, &problems, &BTreeMap::new(), false),
            );
        }
    }
}

/// What to watch: the site folder (configuration, themes, the content), and the content
/// folder again (it may be reached through a link inside the site).
fn watched_roots(snapshot: &Snapshot) -> Vec<PathBuf> {
    let config = &snapshot.site.config;
    vec![config.site_dir.clone(), config.content_dir.clone()]
}

/// The files whose findings a contributor needs to see after a save: those saved, and those
/// the rebuild looked at again because of them.
fn touched(changed: &HashSet<PathBuf>, rebuilt: &Rebuilt) -> HashSet<PathBuf> {
    changed.iter().chain(&rebuilt.rechecked).cloned().collect()
}

/// "rebuilt 1 page in 3 ms": what a save cost.
fn rebuilt_line(rebuilt: &Rebuilt) -> String {
    format!(
        "rebuilt {} page{} in {} ms",
        rebuilt.reloaded,
        if rebuilt.reloaded == 1 { "" } else { "s" },
        rebuilt.took.as_millis()
    )
}

fn send(shared: &http::Shared, event: String) {
    *shared.last_event.write().unwrap_or_else(|e| e.into_inner()) = event.clone();
    let _ = shared.events.send(event);
}

fn is_in(diagnostic: &Diagnostic, site_dir: &Path, changed: &HashSet<PathBuf>) -> bool {
    diagnostic
        .location
        .as_ref()
        .is_some_and(|l| changed.contains(&site_dir.join(&l.file)))
}

/// What the overlay shows: every error, and the warnings of the files just saved.
fn problems_of(
    diagnostics: &[Diagnostic],
    site_dir: &Path,
    changed: &HashSet<PathBuf>,
) -> Vec<serde_json::Value> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error || is_in(d, site_dir, changed))
        .filter_map(|d| serde_json::from_str(&json_line(d)).ok())
        .collect()
}

/// Stylesheets whose hashed name changed: old output path → new.
fn css_changes(old: &Snapshot, new: &Snapshot) -> BTreeMap<String, String> {
    new.theme
        .asset_paths
        .iter()
        .filter(|(name, _)| name.ends_with(".css"))
        .filter_map(|(name, path)| {
            let before = old.theme.asset_paths.get(name)?;
            (before != path).then(|| (before.clone(), path.clone()))
        })
        .collect()
}

/// Whether a rebuild changed nothing but stylesheets, so browsers can swap them in place: the
/// saved files are all in the site's theme folder, the templates are the same, and only CSS
/// files got new names. (What was saved does not tell: a new theme folder comes as the folders
/// and the file, and a `.css` under the content folder is an asset.)
fn css_only(
    old: &Snapshot,
    new: &Snapshot,
    css: &BTreeMap<String, String>,
    paths: &[PathBuf],
) -> bool {
    let themes = new.site.config.site_dir.join("themes");
    let (before, after) = (&old.theme.asset_paths, &new.theme.asset_paths);
    !css.is_empty()
        && paths.iter().all(|path| path.starts_with(&themes))
        && new.theme.same_templates(&old.theme)
        && before.len() == after.len()
        && after
            .iter()
            .all(|(name, path)| name.ends_with(".css") || before.get(name) == Some(path))
}

fn event_json(
    generation: u64,
    problems: &[serde_json::Value],
    css: &BTreeMap<String, String>,
    css_only: bool,
) -> String {
    serde_json::json!({
        "generation": generation,
        "problems": problems,
        "css": css,
        "cssOnly": css_only,
    })
    .to_string()
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{}\n", render_human(diagnostic, false));
    }
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program)
        .arg(url)
        .spawn()
        .is_err()
    {
        eprintln!("could not open a browser: open {url} yourself");
    }
}

/// `carnet build --watch`: builds, then brings the output up to date after every save, until
/// Ctrl-C. The first build is reported by `report` as `carnet build` reports; after that, each
/// save prints the errors and the findings in the saved files, and one line. Only files whose
/// bytes changed are written ([`mirror`]); a rebuild with errors writes nothing.
pub fn watch_build(
    options: BuildOptions,
    poll: bool,
    debounce: Duration,
    mut report: impl FnMut(&BuildReport),
) -> Result<(), String> {
    let site_dir = options.site_dir.clone();
    let writing = stop_between_writes()?;
    let mut live = LiveSite::new(options.clone());
    let started = std::time::Instant::now();
    let first_write = lock(&writing);
    let mut mirror: Option<Mirror> = None;
    let first = live.rebuild(&[]);
    let mut first_report = BuildReport::default();
    match &first {
        Ok(rebuilt) => {
            let output_dir = rebuilt.snapshot.site.config.output_dir.clone();
            let mut out = Mirror::new(output_dir.clone(), options.clone());
            let synced = out.update(&rebuilt.snapshot, &rebuilt.scope);
            first_report.diagnostics = rebuilt.snapshot.diagnostics.clone();
            first_report.diagnostics.extend(synced.diagnostics);
            first_report.pages = rebuilt.snapshot.site.published().count();
            first_report.output_dir = Some(output_dir);
            first_report.written = synced.in_sync;
            mirror = Some(out);
        }
        Err(errors) => first_report.diagnostics = errors.clone(),
    }
    first_report.diagnostics.sort_by(Diagnostic::sort_key_cmp);
    first_report.diagnostics.dedup();
    first_report.elapsed = started.elapsed();
    drop(first_write);
    report(&first_report);
    if first_report.output_refused() {
        return Err("nothing was written: the output folder was refused (see above)".to_owned());
    }
    let ignored: Vec<PathBuf> = first_report.output_dir.iter().cloned().collect();
    let roots = match &first {
        Ok(rebuilt) => watched_roots(&rebuilt.snapshot),
        Err(_) => vec![site_dir.clone()],
    };
    let (mut watcher, changes) = watch::watch(&roots, debounce, poll, ignored)
        .map_err(|e| format!("cannot watch {}: {e}", site_dir.display()))?;
    if let Some(note) = watcher.polling_note() {
        println!("{note}");
    }
    println!("watching {} (Ctrl-C to stop)", site_dir.display());
    while let Some(paths) = watch::next_batch(&changes) {
        watcher.follow_new_folders(&paths);
        let changed: HashSet<PathBuf> = paths.iter().cloned().collect();
        let _writing = lock(&writing);
        match live.rebuild(&paths) {
            Ok(rebuilt) if rebuilt.is_unchanged() => {}
            Ok(rebuilt) => {
                let changed = touched(&changed, &rebuilt);
                let out = mirror.get_or_insert_with(|| {
                    Mirror::new(
                        rebuilt.snapshot.site.config.output_dir.clone(),
                        options.clone(),
                    )
                });
                let synced = out.update(&rebuilt.snapshot, &rebuilt.scope);
                let shown: Vec<Diagnostic> = rebuilt
                    .snapshot
                    .diagnostics
                    .iter()
                    .chain(&synced.diagnostics)
                    .filter(|d| d.severity == Severity::Error || is_in(d, &site_dir, &changed))
                    .cloned()
                    .collect();
                print_diagnostics(&shown);
                if synced.in_sync {
                    println!(
                        "{}; wrote {} file{}, removed {}",
                        rebuilt_line(&rebuilt),
                        synced.written,
                        if synced.written == 1 { "" } else { "s" },
                        synced.removed
                    );
                } else {
                    println!(
                        "{}; not written: fix the errors above",
                        rebuilt_line(&rebuilt)
                    );
                }
            }
            Err(errors) => {
                print_diagnostics(&errors);
                println!("rebuild failed: the output is left as it was");
            }
        }
    }
    Ok(())
}
