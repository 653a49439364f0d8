//! `carnet serve` and `carnet build --watch` from start to stop: the first build, the watcher,
//! the rebuild after each save, and what the user is told ([`Events`]).

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::ServeOptions;
use super::events::{Events, Mode, Rebuild, Written};
use super::live::{LiveSite, Rebuilt};
use super::mirror::Mirror;
use super::signals::{StopBetweenWrites, stop_requested};
use super::snapshot::Snapshot;
use super::watch;
use super::{connections, guard, http};
use crate::build::{BuildOptions, BuildReport};
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::json_line;

/// Serves the site until Ctrl-C. `Err` is a message for the user (port in use, a site that
/// cannot be loaded at all).
pub fn serve(options: ServeOptions, events: Arc<dyn Events>) -> Result<(), String> {
    let site_dir = options.build.site_dir.clone();
    let mut live = LiveSite::new(options.build.clone());
    let first = live.rebuild(&[]).map_err(|errors| {
        events.diagnostics(&errors);
        "the site cannot be served until these errors are fixed".to_owned()
    })?;
    events.diagnostics(&first.snapshot.diagnostics);
    let base = first.snapshot.site.config.base_path();
    let output_dir = first.snapshot.site.config.output_dir.clone();
    let roots = watched_roots(&first.snapshot);
    let problems = problems_of(&first.snapshot.diagnostics, &site_dir, &HashSet::new());
    let (channel, _) = tokio::sync::broadcast::channel(16);
    let shared = Arc::new(http::Shared {
        snapshot: RwLock::new(first.snapshot.clone()),
        events: channel,
        last_event: RwLock::new(event_json(0, &problems, &BTreeMap::new(), false)),
        base: base.clone(),
        stopping: tokio::sync::watch::Sender::new(false),
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    // Listened to before the address is told: a Ctrl-C from then on is a clean stop.
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
        events.exposed(options.bind);
    }
    let (watcher, changes) = watch::watch(&roots, options.debounce, options.poll, vec![output_dir])
        .map_err(|e| format!("cannot watch {}: {e}", site_dir.display()))?;
    if let Some(note) = watcher.polling_note() {
        events.polling(&note);
    }
    // Told once watching has started: a save after this is never missed.
    let url = format!("http://{local}{base}");
    let pages = shared.current().site.published().count();
    events.serving(&site_dir, &url, pages);
    if options.open && !open_browser(&url) {
        events.browser_unavailable(&url);
    }

    let rebuild_shared = shared.clone();
    let rebuild_events = events.clone();
    // Detached: it waits for changes until the process ends.
    std::thread::spawn(move || {
        let mut watcher = watcher;
        while let Some(paths) = watch::next_batch(&changes) {
            watcher.follow_new_folders(&paths);
            rebuild(
                &mut live,
                &rebuild_shared,
                &site_dir,
                &paths,
                &*rebuild_events,
            );
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
    events.stopped();
    Ok(())
}

fn rebuild(
    live: &mut LiveSite,
    shared: &http::Shared,
    site_dir: &Path,
    paths: &[PathBuf],
    events: &dyn Events,
) {
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
            events.diagnostics(&shown);
            *shared.snapshot.write().unwrap_or_else(|e| e.into_inner()) = rebuilt.snapshot.clone();
            events.rebuilt(&Rebuild {
                pages: rebuilt.reloaded,
                took: rebuilt.took,
                written: None,
            });
            send(shared, event);
        }
        Err(errors) => {
            events.diagnostics(&errors);
            events.rebuild_failed(Mode::Serve);
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

/// Opens `url` in the user's browser; `false` when none could be started.
fn open_browser(url: &str) -> bool {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program).arg(url).spawn().is_ok()
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
    events: &dyn Events,
) -> Result<(), String> {
    let site_dir = options.site_dir.clone();
    let stop = StopBetweenWrites::listen()?;
    let mut live = LiveSite::new(options.clone());
    let started = std::time::Instant::now();
    let first_write = stop.writing();
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
        events.polling(&note);
    }
    stop.wake_through(watcher.waker());
    events.watching(&site_dir);
    while let Some(paths) = watch::next_batch(&changes) {
        if stop.stopped() {
            break;
        }
        watcher.follow_new_folders(&paths);
        let changed: HashSet<PathBuf> = paths.iter().cloned().collect();
        let _writing = stop.writing();
        if stop.stopped() {
            break;
        }
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
                events.diagnostics(&shown);
                events.rebuilt(&Rebuild {
                    pages: rebuilt.reloaded,
                    took: rebuilt.took,
                    written: Some(Written {
                        in_sync: synced.in_sync,
                        files: synced.written,
                        removed: synced.removed,
                    }),
                });
            }
            Err(errors) => {
                events.diagnostics(&errors);
                events.rebuild_failed(Mode::Watch);
            }
        }
    }
    events.stopped();
    Ok(())
}
