//! `llms-full.txt` as `carnet build --watch` keeps it between saves: one piece per listed page
//! (its Markdown, with links from the site root), LZ4-packed, so a save makes again only the
//! pieces of the pages it changed, and the file (47 MB on a 10,000-page site, about 20 MB
//! packed) is never joined in memory nor hashed whole: it is written from the pieces, from the
//! first that changed on ([`LlmsFull::rewrite`]). `carnet serve` keeps nothing of it: it makes
//! the file a few hundred pages at a time while sending it ([`stream`]).
//!
//! A piece depends on its page and on what other pages show it (URLs, titles, anchors); a page
//! swap changes none of that ([`crate::site::Page::same_for_others`]), so the other pieces are
//! kept; a reassembly makes a new snapshot, whose pieces are all made again.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::markdown::Packed;
use crate::render::{LlmsBreaks, llms_full_pages, llms_full_piece};
use crate::site::{PageId, Site};

/// Pages made at once by [`stream`]: enough to keep both cores busy, few enough that a batch
/// is a megabyte or two.
const BATCH: usize = 256;

/// Makes `site`'s `llms-full.txt` and hands it to `send` a batch of pages at a time, in order,
/// until all is sent or `send` returns `false` (the reader went away).
pub fn stream(site: &Site, mut send: impl FnMut(Vec<u8>) -> bool) {
    let pages = llms_full_pages(site);
    let mut breaks = LlmsBreaks::default();
    for batch in pages.chunks(BATCH) {
        let pieces: Vec<String> = batch
            .par_iter()
            .map(|&page| llms_full_piece(site, page))
            .collect();
        if !send(join(&pieces, &mut breaks)) {
            return;
        }
    }
}

/// `pieces` joined, continuing a file whose line breaks so far `breaks` knows.
fn join(pieces: &[String], breaks: &mut LlmsBreaks) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(pieces.iter().map(|p| p.len() + 1).sum());
    for piece in pieces {
        if breaks.before(piece.len()) {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(piece.as_bytes());
    }
    bytes
}

/// One page's piece and its hash.
struct Piece {
    page: PageId,
    text: Packed,
    hash: blake3::Hash,
}

impl Piece {
    fn len(&self) -> u64 {
        self.text.len() as u64
    }
}

/// One piece as the file holds it, after a line break or not ([`LlmsBreaks`]).
#[derive(Clone)]
struct Chunk {
    piece: Arc<Piece>,
    after_break: bool,
}

impl Chunk {
    fn len(&self) -> u64 {
        u64::from(self.after_break) + self.piece.len()
    }

    fn same_bytes(&self, other: &Chunk) -> bool {
        self.after_break == other.after_break
            && (Arc::ptr_eq(&self.piece, &other.piece)
                || (self.piece.hash == other.piece.hash && self.piece.len() == other.piece.len()))
    }

    fn bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.len() as usize);
        if self.after_break {
            bytes.push(b'\n');
        }
        bytes.extend(self.piece.text.unpack());
        bytes
    }
}

/// The pieces of `llms-full.txt`, in its order.
pub struct LlmsFull {
    chunks: Vec<Chunk>,
    len: u64,
    /// Identifies the bytes: a hash of the pieces' hashes (the same pieces give the same
    /// stamp; other bytes, another stamp), so that nothing hashes 47 MB on a save.
    stamp: blake3::Hash,
}

/// How [`LlmsFull::rewrite`] brought a file up to date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rewritten {
    /// Bytes written.
    pub bytes: u64,
    /// Pieces written.
    pub pieces: usize,
}

impl LlmsFull {
    /// Every piece of `site`'s `llms-full.txt` made.
    pub fn new(site: &Site) -> LlmsFull {
        Self::reusing(site, &FxHashMap::default())
    }

    /// The pieces of `site`, which is the site this file was made for with the pages `changed`
    /// loaded again (a page swap): the other pages' pieces are kept.
    pub fn update(&self, site: &Site, changed: &[PageId]) -> LlmsFull {
        let kept: FxHashMap<PageId, Arc<Piece>> = self
            .chunks
            .iter()
            .filter(|chunk| !changed.contains(&chunk.piece.page))
            .map(|chunk| (chunk.piece.page, chunk.piece.clone()))
            .collect();
        Self::reusing(site, &kept)
    }

    fn reusing(site: &Site, kept: &FxHashMap<PageId, Arc<Piece>>) -> LlmsFull {
        let pieces: Vec<Arc<Piece>> = llms_full_pages(site)
            .into_par_iter()
            .map(|page| {
                kept.get(&page).cloned().unwrap_or_else(|| {
                    let text = llms_full_piece(site, page);
                    let hash = blake3::hash(text.as_bytes());
                    Arc::new(Piece {
                        page,
                        text: Packed::pack(text.as_bytes()),
                        hash,
                    })
                })
            })
            .collect();
        Self::of_pieces(pieces)
    }

    fn of_pieces(pieces: Vec<Arc<Piece>>) -> LlmsFull {
        let mut hasher = blake3::Hasher::new();
        let mut chunks = Vec::with_capacity(pieces.len());
        let mut breaks = LlmsBreaks::default();
        let mut len = 0;
        for piece in pieces {
            hasher.update(&piece.len().to_le_bytes());
            hasher.update(piece.hash.as_bytes());
            let chunk = Chunk {
                after_break: breaks.before(piece.text.len()),
                piece,
            };
            len += chunk.len();
            chunks.push(chunk);
        }
        LlmsFull {
            chunks,
            len,
            stamp: hasher.finalize(),
        }
    }

    /// What identifies the file's bytes (not the hash of the bytes).
    pub fn stamp(&self) -> blake3::Hash {
        self.stamp
    }

    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Writes the file to `out`.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        self.chunks
            .iter()
            .try_for_each(|chunk| out.write_all(&chunk.bytes()))
    }

    /// The file's bytes, joined.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len as usize);
        self.write_to(&mut out)
            .expect("writing into memory cannot fail");
        out
    }

    /// Brings `file`, which holds `before`'s bytes, to this file's bytes in place: the pieces
    /// that changed are written over, and when one changed length, everything after it is
    /// written again (the pieces before it are not touched); the file is then cut to its new
    /// length. A save of one page writes that page's piece and what follows it, not the whole
    /// file, and overwrites blocks the file already has (no new file for the file system to
    /// allocate and flush on rename).
    ///
    /// Not atomic: a reader may see old and new pieces mixed while it runs, and a crash or a
    /// failed write leaves such a file. The caller must not take the file for `before`'s bytes
    /// afterwards unless this returned `Ok` (the watch then writes it whole, through a
    /// temporary file renamed over it).
    pub fn rewrite(&self, before: &LlmsFull, file: &mut File) -> io::Result<Rewritten> {
        let same_layout = self.len == before.len
            && self.chunks.len() == before.chunks.len()
            && self
                .chunks
                .iter()
                .zip(&before.chunks)
                .all(|(new, old)| new.len() == old.len());
        let first = self
            .chunks
            .iter()
            .zip(&before.chunks)
            .position(|(new, old)| !new.same_bytes(old))
            .unwrap_or(self.chunks.len().min(before.chunks.len()));
        let mut offset: u64 = self.chunks[..first].iter().map(Chunk::len).sum();
        let mut done = Rewritten {
            bytes: 0,
            pieces: 0,
        };
        let mut out = io::BufWriter::with_capacity(1 << 20, &mut *file);
        out.seek(SeekFrom::Start(offset))?;
        let mut at = offset;
        for (i, chunk) in self.chunks.iter().enumerate().skip(first) {
            let unchanged = same_layout && chunk.same_bytes(&before.chunks[i]);
            if !unchanged {
                if at != offset {
                    out.seek(SeekFrom::Start(offset))?;
                }
                let bytes = chunk.bytes();
                out.write_all(&bytes)?;
                done.bytes += bytes.len() as u64;
                done.pieces += 1;
                at = offset + chunk.len();
            }
            offset += chunk.len();
        }
        out.flush()?;
        drop(out);
        if before.len != self.len {
            file.set_len(self.len)?;
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::write_llms_pieces;

    fn file_of(texts: &[&str]) -> LlmsFull {
        let pieces = texts
            .iter()
            .enumerate()
            .map(|(page, text)| {
                Arc::new(Piece {
                    page,
                    text: Packed::pack(text.as_bytes()),
                    hash: blake3::hash(text.as_bytes()),
                })
            })
            .collect();
        LlmsFull::of_pieces(pieces)
    }

    fn joined(texts: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        write_llms_pieces(texts, &mut out).expect("writing into memory cannot fail");
        out
    }

    #[test]
    fn the_pieces_are_joined_as_a_build_joins_them() {
        for texts in [
            &["# A\n", "# B\n", "# C\n"][..],
            &["", "", "# A\n", "", "# B\n"],
            &[""],
            &[],
        ] {
            let file = file_of(texts);
            assert_eq!(file.to_bytes(), joined(texts), "{texts:?}");
            assert_eq!(file.len(), joined(texts).len() as u64);
        }
    }

    #[test]
    fn batches_joined_one_after_the_other_make_the_file_a_build_makes() {
        let texts = ["", "# A\n", "", "# B\n", "# C\n", "", "# D\n"];
        for size in 1..=texts.len() {
            let mut breaks = LlmsBreaks::default();
            let mut streamed = Vec::new();
            for batch in texts.chunks(size) {
                let batch: Vec<String> = batch.iter().map(|t| t.to_string()).collect();
                streamed.extend(join(&batch, &mut breaks));
            }
            assert_eq!(streamed, joined(&texts), "batches of {size}");
        }
    }

    /// `before` written whole, then rewritten in place to `after`: the file holds what a whole
    /// write of `after` gives, and only the pieces from the first changed one on were written.
    fn rewritten(before: &[&str], after: &[&str]) -> Rewritten {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("llms-full.txt");
        std::fs::write(&path, joined(before)).expect("the first write");
        let mut file = File::options()
            .write(true)
            .open(&path)
            .expect("the file just written");
        let done = file_of(after)
            .rewrite(&file_of(before), &mut file)
            .expect("the rewrite");
        drop(file);
        let on_disk = std::fs::read(&path).expect("the file rewritten");
        assert_eq!(
            String::from_utf8_lossy(&on_disk),
            String::from_utf8_lossy(&joined(after)),
            "{before:?} -> {after:?}"
        );
        done
    }

    #[test]
    fn a_piece_of_the_same_length_is_written_over_alone() {
        let done = rewritten(&["# A\n", "# B\n", "# C\n"], &["# A\n", "# X\n", "# C\n"]);
        assert_eq!(
            done,
            Rewritten {
                bytes: 5,
                pieces: 1
            }
        );
    }

    #[test]
    fn a_piece_that_grows_or_shrinks_rewrites_what_follows_it_only() {
        let before = ["# A\n", "# B\n", "# C\n", "# D\n"];
        let grown = rewritten(&before, &["# A\n", "# B\n", "# C longer\n", "# D\n"]);
        assert_eq!(grown.pieces, 2);
        let shrunk = rewritten(&before, &["# A\n", "#\n", "# C\n", "# D\n"]);
        assert_eq!(shrunk.pieces, 3);
        let last_shrunk = rewritten(&before, &["# A\n", "# B\n", "# C\n", "#"]);
        assert_eq!(last_shrunk.pieces, 1);
    }

    #[test]
    fn pieces_added_removed_or_emptied_are_rewritten_right() {
        let before = ["# A\n", "# B\n", "# C\n"];
        rewritten(&before, &["# A\n", "# B\n"]);
        rewritten(&before, &["# A\n", "# B\n", "# C\n", "# D\n"]);
        rewritten(&before, &["", "# B\n", "# C\n"]);
        rewritten(&["", "# B\n"], &["# A\n", "# B\n"]);
        rewritten(&before, &[]);
        let unchanged = rewritten(&before, &before);
        assert_eq!(
            unchanged,
            Rewritten {
                bytes: 0,
                pieces: 0
            }
        );
    }
}
