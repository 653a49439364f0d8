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

use std::sync::LazyLock;

use super::alphabets::{ANY, CYRILLIC_LANGUAGES, LATIN_LANGUAGES, Languages, languages};
use super::candidates::Candidate;
use super::unicode::{Class, Script, class, is_emoji, script};
use super::utf8::next_non_ascii;

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
    class: u8,
}

impl Info {
    /// This info with its pair class filled in.
    const fn classed(mut self) -> Info {
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
    fn is_letter(&self) -> bool {
        self.kind == Kind::Letter
    }

    /// Letters and marks: what a word is made of.
    fn in_word(&self) -> bool {
        matches!(self.kind, Kind::Letter | Kind::Mark)
    }

    fn is_sign(&self) -> bool {
        matches!(self.kind, Kind::Symbol | Kind::After)
    }
}

/// What the file around the runs tells: the scripts it writes in, and whether it draws boxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileTraits {
    /// Bit `s as u32` for each script with a letter somewhere in the file.
    pub(super) scripts: u32,
    /// The file has box-drawing characters (a diagram or a table drawn with them).
    pub box_drawing: bool,
    /// The languages most of the file's accented letters belong to ([`ANY`] when too few
    /// tell): a letter no such language writes is less likely there.
    pub(super) languages: Languages,
    /// The file is known to be damaged: signs away from letters are no face drawn on purpose.
    pub(super) damaged: bool,
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
fn utf8_char_end(bytes: &[u8], at: usize) -> usize {
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
const COUNTED_END: u32 = 0x500;

/// How many letters with a known alphabet a file (or its repairs) must have before they tell
/// its language.
const LANGUAGE_EVIDENCE: u32 = 3;

/// Counts of letters per language, to find the languages of a file.
#[derive(Clone, Debug)]
pub struct LanguageCounts {
    counts: [u32; 64],
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

    fn uses(&self, script: Script) -> bool {
        self.scripts & (1 << script as u32) != 0
    }
}

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
        if here.info.in_word()
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

/// What a walk learns of scripts as it goes.
#[derive(Default)]
struct Scripts {
    /// Scripts of letters the file does not use.
    new: u32,
    /// Scripts of letters that touch another script (they pay for that, not again for being
    /// new).
    touched: u32,
    cjk_touches: u32,
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

/// The cost of `b` right after `a`.
#[inline]
fn pair(a: Info, b: Info, scripts: &mut Scripts) -> i32 {
    let mut cost = i32::from(PAIRS[usize::from(a.class)][usize::from(b.class)]);
    if a.in_word() && b.in_word() && a.script != b.script {
        cost += scripts_touch(a, b, scripts);
    }
    cost
}

/// What [`pair`] reads of a character but its script, in seven bits: its kind as far as
/// neighbours go (letter, sign after a name, other sign, box drawing, emoji, opening mark,
/// combining mark, anything else), its case, whether it is beyond ASCII (costs anything), and
/// whether it is Greek.
const fn pair_class(i: Info) -> u8 {
    let kind = match i.kind {
        Kind::Letter => 0,
        Kind::After => 1,
        Kind::Symbol => 2,
        Kind::Box => 3,
        Kind::Emoji => 4,
        Kind::Open => 5,
        Kind::Mark => 6,
        _ => 7,
    };
    kind | (i.upper as u8) << 3
        | (i.lower as u8) << 4
        | ((i.cost > 0) as u8) << 5
        | (matches!(i.script, Script::Greek) as u8) << 6
}

/// [`pair_costs`] for every two classes of [`pair_class`], worked out once: scoring asks for
/// the pairs of every character of every run.
static PAIRS: LazyLock<Box<[[i8; 128]; 128]>> = LazyLock::new(|| {
    let mut table = Box::new([[0i8; 128]; 128]);
    for a in 0..128u8 {
        for b in 0..128u8 {
            let cost = pair_costs(class_info(a), class_info(b));
            table[usize::from(a)][usize::from(b)] = i8::try_from(cost).unwrap_or(i8::MAX);
        }
    }
    table
});

/// An [`Info`] of pair class `class` (the script Greek or Latin).
fn class_info(class: u8) -> Info {
    let kind = match class & 7 {
        0 => Kind::Letter,
        1 => Kind::After,
        2 => Kind::Symbol,
        3 => Kind::Box,
        4 => Kind::Emoji,
        5 => Kind::Open,
        6 => Kind::Mark,
        _ => Kind::Punct,
    };
    Info {
        kind,
        script: if class & 64 != 0 {
            Script::Greek
        } else {
            Script::Latin
        },
        upper: class & 8 != 0,
        lower: class & 16 != 0,
        cost: u8::from(class & 32 != 0),
        class,
    }
}

/// What `b` right after `a` costs but for their scripts.
fn pair_costs(a: Info, b: Info) -> i32 {
    let mut cost = 0;
    if a.lower && b.upper && (a.cost > 0 || b.cost > 0) {
        cost += LOWER_THEN_CAPITAL;
    }
    let greek = |i: Info| i.script == Script::Greek;
    if (a.is_letter() && b.kind == Kind::Symbol) || (a.is_sign() && b.is_letter() && !greek(b)) {
        cost += LETTER_AGAINST_SIGN;
    }
    let accented = |i: Info| i.is_letter() && i.cost > 0;
    if (accented(a) && b.kind == Kind::Box) || (a.kind == Kind::Box && accented(b)) {
        cost += LETTER_AGAINST_SIGN;
    }
    if (a.is_letter() && b.kind == Kind::Emoji) || (a.kind == Kind::Emoji && b.is_letter()) {
        cost += LETTER_AGAINST_EMOJI;
    }
    if a.is_letter() && b.kind == Kind::Open {
        cost += OPEN_AFTER_LETTER;
    }
    cost
}

/// What letters of two scripts side by side cost; their scripts are marked touched (they pay
/// for that, not again for being new).
fn scripts_touch(a: Info, b: Info, scripts: &mut Scripts) -> i32 {
    scripts.touched |= (1 << a.script as u32) | (1 << b.script as u32);
    match (a.script, b.script) {
        // Greek letters are signs in Latin text (`IL2Rγc`, `TNF-α`).
        (Script::Latin, Script::Greek) | (Script::Greek, Script::Latin) => SCRIPTS_TOUCH_IN_USE,
        // Latin words inside CJK text, when the file writes CJK.
        (Script::Latin, Script::Cjk) | (Script::Cjk, Script::Latin) => {
            scripts.cjk_touches += 1;
            0
        }
        _ => SCRIPTS_TOUCH,
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

fn is_box(c: char) -> bool {
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

const CJK_LETTER: Info = Info {
    kind: Kind::Letter,
    script: Script::Cjk,
    upper: false,
    lower: false,
    cost: 5,
    class: 0,
}
.classed();

/// Characters below this have their [`Info`] in [`INFO`].
const INFO_END: u32 = 0x3000;

static INFO: LazyLock<Box<[Info]>> = LazyLock::new(|| {
    (0..INFO_END)
        .map(|code| char::from_u32(code).map_or(JUNK, info_uncached))
        .collect()
});

const JUNK: Info = Info {
    kind: Kind::Junk,
    script: Script::Other,
    upper: false,
    lower: false,
    cost: 80,
    class: 0,
}
.classed();

fn info_uncached(c: char) -> Info {
    info_unclassed(c).classed()
}

fn info_unclassed(c: char) -> Info {
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
fn punctuation(c: char) -> Option<(Kind, u8)> {
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
fn sign_cost(c: char) -> Option<u8> {
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
fn letter_cost(c: char) -> u8 {
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
fn latin_extended_a(c: char) -> u8 {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn score(original: &str, repaired: &str, before: &str, after: &str) -> i32 {
        let text = format!("{before}{original}{after}");
        let file = FileTraits::of(&text, &super::super::candidates::candidates(&text));
        let around = Around::of(&text, before.len(), before.len() + original.len());
        let all = file.scripts();
        cost(original.chars(), Reading::AsItStands, &around, &file).with_scripts(all)
            - cost(repaired.chars(), Reading::Repaired, &around, &file).with_scripts(all)
    }

    #[test]
    fn the_table_agrees_with_the_function() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(info(c), info_uncached(c), "{c:?}");
        }
    }

    #[test]
    fn the_pair_table_agrees_with_the_function() {
        let samples: Vec<Info> = (0..0x3000).filter_map(char::from_u32).map(info).collect();
        for a in samples.iter().step_by(7) {
            for b in samples.iter().step_by(11) {
                let table =
                    i32::from(PAIRS[usize::from(pair_class(*a))][usize::from(pair_class(*b))]);
                assert_eq!(table, pair_costs(*a, *b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn the_lower_bound_is_never_above_the_cost() {
        let samples = [
            "Ã©",
            "â€™",
            "Ã\u{a0}",
            "Â°",
            "├┤",
            "ÐŸÑ€Ð¸",
            "Ì¶",
            "¬´",
            "í\u{a0}½í¸\u{8d}",
            "Ã’",
            "\u{a0}»",
            "«\u{a0}",
            "ĆØ",
            "Рѕї",
            "РґРѕСЂРѕРіРµ",
            "Г",
            "ë…”",
        ];
        let contexts = ["", "a", "ab", " ", "\u{a0}", "«", "’s ", "É", "é", "1", "»"];
        for file in [
            FileTraits::default(),
            FileTraits {
                scripts: 1,
                box_drawing: true,
                languages: 1,
                damaged: true,
            },
        ] {
            for run in samples {
                for before in contexts {
                    for after in contexts {
                        let text = format!("{before}{run}{after}");
                        let around = Around::of(&text, before.len(), before.len() + run.len());
                        let full = cost(run.chars(), Reading::AsItStands, &around, &file);
                        let least = cost_at_least(run, &file);
                        assert!(
                            least.with_scripts(file.scripts) <= full.with_scripts(file.scripts),
                            "{before:?} {run:?} {after:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn mojibake_costs_more_than_its_repair() {
        assert!(score("Ã©", "é", "h", "bergement") > 40);
        assert!(score("â€™", "’", "l", "équipe") > 40);
    }
}
