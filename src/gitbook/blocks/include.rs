//! Where `{% include "…" %}` finds its files.
//!
//! Includes (`.gitbook/includes/*.md`) are fragments, not pages: reading them while a page loads is
//! part of reading that page. The path is relative to the including file; it may not leave the
//! site. `https://app.gitbook.com/…` includes live on GitBook's servers and cannot be read offline.

use std::path::PathBuf;

use crate::paths::{decode_path, join_path, parent_dir};

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
        let bytes = match std::fs::read(self.content_dir.join(&path)) {
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
