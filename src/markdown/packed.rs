//! Text that waits in memory between loading and writing, kept LZ4-compressed.
//!
//! A build loads every page before it writes any (links need every page's anchors), so each
//! page's fragment HTML, Markdown and search text wait in memory for the whole load: 168 MB on
//! the 10,000-page benchmark site, most of the build's peak. They are read once, when their
//! page is written (or, in `carnet serve`, when it is asked for), so they wait compressed, the
//! three of a page in one block: 50 MB, for about 4 % more CPU time than the build without.

use std::cell::RefCell;

use lz4_flex::block;

use super::plain_text::Section;

/// Bytes kept LZ4-compressed, with their length. Serialized as they are, so the build cache
/// gives a page back packed: a warm build neither decodes its texts nor compresses them again.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Packed {
    /// Exactly as long as the compressed bytes: a buffer shrunk in place keeps its capacity
    /// with mimalloc, whose `realloc` keeps a block that shrinks by less than half.
    #[serde(with = "serde_bytes")]
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

    /// The length of the bytes before packing.
    pub fn len(&self) -> usize {
        self.len
    }

    /// What the compressed bytes take in memory.
    pub fn packed_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn unpack(&self) -> Vec<u8> {
        self.with_unpacked(<[u8]>::to_vec)
            .expect("bytes packed by Packed::pack and never changed since")
    }

    /// `read` over the bytes unpacked into the thread's buffer, or `None` when these are not
    /// LZ4 that decodes to the stated length (only bytes read from the build cache can be).
    /// The buffer is reused: a fresh one per page cost its zeroing and a page fault per 4 KB
    /// on every page a build unpacks. `read` must not unpack (the buffer is in use).
    fn with_unpacked<T>(&self, read: impl FnOnce(&[u8]) -> T) -> Option<T> {
        // Nothing was compressed: LZ4 has no block for no bytes.
        if self.len == 0 {
            return self.bytes.is_empty().then(|| read(&[]));
        }
        UNPACKED.with_borrow_mut(|buffer| {
            if buffer.len() < self.len {
                buffer.resize(self.len, 0);
            }
            let unpacked = block::decompress_into(&self.bytes, &mut buffer[..self.len]);
            let result = unpacked
                .ok()
                .filter(|&n| n == self.len)
                .map(|n| read(&buffer[..n]));
            // A page of a hundred megabytes does not keep its buffer for the rest of the build.
            if buffer.len() > 1 << 22 {
                *buffer = Vec::new();
            }
            result
        })
    }
}

thread_local! {
    /// Where each thread unpacks, reused (see [`Packed::with_unpacked`]).
    static UNPACKED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A page's HTML, Markdown text and sections, packed together in one block: the same prose is
/// in all three, which LZ4 finds again within its 64 KB window (about 3.4× smaller together,
/// against 1.8× each alone; see docs/performance.md).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct PackedParts {
    packed: Packed,
    html_len: usize,
    markdown_len: Option<usize>,
}

/// What [`PackedParts::unpack`] gives back.
#[derive(Default)]
pub struct Parts {
    pub html: String,
    pub markdown: Option<String>,
    pub sections: Vec<Section>,
}

impl PackedParts {
    pub fn pack(html: &str, markdown: Option<&str>, sections: &[Section]) -> PackedParts {
        let sections_len: usize = sections
            .iter()
            .map(|s| 12 + s.anchor.len() + s.heading.len() + s.text.len())
            .sum();
        let markdown_len = markdown.map(str::len);
        let mut bytes = Vec::with_capacity(html.len() + markdown_len.unwrap_or(0) + sections_len);
        bytes.extend_from_slice(html.as_bytes());
        bytes.extend_from_slice(markdown.unwrap_or_default().as_bytes());
        for section in sections {
            for part in [&section.anchor, &section.heading, &section.text] {
                bytes.extend_from_slice(&(part.len() as u32).to_le_bytes());
                bytes.extend_from_slice(part.as_bytes());
            }
        }
        PackedParts {
            packed: Packed::pack(&bytes),
            html_len: html.len(),
            markdown_len,
        }
    }

    /// The parts, or nothing (see [`PackedParts::try_unpack`]) when they do not unpack.
    pub fn unpack(&self) -> Parts {
        self.try_unpack().unwrap_or_default()
    }

    /// The parts, when they unpack: LZ4 that decodes to the stated length, split into parts
    /// that are each UTF-8. Parts this process packed always do. Parts read from the build
    /// cache are not checked when they are read (that unpacked every cached page twice in a
    /// warm build, 5 % of its CPU time): an entry whose checksum held was written whole, so
    /// only a hand-made one (its checksum made to hold) can fail here, and a hand-made entry
    /// could as well hold parts that unpack to any text. A build's page loop unpacks each page
    /// with this ([`super::Fragment::unpack`]); for one that does not, that attempt stops and
    /// the build starts over without reading the cache (`build::build`); elsewhere such parts
    /// read as empty, never a panic.
    pub fn try_unpack(&self) -> Option<Parts> {
        self.packed
            .with_unpacked(|bytes| {
                let split = self.split(bytes)?;
                Some(Parts {
                    html: split.html.to_owned(),
                    markdown: split.markdown.map(str::to_owned),
                    sections: split
                        .sections
                        .into_iter()
                        .map(|[anchor, heading, text]| Section {
                            anchor: anchor.to_owned(),
                            heading: heading.to_owned(),
                            text: text.to_owned(),
                        })
                        .collect(),
                })
            })
            .flatten()
    }

    /// The unpacked `bytes` cut into their parts, each checked as UTF-8 (SIMD: the standard
    /// check was a tenth of a warm build); `None` when they do not cut as the lengths say.
    fn split<'a>(&self, bytes: &'a [u8]) -> Option<Split<'a>> {
        let (html, rest) = bytes.split_at_checked(self.html_len)?;
        let (markdown, mut rest) = rest.split_at_checked(self.markdown_len.unwrap_or(0))?;
        let mut sections = Vec::new();
        while !rest.is_empty() {
            sections.push([
                next_part(&mut rest)?,
                next_part(&mut rest)?,
                next_part(&mut rest)?,
            ]);
        }
        Some(Split {
            html: text(html)?,
            markdown: match self.markdown_len {
                Some(_) => Some(text(markdown)?),
                None => None,
            },
            sections,
        })
    }

    /// The length of the Markdown's text.
    pub fn markdown_len(&self) -> Option<usize> {
        self.markdown_len
    }

    /// Feeds what the parts are into `hasher` without unpacking them: the lengths they split
    /// into and the compressed bytes (which unpack to one text only), for the build cache's
    /// keys.
    pub fn hash_into(&self, hasher: &mut blake3::Hasher) {
        hasher.update(&(self.html_len as u64).to_le_bytes());
        hasher.update(
            &self
                .markdown_len
                .map_or(u64::MAX, |n| n as u64)
                .to_le_bytes(),
        );
        hasher.update(&(self.packed.len as u64).to_le_bytes());
        hasher.update(&self.packed.bytes);
    }

    /// What the packed bytes take in memory, and what they held: for measuring.
    pub fn sizes(&self) -> (usize, usize) {
        (self.packed.packed_len(), self.packed.len())
    }
}

fn text(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// The text at the start of `rest` (its length, then its bytes), `rest` moved past it.
fn next_part<'a>(rest: &mut &'a [u8]) -> Option<&'a str> {
    let (len, tail) = rest.split_first_chunk::<4>()?;
    let (part, tail) = tail.split_at_checked(u32::from_le_bytes(*len) as usize)?;
    *rest = tail;
    text(part)
}

/// The parts of unpacked bytes, borrowed from them.
struct Split<'a> {
    html: &'a str,
    markdown: Option<&'a str>,
    /// Anchor, heading and text of each section.
    sections: Vec<[&'a str; 3]>,
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
            let packed = Packed::pack(text.as_bytes());
            assert_eq!(packed.unpack(), text.as_bytes());
            assert_eq!(packed.len(), text.len());
        }
    }

    #[test]
    fn repetitive_html_takes_less_room() {
        let html = "<span class=\"k\">fn</span> <span class=\"n\">main</span>()\n".repeat(200);
        assert!(Packed::pack(html.as_bytes()).packed_len() * 5 < html.len());
    }

    #[test]
    fn parts_come_back_as_they_were() {
        let sections = [
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
        let html = "<h2 id=\"intro\">Intro — été</h2><p>Some text.</p>";
        for markdown in [None, Some(""), Some("## Intro — été\n\nSome text.\n")] {
            for sections in [&sections[..], &[]] {
                let parts = PackedParts::pack(html, markdown, sections).unpack();
                assert_eq!(parts.html, html);
                assert_eq!(parts.markdown.as_deref(), markdown);
                assert_eq!(parts.sections, sections);
            }
        }
        let empty = PackedParts::pack("", None, &[]).unpack();
        assert!(empty.html.is_empty() && empty.markdown.is_none() && empty.sections.is_empty());
    }

    /// What the build cache gives back is unpacked with `try_unpack`: parts of a hand-made
    /// entry (its checksum made to hold) that do not unpack are found out, never a panic.
    #[test]
    fn only_parts_that_unpack_are_sound() {
        let sections = [Section {
            anchor: "a".into(),
            heading: "Été".into(),
            text: "Du texte. ".repeat(50),
        }];
        let good = PackedParts::pack("<p>été</p>", Some("été"), &sections);
        assert!(good.try_unpack().is_some());
        assert!(PackedParts::pack("", None, &[]).try_unpack().is_some());
        let roundtrip: PackedParts =
            postcard::from_bytes(&postcard::to_stdvec(&good).expect("serializes"))
                .expect("deserializes");
        assert!(roundtrip.try_unpack().is_some());
        let mut fragment = super::super::Fragment {
            packed: Some(Box::new(roundtrip.clone())),
            ..Default::default()
        };
        assert!(fragment.unpack());
        assert_eq!(fragment.html, "<p>été</p>");
        assert_eq!(roundtrip.unpack().sections, sections);

        let mut too_long = good.clone();
        too_long.html_len = too_long.packed.len + 1;
        let mut wrong_len = good.clone();
        wrong_len.packed.len += 1;
        let mut not_lz4 = good.clone();
        not_lz4.packed.bytes = vec![0xff; 16].into_boxed_slice();
        // The HTML ends inside `é`: its first byte alone is not UTF-8.
        let mut split_char = good.clone();
        split_char.html_len = "<p>é".len() - 1;
        split_char.markdown_len = Some(1);
        let not_utf8 = PackedParts {
            packed: Packed::pack(&[b'<', 0xc3, b'>']),
            html_len: 3,
            markdown_len: None,
        };
        // HTML `x`, then one section part: its stated length, then `bytes`.
        let one_part = |len: u32, bytes: &[u8]| {
            let mut block = b"x".to_vec();
            block.extend_from_slice(&len.to_le_bytes());
            block.extend_from_slice(bytes);
            PackedParts {
                packed: Packed::pack(&block),
                html_len: 1,
                markdown_len: None,
            }
        };
        // Sections whose stated length runs past the end.
        let cut_section = one_part(100, b"short");
        // A section of one whole part: an anchor with no heading nor text after it.
        let lone_anchor = one_part(2, b"id");
        for (why, parts) in [
            ("a section of one part", lone_anchor),
            ("HTML past the end", too_long),
            ("wrong length", wrong_len),
            ("not LZ4", not_lz4),
            ("a character split", split_char),
            ("not UTF-8", not_utf8),
            ("a section cut short", cut_section),
        ] {
            assert!(parts.try_unpack().is_none(), "{why}: taken as sound");
            let empty = parts.unpack();
            assert!(
                empty.html.is_empty() && empty.sections.is_empty(),
                "{why}: not empty"
            );
            // The page loop's unpacking says so (the build then starts over without the
            // cache), with nothing left behind.
            let mut fragment = super::super::Fragment {
                packed: Some(Box::new(parts)),
                ..Default::default()
            };
            assert!(!fragment.unpack(), "{why}: the page loop would write it");
            assert!(
                fragment.html.is_empty() && fragment.packed.is_none(),
                "{why}"
            );
        }
    }
}
