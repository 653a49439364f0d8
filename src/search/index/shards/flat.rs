//! Every term's postings in one array while the index is made: a build's site whose code has
//! 190,000 one-off words held as many `Vec`s (24 bytes each, and room for four postings where
//! one was used), beside the pages' own term lists.

use super::{PageTerms, rounded, weight};

/// The postings of a set of pages, by term id: a term's are `list[starts[t]..starts[t + 1]]`,
/// in page order.
pub(super) struct Flat {
    starts: Vec<usize>,
    list: Vec<(u32, f32)>,
}

impl Flat {
    /// Room for the postings of `pages` in a vocabulary of `terms` terms (a term id past it
    /// is left out), to be filled page by page with [`Flat::fill`], in the same order.
    pub(super) fn sized<'p>(terms: usize, pages: impl Iterator<Item = &'p PageTerms>) -> Flat {
        let mut starts = vec![0usize; terms + 1];
        for page in pages {
            for &(term, _) in &page.terms {
                if let Some(n) = starts.get_mut(term as usize + 1) {
                    *n += 1;
                }
            }
        }
        let mut total = 0;
        // Each term's start, shifted one place up: `fill` advances `starts[t + 1]` from term
        // t's start to its end, which is where term t + 1 starts.
        for start in starts.iter_mut() {
            let n = *start;
            *start = total;
            total += n;
        }
        Flat {
            starts,
            list: vec![(0, 0.0); total],
        }
    }

    /// Adds the postings of `page` (pages come in id order), weighed against `average`.
    pub(super) fn fill(&mut self, page: &PageTerms, average: f32) {
        let length = rounded(page.length);
        let terms = self.starts.len() - 1;
        for &(term, tf) in &page.terms {
            let t = term as usize;
            if t < terms {
                let at = &mut self.starts[t + 1];
                self.list[*at] = (page.id, weight(tf, length, average));
                *at += 1;
            }
        }
    }

    /// The postings of term `t` (once every page is filled).
    pub(super) fn term(&self, t: usize) -> &[(u32, f32)] {
        &self.list[self.starts[t]..self.starts[t + 1]]
    }

    /// How many terms it has room for.
    pub(super) fn terms(&self) -> usize {
        self.starts.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_term_gets_its_pages_in_order_and_ids_past_the_vocabulary_are_left_out() {
        let page = |id, terms: Vec<(u32, f32)>| PageTerms {
            id,
            terms,
            length: 1.0,
            ..PageTerms::default()
        };
        let pages = [
            page(0, vec![(0, 1.0), (2, 1.0)]),
            page(1, vec![(2, 1.0), (9, 1.0)]),
            page(2, vec![(0, 1.0), (2, 1.0)]),
        ];
        let mut flat = Flat::sized(3, pages.iter());
        for page in &pages {
            flat.fill(page, 1.0);
        }
        let ids = |t| flat.term(t).iter().map(|p| p.0).collect::<Vec<u32>>();
        assert_eq!(ids(0), [0, 2]);
        assert_eq!(ids(1), [] as [u32; 0]);
        assert_eq!(ids(2), [0, 1, 2]);
        assert_eq!(flat.terms(), 3);
    }
}
