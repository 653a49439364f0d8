//! The postings of the terms a save changed, gathered again from the pages: a kept index
//! holds no term's postings (they were as large as the pages' own term lists).

use rayon::prelude::*;

use super::pages::IndexedPage;
use super::{rounded, weight};

/// The postings (page, weight), in page order, of each of `terms` (ids below `vocabulary`) in
/// `pages` (in id order), weighed against `average`: one pass over the pages' term lists,
/// split among the threads by pages and joined in page order.
pub(super) fn postings_of<P: IndexedPage>(
    terms: &[u32],
    vocabulary: usize,
    pages: &[P],
    average: f32,
) -> Vec<Vec<(u32, f32)>> {
    const NOT_WANTED: u32 = u32::MAX;
    let mut slots = vec![NOT_WANTED; vocabulary];
    for (slot, &term) in terms.iter().enumerate() {
        slots[term as usize] = slot as u32;
    }
    let empty = || vec![Vec::new(); terms.len()];
    let parts: Vec<Vec<Vec<(u32, f32)>>> = pages
        .par_chunks(512)
        .map(|chunk| {
            let mut lists = empty();
            for page in chunk {
                let length = rounded(page.length());
                for (term, tf) in page.terms_at(0) {
                    let slot = slots.get(term as usize).copied().unwrap_or(NOT_WANTED);
                    if slot != NOT_WANTED {
                        lists[slot as usize].push((page.id(), weight(tf, length, average)));
                    }
                }
            }
            lists
        })
        .collect();
    let mut lists = empty();
    for (slot, list) in lists.iter_mut().enumerate() {
        list.reserve_exact(parts.iter().map(|part| part[slot].len()).sum());
        for part in &parts {
            list.extend_from_slice(&part[slot]);
        }
    }
    lists
}
