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
    /// Whether its terms are sorted by id.
    fn terms_sorted(&self) -> bool;
    /// Its terms as a list, when it holds them as one (a packed list cannot be searched).
    fn terms_list(&self) -> Option<&[(u32, f32)]>;
    /// Its (term id, frequency), in its order, from its `at`th term on where it has a
    /// [`IndexedPage::terms_list`] (a hint: a packed list starts at its first term all the
    /// same, and the caller leaves out what it does not want).
    fn terms_at(&self, at: usize) -> impl Iterator<Item = (u32, f32)> + '_;
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

    fn terms_list(&self) -> Option<&[(u32, f32)]> {
        Some(&self.terms)
    }

    fn terms_at(&self, at: usize) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.terms[at.min(self.terms.len())..].iter().copied()
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

    fn terms_list(&self) -> Option<&[(u32, f32)]> {
        (**self).terms_list()
    }

    fn terms_at(&self, at: usize) -> impl Iterator<Item = (u32, f32)> + '_ {
        (**self).terms_at(at)
    }

    fn forms(&self) -> impl Iterator<Item = u32> + '_ {
        (**self).forms()
    }
}
