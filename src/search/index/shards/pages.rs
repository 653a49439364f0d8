//! What an index is made from, one page at a time: a build's pages hold their term and form
//! lists as [`PageTerms`]; `carnet serve` and `carnet build --watch` keep them packed
//! ([`crate::search::PackedTerms`], about a third of the size) for as long as they run, and
//! the index reads them through this trait without unpacking every page at once.

use super::PageTerms;

/// A page as the index reads it.
pub trait IndexedPage: Sync {
    /// Its search id.
    fn id(&self) -> u32;
    /// Its weighted number of words.
    fn length(&self) -> f32;
    /// The hash of its page file.
    fn file_hash(&self) -> [u8; 32];
    /// Whether its terms are sorted by id (then [`IndexedPage::terms_from`] may skip).
    fn terms_sorted(&self) -> bool;
    /// Its (term id, frequency), in its order. With sorted terms, those below `first` may be
    /// skipped (a hint: a packed list starts at its first term all the same, and the caller
    /// leaves out what it does not want); callers pass 0 for unsorted terms.
    fn terms_from(&self, first: u32) -> impl Iterator<Item = (u32, f32)> + '_;
    /// Its forms.
    fn forms(&self) -> impl Iterator<Item = u32> + '_;
}

impl IndexedPage for PageTerms {
    fn id(&self) -> u32 {
        self.id
    }

    fn length(&self) -> f32 {
        self.length
    }

    fn file_hash(&self) -> [u8; 32] {
        self.file_hash
    }

    fn terms_sorted(&self) -> bool {
        self.terms.is_sorted_by_key(|t| t.0)
    }

    fn terms_from(&self, first: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let from = if first == 0 {
            0
        } else {
            self.terms.partition_point(|t| t.0 < first)
        };
        self.terms[from..].iter().copied()
    }

    fn forms(&self) -> impl Iterator<Item = u32> + '_ {
        self.forms.iter().copied()
    }
}

impl<P: IndexedPage> IndexedPage for &P {
    fn id(&self) -> u32 {
        (**self).id()
    }

    fn length(&self) -> f32 {
        (**self).length()
    }

    fn file_hash(&self) -> [u8; 32] {
        (**self).file_hash()
    }

    fn terms_sorted(&self) -> bool {
        (**self).terms_sorted()
    }

    fn terms_from(&self, first: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        (**self).terms_from(first)
    }

    fn forms(&self) -> impl Iterator<Item = u32> + '_ {
        (**self).forms()
    }
}
