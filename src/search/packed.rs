//! A page's term and form lists as `carnet serve` and `carnet build --watch` keep them
//! between saves: each number as a LEB128 varint of its difference from the one before
//! (zigzag, so an unsorted list still packs right), a frequency as a varint when it is a whole
//! number (field weights are), its bits otherwise.
//!
//! Why: the lists are read only when the index is made or a save changes pages, and unpacked
//! they took 28 MB on a 10,000-page site (8 bytes a term, 4 a form); packed, about 2 bytes a
//! term and 1.5 a form. Hand-written rather than a crate: the varint is ten lines, and the
//! crates for it write one number at a time into a buffer as this does.

use super::PageTerms;
use super::index::IndexedPage;

/// One page's terms, packed; its id, length and page-file hash as they are.
pub struct PackedTerms {
    pub id: u32,
    pub length: f32,
    pub file_hash: [u8; 32],
    terms: Box<[u8]>,
    forms: Box<[u8]>,
}

impl PackedTerms {
    pub fn pack(page: &PageTerms) -> PackedTerms {
        let mut terms = Vec::with_capacity(page.terms.len() * 3);
        let mut previous = 0;
        for &(term, tf) in &page.terms {
            put(&mut terms, zigzag(i64::from(term) - i64::from(previous)));
            put(&mut terms, frequency_code(tf));
            previous = term;
        }
        let mut forms = Vec::with_capacity(page.forms.len() * 2);
        let mut previous = 0;
        for &form in &page.forms {
            put(&mut forms, zigzag(i64::from(form) - i64::from(previous)));
            previous = form;
        }
        PackedTerms {
            id: page.id,
            length: page.length,
            file_hash: page.file_hash,
            terms: terms.into_boxed_slice(),
            forms: forms.into_boxed_slice(),
        }
    }

    /// The page's lists as they were packed.
    pub fn unpack(&self) -> PageTerms {
        PageTerms {
            id: self.id,
            terms: self.terms().collect(),
            length: self.length,
            file_hash: self.file_hash,
            forms: self.forms().collect(),
        }
    }

    fn terms(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        let mut bytes = Varints(&self.terms);
        let mut previous = 0i64;
        std::iter::from_fn(move || {
            let term = previous + unzigzag(bytes.next()?);
            let tf = frequency(bytes.next()?);
            previous = term;
            Some((term as u32, tf))
        })
    }
}

impl IndexedPage for PackedTerms {
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
        let mut terms = self.terms();
        let mut previous = None;
        terms.all(|(term, _)| {
            let sorted = previous.is_none_or(|p| p <= term);
            previous = Some(term);
            sorted
        })
    }

    /// Every term from the first: a varint list cannot be searched, and skipping costs what
    /// reading does.
    fn terms_list(&self) -> Option<&[(u32, f32)]> {
        None
    }

    fn terms_at(&self, at: usize) -> impl Iterator<Item = (u32, f32)> + '_ {
        let _ = at;
        self.terms()
    }

    fn forms(&self) -> impl Iterator<Item = u32> + '_ {
        let mut bytes = Varints(&self.forms);
        let mut previous = 0i64;
        std::iter::from_fn(move || {
            previous += unzigzag(bytes.next()?);
            Some(previous as u32)
        })
    }
}

/// A frequency's code: a whole number below 2^24 as itself (shifted, low bit 0), any other as
/// its bits (low bit 1).
fn frequency_code(tf: f32) -> u64 {
    if (0.0..16_777_216.0).contains(&tf) && tf.fract() == 0.0 && tf.is_sign_positive() {
        (tf as u64) << 1
    } else {
        (u64::from(tf.to_bits()) << 1) | 1
    }
}

fn frequency(code: u64) -> f32 {
    if code & 1 == 0 {
        (code >> 1) as f32
    } else {
        f32::from_bits((code >> 1) as u32)
    }
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

/// Appends `n` as a LEB128 varint: seven bits a byte, low first, the high bit set on all but
/// the last.
fn put(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The varints of a packed list, in order.
struct Varints<'a>(&'a [u8]);

impl Iterator for Varints<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(n);
            }
            shift += 7;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_back_as_they_were_packed() {
        let page = PageTerms {
            id: 7,
            // Sorted and not, whole frequencies and not, the extremes of an id.
            terms: vec![
                (0, 1.0),
                (5, 8.0),
                (300, 2.5),
                (u32::MAX, 16_777_216.0),
                (2, 0.0),
                (70_000, f32::MIN_POSITIVE),
                (1, -3.0),
            ],
            length: 12.5,
            file_hash: [9; 32],
            forms: vec![3, 4, 1_000_000, 0, u32::MAX],
        };
        let packed = PackedTerms::pack(&page);
        let back = packed.unpack();
        assert_eq!(back.id, page.id);
        assert_eq!(back.length, page.length);
        assert_eq!(back.file_hash, page.file_hash);
        assert_eq!(back.forms, page.forms);
        let bits = |terms: &[(u32, f32)]| -> Vec<(u32, u32)> {
            terms.iter().map(|(t, f)| (*t, f.to_bits())).collect()
        };
        assert_eq!(bits(&back.terms), bits(&page.terms));
        assert!(!packed.terms_sorted());
        assert!(PackedTerms::pack(&PageTerms::default()).terms_sorted());
    }

    #[test]
    fn a_usual_page_packs_in_a_third_of_its_size() {
        let page = PageTerms {
            terms: (0..300)
                .map(|i| (i * 37, f32::from(1 + i as u16 % 9)))
                .collect(),
            forms: (0..300).map(|i| i * 41).collect(),
            ..PageTerms::default()
        };
        let packed = PackedTerms::pack(&page);
        let unpacked = page.terms.len() * 8 + page.forms.len() * 4;
        assert!((packed.terms.len() + packed.forms.len()) * 3 <= unpacked);
    }
}
