//! The single-byte code pages that turn UTF-8 into mojibake, and the way back from their
//! characters to bytes.
//!
//! Decoding goes through the tables in `tables.rs`. Encoding (character → byte) is what repair
//! needs, for every page at once: [`images`] answers, for one character, which byte it stands for
//! in each page, so a scan looks a character up once and not nine times. The pages are "sloppy"
//! like browsers' decoders: a byte a page leaves undefined (a hole) may survive as the C1
//! control of the same value, and that control encodes back to the byte.

use std::sync::LazyLock;

use super::tables;

/// How many code pages repair knows; [`CodePage::index`] is below this.
pub const PAGE_COUNT: usize = 9;

/// Index of Latin-1 in [`CODE_PAGES`].
pub const LATIN1: usize = 2;

/// A single-byte code page that UTF-8 text is commonly misread with.
#[derive(Debug)]
pub struct CodePage {
    /// The name people know it by, as reports show it ("Windows-1254").
    pub name: &'static str,
    /// Position in [`CODE_PAGES`], also the bit of the page in masks.
    pub index: usize,
    table: &'static [char; 128],
    /// The bytes `table` leaves undefined, listed once so scans need not search for them.
    holes: &'static [u8],
}

/// Every code page repair considers, in the order that breaks ties between them: the most
/// common misreadings first (Windows-1252 and Latin-1 explain most Western damage).
pub static CODE_PAGES: [CodePage; PAGE_COUNT] = [
    CodePage {
        name: "Windows-1252",
        index: 0,
        table: &tables::CP1252,
        holes: &[0x81, 0x8D, 0x8F, 0x90, 0x9D],
    },
    CodePage {
        name: "Windows-1254",
        index: 1,
        table: &tables::CP1254,
        holes: &[0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E],
    },
    CodePage {
        name: "Latin-1",
        index: 2,
        table: &tables::LATIN1,
        holes: &[],
    },
    CodePage {
        name: "Windows-1250",
        index: 3,
        table: &tables::CP1250,
        holes: &[0x81, 0x83, 0x88, 0x90, 0x98],
    },
    CodePage {
        name: "Windows-1251",
        index: 4,
        table: &tables::CP1251,
        holes: &[0x98],
    },
    CodePage {
        name: "Windows-1257",
        index: 5,
        table: &tables::CP1257,
        holes: &[
            0x81, 0x83, 0x88, 0x8A, 0x8C, 0x90, 0x98, 0x9A, 0x9C, 0x9F, 0xA1, 0xA5,
        ],
    },
    CodePage {
        name: "ISO-8859-2",
        index: 6,
        table: &tables::ISO_8859_2,
        holes: &[],
    },
    CodePage {
        name: "Mac Roman",
        index: 7,
        table: &tables::MAC_ROMAN,
        holes: &[],
    },
    CodePage {
        name: "CP437",
        index: 8,
        table: &tables::CP437,
        holes: &[],
    },
];

impl CodePage {
    /// The character byte `b` (≥ 0x80) reads as, or `None` for a hole.
    pub fn decode_byte(&self, b: u8) -> Option<char> {
        if b < 0x80 {
            return Some(char::from(b));
        }
        let c = self.table[usize::from(b - 0x80)];
        (c != '\0').then_some(c)
    }

    /// The bytes this page leaves undefined: what gets lost when text passes through it.
    pub fn holes(&self) -> impl Iterator<Item = u8> + '_ {
        self.holes.iter().copied()
    }

    /// How many holes this page has.
    pub(super) fn hole_count(&self) -> usize {
        self.holes.len()
    }

    pub fn has_holes(&self) -> bool {
        !self.holes.is_empty()
    }

    /// Whether byte 0xA0 reads as a no-break space here (it can then be lost as a plain space).
    pub fn a0_is_nbsp(&self) -> bool {
        self.table[0x20] == '\u{A0}'
    }

    /// The byte `c` stands for in this page (ASCII stands for itself).
    pub fn encode_char(&self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return u8::try_from(u32::from(c)).ok();
        }
        images(c)
            .map(|image| image.bytes[self.index])
            .filter(|b| *b != 0)
    }

    /// What `bytes` look like when read with this page; a hole reads as the C1 control of its
    /// value (what a sloppy decoder does, and what `encode_char` takes back).
    pub fn decode_sloppy(&self, bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|b| self.decode_byte(*b).unwrap_or(char::from(*b)))
            .collect()
    }
}

/// For one character: the byte it stands for in each page (0 where it stands for none), and
/// which pages see it as a UTF-8 lead byte or a continuation byte.
#[derive(Clone, Copy, Debug, Default)]
pub struct Image {
    pub bytes: [u8; PAGE_COUNT],
    /// Bit `i` set: in page `i` this character is a lead byte (0xC2–0xF4).
    pub lead: u16,
    /// Bit `i` set: in page `i` this character is a continuation byte (0x80–0xBF).
    pub cont: u16,
    /// Bit `i` set: in page `i` this character is the image of some byte.
    pub pages: u16,
    /// For each page, the pages (bit `i` for page `i`) where this character stands for the same
    /// byte (or, like there, for none): worked out once, so that scans can tell which pages read
    /// a window alike with one look-up per character.
    pub same: [u16; PAGE_COUNT],
}

/// Characters below this are looked up in a flat table; the rest by binary search, but for the
/// punctuation, symbols and box drawing of U+2000–U+25FF, which have a flat table of their own.
const FLAT_END: u32 = 0x500;
const FLAT_LEN: usize = (FLAT_END - 0x80) as usize;
const SYMBOLS: std::ops::Range<u32> = 0x2000..0x2600;

struct ImageIndex {
    /// One entry per character from U+0080 to `FLAT_END`, held in the index itself: the most
    /// frequent look-up reads it without going through a pointer or checking a length.
    flat: [Image; FLAT_LEN],
    /// One entry per character of `SYMBOLS`.
    symbols: Vec<Image>,
    /// Sorted by character.
    sparse: Vec<(char, Image)>,
    /// The widest stretch of code points between two sparse entries (CJK, Hangul… fall in it)
    /// and the last entry: characters there are answered without a search.
    gap: (u32, u32),
    last: u32,
}

static INDEX: LazyLock<ImageIndex> = LazyLock::new(build_index);

fn build_index() -> ImageIndex {
    let mut flat = [Image::default(); FLAT_LEN];
    let mut sparse: Vec<(char, Image)> = Vec::new();
    for page in &CODE_PAGES {
        for b in 0x80u8..=0xFF {
            // A hole is reachable through its C1 control (sloppy decoding).
            let c = page.decode_byte(b).unwrap_or(char::from(b));
            let image = if (c as u32) < FLAT_END {
                &mut flat[(c as u32 - 0x80) as usize]
            } else {
                match sparse.binary_search_by_key(&c, |(k, _)| *k) {
                    Ok(i) => &mut sparse[i].1,
                    Err(i) => {
                        sparse.insert(i, (c, Image::default()));
                        &mut sparse[i].1
                    }
                }
            };
            image.bytes[page.index] = b;
            image.pages |= 1 << page.index;
            if (0xC2..=0xF4).contains(&b) {
                image.lead |= 1 << page.index;
            } else if b <= 0xBF {
                image.cont |= 1 << page.index;
            }
        }
    }
    for image in flat
        .iter_mut()
        .chain(sparse.iter_mut().map(|(_, image)| image))
    {
        image.same = same_bytes(&image.bytes);
    }
    let gap = sparse
        .windows(2)
        .map(|pair| (pair[0].0 as u32, pair[1].0 as u32))
        .max_by_key(|(a, b)| b - a)
        .unwrap_or((0, 0));
    let last = sparse.last().map_or(0, |(c, _)| *c as u32);
    let mut symbols = vec![Image::default(); SYMBOLS.len()];
    for (c, image) in &sparse {
        if SYMBOLS.contains(&(*c as u32)) {
            symbols[(*c as u32 - SYMBOLS.start) as usize] = *image;
        }
    }
    ImageIndex {
        flat,
        symbols,
        sparse,
        gap,
        last,
    }
}

/// For each page, the pages whose byte in `bytes` is the same as its own.
fn same_bytes(bytes: &[u8; PAGE_COUNT]) -> [u16; PAGE_COUNT] {
    bytes.map(|mine| {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == mine)
            .fold(0, |mask, (page, _)| mask | (1 << page))
    })
}

/// The bytes `c` stands for in every page, or `None` when it is the image of no byte ≥ 0x80 in
/// any page (most characters: ASCII, CJK, emoji…).
#[inline]
pub fn images(c: char) -> Option<&'static Image> {
    let code = c as u32;
    if code < 0x80 {
        return None;
    }
    let index = &*INDEX;
    if code < FLAT_END {
        let image = &index.flat[(code - 0x80) as usize];
        (image.pages != 0).then_some(image)
    } else if code > index.last || (code > index.gap.0 && code < index.gap.1) {
        None
    } else if SYMBOLS.contains(&code) {
        let image = &index.symbols[(code - SYMBOLS.start) as usize];
        (image.pages != 0).then_some(image)
    } else {
        index
            .sparse
            .binary_search_by_key(&c, |(k, _)| *k)
            .ok()
            .map(|i| &index.sparse[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips_through_every_page() {
        for page in &CODE_PAGES {
            for b in 0x80u8..=0xFF {
                let c = page.decode_byte(b).unwrap_or(char::from(b));
                assert_eq!(page.encode_char(c), Some(b), "{} {b:#x}", page.name);
            }
        }
    }

    #[test]
    fn listed_holes_are_the_table_holes() {
        for page in &CODE_PAGES {
            let from_table: Vec<u8> = (0x80u8..=0xFF)
                .filter(|b| page.decode_byte(*b).is_none())
                .collect();
            assert_eq!(page.holes, from_table.as_slice(), "{}", page.name);
        }
    }

    #[test]
    fn holes_are_the_documented_ones() {
        let holes: Vec<u8> = CODE_PAGES[1].holes().collect();
        assert_eq!(holes, [0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E]);
        let holes: Vec<u8> = CODE_PAGES[0].holes().collect();
        assert_eq!(holes, [0x81, 0x8D, 0x8F, 0x90, 0x9D]);
        assert!(!CODE_PAGES[2].has_holes());
    }

    #[test]
    fn turkish_letters_are_lead_bytes_only_in_1254() {
        let image = images('ğ').expect("ğ is an image");
        assert_eq!(image.bytes[1], 0xF0);
        assert_eq!(image.bytes[0], 0);
    }
}
