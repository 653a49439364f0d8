//! carnet's temporary files and folders, and the sweep of those a killed run left.
//!
//! Whatever carnet writes aside before renaming it into place (a build's staging folder beside
//! the output, `fix-encoding --write`'s file beside the one it repairs) is named
//! `.<name>.carnet-tmp-<random>` and held under an advisory lock while in use. A run killed in
//! the middle leaves it behind, unlocked: the next run that writes there removes it. Only names
//! of that form are ever removed, and never one still locked by a running carnet (on systems
//! without the lock, never one touched in the last hour).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What every temporary name carnet makes contains.
pub const TEMP_MARK: &str = ".carnet-tmp-";

/// The prefix of temporary names made for the file or folder `name`.
pub fn temp_prefix(name: &str) -> String {
    format!(".{name}{TEMP_MARK}")
}

/// A lock held on a temporary file or folder while this run uses it.
#[derive(Debug)]
pub struct TempLock {
    _file: File,
}

impl TempLock {
    /// Locks `path` (a file or a folder) for as long as the value lives; `None` where the
    /// system cannot (the sweep then goes by age).
    pub fn hold(path: &Path) -> Option<TempLock> {
        let file = File::open(path).ok()?;
        lock_exclusive(&file, false).then_some(TempLock { _file: file })
    }
}

/// Removes, in `folder`, the temporary files and folders whose names start with `prefix` (see
/// [`temp_prefix`]) that no running carnet holds. Returns what was removed; what cannot be
/// removed is left for the next run.
pub fn sweep_abandoned(folder: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let matches = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(prefix) && name.contains(TEMP_MARK));
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        // A link is never followed: only carnet's own files and folders go.
        if !matches || kind.is_symlink() || !is_abandoned(&path) {
            continue;
        }
        let gone = if kind.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        if gone.is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// Nobody holds it: its lock can be taken (then it is released at once), or, without locks,
/// it was not touched for an hour.
fn is_abandoned(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    if cfg!(target_os = "linux") {
        return lock_exclusive(&file, true);
    }
    let idle = std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    idle.is_some_and(|idle| idle > Duration::from_secs(3600))
}

/// Takes an exclusive advisory lock on `file` without waiting; `probe`: release it at once.
#[cfg(target_os = "linux")]
fn lock_exclusive(file: &File, probe: bool) -> bool {
    use rustix::fs::{FlockOperation, flock};
    let taken = flock(file, FlockOperation::NonBlockingLockExclusive).is_ok();
    if taken && probe {
        let _ = flock(file, FlockOperation::Unlock);
    }
    taken
}

#[cfg(not(target_os = "linux"))]
fn lock_exclusive(_: &File, _: bool) -> bool {
    false
}

/// `io::Result` of removing what may already be gone (a concurrent sweep, a user).
pub fn gone_is_fine(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_abandoned_temporaries_of_the_name_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = temp_prefix("public");
        let abandoned = dir.path().join(format!("{prefix}abc"));
        std::fs::create_dir_all(abandoned.join("a/b")).unwrap();
        let held = dir.path().join(format!("{prefix}def"));
        std::fs::create_dir(&held).unwrap();
        let _lock = TempLock::hold(&held);
        let other = dir.path().join(".other.carnet-tmp-x");
        std::fs::create_dir(&other).unwrap();
        std::fs::create_dir(dir.path().join("public")).unwrap();
        let removed = sweep_abandoned(dir.path(), &prefix);
        if cfg!(target_os = "linux") {
            assert_eq!(removed, std::slice::from_ref(&abandoned));
            assert!(!abandoned.exists());
        }
        assert!(held.exists() && other.exists() && dir.path().join("public").exists());
    }
}
