//! Full-text search from a static host: the index is built with the site, split in small
//! files, and queried by the reader's browser (`themes/default/static/search.js`) without any
//! server.
//!
//! Why not Pagefind's library: on the 10,000-page corpus it took 23 s to index and 25 s to write,
//! ten times the whole build, because it reads every page's HTML again. This index uses the plain
//! text each page's Markdown stage collected while parsing (`markdown::Section`), in the render
//! phase's parallel loop, so indexing costs one pass over that text per page.
//! The design is Pagefind's where it matters: Snowball stemming, accent folding, an index split
//! by term prefix so a query downloads a few kilobytes, page fragments fetched only for the
//! results shown.

mod analyze;
mod index;

pub use crate::markdown::Section;
pub use analyze::{Analyzer, Terms, fold, words};
pub use index::{
    IndexFile, PageTerms, TermFiles, Vocabulary, file_name, page_script, page_terms, term_files,
};

use crate::site::Page;

/// Indexes the pages of one site: one per build, shared by the render threads.
pub struct SearchIndexer {
    analyzer: Analyzer,
    language: String,
    vocabulary: Vocabulary,
}

impl SearchIndexer {
    pub fn new(language: &str) -> Self {
        SearchIndexer {
            analyzer: Analyzer::for_language(language),
            language: language.to_owned(),
            vocabulary: Vocabulary::default(),
        }
    }

    /// Indexes a page from the text its fragment collected: its terms, and its page file (to be written
    /// as it is). `None` for pages readers should not find by searching (hidden
    /// from the navigation, or `noIndex`).
    pub fn page(&self, id: u32, page: &Page) -> Option<(PageTerms, IndexFile)> {
        if page.hidden() || page.doc.front_matter.no_index {
            return None;
        }
        let sections = &page.fragment.sections;
        let mut terms = page_terms(
            &self.analyzer,
            &self.vocabulary,
            id,
            &page.title,
            page.description(),
            sections,
        );
        let bytes = page_script(id, &page.href_path, &page.title, sections);
        terms.file_hash = *blake3::hash(&bytes).as_bytes();
        let file = IndexFile {
            path: format!("search/p/{id}.js"),
            bytes,
        };
        Some((terms, file))
    }

    /// The term shards and `meta.js`, once every page is indexed.
    pub fn finish(self, pages: Vec<PageTerms>) -> TermFiles {
        term_files(&self.analyzer, self.vocabulary, &self.language, pages)
    }
}

/// The whole index in memory, at its final paths: `carnet serve` builds it when a reader first
/// searches after a change, instead of on every save.
pub fn index_in_memory(site: &crate::site::Site) -> Vec<IndexFile> {
    use rayon::prelude::*;
    let indexer = SearchIndexer::new(&site.config.language);
    let published: Vec<&Page> = site.published().map(|(_, page)| page).collect();
    let indexed: Vec<(PageTerms, IndexFile)> = published
        .par_iter()
        .enumerate()
        .filter_map(|(id, page)| indexer.page(id as u32, page))
        .collect();
    let (terms, page_files): (Vec<PageTerms>, Vec<IndexFile>) = indexed.into_iter().unzip();
    let index = indexer.finish(terms);
    let mut files = index.files;
    files.extend(page_files);
    files
}
