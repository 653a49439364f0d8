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
mod forms;
mod index;
mod live;
mod packed;

pub use crate::markdown::PageWords;
pub use crate::markdown::Section;
pub use analyze::{Analyzer, Terms, fold, words};
pub use index::{
    IndexFile, IndexedFile, MadeIndex, PageTerms, TermFiles, Vocabulary, file_name, page_script,
    page_terms, term_files,
};
pub use live::LiveIndex;

use crate::site::Page;

/// Indexes the pages of one site: one per build, shared by the render threads. Each page is
/// stemmed in its space's language.
pub struct SearchIndexer {
    /// One per language, the site's first; languages sharing a stemmer share an analyzer.
    analyzers: Vec<(String, Analyzer)>,
    vocabulary: Vocabulary,
}

impl SearchIndexer {
    /// An indexer for pages in `languages` (the site's first).
    pub fn new<'a>(languages: impl IntoIterator<Item = &'a str>) -> Self {
        let mut analyzers: Vec<(String, Analyzer)> = Vec::new();
        for language in languages {
            let analyzer = Analyzer::for_language(language);
            if !analyzers
                .iter()
                .any(|(_, a)| a.stemmer_name == analyzer.stemmer_name)
            {
                analyzers.push((language.to_owned(), analyzer));
            }
        }
        if analyzers.is_empty() {
            analyzers.push((String::new(), Analyzer::for_language("")));
        }
        SearchIndexer {
            analyzers,
            vocabulary: Vocabulary::default(),
        }
    }

    /// An indexer for the languages of `site`'s spaces.
    pub fn for_site(site: &crate::site::Site) -> Self {
        let spaces = site.spaces.iter().map(|s| s.language.as_str());
        Self::new(std::iter::once(site.language.as_str()).chain(spaces))
    }

    /// The analyzer for pages in `language`.
    fn analyzer(&self, language: &str) -> &Analyzer {
        let stemmer = Analyzer::for_language(language).stemmer_name;
        self.analyzers
            .iter()
            .find(|(_, a)| a.stemmer_name == stemmer)
            .map_or(&self.analyzers[0].1, |(_, a)| a)
    }

    /// Indexes a page (in `language`) from the text its fragment collected: its terms, and its
    /// page file (to be written as it is). `None` for pages readers should not find by
    /// searching (hidden from the navigation, or `noIndex`).
    pub fn page(&self, id: u32, page: &Page, language: &str) -> Option<(PageTerms, IndexFile)> {
        self.page_from(id, page, &page.fragment, language)
    }

    /// [`SearchIndexer::page`] from the page's text in `fragment`: a build takes it out of the
    /// site model, to free each page's once it is indexed.
    pub fn page_from(
        &self,
        id: u32,
        page: &Page,
        fragment: &crate::markdown::Fragment,
        language: &str,
    ) -> Option<(PageTerms, IndexFile)> {
        if page.hidden() || page.doc.front_matter.no_index {
            return None;
        }
        let mut terms = page_terms(
            self.analyzer(language),
            &self.vocabulary,
            id,
            &page.title,
            page.description(),
            &fragment.words,
        );
        let file = Self::page_file(id, page, fragment)?;
        terms.file_hash = *blake3::hash(&file.bytes).as_bytes();
        Some((terms, file))
    }

    /// The page file of a page [`SearchIndexer::page_from`] indexes, without its terms: what a
    /// build writes when it takes the term shards from its cache.
    pub fn page_file(
        id: u32,
        page: &Page,
        fragment: &crate::markdown::Fragment,
    ) -> Option<IndexFile> {
        if page.hidden() || page.doc.front_matter.no_index {
            return None;
        }
        let bytes = page_script(id, &page.href_path, &page.title, &fragment.sections());
        Some(IndexFile {
            path: page_file_path(id),
            bytes,
        })
    }

    /// The terms of a page (in `language`) from the words its fragment counted, for a build,
    /// which makes the index from them before it writes the page files ([`SearchIndexer::page_file`]).
    /// `None` for pages readers should not find by searching.
    pub fn terms(
        &self,
        id: u32,
        page: &Page,
        words: &crate::markdown::PageWords,
        language: &str,
    ) -> Option<PageTerms> {
        if page.hidden() || page.doc.front_matter.no_index {
            return None;
        }
        Some(page_terms(
            self.analyzer(language),
            &self.vocabulary,
            id,
            &page.title,
            page.description(),
            words,
        ))
    }

    /// Frees the threads' word memos once every page is indexed. It waits for every thread of
    /// the pool to take it up: a build calls it when they are idle, before the index is made
    /// beside the rendering of pages.
    pub fn forget_memos(&self) {
        self.vocabulary.forget_memos();
    }

    /// The term index of every page indexed ([`SearchIndexer::terms`]). The vocabulary is
    /// freed then (see `Vocabulary::forget`): this indexer indexes no page after, and only
    /// [`SearchIndexer::seal`]s what it made.
    pub fn make(&self, pages: Vec<PageTerms>) -> MadeIndex {
        let made = index::make_index(&self.analyzers, &self.vocabulary, pages);
        self.vocabulary.forget();
        made
    }

    /// The term shards and `meta.js` of `index`, made by this indexer, with the hashes of the
    /// page files of its pages (id and hash, in id order).
    pub fn seal(
        &self,
        index: MadeIndex,
        pages: impl Iterator<Item = (u32, [u8; 32])>,
    ) -> TermFiles {
        index.files(&self.analyzers, &self.vocabulary, pages)
    }

    /// The term shards and `meta.js` of `pages`, which may be a part of those indexed with this
    /// indexer (see [`term_files`]).
    pub fn files(&self, pages: Vec<&PageTerms>) -> TermFiles {
        term_files(&self.analyzers, &self.vocabulary, pages)
    }
}

/// Where page files are, under the output folder: `search/p/<id>.js`.
pub(crate) const PAGE_FILES: &str = "search/p/";

/// The output path of the page file of search id `id`.
pub(crate) fn page_file_path(id: u32) -> String {
    format!("{PAGE_FILES}{id}.js")
}
