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
    pub fn fragment(&self, input: &PageInput<'_>) -> Fragment {
        let key = self.fragment_key(input);
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

    fn fragment_key(&self, input: &PageInput<'_>) -> Key {
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
                input.text.as_bytes(),
                &(input.body_start as u64).to_le_bytes(),
                input.path.as_bytes(),
                &vars,
            ],
        )
    }
}

/// An entry of a table whose checksum held; one that does not decode, or whose packed texts
/// do not unpack (it cannot happen, short of a bug or a hand-made file), is a miss.
fn decode(bytes: &[u8]) -> Option<Entry> {
    let entry: Entry = postcard::from_bytes(bytes).ok()?;
    let sound = entry.fragment.packed.as_ref().is_none_or(|p| p.is_sound());
    sound.then_some(entry)
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
