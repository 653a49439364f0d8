//! The search index as `carnet serve` and `carnet build --watch` keep it between saves: each
//! page's terms, so a save indexes again only the pages it changed, and the term shards are
//! made from the terms kept (no page's text is read again).
//!
//! Each page's term and form lists are kept packed ([`PackedTerms`]): a save unpacks those of
//! the pages it changed, and the index reads the others packed when it gathers a changed
//! term's postings or is made again.
//!
//! Page files (`search/p/<id>.js`, 50 MB on a 10,000-page site) are not kept: each page keeps
//! its file's hash (a save compares hashes, as for every output) and the file is made again
//! from the page when it is asked for or written, which costs a page's sections unpacked and
//! joined (tens of microseconds). Only the term shards and `meta.js` are kept as bytes.
//!
//! The indexer (its vocabulary of terms and forms) lives as long as the site's languages do;
//! what it holds of pages no longer indexed is left out of the files ([`super::term_files`]), so
//! the files are byte for byte those of a clean build.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::index::{Change, Context, HeldFile, IndexedFile, TermIndex};
use super::packed::PackedTerms;
use super::{PAGE_FILES, PageTerms, SearchIndexer, page_file_path};
use crate::site::{PageId, Site};

/// What the index keeps of one page.
struct Indexed {
    page: PageId,
    terms: PackedTerms,
}

/// The index of one state of the site, and what the next state's can reuse.
pub struct LiveIndex {
    indexer: Arc<SearchIndexer>,
    /// By search id (the order of the published pages): `None` for a page not indexed.
    pages: Vec<Option<Arc<Indexed>>>,
    /// The term shards, taken by the index of the next state (brought up to date rather than
    /// made again); this index's files stay as they are.
    terms: Mutex<Option<TermIndex>>,
    /// The files of the index but the page files, by output path (the shards packed).
    shared: HashMap<String, HeldFile>,
}

impl LiveIndex {
    /// The index of `site`, every page indexed.
    pub fn new(site: &Site) -> LiveIndex {
        Self::make(site, Arc::new(SearchIndexer::for_site(site)), None, &[])
    }

    /// The index of `site`, which is the site this index was made for with the pages `changed`
    /// loaded again (same URLs, same published pages: a page swap). Pages are reused by search
    /// id when they are the same page and did not change; any other page is indexed again, so
    /// a site that differs more is still indexed right, only slower. The term shards are
    /// brought up to date with the pages indexed again (see [`TermIndex::update`]).
    pub fn update(&self, site: &Site, changed: &[PageId]) -> LiveIndex {
        Self::make(site, self.indexer.clone(), Some(self), changed)
    }

    fn make(
        site: &Site,
        indexer: Arc<SearchIndexer>,
        base: Option<&LiveIndex>,
        changed: &[PageId],
    ) -> LiveIndex {
        let previous: &[Option<Arc<Indexed>>] = base.map_or(&[], |b| &b.pages);
        let published: Vec<(usize, &crate::site::Page)> = site.published().collect();
        // A page indexed again keeps its lists unpacked until the index is brought up to date
        // (only when there is an index to update: a new index reads every page packed).
        let made: Vec<(Option<Arc<Indexed>>, Option<PageTerms>)> = published
            .par_iter()
            .enumerate()
            .map(|(id, &(page_id, page))| {
                let kept = previous.get(id).and_then(Option::as_ref);
                if let Some(kept) = kept.filter(|k| k.page == page_id)
                    && !changed.contains(&page_id)
                {
                    return (Some(kept.clone()), None);
                }
                // The page file is let go here: its hash is in the terms.
                let Some((terms, _file)) = indexer.page(id as u32, page, site.language_of(page_id))
                else {
                    return (None, None);
                };
                let indexed = Arc::new(Indexed {
                    page: page_id,
                    terms: PackedTerms::pack(&terms),
                });
                (Some(indexed), base.is_some().then_some(terms))
            })
            .collect();
        let (pages, fresh): (Vec<Option<Arc<Indexed>>>, Vec<Option<PageTerms>>) =
            made.into_iter().unzip();
        let terms: Vec<&PackedTerms> = pages.iter().flatten().map(|p| &p.terms).collect();
        let context = Context {
            analyzers: &indexer.analyzers,
            vocabulary: &indexer.vocabulary,
        };
        let kept = base.and_then(|b| b.terms.lock().unwrap_or_else(|e| e.into_inner()).take());
        let index = match kept {
            Some(mut index) => {
                let ids = pages.len().max(previous.len());
                // The pages that changed, before (unpacked again) and after (as indexed).
                let changed: Vec<(Option<PageTerms>, Option<&PageTerms>)> = (0..ids)
                    .filter_map(|id| {
                        let old = previous.get(id).and_then(Option::as_ref);
                        let new = pages.get(id).and_then(Option::as_ref);
                        let same = match (old, new) {
                            (Some(old), Some(new)) => Arc::ptr_eq(old, new),
                            (None, None) => true,
                            _ => false,
                        };
                        let new = fresh.get(id).and_then(Option::as_ref);
                        (!same).then(|| (old.map(|p| p.terms.unpack()), new))
                    })
                    .collect();
                let changes: Vec<Change<'_>> = changed
                    .iter()
                    .map(|(old, new)| (old.as_ref(), *new))
                    .collect();
                index.update(&context, &terms, &changes);
                index
            }
            None => TermIndex::new(&context, &terms, true),
        };
        let shared = index.held_files().into_iter().collect();
        LiveIndex {
            indexer,
            pages,
            terms: Mutex::new(Some(index)),
            shared,
        }
    }

    /// The output path of every file of the index.
    pub fn paths(&self) -> Vec<String> {
        let pages = self.pages.iter().flatten();
        let mut paths: Vec<String> = pages.map(|p| page_file_path(p.terms.id)).collect();
        paths.extend(self.shared.keys().cloned());
        paths
    }

    /// The hash of the file at `path`, without making it.
    pub fn hash(&self, path: &str) -> Option<blake3::Hash> {
        match self.indexed(path) {
            Some(indexed) => Some(blake3::Hash::from_bytes(indexed.terms.file_hash)),
            None => self.shared.get(path).map(|file| file.hash),
        }
    }

    /// The file at `path`; a page file is made again from its page in `site` (the site this
    /// index was made for).
    pub fn file(&self, site: &Site, path: &str) -> Option<IndexedFile> {
        let Some(indexed) = self.indexed(path) else {
            return self.shared.get(path).map(HeldFile::file);
        };
        let page = &site.pages[indexed.page];
        let file = SearchIndexer::page_file(indexed.terms.id, page, &page.fragment)?;
        let hash = blake3::hash(&file.bytes);
        debug_assert_eq!(
            hash.as_bytes(),
            &indexed.terms.file_hash,
            "a page file made again is the one indexed"
        );
        Some(IndexedFile {
            bytes: Arc::new(file.bytes),
            hash,
        })
    }

    /// The page whose file is at `path`, when it is indexed.
    fn indexed(&self, path: &str) -> Option<&Indexed> {
        let id: usize = path
            .strip_prefix(PAGE_FILES)?
            .strip_suffix(".js")?
            .parse()
            .ok()?;
        // `p/01.js` is not `p/1.js`.
        let indexed = self.pages.get(id)?.as_deref()?;
        (page_file_path(indexed.terms.id) == path).then_some(indexed)
    }
}
