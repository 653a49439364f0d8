//! Where the site's words (forms) go among the shards: with one stemming language, each form
//! a page has goes to the shard a browser looks in for it, and a save moves only the forms that
//! appeared or vanished; with several, every shard's forms are made whole and compared.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Context, TermIndex, stemming};
use crate::search::analyze::fold;
use crate::search::forms::{self, NONE, ShardForms};
use crate::search::index::{MAX_PREFIX_CHARS, prefix};

impl TermIndex {
    /// Every live form placed again in the shards; those whose forms changed go in `rebuild`.
    pub(super) fn place_every_form(
        &mut self,
        context: &Context<'_>,
        names: &[String],
        rebuild: &mut FxHashSet<(usize, usize)>,
    ) {
        let live: Vec<bool> = self.form_pages.iter().map(|n| *n > 0).collect();
        let keys = self.shard_keys();
        let mut placed: FxHashMap<(usize, usize), Vec<u32>> = FxHashMap::default();
        context.vocabulary.forms.each(|form, word, ids| {
            if live.get(form as usize).copied().unwrap_or(false)
                && let Some(gs) = form_shard(&keys, names, word, ids)
            {
                placed.entry(gs).or_default().push(form);
            }
        });
        drop(keys);
        for (g, group) in self.groups.iter_mut().enumerate() {
            for (s, shard) in group.shards.iter_mut().enumerate() {
                let mut forms = placed.remove(&(g, s)).unwrap_or_default();
                forms.sort_unstable();
                if shard.forms != forms {
                    shard.forms = forms;
                    rebuild.insert((g, s));
                }
            }
        }
    }

    /// The forms that appeared or vanished (`flipped`) added to or removed from their shards.
    pub(super) fn place_forms(
        &mut self,
        context: &Context<'_>,
        names: &[String],
        flipped: &[u32],
        rebuild: &mut FxHashSet<(usize, usize)>,
    ) {
        let keys = self.shard_keys();
        let mut moves = Vec::new();
        for (form, word, ids) in context.vocabulary.forms.words(flipped) {
            if let Some(gs) = form_shard(&keys, names, &word, ids) {
                let live = self.form_pages.get(form as usize).is_some_and(|n| *n > 0);
                moves.push((gs, form, live));
            }
        }
        drop(keys);
        for ((g, s), form, live) in moves {
            let forms = &mut self.groups[g].shards[s].forms;
            match (forms.binary_search(&form), live) {
                (Err(at), true) => forms.insert(at, form),
                (Ok(at), false) => {
                    forms.remove(at);
                }
                _ => continue,
            }
            rebuild.insert((g, s));
        }
    }

    /// Shards whose forms (made whole, with several stemming analyzers) differ from those
    /// they were written with go in `rebuild`.
    pub(super) fn compare_forms(
        &self,
        multi: &FxHashMap<(usize, usize), ShardForms>,
        rebuild: &mut FxHashSet<(usize, usize)>,
    ) {
        for (g, group) in self.groups.iter().enumerate() {
            for (s, shard) in group.shards.iter().enumerate() {
                let mut text = String::new();
                if let Some(forms) = multi.get(&(g, s)) {
                    forms::write(&mut text, forms);
                }
                if blake3::hash(text.as_bytes()) != shard.forms_hash {
                    rebuild.insert((g, s));
                }
            }
        }
    }

    /// With several stemming analyzers, every shard's forms, made whole (a word's terms in
    /// the other languages depend on which terms have pages); `None` with one.
    pub(super) fn multi_forms(
        &self,
        context: &Context<'_>,
        names: &[String],
    ) -> Option<FxHashMap<(usize, usize), ShardForms>> {
        if stemming(context.analyzers) <= 1 {
            return None;
        }
        let live: Vec<bool> = self.form_pages.iter().map(|n| *n > 0).collect();
        let encoded = &self.encoded;
        let term_names: FxHashMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i as u32))
            .collect();
        let complete = context
            .vocabulary
            .forms
            .complete(&live, context.analyzers, |t| {
                let id = *term_names.get(t)?;
                encoded.get(id as usize)?.as_ref().map(|_| id)
            });
        let keys = self.shard_keys();
        let mut order: Vec<(usize, usize)> = keys.values().copied().collect();
        order.sort_unstable();
        let slot: FxHashMap<(usize, usize), usize> =
            order.iter().enumerate().map(|(i, gs)| (*gs, i)).collect();
        let by_shard = forms::by_shard(
            complete,
            order.len(),
            |folded| slot.get(&shard_of(&keys, folded)?).copied(),
            names,
        );
        Some(order.into_iter().zip(by_shard).collect())
    }
}

/// The shard a browser looks in for a folded word: the longest key it starts with.
fn shard_of(keys: &FxHashMap<&str, (usize, usize)>, folded: &str) -> Option<(usize, usize)> {
    (1..=MAX_PREFIX_CHARS)
        .rev()
        .find_map(|n| keys.get(prefix(folded, n)).copied())
}

/// The shard a form goes to (with one stemming analyzer), or `None` when it is not written:
/// no shard for it, or its only term is the folded word (the browser tries that first).
fn form_shard(
    keys: &FxHashMap<&str, (usize, usize)>,
    names: &[String],
    word: &str,
    ids: [u32; 2],
) -> Option<(usize, usize)> {
    let folded = fold(word);
    let gs = shard_of(keys, &folded)?;
    let terms: Vec<&str> = ids
        .iter()
        .filter(|id| **id != NONE)
        .filter_map(|id| names.get(*id as usize).map(String::as_str))
        .collect();
    (!(terms.len() == 1 && terms[0] == folded)).then_some(gs)
}

/// A shard's forms with one stemming analyzer: its words, under that analyzer's slot.
pub(super) fn single_forms(
    context: &Context<'_>,
    names: &[String],
    forms: &[u32],
    analyzers: usize,
) -> ShardForms {
    let mut out: ShardForms = vec![Vec::new(); analyzers];
    let slot = context
        .analyzers
        .iter()
        .position(|(_, a)| a.stemmer_name.is_some());
    let Some(slot) = slot else { return out };
    let mut words: Vec<(String, Vec<String>)> = context
        .vocabulary
        .forms
        .words(forms)
        .into_iter()
        .map(|(_, word, ids)| {
            let terms = ids
                .iter()
                .filter(|id| **id != NONE)
                .filter_map(|id| names.get(*id as usize).cloned())
                .collect();
            (word, terms)
        })
        .collect();
    words.sort_unstable();
    out[slot] = words;
    out
}
