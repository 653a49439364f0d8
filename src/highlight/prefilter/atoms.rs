//! What one character of a pattern matches among the 128 ASCII characters.

use super::pattern::{Node, Parser};

#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) struct Flags {
    /// Option letters switched on and off, as bits of `OPTION_LETTERS`.
    on: u16,
    off: u16,
}

const OPTION_LETTERS: &[u8] = b"imxWDSPa";

impl Flags {
    pub(super) fn has(self, letter: u8) -> bool {
        let bit = 1
            << OPTION_LETTERS
                .iter()
                .position(|&l| l == letter)
                .unwrap_or(15);
        self.on & bit != 0
    }

    pub(super) fn set(&mut self, letter: u8, on: bool) -> Option<()> {
        let bit = 1u16 << OPTION_LETTERS.iter().position(|&l| l == letter)?;
        if on {
            self.on |= bit;
            self.off &= !bit;
        } else {
            self.off |= bit;
            self.on &= !bit;
        }
        Some(())
    }

    /// `(?im-x:` for compiling an atom alone with the options in force.
    fn group_prefix(self) -> String {
        let mut prefix = String::from("(?");
        for (i, &l) in OPTION_LETTERS.iter().enumerate() {
            if self.on & (1 << i) != 0 {
                prefix.push(l as char);
            }
        }
        if self.off != 0 {
            prefix.push('-');
            for (i, &l) in OPTION_LETTERS.iter().enumerate() {
                if self.off & (1 << i) != 0 {
                    prefix.push(l as char);
                }
            }
        }
        prefix.push(':');
        prefix
    }
}

impl Parser<'_> {
    /// The ASCII characters a one-character atom matches, asked of Oniguruma itself.
    /// `widen`: the atom may stand for non-ASCII characters, which case folding can turn into
    /// several ASCII letters (`ß` and `ss`).
    pub(super) fn set_of(&mut self, atom: &str, flags: Flags, widen: bool) -> Option<Node> {
        if widen && flags.has(b'i') {
            self.exact = false;
        }
        let key = (atom.to_string(), flags);
        let known = self.sets.sets.lock().ok()?.get(&key).copied();
        let bits = match known {
            Some(bits) => bits,
            None => {
                let bits = ascii_set(atom, flags);
                self.sets.sets.lock().ok()?.insert(key, bits);
                bits
            }
        };
        bits.map(|bits| Node::Set {
            bits,
            multi: widen && flags.has(b'i'),
        })
    }
}

/// An ASCII literal: itself, and its other case under `(?i)`.
pub(super) fn literal(byte: u8, flags: Flags) -> Node {
    let mut bits = 1u128 << byte;
    if flags.has(b'i') && byte.is_ascii_alphabetic() {
        bits |= 1u128 << (byte ^ 0x20);
    }
    Node::Set { bits, multi: false }
}

/// The ASCII characters a one-character atom matches, asked of Oniguruma itself. `widen`:
/// the atom may stand for non-ASCII characters, which case folding can turn into several
/// ASCII letters (`ß` and `ss`).
fn ascii_set(atom: &str, flags: Flags) -> Option<u128> {
    let source = format!("{}{atom})", flags.group_prefix());
    let regex = onig::Regex::with_options(
        &source,
        onig::RegexOptions::REGEX_OPTION_CAPTURE_GROUP,
        onig::Syntax::default(),
    )
    .ok()?;
    let mut bits = 0u128;
    let mut text = String::with_capacity(1);
    for byte in 0u8..128 {
        text.clear();
        text.push(byte as char);
        match regex.match_with_options(&text, 0, onig::SearchOptions::SEARCH_OPTION_NONE, None) {
            Some(1) => bits |= 1u128 << byte,
            Some(0) => return None,
            _ => {}
        }
    }
    Some(bits)
}
