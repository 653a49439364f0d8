//! A page's words as search needs them: each distinct word once, with its field-weighted count,
//! made while the page loads (from the text the Markdown stage collects).
//!
//! Why not the text itself: indexing used to walk every page's text again, split it into
//! words and look each one up, in every build; a warm build takes this list from the build
//! cache with the page's fragment, so it neither analyses text again nor needs it. The list
//! depends on nothing but the page (no language, no term ids): stemming happens when the index
//! is made, once per distinct word of the site (by the search stage).
//!
//! The tokenizer is here, below search, because the Markdown stage runs it while pages load;
//! search re-exports it (`crate::search::words`), the one definition of a word that the
//! indexer and the reader's browser share.
//!
//! Weights are small integers (title 8, heading 3, body 1) and so are their sums, exact in
//! `f32` below 2²⁴: adding a word's total at once gives the same bits as adding each use, so
//! the index is byte for byte the one made from the text.

use rustc_hash::FxHashMap;

use super::plain_text::Section;

/// Longer "words" are hashes, base64 or minified code: nobody searches for them.
pub const MAX_WORD_CHARS: usize = 40;

/// Text kept per page for the excerpts of search results (its page file); the rest is indexed
/// (its words) but neither shipped nor held.
pub const MAX_PAGE_TEXT: usize = 24 * 1024;

/// Field weight of a heading's words (and of a page's description): a word in a heading counts
/// as much as this many in the body.
pub const HEADING_WEIGHT: f32 = 3.0;

/// The words of a text: maximal runs of letters and digits (Unicode `Alphabetic` or `Numeric`,
/// the browser's `[\p{Alphabetic}\p{N}]+`), at most [`MAX_WORD_CHARS`] long.
pub fn words(text: &str) -> Words<'_> {
    Words { text, at: 0 }
}

/// Iterator over the words of a text, with their byte offsets (see [`words`]).
pub struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    /// Byte length of the character at `i` and whether it belongs to a word.
    #[inline]
    fn char_at(&self, i: usize) -> (usize, bool) {
        let b = self.text.as_bytes()[i];
        if b < 0x80 {
            return (1, b.is_ascii_alphanumeric());
        }
        match self.text[i..].chars().next() {
            Some(c) => (c.len_utf8(), is_word_char(c)),
            None => (1, false),
        }
    }
}

/// Unicode `Alphabetic` or `Numeric`, with the ranges of Latin text answered without a table
/// lookup (accented letters, typographic punctuation).
#[inline]
fn is_word_char(c: char) -> bool {
    match c {
        '\u{C0}'..='\u{24F}' => c != '×' && c != '÷',
        '\u{80}'..='\u{BF}' => matches!(c, 'ª' | 'µ' | 'º' | '²' | '³' | '¹' | '¼' | '½' | '¾'),
        '\u{2000}'..='\u{206F}' => false,
        _ => c.is_alphabetic() || c.is_numeric(),
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() {
            // Skip what is not a word, ASCII bytes first (most of any text).
            while self.at < bytes.len()
                && bytes[self.at] < 0x80
                && !bytes[self.at].is_ascii_alphanumeric()
            {
                self.at += 1;
            }
            if self.at >= bytes.len() {
                break;
            }
            let (len, is_word) = self.char_at(self.at);
            if !is_word {
                self.at += len;
                continue;
            }
            let start = self.at;
            let mut chars = 0;
            while self.at < bytes.len() {
                let b = bytes[self.at];
                if b < 0x80 {
                    if !b.is_ascii_alphanumeric() {
                        break;
                    }
                    self.at += 1;
                } else {
                    let (len, is_word) = self.char_at(self.at);
                    if !is_word {
                        break;
                    }
                    self.at += len;
                }
                chars += 1;
            }
            if chars <= MAX_WORD_CHARS {
                return Some((start, &self.text[start..self.at]));
            }
        }
        None
    }
}

/// The distinct words of a page's headings and text, with their weighted counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageWords {
    /// Each word followed by one byte below [`SMALL`]: its count, or 0 for a count kept in
    /// `large` (a word has letters and digits only, never such a byte). One allocation, and
    /// about one byte per word for the counts: 3.4 million words on the 10,000-page corpus.
    joined: String,
    /// The counts of [`SMALL`] or more, in the order of their words.
    large: Vec<u32>,
}

/// Counts below this are written in the byte after their word.
const SMALL: u32 = 0x20;

impl PageWords {
    /// The words of `sections`: a heading's count [`HEADING_WEIGHT`], the text's 1.
    pub fn of_sections(sections: &[Section]) -> PageWords {
        let mut index: FxHashMap<&str, usize> = FxHashMap::default();
        let mut order: Vec<(&str, u32)> = Vec::new();
        let heading = HEADING_WEIGHT as u32;
        for section in sections {
            for (text, weight) in [(section.heading.as_str(), heading), (&section.text, 1)] {
                for (_, word) in words(text) {
                    match index.get(word) {
                        Some(&i) => order[i].1 += weight,
                        None => {
                            index.insert(word, order.len());
                            order.push((word, weight));
                        }
                    }
                }
            }
        }
        let mut joined = String::with_capacity(order.iter().map(|(w, _)| w.len() + 1).sum());
        let mut large = Vec::new();
        for (word, count) in order {
            joined.push_str(word);
            if count < SMALL {
                joined.push(char::from(count as u8));
            } else {
                joined.push('\0');
                large.push(count);
            }
        }
        PageWords { joined, large }
    }

    /// Each word with its weighted count: one scan of the bytes (a count byte is ASCII, so
    /// the text on both sides of it is whole characters), where splitting by characters and
    /// reading the counts apart scanned the list twice, decoding each character.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        let mut large = self.large.iter().copied();
        let mut rest = self.joined.as_str();
        std::iter::from_fn(move || {
            let end = rest.bytes().position(|b| u32::from(b) < SMALL)?;
            let word = &rest[..end];
            let small = rest.as_bytes()[end];
            rest = &rest[end + 1..];
            Some(match small {
                0 => (word, large.next().unwrap_or(0)),
                count => (word, u32::from(count)),
            })
        })
    }

    /// How many distinct words.
    pub fn len(&self) -> usize {
        self.joined
            .bytes()
            .filter(|b| u32::from(*b) < SMALL)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.joined.is_empty()
    }
}

/// Cuts `sections` to the text the page file carries ([`MAX_PAGE_TEXT`] bytes in all, headings
/// kept): the rest is in the page's words, and holding it until the page is indexed would
/// cost memory for nothing.
pub fn keep_page_text(sections: &mut [Section]) {
    let mut budget = MAX_PAGE_TEXT;
    for section in sections {
        let mut cut = section.text.len().min(budget);
        while !section.text.is_char_boundary(cut) {
            cut -= 1;
        }
        budget -= cut;
        if cut < section.text.len() {
            section.text.truncate(cut);
            section.text.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(heading: &str, text: &str) -> Section {
        Section {
            anchor: String::new(),
            heading: heading.to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn each_word_once_with_heading_and_body_uses_weighed() {
        let words = PageWords::of_sections(&[
            section("", "Un serveur, un serveur."),
            section("Serveur Mail", "mail d’été"),
        ]);
        let found: Vec<(&str, u32)> = words.iter().collect();
        assert_eq!(
            found,
            [
                ("Un", 1),
                ("serveur", 2),
                ("un", 1),
                ("Serveur", 3),
                ("Mail", 3),
                ("mail", 1),
                ("d", 1),
                ("été", 1)
            ]
        );
        assert_eq!(words.len(), 8);
    }

    #[test]
    fn large_counts_are_kept_apart_in_order() {
        let text = format!("{} {}", "mot ".repeat(40), "autre ".repeat(33));
        let words = PageWords::of_sections(&[section("Mot", &text), section("", "fin")]);
        let found: Vec<(&str, u32)> = words.iter().collect();
        assert_eq!(found, [("Mot", 3), ("mot", 40), ("autre", 33), ("fin", 1)]);
    }

    #[test]
    fn the_latin_fast_path_agrees_with_unicode() {
        for c in ('\u{80}'..='\u{24F}').chain('\u{2000}'..='\u{206F}') {
            assert_eq!(
                is_word_char(c),
                c.is_alphabetic() || c.is_numeric(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn no_words_is_empty() {
        assert!(PageWords::of_sections(&[section("", " — ")]).is_empty());
    }
}
