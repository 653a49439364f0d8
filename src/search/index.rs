//! Page records into the static search index: small files a browser fetches on demand.
//!
//! Layout (under `search/`):
//! - `meta.js`: the analyzers (one per language of the site: stemmer, stop words), page count,
//!   the list of term shards, and the index version (a hash of everything), which the browser
//!   adds to every other file's URL;
//! - `t/<prefix>.js` — term shards: each term's best pages with a precomputed BM25 weight, the
//!   site's words that fall in the shard with their terms per analyzer (`forms.rs`), and the
//!   terms whose other pages are in the tail file. Terms are grouped by prefix and a group that
//!   grows past [`SHARD_BYTES`] is split by a longer prefix, so a query fetches a few kilobytes
//!   whatever the size of the site;
//! - `x/<prefix>.js` — tails: the pages of a common term past its [`HEAD_POSTINGS`] best;
//! - `p/<n>.js` — one page's title, URL and sections, fetched only for the results shown.
//!
//! Paths are stable, so a deploy re-uploads only the files an edit changed; the version in
//! the URLs keeps a reader from mixing files of two builds. Files are classic scripts calling
//! `carnetSearch.*(…)` rather than JSON, because browsers load scripts from `file://` pages but
//! refuse `fetch` there: search works in a site opened from disk.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::hash::BuildHasher as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::{FxBuildHasher, FxHashMap};

use super::analyze::{Analyzer, words};
use super::forms::{self, NONE};
use crate::markdown::{MAX_PAGE_TEXT, PageWords, Section};

/// A term group larger than this (serialised) is split by a longer prefix.
const SHARD_BYTES: usize = 24 * 1024;
/// Prefixes never get longer than this; a longer shared prefix stays in one shard.
const MAX_PREFIX_CHARS: usize = 6;
/// Postings a shard carries per term; the rest of a common term's go to a tail file.
const HEAD_POSTINGS: usize = 500;
/// Field weights: a word in the title counts as much as this many in the body.
pub const TITLE_WEIGHT: f32 = 8.0;
pub use crate::markdown::HEADING_WEIGHT;
/// Every term of one index, numbered: pages keep ids, not strings, so a 10,000-page site does
/// not hold millions of small strings while it renders.
pub struct Vocabulary {
    /// Tells this vocabulary's entries apart in the per-thread memo.
    generation: u64,
    terms: Mutex<Terms>,
    /// Each word of the site with its term ids, per language: written into the shards so a
    /// browser finds a query word's terms without downloading a stemmer.
    forms: forms::Recorded,
}

impl Default for Vocabulary {
    fn default() -> Self {
        static GENERATION: AtomicU64 = AtomicU64::new(0);
        Vocabulary {
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
            terms: Mutex::default(),
            forms: forms::Recorded::default(),
        }
    }
}

impl Vocabulary {
    /// Runs `f` with this thread's memo of word → term ids: documentation repeats a small
    /// vocabulary, and stemming would dominate indexing without it.
    fn with_memo<R>(&self, f: impl FnOnce(&mut Memo) -> R) -> R {
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.generation != self.generation {
                memo.generation = self.generation;
                memo.words.clear();
            }
            f(&mut memo)
        })
    }

    /// Frees the memos of this vocabulary in the calling thread and in every thread of its
    /// rayon pool: a build is done with them once every page is indexed, and they held up to
    /// [`MEMO_WORDS`] words a thread while the index was made and written.
    pub fn forget_memos(&self) {
        let forget = || {
            MEMO.with(|memo| {
                let mut memo = memo.borrow_mut();
                if memo.generation == self.generation {
                    *memo = Memo::EMPTY;
                }
            })
        };
        rayon::broadcast(|_| forget());
        forget();
    }

    /// Frees every term and form: a build does once its index is made, since nothing reads
    /// them after (the index's version and `meta.js` do not), and they were 22 MB of the end of
    /// a 10,000-page build with much code. The vocabulary must index nothing after.
    pub fn forget(&self) {
        *self.lock_terms() = Terms::default();
        self.forms.forget();
    }

    fn intern(&self, term: String) -> u32 {
        self.lock_terms().intern(term)
    }

    fn lock_terms(&self) -> std::sync::MutexGuard<'_, Terms> {
        self.terms.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[cfg(test)]
    fn into_terms(self) -> Vec<String> {
        self.lock_terms().names.clone()
    }
}

/// The terms of a vocabulary, each stored once: a list numbers them, and a table of ids hashed
/// by their term finds a term's id. A map from term to id beside the list held every term
/// twice: on a site whose code has 190,000 one-off words, 10 MB more.
#[derive(Default)]
pub(crate) struct Terms {
    /// By term id.
    pub(crate) names: Vec<String>,
    ids: hashbrown::HashTable<u32>,
}

impl Terms {
    fn intern(&mut self, term: String) -> u32 {
        let Terms { names, ids } = self;
        let hash = FxBuildHasher.hash_one(term.as_str());
        if let Some(id) = ids.find(hash, |&id| names[id as usize] == term) {
            return *id;
        }
        let id = names.len() as u32;
        names.push(term);
        ids.insert_unique(hash, id, |&id| {
            FxBuildHasher.hash_one(names[id as usize].as_str())
        });
        id
    }
}

/// What the index keeps of one page while the rest of the site renders.
#[derive(Clone, Debug, Default)]
pub struct PageTerms {
    /// Search id of the page (its page file is `p/<id>.js`).
    pub id: u32,
    /// Term id and field-weighted frequency, sorted by term id.
    pub terms: Vec<(u32, f32)>,
    /// Weighted number of words, for length normalisation.
    pub length: f32,
    /// Hash of the page file, so the index version changes when any page does.
    pub file_hash: [u8; 32],
    /// The forms (words with their terms, see [`forms`]) of the page's words, sorted.
    pub forms: Vec<u32>,
}

/// At most this many words in each thread's memo ([`Memo::ids`]).
const MEMO_WORDS: usize = 65_536;

/// Word → its term ids and its form id, for one analyzer.
type WordTerms = FxHashMap<String, ([u32; 2], u32)>;

thread_local! {
    static MEMO: RefCell<Memo> = const { RefCell::new(Memo::EMPTY) };
}

/// Per-thread scratch space for indexing pages.
struct Memo {
    generation: u64,
    /// Per stemmer (the analyzers of a site's languages), word → term ids.
    words: Vec<(Option<&'static str>, WordTerms)>,
    /// Weighted count per term id for the page being indexed (dense: faster than a map).
    counts: Vec<f32>,
    /// Term ids with a non-zero count, to reset `counts` cheaply.
    touched: Vec<u32>,
}

impl Memo {
    const EMPTY: Memo = Memo {
        generation: u64::MAX,
        words: Vec::new(),
        counts: Vec::new(),
        touched: Vec::new(),
    };

    /// The term ids of `word`, and its form id.
    fn ids(&mut self, analyzer: &Analyzer, vocabulary: &Vocabulary, word: &str) -> ([u32; 2], u32) {
        let slot = match self
            .words
            .iter()
            .position(|(stemmer, _)| *stemmer == analyzer.stemmer_name)
        {
            Some(slot) => slot,
            None => {
                self.words
                    .push((analyzer.stemmer_name, FxHashMap::default()));
                self.words.len() - 1
            }
        };
        let words = &mut self.words[slot].1;
        if let Some(ids) = words.get(word) {
            return *ids;
        }
        let terms = analyzer.terms(word);
        let ids = [
            terms.first.map_or(NONE, |t| vocabulary.intern(t)),
            terms.second.map_or(NONE, |t| vocabulary.intern(t)),
        ];
        let form = vocabulary.forms.record(analyzer, word, ids);
        // Bounded like the highlighter's line memo: documentation repeats a small vocabulary,
        // which fits; a site whose code holds hundreds of thousands of one-off words (hashes,
        // ids, numbered lines) made each thread's memo hold them all (25 MB a thread on the
        // 10,000-page `--distinct-code` corpus), for words met once.
        if words.len() >= MEMO_WORDS {
            words.clear();
        }
        words.insert(word.to_owned(), (ids, form));
        (ids, form)
    }

    fn count(&mut self, id: u32, weight: f32) {
        let i = id as usize;
        if i >= self.counts.len() {
            self.counts.resize((i + 1).next_power_of_two(), 0.0);
        }
        if self.counts[i] == 0.0 {
            self.touched.push(id);
        }
        self.counts[i] += weight;
    }
}

/// The terms of a page's title, description and words (see [`PageWords`]).
pub fn page_terms(
    analyzer: &Analyzer,
    vocabulary: &Vocabulary,
    id: u32,
    title: &str,
    description: Option<&str>,
    page_words: &PageWords,
) -> PageTerms {
    vocabulary.with_memo(|memo| {
        let mut length = 0.0;
        let mut forms = Vec::new();
        let mut add = |word: &str, weight: f32| {
            let (ids, form) = memo.ids(analyzer, vocabulary, word);
            if form != NONE {
                forms.push(form);
            }
            if ids[0] == NONE {
                return;
            }
            length += weight;
            memo.count(ids[0], weight);
            if ids[1] != NONE {
                memo.count(ids[1], weight);
            }
        };
        for (_, word) in words(title) {
            add(word, TITLE_WEIGHT);
        }
        for (_, word) in description.into_iter().flat_map(words) {
            add(word, HEADING_WEIGHT);
        }
        for (word, weight) in page_words.iter() {
            add(word, weight as f32);
        }
        memo.touched.sort_unstable();
        let touched = std::mem::take(&mut memo.touched);
        let terms = touched
            .iter()
            .map(|&term| (term, std::mem::take(&mut memo.counts[term as usize])))
            .collect();
        memo.touched = touched;
        memo.touched.clear();
        forms.sort_unstable();
        forms.dedup();
        forms.shrink_to_fit();
        PageTerms {
            id,
            terms,
            length,
            file_hash: [0; 32],
            forms,
        }
    })
}

/// The page file a browser fetches to show a result: URL, title and the sections' text (at most
/// [`MAX_PAGE_TEXT`] bytes of it).
pub fn page_script(id: u32, url: &str, title: &str, sections: &[Section]) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct PageFile<'a> {
        u: &'a str,
        t: &'a str,
        s: Vec<[&'a str; 3]>,
    }
    let mut budget = MAX_PAGE_TEXT;
    let sections = sections
        .iter()
        .map(|s| {
            let mut cut = s.text.len().min(budget);
            while !s.text.is_char_boundary(cut) {
                cut -= 1;
            }
            budget -= cut;
            [s.anchor.as_str(), s.heading.as_str(), &s.text[..cut]]
        })
        .collect();
    let mut out = format!("carnetSearch.page({id},").into_bytes();
    let file = PageFile {
        u: url,
        t: title,
        s: sections,
    };
    if serde_json::to_writer(&mut out, &file).is_err() {
        out.truncate(0);
    }
    out.extend_from_slice(b");\n");
    out
}

/// One output file of the index.
pub struct IndexFile {
    /// Path under the output folder (`search/meta.js`).
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The index's term shards and metadata, once every page is indexed.
pub struct TermFiles {
    /// Hash of the whole index: browsers load its files with `?v=<version>`, so a new build's
    /// files are never mixed with cached ones of an older build.
    pub version: String,
    pub files: Vec<IndexFile>,
}

/// Builds the term shards (with BM25 weights) and `meta.js`. `analyzers` are those the pages
/// were indexed with (one per language of the site, the site's own first): the browser turns a
/// query word into the terms of each.
///
/// The vocabulary may hold terms and forms of pages no longer indexed (`carnet build --watch`
/// keeps it between saves): only those of `pages` are written, so the files are the same as a
/// clean build's.
pub fn term_files(
    analyzers: &[(String, Analyzer)],
    vocabulary: &Vocabulary,
    mut pages: Vec<&PageTerms>,
) -> TermFiles {
    pages.sort_unstable_by_key(|p| p.id);
    let context = Context {
        analyzers,
        vocabulary,
    };
    TermIndex::new(&context, &pages, false).into_files()
}

/// The term index of every page indexed, as a build makes it once (the pages' terms are freed
/// as they are counted), still without its version: see [`MadeIndex::files`].
pub struct MadeIndex(TermIndex);

/// [`term_files`] of every page indexed, made from the pages' terms alone: the page files'
/// hashes, which only the version reads, come in [`MadeIndex::files`].
pub fn make_index(
    analyzers: &[(String, Analyzer)],
    vocabulary: &Vocabulary,
    pages: Vec<PageTerms>,
) -> MadeIndex {
    let context = Context {
        analyzers,
        vocabulary,
    };
    MadeIndex(TermIndex::from_pages(&context, pages))
}

impl MadeIndex {
    /// The term shards and `meta.js`, with the version made from `pages` (each indexed page's
    /// id and page file hash, in id order); `analyzers` and `vocabulary` are those it was made
    /// with.
    pub fn files(
        self,
        analyzers: &[(String, Analyzer)],
        vocabulary: &Vocabulary,
        pages: impl Iterator<Item = (u32, [u8; 32])>,
    ) -> TermFiles {
        let context = Context {
            analyzers,
            vocabulary,
        };
        let MadeIndex(mut index) = self;
        index.seal(&context, pages);
        index.into_files()
    }
}

fn json_terms_ref(terms: &[&str]) -> String {
    serde_json::to_string(terms).unwrap_or_else(|_| "[]".to_owned())
}

/// A term's postings as its shard carries them (the [`HEAD_POSTINGS`] pages it weighs most in)
/// and, for a term in more pages, the rest, which a browser fetches only when the heads of a
/// query's terms give too few results: a word in most pages of a big site would otherwise make
/// every query that has it download a posting for every page.
#[cfg(test)]
fn split_postings(list: Vec<(u32, f32)>, pages: usize) -> (String, Option<String>) {
    let df = list.len();
    let (head, tail, cut) = split_list(list);
    let tail = cut.map(|_| encode_postings(&tail, df, pages));
    (encode_postings(&head, df, pages), tail)
}

/// A term's postings: (page id, weight).
type Postings = Vec<(u32, f32)>;

/// A term's postings split into its [`HEAD_POSTINGS`] best (the head) and the rest, each in
/// page order, and the worst posting of the head when there is a rest (what a page must rank
/// below to be in the tail).
fn split_list(mut list: Postings) -> (Postings, Postings, Option<(u32, f32)>) {
    if list.len() <= HEAD_POSTINGS {
        return (list, Vec::new(), None);
    }
    // Best first, ties by page: a total order, so the head is the same set however it is
    // found, and selecting it costs less than sorting every posting.
    list.select_nth_unstable_by(HEAD_POSTINGS - 1, best_first);
    let cut = list[HEAD_POSTINGS - 1];
    let mut tail = list.split_off(HEAD_POSTINGS);
    list.sort_unstable_by_key(|p| p.0);
    tail.sort_unstable_by_key(|p| p.0);
    (list, tail, Some(cut))
}

/// The order of a term's postings by rank: higher weight first, then lower page.
fn best_first(a: &(u32, f32), b: &(u32, f32)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// BM25's idf of a term in `df` of `pages` pages.
fn idf(df: usize, pages: usize) -> f32 {
    let df = df as f32;
    (1.0 + (pages as f32 - df + 0.5) / (df + 0.5)).ln()
}

/// A posting's score as written: BM25 × 100, rounded.
fn score(weight: f32, idf: f32) -> u32 {
    (weight * idf * 100.0).round().clamp(1.0, 65_535.0) as u32
}

/// `page delta, score, page delta, score…`: scores are BM25 × 100, rounded. `df` is the number
/// of pages with the term (the list may be part of them).
fn encode_postings(list: &[(u32, f32)], df: usize, pages: usize) -> String {
    let idf = idf(df, pages);
    let mut encoded = String::with_capacity(list.len() * 8);
    let mut numbers = itoa::Buffer::new();
    let mut previous = 0;
    for (i, (page, weight)) in list.iter().enumerate() {
        if i > 0 {
            encoded.push(',');
        }
        encoded.push_str(numbers.format(page - previous));
        encoded.push(',');
        encoded.push_str(numbers.format(score(*weight, idf)));
        previous = *page;
    }
    encoded
}

/// Splits sorted terms (each with the length of its encoded postings) into shards keyed by
/// prefix. A term shorter than the prefix length of its group's split stays in the group's own
/// shard (key = the shorter prefix). Groups of one first character are split independently
/// ([`TermIndex`] splits again only the groups a save changed).
#[cfg(test)]
fn shard(terms: &[(&str, usize)], chars: usize) -> Vec<(String, std::ops::Range<usize>)> {
    let mut shards = Vec::new();
    let mut start = 0;
    while start < terms.len() {
        let key = prefix(terms[start].0, chars);
        let end = start
            + terms[start..]
                .iter()
                .take_while(|(term, _)| prefix(term, chars) == key)
                .count();
        split_group(terms, start..end, key, chars, &mut shards);
        start = end;
    }
    shards
}

fn split_group(
    terms: &[(&str, usize)],
    range: std::ops::Range<usize>,
    key: &str,
    chars: usize,
    out: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    let size: usize = terms[range.clone()]
        .iter()
        .map(|(t, encoded)| t.len() + encoded + 6)
        .sum();
    if size <= SHARD_BYTES || chars >= MAX_PREFIX_CHARS || range.len() <= 1 {
        out.push((key.to_owned(), range));
        return;
    }
    // Terms exactly `key` (shorter than the next prefix length) sort first: they keep the key.
    let short = terms[range.clone()]
        .iter()
        .take_while(|(term, _)| term.chars().count() <= chars)
        .count();
    if short > 0 {
        out.push((key.to_owned(), range.start..range.start + short));
    }
    let mut start = range.start + short;
    while start < range.end {
        let sub = prefix(terms[start].0, chars + 1);
        let end = start
            + terms[start..range.end]
                .iter()
                .take_while(|(term, _)| prefix(term, chars + 1) == sub)
                .count();
        split_group(terms, start..end, sub, chars + 1, out);
        start = end;
    }
}

fn prefix(term: &str, chars: usize) -> &str {
    term.char_indices()
        .nth(chars)
        .map_or(term, |(end, _)| &term[..end])
}

/// Shard keys are terms: any letter of any script. File names keep ASCII letters and digits
/// and spell everything else as `_<hex code point>`, which every host serves.
pub fn file_name(key: &str) -> String {
    let mut name = String::with_capacity(key.len());
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else {
            let _ = write!(name, "_{:x}", c as u32);
        }
    }
    name
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

mod shards;
pub use shards::{Change, Context, HeldFile, IndexedFile, IndexedPage, TermIndex};

#[cfg(test)]
mod tests;
