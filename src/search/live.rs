//! The search index as `carnet serve` and `carnet build --watch` keep it between saves: each
//! page's terms and page file, so a save indexes again only the pages it changed, and the
//! term shards are made from the terms kept (no page's text is read again).
//!
//! The indexer (its vocabulary of terms and forms) lives as long as the site's languages do;
//! what it holds of pages no longer indexed is left out of the files ([`super::term_files`]), so
//! the files are byte for byte those of a clean build.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::index::{Change, Context, IndexedFile, TermIndex};
use super::{PageTerms, SearchIndexer};
use crate::site::{PageId, Site};

/// What the index keeps of one page.
struct Indexed {
    page: PageId,
    terms: PageTerms,
    /// Its page file (`search/p/<id>.js`).
    path: String,
    file: IndexedFile,
}

/// The index of one state of the site, and what the next state's can reuse.
pub struct LiveIndex {
    indexer: Arc<SearchIndexer>,
    /// By search id (the order of the published pages): `None` for a page not indexed.
    pages: Vec<Option<Arc<Indexed>>>,
    /// The term shards, taken by the index of the next state (brought up to date rather than
    /// made again); this index's files stay as they are.
    terms: Mutex<Option<TermIndex>>,
    /// Every file of the index, by output path.
    files: HashMap<String, IndexedFile>,
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
        let pages: Vec<Option<Arc<Indexed>>> = published
            .par_iter()
            .enumerate()
            .map(|(id, &(page_id, page))| {
                let kept = previous.get(id).and_then(Option::as_ref);
                if let Some(kept) = kept.filter(|k| k.page == page_id)
                    && !changed.contains(&page_id)
                {
                    return Some(kept.clone());
                }
                let (terms, file) = indexer.page(id as u32, page, site.language_of(page_id))?;
                let hash = blake3::Hash::from_bytes(terms.file_hash);
                Some(Arc::new(Indexed {
                    page: page_id,
                    terms,
                    path: file.path,
                    file: IndexedFile {
                        bytes: Arc::new(file.bytes),
                        hash,
                    },
                }))
            })
            .collect();
        let terms: Vec<&PageTerms> = pages.iter().flatten().map(|p| &p.terms).collect();
        let context = Context {
            analyzers: &indexer.analyzers,
            vocabulary: &indexer.vocabulary,
        };
        let kept = base.and_then(|b| b.terms.lock().unwrap_or_else(|e| e.into_inner()).take());
        let index = match kept {
            Some(mut index) => {
                let ids = pages.len().max(previous.len());
                let changes: Vec<Change<'_>> = (0..ids)
                    .filter_map(|id| {
                        let old = previous.get(id).and_then(Option::as_ref);
                        let new = pages.get(id).and_then(Option::as_ref);
                        let same = match (old, new) {
                            (Some(old), Some(new)) => Arc::ptr_eq(old, new),
                            (None, None) => true,
                            _ => false,
                        };
                        (!same).then(|| (old.map(|p| &p.terms), new.map(|p| &p.terms)))
                    })
                    .collect();
                index.update(&context, &terms, &changes);
                index
            }
            None => TermIndex::new(&context, &terms, true),
        };
        let mut files: HashMap<String, IndexedFile> = index.shared_files().into_iter().collect();
        for page in pages.iter().flatten() {
            files.insert(page.path.clone(), page.file.clone());
        }
        LiveIndex {
            indexer,
            pages,
            terms: Mutex::new(Some(index)),
            files,
        }
    }

    /// Every file of the index, by output path.
    pub fn files(&self) -> &HashMap<String, IndexedFile> {
        &self.files
    }
}
