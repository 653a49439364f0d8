//! What two characters side by side cost: the pair table, worked out once from a seven-bit
//! class of each character, and what letters of two scripts touching cost on top.
//!
//! Pairs are the heart of the judgement (`gÃ¨re`, `Ã©t`, `Bront녔`) and asked for at every
//! character of every run, so their costs are a table look-up; only scripts, which the table
//! leaves out, are weighed apart.

use std::sync::LazyLock;

use super::*;

/// What a walk learns of scripts as it goes.
#[derive(Default)]
pub(super) struct Scripts {
    /// Scripts of letters the file does not use.
    pub(super) new: u32,
    /// Scripts of letters that touch another script (they pay for that, not again for being
    /// new).
    pub(super) touched: u32,
    pub(super) cjk_touches: u32,
}

/// The cost of `b` right after `a`.
#[inline]
pub(super) fn pair(a: Info, b: Info, scripts: &mut Scripts) -> i32 {
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
pub(super) const fn pair_class(i: Info) -> u8 {
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
pub(super) static PAIRS: LazyLock<Box<[[i8; 128]; 128]>> = LazyLock::new(|| {
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
pub(super) fn pair_costs(a: Info, b: Info) -> i32 {
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
