//! Watching the site folder: file events, debounced, with what editors write on the side
//! filtered out, delivered as batches of changed paths.
//!
//! Two watchers feed one channel. notify-debouncer-full sees every event and delivers a batch
//! once its paths have been quiet for the debounce time: bursts (a `git checkout`, an editor's
//! save dance of temp files and renames) come as one batch, and deletions and renames are
//! never acted on half-way. Beside it, a *fast lane* (native events only) delivers at once the
//! events that mean a file is complete — closed after writing, or renamed into place — so a
//! plain save is shown without waiting for the debounce. The debounced batch that follows is
//! recognised by the rebuild as already taken (same bytes) and costs a file read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind, RenameMode};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, FileIdMap, RecommendedCache, new_debouncer, new_debouncer_opt,
};

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    debounced: Debounced,
    /// The fast lane; `None` when polling, or when it could not start (the debounced events
    /// still come).
    _fast_lane: Option<RecommendedWatcher>,
    /// Why native events could not be used, when polling was not asked for.
    native_error: Option<String>,
    /// The roots watched (outermost), whose new folders polling must be told about.
    roots: Vec<PathBuf>,
    relevant: Relevant,
    /// Sends to the receiver of changes: an empty batch wakes its reader (to stop).
    wake: Sender<Vec<PathBuf>>,
}

/// How often polling reads every file: a save shows within this (plus the debounce). Each pass
/// reads the whole site (see `watch`), so a big site is polled less often: at most about one
/// pass of 2,500 files every 250 ms (a pass of 10,000 pages costs 70 to 110 ms of CPU).
fn poll_interval(files: usize) -> Duration {
    const FILES_PER_QUARTER_SECOND: usize = 2_500;
    let quarters = files.div_ceil(FILES_PER_QUARTER_SECOND).clamp(1, 8);
    Duration::from_millis(250 * quarters as u64)
}

/// The debouncer in use, held for its `Drop` (which stops watching).
enum Debounced {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, FileIdMap>, Duration),
}

/// Which paths are worth a rebuild.
#[derive(Clone)]
struct Relevant {
    /// Folders whose changes never matter (the output folder).
    ignored: Vec<PathBuf>,
}

impl Relevant {
    fn matters(&self, path: &Path) -> bool {
        !self.ignored.iter().any(|dir| path.starts_with(dir)) && !is_editor_noise(path)
    }
}

/// Watches `roots` recursively (the site folder, and the content folder when the
/// configuration puts it elsewhere). `poll` asks for polling (network mounts, WSL's `/mnt/c`,
/// containers); polling is also used when native events are unavailable. `ignored` are folders
/// whose changes never matter (the output folder).
pub fn watch(
    roots: &[PathBuf],
    debounce: Duration,
    poll: bool,
    ignored: Vec<PathBuf>,
) -> notify::Result<(Watcher, Receiver<Vec<PathBuf>>)> {
    let (sender, receiver) = channel();
    let relevant = Relevant { ignored };
    let lane_sender = sender.clone();
    let wake = sender.clone();
    let lane_relevant = relevant.clone();
    let relevant_for_poll = relevant.clone();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<PathBuf> = events
            .into_iter()
            .filter(|event| changes_content(&event.event.kind))
            .flat_map(|event| event.event.paths.clone())
            .filter(|path| relevant.matters(path))
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = sender.send(paths);
        }
    };
    let roots = outermost(roots);
    // Native events can be unavailable even where the platform has them: inotify's watch limit
    // reached on a big tree, a file system that does not report (some network mounts).
    let (native, native_error) = if poll {
        (None, None)
    } else {
        match watch_natively(
            &polled(&roots, &relevant_for_poll),
            debounce,
            handler.clone(),
        ) {
            Ok(debouncer) => (Some(debouncer), None),
            Err(err) => (None, Some(err.to_string())),
        }
    };
    let debounced = match native {
        Some(debouncer) => Debounced::Native(debouncer),
        None => {
            // Polling keeps modification times in whole seconds: a second save within the
            // second of the first would go unseen without comparing contents. Comparing reads
            // every file, so links are not followed: a link to outside the site is not read.
            let watched = polled(&roots, &relevant_for_poll);
            let interval = poll_interval(count_files(&watched));
            let config = notify::Config::default()
                .with_poll_interval(interval)
                .with_compare_contents(true)
                .with_follow_symlinks(false);
            let mut debouncer = new_debouncer_opt(
                debouncer_wait(debounce),
                None,
                handler,
                FileIdMap::new(),
                config,
            )?;
            for (path, mode) in watched {
                debouncer.watch(&path, mode)?;
            }
            Debounced::Poll(debouncer, interval)
        }
    };
    let fast_lane = match debounced {
        Debounced::Native(_) => fast_lane(&roots, debounce, lane_sender, lane_relevant),
        Debounced::Poll(..) => None,
    };
    Ok((
        Watcher {
            debounced,
            _fast_lane: fast_lane,
            native_error,
            roots,
            relevant: relevant_for_poll,
            wake,
        },
        receiver,
    ))
}

/// The next batch of changed paths, sorted, once one comes; `None` when watching has stopped.
/// A burst of saves (a git checkout) arrives as several batches: all those waiting are taken.
pub fn next_batch(changes: &Receiver<Vec<PathBuf>>) -> Option<Vec<PathBuf>> {
    let mut paths = changes.recv().ok()?;
    while let Ok(more) = changes.try_recv() {
        paths.extend(more);
    }
    paths.sort();
    paths.dedup();
    Some(paths)
}

/// The watcher of the fast lane (see the module's comment).
///
/// One more duty: the debouncer forgets a file created and deleted within its wait ("nothing
/// happened"), but when the fast lane has already delivered the creation, something did. So a
/// deletion of a file the fast lane delivered lately is delivered too, after the debounce time
/// (a deletion is often the first half of a save; by then the rebuild reads the final state).
fn fast_lane(
    roots: &[PathBuf],
    debounce: Duration,
    sender: Sender<Vec<PathBuf>>,
    relevant: Relevant,
) -> Option<RecommendedWatcher> {
    let delayed = delayed_sender(sender.clone());
    let mut delivered: HashMap<PathBuf, Instant> = HashMap::new();
    // How long after a delivery the debouncer may still swallow a deletion (its wait, and a
    // tick of its timer, with room to spare).
    let window = debounce * 2 + Duration::from_millis(100);
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let Ok(event) = result else { return };
        if matches!(event.kind, EventKind::Remove(_)) {
            let due = Instant::now() + debounce;
            for path in event.paths {
                if delivered
                    .remove(&path)
                    .is_some_and(|at| at.elapsed() < window)
                {
                    let _ = delayed.send((due, path));
                }
            }
            return;
        }
        if !is_finished_write(&event.kind) {
            return;
        }
        let paths: Vec<PathBuf> = event
            .paths
            .into_iter()
            .filter(|path| relevant.matters(path) && path.is_file())
            .collect();
        if paths.is_empty() {
            return;
        }
        if delivered.len() > 10_000 {
            delivered.retain(|_, at| at.elapsed() < window);
        }
        let now = Instant::now();
        delivered.extend(paths.iter().map(|path| (path.clone(), now)));
        let _ = sender.send(paths);
    })
    .ok()?;
    for root in roots {
        watcher.watch(root, RecursiveMode::Recursive).ok()?;
    }
    Some(watcher)
}

/// `roots` without those inside another (watched already, recursively).
fn outermost(roots: &[PathBuf]) -> Vec<PathBuf> {
    // Compared resolved (`site/../docs` is not inside `site`), watched as given: events name
    // paths under the root as it was given, as the walk does.
    let absolute: Vec<PathBuf> = roots
        .iter()
        .map(|root| std::fs::canonicalize(root).unwrap_or_else(|_| root.clone()))
        .collect();
    let mut kept: Vec<PathBuf> = Vec::new();
    for (root, abs) in roots.iter().zip(&absolute) {
        let inside_another = absolute
            .iter()
            .any(|other| other != abs && abs.starts_with(other));
        if !inside_another && !kept.iter().any(|k| k == root) {
            kept.push(root.clone());
        }
    }
    kept
}

/// A sender of paths to deliver at a given time, in the order given (the times only grow).
fn delayed_sender(sender: Sender<Vec<PathBuf>>) -> Sender<(Instant, PathBuf)> {
    let (delayed, due) = channel::<(Instant, PathBuf)>();
    std::thread::spawn(move || {
        for (at, path) in due {
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
            if sender.send(vec![path]).is_err() {
                break;
            }
        }
    });
    delayed
}

/// Events after which a file holds its new content in full: closed after writing (a save in
/// place), or renamed onto its name (an atomic save). Not a deletion, nor a rename away: those
/// are often the first half of a save, and wait for the debounce.
fn is_finished_write(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To))
    )
}

/// Whether an event may mean new content. Reading a file is an event too (opening it), and so
/// is a change of permissions: neither counts. A new modification time does: polling reports a
/// save that way when the time's second has changed (and as a data change otherwise).
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Modify(ModifyKind::Metadata(what)) => *what == MetadataKind::WriteTime,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Access(_) | EventKind::Other => false,
    }
}

/// The shortest wait handed to the debouncer. Its thread sleeps a quarter of the wait between
/// two looks at its queue: with `--debounce 0` it never slept, and took a whole core (locking,
/// sorting, reading the clock) from the rebuilds it was there to start. A plain save does not
/// wait for it (the fast lane delivers it at once).
const MIN_DEBOUNCER_WAIT: Duration = Duration::from_millis(20);

/// The debouncer's wait for a `--debounce` of `debounce`.
fn debouncer_wait(debounce: Duration) -> Duration {
    debounce.max(MIN_DEBOUNCER_WAIT)
}

/// The debounced native watcher on `watched` (see [`polled`]), or why it cannot run. The output
/// folder is left out, as in polling,
/// since every file a rebuild writes there would otherwise be an event the debouncer queues,
/// sorts and drops (a 10,000-page site's rebuild spent seconds of CPU in them).
fn watch_natively(
    watched: &[(PathBuf, RecursiveMode)],
    debounce: Duration,
    handler: impl notify_debouncer_full::DebounceEventHandler,
) -> notify::Result<Debouncer<RecommendedWatcher, RecommendedCache>> {
    let mut debouncer = new_debouncer(debouncer_wait(debounce), None, handler)?;
    for (path, mode) in watched {
        debouncer.watch(path, *mode)?;
    }
    Ok(debouncer)
}

/// What polling looks at: each root alone, and recursively its folders a build may read.
/// Polling reads every file it watches on every pass (see `watch`), so the output, `target/`,
/// `.git/` and `node_modules/` are left out (their events would be ignored anyway).
fn polled(roots: &[PathBuf], relevant: &Relevant) -> Vec<(PathBuf, RecursiveMode)> {
    let mut watched = Vec::new();
    for root in roots {
        watched.push((root.clone(), RecursiveMode::NonRecursive));
        let Ok(entries) = std::fs::read_dir(root) else {
            continue;
        };
        let mut folders: Vec<PathBuf> = entries
            .flatten()
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
            .map(|entry| entry.path())
            .filter(|path| is_polled_folder(path, relevant))
            .collect();
        folders.sort();
        watched.extend(folders.into_iter().map(|f| (f, RecursiveMode::Recursive)));
    }
    watched
}

/// How many files polling reads on each pass.
fn count_files(watched: &[(PathBuf, RecursiveMode)]) -> usize {
    watched
        .iter()
        .map(|(path, mode)| {
            let depth = if *mode == RecursiveMode::Recursive {
                usize::MAX
            } else {
                1
            };
            walkdir::WalkDir::new(path)
                .max_depth(depth)
                .into_iter()
                .flatten()
                .filter(|entry| entry.file_type().is_file())
                .count()
        })
        .sum()
}

/// A folder right under a root that polling reads: one a build may read (`themes/` among
/// them), not one whose changes never matter.
fn is_polled_folder(path: &Path, relevant: &Relevant) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    relevant.matters(path) && !crate::source::is_skipped_folder(name, true)
}

impl Watcher {
    /// A sender into the changes' channel: an empty batch wakes the reader of
    /// [`next_batch`] (nothing else sends one).
    pub fn waker(&self) -> Sender<Vec<PathBuf>> {
        self.wake.clone()
    }

    /// Polling watches the folders right under a root one by one (see `polled`): one created
    /// since must be added, before the rebuild that walks it, so that nothing written in it
    /// after that walk is missed. Native watching covers new folders by itself.
    pub fn follow_new_folders(&mut self, changed: &[PathBuf]) {
        for path in changed {
            let under_a_root = path
                .parent()
                .is_some_and(|parent| self.roots.iter().any(|root| root == parent));
            if under_a_root && path.is_dir() && is_polled_folder(path, &self.relevant) {
                let _ = match &mut self.debounced {
                    Debounced::Poll(debouncer, _) => {
                        debouncer.watch(path, RecursiveMode::Recursive)
                    }
                    Debounced::Native(debouncer) => debouncer.watch(path, RecursiveMode::Recursive),
                };
            }
        }
    }

    /// The line telling the user that saves are found by polling, and why; `None` with native
    /// events. Polling is slower to notice a save, so users should know.
    pub fn polling_note(&self) -> Option<String> {
        let Debounced::Poll(_, interval) = &self.debounced else {
            return None;
        };
        let every = format!("watching by polling every {} ms", interval.as_millis());
        Some(match &self.native_error {
            None => every,
            Some(err) => format!("native file events unavailable ({err}): {every}"),
        })
    }
}

/// Files editors write beside the real one while saving: never pages, never worth a rebuild.
/// vim (`4913`, `.swp`, `~` backups), JetBrains safe-write (`___jb_tmp___`), Emacs (`#x#`,
/// `.#x`), and the usual system litter. The final rename onto the real file is an event on the
/// real path, so nothing is missed.
pub fn is_editor_noise(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    crate::source::is_editor_file(name)
        || name.ends_with(".tmp")
        || path.components().any(|c| {
            let part = c.as_os_str().to_str().unwrap_or_default();
            matches!(part, ".git" | "target" | "node_modules" | ".carnet-cache")
                || part.contains(".carnet-tmp-")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_site_is_polled_less_often_but_within_two_seconds() {
        assert_eq!(poll_interval(0), Duration::from_millis(250));
        assert_eq!(poll_interval(300), Duration::from_millis(250));
        assert_eq!(poll_interval(10_000), Duration::from_secs(1));
        assert_eq!(poll_interval(10_000_000), Duration::from_secs(2));
    }

    #[test]
    fn editor_side_files_are_noise_and_real_files_are_not() {
        for noise in [
            "content/4913",
            "content/page.md~",
            "content/.page.md.swp",
            "content/page.md___jb_tmp___",
            "content/#page.md#",
            "content/.#page.md",
            ".git/index",
            ".public.carnet-tmp-x1/index.html",
        ] {
            assert!(is_editor_noise(Path::new(noise)), "{noise}");
        }
        for real in [
            "content/page.md",
            "content/SUMMARY.md",
            "content/.gitbook/assets/a.png",
            "carnet.yaml",
        ] {
            assert!(!is_editor_noise(Path::new(real)), "{real}");
        }
    }
}
