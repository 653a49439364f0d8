//! What one character of a pattern matches among the 128 ASCII characters.

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

/// An ASCII literal's set: itself, and its other case under `(?i)`.
pub(super) fn literal_bits(byte: u8, flags: Flags) -> u128 {
    let mut bits = 1u128 << byte;
    if flags.has(b'i') && byte.is_ascii_alphabetic() {
        bits |= 1u128 << (byte ^ 0x20);
    }
    bits
}

/// The ASCII characters a one-character atom matches (with the options `flags`), asked of
/// Oniguruma itself.
pub(super) fn ascii_set(atom: &str, flags: Flags) -> Option<u128> {
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
