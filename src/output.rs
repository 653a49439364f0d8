//! The `output` stage: writing a site so that readers and hosts never see half of one.
//!
//! A build writes into a fresh folder beside the output folder and swaps it in at the end (on Linux
//! with one atomic `renameat2(RENAME_EXCHANGE)`). A failed build, an error in the sources or a
//! crash leaves the previous output exactly as it was, and the staging folder is removed.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;

/// A folder being filled with the next version of the output.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates the staging folder next to `target` (same file system, so the swap is a rename).
    pub fn new(target: &Path) -> io::Result<Self> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("public");
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.carnet-tmp-"))
            .tempdir_in(&parent)?
            .keep();
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at the output-relative path `rel`, creating folders as needed.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    /// Copies the file `from` to the output-relative path `rel`.
    pub fn copy_file(&self, rel: &str, from: &Path) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, path).map(|_| ())
    }

    /// Puts the staged output in place of the target and removes the previous output.
    pub fn commit(mut self) -> io::Result<()> {
        if !self.target.exists() {
            std::fs::rename(&self.dir, &self.target)?;
        } else if exchange(&self.dir, &self.target).is_ok() {
            // The staging path now holds the previous output.
            remove_tree(&self.dir)?;
        } else {
            let old = self.dir.with_extension("old");
            std::fs::rename(&self.target, &old)?;
            std::fs::rename(&self.dir, &self.target)?;
            remove_tree(&old)?;
        }
        self.committed = true;
        Ok(())
    }
}

/// Removes a folder, its top-level entries in parallel: a site's previous output is thousands of
/// folders, and unlinking them one core at a time is a visible part of a rebuild.
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries
        .par_iter()
        .try_for_each(|path| match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
            Ok(_) => std::fs::remove_file(path),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(err),
        })?;
    std::fs::remove_dir_all(dir)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// Refuses output folders whose replacement would destroy the user's sources: the site folder,
/// the content folder or any folder containing them, or a file.
pub fn check_output_dir(config: &SiteConfig) -> Result<(), Diagnostic> {
    let out = normalize(&config.output_dir);
    let protected = [&config.site_dir, &config.content_dir];
    for dir in protected {
        let dir = normalize(dir);
        if dir.starts_with(&out) {
            let message = format!(
                "the output folder `{}` contains the sources (`{}`); building would replace them. Choose another output folder",
                config.output_dir.display(),
                dir.display()
            );
            return Err(Diagnostic::error("invalid-output", message));
        }
    }
    if let Some(cache) = &config.cache {
        let cache_dir = normalize(&cache.dir);
        if cache_dir.starts_with(&out) || out.starts_with(&cache_dir) {
            let message = format!(
                "the output folder `{}` and the build cache `{}` overlap: each build would replace the cache or publish it. Choose another output folder or `cache.dir`",
                config.output_dir.display(),
                cache.dir.display()
            );
            return Err(Diagnostic::error("invalid-output", message));
        }
    }
    if config.output_dir.exists() && !config.output_dir.is_dir() {
        let message = format!(
            "the output path `{}` exists and is not a folder",
            config.output_dir.display()
        );
        return Err(Diagnostic::error("invalid-output", message));
    }
    Ok(())
}

/// An absolute path with `.` and `..` resolved, following symlinks where the path exists.
fn normalize(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_previous_output_entirely() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir_all(target.join("stale")).unwrap();
        std::fs::write(target.join("stale/old.html"), "old").unwrap();
        let staging = Staging::new(&target).unwrap();
        staging.write("a/index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!target.join("stale").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
    }

    #[test]
    fn dropping_without_commit_leaves_the_old_output_and_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("index.html"), "old").unwrap();
        {
            let staging = Staging::new(&target).unwrap();
            staging.write("index.html", b"half").unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
