//! The fast path of mojibake detection: the places where some code page could start a window
//! (the image of a UTF-8 lead byte followed by that of a continuation byte), found with one
//! table look-up per character beyond ASCII, and bounds on what the windows there can cover.

use super::code_pages::{Image, PAGE_COUNT, images};
use super::utf8::{char_at, next_non_ascii, two_byte_fits, utf8_char_width, utf8_width};

/// A place where a window may start, and the pages (bit `i` for page `i`) it may start in.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    pub at: usize,
    pub pages: u16,
    /// The character there (a lead byte's image in some page) and its image, found by the fast
    /// path already: scans, bounds and look-aheads start from them instead of decoding the
    /// character and looking it up again, once per pass.
    pub lead: char,
    pub image: &'static Image,
}

/// The fast path: every place where some page could start a window (a lead byte's image
/// followed by a continuation byte's image, or by a marker of a lost byte). None means no
/// window can start anywhere and the text needs no repair. Clean ASCII costs a word-at-a-time
/// scan; other characters one table look-up each, and none for most of the three- and
/// four-byte ones (CJK, emoji), which are the image of no byte in any page.
pub fn candidates(text: &str) -> Vec<Candidate> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // The previous non-ASCII character, when it is a lead byte's image: (offset, end, image).
    let mut lead: Option<(usize, usize, &'static Image)> = None;
    let mut i = next_non_ascii(bytes, 0);
    while i < bytes.len() {
        let width = utf8_char_width(bytes[i]);
        let image = image_at(text, i, width);
        if let Some((at, end, prev)) = lead.take() {
            let pages = if end < i {
                // ASCII follows the lead: only a marker of a lost byte can go on with it.
                marker_follower(text, end, prev)
            } else if is_replacement_at(bytes, i) {
                follower_mask(text, i, prev)
            } else {
                image.map_or(0, |image| two_byte_plausible(prev, image, image.cont))
            };
            if let Some(candidate) = candidate(text, at, prev.lead & pages, prev) {
                if found.capacity() == 0 {
                    found.reserve(candidates_at_most(&bytes[at..]));
                }
                found.push(candidate);
            }
        }
        lead = image
            .filter(|image| image.lead != 0)
            .map(|image| (i, i + width, image));
        i = next_non_ascii(bytes, i + width);
    }
    if let Some((at, end, prev)) = lead {
        let pages = prev.lead & marker_follower(text, end, prev);
        if let Some(candidate) = candidate(text, at, pages, prev) {
            found.push(candidate);
        }
    }
    found
}

/// How many candidates `bytes` may hold at most: one per character beyond ASCII. Counted once
/// the first is found (clean text pays nothing), so that a large damaged file's list is
/// allocated once instead of being copied into one twice the size again and again; the part
/// reserved but never used is never touched.
fn candidates_at_most(bytes: &[u8]) -> usize {
    // Counted in bytes, 255 at a time: a form the compiler turns into vector instructions.
    bytes
        .chunks(255)
        .map(|chunk| {
            let leads = chunk.iter().fold(0u8, |n, b| n + u8::from(*b >= 0xC0));
            usize::from(leads)
        })
        .sum()
}

/// The candidate for the lead character at `at` (whose image is `image`), if it may start a
/// window in some page of `pages`.
#[inline]
fn candidate(text: &str, at: usize, pages: u16, image: &'static Image) -> Option<Candidate> {
    if pages == 0 {
        return None;
    }
    let c = char_at(text, at)?;
    Some(Candidate {
        at,
        pages,
        lead: c,
        image,
    })
}

/// Whether U+FFFD starts at `i`; its first byte, rare in text, is tested before the others.
#[inline]
fn is_replacement_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i) == Some(&0xEF) && bytes.get(i + 1..i + 3) == Some(&[0xBF, 0xBD])
}

/// For each page of `pages` (bit `i` for page `i`), a number of bytes its windows cannot exceed:
/// a window starts at a candidate of its page and spans at most as many characters as its lead
/// byte announces (a lost byte only shortens it), and a page's windows never overlap, so the
/// bytes of those spans, counted once where they overlap, bound what they cover. Evidence is a
/// part of what windows cover: a page whose bound is below another page's evidence cannot be the
/// page that explains the file, and need not be scanned to know it.
pub fn coverage_bounds(text: &str, pages: u16, candidates: &[Candidate]) -> [usize; PAGE_COUNT] {
    let mut bounds = [0; PAGE_COUNT];
    // Where the spans counted so far end, per page.
    let mut reach = [0; PAGE_COUNT];
    for candidate in candidates {
        let image = candidate.image;
        let mut rest = candidate.pages & pages;
        while rest != 0 {
            let page = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let end = span_end(text, candidate.at, image, page);
            let from = candidate.at.max(reach[page]);
            bounds[page] += end.saturating_sub(from);
            reach[page] = reach[page].max(end);
        }
    }
    bounds
}

/// Whether a candidate of another page of `pages` than `page` lies outside every span (as in
/// [`coverage_bounds`]) of the candidates of `page`: there `page` can have no window, so the
/// other page may find windows of its own.
pub fn any_outside_spans(text: &str, pages: u16, page: usize, candidates: &[Candidate]) -> bool {
    let mut reach = 0;
    candidates.iter().any(|candidate| {
        if candidate.pages & (1 << page) != 0 {
            reach = reach.max(span_end(text, candidate.at, candidate.image, page));
        }
        candidate.at >= reach && candidate.pages & pages & !(1 << page) != 0
    })
}

/// Where a window of `page` starting at `at` (whose character has `image`) ends at the latest:
/// its lead byte announces how many characters it has.
fn span_end(text: &str, at: usize, image: &Image, page: usize) -> usize {
    chars_end(
        text.as_bytes(),
        at,
        utf8_width(image.bytes[page]).unwrap_or(0),
    )
}

/// The offset just after `chars` characters from `at` (or the end of the text).
fn chars_end(bytes: &[u8], at: usize, chars: usize) -> usize {
    let mut end = at;
    for _ in 0..chars {
        match bytes.get(end) {
            Some(first) => end += utf8_char_width(*first),
            None => break,
        }
    }
    end.min(bytes.len())
}

/// `pages` less those where `lead` and `cont` make a complete two-byte sequence that decodes
/// to something no repair would give (`Ã©` read as Mac Roman is a lone combining mark): the
/// window is decided there already, and most chance candidates go without a look-ahead.
fn two_byte_plausible(lead: &Image, cont: &Image, pages: u16) -> u16 {
    let mut kept = pages;
    let mut rest = pages & lead.lead;
    while rest != 0 {
        let page = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        let (b1, b2) = (lead.bytes[page], cont.bytes[page]);
        if (0xC2..=0xDF).contains(&b1) && !two_byte_fits(b1, b2) {
            kept &= !(1 << page);
        }
    }
    kept
}

fn marker_follower(text: &str, at: usize, lead: &Image) -> u16 {
    match text.as_bytes().get(at) {
        Some(b'?' | b' ') => follower_mask(text, at, lead),
        _ => 0,
    }
}

/// The image of the character at `i` (`width` bytes), skipping the look-up for the ranges no
/// page maps to: everything of four bytes, and three-byte characters outside U+2000–U+25FF and
/// U+F000–U+FFFF.
fn image_at(text: &str, i: usize, width: usize) -> Option<&'static Image> {
    let bytes = text.as_bytes();
    let worth_it = match width {
        2 => true,
        3 => bytes[i] == 0xEF || (bytes[i] == 0xE2 && bytes.get(i + 1).is_some_and(|b| *b <= 0x97)),
        _ => false,
    };
    if !worth_it {
        return None;
    }
    if width == 2 {
        // Decoded from the bytes (the text is valid UTF-8): most images are two-byte characters.
        let code = (u32::from(bytes[i] & 0x1F) << 6) | u32::from(bytes.get(i + 1)? & 0x3F);
        return char::from_u32(code).and_then(images);
    }
    text[i..].chars().next().and_then(images)
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
    use super::*;

    #[test]
    fn clean_text_has_no_candidate() {
        assert!(candidates("héllo wörld, привет, 東京 👍🏽 café au lait").is_empty());
        assert_eq!(candidates("hÃ©llo")[0].at, 1);
    }
}
