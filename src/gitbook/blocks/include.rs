//! Where `{% include "…" %}` finds its files.
//!
//! Includes (`.gitbook/includes/*.md`) are fragments, not pages: reading them while a page loads is
//! part of reading that page. The path is relative to the including file; it may not leave the
//! content folder as written, nor the site folder once symbolic links are resolved (such a file
//! reads as missing: its bytes never reach a page). `https://app.gitbook.com/…` includes live on
//! GitBook's servers and cannot be read offline.

use std::path::PathBuf;

use crate::paths::{Escape, SiteRoot, decode_path, join_path, parent_dir};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IncludeError {
    NotFound(String),
    OutsideSite,
    Remote,
    Unreadable(String),
}

impl std::fmt::Display for IncludeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IncludeError::NotFound(path) => write!(f, "`{path}` does not exist"),
            IncludeError::OutsideSite => f.write_str("the path leads outside the site"),
            IncludeError::Remote => f.write_str("the file is on another host"),
            IncludeError::Unreadable(err) => write!(f, "{err}"),
        }
    }
}

/// Reads included files. `from` and the returned path are content-relative.
pub trait IncludeSource: Sync {
    fn read(&self, from: &str, target: &str) -> Result<(String, String), IncludeError>;
}

/// Includes read from the content folder.
pub struct FsIncludes {
    pub content_dir: PathBuf,
    /// The boundary of reads, symbolic links resolved.
    pub root: SiteRoot,
}

impl IncludeSource for FsIncludes {
    fn read(&self, from: &str, target: &str) -> Result<(String, String), IncludeError> {
        if target.is_empty() {
            return Err(IncludeError::NotFound(String::new()));
        }
        if target.contains("://") {
            return Err(IncludeError::Remote);
        }
        let path =
            join_path(parent_dir(from), &decode_path(target)).ok_or(IncludeError::OutsideSite)?;
        let resolved = match self.root.resolve(&self.content_dir.join(&path)) {
            Ok(resolved) => resolved,
            Err(Escape::Missing(err)) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(IncludeError::Unreadable(err.to_string()));
            }
            Err(_) => return Err(IncludeError::NotFound(path)),
        };
        let bytes = match self
            .root
            .read_bounded(&resolved, crate::limits::MAX_PAGE_BYTES)
        {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(IncludeError::NotFound(path));
            }
            Err(err) => return Err(IncludeError::Unreadable(err.to_string())),
        };
        Ok((path, crate::text::decode_source(&bytes).text))
    }
}

/// For pages rendered without a site around them (tests, fuzzing): every include is missing.
pub struct NoIncludes;

impl IncludeSource for NoIncludes {
    fn read(&self, _: &str, target: &str) -> Result<(String, String), IncludeError> {
        if target.contains("://") {
            Err(IncludeError::Remote)
        } else {
            Err(IncludeError::NotFound(target.to_string()))
        }
    }
}
