//! A new index: made once by a build from the pages it owns, or by `serve` and
//! `build --watch` from the pages they keep (and when a save moves the page count or the
//! rounded average).

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::encoded::Encoded;
use super::flat::encode_all;
use super::{
    Context, Group, IndexedFile, IndexedPage, PageTerms, TermIndex, count_forms, quantised_average,
};
use crate::search::index::prefix;

impl TermIndex {
    /// The index of `pages` (sorted by id); `packed`: the shards' files are held packed (an
    /// index kept for a session, see [`super::HeldFile`]).
    pub fn new<P: IndexedPage>(context: &Context<'_>, pages: &[P], packed: bool) -> TermIndex {
        let guard = context.vocabulary.lock_terms();
        let names = &guard.names;
        let average = quantised_average(pages);
        let mut form_pages = Vec::new();
        for page in pages {
            count_forms(&mut form_pages, page.forms(), 1);
        }
        let (encoded, _) = encode_all(names.len(), pages, average, packed, false);
        let mut index = TermIndex::made(names, pages.len(), average, encoded);
        index.packed = packed;
        index.form_pages = form_pages;
        index.write_all(context, names);
        drop(guard);
        index.finish(context, pages.iter().map(|p| (p.id(), p.file_hash())));
        index
    }

    /// The index of `pages` as a build makes it, once: each page's forms are freed once
    /// counted and its terms once every term is encoded, before the shards are written. Its
    /// version and `meta.js` are left to [`TermIndex::seal`]: a build makes the index from the
    /// pages' terms while it writes their page files, which the version hashes.
    pub fn from_pages(context: &Context<'_>, mut pages: Vec<PageTerms>) -> TermIndex {
        pages.sort_unstable_by_key(|p| p.id);
        let guard = context.vocabulary.lock_terms();
        let names = &guard.names;
        let forms: Vec<Vec<u32>> = pages
            .iter_mut()
            .map(|page| std::mem::take(&mut page.forms))
            .collect();
        let refs: Vec<&PageTerms> = pages.iter().collect();
        let average = quantised_average(&refs);
        // The forms are counted (on one core) while the terms are encoded: neither reads the
        // other.
        let (form_pages, (encoded, _)) = rayon::join(
            || {
                let mut form_pages = Vec::new();
                for page_forms in forms {
                    count_forms(&mut form_pages, page_forms, 1);
                }
                form_pages
            },
            || encode_all(names.len(), &refs, average, false, false),
        );
        drop(refs);
        let count = pages.len();
        drop(pages);
        let mut index = TermIndex::made(names, count, average, encoded);
        index.form_pages = form_pages;
        index.write_all(context, names);
        drop(guard);
        // A build's index is never updated: the encoded postings and the forms' page counts,
        // which only writing the shards and updating read, are freed now rather than with the
        // index, after the last pages, `llms-full.txt` and the term files are written.
        index.encoded = Vec::new();
        index.form_pages = Vec::new();
        index
    }

    /// Makes the version and `meta.js` of an index made by [`TermIndex::from_pages`] from its
    /// pages' page file hashes (`pages`: id and hash, in id order).
    pub fn seal(&mut self, context: &Context<'_>, pages: impl Iterator<Item = (u32, [u8; 32])>) {
        self.finish(context, pages);
    }

    /// The index of terms `encoded` (of `count` pages), its shards split, their bytes not yet
    /// written.
    fn made(
        names: &[String],
        count: usize,
        average: f32,
        encoded: Vec<Option<Encoded>>,
    ) -> TermIndex {
        let mut live: Vec<u32> = (0..names.len() as u32)
            .filter(|&t| encoded.get(t as usize).is_some_and(Option::is_some))
            .collect();
        live.par_sort_unstable_by(|a, b| names[*a as usize].cmp(&names[*b as usize]));
        let mut groups: Vec<Group> = Vec::new();
        for term in live {
            let key = prefix(&names[term as usize], 1);
            match groups.last_mut() {
                Some(group) if group.key == key => group.terms.push(term),
                _ => groups.push(Group {
                    key: key.to_owned(),
                    terms: vec![term],
                    shards: Vec::new(),
                }),
            }
        }
        let mut index = TermIndex {
            count,
            average,
            encoded,
            form_pages: Vec::new(),
            groups,
            version: String::new(),
            meta: IndexedFile::new(Vec::new()),
            packed: false,
        };
        for g in 0..index.groups.len() {
            index.groups[g].shards = index.split(g, names, &[], &mut FxHashMap::default());
        }
        index
    }

    /// Places every form and writes every shard (a new index).
    fn write_all(&mut self, context: &Context<'_>, names: &[String]) {
        let multi = self.multi_forms(context, names);
        if multi.is_none() {
            self.place_every_form(context, names, &mut FxHashSet::default());
        }
        self.write_shards(context, names, &FxHashSet::default(), true, multi.as_ref());
    }
}
