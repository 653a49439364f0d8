//! A term's postings as written, and the patch that spares encoding a long list again when a
//! save changes a few of its scores.

use super::super::{HEAD_POSTINGS, best_first, encode_postings, idf, score, split_list};

/// A term's postings as written: the head its shard carries, the tail when it has one.
pub(super) struct Encoded {
    pub(super) head: String,
    pub(super) tail: Option<String>,
    /// With a tail: the head's pages, in order, and its worst posting (see [`patched`]).
    pub(super) head_pages: Vec<u32>,
    pub(super) cut: Option<(u32, f32)>,
}

/// `list` (a term's postings, in page order) encoded. Only a list with a tail is copied (to
/// pick its head).
pub(super) fn encode(list: &[(u32, f32)], count: usize) -> Encoded {
    let df = list.len();
    if df <= HEAD_POSTINGS {
        return Encoded {
            head: encode_postings(list, df, count),
            tail: None,
            head_pages: Vec::new(),
            cut: None,
        };
    }
    let (head, tail, cut) = split_list(list.to_vec());
    let head_pages = if cut.is_some() {
        head.iter().map(|p| p.0).collect()
    } else {
        Vec::new()
    };
    Encoded {
        head: encode_postings(&head, df, count),
        tail: cut.map(|_| encode_postings(&tail, df, count)),
        head_pages,
        cut,
    }
}

/// A posting a save changed: its page, its weight before and after (`None`: not there).
pub(super) type Moved = (u32, Option<f32>, Option<f32>);

/// The encoding of a term whose postings `list` differ from those `old` was made from only by
/// the scores of `moved` pages that stay in the list and in the same part of it (head, or
/// tail: below the head's worst posting before and after): the other scores (same weight,
/// same df) and the page deltas are as they were, so the old text is patched where those
/// scores are. `None` when that does not hold (the term is encoded again).
pub(super) fn patched(
    old: &Encoded,
    list: &[(u32, f32)],
    moved: &[Moved],
    count: usize,
) -> Option<Encoded> {
    let idf = idf(list.len(), count);
    let mut head = old.head.clone();
    let mut tail = old.tail.clone();
    for &(page, before, after) in moved {
        let (before, after) = (before?, after?);
        let at = list.partition_point(|p| p.0 < page);
        let score = score(after, idf);
        match old.cut {
            None if list.len() <= HEAD_POSTINGS => replace_score(&mut head, at, score)?,
            Some(cut)
                if best_first(&(page, before), &cut).is_gt()
                    && best_first(&(page, after), &cut).is_gt() =>
            {
                let in_head = old.head_pages.partition_point(|p| *p < page);
                replace_score(tail.as_mut()?, at - in_head, score)?
            }
            _ => return None,
        }
    }
    Some(Encoded {
        head,
        tail,
        head_pages: old.head_pages.clone(),
        cut: old.cut,
    })
}

/// Replaces the score of the `index`th posting of an encoded list (`delta,score,…`).
fn replace_score(text: &mut String, index: usize, score: u32) -> Option<()> {
    // Field 2i+1 (the score) follows the (2i+1)th comma.
    let start = memchr::memchr_iter(b',', text.as_bytes()).nth(2 * index)? + 1;
    let end = memchr::memchr(b',', &text.as_bytes()[start..]).map_or(text.len(), |n| start + n);
    text.replace_range(start..end, itoa::Buffer::new().format(score));
    Some(())
}
