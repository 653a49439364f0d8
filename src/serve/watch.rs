//! Watching the site folder: file events, debounced, with what editors write on the side
//! filtered out, delivered as batches of changed paths.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::event::ModifyKind;
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, FileIdMap, RecommendedCache, new_debouncer, new_debouncer_opt,
};

/// A running watcher; dropping it stops watching.
pub enum Watcher {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, FileIdMap>),
}

/// Watches `root` recursively. `poll` asks for polling (network mounts, WSL's `/mnt/c`,
/// containers); polling is also used when native events are unavailable. `ignored` are folders
/// whose changes never matter (the output folder).
pub fn watch(
    root: &Path,
    debounce: Duration,
    poll: bool,
    ignored: Vec<PathBuf>,
) -> notify::Result<(Watcher, Receiver<Vec<PathBuf>>)> {
    let (sender, receiver) = channel();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<PathBuf> = events
            .into_iter()
            // Reading a file is an event too (opening it): only what changes content counts.
            .filter(|event| {
                matches!(
                    event.event.kind,
                    EventKind::Create(_)
                        | EventKind::Modify(_)
                        | EventKind::Remove(_)
                        | EventKind::Any
                ) && !matches!(event.event.kind, EventKind::Modify(ModifyKind::Metadata(_)))
            })
            .flat_map(|event| event.event.paths.clone())
            .filter(|path| !ignored.iter().any(|dir| path.starts_with(dir)))
            .filter(|path| !is_editor_noise(path))
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = sender.send(paths);
        }
    };
    let native = if poll {
        None
    } else {
        new_debouncer(debounce, None, handler.clone()).ok()
    };
    let mut watcher = match native {
        Some(debouncer) => Watcher::Native(debouncer),
        None => {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(250));
            Watcher::Poll(new_debouncer_opt(
                debounce,
                None,
                handler,
                FileIdMap::new(),
                config,
            )?)
        }
    };
    match &mut watcher {
        Watcher::Native(d) => d.watch(root, RecursiveMode::Recursive)?,
        Watcher::Poll(d) => d.watch(root, RecursiveMode::Recursive)?,
    }
    Ok((watcher, receiver))
}

impl Watcher {
    pub fn is_polling(&self) -> bool {
        matches!(self, Watcher::Poll(_))
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
