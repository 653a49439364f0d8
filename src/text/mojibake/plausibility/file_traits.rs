//! What the file around the runs tells the scorer: its scripts, languages and box drawing.

use super::info::is_box;
use super::*;

/// What the file around the runs tells: the scripts it writes in, and whether it draws boxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileTraits {
    /// Bit `s as u32` for each script with a letter somewhere in the file.
    pub(in crate::text::mojibake) scripts: u32,
    /// The file has box-drawing characters (a diagram or a table drawn with them).
    pub box_drawing: bool,
    /// The languages most of the file's accented letters belong to ([`ANY`] when too few
    /// tell): a letter no such language writes is less likely there.
    pub(in crate::text::mojibake) languages: Languages,
    /// The file is known to be damaged: signs away from letters are no face drawn on purpose.
    pub(in crate::text::mojibake) damaged: bool,
}

impl Default for FileTraits {
    /// What a scorer assumes without a file: every script and every language in use.
    fn default() -> Self {
        FileTraits {
            scripts: u32::MAX,
            box_drawing: false,
            languages: ANY,
            damaged: false,
        }
    }
}

/// The offset just after the character that starts at `at` (the end of `bytes` at most).
pub(super) fn utf8_char_end(bytes: &[u8], at: usize) -> usize {
    let width = match bytes.get(at) {
        None => return bytes.len(),
        Some(0..=0x7F) => 1,
        Some(0x80..=0xDF) => 2,
        Some(0xE0..=0xEF) => 3,
        Some(_) => 4,
    };
    (at + width).min(bytes.len())
}

/// [`FileTraits::of`] counts the characters below this one by one (the alphabets whose
/// languages are known are all below).
pub(super) const COUNTED_END: u32 = 0x500;

/// How many letters with a known alphabet a file (or its repairs) must have before they tell
/// its language.
pub(super) const LANGUAGE_EVIDENCE: u32 = 3;

/// Counts of letters per language, to find the languages of a file.
#[derive(Clone, Debug)]
pub struct LanguageCounts {
    pub(super) counts: [u32; 64],
}

impl Default for LanguageCounts {
    fn default() -> Self {
        LanguageCounts { counts: [0; 64] }
    }
}

impl LanguageCounts {
    /// Counts `c` if it is a letter whose languages are known.
    pub fn add(&mut self, c: char) {
        self.add_many(c, 1);
    }

    /// Counts `c` `times` if it is a letter whose languages are known.
    pub fn add_many(&mut self, c: char, times: u32) {
        let mut mask = languages(c);
        if mask == ANY {
            return;
        }
        while mask != 0 {
            self.counts[mask.trailing_zeros() as usize] += times;
            mask &= mask - 1;
        }
    }

    /// For each script's languages (Latin, Cyrillic), those that write nearly all the letters
    /// counted (98 % at least of what the best one writes); all of them for a script
    /// too few letters were counted in, which then tells nothing. A multilingual file's
    /// French tells nothing of its Russian.
    pub fn languages(&self) -> Languages {
        let mut profile = 0;
        for half in [LATIN_LANGUAGES, CYRILLIC_LANGUAGES] {
            let best = (0..64)
                .filter(|bit| half & (1 << bit) != 0)
                .map(|bit| self.counts[bit])
                .max()
                .unwrap_or(0);
            if best < LANGUAGE_EVIDENCE {
                profile |= half;
                continue;
            }
            profile |= (0..64)
                .filter(|bit| half & (1 << bit) != 0 && self.counts[*bit] * 50 >= best * 49)
                .fold(0, |mask, bit| mask | (1 << bit));
        }
        profile
    }
}

impl FileTraits {
    /// One pass over the file's non-ASCII characters. The characters where a window may start
    /// (`candidates`, sorted) and the one after each are left out: they may be mojibake, and
    /// a Cyrillic `Г` that a French file holds only inside `rГ©gion` says nothing of the file.
    pub fn of(text: &str, candidates: &[Candidate]) -> Self {
        let mut traits = FileTraits {
            scripts: 1 << Script::Latin as u32,
            box_drawing: false,
            languages: ANY,
            damaged: false,
        };
        // The characters of the alphabets (below U+0500) are counted as they come and looked
        // at once each at the end: a file holds few of them, many times.
        let mut alphabet = [0u32; (COUNTED_END - 0x80) as usize];
        let bytes = text.as_bytes();
        let mut next_candidate = candidates.iter().map(|c| c.at).peekable();
        let mut i = next_non_ascii(bytes, 0);
        while i < bytes.len() {
            if next_candidate.next_if(|at| *at <= i).is_some() {
                // A window may start here: this character and the three after it (as long
                // as they are not ASCII) say nothing.
                let mut end = utf8_char_end(bytes, i);
                for _ in 0..3 {
                    if bytes.get(end).is_none_or(u8::is_ascii) {
                        break;
                    }
                    end = utf8_char_end(bytes, end);
                }
                i = next_non_ascii(bytes, end);
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            let code = c as u32;
            if code < COUNTED_END {
                alphabet[(code - 0x80) as usize] += 1;
            } else if is_box(c) {
                traits.box_drawing = true;
            } else {
                let info = info(c);
                if info.in_word() {
                    traits.scripts |= 1 << info.script as u32;
                }
            }
            i = next_non_ascii(bytes, i + c.len_utf8());
        }
        let mut counts = LanguageCounts::default();
        for (offset, count) in alphabet.iter().enumerate().filter(|(_, n)| **n > 0) {
            let Some(c) = char::from_u32(0x80 + offset as u32) else {
                continue;
            };
            let info = info(c);
            if info.in_word() {
                traits.scripts |= 1 << info.script as u32;
                counts.add_many(c, *count);
            }
        }
        traits.languages = counts.languages();
        traits
    }

    pub(super) fn uses(&self, script: Script) -> bool {
        self.scripts & (1 << script as u32) != 0
    }
}
