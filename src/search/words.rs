//! A page's words as search needs them: each distinct word once, with its field-weighted count,
//! made while the page loads (from the text its Markdown stage collects).
//!
//! Why not the text itself: indexing used to walk every page's text again, split it into
//! words and look each one up, in every build; a warm build takes this list from the build
//! cache with the page's fragment, so it neither analyses text again nor needs it. The list
//! depends on nothing but the page (no language, no term ids): stemming happens when the index
//! is made, once per distinct word of the site (the per-thread memo of [`super::index`]).
//!
//! Weights are small integers (title 8, heading 3, body 1) and so are their sums, exact in
//! `f32` below 2²⁴: adding a word's total at once gives the same bits as adding each use, so
//! the index is byte for byte the one made from the text.

use rustc_hash::FxHashMap;

use super::analyze::words;
use super::index::HEADING_WEIGHT;
use crate::markdown::Section;

/// The distinct words of a page's headings and text, with their weighted counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageWords {
    /// The words, each followed by `\n` (a word has letters and digits only): one allocation.
    joined: String,
    /// Weighted count of each word, in the order of `joined`.
    counts: Vec<u32>,
}

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
        let mut counts = Vec::with_capacity(order.len());
        for (word, count) in order {
            joined.push_str(word);
            joined.push('\n');
            counts.push(count);
        }
        PageWords { joined, counts }
    }

    /// Each word with its weighted count.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.joined
            .split_terminator('\n')
            .zip(self.counts.iter().copied())
    }

    /// How many distinct words.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
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
    fn no_words_is_empty() {
        assert!(PageWords::of_sections(&[section("", " — ")]).is_empty());
    }
}
