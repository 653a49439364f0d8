//! The term shards as a structure that can be brought up to date: each term's postings and
//! their encoded text, each shard's body and hash, and the forms each shard carries. A clean
//! build makes it once ([`TermIndex::new`]); `carnet build --watch` and `carnet serve` keep it
//! between saves and [`TermIndex::update`] it with the pages a save changed, so a body edit
//! costs the terms of that page, the shards holding them, and the hash of the shard hashes —
//! not every term of the site.
//!
//! Why the update is exact (byte for byte the clean build's files):
//! - a posting's weight depends on its page (frequency, length), on the site's average length,
//!   and its score on the term's number of pages and the site's page count. The average is
//!   rounded to a geometric grid ([`quantised_average`]), so a small edit leaves it where it
//!   was; when the page count or the rounded average moves, everything is made again
//!   ([`TermIndex::update`] falls back to [`TermIndex::new`]). Otherwise only the terms of the
//!   changed pages (old and new) can have other postings;
//! - shards are split per first character ([`super::shard`] works group by group), so only
//!   the groups holding a changed term are split again; a shard keeps its bytes when its key,
//!   its terms, their postings and its forms are those it was made from;
//! - a shard's forms are the site's words that fall in it. With one stemming language a word
//!   is written when a page has it, so a save changes the forms of the shards its appearing
//!   and vanishing words fall in, as long as no shard key changed; with several, a word's
//!   terms in the other languages depend on which terms the index has, and every shard's
//!   forms are made again and compared (correct, slower).

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{
    IndexFile, PageTerms, TermFiles, Vocabulary, file_name, json_string, json_terms_ref, prefix,
    split_group,
};
use encoded::{Encoded, Moved, encode, patched};
use gather::postings_of;
pub use held::HeldFile;
pub use pages::IndexedPage;
use placement::single_forms;

use crate::search::analyze::Analyzer;
use crate::search::forms::{self, ShardForms};

/// Steps of the grid page lengths and their average are rounded to: 2^(1/32), about 2 %.
const STEPS_PER_DOUBLING: f64 = 32.0;

/// A length rounded to the nearest step of the geometric grid (lengths below 1 count as 1).
fn rounded(length: f32) -> f32 {
    let step = (f64::from(length.max(1.0)).log2() * STEPS_PER_DOUBLING).round();
    (step / STEPS_PER_DOUBLING).exp2() as f32
}

/// The site's average page length as BM25 uses it: rounded to the nearest step of a geometric
/// grid (2^(1/32), about 2 %), so an edit changes it (and with it every posting's weight) only
/// when it crosses a step. The effect on ranking is well below what BM25's constants (k1, b)
/// tell apart.
fn quantised_average<P: IndexedPage>(pages: &[P]) -> f32 {
    if pages.is_empty() {
        return 1.0;
    }
    rounded(pages.iter().map(|p| p.length()).sum::<f32>() / pages.len() as f32)
}

/// BM25's term-frequency part of a posting (idf is applied per term when it is encoded).
/// `length` is the page's, rounded as the average is ([`rounded`]): an edit that adds or removes
/// a few words changes the weights of the terms it touched, not those of every term of the page.
fn weight(tf: f32, length: f32, average: f32) -> f32 {
    let norm = 1.2 * (0.25 + 0.75 * length / average);
    tf * 2.2 / (tf + norm)
}

/// One written file's bytes and hash.
#[derive(Clone)]
pub struct IndexedFile {
    pub bytes: Arc<Vec<u8>>,
    pub hash: blake3::Hash,
}

impl IndexedFile {
    fn new(bytes: Vec<u8>) -> IndexedFile {
        IndexedFile {
            hash: blake3::hash(&bytes),
            bytes: Arc::new(bytes),
        }
    }
}

struct Shard {
    key: String,
    /// Its terms (ids), in the shard's order.
    terms: Range<usize>,
    /// With one stemming analyzer, the forms it carries (ids), sorted.
    forms: Vec<u32>,
    /// The hash of its forms as written (what several analyzers compare).
    forms_hash: blake3::Hash,
    body: HeldFile,
    tail: Option<HeldFile>,
}

/// The live terms of one first character, sorted, and its shards.
struct Group {
    key: String,
    terms: Vec<u32>,
    shards: Vec<Shard>,
}

/// The term shards and `meta.js` of a set of pages, and what a save can reuse of them.
pub struct TermIndex {
    count: usize,
    average: f32,
    /// By term id: its encoded postings, for a term with pages.
    encoded: Vec<Option<Encoded>>,
    /// By form id: how many pages have it.
    form_pages: Vec<u32>,
    groups: Vec<Group>,
    version: String,
    meta: IndexedFile,
    /// The shards' files are held packed (see [`HeldFile`]).
    packed: bool,
}

/// What the index needs of its site: the analyzers and the vocabulary the pages were indexed
/// with.
pub struct Context<'a> {
    pub analyzers: &'a [(String, Analyzer)],
    pub vocabulary: &'a Vocabulary,
}

/// A page that changed: its terms before and after (`None`: not indexed).
pub type Change<'a> = (Option<&'a PageTerms>, Option<&'a PageTerms>);

impl TermIndex {
    /// Brings the index of the pages before a save up to `pages` (sorted by id), which differ
    /// from them by `changes`. Any page count or rounded average other than before makes the
    /// whole index again.
    ///
    /// The index keeps no term's postings (they were as large as the pages' own term lists):
    /// those of the terms a save changed are gathered again from `pages`, in one pass.
    pub fn update<P: IndexedPage>(
        &mut self,
        context: &Context<'_>,
        pages: &[P],
        changes: &[Change<'_>],
    ) {
        if pages.len() != self.count || quantised_average(pages) != self.average {
            *self = TermIndex::new(context, pages, self.packed);
            return;
        }
        if changes.is_empty() {
            return;
        }
        let guard = context.vocabulary.lock_terms();
        let names = &guard.names;
        if self.encoded.len() < names.len() {
            self.encoded.resize_with(names.len(), || None);
        }
        let mut dirty: FxHashMap<u32, Vec<Moved>> = FxHashMap::default();
        let mut forms_before: FxHashMap<u32, bool> = FxHashMap::default();
        for (old, new) in changes {
            for (page, after) in [(old, false), (new, true)] {
                let Some(page) = page else { continue };
                for &form in &page.forms {
                    let live = self.form_pages.get(form as usize).is_some_and(|n| *n > 0);
                    forms_before.entry(form).or_insert(live);
                }
                let sign = if after { 1 } else { -1 };
                count_forms(&mut self.form_pages, page.forms.iter().copied(), sign);
                let length = rounded(page.length);
                for &(term, tf) in &page.terms {
                    if term as usize >= names.len() {
                        continue;
                    }
                    let moved = dirty.entry(term).or_default();
                    let slot = match moved.iter().position(|m| m.0 == page.id) {
                        Some(slot) => slot,
                        None => {
                            moved.push((page.id, None, None));
                            moved.len() - 1
                        }
                    };
                    let weighed = Some(weight(tf, length, self.average));
                    if after {
                        moved[slot].2 = weighed;
                    } else {
                        moved[slot].1 = weighed;
                    }
                }
            }
        }
        // Each changed term encoded again (in parallel: a common term has a posting in most
        // pages), and the groups it is in split again.
        // A term whose postings came back as they were (the page kept its rounded length and
        // this term's frequency) is not changed at all.
        dirty.retain(|_, moved| moved.iter().any(|(_, before, after)| before != after));
        let dirty_terms: Vec<u32> = dirty.keys().copied().collect();
        let postings = postings_of(&dirty_terms, names.len(), pages, self.average);
        let (old, packed) = (&self.encoded, self.packed);
        let count = self.count;
        let encoded: Vec<Option<Encoded>> = dirty_terms
            .par_iter()
            .zip(&postings)
            .map(|(&term, list)| {
                if list.is_empty() {
                    return None;
                }
                let moved = &dirty[&term];
                let kept = old[term as usize]
                    .as_ref()
                    .and_then(|old| patched(old, list, moved, count));
                Some(kept.unwrap_or_else(|| encode(list, count, packed)))
            })
            .collect();
        let mut touched: FxHashMap<String, (Vec<u32>, Vec<u32>)> = FxHashMap::default();
        for (term, coded) in dirty_terms.into_iter().zip(encoded) {
            let was = self.encoded[term as usize].is_some();
            let now = coded.is_some();
            self.encoded[term as usize] = coded;
            let entry = touched
                .entry(prefix(&names[term as usize], 1).to_owned())
                .or_default();
            match (was, now) {
                (false, true) => entry.0.push(term),
                (true, false) => entry.1.push(term),
                _ => {}
            }
        }
        let keys_moved = self.regroup(names, touched);
        let mut rebuild: FxHashSet<(usize, usize)> = FxHashSet::default();
        for (g, group) in self.groups.iter().enumerate() {
            for (s, shard) in group.shards.iter().enumerate() {
                if shard.body.is_unwritten()
                    || group.terms[shard.terms.clone()]
                        .iter()
                        .any(|t| dirty.contains_key(t))
                {
                    rebuild.insert((g, s));
                }
            }
        }
        let flipped: Vec<u32> = forms_before
            .into_iter()
            .filter(|(form, before)| {
                *before != self.form_pages.get(*form as usize).is_some_and(|n| *n > 0)
            })
            .map(|(form, _)| form)
            .collect();
        let multi = self.multi_forms(context, names);
        if let Some(multi) = &multi {
            self.compare_forms(multi, &mut rebuild);
        } else if keys_moved {
            self.place_every_form(context, names, &mut rebuild);
        } else if !flipped.is_empty() {
            self.place_forms(context, names, &flipped, &mut rebuild);
        }
        self.write_shards(context, names, &rebuild, false, multi.as_ref());
        drop(guard);
        self.finish(context, pages.iter().map(|p| (p.id(), p.file_hash())));
    }

    /// Applies term arrivals and departures (by first character: arrived, left) to the groups
    /// and splits the groups touched again, keeping the shards whose key and terms are the
    /// same (their bytes are rebuilt when one of their terms changed). Whether any shard key
    /// changed.
    fn regroup(
        &mut self,
        names: &[String],
        touched: FxHashMap<String, (Vec<u32>, Vec<u32>)>,
    ) -> bool {
        let mut keys_moved = false;
        let by_name = |a: &u32, b: &u32| names[*a as usize].cmp(&names[*b as usize]);
        for (key, (arrived, left)) in touched {
            let g = match self.groups.binary_search_by(|g| g.key.as_str().cmp(&key)) {
                Ok(g) => g,
                Err(at) => {
                    self.groups.insert(
                        at,
                        Group {
                            key,
                            terms: Vec::new(),
                            shards: Vec::new(),
                        },
                    );
                    at
                }
            };
            let group = &mut self.groups[g];
            let old_terms = group.terms.clone();
            let gone: FxHashSet<u32> = left.into_iter().collect();
            group.terms.retain(|t| !gone.contains(t));
            for term in arrived {
                let at = group
                    .terms
                    .binary_search_by(|t| by_name(t, &term))
                    .unwrap_or_else(|at| at);
                group.terms.insert(at, term);
            }
            let mut old: FxHashMap<String, Shard> = std::mem::take(&mut group.shards)
                .into_iter()
                .map(|s| (s.key.clone(), s))
                .collect();
            let old_keys: FxHashSet<String> = old.keys().cloned().collect();
            let shards = self.split(g, names, &old_terms, &mut old);
            let new_keys: FxHashSet<&str> = shards.iter().map(|s| s.key.as_str()).collect();
            keys_moved |= old_keys.len() != new_keys.len()
                || old_keys.iter().any(|k| !new_keys.contains(k.as_str()));
            self.groups[g].shards = shards;
        }
        let before = self.groups.len();
        self.groups.retain(|g| !g.terms.is_empty());
        keys_moved || before != self.groups.len()
    }

    /// Splits group `g` into shards; a shard of `old` (ranges of `old_terms`) with the same key
    /// and terms is kept (its forms and bytes), any other is new (empty bytes: to be written).
    fn split(
        &self,
        g: usize,
        names: &[String],
        old_terms: &[u32],
        old: &mut FxHashMap<String, Shard>,
    ) -> Vec<Shard> {
        let group = &self.groups[g];
        let sized: Vec<(&str, usize)> = group
            .terms
            .iter()
            .map(|&t| {
                let head = self.encoded[t as usize]
                    .as_ref()
                    .map_or(0, |e| e.head.len());
                (names[t as usize].as_str(), head)
            })
            .collect();
        let mut ranges = Vec::new();
        split_group(&sized, 0..sized.len(), &group.key, 1, &mut ranges);
        ranges
            .into_iter()
            .map(|(key, terms)| match old.remove(&key) {
                Some(kept)
                    if old_terms.get(kept.terms.clone()) == group.terms.get(terms.clone()) =>
                {
                    Shard { terms, ..kept }
                }
                Some(kept) => Shard {
                    key,
                    terms,
                    forms: kept.forms,
                    forms_hash: kept.forms_hash,
                    body: HeldFile::unwritten(),
                    tail: None,
                },
                None => Shard {
                    key,
                    terms,
                    forms: Vec::new(),
                    forms_hash: blake3::hash(b""),
                    body: HeldFile::unwritten(),
                    tail: None,
                },
            })
            .collect()
    }

    /// Every shard by key: (group, shard).
    fn shard_keys(&self) -> FxHashMap<&str, (usize, usize)> {
        let mut keys = FxHashMap::default();
        for (g, group) in self.groups.iter().enumerate() {
            for (s, shard) in group.shards.iter().enumerate() {
                keys.insert(shard.key.as_str(), (g, s));
            }
        }
        keys
    }

    /// Writes the bytes of the shards in `rebuild` (all when `every`).
    fn write_shards(
        &mut self,
        context: &Context<'_>,
        names: &[String],
        rebuild: &FxHashSet<(usize, usize)>,
        every: bool,
        multi: Option<&FxHashMap<(usize, usize), ShardForms>>,
    ) {
        let encoded = &self.encoded;
        let analyzers = context.analyzers.len();
        let packed = self.packed;
        let jobs: Vec<(usize, usize)> = self
            .groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| (0..group.shards.len()).map(move |s| (g, s)))
            .filter(|gs| every || rebuild.contains(gs))
            .collect();
        let written: Vec<((usize, usize), HeldShard)> = jobs
            .par_iter()
            .map(|&(g, s)| {
                let group = &self.groups[g];
                let shard = &group.shards[s];
                let forms = match multi {
                    None => single_forms(context, names, &shard.forms, analyzers),
                    Some(multi) => multi
                        .get(&(g, s))
                        .cloned()
                        .unwrap_or_else(|| vec![Vec::new(); analyzers]),
                };
                let terms = &group.terms[shard.terms.clone()];
                let (body, tail, forms_hash) =
                    shard_files(&shard.key, terms, names, encoded, &forms);
                let hold = |file| HeldFile::hold(file, packed);
                ((g, s), (hold(body), tail.map(hold), forms_hash))
            })
            .collect();
        for ((g, s), (body, tail, forms_hash)) in written {
            let shard = &mut self.groups[g].shards[s];
            shard.body = body;
            shard.tail = tail;
            shard.forms_hash = forms_hash;
        }
    }

    /// The version (a hash of every page file and shard) and `meta.js`.
    /// `pages`: each page's id and page file hash, in id order.
    fn finish(&mut self, context: &Context<'_>, pages: impl Iterator<Item = (u32, [u8; 32])>) {
        let mut hasher = blake3::Hasher::new();
        for (id, file_hash) in pages {
            hasher.update(&id.to_le_bytes());
            hasher.update(&file_hash);
        }
        for shard in self.groups.iter().flat_map(|g| &g.shards) {
            hasher.update(shard.key.as_bytes());
            hasher.update(shard.body.hash.as_bytes());
            if let Some(tail) = &shard.tail {
                hasher.update(tail.hash.as_bytes());
            }
        }
        self.version = hasher.finalize().to_hex()[..10].to_owned();
        let described: Vec<serde_json::Value> = context
            .analyzers
            .iter()
            .map(|(language, analyzer)| {
                serde_json::json!({
                    "language": language,
                    "stemmer": analyzer.stemmer_name,
                    "stop": analyzer.stop_words,
                })
            })
            .collect();
        let shards: Vec<&str> = self
            .groups
            .iter()
            .flat_map(|g| &g.shards)
            .map(|s| s.key.as_str())
            .collect();
        let meta = serde_json::json!({
            "version": 1,
            "language": context.analyzers.first().map(|(language, _)| language),
            "analyzers": described,
            "pages": self.count,
            "version": self.version,
            "shards": shards,
        });
        self.meta = IndexedFile::new(format!("carnetSearch.meta({meta});\n").into_bytes());
    }

    /// The index's files: `meta.js` first, then each shard and its tail, with their hashes.
    #[cfg(test)]
    pub fn shared_files(&self) -> Vec<(String, IndexedFile)> {
        let held = self.held_files().into_iter();
        held.map(|(path, file)| (path, file.file())).collect()
    }

    /// The index's files as it holds them (packed in a kept index): `meta.js` first, then
    /// each shard and its tail, with their hashes.
    pub fn held_files(&self) -> Vec<(String, HeldFile)> {
        let meta = HeldFile::hold(self.meta.clone(), false);
        let mut files = vec![("search/meta.js".to_owned(), meta)];
        for shard in self.groups.iter().flat_map(|g| &g.shards) {
            let name = file_name(&shard.key);
            files.push((format!("search/t/{name}.js"), shard.body.clone()));
            if let Some(tail) = &shard.tail {
                files.push((format!("search/x/{name}.js"), tail.clone()));
            }
        }
        files
    }

    /// The files as a build writes them, in [`TermIndex::held_files`]' order. The bytes are
    /// moved out of the index, not copied: the copy (16 MB on the 10,000-page distinct-code
    /// corpus) was made while the index still held its own, with its encoded postings.
    pub fn into_files(self) -> TermFiles {
        let TermIndex {
            encoded,
            form_pages,
            groups,
            version,
            meta,
            ..
        } = self;
        drop((encoded, form_pages));
        let bytes = |file: IndexedFile| Arc::try_unwrap(file.bytes).unwrap_or_else(|b| b.to_vec());
        let mut files = vec![IndexFile {
            path: "search/meta.js".to_owned(),
            bytes: bytes(meta),
        }];
        for shard in groups.into_iter().flat_map(|g| g.shards) {
            let name = file_name(&shard.key);
            files.push(IndexFile {
                path: format!("search/t/{name}.js"),
                bytes: shard.body.into_bytes(),
            });
            if let Some(tail) = shard.tail {
                files.push(IndexFile {
                    path: format!("search/x/{name}.js"),
                    bytes: tail.into_bytes(),
                });
            }
        }
        TermFiles { version, files }
    }
}

/// Adds `sign` to the page count of each of `forms`.
fn count_forms(counts: &mut Vec<u32>, forms: impl IntoIterator<Item = u32>, sign: i32) {
    for form in forms {
        let i = form as usize;
        if i >= counts.len() {
            counts.resize((i + 1).next_power_of_two(), 0);
        }
        counts[i] = counts[i].saturating_add_signed(sign);
    }
}

/// How many of `analyzers` stem.
fn stemming(analyzers: &[(String, Analyzer)]) -> usize {
    analyzers
        .iter()
        .filter(|(_, a)| a.stemmer_name.is_some())
        .count()
}

/// A shard's file, its tail file (when a term of it has one), and the hash of its forms.
type ShardFiles = (IndexedFile, Option<IndexedFile>, blake3::Hash);

/// [`ShardFiles`] as the index holds them.
type HeldShard = (HeldFile, Option<HeldFile>, blake3::Hash);

/// The files of the shard `key` holding `terms`, with `forms`.
fn shard_files(
    key: &str,
    terms: &[u32],
    names: &[String],
    encoded: &[Option<Encoded>],
    forms: &ShardForms,
) -> ShardFiles {
    let mut body = String::new();
    let _ = write!(body, "carnetSearch.shard({},{{", json_string(key));
    let mut tailed = Vec::new();
    for (i, &term) in terms.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let name = names[term as usize].as_str();
        let coded = encoded[term as usize].as_ref();
        let head = coded.map_or("", |e| &*e.head);
        let _ = write!(body, "{}:[{head}]", json_string(name));
        if let Some(tail) = coded.and_then(Encoded::tail_text) {
            tailed.push((name, tail));
        }
    }
    body.push_str("},");
    let forms_start = body.len();
    forms::write(&mut body, forms);
    let forms_hash = blake3::hash(&body.as_bytes()[forms_start..]);
    let tailed_names: Vec<&str> = tailed.iter().map(|(name, _)| *name).collect();
    let _ = writeln!(body, ",{});", json_terms_ref(&tailed_names));
    let tail = (!tailed.is_empty()).then(|| {
        let mut tail = String::new();
        let _ = write!(tail, "carnetSearch.tail({},{{", json_string(key));
        for (j, (name, postings)) in tailed.iter().enumerate() {
            if j > 0 {
                tail.push(',');
            }
            let _ = write!(tail, "{}:[{postings}]", json_string(name));
        }
        tail.push_str("});\n");
        IndexedFile::new(tail.into_bytes())
    });
    (IndexedFile::new(body.into_bytes()), tail, forms_hash)
}

mod encoded;
mod flat;
mod gather;
mod held;
mod make;
mod pages;
mod placement;

#[cfg(test)]
mod tests;
