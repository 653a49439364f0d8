//! Every term's postings, encoded batch by batch: the pages' term lists are turned into each
//! term's list of pages a range of term ids at a time, in one buffer reused by every batch.
//!
//! Why: a build's site whose code has 190,000 one-off words had one `Vec` of postings per
//! term (24 bytes each, and room for four postings where one was used), 32 MB beside the
//! pages' own term lists; then one array for them all still took 20 MB of fresh memory at the
//! peak, since the allocator does not hand back at once what the pages' lists free. A batch
//! holds an eighth of the postings; each costs one binary search per page.

use std::ops::Range;

use rayon::prelude::*;

use super::encoded::{Encoded, encode};
use super::pages::IndexedPage;
use super::{rounded, weight};

/// A term's postings: (page, weight), in page order.
type Postings = Vec<(u32, f32)>;

/// Batches the postings are inverted in (a term with more postings than a batch is one).
const BATCHES: usize = 8;

/// Each term's encoded postings for the `pages` (in id order) of a vocabulary of `terms`
/// terms, weighed against `average` (a term id past the vocabulary is left out), tails packed
/// with `pack` (see `encoded::TailText`); with `keep`, also each term's postings (page,
/// weight), in page order, at their exact size.
pub(super) fn encode_all<P: IndexedPage>(
    terms: usize,
    pages: &[P],
    average: f32,
    pack: bool,
    keep: bool,
) -> (Vec<Option<Encoded>>, Vec<Postings>) {
    let sorted = pages.par_iter().all(|page| page.terms_sorted());
    let counts = term_counts(terms, pages);
    let total: usize = counts.iter().sum();
    let batches = runs(0..terms, &counts, total.div_ceil(BATCHES));
    // Sorted, each batch's terms are filled in parts side by side: each part's postings are a
    // slice of the buffer of their own.
    let parts = if sorted {
        rayon::current_num_threads() * PARTS_PER_THREAD
    } else {
        1
    };
    let plan: Vec<Vec<Range<usize>>> = batches
        .iter()
        .map(|batch| {
            let size: usize = counts[batch.clone()].iter().sum();
            runs(batch.clone(), &counts, size.div_ceil(parts))
        })
        .collect();
    let starts = if sorted {
        Starts::of(pages, plan.iter().flatten().map(|part| part.start))
    } else {
        Starts::default()
    };
    let mut encoded = Vec::with_capacity(terms);
    let mut kept = Vec::with_capacity(if keep { terms } else { 0 });
    let mut batch = Batch::default();
    let mut first_part = 0;
    for (range, parts) in batches.into_iter().zip(&plan) {
        let filling = Filling {
            counts: &counts,
            pages,
            average,
            sorted,
            starts: &starts,
        };
        batch.fill(range.clone(), parts, first_part, &filling);
        first_part += parts.len();
        let batch = &batch;
        encoded.par_extend(range.clone().into_par_iter().map(|t| {
            let postings = batch.of(t);
            (!postings.is_empty()).then(|| encode(postings, pages.len(), pack))
        }));
        if keep {
            kept.extend(range.map(|t| batch.of(t).to_vec()));
        }
    }
    (encoded, kept)
}

/// `range` cut into runs of consecutive terms of at most `most` postings each (`counts`: each
/// term's), a term with more being a run of its own.
fn runs(range: Range<usize>, counts: &[usize], most: usize) -> Vec<Range<usize>> {
    let most = most.max(1);
    let Range {
        start: mut from,
        end,
    } = range;
    let mut runs = Vec::new();
    while from < end {
        let mut to = from;
        let mut size = 0;
        while to < end && (to == from || size + counts[to] <= most) {
            size += counts[to];
            to += 1;
        }
        runs.push(from..to);
        from = to;
    }
    runs
}

/// How many pages each term id below `terms` is in, counted over a part of the pages per
/// thread: this pass and the batches' filling were the index's last work on one core, a
/// tenth of a second at the end of a build of 10,000 pages with much code.
fn term_counts<P: IndexedPage>(terms: usize, pages: &[P]) -> Vec<usize> {
    let part = pages.len().div_ceil(rayon::current_num_threads()).max(1);
    pages
        .par_chunks(part)
        .map(|part| {
            let mut counts = vec![0usize; terms];
            for page in part {
                for (term, _) in page.terms_at(0) {
                    if let Some(n) = counts.get_mut(term as usize) {
                        *n += 1;
                    }
                }
            }
            counts
        })
        .reduce_with(|mut sum, counts| {
            sum.iter_mut().zip(counts).for_each(|(n, more)| *n += more);
            sum
        })
        .unwrap_or_else(|| vec![0; terms])
}

/// Parts each batch's terms are filled in, per thread: each part scans every page again, so a
/// few, enough for the threads to even out.
const PARTS_PER_THREAD: usize = 2;

/// Where each part of every batch starts in each page's sorted terms: the index of the page's
/// first term not below the part's first term id.
///
/// Why: each part found it by a binary search in every page's terms, as it came to the page:
/// 320,000 searches for 10,000 pages, each in a list the cache had let go since the part
/// before (the pages' lists are 20 MB, apart), most of their steps a miss: 2 % of the CPU of
/// a build of 10,000 pages with much code. Made here a page at a time, each search narrowed
/// by the one before, the page's list is fetched once.
#[derive(Default)]
struct Starts {
    /// Parts (of every batch, in order).
    parts: usize,
    /// Page `p`'s start for part `k` is `at[p * parts + k]`.
    at: Vec<usize>,
}

impl Starts {
    /// The starts in `pages` (their terms sorted) of the parts whose first term ids are
    /// `firsts` (increasing); 0 in a page without a [`IndexedPage::terms_list`].
    fn of<P: IndexedPage>(pages: &[P], firsts: impl Iterator<Item = usize>) -> Starts {
        let firsts: Vec<usize> = firsts.collect();
        let parts = firsts.len();
        let mut at = vec![0; pages.len() * parts];
        if parts > 0 {
            at.par_chunks_mut(parts)
                .zip(pages)
                .for_each(|(starts, page)| {
                    let Some(terms) = page.terms_list() else {
                        return;
                    };
                    let mut from = 0;
                    for (start, &first) in starts.iter_mut().zip(&firsts) {
                        from += terms[from..].partition_point(|t| (t.0 as usize) < first);
                        *start = from;
                    }
                });
        }
        Starts { parts, at }
    }

    /// Where part `k` starts in page `p`'s terms (0 when not known: every term is read then).
    fn get(&self, p: usize, k: usize) -> usize {
        self.at.get(p * self.parts + k).copied().unwrap_or(0)
    }
}

/// What filling a batch reads.
struct Filling<'a, P> {
    /// Each term's number of pages.
    counts: &'a [usize],
    pages: &'a [P],
    average: f32,
    /// Every page's terms are sorted by id.
    sorted: bool,
    starts: &'a Starts,
}

/// The postings of a range of term ids, in one buffer reused from batch to batch.
#[derive(Default)]
struct Batch {
    first: usize,
    /// Term `first + i`'s postings are `list[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    list: Vec<(u32, f32)>,
}

impl Batch {
    /// The postings of the terms `range`, filled in `parts` (consecutive runs of it) side by
    /// side, the first being part `first_part` of the build's [`Starts`].
    fn fill<P: IndexedPage>(
        &mut self,
        range: Range<usize>,
        parts: &[Range<usize>],
        first_part: usize,
        filling: &Filling<'_, P>,
    ) {
        let counts = filling.counts;
        let Range { start: first, end } = range;
        self.first = first;
        self.starts.clear();
        self.starts.push(0);
        let mut at = 0;
        for &n in &counts[first..end] {
            at += n;
            self.starts.push(at);
        }
        self.list.clear();
        self.list.resize(at, (0, 0.0));
        let mut jobs = Vec::with_capacity(parts.len());
        let mut rest = self.list.as_mut_slice();
        for (k, terms) in parts.iter().enumerate() {
            let size = counts[terms.clone()].iter().sum();
            let (part, tail) = std::mem::take(&mut rest).split_at_mut(size);
            rest = tail;
            jobs.push((first_part + k, terms.clone(), part));
        }
        jobs.into_par_iter().for_each(|(k, terms, out)| {
            fill_part(k, terms, filling, out);
        });
    }

    /// The postings of term `t`, in page order.
    fn of(&self, t: usize) -> &[(u32, f32)] {
        let i = t - self.first;
        &self.list[self.starts[i]..self.starts[i + 1]]
    }
}

/// Fills `out` with the postings of the terms `range` (part `k` of the build's [`Starts`]),
/// each term's after the one before, in page order.
fn fill_part<P: IndexedPage>(
    k: usize,
    range: Range<usize>,
    filling: &Filling<'_, P>,
    out: &mut [(u32, f32)],
) {
    let Range { start: first, end } = range;
    let mut next = Vec::with_capacity(end - first);
    let mut at = 0;
    for &n in &filling.counts[first..end] {
        next.push(at);
        at += n;
    }
    for (p, page) in filling.pages.iter().enumerate() {
        let length = rounded(page.length());
        for (term, tf) in page.terms_at(filling.starts.get(p, k)) {
            let t = term as usize;
            if t >= end && filling.sorted {
                break;
            }
            if (first..end).contains(&t) {
                let at = &mut next[t - first];
                out[*at] = (page.id(), weight(tf, length, filling.average));
                *at += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::PageTerms;

    fn page(id: u32, terms: Vec<(u32, f32)>) -> PageTerms {
        PageTerms {
            id,
            terms,
            length: 1.0,
            ..PageTerms::default()
        }
    }

    /// Each term's pages, as kept.
    fn pages_of(pages: &[PageTerms], terms: usize) -> Vec<Vec<u32>> {
        let refs: Vec<&PageTerms> = pages.iter().collect();
        let (encoded, kept) = encode_all(terms, &refs, 1.0, false, true);
        assert_eq!(encoded.len(), terms);
        for (coded, list) in encoded.iter().zip(&kept) {
            assert_eq!(coded.is_some(), !list.is_empty());
        }
        kept.iter()
            .map(|list| list.iter().map(|p| p.0).collect())
            .collect()
    }

    #[test]
    fn each_term_gets_its_pages_in_order_and_ids_past_the_vocabulary_are_left_out() {
        let pages = [
            page(0, vec![(0, 1.0), (2, 1.0)]),
            page(1, vec![(2, 1.0), (9, 1.0)]),
            page(2, vec![(0, 1.0), (2, 1.0)]),
        ];
        let expected: Vec<Vec<u32>> = vec![vec![0, 2], vec![], vec![0, 1, 2]];
        assert_eq!(pages_of(&pages, 3), expected);
        // Unsorted term lists are inverted right too (no page is cut short).
        let unsorted = [
            page(0, vec![(2, 1.0), (0, 1.0)]),
            page(1, vec![(9, 1.0), (2, 1.0)]),
            page(2, vec![(2, 1.0), (0, 1.0)]),
        ];
        assert_eq!(pages_of(&unsorted, 3), expected);
    }

    #[test]
    fn each_part_starts_at_the_first_term_of_its_range_in_each_page() {
        let pages = [
            page(0, vec![(0, 1.0), (2, 1.0), (5, 1.0), (9, 1.0)]),
            page(1, vec![(3, 1.0)]),
            page(2, vec![]),
            page(3, vec![(6, 1.0), (7, 1.0)]),
        ];
        let firsts = [0, 3, 6, 10];
        let starts = Starts::of(&pages, firsts.into_iter());
        for (p, page) in pages.iter().enumerate() {
            for (k, &first) in firsts.iter().enumerate() {
                let expected = page.terms.partition_point(|t| (t.0 as usize) < first);
                assert_eq!(starts.get(p, k), expected, "page {p}, part {k}");
            }
        }
        // Unknown starts read every term.
        assert_eq!(Starts::default().get(0, 2), 0);
    }

    #[test]
    fn batches_cover_every_term_whatever_their_sizes() {
        // 40 terms over 50 pages, term t in the pages whose id it divides: term 0 in none,
        // term 1 in every page (a batch to itself), the others in fewer.
        let pages: Vec<PageTerms> = (0..50u32)
            .map(|id| {
                let terms = (1..40u32).filter(|t| id % t == 0).map(|t| (t, 1.0));
                page(id, terms.collect())
            })
            .collect();
        let found = pages_of(&pages, 40);
        for (t, ids) in found.iter().enumerate() {
            let expected: Vec<u32> = (0..50u32)
                .filter(|id| t > 0 && id % t as u32 == 0)
                .collect();
            assert_eq!(*ids, expected, "term {t}");
        }
    }
}
