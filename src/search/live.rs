//! The search index as `carnet serve` and `carnet build --watch` keep it between saves: each
//! page's terms and page file, so a save indexes again only the pages it changed, and the
//! term shards are made from the terms kept (no page's text is read again).
//!
//! The indexer (its vocabulary of terms and forms) lives as long as the site's languages do;
//! what it holds of pages no longer indexed is left out of the files ([`super::term_files`]), so
//! the files are byte for byte those of a clean build.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::{PageTerms, SearchIndexer};
use crate::site::{PageId, Site};

/// One file of the index, with the hash of its bytes (what `build --watch` compares).
#[derive(Clone)]
pub struct IndexedFile {
    pub bytes: Arc<Vec<u8>>,
    pub hash: blake3::Hash,
}

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
    /// Every file of the index, by output path.
    files: HashMap<String, IndexedFile>,
}

impl LiveIndex {
    /// The index of `site`, every page indexed.
    pub fn new(site: &Site) -> LiveIndex {
        Self::make(site, Arc::new(SearchIndexer::for_site(site)), &[], &[])
    }

    /// The index of `site`, which is the site this index was made for with the pages `changed`
    /// loaded again (same URLs, same published pages: a page swap). Pages are reused by search
    /// id when they are the same page and did not change; any other page is indexed again, so
    /// a site that differs more is still indexed right, only slower.
    pub fn update(&self, site: &Site, changed: &[PageId]) -> LiveIndex {
        Self::make(site, self.indexer.clone(), &self.pages, changed)
    }

    fn make(
        site: &Site,
        indexer: Arc<SearchIndexer>,
        previous: &[Option<Arc<Indexed>>],
        changed: &[PageId],
    ) -> LiveIndex {
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
        let index = indexer.files(terms);
        let mut files: HashMap<String, IndexedFile> = index
            .files
            .into_par_iter()
            .map(|file| {
                let hash = blake3::hash(&file.bytes);
                let indexed = IndexedFile {
                    bytes: Arc::new(file.bytes),
                    hash,
                };
                (file.path, indexed)
            })
            .collect();
        for page in pages.iter().flatten() {
            files.insert(page.path.clone(), page.file.clone());
        }
        LiveIndex {
            indexer,
            pages,
            files,
        }
    }

    /// Every file of the index, by output path.
    pub fn files(&self) -> &HashMap<String, IndexedFile> {
        &self.files
    }
}
