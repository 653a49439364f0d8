//! Page fragments in the cache: looked up by the page's inputs, used only when every include the
//! page read still reads the same (see the module comment of [`super`]).

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::{Cache, Key};
use crate::gitbook::blocks::{IncludeError, IncludeSource};
use crate::markdown::{Fragment, PageInput, render_fragment_with};

/// One include the page read, replayed to check the entry: what it was asked and the hash of
/// what it found.
#[derive(Serialize, Deserialize)]
struct Read {
    from: String,
    target: String,
    found: Key,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    reads: &'a [Read],
    fragment: &'a Fragment,
}

#[derive(Deserialize)]
struct Entry {
    reads: Vec<Read>,
    fragment: Fragment,
}

impl Cache {
    /// The fragment of `input`: from the cache when its entry still holds, else rendered (its
    /// code highlighted through the block cache) and kept for the next build.
    /// `text_hash` is the BLAKE3 hash of `input.text`, which the key holds in its place (the
    /// page's loading has it already: see [`Cache::source_is_clean`]).
    pub fn fragment(&self, input: &PageInput<'_>, text_hash: &Key) -> Fragment {
        let key = self.fragment_key(input, text_hash);
        if let Some(entry) = self.fragments.get(&key).and_then(decode)
            && entry.reads.iter().all(|read| {
                outcome(input.includes.read(&read.from, &read.target)) == Some(read.found)
            })
        {
            return entry.fragment;
        }
        let recorder = Recorder {
            inner: input.includes,
            reads: Mutex::default(),
        };
        let mut fragment = render_fragment_with(
            &PageInput {
                includes: &recorder,
                ..*input
            },
            Some(self),
        );
        // Kept packed, as loading keeps it: the next build takes it as it is.
        fragment.pack();
        let reads = recorder
            .reads
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        // A read that failed for a reason that may pass (permissions, I/O): not kept.
        if let Some(reads) = reads.into_iter().collect::<Option<Vec<Read>>>()
            && let Ok(bytes) = postcard::to_stdvec(&EntryRef {
                reads: &reads,
                fragment: &fragment,
            })
        {
            self.fragments.put(key, &bytes);
        }
        fragment
    }

    /// Whether the source file whose bytes hash to `bytes_hash` (BLAKE3) was seen by an earlier
    /// build to decode to its own bytes as the page's text, with nothing to report (no byte
    /// order mark, legacy encoding, line ending to change, mojibake, possible mojibake or
    /// reference marker). Decoding is a function of the bytes alone and the binary is in the
    /// key, so the mark holds for as long as the bytes are the same.
    pub fn source_is_clean(&self, bytes_hash: &Key) -> bool {
        self.fragments.get(&self.clean_key(bytes_hash)).is_some()
    }

    /// Marks the source whose bytes hash to `bytes_hash` clean (see [`Cache::source_is_clean`]).
    pub fn keep_clean_source(&self, bytes_hash: &Key) {
        self.fragments.put(self.clean_key(bytes_hash), &[]);
    }

    fn clean_key(&self, bytes_hash: &Key) -> Key {
        self.key(b"clean-source", &[bytes_hash])
    }

    fn fragment_key(&self, input: &PageInput<'_>, text_hash: &Key) -> Key {
        let mut vars = Vec::new();
        for (name, value) in input.vars {
            for part in [name, value] {
                vars.extend_from_slice(&(part.len() as u64).to_le_bytes());
                vars.extend_from_slice(part.as_bytes());
            }
        }
        // What the page input asks for beyond its text: its Markdown too, sanitized raw HTML.
        let settings = [u8::from(input.markdown), input.raw_html as u8];
        self.key(
            b"fragment",
            &[
                &settings,
                text_hash,
                &(input.body_start as u64).to_le_bytes(),
                input.path.as_bytes(),
                &vars,
            ],
        )
    }
}

/// An entry of a table whose checksum held; one that does not decode (it cannot happen, short
/// of a bug or a hand-made file) is a miss. Its packed texts are not unpacked to check them
/// here: the page loop unpacks them once, and on parts that do not unpack the build starts
/// over without reading the cache (see [`crate::markdown::PackedParts::try_unpack`]).
fn decode(bytes: &[u8]) -> Option<Entry> {
    postcard::from_bytes(bytes).ok()
}

/// What an include read found, as a hash; `None` for a failure that may not happen again.
fn outcome(result: Result<(String, String), IncludeError>) -> Option<Key> {
    let mut hasher = blake3::Hasher::new();
    match result {
        Ok((path, text)) => {
            hasher.update(b"ok\0");
            hasher.update(path.as_bytes());
            hasher.update(b"\0");
            hasher.update(text.as_bytes());
        }
        Err(IncludeError::NotFound(path)) => {
            hasher.update(b"not found\0");
            hasher.update(path.as_bytes());
        }
        Err(IncludeError::Remote) => {
            hasher.update(b"remote");
        }
        Err(IncludeError::OutsideSite) => {
            hasher.update(b"outside");
        }
        Err(IncludeError::Unreadable(_)) => return None,
    }
    Some(*hasher.finalize().as_bytes())
}

/// Includes that remember what each read found.
struct Recorder<'a> {
    inner: &'a dyn IncludeSource,
    reads: Mutex<Vec<Option<Read>>>,
}

impl IncludeSource for Recorder<'_> {
    fn read(&self, from: &str, target: &str) -> Result<(String, String), IncludeError> {
        let result = self.inner.read(from, target);
        let found = outcome(result.clone());
        let read = found.map(|found| Read {
            from: from.to_owned(),
            target: target.to_owned(),
            found,
        });
        self.reads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(read);
        result
    }
}

#[cfg(test)]
mod tests {
    use crate::cache::Cache;
    use crate::config::CacheConfig;

    #[test]
    fn a_source_marked_clean_is_known_clean_to_the_next_build_and_no_other() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = CacheConfig {
            dir: dir.path().join("cache"),
            max_bytes: 1 << 20,
            fresh: false,
        };
        let clean = *blake3::hash(b"# Clean\n").as_bytes();
        let other = *blake3::hash(b"# Clean\r\n").as_bytes();
        let (cache, _) = Cache::open(&config);
        let cache = cache.expect("the test binary identifies itself");
        assert!(!cache.source_is_clean(&clean));
        cache.keep_clean_source(&clean);
        assert!(cache.save().is_empty());
        let (cache, _) = Cache::open(&config);
        let cache = cache.expect("opens again");
        assert!(cache.source_is_clean(&clean));
        assert!(!cache.source_is_clean(&other));
    }
}
