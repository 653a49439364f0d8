//! Finding mojibake windows: a few characters that one code page turns back into the bytes of
//! one UTF-8 character.
//!
//! A window starts at a character that is the image of a UTF-8 lead byte (0xC2–0xF4) and goes on
//! with images of continuation bytes (0x80–0xBF) until the sequence is complete. It may miss one
//! byte: a byte the code page has no character for (a hole) that was dropped, or replaced by
//! `?`, U+FFFD or a space; or a 0xA0 (no-break space) that became a plain space. Those windows
//! carry every character that would fit, for the caller to rank.

use std::sync::LazyLock;

use super::code_pages::{CodePage, Image, PAGE_COUNT, images};
use super::plausibility::FileTraits;
use super::unicode::{Script, is_letter, is_upper, plausible_decoded, script};

/// One UTF-8 character found in the images of its bytes.
#[derive(Clone, Debug)]
pub struct Window {
    /// Byte range in the scanned text.
    pub start: usize,
    pub end: usize,
    pub decoded: Decoded,
    /// The byte lost was a no-break space that became a plain space (or was dropped): a
    /// weaker guess than a byte the page has no character for.
    pub lost_nbsp: bool,
    /// How many characters the window spans.
    pub chars: usize,
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
    /// What the file tells the judgement of runs.
    pub file: FileTraits,
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

#[derive(Clone, Copy)]
struct Gap {
    index: usize,
    fill: Fill,
}

/// The characters from a candidate on, each decoded and looked up once (when first needed) for
/// all the pages tried there.
pub struct Lookahead<'t> {
    text: &'t str,
    items: [Item; LOOKAHEAD],
    /// How many items are decoded so far.
    count: usize,
    /// Byte offset just after the last decoded item.
    end: usize,
}

/// Enough for a lead byte, three continuation bytes (one of them a marker) and what follows.
const LOOKAHEAD: usize = 6;

#[derive(Clone, Copy)]
struct Item {
    c: char,
    at: usize,
    image: Option<&'static Image>,
}

impl Item {
    /// The byte this character stands for in `page`.
    #[inline]
    fn byte(&self, page: &CodePage) -> Option<u8> {
        if self.c.is_ascii() {
            return u8::try_from(u32::from(self.c)).ok();
        }
        self.image
            .map(|image| image.bytes[page.index])
            .filter(|b| *b != 0)
    }

    /// … when it is a continuation byte.
    #[inline]
    fn cont(&self, page: &CodePage) -> Option<u8> {
        self.byte(page).filter(|b| is_cont(*b))
    }

    /// Byte offset just after the character.
    fn end(&self) -> usize {
        self.at + self.c.len_utf8()
    }
}

impl<'t> Lookahead<'t> {
    pub fn new(text: &'t str, start: usize) -> Self {
        Lookahead {
            text,
            items: [Item {
                c: '\0',
                at: start,
                image: None,
            }; LOOKAHEAD],
            count: 0,
            end: start,
        }
    }

    /// A look-ahead from `candidate`, its first character known already.
    pub fn at_candidate(text: &'t str, candidate: &Candidate) -> Self {
        let first = Item {
            c: candidate.lead,
            at: candidate.at,
            image: Some(candidate.image),
        };
        let mut look = Lookahead::new(text, candidate.at);
        look.items[0] = first;
        look.count = 1;
        look.end = first.end();
        look
    }

    #[inline]
    fn item(&mut self, k: usize) -> Option<Item> {
        if k < self.count {
            return Some(self.items[k]);
        }
        self.decode_up_to(k)
    }

    #[inline(never)]
    fn decode_up_to(&mut self, k: usize) -> Option<Item> {
        while self.count <= k {
            let slot = self.items.get_mut(self.count)?;
            let at = self.end;
            let first = *self.text.as_bytes().get(at)?;
            // ASCII (what most often follows a window) is no page's image: no look-up.
            *slot = if first.is_ascii() {
                Item {
                    c: char::from(first),
                    at,
                    image: None,
                }
            } else {
                let c = char_at(self.text, at)?;
                Item {
                    c,
                    at,
                    image: images(c),
                }
            };
            self.count += 1;
            self.end += slot.c.len_utf8();
        }
        self.items.get(k).copied()
    }

    fn char(&mut self, k: usize) -> Option<char> {
        self.item(k).map(|item| item.c)
    }

    /// The pages (bit `i` for page `i`) in which the first `chars` characters stand for the same
    /// bytes as in `page`: a window without lost bytes found in `page` is the same window there.
    /// One mask per window (one look-up per character), tested with a bit for each other page,
    /// costs less than comparing the characters again for each of them.
    pub fn same_bytes_as(&mut self, chars: usize, page: &CodePage) -> u16 {
        let mut same = u16::MAX;
        for k in 0..chars {
            // ASCII stands for itself in every page, and a character that is no page's image
            // for no byte in any: only images can differ.
            if let Some(image) = self.item(k).and_then(|item| item.image) {
                same &= image.same[page.index];
            }
        }
        same
    }

    fn cont(&mut self, k: usize, page: &CodePage) -> Option<u8> {
        self.item(k)?.cont(page)
    }
}

/// The window starting at the first character of `look` when read with `page`, if there is one.
pub fn window_at(look: &mut Lookahead<'_>, page: &CodePage, ctx: ScanContext) -> Option<Window> {
    let start = look.item(0)?;
    let lead = start.byte(page)?;
    let width = utf8_width(lead)?;
    if width == 2
        && let Some(next) = look.item(1)
        && let Some(cont) = next.cont(page)
    {
        return two_byte_window(start, next, [lead, cont]);
    }
    let mut bytes = [lead, 0, 0, 0];
    let mut len = 1;
    let mut k = 1;
    let mut gap: Option<Gap> = None;
    let holes = page.has_holes();
    let nbsp = ctx.nbsp_may_be_lost && page.a0_is_nbsp();
    // The last character of the window so far.
    let mut last = start;
    while len < width {
        let Some(item) = look.item(k) else {
            break;
        };
        let c = item.c;
        if let Some(b) = item.cont(page) {
            last = item;
            bytes[len] = b;
            len += 1;
            k += 1;
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
            last = item;
            len += 1;
            k += 1;
            continue;
        }
        if c == ' ' && (holes || nbsp) {
            let cont_follows = look.cont(k + 1, page).is_some();
            if cont_follows && len + 1 < width {
                // In the middle of a sequence, a space can only be a byte that became one.
                let fill = if nbsp { Fill::HoleOrNbsp } else { Fill::Hole };
                gap = Some(Gap { index: len, fill });
                last = item;
                len += 1;
                k += 1;
                continue;
            }
            let two_spaces = look.char(k + 1) == Some(' ');
            let last_byte_nbsp = nbsp && len + 1 == width;
            if last_byte_nbsp {
                // The space was the lost 0xA0 when the character it completes goes on with
                // the word after it (`Å veices`, `Ã s`, `à¸ à¸²`).
                bytes[len] = 0xA0;
                let rest = &look.text[item.end()..];
                if decode_one(&bytes[..=len]).is_some_and(|c| nbsp_was_the_space(c, rest, page)) {
                    gap = Some(Gap {
                        index: len,
                        fill: Fill::Nbsp,
                    });
                    last = item;
                    len += 1;
                    k += 1;
                    break;
                }
            }
            let dropped_hole = len + 1 == width
                && (two_spaces || nbsp)
                && holes
                && width >= 3
                && dropped_byte(&bytes[..len], page).is_some();
            if dropped_hole && len + 1 == width && two_spaces {
                // A last byte that became a space of its own, before the real one.
                gap = Some(Gap {
                    index: len,
                    fill: Fill::Hole,
                });
                last = item;
                len += 1;
                k += 1;
                break;
            }
            if last_byte_nbsp && !dropped_hole {
                // A last byte 0xA0 lost: as a space of its own when two spaces follow the
                // window, else dropped before the real space (which stays: `Ã nos`).
                gap = Some(Gap {
                    index: len,
                    fill: Fill::Nbsp,
                });
                len += 1;
                if two_spaces {
                    last = item;
                    k += 1;
                }
            }
        }
        break;
    }
    if len == width
        && gap.is_none()
        && let Some((c, end_item)) = cesu_pair(look, &bytes, k, page)
    {
        return Some(Window {
            start: start.at,
            end: end_item.end(),
            decoded: Decoded::Exact(c),
            lost_nbsp: false,
            chars: k + 3,
        });
    }
    let decoded = if len == width {
        match gap {
            None => Decoded::Exact(exact(&bytes[..width])?),
            Some(gap) => fill_gap(&bytes[..width], gap, page)?,
        }
    } else if gap.is_none() && holes && width >= 3 && len + 1 == width {
        dropped_byte(&bytes[..len], page)?
    } else {
        return None;
    };
    Some(Window {
        start: start.at,
        end: last.end(),
        decoded,
        lost_nbsp: gap.is_some_and(|g| g.fill == Fill::Nbsp),
        chars: k,
    })
}

/// A supplementary character written in CESU-8 (its UTF-16 surrogates encoded one by one, as
/// Java and MySQL's old `utf8` do: `í\u{a0}½í¸\u{8d}` for `😍`): `high` is a high surrogate's
/// three bytes, and the next three characters of `look` from `k` stand for the low one.
fn cesu_pair(
    look: &mut Lookahead<'_>,
    high: &[u8; 4],
    k: usize,
    page: &CodePage,
) -> Option<(char, Item)> {
    if high[0] != 0xED || !(0xA0..=0xAF).contains(&high[1]) {
        return None;
    }
    let lead = look.item(k)?;
    if lead.byte(page)? != 0xED {
        return None;
    }
    let second = look
        .cont(k + 1, page)
        .filter(|b| (0xB0..=0xBF).contains(b))?;
    let third_item = look.item(k + 2)?;
    let third = third_item.cont(page)?;
    let surrogate = |b: [u8; 3]| {
        (u32::from(b[0] & 0x0F) << 12) | (u32::from(b[1] & 0x3F) << 6) | u32::from(b[2] & 0x3F)
    };
    let high = surrogate([high[0], high[1], high[2]]);
    let low = surrogate([0xED, second, third]);
    let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?;
    plausible_decoded(c).then_some((c, third_item))
}

/// Whether the plain space after a sequence that lost its last byte 0xA0, completing it as
/// `c`, was that byte (and the word goes on with `rest`), rather than a real space after a
/// byte that was dropped. A capital starts a word (`Å veices` is `Šveices`); a letter of a
/// script written without spaces, or whose next letter is damaged too, goes on with it
/// (`à¸ à¸²` is `ภา`); a small Latin letter ends its word (`Ã nos` is `à nos`) but for the
/// Portuguese words that begin with `à` (`às`, `àquele`).
fn nbsp_was_the_space(c: char, rest: &str, page: &CodePage) -> bool {
    let Some(next) = rest.chars().next() else {
        return false;
    };
    if c.is_whitespace() {
        // A no-break space (`Â ` is U+00A0): no space after it.
        return true;
    }
    if !is_letter(next) {
        return false;
    }
    if is_upper(c) && is_letter(c) {
        return true;
    }
    if c == 'à' {
        return PORTUGUESE_AFTER_A_GRAVE.iter().any(|word| {
            rest.strip_prefix(word).is_some_and(|after| {
                !after
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_alphanumeric() || n == '\'' || n == '’')
            })
        });
    }
    let next_is_damaged = images(next).is_some_and(|image| image.lead & (1 << page.index) != 0);
    is_letter(c) && !matches!(script(c), Script::Latin) && next_is_damaged
}

/// What follows `à` in the Portuguese words that begin with it.
const PORTUGUESE_AFTER_A_GRAVE: &[&str] =
    &["s", "quele", "queles", "quela", "quelas", "quilo", "quilos"];

/// The window of a two-byte sequence whose bytes are both there (most windows): what the general
/// loop of [`window_at`] finds for them, without its bookkeeping for lost bytes.
fn two_byte_window(start: Item, next: Item, bytes: [u8; 2]) -> Option<Window> {
    let c = exact(&bytes)?;
    Some(Window {
        start: start.at,
        end: next.end(),
        decoded: Decoded::Exact(c),
        lost_nbsp: false,
        chars: 2,
    })
}

/// The character `bytes` (a whole sequence, no byte lost) decode to, if a repair may give it.
fn exact(bytes: &[u8]) -> Option<char> {
    if let [b1 @ 0xC2..=0xDF, b2 @ 0x80..=0xBF] = *bytes {
        // Most windows: one bit of a table answers.
        return two_byte_fits(b1, b2).then(|| decode_two(b1, b2)).flatten();
    }
    decode_one(bytes).filter(|c| fits(*c))
}

/// Whether `c` is what a repair may give: a plausible character, or a C1 control, which is what
/// a first layer of double damage through Latin-1 gives (the run keeps it only if a second layer
/// turns it into something real).
fn fits(c: char) -> bool {
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
fn two_byte_fits(b1: u8, b2: u8) -> bool {
    TWO_BYTE_FITS[usize::from(b1 & 0x1F)] >> (b2 & 0x3F) & 1 != 0
}

/// The character of the two-byte sequence `b1 b2`, its bits taken as they are (the caller
/// knows `b1` is a lead byte of a two-byte sequence and `b2` a continuation byte).
#[inline]
fn decode_two(b1: u8, b2: u8) -> Option<char> {
    char::from_u32((u32::from(b1 & 0x1F) << 6) | u32::from(b2 & 0x3F))
}

/// The one character `bytes` (2–4 of them, a lead byte first) encode in UTF-8, if they are a
/// valid sequence: no overlong forms, no surrogates, nothing above U+10FFFF.
fn decode_one(bytes: &[u8]) -> Option<char> {
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

/// The values the missing byte may take, in the order their characters are listed.
fn fill_values(fill: Fill, page: &CodePage) -> impl Iterator<Item = u8> + '_ {
    let holes = match fill {
        Fill::Nbsp => None,
        Fill::Hole | Fill::HoleOrNbsp => Some(page.holes()),
    };
    let nbsp = (fill != Fill::Hole).then_some(0xA0);
    holes.into_iter().flatten().chain(nbsp)
}

fn fill_gap(bytes: &[u8], gap: Gap, page: &CodePage) -> Option<Decoded> {
    let mut candidates = Vec::with_capacity(page.hole_count() + 1);
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
    let mut trial = [0u8; 4];
    let width = bytes.len() + 1;
    let mut candidates = Vec::with_capacity(bytes.len() * page.hole_count());
    for index in 1..width {
        // The bytes around the lost one are the same for every hole tried there.
        trial[..index].copy_from_slice(&bytes[..index]);
        trial[index + 1..width].copy_from_slice(&bytes[index..]);
        for hole in page.holes() {
            trial[index] = hole;
            // A character already listed was plausible: no need to ask again.
            if let Some(c) = decode_one(&trial[..width])
                && !candidates.contains(&c)
                && plausible_decoded(c)
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

const fn utf8_char_width(first: u8) -> usize {
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
fn char_at(text: &str, at: usize) -> Option<char> {
    let bytes = text.as_bytes();
    match *bytes.get(at)? {
        first @ 0xC2..=0xDF => {
            let second = bytes.get(at + 1)?;
            char::from_u32((u32::from(first & 0x1F) << 6) | u32::from(second & 0x3F))
        }
        _ => text.get(at..)?.chars().next(),
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
    use super::super::code_pages::CODE_PAGES;
    use super::*;

    const CTX: ScanContext = ScanContext {
        nbsp_may_be_lost: false,
        file: FileTraits {
            scripts: u32::MAX,
            box_drawing: false,
            languages: super::super::alphabets::ANY,
            damaged: false,
        },
    };

    fn exact(text: &str, page: usize) -> Option<char> {
        match window_at(&mut Lookahead::new(text, 0), &CODE_PAGES[page], CTX)?.decoded {
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
        let w = window_at(&mut Lookahead::new("ï¸ Fonc", 0), &CODE_PAGES[1], CTX).expect("window");
        assert_eq!(w.end, "ï¸".len());
        match w.decoded {
            Decoded::Lost(c) => assert!(c.contains(&'\u{FE0F}')),
            Decoded::Exact(_) => panic!("expected a lost byte"),
        }
    }

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
                assert_eq!(super::exact(&[b1, b2]), decoded, "{b1:x} {b2:x}");
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

    #[test]
    fn clean_text_has_no_candidate() {
        assert!(candidates("héllo wörld, привет, 東京 👍🏽 café au lait").is_empty());
        assert_eq!(candidates("hÃ©llo")[0].at, 1);
    }
}
