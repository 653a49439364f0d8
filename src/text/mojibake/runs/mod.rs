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

use super::candidates::{Candidate, candidates};
use super::code_pages::{CODE_PAGES, CodePage};
use super::lost::choose;
use super::plausibility::Reading::{AsItStands, Repaired};
use super::plausibility::{self, Around, Cost, FileTraits};
use super::scan::{Decoded, Lookahead, ScanContext, Window, window_at};
use super::unicode::{Script, is_letter, is_lower, is_upper, script};

mod judge;
mod memory;
mod repair;

pub use judge::{Judge, STRONG};
pub use repair::repair_run;

/// How many extra layers of damage are undone (text misread three times is not seen in the wild).
const MAX_EXTRA_LAYERS: usize = 2;

/// A window with its character settled (a lost byte chosen in context), kept small: files can
/// hold hundreds of thousands of them, for several pages.
#[derive(Clone, Copy, Debug)]
pub struct Resolved {
    pub start: usize,
    pub end: usize,
    pub chosen: char,
    /// Every byte was there (not a lost byte restored).
    pub exact: bool,
    /// The byte restored was a no-break space (see [`Window::lost_nbsp`]).
    pub lost_nbsp: bool,
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
    /// How much more plausible the repaired text is than the text as it stands, in tenths
    /// (see `plausibility`): the confidence of the repair, in the file as it is.
    pub score: i32,
    /// The score's parts, to weigh it again once the file's damage is known to be in scripts
    /// the file did not seem to use ([`Run::score_with`]).
    pub judged: Judged,
}

/// A run's score before the cost of new scripts: both readings' costs, apart.
#[derive(Clone, Copy, Debug, Default)]
pub struct Judged {
    pub original: Cost,
    pub repaired: Cost,
    /// What restored bytes and the neighbourhood take off.
    pub penalty: i32,
    /// How many characters the repair has.
    pub repaired_chars: u32,
    /// How many of the run's windows restore a lost byte, and how many do not.
    pub guessed: u32,
    pub exact: u32,
    /// The run is one window of two bytes that gives a sign, not a letter.
    pub lone_sign: bool,
    /// Undoing another layer of damage changed the repair (see [`undo_layers`]).
    pub deeper: bool,
}

/// The lower bound of a run's cost from which the bound is its cost (see [`judge_run`]).
const ODD_ENOUGH: i32 = 40;

/// What each window past the second adds to a run of exact windows: three or more sequences in
/// a row that each encode back to one valid, plausible character are what a misreading leaves,
/// not what text holds by chance, even when the signs they are made of cost little as they
/// stand (`–ø—Ä–∏–≤–µ—Ç`, Cyrillic read as Mac Roman).
const CHAIN: i32 = 5;

/// The cost per character (scripts aside) beyond which a repaired text is still odd.
const ODD_PER_CHARACTER: i32 = 20;

impl Run {
    /// The score in a file that uses the scripts `scripts`.
    pub fn score_with(&self, scripts: u32) -> i32 {
        self.judged.score(scripts)
    }
}

impl Judged {
    /// How much more plausible the repair reads than the text as it stands, in a file that
    /// uses the scripts `scripts`. A repair that restores lost bytes must also read as text of
    /// its own: guessing a garble of ten characters into four that are still odd
    /// (`ItÃ?Â¢â?¬â?¢s` into `ItÁ¢⏬❢s`) is no repair, however odd the garble was.
    pub fn score(&self, scripts: u32) -> i32 {
        let chain = if self.guessed == 0 {
            CHAIN * i32::try_from(self.exact.saturating_sub(2)).unwrap_or(i32::MAX / CHAIN / 2)
        } else {
            0
        };
        let score = self.original.with_scripts(scripts) - self.repaired.with_scripts(scripts)
            + chain
            - self.penalty;
        let odd = self.guessed > 0
            && i64::from(self.repaired.base)
                > i64::from(ODD_PER_CHARACTER) * i64::from(self.repaired_chars.max(1));
        if odd {
            score.min(0)
        } else if (self.guessed >= 2 && self.guessed > self.exact) || self.lone_sign {
            // Mostly guesses, or one sign of two bytes (`Â°` may be what the author typed: the
            // repair only takes the `Â` away): whatever it gives, no evidence on its own.
            score.min(STRONG - 1)
        } else {
            score
        }
    }
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
    pub fn outside(
        self,
        text: &str,
        page: &CodePage,
        taken: &[Resolved],
        judge: &mut Judge,
    ) -> PageRuns {
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
                close_run(text, page, &mut out, run_start, judge);
                run_start = out.windows.len();
            }
            if let Some((_, others)) = others {
                out.alternatives.push((out.windows.len(), others));
            }
            out.windows.push(window);
        }
        close_run(text, page, &mut out, run_start, judge);
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
    judge: &mut Judge,
) -> Vec<(&'static CodePage, PageRuns)> {
    runs_for_pages_seeded(text, pages, ctx, candidates, None, judge)
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
    judge: &mut Judge,
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
                scanner.push_exact(text, page, window, judge);
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
                    scanner.push_exact(text, page, resolved, judge);
                }
                Decoded::Lost(fits) => scanner.push_lost(text, page, &window, fits, judge),
            }
        }
    }
    scanners
        .into_iter()
        .map(|(page, mut scanner)| {
            close_run(text, page, &mut scanner.found, scanner.run_start, judge);
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
    fn continues(&mut self, text: &str, page: &CodePage, start: usize, judge: &mut Judge) -> bool {
        let found = &mut self.found;
        let contiguous = found
            .windows
            .last()
            .is_some_and(|last| found.windows.len() > self.run_start && last.end == start);
        if !contiguous {
            close_run(text, page, found, self.run_start, judge);
            self.run_start = found.windows.len();
        }
        contiguous
    }

    /// Adds a window without lost bytes.
    fn push_exact(&mut self, text: &str, page: &CodePage, window: Resolved, judge: &mut Judge) {
        self.continues(text, page, window.start, judge);
        self.covered_to = window.end;
        self.found.windows.push(window);
    }

    /// Adds a window with a lost byte, settled in context (the character before it, in the run
    /// or in the text, and the one after it); when nothing fits, the run ends before it.
    fn push_lost(
        &mut self,
        text: &str,
        page: &CodePage,
        window: &Window,
        fits: &[char],
        judge: &mut Judge,
    ) {
        let contiguous = self.continues(text, page, window.start, judge);
        let found = &mut self.found;
        let before = if contiguous {
            found.windows.last().map(|r| r.chosen)
        } else {
            char_before(text, window.start)
        };
        // The character after the window says nothing of the script when it may start a
        // window itself (the next letter, damaged too: `Ð ÑƒÑ`).
        let after = char_after(text, window.end).filter(|c| {
            super::code_pages::images(*c).is_none_or(|image| image.lead & (1 << page.index) == 0)
        });
        let Some(choice) = choose(fits, before, after) else {
            close_run(text, page, found, self.run_start, judge);
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
            exact,
            lost_nbsp: window.lost_nbsp,
        }
    }
}

/// Closes the run made of `found.windows[start..]`, if any.
fn close_run(text: &str, page: &CodePage, found: &mut PageRuns, start: usize, judge: &mut Judge) {
    let windows = &found.windows[start..];
    let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
        return;
    };
    let range = first.start..last.end;
    let after_lower = char_before(text, range.start).is_some_and(is_lower);
    let mut misfits = 0;
    let mut prev_lower = after_lower;
    for r in windows {
        misfits += usize::from(prev_lower && is_upper(r.chosen));
        prev_lower = is_lower(r.chosen);
    }
    let judged = judge.judge(text, page, windows, range.clone());
    let score = judged.map_or(i32::MIN / 2, |j| j.score(judge.file.scripts()));
    found.runs.push(Run {
        range,
        windows: start..found.windows.len(),
        strong: score >= STRONG,
        misfits,
        score,
        judged: judged.unwrap_or(Judged {
            penalty: i32::MAX / 4,
            ..Judged::default()
        }),
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
