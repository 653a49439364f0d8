//! Finding mojibake windows: a few characters that one code page turns back into the bytes of
//! one UTF-8 character.
//!
//! A window starts at a character that is the image of a UTF-8 lead byte (0xC2–0xF4) and goes on
//! with images of continuation bytes (0x80–0xBF) until the sequence is complete. It may miss one
//! byte: a byte the code page has no character for (a hole) that was dropped, or replaced by
//! `?`, U+FFFD or a space; or a 0xA0 (no-break space) that became a plain space. Those windows
//! carry every character that would fit, for the caller to rank.

use super::code_pages::{CodePage, Image, images};
use super::unicode::{is_letter, plausible_decoded};

/// One UTF-8 character found in the images of its bytes.
#[derive(Clone, Debug)]
pub struct Window {
    /// Byte range in the scanned text.
    pub start: usize,
    pub end: usize,
    pub decoded: Decoded,
    /// The window's first character (the lead byte's image) is a letter.
    pub lead_is_letter: bool,
    /// At least one continuation image is not a letter (`©`, `€`, `™`…): letters followed by
    /// symbols are what mojibake looks like and what clean text rarely does.
    pub cont_not_letter: bool,
    /// Length of the UTF-8 sequence (2–4).
    pub width: usize,
}

#[derive(Clone, Debug)]
pub enum Decoded {
    /// Every byte was there.
    Exact(char),
    /// One byte was lost; these plausible characters fit (never empty).
    Lost(Vec<char>),
}

/// What a scan may assume about the whole file.
#[derive(Clone, Copy, Debug)]
pub struct ScanContext {
    /// The file has no intact no-break space, so a plain space may be one that was lost.
    pub nbsp_may_be_lost: bool,
}

const fn is_cont(b: u8) -> bool {
    b >= 0x80 && b <= 0xBF
}

/// UTF-8 sequence length announced by a lead byte, for the leads that can start a valid one.
const fn utf8_width(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// Which byte values a missing byte may take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fill {
    /// One of the page's holes.
    Hole,
    /// A hole, or 0xA0 lost as a space.
    HoleOrNbsp,
    /// Only 0xA0.
    Nbsp,
}

struct Gap {
    index: usize,
    fill: Fill,
}

/// The window starting at byte `start` of `text` when read with `page`, if there is one.
pub fn window_at(text: &str, start: usize, page: &CodePage, ctx: ScanContext) -> Option<Window> {
    let first = text[start..].chars().next()?;
    let lead = page.encode_char(first)?;
    let width = utf8_width(lead)?;
    let mut bytes = [lead, 0, 0, 0];
    let mut len = 1;
    let mut pos = start + first.len_utf8();
    let mut gap: Option<Gap> = None;
    let mut cont_not_letter = false;
    let holes = page.has_holes();
    let nbsp = ctx.nbsp_may_be_lost && page.a0_is_nbsp();
    while len < width {
        let Some(c) = text[pos..].chars().next() else {
            break;
        };
        if let Some(b) = page.encode_char(c).filter(|b| is_cont(*b)) {
            bytes[len] = b;
            len += 1;
            pos += c.len_utf8();
            cont_not_letter |= !is_letter(c);
            continue;
        }
        if gap.is_some() {
            break;
        }
        if (c == '?' || c == '\u{FFFD}') && holes {
            gap = Some(Gap {
                index: len,
                fill: Fill::Hole,
            });
            len += 1;
            pos += c.len_utf8();
            continue;
        }
        if c == ' ' && (holes || nbsp) {
            let after = text[pos + 1..].chars().next();
            let cont_follows = after.and_then(|a| page.encode_char(a)).is_some_and(is_cont);
            if cont_follows && len + 1 < width {
                // In the middle of a sequence, a space can only be a byte that became one.
                let fill = if nbsp { Fill::HoleOrNbsp } else { Fill::Hole };
                gap = Some(Gap { index: len, fill });
                len += 1;
                pos += 1;
                continue;
            }
            let dropped_hole = holes && width >= 3 && dropped_byte(&bytes[..len], page).is_some();
            if nbsp && len + 1 == width && !dropped_hole {
                // A last byte 0xA0 lost: as a space of its own when two spaces follow the
                // window, else dropped before the real space (which stays).
                gap = Some(Gap {
                    index: len,
                    fill: Fill::Nbsp,
                });
                len += 1;
                if text[pos + 1..].starts_with(' ') {
                    pos += 1;
                }
            }
        }
        break;
    }
    let decoded = if len == width {
        match gap {
            None => {
                let c = decode_one(&bytes[..width])?;
                plausible_decoded(c).then_some(Decoded::Exact(c))?
            }
            Some(gap) => fill_gap(&bytes[..width], gap, page)?,
        }
    } else if gap.is_none() && holes && width >= 3 && len + 1 == width {
        dropped_byte(&bytes[..len], page)?
    } else {
        return None;
    };
    Some(Window {
        start,
        end: pos,
        decoded,
        lead_is_letter: is_letter(first),
        cont_not_letter,
        width,
    })
}

fn decode_one(bytes: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(bytes).ok()?;
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

fn fill_values(fill: Fill, page: &CodePage) -> Vec<u8> {
    let mut values: Vec<u8> = match fill {
        Fill::Nbsp => Vec::new(),
        Fill::Hole | Fill::HoleOrNbsp => page.holes().collect(),
    };
    if fill != Fill::Hole {
        values.push(0xA0);
    }
    values
}

fn fill_gap(bytes: &[u8], gap: Gap, page: &CodePage) -> Option<Decoded> {
    let mut candidates = Vec::new();
    let mut trial = [0u8; 4];
    trial[..bytes.len()].copy_from_slice(bytes);
    for value in fill_values(gap.fill, page) {
        trial[gap.index] = value;
        if let Some(c) = decode_one(&trial[..bytes.len()]).filter(|c| plausible_decoded(*c)) {
            candidates.push(c);
        }
    }
    lost(candidates)
}

/// A dropped byte: it may have been anywhere after the lead byte.
fn dropped_byte(bytes: &[u8], page: &CodePage) -> Option<Decoded> {
    let mut candidates = Vec::new();
    let mut trial = [0u8; 4];
    let width = bytes.len() + 1;
    for index in 1..width {
        for hole in page.holes() {
            trial[..index].copy_from_slice(&bytes[..index]);
            trial[index] = hole;
            trial[index + 1..width].copy_from_slice(&bytes[index..]);
            if let Some(c) = decode_one(&trial[..width]).filter(|c| plausible_decoded(*c))
                && !candidates.contains(&c)
            {
                candidates.push(c);
            }
        }
    }
    lost(candidates)
}

fn lost(candidates: Vec<char>) -> Option<Decoded> {
    (!candidates.is_empty()).then_some(Decoded::Lost(candidates))
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

/// The fast path: which pages could explain something in `text` (bit `i` for page `i`).
/// Zero means no window can start anywhere and the text needs no repair at all. Clean ASCII
/// costs a word-at-a-time scan; clean non-ASCII one table look-up per character.
pub fn candidate_pages(text: &str) -> u16 {
    let bytes = text.as_bytes();
    let mut mask = 0u16;
    let mut i = next_non_ascii(bytes, 0);
    while i < bytes.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let next_at = i + c.len_utf8();
        if let Some(image) = images(c).filter(|image| image.lead != 0) {
            mask |= image.lead & follower_mask(text, next_at, image);
        }
        i = next_non_ascii(bytes, next_at);
    }
    mask
}

/// Pages in which the character at `at` may continue the sequence that `lead` starts, or stand
/// for a byte lost from it (`?`, U+FFFD, space: then the sequence is complete at two bytes, or
/// goes on after the marker).
fn follower_mask(text: &str, at: usize, lead: &Image) -> u16 {
    let cont_at = |i: usize| {
        text[i..]
            .chars()
            .next()
            .and_then(images)
            .map_or(0, |image| image.cont)
    };
    match text[at..].chars().next() {
        Some(c @ ('?' | ' ' | '\u{FFFD}')) => cont_at(at + c.len_utf8()) | two_byte_leads(lead),
        Some(c) => images(c).map_or(0, |image| image.cont),
        None => 0,
    }
}

fn two_byte_leads(image: &Image) -> u16 {
    let mut mask = 0;
    for (page, b) in image.bytes.iter().enumerate() {
        if (0xC2..=0xDF).contains(b) {
            mask |= 1 << page;
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::super::code_pages::CODE_PAGES;
    use super::*;

    const CTX: ScanContext = ScanContext {
        nbsp_may_be_lost: false,
    };

    fn exact(text: &str, page: usize) -> Option<char> {
        match window_at(text, 0, &CODE_PAGES[page], CTX)?.decoded {
            Decoded::Exact(c) => Some(c),
            Decoded::Lost(_) => None,
        }
    }

    #[test]
    fn exact_windows() {
        assert_eq!(exact("Ã©t", 0), Some('é'));
        assert_eq!(exact("â€™", 0), Some('’'));
        assert_eq!(exact("ğŸ‡«", 1), Some('🇫'));
        assert_eq!(exact("ğŸ‡«", 0), None);
        assert_eq!(exact("Ét", 0), None);
    }

    #[test]
    fn a_dropped_variation_selector_byte_is_found() {
        let w = window_at("ï¸ Fonc", 0, &CODE_PAGES[1], CTX).expect("window");
        assert_eq!(w.end, "ï¸".len());
        match w.decoded {
            Decoded::Lost(c) => assert!(c.contains(&'\u{FE0F}')),
            Decoded::Exact(_) => panic!("expected a lost byte"),
        }
    }

    #[test]
    fn non_ascii_is_found_word_at_a_time() {
        let text = "abcdefghijklmnopé";
        assert_eq!(next_non_ascii(text.as_bytes(), 0), 16);
        assert_eq!(next_non_ascii(b"abc", 0), 3);
    }

    #[test]
    fn clean_text_has_no_candidate_page() {
        assert_eq!(candidate_pages("héllo wörld, привет, 東京 👍🏽"), 0);
        assert_ne!(candidate_pages("hÃ©llo"), 0);
    }
}
