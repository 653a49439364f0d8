//! Choosing among the characters that fit a lost byte.
//!
//! When a code page's hole swallowed a byte, several characters usually complete the sequence:
//! `ï¸` + a hole is U+FE01, U+FE0D, U+FE0E or U+FE0F. Context decides: a variation selector
//! right after an emoji, an emoji over a dingbat of a rarer block, a letter of the script of the
//! word around it. Candidates of the same best kind are a real ambiguity: the most common one in
//! documentation is chosen and the others are reported.

use super::alphabets::{ANY, languages};
use super::plausibility::info;
use super::unicode::{Class, Script, class, common_emoji_rank, is_emoji, is_letter, script};

/// The chosen character and, when the choice was a guess between equals, the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub chosen: char,
    pub others: Vec<char>,
}

/// How well `c` fits between `prev` and `next`; `None` when it does not fit at all.
fn fitness(c: char, prev: Option<char>, next: Option<char>) -> Option<u32> {
    let after_emoji = prev.is_some_and(|p| is_emoji(p) || p == '\u{FE0F}');
    let after_keycap_base = prev.is_some_and(|p| p.is_ascii_digit() || p == '#' || p == '*');
    let code = c as u32;
    if c == '\u{FE0F}' {
        return (after_emoji || after_keycap_base)
            .then_some(100)
            .or(Some(20));
    }
    if c == '\u{200D}' {
        return after_emoji.then_some(90);
    }
    if (0xFE00..=0xFE0E).contains(&code) {
        return Some(10);
    }
    if is_emoji(c) {
        return Some(80);
    }
    if c == '\u{A0}' {
        return Some(30);
    }
    match class(c) {
        Class::Letter => {
            let neighbour = [prev, next]
                .into_iter()
                .flatten()
                .find(|n| is_letter(*n) && !n.is_ascii_digit());
            match neighbour {
                Some(n) if script(n) == script(c) => Some(60),
                Some(_) => None,
                // Alone between spaces or punctuation: a Latin letter is the safe reading, a
                // letter of another script the next best (the plausibility of the whole run
                // then decides).
                None if script(c) == Script::Latin => Some(40),
                None => Some(35),
            }
        }
        // A combining mark on a letter of its script (a vowel sign, a virama in Hindi).
        Class::Mark => prev
            .filter(|p| is_letter(*p) && script(*p) == script(c))
            .map(|_| if script(c) == Script::Latin { 20 } else { 60 }),
        // Punctuation and symbols of the common blocks (general punctuation to dingbats); a
        // modifier tone letter or an alchemical sign is never what was lost.
        Class::Punctuation | Class::Symbol if (0x2000..=0x2BFF).contains(&code) => Some(30),
        Class::Punctuation | Class::Symbol if code >= 0x1F000 => Some(25),
        Class::Number => Some(20),
        _ => None,
    }
}

/// The best of `candidates` in context, or `None` when none fits.
pub fn choose(candidates: &[char], prev: Option<char>, next: Option<char>) -> Option<Choice> {
    let scored: Vec<(char, u32)> = candidates
        .iter()
        .filter_map(|c| fitness(*c, prev, next).map(|f| (*c, f)))
        .collect();
    let best = scored.iter().map(|(_, f)| *f).max()?;
    let mut tied: Vec<char> = scored
        .iter()
        .filter(|(_, f)| *f == best)
        .map(|(c, _)| *c)
        .collect();
    // Stable: the most common first: a virama (the commonest sign of Indic text), then the
    // characters that are rarer in text last, letters more languages write first (`č` over
    // `ā`, `с` over `э`), common documentation emoji first, the rest in candidate order. The
    // key is worked out once per candidate, not once per comparison.
    tied.sort_by_cached_key(|c| {
        (
            !is_virama(*c),
            info(*c).cost,
            std::cmp::Reverse(known_languages(*c)),
            common_emoji_rank(*c).unwrap_or(usize::MAX),
        )
    });
    let chosen = tied.remove(0);
    Some(Choice {
        chosen,
        others: tied,
    })
}

/// How many languages are known to write `c` (none for a character the table does not know).
fn known_languages(c: char) -> u32 {
    match languages(c) {
        ANY => 0,
        known => known.count_ones(),
    }
}

/// The virama (vowel killer) of an Indic script: U+094D in Devanagari, and at the same place
/// in each block of 128 up to Malayalam.
fn is_virama(c: char) -> bool {
    let code = c as u32;
    (0x900..=0xD7F).contains(&code) && code & 0x7F == 0x4D
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variation_selector_after_an_emoji_is_certain() {
        let choice = choose(
            &['\u{FE01}', '\u{FE0D}', '\u{FE0E}', '\u{FE0F}', '\u{FE10}'],
            Some('⚙'),
            Some(' '),
        )
        .expect("fits");
        assert_eq!(choice.chosen, '\u{FE0F}');
        assert!(choice.others.is_empty());
    }

    #[test]
    fn several_emoji_are_an_ambiguity_resolved_by_frequency() {
        let choice =
            choose(&['\u{1F062}', '🍢', '🎢', '🏢', '🐢'], Some(' '), Some(' ')).expect("fits");
        assert_eq!(choice.chosen, '🏢');
        assert_eq!(choice.others, ['🍢', '🎢', '🐢']);
    }

    #[test]
    fn a_letter_of_another_script_does_not_fit() {
        assert_eq!(choose(&['酁'], Some('t'), Some('s')), None);
    }
}
