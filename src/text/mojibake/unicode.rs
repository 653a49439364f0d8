//! What repair needs to know about characters: their coarse category, whether they are emoji,
//! their script, and whether a character is a plausible result of undoing mojibake.
//!
//! Mojibake undone the right way yields ordinary characters (letters, punctuation, emoji); undone
//! the wrong way it yields C1 controls, private-use or unassigned code points, IPA letters or
//! combining marks on their own. That difference is what keeps repair away from clean text.

use std::sync::LazyLock;

use super::class_table::CLASS_STARTS;
pub use super::class_table::Class;

/// The coarse general category of `c` (Unicode 14 data).
pub fn class(c: char) -> Class {
    let code = c as u32;
    let i = CLASS_STARTS.partition_point(|(start, _)| *start <= code);
    // CLASS_STARTS begins at 0, so `i` is at least 1.
    CLASS_STARTS[i.saturating_sub(1)].1
}

/// Whether `c` is a letter (general category L, as [`class`] says).
#[inline]
pub fn is_letter(c: char) -> bool {
    has_trait(c, LETTER).unwrap_or_else(|| letter_uncached(c))
}

fn letter_uncached(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        // Latin-1 and Latin Extended: letters but for a few signs.
        0xC0..=0x24F => c != '×' && c != '÷',
        0x80..=0xBF => matches!(c, 'ª' | 'µ' | 'º'),
        0x400..=0x481 | 0x48A..=0x52F => true,
        // Punctuation, currency, arrows, mathematical and technical signs, box drawing, shapes.
        0x2000..=0x206F | 0x20A0..=0x20CF | 0x2190..=0x25FF => false,
        _ => class(c) == Class::Letter,
    }
}

/// Emoji, approximately: the pictographic blocks, less their non-emoji neighbours (domino and
/// mahjong tiles, alchemical and geometric extensions, supplemental arrows).
#[inline]
pub fn is_emoji(c: char) -> bool {
    has_trait(c, EMOJI).unwrap_or_else(|| emoji_uncached(c))
}

fn emoji_uncached(c: char) -> bool {
    let code = c as u32;
    let pictographic = matches!(code,
        0x1F004 | 0x1F0CF | 0x1F18E | 0x1F191..=0x1F19A | 0x1F1E6..=0x1F1FF | 0x1F201..=0x1F251
        | 0x1F300..=0x1F64F | 0x1F680..=0x1F6FF | 0x1F7E0..=0x1F7EB | 0x1F90C..=0x1F9FF
        | 0x1FA70..=0x1FAFF | 0x2600..=0x27BF | 0x2B50 | 0x2B55 | 0x231A | 0x231B | 0x23E9..=0x23FA
        | 0x2B05..=0x2B07 | 0x2B1B | 0x2B1C | 0x2194..=0x2199 | 0x21A9 | 0x21AA | 0x2139 | 0x2122
        | 0x3030 | 0x303D | 0x3297 | 0x3299);
    pictographic && class(c) == Class::Symbol
}

/// A writing system, as far as repair cares: enough to tell that a letter fits the word around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    /// The Brahmic scripts of India and Sri Lanka.
    Indic,
    /// Thai and Lao.
    Thai,
    /// Han, kana and Hangul: the scripts of Chinese, Japanese and Korean, which mix.
    Cjk,
    Other,
}

pub fn script(c: char) -> Script {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF | 0xFB00..=0xFB06 => {
            Script::Latin
        }
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F => Script::Cyrillic,
        0x530..=0x58F => Script::Armenian,
        0x590..=0x5FF => Script::Hebrew,
        0x600..=0x6FF | 0x750..=0x77F => Script::Arabic,
        0x900..=0xDFF => Script::Indic,
        0xE00..=0xEFF => Script::Thai,
        0x1100..=0x11FF
        | 0x2E80..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFFDC
        | 0x20000..=0x3FFFF => Script::Cjk,
        _ => Script::Other,
    }
}

/// Whether `c` is something real text contains, as the result of undoing mojibake. Rejects what
/// only a wrong decoding produces: C1 controls, private use, unassigned code points, IPA and
/// modifier letters, lone combining marks, rare scripts of the two-byte range.
#[inline]
pub fn plausible_decoded(c: char) -> bool {
    has_trait(c, PLAUSIBLE).unwrap_or_else(|| plausible_uncached(c))
}

fn plausible_uncached(c: char) -> bool {
    let code = c as u32;
    // What repairs yield most of the time, answered without a search.
    if matches!(code,
        0xA0..=0x17F | 0x388..=0x38A | 0x38E..=0x3A1 | 0x3A3..=0x3CE | 0x400..=0x481
        | 0x48A..=0x4FF | 0x2010..=0x2027 | 0x2030..=0x205E | 0x20AC | 0x2122 | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7A3 | 0x1F300..=0x1F64F | 0x1F1E6..=0x1F1FF)
    {
        return true;
    }
    let rare = matches!(code,
        0x80..=0x9F | 0x180..=0x217 | 0x21C..=0x24F | 0x250..=0x2FF | 0x300..=0x36F
        | 0x370..=0x385 | 0x3E2..=0x3FF | 0x482..=0x489 | 0x500..=0x52F | 0x591..=0x5CF
        | 0x610..=0x61A | 0x64B..=0x65F | 0x700..=0x7FF | 0xFFF0..=0xFFFC | 0xFFFE | 0xFFFF
        | 0xE0000..=0xE001F);
    // Vietnamese and Pinyin letters of Latin Extended-B stay plausible, and so do the spacing
    // accents and the florin sign code pages map (`ˆ ˇ ˘ ˙ ˚ ˛ ˜ ˝ ƒ`): a first layer of double
    // damage gives them.
    // Combining diacritics too: decomposed accents, strike-through text (`6\u{336}`), faces;
    // whether one fits where it is, the plausibility of the run decides.
    let in_use = matches!(code,
        0x192 | 0x1A0 | 0x1A1 | 0x1AF | 0x1B0 | 0x1CD..=0x1DC | 0x2C6..=0x2DD | 0x300..=0x36F);
    if rare && !in_use {
        return false;
    }
    match class(c) {
        Class::Control | Class::PrivateUse | Class::Unassigned => false,
        Class::Format => {
            matches!(code, 0xAD | 0x200B..=0x200F | 0x2060 | 0xFEFF | 0xE0020..=0xE007F)
        }
        _ => true,
    }
}

/// `char::is_uppercase`, answered from a table for the characters scans meet most.
#[inline]
pub fn is_upper(c: char) -> bool {
    has_trait(c, UPPER).unwrap_or_else(|| c.is_uppercase())
}

/// `char::is_lowercase`, answered from a table for the characters scans meet most.
#[inline]
pub fn is_lower(c: char) -> bool {
    has_trait(c, LOWER).unwrap_or_else(|| c.is_lowercase())
}

// Bits of a [`TRAITS`] entry.
const LETTER: u8 = 1;
const PLAUSIBLE: u8 = 2;
const UPPER: u8 = 4;
const LOWER: u8 = 8;
const EMOJI: u8 = 16;

/// Characters below this have their traits in [`TRAITS`]: the alphabets code pages map to and
/// the punctuation, symbols and dingbats their bytes decode to. Scans ask about each window's
/// characters several times, for several pages; a search of the class table (and the cascade of
/// ranges before it) every time was a good part of their cost.
const TRAITS_END: u32 = 0x3000;

/// The traits of every character below [`TRAITS_END`], worked out once per process by the
/// functions that answer for the other characters, so both ways agree by construction.
static TRAITS: LazyLock<Box<[u8]>> = LazyLock::new(|| {
    (0..TRAITS_END)
        .map(|code| {
            // Surrogates are above TRAITS_END: every code point below is a character.
            let Some(c) = char::from_u32(code) else {
                return 0;
            };
            [
                (letter_uncached(c), LETTER),
                (plausible_uncached(c), PLAUSIBLE),
                (c.is_uppercase(), UPPER),
                (c.is_lowercase(), LOWER),
                (emoji_uncached(c), EMOJI),
            ]
            .into_iter()
            .filter(|(has, _)| *has)
            .fold(0, |bits, (_, bit)| bits | bit)
        })
        .collect()
});

/// Whether `c` has `bit`, when the table knows `c`.
#[inline]
fn has_trait(c: char, bit: u8) -> Option<bool> {
    TRAITS.get(c as usize).map(|traits| traits & bit != 0)
}

/// Emoji people put in documentation, most used first: the tie-break between lost-byte
/// candidates that are all emoji (the choice is then reported as ambiguous all the same).
const COMMON_EMOJI: &[char] = &[
    '✅', '❌', '⚠', '👉', '📌', '💡', '📝', '🔗', '🔒', '🔐', '🔑', '🔍', '🔎', '🛠', '⚙', '🔧',
    '🚀', '🌐', '🌍', '🏢', '🏠', '📦', '📁', '📂', '📄', '📊', '📈', '📅', '📧', '📞', '💬', '💻',
    '🖥', '📱', '🔔', '🔥', '⭐', '✨', '🐛', '🧪', '🧠', '🧩', '🔹', '🔸', '🔴', '🟢', '🟡', '🔵',
    '⏱', '⏰', '🚨', '🚧', '🛑', '💰', '🤝', '👥', '👤', '➡', '⬇', '⬆', '❤', '😀', '😊', '🙂',
    '😉', '🤔', '🙏', '💪', '👏', '👍', '👋', '👀', '✔', '✏', '📣', '📢', '🗂', '🗓', '🔄', '🔁',
    '♻', '📍', '🏁', '🎓', '🎯', '🎉', '🧰', '🛡', '🔓', '🆕', 'ℹ', '❓', '❗', '📚', '📖',
];

/// Rank of `c` among common documentation emoji (lower is more common), if it is one.
pub fn common_emoji_rank(c: char) -> Option<usize> {
    COMMON_EMOJI.iter().position(|e| *e == c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_a_few_characters() {
        assert_eq!(class('a'), Class::Letter);
        assert_eq!(class('é'), Class::Letter);
        assert_eq!(class('€'), Class::Symbol);
        assert_eq!(class('\u{0081}'), Class::Control);
        assert_eq!(class('\u{E000}'), Class::PrivateUse);
        assert_eq!(class('\u{FE0F}'), Class::Mark);
        assert_eq!(class('\u{10FFFF}'), Class::Unassigned);
    }

    #[test]
    fn plausibility_rejects_what_wrong_decodings_produce() {
        assert!(plausible_decoded('é'));
        assert!(plausible_decoded('’'));
        assert!(plausible_decoded('🏢'));
        assert!(plausible_decoded('\u{FE0F}'));
        assert!(!plausible_decoded('\u{0081}'));
        assert!(!plausible_decoded('ɗ'));
        assert!(!plausible_decoded('\u{F078}'));
    }

    #[test]
    fn the_trait_table_agrees_with_the_functions() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), letter_uncached(c), "{c:?}");
            assert_eq!(plausible_decoded(c), plausible_uncached(c), "{c:?}");
            assert_eq!(is_emoji(c), emoji_uncached(c), "{c:?}");
            assert_eq!(is_upper(c), c.is_uppercase(), "{c:?}");
            assert_eq!(is_lower(c), c.is_lowercase(), "{c:?}");
        }
    }

    #[test]
    fn emoji_approximation() {
        assert!(is_emoji('🏢'));
        assert!(is_emoji('⚙'));
        assert!(!is_emoji('\u{1F062}'));
        assert!(!is_emoji('a'));
    }
}
