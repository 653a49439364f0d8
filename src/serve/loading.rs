//! Loading pages for `carnet serve` and `carnet build --watch`: each page with the hash of the
//! bytes it was loaded from and the files its includes read, so a later save can tell whether
//! it must be loaded again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use crate::build::Inputs;
use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, display_path};
use crate::gitbook::blocks::{IncludeError, IncludeSource};
use crate::site::{LoadContext, Page, load_page_bytes};
use crate::source::SourceFile;

/// A page as loaded from its file, before assembly.
pub struct Loaded {
    /// Of the bytes it was loaded from.
    pub hash: blake3::Hash,
    pub page: Arc<Page>,
    pub diagnostics: Vec<Diagnostic>,
    /// Content-relative paths its includes read or looked for: a change to one of them loads
    /// the page again.
    pub includes: Vec<String>,
}

/// The pages (absolute paths) whose includes read or looked for one of `changed`.
pub fn dependents_of(
    loaded: &FxHashMap<String, Loaded>,
    changed: &[PathBuf],
    content_dir: &Path,
) -> HashSet<PathBuf> {
    let rels: HashSet<String> = changed
        .iter()
        .filter_map(|path| path.strip_prefix(content_dir).ok())
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        .collect();
    if rels.is_empty() {
        return HashSet::new();
    }
    loaded
        .values()
        .filter(|l| l.includes.iter().any(|path| rels.contains(path)))
        .map(|l| l.page.source.abs.clone())
        .collect()
}

/// What every page load depends on besides its file and its includes: when it changes,
/// nothing loaded before can be trusted.
pub fn context_key(config: &SiteConfig, inputs: &Inputs) -> blake3::Hash {
    let mut key = blake3::Hasher::new();
    for part in [
        &config.site_dir.to_string_lossy(),
        &config.content_dir.to_string_lossy(),
    ] {
        key.update(part.as_bytes());
        key.update(&[0]);
    }
    for (name, value) in &inputs.vars {
        key.update(name.as_bytes());
        key.update(&[0]);
        key.update(value.as_bytes());
        key.update(&[0]);
    }
    key.finalize()
}

/// Loads one page from bytes already read, recording the files its includes read.
pub fn load_file(
    file: &SourceFile,
    bytes: &[u8],
    hash: blake3::Hash,
    inputs: &Inputs,
    config: &SiteConfig,
    cache: Option<&crate::cache::Cache>,
) -> Option<Loaded> {
    let includes = RecordedIncludes {
        inner: &inputs.includes,
        read: Mutex::default(),
    };
    let context = LoadContext {
        root: &config.root,
        raw_html: config.raw_html,
        includes: &includes,
        vars: &inputs.vars,
        markdown: config.outputs.page_markdown(),
        cache,
    };
    let (page, diagnostics) = load_page_bytes(
        file,
        display_path(&file.abs, &config.site_dir),
        bytes,
        &context,
    );
    let includes = includes
        .read
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    page.map(|mut page| {
        // As a build does (held, they were 61 MB of a 10,000-page site's preview).
        page.release_text();
        Loaded {
            hash,
            page: Arc::new(page),
            diagnostics,
            includes,
        }
    })
}

/// Includes that remember which files they read, found or not (a missing include that appears
/// later must load the page again).
struct RecordedIncludes<'a> {
    inner: &'a dyn IncludeSource,
    read: Mutex<Vec<String>>,
}

impl IncludeSource for RecordedIncludes<'_> {
    fn read(&self, from: &str, target: &str) -> Result<(String, String), IncludeError> {
        let result = self.inner.read(from, target);
        let path = match &result {
            Ok((path, _)) | Err(IncludeError::NotFound(path)) => Some(path.clone()),
            Err(_) => None,
        };
        if let Some(path) = path {
            self.read
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(path);
        }
        result
    }
}
