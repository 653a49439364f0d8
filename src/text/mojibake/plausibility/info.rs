//! What the scorer knows of each character: its part in text, script, case and rarity.

use std::sync::LazyLock;

use super::pairs::pair_class;
use super::*;

/// What the scorer knows of one character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    pub kind: Kind,
    pub script: Script,
    pub upper: bool,
    pub lower: bool,
    /// Rarity, in tenths.
    pub cost: u8,
    /// What [`pair`] reads of it ([`pair_class`]), worked out once.
    pub(super) class: u8,
}

impl Info {
    /// This info with its pair class filled in.
    pub(super) const fn classed(mut self) -> Info {
        self.class = pair_class(self);
        self
    }
}

/// A character's part in text, coarser than its general category and made for judging
/// neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// ASCII space and line breaks, and the other spaces.
    Space,
    Nbsp,
    Digit,
    Letter,
    /// A combining mark.
    Mark,
    /// ASCII punctuation and signs: they separate words and judge nothing.
    Ascii,
    /// Typographic punctuation that closes or stands between words (`’ ” » – — …`).
    Punct,
    /// Punctuation that opens (`‘ “ „ « ‚ ¡ ¿`): it follows a space, not a letter.
    Open,
    /// Signs that follow a name: `™ ®`.
    After,
    /// Currency, math and other signs.
    Symbol,
    /// Box drawing and block elements: diagrams and tables drawn with them sit next to ASCII.
    Box,
    Emoji,
    /// Zero-width and direction characters, variation selectors, the soft hyphen.
    Format,
    /// C1 controls, private use, unassigned code points.
    Junk,
    /// U+FFFD: a character already lost.
    Replacement,
}

impl Info {
    pub(super) fn is_letter(&self) -> bool {
        self.kind == Kind::Letter
    }

    /// Letters and marks: what a word is made of.
    pub(super) fn in_word(&self) -> bool {
        matches!(self.kind, Kind::Letter | Kind::Mark)
    }

    pub(super) fn is_sign(&self) -> bool {
        matches!(self.kind, Kind::Symbol | Kind::After)
    }
}

pub(super) fn is_box(c: char) -> bool {
    (0x2500..=0x259F).contains(&(c as u32))
}

/// What the scorer knows of `c`, from a table for the characters below U+3000.
#[inline]
pub fn info(c: char) -> Info {
    if let Some(info) = INFO.get(c as usize) {
        return *info;
    }
    // What most text beyond the table is: CJK ideographs, kana, Hangul syllables.
    if matches!(c as u32, 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3) {
        return CJK_LETTER;
    }
    info_uncached(c)
}

pub(super) const CJK_LETTER: Info = Info {
    kind: Kind::Letter,
    script: Script::Cjk,
    upper: false,
    lower: false,
    cost: 5,
    class: 0,
}
.classed();

/// Characters below this have their [`Info`] in [`INFO`].
pub(super) const INFO_END: u32 = 0x3000;

pub(super) static INFO: LazyLock<Box<[Info]>> = LazyLock::new(|| {
    (0..INFO_END)
        .map(|code| char::from_u32(code).map_or(JUNK, info_uncached))
        .collect()
});

pub(super) const JUNK: Info = Info {
    kind: Kind::Junk,
    script: Script::Other,
    upper: false,
    lower: false,
    cost: 80,
    class: 0,
}
.classed();

pub(super) fn info_uncached(c: char) -> Info {
    info_unclassed(c).classed()
}

pub(super) fn info_unclassed(c: char) -> Info {
    let code = c as u32;
    let simple = |kind: Kind, cost: u8| Info {
        kind,
        script: Script::Other,
        upper: false,
        lower: false,
        cost,
        class: 0,
    };
    if c.is_ascii() {
        return match c {
            ' ' | '\t' | '\n' | '\r' => simple(Kind::Space, 0),
            '0'..='9' => simple(Kind::Digit, 0),
            'a'..='z' | 'A'..='Z' => Info {
                kind: Kind::Letter,
                script: Script::Latin,
                upper: c.is_ascii_uppercase(),
                lower: c.is_ascii_lowercase(),
                cost: 0,
                class: 0,
            },
            _ => simple(Kind::Ascii, 0),
        };
    }
    match code {
        0x80..=0x9F => return JUNK,
        0xA0 => return simple(Kind::Nbsp, 3),
        0xAD => return simple(Kind::Format, 15),
        0x202F => return simple(Kind::Nbsp, 3),
        0xFFFD => return simple(Kind::Replacement, 20),
        0x2500..=0x259F => return simple(Kind::Box, 10),
        _ => {}
    }
    if let Some((kind, cost)) = punctuation(c) {
        return simple(kind, cost);
    }
    if let Some(cost) = sign_cost(c) {
        return simple(Kind::Symbol, cost);
    }
    match class(c) {
        Class::Letter => Info {
            kind: Kind::Letter,
            script: script(c),
            upper: c.is_uppercase(),
            lower: c.is_lowercase(),
            cost: letter_cost(c),
            class: 0,
        },
        Class::Mark => Info {
            kind: Kind::Mark,
            script: script(c),
            upper: false,
            lower: false,
            class: 0,
            cost: if (0xFE00..=0xFE0F).contains(&code) {
                5
            } else {
                20
            },
        },
        Class::Number => simple(Kind::Symbol, 10),
        Class::Space => simple(Kind::Space, 5),
        Class::Punctuation => simple(Kind::Punct, 15),
        Class::Symbol if is_emoji(c) => simple(Kind::Emoji, 5),
        Class::Symbol => simple(
            Kind::Symbol,
            match code {
                0x2190..=0x21FF => 5,
                0x2200..=0x22FF => 15,
                0x3000..=0x303F | 0xFF00..=0xFFEF => 3,
                _ => 15,
            },
        ),
        Class::Format => simple(Kind::Format, 5),
        Class::Control | Class::PrivateUse | Class::Unassigned => JUNK,
    }
}

/// Typographic punctuation, by how common it is in text.
pub(super) fn punctuation(c: char) -> Option<(Kind, u8)> {
    Some(match c {
        // `“` and `‘` open in English and close in German (`„so“`): they judge nothing.
        '’' | '”' | '»' | '–' | '—' | '…' | '•' | '·' | '›' | '‘' | '“' => {
            (Kind::Punct, 3)
        }
        '„' | '«' | '¡' | '¿' | '‹' => (Kind::Open, 3),
        '‚' => (Kind::Open, 10),
        '\u{3000}'..='\u{303F}' | '，' | '：' | '；' | '！' | '？' | '（' | '）' => {
            (Kind::Punct, 3)
        }
        '™' | '®' => (Kind::After, 10),
        // The degree sign comes before unit letters (`25 °C`) as much as after digits.
        '°' => (Kind::Punct, 10),
        _ => return None,
    })
}

/// Signs whose letter-like category would mislead, and the signs only mojibake uses.
pub(super) fn sign_cost(c: char) -> Option<u8> {
    Some(match c {
        '©' | '±' | '×' | '÷' | '€' | '£' | '¥' | '¢' | '§' | '½' | '¼' | '¾' | '²' | '³' | '¹'
        | 'µ' | 'ª' | 'º' | '№' => 10,
        '¤' | '¦' | '¨' | '¬' | '¯' | '¸' | '´' | 'ƒ' | '◊' | '⁄' | '¶' | '†' | '‡' | '‰' => {
            25
        }
        '\u{2C6}'..='\u{2DF}' => 25,
        '√' | '∂' | '∆' | '∏' | '∑' | '∫' | '≈' | '≠' | '≤' | '≥' | '∞' | '∩' | '≡' | '⌐' | '⌠'
        | '⌡' | '∙' | 'Ω' => 15,
        '\u{F8FF}' => 40,
        _ => return None,
    })
}

/// How rare a letter is in text: the letters of living alphabets cost little, capitals and the
/// letters of few languages more, obsolete, phonetic and modifier letters much more.
pub(super) fn letter_cost(c: char) -> u8 {
    let code = c as u32;
    let upper = c.is_uppercase();
    let common = |lower: u8, capital: u8| if upper { capital } else { lower };
    match code {
        // The images of the lead bytes of Latin-1 letters: rare as letters.
        0xC3 => 25,
        0xC2 => 20,
        0xD0 | 0xDE | 0xCE | 0xCF | 0xD2 | 0xD9 | 0xCC | 0xDD => 15,
        0xF0 | 0xFE => 10,
        0xC0..=0xFF => common(5, 8),
        0x100..=0x17F => latin_extended_a(c),
        0x218..=0x21B => common(5, 8),
        0x1A0 | 0x1A1 | 0x1AF | 0x1B0 => common(8, 10),
        0x1CD..=0x1DC => 15,
        0x18F | 0x259 => 8,
        0x180..=0x24F => 35,
        0x250..=0x2FF => 40,
        // Greek and Cyrillic as they are written today (the accented `ѐ ѝ` of dictionaries
        // aside).
        0x386..=0x3CE => common(5, 8),
        0x400 | 0x40D | 0x450 | 0x45D => 20,
        0x370..=0x3FF => 35,
        0x400..=0x45F | 0x490 | 0x491 => common(5, 8),
        0x492..=0x4E9 => 15,
        0x460..=0x52F => 35,
        0x531..=0x587 => 5,
        0x5D0..=0x5EA => 5,
        0x620..=0x64A | 0x671..=0x6D3 => 5,
        0x700..=0x8FF => 35,
        0x900..=0xDFF => 5,
        0xE00..=0xEFF => 5,
        0x10A0..=0x10FF => 10,
        0x1100..=0x11FF => 35,
        0x1EA0..=0x1EF9 => common(8, 10),
        0x1E00..=0x1EFF => 20,
        0x1F00..=0x1FFF => 15,
        0x3040..=0x30FF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => 5,
        0x3400..=0x4DBF | 0xF900..=0xFAFF => 30,
        0xFB00..=0xFB06 => 15,
        0xFF21..=0xFF5A => 10,
        _ => 40,
    }
}

/// Latin Extended-A: the letters of today's Central European, Baltic, Turkish and Romanian
/// alphabets are common; Esperanto's, Maltese's and a few others' less; `ĸ ŉ ſ ŧ ŗ` obsolete.
pub(super) fn latin_extended_a(c: char) -> u8 {
    let upper = c.is_uppercase();
    match c {
        'ĸ' | 'ŉ' | 'ſ' | 'Ŧ' | 'ŧ' | 'Ŗ' | 'ŗ' => 35,
        'Ĉ' | 'ĉ' | 'Ĝ' | 'ĝ' | 'Ĥ' | 'ĥ' | 'Ĵ' | 'ĵ' | 'Ŝ' | 'ŝ' | 'Ŭ' | 'ŭ' | 'Ċ' | 'ċ' | 'Ġ'
        | 'ġ' | 'Ħ' | 'ħ' | 'Ĩ' | 'ĩ' | 'Ũ' | 'ũ' | 'Ŏ' | 'ŏ' | 'Ĭ' | 'ĭ' | 'Ŵ' | 'ŵ' | 'Ŷ'
        | 'ŷ' | 'Ŋ' | 'ŋ' | 'Ŀ' | 'ŀ' | 'Ĳ' | 'ĳ' | 'ĕ' | 'Ĕ' => 20,
        _ if upper => 8,
        _ => 5,
    }
}
