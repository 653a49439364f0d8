//! A term's postings as written, and the patch that spares encoding a long list again when a
//! save changes a few of its scores.

use std::borrow::Cow;

use super::super::{HEAD_POSTINGS, best_first, encode_postings, idf, score, split_list};
use crate::markdown::Packed;

/// A term's postings as written: the head its shard carries, the tail when it has one.
/// 24 bytes for the common case of a short list (most terms of a site with much code have one
/// page): 88 when every field sat here.
pub(super) struct Encoded {
    pub(super) head: Box<str>,
    pub(super) tail: Option<Box<Tail>>,
}

/// The postings of a term past its head, and what [`patched`] needs to patch them.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(super) struct Tail {
    pub(super) text: TailText,
    /// The head's pages, in order.
    pub(super) head_pages: Vec<u32>,
    /// The head's worst posting.
    pub(super) cut: (u32, f32),
}

/// A tail's text: as it is in a build's index, LZ4-packed in an index kept for a session
/// (`serve`, `build --watch`), where it is read only when a save writes its shard again. The
/// tails are most of the encoded postings (10 of 12 MB on the usual 10,000-page corpus).
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(super) enum TailText {
    Plain(String),
    Packed(Packed),
}

impl TailText {
    fn new(text: String, pack: bool) -> TailText {
        if pack {
            TailText::Packed(Packed::pack(text.as_bytes()))
        } else {
            TailText::Plain(text)
        }
    }

    fn is_packed(&self) -> bool {
        matches!(self, TailText::Packed(_))
    }

    pub(super) fn text(&self) -> Cow<'_, str> {
        match self {
            TailText::Plain(text) => Cow::Borrowed(text),
            TailText::Packed(packed) => {
                Cow::Owned(String::from_utf8_lossy(&packed.unpack()).into_owned())
            }
        }
    }
}

impl Encoded {
    /// The tail's text, for a term that has one.
    pub(super) fn tail_text(&self) -> Option<Cow<'_, str>> {
        self.tail.as_deref().map(|t| t.text.text())
    }
}

/// `list` (a term's postings, in page order) encoded. Only a list with a tail is copied (to
/// pick its head). `pack`: the tail's text is packed (see [`TailText`]).
pub(super) fn encode(list: &[(u32, f32)], count: usize, pack: bool) -> Encoded {
    let df = list.len();
    if df <= HEAD_POSTINGS {
        return Encoded {
            head: encode_postings(list, df, count).into_boxed_str(),
            tail: None,
        };
    }
    let (head, tail, cut) = split_list(list.to_vec());
    let tail = cut.map(|cut| {
        Box::new(Tail {
            text: TailText::new(encode_postings(&tail, df, count), pack),
            head_pages: head.iter().map(|p| p.0).collect(),
            cut,
        })
    });
    Encoded {
        head: encode_postings(&head, df, count).into_boxed_str(),
        tail,
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
    let mut head = String::from(&*old.head);
    let mut tail = old.tail.as_ref().map(|t| t.text.text().into_owned());
    for &(page, before, after) in moved {
        let (before, after) = (before?, after?);
        let at = list.partition_point(|p| p.0 < page);
        let score = score(after, idf);
        match old.tail.as_deref() {
            None if list.len() <= HEAD_POSTINGS => replace_score(&mut head, at, score)?,
            Some(old_tail)
                if best_first(&(page, before), &old_tail.cut).is_gt()
                    && best_first(&(page, after), &old_tail.cut).is_gt() =>
            {
                let in_head = old_tail.head_pages.partition_point(|p| *p < page);
                replace_score(tail.as_mut()?, at - in_head, score)?
            }
            _ => return None,
        }
    }
    let tail = match (old.tail.as_deref(), tail) {
        (Some(old_tail), Some(text)) => Some(Box::new(Tail {
            text: TailText::new(text, old_tail.text.is_packed()),
            head_pages: old_tail.head_pages.clone(),
            cut: old_tail.cut,
        })),
        _ => None,
    };
    Some(Encoded {
        head: head.into_boxed_str(),
        tail,
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
