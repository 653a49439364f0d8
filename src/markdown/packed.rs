//! Text that waits in memory between loading and writing, kept LZ4-compressed.
//!
//! A build loads every page before it writes any (links need every page's anchors), so each
//! page's fragment HTML, Markdown and search text wait in memory for the whole load: about
//! 160 MB on a 10,000-page site, most of the build's peak. They are read once, when their page
//! is written (or, in `carnet serve`, when it is asked for), so they wait compressed: HTML with
//! highlighted code shrinks five- to tenfold, prose about twofold, and LZ4 unpacks at several
//! GB/s, a fraction of what writing the page costs.

use std::cell::RefCell;

use lz4_flex::block;

use super::plain_text::Section;

/// Bytes kept LZ4-compressed, with their length.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Packed {
    /// Exactly as long as the compressed bytes: a buffer shrunk in place keeps its capacity
    /// with mimalloc, whose `realloc` keeps a block that shrinks by less than half.
    bytes: Box<[u8]>,
    len: usize,
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Packed({} bytes in {})", self.len, self.bytes.len())
    }
}

thread_local! {
    /// Where each thread compresses, reused: the compressed bytes are then copied at their
    /// exact size, so no page allocates LZ4's worst-case buffer of its own.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Packed {
    pub fn pack(bytes: &[u8]) -> Packed {
        if bytes.is_empty() {
            return Packed::default();
        }
        SCRATCH.with_borrow_mut(|scratch| {
            scratch.resize(block::get_maximum_output_size(bytes.len()), 0);
            let written = block::compress_into(bytes, scratch)
                .expect("the scratch buffer has LZ4's worst-case size for this input");
            let packed = Packed {
                bytes: Box::from(&scratch[..written]),
                len: bytes.len(),
            };
            // A page of a hundred megabytes does not keep its buffer for the rest of the build.
            if scratch.capacity() > 1 << 20 {
                *scratch = Vec::new();
            }
            packed
        })
    }

    pub fn pack_str(text: &str) -> Packed {
        Packed::pack(text.as_bytes())
    }

    /// The length of the bytes before packing.
    pub fn len(&self) -> usize {
        self.len
    }

    /// What the compressed bytes take in memory.
    pub fn packed_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn unpack(&self) -> Vec<u8> {
        // Nothing was compressed: LZ4 has no block for no bytes.
        if self.len == 0 {
            return Vec::new();
        }
        let out = block::decompress(&self.bytes, self.len)
            .expect("bytes packed by Packed::pack and never changed since");
        debug_assert_eq!(out.len(), self.len);
        out
    }

    /// The text packed by [`Packed::pack_str`].
    pub fn unpack_str(&self) -> String {
        String::from_utf8(self.unpack()).expect("packed from a str")
    }
}

/// Sections packed together: each alone is too short for LZ4 to find much to share.
pub fn pack_sections(sections: &[Section]) -> Packed {
    let size: usize = sections
        .iter()
        .map(|s| 12 + s.anchor.len() + s.heading.len() + s.text.len())
        .sum();
    let mut bytes = Vec::with_capacity(size);
    for section in sections {
        for part in [&section.anchor, &section.heading, &section.text] {
            bytes.extend_from_slice(&(part.len() as u32).to_le_bytes());
            bytes.extend_from_slice(part.as_bytes());
        }
    }
    Packed::pack(&bytes)
}

/// The sections [`pack_sections`] packed.
pub fn unpack_sections(packed: &Packed) -> Vec<Section> {
    let bytes = packed.unpack();
    let mut rest = bytes.as_slice();
    let mut sections = Vec::new();
    while !rest.is_empty() {
        sections.push(Section {
            anchor: next_part(&mut rest),
            heading: next_part(&mut rest),
            text: next_part(&mut rest),
        });
    }
    sections
}

/// The string at the start of `rest` (its length, then its bytes), `rest` moved past it.
fn next_part(rest: &mut &[u8]) -> String {
    let (len, tail) = rest.split_at(4);
    let len = u32::from_le_bytes(len.try_into().expect("four bytes")) as usize;
    let (text, tail) = tail.split_at(len);
    *rest = tail;
    String::from_utf8(text.to_vec()).expect("packed from a str")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_comes_back_as_it_was() {
        for text in [
            "",
            "a",
            "<p>été</p>\n",
            "hello hello hello hello hello",
            &"<span class=\"k\">fn</span> ".repeat(500),
        ] {
            let packed = Packed::pack_str(text);
            assert_eq!(packed.unpack_str(), text);
            assert_eq!(packed.len(), text.len());
        }
    }

    #[test]
    fn repetitive_html_takes_less_room() {
        let html = "<span class=\"k\">fn</span> <span class=\"n\">main</span>()\n".repeat(200);
        assert!(Packed::pack_str(&html).packed_len() * 5 < html.len());
    }

    #[test]
    fn sections_come_back_as_they_were() {
        let sections = vec![
            Section::default(),
            Section {
                anchor: "intro".into(),
                heading: "Intro — été".into(),
                text: "Some text. ".repeat(100),
            },
            Section {
                anchor: String::new(),
                heading: String::new(),
                text: "end".into(),
            },
        ];
        assert_eq!(unpack_sections(&pack_sections(&sections)), sections);
        assert!(unpack_sections(&pack_sections(&[])).is_empty());
    }
}
