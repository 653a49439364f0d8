//! Reads stay inside the site folder.
//!
//! A site's files are written by many hands, and a symbolic link is a file like any other: one
//! named `logo.png` that points to `/etc/passwd` would be published by a build that simply
//! followed it. Every path carnet reads because content or configuration names it (a page, an
//! include, a theme, `.gitbook.yaml`'s `root`, a `docs.yaml` folder, `content_dir`) is resolved
//! with its symlinks and must land inside the site folder ([`SiteRoot`]); a link that stays
//! inside is followed as before.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Diagnostic;
#[cfg(doc)]
use crate::limits::MAX_PAGE_BYTES;
use crate::limits::{MAX_SOURCE_BYTES, too_large};

/// The site folder, resolved once (symlinks included): the boundary of every read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteRoot {
    /// As the user named it: diagnostics show paths relative to it.
    given: PathBuf,
    resolved: PathBuf,
}

/// Why a path named by the site is not read.
#[derive(Debug)]
pub enum Escape {
    /// It does not exist, or cannot be resolved.
    Missing(io::Error),
    /// Resolved (symlinks followed), it is outside the site folder.
    Outside,
}

impl Escape {
    /// As an I/O error, for readers that report those: an outside path reads as a file that
    /// cannot be opened, never as its bytes.
    pub fn into_io(self) -> io::Error {
        match self {
            Escape::Missing(err) => err,
            Escape::Outside => io::Error::new(io::ErrorKind::PermissionDenied, OUTSIDE),
        }
    }
}

/// What an outside path is called in messages.
pub const OUTSIDE: &str = "it leads outside the site folder (through a symbolic link)";

/// The warning for a symbolic link of the site that leads outside it (`shown`: the link, as
/// diagnostics show paths). What it names is neither read, published nor served.
pub fn outside_warning(shown: impl Into<PathBuf>) -> Diagnostic {
    Diagnostic::warning(
        "symlink-outside-site",
        "a symbolic link to outside the site folder: it is not read, published or served",
    )
    .in_file(shown)
}

impl SiteRoot {
    /// The boundary for the site in `site_dir`, which must exist.
    pub fn new(site_dir: &Path) -> io::Result<SiteRoot> {
        Ok(SiteRoot {
            given: site_dir.to_path_buf(),
            resolved: site_dir.canonicalize()?,
        })
    }

    /// `path` as diagnostics show it: relative to the site folder.
    pub fn shown(&self, path: &Path) -> PathBuf {
        crate::diagnostic::display_path(path, &self.given)
    }

    /// The site folder, resolved.
    pub fn path(&self) -> &Path {
        &self.resolved
    }

    /// Whether `resolved` (a path with its symlinks already resolved) is inside the site folder.
    pub fn holds(&self, resolved: &Path) -> bool {
        resolved.starts_with(&self.resolved)
    }

    /// `path` with every symbolic link resolved, when it exists and is inside the site folder.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Escape> {
        let resolved = path.canonicalize().map_err(Escape::Missing)?;
        if self.holds(&resolved) {
            Ok(resolved)
        } else {
            Err(Escape::Outside)
        }
    }

    /// Reads the text source at `path` (a configuration file, an include) when it resolves inside
    /// the site folder and is not larger than [`MAX_SOURCE_BYTES`].
    pub fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.read_bounded(path, MAX_SOURCE_BYTES)
    }

    /// [`SiteRoot::read`] with a smaller limit (an include: [`MAX_PAGE_BYTES`]).
    pub fn read_bounded(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let resolved = self.resolve(path).map_err(Escape::into_io)?;
        read_within(std::fs::File::open(&resolved)?, limit)
    }

    /// [`SiteRoot::read_listed`] for a text source: a page ([`MAX_PAGE_BYTES`]) or SUMMARY.md
    /// ([`MAX_SOURCE_BYTES`]), as `limit` says.
    ///
    /// The file is opened without following a link at its end, and asked its length through
    /// the handle: one lookup of its path, not two (an `lstat` first was one more walk of the
    /// path for each of a big site's ten thousand pages). A link (the open refuses it) is
    /// resolved and checked whole.
    pub fn read_source(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let mut options = std::fs::File::options();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        }
        let file = match options.open(path) {
            Ok(file) => file,
            #[cfg(unix)]
            Err(err) if err.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                return self.read_bounded(path, limit);
            }
            Err(err) => return Err(err),
        };
        read_within(file, limit)
    }

    /// Reads a file the walk of the site listed. The walk checked its folders, and a folder
    /// changed since then makes `serve` walk again, so only the file itself is looked at: when
    /// it is (or became) a symbolic link, it is resolved and checked whole. One `lstat` for the
    /// ten thousand pages of a big site instead of a full resolution each.
    pub fn read_listed(&self, path: &Path) -> io::Result<Vec<u8>> {
        if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
            self.read(path)
        } else {
            std::fs::read(path)
        }
    }
}

/// An absolute path with `.` and `..` removed and the symbolic links of its longest existing
/// part resolved (the rest does not exist yet, so it holds no link): where a folder about to be
/// created will be.
pub fn resolve_existing(path: &Path) -> PathBuf {
    let absolute = lexical(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return missing
                .iter()
                .rev()
                .fold(real, |path, name| path.join(name));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
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

/// Reads the open `file` whole, refusing one above `limit` bytes: its length is asked of the
/// handle, so it is the length of the file read, not of whatever the path names by then.
fn read_within(mut file: std::fs::File, limit: u64) -> io::Result<Vec<u8>> {
    let len = file.metadata()?.len();
    if len > limit {
        return Err(too_large(len, limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_parts_are_kept_after_the_resolved_ones() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(
            resolve_existing(&dir.path().join("a/../b/c")),
            real.join("b/c")
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_inside_and_refused_outside() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "secret").unwrap();
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join("page.md"), "page").unwrap();
        std::os::unix::fs::symlink("page.md", site.path().join("inside.md")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), site.path().join("out.md"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), site.path().join("dir")).unwrap();
        let root = SiteRoot::new(site.path()).unwrap();
        assert_eq!(root.read(&site.path().join("inside.md")).unwrap(), b"page");
        assert_eq!(
            root.read_listed(&site.path().join("inside.md")).unwrap(),
            b"page"
        );
        for path in ["out.md", "dir/secret", "../secret"] {
            assert!(root.read(&site.path().join(path)).is_err(), "{path}");
        }
        assert!(root.read_listed(&site.path().join("out.md")).is_err());
        assert!(matches!(
            root.resolve(&site.path().join("nothing")),
            Err(Escape::Missing(_))
        ));
    }
}
