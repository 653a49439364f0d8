//! UTF-8 at the byte level, as repair needs it: what a lead byte announces, the one character
//! a short sequence decodes to (checked as strictly as the standard library, since a window
//! must be a valid sequence), and whether that character is something a repair may give.

use std::sync::LazyLock;

use super::unicode::plausible_decoded;

pub(super) const fn is_cont(b: u8) -> bool {
    b >= 0x80 && b <= 0xBF
}

/// UTF-8 sequence length announced by a lead byte, for the leads that can start a valid one.
pub(super) const fn utf8_width(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// The character `bytes` (a whole sequence, no byte lost) decode to, if a repair may give it.
pub(super) fn exact(bytes: &[u8]) -> Option<char> {
    if let [b1 @ 0xC2..=0xDF, b2 @ 0x80..=0xBF] = *bytes {
        // Most windows: one bit of a table answers.
        return two_byte_fits(b1, b2).then(|| decode_two(b1, b2)).flatten();
    }
    decode_one(bytes).filter(|c| fits(*c))
}

/// Whether `c` is what a repair may give: a plausible character, or a C1 control, which is what
/// a first layer of double damage through Latin-1 gives (the run keeps it only if a second layer
/// turns it into something real).
pub(super) fn fits(c: char) -> bool {
    plausible_decoded(c) || ('\u{80}'..='\u{9F}').contains(&c)
}

/// Bit `b2 & 0x3F` of entry `b1 & 0x1F`: whether the two-byte sequence `b1 b2` decodes to what
/// [`fits`]. The fast path asks it for every pair of images it meets, and scans for most windows;
/// a bit test costs less than decoding the character and looking its traits up each time.
static TWO_BYTE_FITS: LazyLock<[u64; 32]> = LazyLock::new(|| {
    let mut table = [0u64; 32];
    for b1 in 0xC0u8..=0xDF {
        for b2 in 0x80u8..=0xBF {
            if decode_two(b1, b2).is_some_and(fits) {
                table[usize::from(b1 & 0x1F)] |= 1 << (b2 & 0x3F);
            }
        }
    }
    table
});

/// Whether the two-byte sequence `b1 b2` (a lead byte 0xC2–0xDF and a continuation byte)
/// decodes to what [`fits`].
#[inline]
pub(super) fn two_byte_fits(b1: u8, b2: u8) -> bool {
    TWO_BYTE_FITS[usize::from(b1 & 0x1F)] >> (b2 & 0x3F) & 1 != 0
}

/// The character of the two-byte sequence `b1 b2`, its bits taken as they are (the caller
/// knows `b1` is a lead byte of a two-byte sequence and `b2` a continuation byte).
#[inline]
pub(super) fn decode_two(b1: u8, b2: u8) -> Option<char> {
    char::from_u32((u32::from(b1 & 0x1F) << 6) | u32::from(b2 & 0x3F))
}

/// The one character `bytes` (2–4 of them, a lead byte first) encode in UTF-8, if they are a
/// valid sequence: no overlong forms, no surrogates, nothing above U+10FFFF.
pub(super) fn decode_one(bytes: &[u8]) -> Option<char> {
    let (&lead, rest) = bytes.split_first()?;
    if rest.iter().any(|b| !is_cont(*b)) {
        return None;
    }
    let second_ok = |b: u8| match lead {
        0xE0 => b >= 0xA0,
        0xED => b <= 0x9F,
        0xF0 => b >= 0x90,
        0xF4 => b <= 0x8F,
        _ => true,
    };
    let code = match (lead, rest) {
        (0xC2..=0xDF, [b1]) => (u32::from(lead & 0x1F) << 6) | u32::from(b1 & 0x3F),
        (0xE0..=0xEF, [b1, b2]) if second_ok(*b1) => {
            (u32::from(lead & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F)
        }
        (0xF0..=0xF4, [b1, b2, b3]) if second_ok(*b1) => {
            (u32::from(lead & 0x07) << 18)
                | (u32::from(b1 & 0x3F) << 12)
                | (u32::from(b2 & 0x3F) << 6)
                | u32::from(b3 & 0x3F)
        }
        _ => return None,
    };
    char::from_u32(code)
}

/// The index of the first byte ≥ 0x80 at or after `from`, or `bytes.len()`.
#[inline]
pub fn next_non_ascii(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        let high = u64::from_le_bytes(word) & HIGH;
        if high != 0 {
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] < 0x80 {
        i += 1;
    }
    i
}

pub(super) const fn utf8_char_width(first: u8) -> usize {
    match first {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// The character that starts at byte `at`, two-byte ones (what most images are) decoded from
/// their bytes without the general decoder.
#[inline]
pub(super) fn char_at(text: &str, at: usize) -> Option<char> {
    let bytes = text.as_bytes();
    match *bytes.get(at)? {
        first @ 0xC2..=0xDF => {
            let second = bytes.get(at + 1)?;
            char::from_u32((u32::from(first & 0x1F) << 6) | u32::from(second & 0x3F))
        }
        _ => text.get(at..)?.chars().next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_agrees_with_the_standard_library() {
        for a in 0xC0u8..=0xFF {
            for b in 0x80u8..=0xBF {
                for c in [0x80u8, 0x9F, 0xA0, 0xBF] {
                    for bytes in [&[a, b][..], &[a, b, c][..], &[a, b, c, 0x80][..]] {
                        let std = std::str::from_utf8(bytes)
                            .ok()
                            .map(|s| s.chars().collect::<Vec<_>>());
                        let ours = decode_one(bytes).map(|c| vec![c]);
                        assert_eq!(ours, std.filter(|v| v.len() == 1), "{bytes:x?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_two_byte_table_agrees_with_decoding() {
        for b1 in 0xC2u8..=0xDF {
            for b2 in 0x80u8..=0xBF {
                let decoded = decode_one(&[b1, b2]).filter(|c| fits(*c));
                assert_eq!(exact(&[b1, b2]), decoded, "{b1:x} {b2:x}");
                assert_eq!(two_byte_fits(b1, b2), decoded.is_some(), "{b1:x} {b2:x}");
            }
        }
    }

    #[test]
    fn non_ascii_is_found_word_at_a_time() {
        let text = "abcdefghijklmnopé";
        assert_eq!(next_non_ascii(text.as_bytes(), 0), 16);
        assert_eq!(next_non_ascii(b"abc", 0), 3);
    }
}
