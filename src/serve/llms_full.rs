//! `llms-full.txt` as `carnet build --watch` keeps it between saves: one piece per listed page
//! (its Markdown, with links from the site root), so a save makes again only the pieces of the
//! pages it changed, and the file (47 MB on a 10,000-page site) is written from the pieces,
//! never joined in memory nor hashed whole.
//!
//! A piece depends on its page and on what other pages show it (URLs, titles, anchors); a page
//! swap changes none of that ([`crate::site::Page::same_for_others`]), so the other pieces are
//! kept; a reassembly makes a new snapshot, whose pieces are all made again.

use std::io::{self, Write};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::render::{llms_full_pages, llms_full_piece, write_llms_pieces};
use crate::site::{PageId, Site};

/// One page's piece and its hash.
struct Piece {
    page: PageId,
    text: String,
    hash: blake3::Hash,
}

/// The pieces of `llms-full.txt`, in its order.
pub struct LlmsFull {
    pieces: Vec<Arc<Piece>>,
    /// Identifies the bytes: a hash of the pieces' hashes (the same pieces give the same
    /// stamp; other bytes, another stamp), so that nothing hashes 47 MB on a save.
    stamp: blake3::Hash,
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
            .pieces
            .iter()
            .filter(|piece| !changed.contains(&piece.page))
            .map(|piece| (piece.page, piece.clone()))
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
                    Arc::new(Piece { page, text, hash })
                })
            })
            .collect();
        let mut hasher = blake3::Hasher::new();
        for piece in &pieces {
            hasher.update(&(piece.text.len() as u64).to_le_bytes());
            hasher.update(piece.hash.as_bytes());
        }
        LlmsFull {
            pieces,
            stamp: hasher.finalize(),
        }
    }

    /// What identifies the file's bytes (not the hash of the bytes).
    pub fn stamp(&self) -> blake3::Hash {
        self.stamp
    }

    /// Writes the file to `out`.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        write_llms_pieces(self.pieces.iter().map(|p| p.text.as_bytes()), out)
    }

    /// The file's bytes, joined (for the first write, into a staging folder).
    pub fn to_bytes(&self) -> Vec<u8> {
        let len = self.pieces.iter().map(|p| p.text.len() + 1).sum();
        let mut out = Vec::with_capacity(len);
        self.write_to(&mut out)
            .expect("writing into memory cannot fail");
        out
    }
}
