//! Finding mojibake windows: a few characters that one code page turns back into the bytes of
//! one UTF-8 character.
//!
//! A window starts at a character that is the image of a UTF-8 lead byte (0xC2–0xF4) and goes on
//! with images of continuation bytes (0x80–0xBF) until the sequence is complete. It may miss one
//! byte: a byte the code page has no character for (a hole) that was dropped, or replaced by
//! `?`, U+FFFD or a space; or a 0xA0 (no-break space) that became a plain space. Those windows
//! carry every character that would fit, for the caller to rank.

use super::candidates::Candidate;
use super::code_pages::{CodePage, Image, images};
use super::plausibility::FileTraits;
use super::unicode::{Script, is_letter, is_upper, plausible_decoded, script};
use super::utf8::{char_at, decode_one, exact, is_cont, utf8_width};

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
}
