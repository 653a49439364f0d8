//! The build cache (`.carnet-cache/` in the site folder): what a build computed that the next
//! one can take back instead of computing again, so a second build of an unchanged site costs
//! little more than reading it.
//!
//! Two tables ([`table`]): page fragments (a page body rendered to HTML, its headings, anchors,
//! references, text and words for search: phase 1 of a build, with the highlighting in it) and
//! highlighted code blocks (for the pages that changed: their unchanged blocks are not
//! highlighted again).
//!
//! Why a cached entry is never stale: its key is the hash of everything its value is made from.
//! A fragment is made from the page's decoded text, its path, the site's variables, the files
//! its includes read, and the carnet binary (the site's language is not in it: its words are
//! filled in when pages are rendered); a block from its language, its code and
//! the binary. The binary is identified by the hash of its own bytes, so another version, another
//! build, other grammars all miss (the hash is remembered between processes, see [`identity`]).
//! Includes are not in the key (a page names them only once it is parsed): the entry records
//! each include it read and what it found, and is used only when every one of them still reads
//! the same. Nothing else goes into a fragment; what does depend on
//! the rest of the site (links, navigation, the theme) is computed after, by every build.

mod fragments;
mod identity;
mod outputs;
mod table;

pub use outputs::{OutputCache, SearchFiles};

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::config::CacheConfig;
use crate::diagnostic::Diagnostic;
use crate::markdown::BlockStore;
pub use table::Key;
use table::{Distrust, Table};

/// The format of the tables' entries; part of every key.
const FORMAT: &[u8] = b"carnet-cache-1";

/// The table in `path`, or an empty one that writes over it when the build wants a fresh
/// cache (`CacheConfig::fresh`).
fn open_table(
    fresh: bool,
    path: PathBuf,
    identity: Key,
    today: u32,
    room: u64,
) -> (Table, Option<Distrust>) {
    if fresh {
        (Table::empty(path, identity, today, room), None)
    } else {
        Table::open(path, identity, today, room)
    }
}

/// How long an entry nobody used stays.
const MAX_DAYS: u32 = 30;

/// The cache of one build: opened (read) before the pages are loaded, saved after.
pub struct Cache {
    dir: PathBuf,
    identity: Key,
    today: u32,
    max_bytes: u64,
    /// Nothing read from the files (`CacheConfig::fresh`).
    fresh: bool,
    fragments: Table,
    /// Read on the first block looked up: a build whose pages all come from the cache needs none.
    blocks: OnceLock<Table>,
    /// What opening the block table found.
    late: Mutex<Vec<Diagnostic>>,
}

impl Cache {
    /// Reads the cache in `config.dir`. A table that cannot be trusted (damaged, truncated,
    /// written by another carnet) is left unused, with a warning; `None` when the running
    /// binary cannot be identified (nothing could tell its entries from another's).
    pub fn open(config: &CacheConfig) -> (Option<Cache>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let Some(identity) = identity(&config.dir) else {
            diagnostics.push(Diagnostic::warning(
                "cache-ignored",
                "the build cache is not used: carnet cannot read its own program file to tell its entries from another version's",
            ));
            return (None, diagnostics);
        };
        let today = today();
        let path = config.dir.join("fragments.bin");
        // Fragments hold their pages' code already: they get most of the room.
        let (fragments, distrust) = open_table(
            config.fresh,
            path.clone(),
            identity,
            today,
            fragment_room(config.max_bytes),
        );
        diagnostics.extend(distrust.and_then(|distrust| distrust_warning(&path, &distrust)));
        let cache = Cache {
            dir: config.dir.clone(),
            identity,
            today,
            max_bytes: config.max_bytes,
            fresh: config.fresh,
            fragments,
            blocks: OnceLock::new(),
            late: Mutex::default(),
        };
        (Some(cache), diagnostics)
    }

    fn blocks(&self) -> &Table {
        self.blocks.get_or_init(|| {
            let path = self.dir.join("blocks.bin");
            let room = self.max_bytes - fragment_room(self.max_bytes) - output_room(self.max_bytes);
            let (table, distrust) =
                open_table(self.fresh, path.clone(), self.identity, self.today, room);
            if let Some(warning) = distrust.and_then(|d| distrust_warning(&path, &d)) {
                let mut late = self.late.lock().unwrap_or_else(|e| e.into_inner());
                late.push(warning);
            }
            table
        })
    }

    /// Writes what the next build can use, within the size bound; a cache that cannot be
    /// written is a warning (the build itself is not affected).
    pub fn save(self) -> Vec<Diagnostic> {
        let Cache {
            dir,
            fragments,
            blocks,
            late,
            ..
        } = self;
        let mut diagnostics = late.into_inner().unwrap_or_else(|e| e.into_inner());
        let tables = [Some(&fragments), blocks.get()];
        diagnostics.extend(tables.into_iter().flatten().filter_map(damage_warning));
        let results = [
            Some(fragments.write(MAX_DAYS)),
            blocks.into_inner().map(|blocks| blocks.write(MAX_DAYS)),
        ];
        let failed = results
            .into_iter()
            .flatten()
            .filter_map(Result::err)
            .map(|err| unwritable_warning(&dir, &err));
        diagnostics.extend(failed);
        diagnostics
    }

    /// The key of `parts`, for this binary and this format.
    fn key(&self, kind: &[u8], parts: &[&[u8]]) -> Key {
        key_of(&self.identity, kind, parts)
    }
}

impl BlockStore for Cache {
    fn highlighted(
        &self,
        language: &str,
        code: &str,
        highlight: &dyn Fn() -> Option<Arc<str>>,
    ) -> Option<Arc<str>> {
        let key = self.key(b"block", &[language.as_bytes(), code.as_bytes()]);
        let blocks = self.blocks();
        if let Some(html) = blocks.get(&key).and_then(|b| std::str::from_utf8(b).ok()) {
            return Some(Arc::from(html));
        }
        let html = highlight()?;
        blocks.put(key, html.as_bytes());
        Some(html)
    }
}

/// The room of the fragment table within `max_bytes`: most of it, as fragments hold their
/// pages' code already.
fn fragment_room(max_bytes: u64) -> u64 {
    max_bytes / 8 * 5
}

/// The room of the output table (the search index's term files) within `max_bytes`.
fn output_room(max_bytes: u64) -> u64 {
    max_bytes / 4
}

/// The key of `parts` for the carnet `identity` and this format: every part's length goes in
/// before it, so no two lists of parts hash the same bytes.
fn key_of(identity: &Key, kind: &[u8], parts: &[&[u8]]) -> Key {
    let mut hasher = blake3::Hasher::new();
    hasher.update(FORMAT);
    hasher.update(identity);
    hasher.update(kind);
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    *hasher.finalize().as_bytes()
}

/// The warning for a table that could not be written in `dir`.
fn unwritable_warning(dir: &std::path::Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::warning(
        "cache-unwritable",
        format!(
            "cannot write the build cache in `{}`: {err} (the next build will not be faster)",
            dir.display()
        ),
    )
}

/// The warning for the entries of `table` that failed their checksum, if any.
fn damage_warning(table: &Table) -> Option<Diagnostic> {
    let (entries, their, were) = match table.damaged() {
        0 => return None,
        1 => ("1 entry".to_owned(), "its", "was"),
        n => (format!("{n} entries"), "their", "were"),
    };
    Some(Diagnostic::warning(
        "cache-ignored",
        format!(
            "the build cache `{}` is damaged: {entries} failed {their} checksum and {were} not used (made again by this build)",
            table.path().display()
        ),
    ))
}

/// What the user is told about a table not used: nothing when another carnet wrote it (expected
/// after every upgrade, and a warning would fail `--strict` builds that restore an older cache
/// in CI); a warning when it is damaged.
fn distrust_warning(path: &std::path::Path, distrust: &Distrust) -> Option<Diagnostic> {
    let why = match distrust {
        Distrust::Foreign => return None,
        Distrust::Corrupt(why) => format!("it is damaged: {why}"),
    };
    Some(Diagnostic::warning(
        "cache-ignored",
        format!(
            "the build cache `{}` is not used: {why}; it is rebuilt by this build",
            path.display()
        ),
    ))
}

/// The running binary's identity (see [`identity`]), once per process. `dir` is the cache
/// folder, where the memo of the program's hash is kept.
fn identity(dir: &std::path::Path) -> Option<Key> {
    static IDENTITY: OnceLock<Option<Key>> = OnceLock::new();
    *IDENTITY.get_or_init(|| identity::program_identity(dir))
}

/// Days since 1970, for how recently an entry was used.
fn today() -> u32 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    (seconds / 86_400) as u32
}
