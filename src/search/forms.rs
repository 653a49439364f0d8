//! The site's words with their terms, per language, written into the term shards: a browser
//! finds the terms of a query word the site has without downloading a stemmer (125 KB), and
//! fetches the stemmer only for a word no page has.
//!
//! A site's languages share one vocabulary of terms, and the browser turns a query word into
//! its terms in each language, since it cannot know which one the reader means. So each
//! stemming language's forms list every word of the site, not only the words of its own pages:
//! a word met only in English pages also gets its French terms, where the index has them.
//! That way the forms give the browser exactly what the stemmers would, for every word the
//! site has, and a French reader's `configurations` still finds the French pages that only
//! say `configuration` when the English pages have the plural.

use std::hash::BuildHasher as _;
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};

use super::analyze::Analyzer;

/// "No term" in a word's pair of term ids.
pub const NONE: u32 = u32::MAX;

/// A word, lower-cased, → its term ids ([`NONE`] where it has fewer than two).
pub type WordIds = FxHashMap<String, [u32; 2]>;

/// The forms met while pages are indexed, per stemmer (pages are stemmed in their space's
/// language), each numbered. Words of a language without stemmer are not recorded: their term
/// is the folded word, which the browser computes itself.
///
/// A page keeps the numbers of the forms its words gave ([`super::PageTerms::forms`]), and the
/// index lists the forms of the pages it is made of: a vocabulary kept between saves
/// (`carnet build --watch`) still writes exactly the words a clean build would.
#[derive(Default)]
pub struct Recorded(Mutex<Forms>);

/// The forms, each stored once (see [`super::index`]'s `Terms`): a list numbers them and a
/// table of ids finds a (stemmer, word)'s.
#[derive(Default)]
struct Forms {
    ids: hashbrown::HashTable<u32>,
    /// By form id: stemmer, word (lower-cased), its term ids.
    forms: Vec<(&'static str, String, [u32; 2])>,
}

impl Recorded {
    /// Frees every form (see [`super::index::Vocabulary::forget`]).
    pub fn forget(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Forms::default();
    }

    /// Records `word`, whose terms under `analyzer` are `ids`: its form id, or [`NONE`] for a
    /// word not recorded (a stop word, or a language without stemmer).
    pub fn record(&self, analyzer: &Analyzer, word: &str, ids: [u32; 2]) -> u32 {
        let Some(stemmer) = analyzer.stemmer_name else {
            return NONE;
        };
        if ids[0] == NONE {
            return NONE;
        }
        let word = word.to_lowercase();
        let hash = FxBuildHasher.hash_one((stemmer, word.as_str()));
        let mut recorded = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let Forms { ids: table, forms } = &mut *recorded;
        let same = |&id: &u32| {
            let (s, w, _) = &forms[id as usize];
            *s == stemmer && *w == word
        };
        if let Some(id) = table.find(hash, same) {
            return *id;
        }
        let id = forms.len() as u32;
        forms.push((stemmer, word, ids));
        table.insert_unique(hash, id, |&id| {
            let (s, w, _) = &forms[id as usize];
            FxBuildHasher.hash_one((*s, w.as_str()))
        });
        id
    }

    /// Calls `f` with each recorded form: its id, word and term ids.
    pub fn each(&self, mut f: impl FnMut(u32, &str, [u32; 2])) {
        let recorded = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for (id, (_, word, ids)) in recorded.forms.iter().enumerate() {
            f(id as u32, word, *ids);
        }
    }

    /// The word and term ids of each form of `ids` (a form never recorded is left out).
    pub fn words(&self, ids: &[u32]) -> Vec<(u32, String, [u32; 2])> {
        let recorded = self.0.lock().unwrap_or_else(|e| e.into_inner());
        ids.iter()
            .filter_map(|&id| {
                let (_, word, terms) = recorded.forms.get(id as usize)?;
                Some((id, word.clone(), *terms))
            })
            .collect()
    }

    /// The forms whose ids `live` holds, per stemmer.
    fn live(&self, live: &[bool]) -> Vec<(&'static str, WordIds)> {
        let recorded = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut by_stemmer: Vec<(&'static str, WordIds)> = Vec::new();
        for (id, (stemmer, word, ids)) in recorded.forms.iter().enumerate() {
            if !live.get(id).copied().unwrap_or(false) {
                continue;
            }
            let slot = match by_stemmer.iter().position(|(name, _)| name == stemmer) {
                Some(slot) => slot,
                None => {
                    by_stemmer.push((stemmer, WordIds::default()));
                    by_stemmer.len() - 1
                }
            };
            by_stemmer[slot].1.entry(word.clone()).or_insert(*ids);
        }
        by_stemmer
    }

    /// Each analyzer's forms, in `analyzers` order (none for an analyzer without stemmer).
    /// With several stemming analyzers, the words recorded for one get their terms under the
    /// others too, where `term_id` finds them (a term the index has pages for).
    ///
    /// `live` tells, by form id, the forms of the pages indexed.
    pub fn complete(
        &self,
        live: &[bool],
        analyzers: &[(String, Analyzer)],
        term_id: impl Fn(&str) -> Option<u32> + Sync,
    ) -> Vec<WordIds> {
        let mut recorded = self.live(live);
        let stemming = analyzers
            .iter()
            .filter(|(_, a)| a.stemmer_name.is_some())
            .count();
        let mut every_word: Vec<String> = Vec::new();
        if stemming > 1 {
            every_word = recorded
                .iter()
                .flat_map(|(_, words)| words.keys().cloned())
                .collect();
            every_word.par_sort_unstable();
            every_word.dedup();
        }
        analyzers
            .iter()
            .map(|(_, analyzer)| {
                let Some(stemmer) = analyzer.stemmer_name else {
                    return WordIds::default();
                };
                let mut own = recorded
                    .iter_mut()
                    .find(|(name, _)| *name == stemmer)
                    .map(|(_, words)| std::mem::take(words))
                    .unwrap_or_default();
                let others: Vec<(String, [u32; 2])> = every_word
                    .par_iter()
                    .filter(|word| !own.contains_key(*word))
                    .filter_map(|word| {
                        let terms = analyzer.terms(word);
                        let mut ids = terms.iter().filter_map(&term_id);
                        let first = ids.next()?;
                        Some((word.clone(), [first, ids.next().unwrap_or(NONE)]))
                    })
                    .collect();
                own.extend(others);
                own
            })
            .collect()
    }
}

/// One shard's forms, per analyzer: (word, its terms), sorted.
pub type ShardForms = Vec<Vec<(String, Vec<String>)>>;

/// The forms each shard carries: a word goes, for each analyzer, to the shard a browser looks
/// in for it (`shard_of` its folded form, as `search.js` finds it), with its terms. A form
/// whose only term is the folded word itself is left out: the browser tries that first.
pub fn by_shard(
    forms: Vec<WordIds>,
    shards: usize,
    shard_of: impl Fn(&str) -> Option<usize>,
    vocabulary: &[String],
) -> Vec<ShardForms> {
    let analyzers = forms.len();
    let mut by_shard: Vec<ShardForms> = vec![vec![Vec::new(); analyzers]; shards];
    for (a, words) in forms.into_iter().enumerate() {
        for (form, ids) in words {
            let folded = super::fold(&form);
            let Some(shard) = shard_of(&folded) else {
                continue;
            };
            let terms: Vec<String> = ids
                .iter()
                .filter(|id| **id != NONE)
                .filter_map(|id| vocabulary.get(*id as usize).cloned())
                .collect();
            if terms.len() == 1 && terms[0] == folded {
                continue;
            }
            by_shard[shard][a].push((form, terms));
        }
    }
    for forms in by_shard.iter_mut().flatten() {
        forms.sort_unstable();
    }
    by_shard
}

/// Writes one shard's forms as the browser reads them: `[{"word":["term",…],…},…]`, one
/// object per analyzer of `meta.js`, in its order.
pub fn write(body: &mut String, forms: &ShardForms) {
    body.push('[');
    for (a, words) in forms.iter().enumerate() {
        if a > 0 {
            body.push(',');
        }
        body.push('{');
        for (i, (form, terms)) in words.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&serde_json::to_string(form).unwrap_or_else(|_| "\"\"".to_owned()));
            body.push(':');
            body.push_str(&serde_json::to_string(terms).unwrap_or_else(|_| "[]".to_owned()));
        }
        body.push('}');
    }
    body.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(terms: &[&str]) -> (Vec<String>, FxHashMap<String, u32>) {
        let names: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
        let ids = names
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        (names, ids)
    }

    fn ids_of(analyzer: &Analyzer, word: &str, ids: &FxHashMap<String, u32>) -> [u32; 2] {
        let terms = analyzer.terms(word);
        let mut found = terms.iter().map(|t| ids.get(t).copied().unwrap_or(NONE));
        [found.next().unwrap_or(NONE), found.next().unwrap_or(NONE)]
    }

    #[test]
    fn a_word_of_one_language_gets_its_terms_in_the_others_where_the_index_has_them() {
        let fr = Analyzer::for_language("fr");
        let en = Analyzer::for_language("en");
        // French pages say `configuration`, English ones `configurations` and `tables`.
        let (names, ids) = vocabulary(&["configur", "configuration", "tabl", "table"]);
        let recorded = Recorded::default();
        recorded.record(&fr, "configuration", ids_of(&fr, "configuration", &ids));
        recorded.record(&en, "configurations", ids_of(&en, "configurations", &ids));
        recorded.record(&en, "tables", ids_of(&en, "tables", &ids));
        let analyzers = [("fr".to_owned(), fr), ("en".to_owned(), en)];
        let forms = recorded.complete(&[true; 8], &analyzers, |t| ids.get(t).copied());
        let terms = |a: usize, word: &str| -> Vec<&str> {
            forms[a].get(word).map_or(Vec::new(), |pair| {
                pair.iter()
                    .filter(|id| **id != NONE)
                    .map(|id| names[*id as usize].as_str())
                    .collect()
            })
        };
        assert_eq!(terms(0, "configuration"), ["configur"]);
        // Met only in English pages, yet the French stem is a term of the index.
        assert_eq!(terms(0, "configurations"), ["configur"]);
        assert_eq!(terms(1, "configurations"), ["configur"]);
        assert_eq!(terms(1, "configuration"), ["configur"]);
        assert_eq!(terms(1, "tables"), ["tabl"]);
        // The French terms of `tables` (`tabl`) are in the index too.
        assert_eq!(terms(0, "tables"), ["tabl"]);
    }

    #[test]
    fn one_language_keeps_only_its_own_words_and_shards_carry_one_object_per_analyzer() {
        let fr = Analyzer::for_language("fr");
        let (names, ids) = vocabulary(&["hebergeur", "heberg"]);
        let recorded = Recorded::default();
        recorded.record(&fr, "Hébergeurs", ids_of(&fr, "hébergeurs", &ids));
        recorded.record(&fr, "hébergement", ids_of(&fr, "hébergement", &ids));
        recorded.record(&fr, "les", [NONE, NONE]);
        let analyzers = [
            ("fr".to_owned(), fr),
            ("de".to_owned(), Analyzer::for_language("de")),
        ];
        let forms = recorded.complete(&[true; 8], &analyzers, |t| ids.get(t).copied());
        assert_eq!(forms[0].len(), 2, "{:?}", forms[0]);
        assert!(forms[1].is_empty());
        let shards = by_shard(forms, 1, |f| f.starts_with('h').then_some(0), &names);
        let mut body = String::new();
        write(&mut body, &shards[0]);
        assert_eq!(
            body,
            r#"[{"hébergement":["heberg"],"hébergeurs":["hebergeur"]},{}]"#
        );
    }
}
