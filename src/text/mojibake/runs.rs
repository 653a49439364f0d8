//! Runs: consecutive windows of one code page, repaired together, judged together.
//!
//! A run is what a reader sees as one damaged stretch (`Ã©`, `â€™`, `ğŸ‡«ğŸ‡·`). Its repair is
//! the characters its windows decode to, undone again when the result is itself mojibake (text
//! damaged twice). Whether a run is *strong* evidence of damage decides whether it may repair a
//! file on its own; weak runs are repaired only in a file the page is known to have damaged.
//!
//! Finding runs is cheap (no allocation per run) because it is done for every page that could
//! explain something; the repaired text is built only for the runs that are kept.

use std::ops::Range;

use super::code_pages::{CODE_PAGES, CodePage};
use super::lost::choose;
use super::scan::{Candidate, Decoded, Lookahead, ScanContext, Window, candidates, window_at};
use super::unicode::{Script, is_letter, is_lower, is_upper, script};

/// How many extra layers of damage are undone (text misread three times is not seen in the wild).
const MAX_EXTRA_LAYERS: usize = 2;

/// A window with its character settled (a lost byte chosen in context), kept small: files can
/// hold hundreds of thousands of them, for several pages.
#[derive(Clone, Copy, Debug)]
pub struct Resolved {
    pub start: usize,
    pub end: usize,
    pub chosen: char,
    /// Length of the UTF-8 sequence (2–4).
    pub width: u8,
    /// Every byte was there (not a lost byte restored).
    pub exact: bool,
    pub lead_is_letter: bool,
    pub lead_is_upper: bool,
    pub cont_not_letter: bool,
}

/// A damaged stretch: a range of the text and the windows that explain it.
#[derive(Clone, Debug)]
pub struct Run {
    pub range: Range<usize>,
    /// Indexes into [`PageRuns::windows`].
    pub windows: Range<usize>,
    /// Damage clean text does not produce by chance: enough to repair a file on its own.
    pub strong: bool,
    /// How many times the repair puts an upper-case letter right after a lower-case one: a
    /// worse reading than one that does not, when two pages explain the same text.
    pub misfits: usize,
    /// The script of the letter right before or after the run, if there is one.
    pub context: Option<Script>,
}

/// Every run one code page finds in a text.
#[derive(Debug, Default)]
pub struct PageRuns {
    pub windows: Vec<Resolved>,
    pub runs: Vec<Run>,
    /// For windows whose lost byte was a guess: (window index, the other characters that fit).
    pub alternatives: Vec<(usize, Vec<char>)>,
}

impl PageRuns {
    /// These runs without the windows that overlap `taken` (sorted), split where those were.
    pub fn outside(self, text: &str, page: &CodePage, taken: &[Resolved]) -> PageRuns {
        let mut out = PageRuns::default();
        // At most these windows are kept: reserved once rather than grown step by step.
        out.windows.reserve(self.windows.len());
        out.runs.reserve(self.runs.len());
        let mut alternatives = self.alternatives.into_iter().peekable();
        let mut at = 0;
        let mut run_start = 0;
        for (i, window) in self.windows.into_iter().enumerate() {
            while taken.get(at).is_some_and(|t| t.end <= window.start) {
                at += 1;
            }
            let others = alternatives.next_if(|(index, _)| *index == i);
            if taken.get(at).is_some_and(|t| t.start < window.end) {
                continue;
            }
            let contiguous = out
                .windows
                .last()
                .is_some_and(|last| out.windows.len() > run_start && last.end == window.start);
            // Runs of the full scan end where a window was not contiguous; keep those ends.
            if !contiguous {
                close_run(text, page, &mut out, run_start);
                run_start = out.windows.len();
            }
            if let Some((_, others)) = others {
                out.alternatives.push((out.windows.len(), others));
            }
            out.windows.push(window);
        }
        close_run(text, page, &mut out, run_start);
        out
    }
}

/// What a kept run becomes.
#[derive(Clone, Debug)]
pub struct RunRepair {
    pub repaired: String,
    pub alternatives: Vec<char>,
    /// A byte lost in the damage was restored.
    pub restored: bool,
}

/// Every run in `text` of each page of `pages` (bit `i` for page `i`), looking only at the
/// `candidates` of the fast path. The characters after a candidate are looked up once for all
/// the pages tried there.
pub fn runs_for_pages(
    text: &str,
    pages: u16,
    ctx: ScanContext,
    candidates: &[Candidate],
) -> Vec<(&'static CodePage, PageRuns)> {
    runs_for_pages_seeded(text, pages, ctx, candidates, None)
}

/// [`runs_for_pages`], given the windows another page already found in the same `candidates`
/// (the seed, sorted): where it found one without lost bytes, the pages that read it alike take
/// it as it is, as they would from a page scanned alongside them.
pub fn runs_for_pages_seeded(
    text: &str,
    pages: u16,
    ctx: ScanContext,
    candidates: &[Candidate],
    seed: Option<(&CodePage, &[Resolved])>,
) -> Vec<(&'static CodePage, PageRuns)> {
    let mut seed_at = 0;
    let mut scanners: Vec<(&'static CodePage, Scanner)> = CODE_PAGES
        .iter()
        .filter(|page| pages & (1 << page.index) != 0)
        .map(|page| {
            let bit = 1 << page.index;
            let mine = candidates.iter().filter(|c| c.pages & bit != 0).count();
            let mut scanner = Scanner::default();
            scanner.found.windows.reserve(mine);
            scanner.found.runs.reserve(mine);
            (page, scanner)
        })
        .collect();
    for candidate in candidates {
        let wanted = candidate.pages & pages;
        if wanted == 0 {
            continue;
        }
        let mut look: Option<Lookahead> = None;
        // The last window without lost bytes found here (settled: the same for every page), and
        // the pages that read its characters as the same bytes, which find the same window.
        let mut shared: Option<(u16, Resolved)> = None;
        if let Some((seed_page, window)) = seeded_window(seed, &mut seed_at, candidate.at) {
            let look = look.get_or_insert_with(|| Lookahead::at_candidate(text, candidate));
            let chars = text[window.start..window.end].chars().count();
            shared = Some((look.same_bytes_as(chars, seed_page), window));
        }
        for (page, scanner) in &mut scanners {
            let bit = 1 << page.index;
            if wanted & bit == 0 || candidate.at < scanner.covered_to {
                continue;
            }
            if let Some((_, window)) = shared.filter(|(same, _)| same & bit != 0) {
                scanner.push_exact(text, page, window);
                continue;
            }
            let look = look.get_or_insert_with(|| Lookahead::at_candidate(text, candidate));
            let Some(window) = window_at(&mut *look, page, ctx) else {
                continue;
            };
            match &window.decoded {
                Decoded::Exact(c) => {
                    let resolved = Resolved::of(&window, *c, true);
                    // Only pages after this one may use the window again.
                    if wanted & !(bit | (bit - 1)) != 0 {
                        shared = Some((look.same_bytes_as(window.chars, page), resolved));
                    }
                    scanner.push_exact(text, page, resolved);
                }
                Decoded::Lost(fits) => scanner.push_lost(text, page, &window, fits),
            }
        }
    }
    scanners
        .into_iter()
        .map(|(page, mut scanner)| {
            close_run(text, page, &mut scanner.found, scanner.run_start);
            (page, scanner.found)
        })
        .collect()
}

/// The seed's window without lost bytes that starts at `at`, if there is one, for starts asked
/// in increasing order (`next` remembers where the last one was found).
fn seeded_window<'s>(
    seed: Option<(&'s CodePage, &[Resolved])>,
    next: &mut usize,
    at: usize,
) -> Option<(&'s CodePage, Resolved)> {
    let (page, windows) = seed?;
    while windows.get(*next).is_some_and(|w| w.start < at) {
        *next += 1;
    }
    windows
        .get(*next)
        .filter(|w| w.start == at && w.exact)
        .map(|w| (page, *w))
}

/// One page's runs as they are being found.
#[derive(Default)]
struct Scanner {
    found: PageRuns,
    /// Index in `found.windows` where the current run starts.
    run_start: usize,
    covered_to: usize,
}

impl Scanner {
    /// Closes the current run unless a window starting at `start` continues it; whether it does.
    fn continues(&mut self, text: &str, page: &CodePage, start: usize) -> bool {
        let found = &mut self.found;
        let contiguous = found
            .windows
            .last()
            .is_some_and(|last| found.windows.len() > self.run_start && last.end == start);
        if !contiguous {
            close_run(text, page, found, self.run_start);
            self.run_start = found.windows.len();
        }
        contiguous
    }

    /// Adds a window without lost bytes.
    fn push_exact(&mut self, text: &str, page: &CodePage, window: Resolved) {
        self.continues(text, page, window.start);
        self.covered_to = window.end;
        self.found.windows.push(window);
    }

    /// Adds a window with a lost byte, settled in context (the character before it, in the run
    /// or in the text, and the one after it); when nothing fits, the run ends before it.
    fn push_lost(&mut self, text: &str, page: &CodePage, window: &Window, fits: &[char]) {
        let contiguous = self.continues(text, page, window.start);
        let found = &mut self.found;
        let before = if contiguous {
            found.windows.last().map(|r| r.chosen)
        } else {
            char_before(text, window.start)
        };
        let Some(choice) = choose(fits, before, char_after(text, window.end)) else {
            close_run(text, page, found, self.run_start);
            self.run_start = found.windows.len();
            return;
        };
        self.covered_to = window.end;
        if !choice.others.is_empty() {
            found
                .alternatives
                .push((found.windows.len(), choice.others));
        }
        found
            .windows
            .push(Resolved::of(window, choice.chosen, false));
    }
}

impl Resolved {
    /// `window` settled as `chosen`; `exact` when no byte was lost.
    fn of(window: &Window, chosen: char, exact: bool) -> Resolved {
        Resolved {
            start: window.start,
            end: window.end,
            chosen,
            width: u8::try_from(window.width).unwrap_or(4),
            exact,
            lead_is_letter: window.lead_is_letter,
            lead_is_upper: window.lead_is_upper,
            cont_not_letter: window.cont_not_letter,
        }
    }
}

/// Closes the run made of `found.windows[start..]`, if any.
fn close_run(text: &str, page: &CodePage, found: &mut PageRuns, start: usize) {
    let windows = &found.windows[start..];
    let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
        return;
    };
    let range = first.start..last.end;
    let before = char_before(text, range.start);
    let after = char_after(text, range.end);
    let next_to_letter = before.is_some_and(is_letter) || after.is_some_and(is_letter);
    let after_lower = before.is_some_and(is_lower);
    let mut strong = is_strong(windows, next_to_letter, after_lower);
    if windows.iter().any(|r| is_c1(r.chosen)) {
        // Only the first layer of double damage: real if the next layer makes it real.
        strong &= undo_layers(chosen_text(windows), page, None)
            .chars()
            .all(|c| !is_c1(c));
    }
    let mut misfits = 0;
    let mut prev_lower = after_lower;
    for r in windows {
        misfits += usize::from(prev_lower && is_upper(r.chosen));
        prev_lower = is_lower(r.chosen);
    }
    let context = [before, after]
        .into_iter()
        .flatten()
        .find(|c| is_letter(*c))
        .map(script);
    found.runs.push(Run {
        range,
        windows: start..found.windows.len(),
        strong,
        misfits,
        context,
    });
}

/// The character that ends just before byte `at`, ASCII answered without decoding (it is what
/// most often surrounds a run).
#[inline]
fn char_before(text: &str, at: usize) -> Option<char> {
    match at.checked_sub(1).and_then(|i| text.as_bytes().get(i)) {
        Some(b) if b.is_ascii() => Some(char::from(*b)),
        _ => text[..at].chars().next_back(),
    }
}

/// The character that starts at byte `at`, ASCII answered without decoding.
#[inline]
fn char_after(text: &str, at: usize) -> Option<char> {
    match text.as_bytes().get(at) {
        Some(b) if b.is_ascii() => Some(char::from(*b)),
        _ => text[at..].chars().next(),
    }
}

/// Strong evidence: a window of three or four bytes (`â€™`, emoji), two windows in a row, a
/// letter decoded from a letter followed by a symbol (`Ã©`) or from a symbol next to a word, or
/// from an upper-case letter inside a lower-case word (`hĂŠbergement`).
fn is_strong(windows: &[Resolved], next_to_letter: bool, after_lower: bool) -> bool {
    let mut exact = windows.iter().filter(|r| r.exact);
    let Some(first) = exact.next() else {
        return false;
    };
    if first.width >= 3 || exact.next().is_some() {
        return true;
    }
    let symbol_after_letter = first.cont_not_letter && (first.lead_is_letter || next_to_letter);
    let upper_inside_word = first.lead_is_upper && after_lower;
    is_letter(first.chosen) && (symbol_after_letter || upper_inside_word)
}

/// The characters `windows` decode to, in a string allocated once (a character takes at most
/// four bytes).
fn chosen_text(windows: &[Resolved]) -> String {
    let mut text = String::with_capacity(4 * windows.len());
    for window in windows {
        text.push(window.chosen);
    }
    text
}

fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9F}').contains(&c)
}

/// `repaired` with further layers of damage undone, through `page` (the one that explained the
/// first layer) or else any page that explains them.
fn undo_layers(mut repaired: String, page: &CodePage, context: Option<Script>) -> String {
    for _ in 0..MAX_EXTRA_LAYERS {
        // A window needs two characters at least, and a place where one can start.
        if repaired.chars().nth(1).is_none() {
            break;
        }
        let starts = candidates(&repaired);
        if starts.is_empty() {
            // What most repairs are: nothing in them could start a window.
            break;
        }
        let pages = starts.iter().fold(0u16, |mask, c| mask | c.pages);
        // The page of the first layer first, then the others (each tried once).
        let deeper = std::iter::once(page)
            .chain(CODE_PAGES.iter().filter(|other| other.index != page.index))
            .filter(|page| pages & (1 << page.index) != 0)
            .find_map(|page| undo_layer(&repaired, page, context, &starts));
        match deeper {
            Some(deeper) => repaired = deeper,
            None => break,
        }
    }
    repaired
}

/// Whether every letter of `repaired` is of the `context` script (or no script in particular).
fn fits_script(repaired: &str, context: Option<Script>) -> bool {
    let Some(context) = context else {
        return true;
    };
    repaired
        .chars()
        .filter(|c| is_letter(*c))
        .all(|c| matches!(script(c), Script::Other) || script(c) == context)
}

/// The repair of `run`: its windows' characters, with further layers of damage undone. `None`
/// when a C1 control of a first layer is left (no second layer explained it), or when a weak
/// run would put letters of another script into a word (`’é` read as Mac Roman is `Վ`).
pub fn repair_run(found: &PageRuns, run: &Run, page: &CodePage) -> Option<RunRepair> {
    let windows = &found.windows[run.windows.clone()];
    let repaired = undo_layers(chosen_text(windows), page, run.context);
    if repaired.chars().any(is_c1) || (!run.strong && !fits_script(&repaired, run.context)) {
        return None;
    }
    Some(RunRepair {
        repaired,
        alternatives: {
            // Sorted by window index: pushed in order.
            let at = found
                .alternatives
                .partition_point(|(i, _)| *i < run.windows.start);
            found
                .alternatives
                .get(at)
                .filter(|(i, _)| run.windows.contains(i))
                .map(|(_, others)| others.clone())
                .unwrap_or_default()
        },
        restored: windows.iter().any(|r| !r.exact),
    })
}

/// Undoes one more layer of damage in an already repaired run, when what it became is itself
/// mojibake of `page` (text damaged twice): strong mojibake, or a run that covers all of it
/// and gives letters of the script around it (`ÅŸ` → `ş` in a Turkish word).
fn undo_layer(
    repaired: &str,
    page: &CodePage,
    context: Option<Script>,
    starts: &[Candidate],
) -> Option<String> {
    let ctx = ScanContext {
        nbsp_may_be_lost: false,
    };
    let (_, found) = runs_for_pages(repaired, 1 << page.index, ctx, starts).pop()?;
    let exact = |run: &&Run| found.windows[run.windows.clone()].iter().all(|r| r.exact);
    let strong = found.runs.iter().filter(exact).any(|run| run.strong);
    let covered: usize = found
        .runs
        .iter()
        .filter(exact)
        .map(|run| run.range.len())
        .sum();
    let whole = covered == repaired.len() && context.is_some();
    if !strong && !whole {
        // Neither strong nor a candidate for fitting the script: the text is not built.
        return None;
    }
    let mut out = String::with_capacity(repaired.len());
    let mut last = 0;
    for run in found.runs.iter().filter(exact) {
        out.push_str(&repaired[last..run.range.start]);
        out.extend(found.windows[run.windows.clone()].iter().map(|r| r.chosen));
        last = run.range.end;
    }
    out.push_str(&repaired[last..]);
    (strong || fits_script(&out, context)).then_some(out)
}
