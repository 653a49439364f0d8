//! Outputs of the write phase in the cache (`outputs.bin`): the search index's term files and
//! rendered pages.
//!
//! Why: on an unchanged site the term shards are the same bytes every build, and making them
//! (stemming and interning every distinct word of the site, then the BM25 weights and the
//! postings) was a quarter of a second process's CPU. Their key is the hash of everything
//! the search index makes them from ([`crate::render::search_digest`]: every indexed page's
//! search id, URL, title, description, language, sections and word counts, in order, and the
//! site's languages), besides the carnet binary. A page's own file (`p/<id>.js`) is cheap and is made
//! again by every build; the page file's hash that goes into the index's version is made from
//! inputs the key holds.
//!
//! A page's HTML (the theme around its body) is kept under the hash of its resolved content,
//! its output path and the digest of everything rendering reads of the rest of the site and of
//! the theme ([`crate::render::render_digest`]).
//!
//! A space's detected language is kept under the hash of the samples it was detected from
//! (whatlang's answer is a function of them and of the binary).
//!
//! The table is opened before the pages are loaded (the site's assembly recalls languages from
//! it) and kept for the write phase, apart from the fragments (whose file is written and let go
//! once the pages are loaded, so its map does not stay resident while the pages are rendered).

use super::table::{Key, Table};
use super::{
    MAX_DAYS, damage_warning, distrust_warning, identity, key_of, output_room, today,
    unwritable_warning,
};
use crate::config::CacheConfig;
use crate::diagnostic::Diagnostic;

/// The cache of a build's write phase.
pub struct OutputCache {
    dir: std::path::PathBuf,
    identity: Key,
    table: Table,
}

/// Term files taken from the cache: paths under the output folder and their bytes, borrowed
/// from the mapped table.
pub type SearchFiles<'a> = Vec<(&'a str, &'a [u8])>;

impl OutputCache {
    /// Reads `outputs.bin` in `config.dir` (a damaged file is a warning and an empty table,
    /// another carnet's is replaced silently); `None` when the binary cannot identify itself
    /// (the fragment cache has already said so).
    pub fn open(config: &CacheConfig) -> (Option<OutputCache>, Vec<Diagnostic>) {
        let Some(identity) = identity(&config.dir) else {
            return (None, Vec::new());
        };
        let path = config.dir.join("outputs.bin");
        let (table, distrust) = super::open_table(
            config.fresh,
            path.clone(),
            identity,
            today(),
            output_room(config.max_bytes),
        );
        let diagnostics = distrust
            .and_then(|d| distrust_warning(&path, &d))
            .into_iter()
            .collect();
        let cache = OutputCache {
            dir: config.dir.clone(),
            identity,
            table,
        };
        (Some(cache), diagnostics)
    }

    /// Writes the table for the next build (within its bound, unused entries pruned as the
    /// fragments' are); problems are warnings.
    pub fn save(self) -> Vec<Diagnostic> {
        let mut diagnostics: Vec<Diagnostic> = damage_warning(&self.table).into_iter().collect();
        let dir = self.dir;
        if let Err(err) = self.table.write(MAX_DAYS) {
            diagnostics.push(unwritable_warning(&dir, &err));
        }
        diagnostics
    }

    /// Whether [`OutputCache::save`] would write nothing and report nothing (an unchanged
    /// site): then the cache needs no saving, only letting go, which a build does beside
    /// removing the previous output rather than before it.
    pub fn unchanged(&self) -> bool {
        self.table.unchanged()
    }

    /// The term files kept for the search inputs of `digest`
    /// ([`crate::render::search_digest`]), if the table holds them whole.
    pub fn search_files(&self, digest: &Key) -> Option<SearchFiles<'_>> {
        decode(self.table.get(&self.search_key(digest))?)
    }

    /// Keeps the term `files` (output path, bytes) made from the search inputs of `digest`.
    pub fn keep_search_files(&self, digest: &Key, files: &[(&str, &[u8])]) {
        self.table.put(self.search_key(digest), &encode(files));
    }

    fn search_key(&self, digest: &Key) -> Key {
        key_of(&self.identity, b"search-index", &[digest])
    }

    /// The key of a page's HTML: `digest` ([`crate::render::render_digest`]: everything
    /// rendering reads of the site and the theme), the page's output path and its resolved
    /// content (its body with its links, includes and references filled in).
    pub fn page_key(&self, digest: &Key, path: &str, content: &str) -> Key {
        key_of(
            &self.identity,
            b"page-html",
            &[digest, path.as_bytes(), content.as_bytes()],
        )
    }

    /// The page HTML kept under `key`.
    pub fn page_html(&self, key: &Key) -> Option<&[u8]> {
        self.table.get(key)
    }

    /// The BLAKE3 hash of the page HTML kept under `key`, kept as an entry of its own: a build
    /// that finds the output file already holding those bytes (the output manifest) links it
    /// without reading the HTML (its checksum would be a pass over every page's bytes). The
    /// HTML's entry is marked used as if it had been read.
    pub fn page_hash(&self, key: &Key) -> Option<Key> {
        let hash = self.table.get(&hash_key(key))?.try_into().ok()?;
        self.table.touch(key);
        Some(hash)
    }

    /// Keeps the hash of the page HTML kept under `key`.
    pub fn keep_page_hash(&self, key: &Key, hash: &Key) {
        self.table.put(hash_key(key), hash);
    }

    /// Keeps a page's HTML under `key` for the next build, and the hash of its bytes.
    pub fn keep_page_html(&self, key: Key, html: &[u8], hash: &Key) {
        self.table.put(key, html);
        self.table.put(hash_key(&key), hash);
    }
}

impl OutputCache {
    /// The language detected from the samples hashing to `samples`, if an earlier build kept
    /// it: `Some(None)` when their text named none clearly. The entry is a tag byte (0: no
    /// language, 1: the tag follows); anything else is a miss.
    pub fn language(&self, samples: &Key) -> Option<Option<String>> {
        match self.table.get(&self.language_key(samples))? {
            [0] => Some(None),
            [1, tag @ ..] => Some(Some(std::str::from_utf8(tag).ok()?.to_owned())),
            _ => None,
        }
    }

    /// Keeps what the samples hashing to `samples` were detected to be written in.
    pub fn keep_language(&self, samples: &Key, language: Option<&str>) {
        let entry = match language {
            None => vec![0],
            Some(tag) => [&[1], tag.as_bytes()].concat(),
        };
        self.table.put(self.language_key(samples), &entry);
    }

    fn language_key(&self, samples: &Key) -> Key {
        key_of(&self.identity, b"language", &[samples])
    }
}

/// The key of the hash of the page HTML kept under `key`.
fn hash_key(key: &Key) -> Key {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"page-html-hash");
    hasher.update(key);
    *hasher.finalize().as_bytes()
}

/// The files one after the other: count, then for each its path's length and path, its
/// length and bytes (lengths little-endian `u64`).
fn encode(files: &[(&str, &[u8])]) -> Vec<u8> {
    let size: usize = files
        .iter()
        .map(|(path, bytes)| 16 + path.len() + bytes.len())
        .sum();
    let mut out = Vec::with_capacity(8 + size);
    out.extend_from_slice(&(files.len() as u64).to_le_bytes());
    for &(path, bytes) in files {
        for part in [path.as_bytes(), bytes] {
            out.extend_from_slice(&(part.len() as u64).to_le_bytes());
            out.extend_from_slice(part);
        }
    }
    out
}

/// The files of [`encode`]; `None` for bytes it did not write (an entry passed its checksum,
/// so only a bug could make one).
fn decode(mut bytes: &[u8]) -> Option<SearchFiles<'_>> {
    fn take<'a>(bytes: &mut &'a [u8]) -> Option<&'a [u8]> {
        let len = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
        let len = usize::try_from(len).ok()?;
        let part = bytes.get(8..8usize.checked_add(len)?)?;
        *bytes = &bytes[8 + len..];
        Some(part)
    }
    let count = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    bytes = &bytes[8..];
    let mut files = Vec::new();
    for _ in 0..count {
        let path = std::str::from_utf8(take(&mut bytes)?).ok()?;
        let content = take(&mut bytes)?;
        files.push((path, content));
    }
    bytes.is_empty().then_some(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_come_back_as_they_were_kept() {
        let files = [
            ("search/meta.js", &b"meta"[..]),
            ("search/t/a.js", &b""[..]),
        ];
        let encoded = encode(&files);
        let decoded = decode(&encoded).expect("what encode wrote decodes");
        assert_eq!(decoded, files);
        for cut in 0..encoded.len() {
            assert!(decode(&encoded[..cut]).is_none(), "cut at {cut}");
        }
    }
}
