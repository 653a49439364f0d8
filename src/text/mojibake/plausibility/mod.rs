//! How plausible a stretch of text is as something a person wrote: the judgement that decides
//! whether a run is repaired.
//!
//! A window decodes to valid UTF-8 by construction, but correct text can hold the same
//! characters: `Ä` before a no-break space in Finnish capitals, `é` + no-break space + `»` in
//! French, `Å—` for an ångström and a dash. Repair is right only when the text it gives is
//! clearly more plausible than the text as it stands, so both readings are given a *cost* (the
//! higher, the less likely a person typed it) in the same neighbourhood, and the run is scored
//! by the difference.
//!
//! The cost adds up, in tenths of a "surprise":
//! - **each character's rarity** in real text: ASCII costs nothing; the letters of living
//!   alphabets little; capitals and letters only some languages use a bit more; `Ã` and `Â`
//!   (the images of the UTF-8 lead bytes of Latin-1 letters) more; obsolete letters, IPA,
//!   spacing accents and the symbols only mojibake uses (`¤ ¦ ¨ ¬ ¯ ¸`) much more; C1 controls,
//!   private use and unassigned code points are all but impossible;
//! - **unlikely neighbours**: a lower-case letter then a capital that is not ASCII (`gÃ¨re`,
//!   `РґР`), a letter against a symbol (`Ã©t`), letters of two scripts touching (`Bront녔`), an
//!   opening quote right after a letter, a combining mark after a letter of another script;
//! - **word shapes**: a lone accented Latin letter as a whole word (`= ù`), a capitalised word
//!   ending in a small letter (`NICIODATà`);
//! - **a script the file does not use**: the first letter of a script absent from the rest of
//!   the file costs a lot, once per run, so one three-byte window is weak evidence of Hangul in a
//!   French page while a whole run of them in a Korean-less file still wins by its own weight;
//! - **the language's own typography** lowers the cost of what is usual: a no-break space
//!   before `» : ; ! ?` (French), an apostrophe in `’s`, `’t` (English).
//!
//! The numbers are hand-set from what ftfy's "badness" list knows about mojibake and what the
//! Unicode tables say about letters; they are checked on ftfy's test cases and on tens of
//! thousands of clean and damaged documents (see `benches/encoding-corpus`).

use super::alphabets::{ANY, CYRILLIC_LANGUAGES, LATIN_LANGUAGES, Languages, languages};
use super::candidates::Candidate;
use super::unicode::{Class, Script, class, is_emoji, script};
use super::utf8::next_non_ascii;

mod file_traits;
mod info;
mod pairs;

pub use file_traits::{FileTraits, LanguageCounts};
pub use info::{Info, Kind, info};
use pairs::{Scripts, pair};

/// The characters on each side of a run, nearest first.
#[derive(Clone, Copy, Debug, Default)]
pub struct Around {
    pub before: [Option<char>; 2],
    pub after: [Option<char>; 2],
}

impl Around {
    /// The two characters before byte `start` and the two from byte `end` in `text`.
    pub fn of(text: &str, start: usize, end: usize) -> Self {
        let bytes = text.as_bytes();
        let back = |at: usize| -> Option<(char, usize)> {
            let first = bytes.get(..at)?.last()?;
            if first.is_ascii() {
                return Some((char::from(*first), at - 1));
            }
            let c = text[..at].chars().next_back()?;
            Some((c, at - c.len_utf8()))
        };
        let ahead = |at: usize| -> Option<(char, usize)> {
            let first = bytes.get(at)?;
            if first.is_ascii() {
                return Some((char::from(*first), at + 1));
            }
            let c = text[at..].chars().next()?;
            Some((c, at + c.len_utf8()))
        };
        let b0 = back(start);
        let b1 = b0.and_then(|(_, at)| back(at));
        let a0 = ahead(end);
        let a1 = a0.and_then(|(_, at)| ahead(at));
        Around {
            before: [b0.map(|(c, _)| c), b1.map(|(c, _)| c)],
            after: [a0.map(|(c, _)| c), a1.map(|(c, _)| c)],
        }
    }
}

// Costs, in tenths.
const LOWER_THEN_CAPITAL: i32 = 30;
const LETTER_AGAINST_SIGN: i32 = 15;
const LETTER_AGAINST_EMOJI: i32 = 8;
const SCRIPTS_TOUCH: i32 = 30;
const SCRIPTS_TOUCH_IN_USE: i32 = 5;
const OPEN_AFTER_LETTER: i32 = 15;
const LONE_LETTER: i32 = 15;
const SMALL_AMONG_CAPITALS: i32 = 20;
const NEW_SCRIPT: i32 = 30;
const TYPOGRAPHY: i32 = 10;
const CONTRACTION: i32 = 15;
const CAPITALS_THEN_SMALL: i32 = 15;
const MIXED_ALPHABETS: i32 = 25;
const OPEN_BEFORE_NOTHING: i32 = 15;
const LIGATURE_ALONE: i32 = 20;
const OUT_OF_LANGUAGE: i32 = 20;

/// A cost, with what depends on the scripts the file uses apart: once the damage of a file is
/// known to be in a script, that script is the file's, and costs nothing more.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// Everything but new scripts and mixed scripts.
    pub base: i32,
    /// The scripts (bits as in [`FileTraits`]) of letters that touch no other script and that
    /// the file does not use.
    pub new_scripts: u32,
    /// How many times a Latin letter touches a CJK one: common in a file that writes CJK.
    pub cjk_touches: u32,
}

impl Cost {
    /// The whole cost in a file that uses the scripts `scripts` (bits as in [`FileTraits`]).
    pub fn with_scripts(&self, scripts: u32) -> i32 {
        let touch = if scripts & (1 << Script::Cjk as u32) != 0 {
            SCRIPTS_TOUCH_IN_USE
        } else {
            SCRIPTS_TOUCH
        };
        self.base
            + NEW_SCRIPT * (self.new_scripts & !scripts).count_ones() as i32
            + touch * self.cjk_touches as i32
    }
}

impl FileTraits {
    /// The scripts the file uses (bits by `Script as u32`).
    pub fn scripts(&self) -> u32 {
        self.scripts
    }

    /// These traits, once the file is known to be damaged into text that uses `scripts` too
    /// and writes in `languages`.
    pub fn damaged_into(&self, scripts: u32, languages: Languages) -> FileTraits {
        FileTraits {
            scripts: self.scripts | scripts,
            languages: if languages == ANY {
                self.languages
            } else {
                languages
            },
            damaged: true,
            ..*self
        }
    }
}

/// Which reading of a run is weighed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The text as it stands: signs that touch no letter may be a face or a drawing.
    AsItStands,
    /// The text a repair would give: a sign only mojibake uses is no repair, wherever it is.
    Repaired,
}

/// The cost of `chars` (one `reading` of a run) between the characters `around` it, in a file
/// with `file`'s traits.
pub fn cost(
    chars: impl IntoIterator<Item = char>,
    reading: Reading,
    around: &Around,
    file: &FileTraits,
) -> Cost {
    // The characters in a row, the two neighbours on each side included (a missing one reads
    // as a space), each looked up once: most runs fit on the stack.
    let mut inline = [Slot::ABSENT; INLINE_SLOTS];
    let mut spilled: Vec<Slot> = Vec::new();
    let mut len = 0;
    let mut push = |slot: Slot| {
        if len < INLINE_SLOTS {
            inline[len] = slot;
        } else {
            if spilled.is_empty() {
                spilled.extend_from_slice(&inline);
            }
            spilled.push(slot);
        }
        len += 1;
    };
    push(Slot::of(around.before[1]));
    push(Slot::of(around.before[0]));
    for c in chars {
        push(Slot::of(Some(c)));
    }
    push(Slot::of(around.after[0]));
    push(Slot::of(around.after[1]));
    let slots: &[Slot] = if spilled.is_empty() {
        &inline[..len]
    } else {
        &spilled
    };
    walk(slots, reading, file)
}

/// A lower bound of [`cost`] for `run` as it stands, whatever its neighbours and the file's
/// languages: each character's rarity at its least, the pairs inside the run, and every bonus
/// its ends could earn taken off. A fraction of the cost of the whole walk: for a run this
/// odd, the bound decides as well as the cost would.
pub fn cost_at_least(run: &str, file: &FileTraits) -> Cost {
    let mut total = 0;
    let mut scripts = Scripts::default();
    let mut prev: Option<(char, Info)> = None;
    let mut last = ' ';
    for c in run.chars() {
        let here = info(c);
        let cost = i32::from(here.cost);
        total += match here.kind {
            Kind::Symbol if cost >= 20 => cost / 3,
            Kind::Box if file.box_drawing => cost / 4,
            Kind::Mark => cost / 4,
            _ => cost,
        };
        match prev {
            Some((p, p_info)) => {
                total += pair(p_info, here, &mut scripts) + typography(p, c);
            }
            // What the first character could earn with the one before it.
            None => {
                if matches!(
                    c,
                    '\u{A0}' | '\u{202F}' | '»' | ':' | ';' | '!' | '?' | '0'..='9'
                ) {
                    total -= TYPOGRAPHY;
                }
            }
        }
        prev = Some((c, here));
        last = c;
    }
    // What the last character could earn with the ones after it.
    if matches!(last, '\u{A0}' | '\u{202F}' | '«') {
        total -= TYPOGRAPHY;
    }
    if last == '’' {
        total -= CONTRACTION;
    }
    Cost {
        base: total,
        new_scripts: 0,
        cjk_touches: scripts.cjk_touches,
    }
}

/// How many characters [`cost`] keeps on the stack.
const INLINE_SLOTS: usize = 16;

/// A character with what the scorer knows of it.
#[derive(Clone, Copy)]
struct Slot {
    c: char,
    info: Info,
}

impl Slot {
    /// A neighbour that is not there: the start or end of the text, read as a space.
    const ABSENT: Slot = Slot {
        c: ' ',
        info: Info {
            kind: Kind::Space,
            script: Script::Other,
            upper: false,
            lower: false,
            cost: 0,
            class: 0,
        }
        .classed(),
    };

    fn of(c: Option<char>) -> Slot {
        c.map_or(Slot::ABSENT, |c| Slot { c, info: info(c) })
    }

    /// The languages that write this character, when it is a letter beyond ASCII.
    fn languages(&self) -> Languages {
        if self.info.kind == Kind::Letter && !self.c.is_ascii() {
            languages(self.c)
        } else {
            ANY
        }
    }
}

/// The cost of the characters of `slots` between its first two and its last two (the
/// neighbours).
fn walk(slots: &[Slot], reading: Reading, file: &FileTraits) -> Cost {
    let run = 2..slots.len() - 2;
    let mut total = 0;
    let mut scripts = Scripts::default();
    let mut word = WordLanguages::default();
    for neighbour in &slots[..2] {
        word.add_context(neighbour);
    }
    for i in run.clone() {
        let (prev2, prev, here, next) = (&slots[i - 2], &slots[i - 1], &slots[i], &slots[i + 1]);
        let langs = here.languages();
        total += unigram(*here, langs, prev.info, next.info, reading, file);
        total += before_next(*prev, here.info);
        total += pair(prev.info, here.info, &mut scripts);
        total += typography(prev.c, here.c);
        if here.info.lower && prev.info.upper && prev2.info.upper && prev.info.cost > 0 {
            // Two capitals and a small letter: `MÜglichkeit`.
            total += CAPITALS_THEN_SMALL;
        }
        let greek_word = here.info.script == Script::Greek && prev.info.script == Script::Greek;
        // A mark of no script of its own (the combining diacritics) takes the script of what
        // it sits on: it is no letter of a new script.
        let inherits = here.info.kind == Kind::Mark && here.info.script == Script::Other;
        if here.info.in_word()
            && !inherits
            && !file.uses(here.info.script)
            && (here.info.script != Script::Greek || greek_word)
        {
            scripts.new |= 1 << here.info.script as u32;
        }
        if word.add(here.info, langs) {
            total += MIXED_ALPHABETS;
        }
    }
    let (last, next) = (slots[run.end - 1], slots[run.end]);
    total += pair(last.info, next.info, &mut scripts);
    total += typography(last.c, next.c);
    total += before_next(last, next.info);
    let mixed_before = word.mixed;
    for neighbour in &slots[run.end..] {
        word.add_context(neighbour);
    }
    if word.mixed && !mixed_before {
        total += MIXED_ALPHABETS;
    }
    total += contraction(last.c, slots[run.end].c, slots[run.end + 1].c);
    if run.len() == 1 {
        let before = [slots[1].info, slots[0].info];
        let after = [slots[run.end].info, slots[run.end + 1].info];
        total += word_shape(last, &before, &after);
    }
    Cost {
        base: total,
        new_scripts: scripts.new & !scripts.touched,
        cjk_touches: scripts.cjk_touches,
    }
}

/// What the previous character wants after it: an opening mark opens a word (French `«` is
/// followed by a space), and `œ` is always inside one (`cœur`, `œuvre`).
fn before_next(prev: Slot, next: Info) -> i32 {
    match prev.c {
        '«' if matches!(next.kind, Kind::Space | Kind::Nbsp) => 0,
        'œ' | 'Œ' if !next.is_letter() => LIGATURE_ALONE,
        _ if prev.info.kind == Kind::Open
            && !matches!(next.kind, Kind::Letter | Kind::Digit | Kind::Mark) =>
        {
            OPEN_BEFORE_NOTHING
        }
        _ => 0,
    }
}

/// The languages the letters of the current word leave, and whether none is left.
#[derive(Clone, Copy)]
struct WordLanguages {
    left: Languages,
    mixed: bool,
}

impl Default for WordLanguages {
    fn default() -> Self {
        WordLanguages {
            left: ANY,
            mixed: false,
        }
    }
}

impl WordLanguages {
    /// Adds a neighbour of the run to the word: it ends the word or continues it, but says
    /// nothing of its languages unless it is ASCII (beyond, it may be mojibake of a
    /// neighbouring run, not yet repaired).
    fn add_context(&mut self, neighbour: &Slot) {
        if neighbour.c.is_ascii() || !neighbour.info.in_word() {
            self.add(neighbour.info, ANY);
        }
    }

    /// Adds a character (`info`, written by `languages`) to the word, or ends the word when it
    /// is no letter; whether that made the word one that no language writes.
    fn add(&mut self, info: Info, languages: Languages) -> bool {
        if !info.in_word() {
            *self = WordLanguages::default();
            return false;
        }
        self.left &= languages;
        let now_mixed = self.left == 0 && !self.mixed;
        self.mixed |= self.left == 0;
        now_mixed
    }
}

/// How many places in `line` outside the sorted byte ranges `taken` (the repairs on it, as
/// offsets of `line`) still read as mojibake: two characters beyond ASCII side by side that
/// cost [`LETTER_AGAINST_SIGN`] or more together (`ã†`, `ãƒ`, `¢ã`). A line the repairs
/// leave in that state was a garble no page explains, and its repairs are guesses.
pub fn leftover_oddities(line: &str, taken: &[std::ops::Range<usize>]) -> usize {
    let bytes = line.as_bytes();
    let mut oddities = 0;
    let mut prev: Option<(usize, Info)> = None;
    let mut at = 0;
    let mut i = next_non_ascii(bytes, 0);
    while i < bytes.len() {
        let Some(c) = line[i..].chars().next() else {
            break;
        };
        let end = i + c.len_utf8();
        while taken.get(at).is_some_and(|t| t.end <= i) {
            at += 1;
        }
        if taken.get(at).is_some_and(|t| t.start <= i) {
            prev = None;
        } else {
            let here = info(c);
            // Two characters beyond ASCII side by side: the previous one ends where this one
            // starts.
            if let Some((prev_end, prev_info)) = prev
                && prev_end == i
                && pair(prev_info, here, &mut Scripts::default()) >= LETTER_AGAINST_SIGN
            {
                oddities += 1;
            }
            prev = Some((end, here));
        }
        i = next_non_ascii(bytes, end);
    }
    oddities
}

/// What one character costs where it is: its rarity; less for box drawing in a file that
/// draws boxes, and for a sign that touches no letter or digit (a face drawn with signs); more
/// for an accented letter that is a word on its own but in no language (`= ù`, `o Ã s`), or
/// that none of the file's languages writes; and for a combining mark, what it sits on.
fn unigram(
    slot: Slot,
    languages: Languages,
    prev: Info,
    next: Info,
    reading: Reading,
    file: &FileTraits,
) -> i32 {
    let (c, here) = (slot.c, slot.info);
    let cost = i32::from(here.cost);
    match here.kind {
        Kind::Box if file.box_drawing => cost / 4,
        Kind::Symbol if cost >= 20 && reading == Reading::AsItStands && !file.damaged => {
            let wordish = |i: Info| matches!(i.kind, Kind::Letter | Kind::Digit | Kind::Mark);
            if wordish(prev) || wordish(next) {
                cost
            } else {
                cost / 3
            }
        }
        // A combining mark on a letter of a script that writes with them (Indic, Thai,
        // Hebrew, Arabic) is ordinary; on a Latin letter, a sign or a digit, a decomposed or
        // decorated text; alone, nothing.
        Kind::Mark => match prev {
            p if p.in_word() && p.script != Script::Latin => cost / 4,
            p if p.in_word() => cost * 3 / 4,
            p if matches!(p.kind, Kind::Digit | Kind::Ascii | Kind::Punct) => cost,
            _ => cost * 2,
        },
        Kind::Letter if here.cost > 0 => {
            let mut cost = cost;
            if here.script == Script::Latin
                && !prev.in_word()
                && !next.in_word()
                && !LONE_LETTER_WORDS.contains(c)
            {
                cost += LONE_LETTER;
            }
            // Only the text as it stands is held to the file's languages: a file may quote
            // another language, and a repair into it is no less likely for that.
            if reading == Reading::AsItStands && languages & file.languages == 0 {
                cost += OUT_OF_LANGUAGE;
            }
            cost
        }
        _ => cost,
    }
}

/// A single letter, repaired or not, as a word of its own or at the edge of one: a lone
/// accented Latin letter that is no word in any language (`= ù`), a small letter among
/// capitals (`S à O`, `NICIODATà`).
fn word_shape(only: Slot, before: &[Info; 2], after: &[Info; 2]) -> i32 {
    let here = only.info;
    if !here.is_letter() || only.c.is_ascii() {
        return 0;
    }
    let mut cost = 0;
    if here.lower {
        // The nearest letter on each side, over one space or sign at most.
        let near = |side: &[Info; 2]| {
            Some(side[0])
                .filter(|i| i.is_letter())
                .or((!side[0].in_word()).then_some(side[1]))
                .filter(|i| i.is_letter())
        };
        let capital = |i: Option<Info>| i.is_some_and(|i| i.upper);
        let capitals_before = before[0].upper && before[1].upper;
        let among = match near(after) {
            Some(next) => capital(near(before)) && next.upper,
            None => capitals_before,
        };
        if among {
            cost += SMALL_AMONG_CAPITALS;
        }
    }
    cost
}

/// Accented letters that are words on their own in some language.
const LONE_LETTER_WORDS: &str = "àÀèÈéÉòóåÅöÖøØäüÿ";

/// Typography that makes a sequence *more* plausible: a no-break space before the French high
/// punctuation, after `«`, and between the digits of a number.
fn typography(prev: char, c: char) -> i32 {
    match (prev, c) {
        ('\u{A0}' | '\u{202F}', '»' | ':' | ';' | '!' | '?' | '0'..='9') => -TYPOGRAPHY,
        ('«', '\u{A0}' | '\u{202F}') => -TYPOGRAPHY,
        _ => 0,
    }
}

/// English contractions after a closing apostrophe: `’s`, `’t`, `’d`, `’m` make the
/// apostrophe (the last character of the run) what it seems.
fn contraction(last: char, next: char, after_next: char) -> i32 {
    if last == '’' && matches!(next, 's' | 't' | 'd' | 'm') && !after_next.is_alphanumeric() {
        -CONTRACTION
    } else {
        0
    }
}

#[cfg(test)]
mod tests;
