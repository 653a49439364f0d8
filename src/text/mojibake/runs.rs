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

/// Judges runs in one file, remembering its judgements: a damaged file holds the same run
/// between the same kinds of neighbours many times (`Ã©` inside a lower-case word), and
/// weighing both readings is the costliest part of the scan.
#[derive(Default)]
pub struct Judge {
    file: FileTraits,
    known: rustc_hash::FxHashMap<JudgeKey, Option<Judged>>,
    /// The judgements of runs of one window without a lost byte between ASCII neighbours
    /// (most runs of a damaged file), by [`one_window_key`].
    known_windows: rustc_hash::FxHashMap<u64, Option<Judged>>,
}

/// A run of one window without a lost byte, between ASCII neighbours (or none), in 53 bits:
/// the page, the character it decodes to (which, with the page, gives its characters), and its
/// four neighbours, ASCII letters by case but for the few an apostrophe's contraction reads.
fn one_window_key(
    text: &str,
    page: &CodePage,
    windows: &[Resolved],
    range: &Range<usize>,
) -> Option<u64> {
    let [window] = windows else {
        return None;
    };
    if !window.exact || window.lost_nbsp {
        return None;
    }
    let bytes = text.as_bytes();
    let ascii_at = |at: Option<usize>| -> Option<u64> {
        let Some(at) = at else {
            return Some(0);
        };
        let b = *bytes.get(at)?;
        if !b.is_ascii() {
            return None;
        }
        Some(u64::from(match b {
            b's' | b't' | b'd' | b'm' => b,
            b'a'..=b'z' => b'a',
            b'A'..=b'Z' => b'A',
            // A byte of 0x80 or more is no neighbour: the end of the text reads as 0.
            _ => b,
        }))
    };
    let before = |n: usize| range.start.checked_sub(n).filter(|_| range.start >= n);
    let after = |n: usize| Some(range.end + n - 1).filter(|at| *at < bytes.len());
    let neighbours = [
        ascii_at(before(2).filter(|_| before(1).is_some()))?,
        ascii_at(before(1))?,
        ascii_at(after(1))?,
        ascii_at(after(2).filter(|_| after(1).is_some()))?,
    ];
    let mut key = u64::try_from(page.index).ok()? | (u64::from(window.chosen) << 4);
    for (i, n) in neighbours.into_iter().enumerate() {
        key |= n << (25 + 7 * i);
    }
    Some(key)
}

/// What a run's judgement depends on: the page, its characters and what they decode to, and
/// its neighbours (any small ASCII letter but the few an apostrophe's contraction reads is as
/// good as another, and so is any ASCII capital).
#[derive(Clone, Copy)]
struct JudgeKey {
    page: u8,
    len: u8,
    items: [u32; JUDGE_KEY_ITEMS],
}

impl JudgeKey {
    /// The items in use.
    fn items(&self) -> &[u32] {
        &self.items[..usize::from(self.len)]
    }
}

impl PartialEq for JudgeKey {
    fn eq(&self, other: &Self) -> bool {
        self.page == other.page && self.items() == other.items()
    }
}

impl Eq for JudgeKey {}

impl std::hash::Hash for JudgeKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.page.hash(state);
        self.items().hash(state);
    }
}

/// The longest run (characters and repairs, with the four neighbours) whose judgement is kept.
const JUDGE_KEY_ITEMS: usize = 40;

impl JudgeKey {
    fn of(text: &str, page: &CodePage, windows: &[Resolved], range: &Range<usize>) -> Option<Self> {
        let around = Around::of(text, range.start, range.end);
        let neighbours = [
            around.before[1],
            around.before[0],
            around.after[0],
            around.after[1],
        ];
        let class = |c: Option<char>| match c {
            None => 0,
            Some('s' | 't' | 'd' | 'm') => u32::from(c.unwrap_or(' ')),
            Some(c) if c.is_ascii_lowercase() => u32::from('a'),
            Some(c) if c.is_ascii_uppercase() => u32::from('A'),
            Some(c) => u32::from(c),
        };
        let page = u8::try_from(page.index).ok()?;
        let mut key = JudgeKey {
            page,
            len: 0,
            items: [0; JUDGE_KEY_ITEMS],
        };
        let mut push = |item: u32| -> Option<()> {
            *key.items.get_mut(usize::from(key.len))? = item;
            key.len += 1;
            Some(())
        };
        push(class(neighbours[0]))?;
        push(class(neighbours[1]))?;
        for c in text[range.clone()].chars() {
            push(u32::from(c))?;
        }
        push(u32::MAX)?;
        for window in windows {
            push(
                u32::from(window.chosen)
                    | (u32::from(window.lost_nbsp) << 24)
                    | (u32::from(!window.exact) << 25),
            )?;
        }
        push(u32::MAX)?;
        push(class(neighbours[2]))?;
        push(class(neighbours[3]))?;
        Some(key)
    }
}

impl Judge {
    pub fn new(file: FileTraits) -> Self {
        Judge {
            file,
            known: rustc_hash::FxHashMap::default(),
            known_windows: rustc_hash::FxHashMap::default(),
        }
    }

    /// [`judge_run`], remembered.
    fn judge(
        &mut self,
        text: &str,
        page: &CodePage,
        windows: &[Resolved],
        range: Range<usize>,
    ) -> Option<Judged> {
        if let Some(key) = one_window_key(text, page, windows, &range) {
            if let Some(known) = self.known_windows.get(&key) {
                return *known;
            }
            let judged = judge_run(text, page, windows, range, &self.file);
            self.known_windows.insert(key, judged);
            return judged;
        }
        let Some(key) = JudgeKey::of(text, page, windows, &range) else {
            return judge_run(text, page, windows, range, &self.file);
        };
        if let Some(known) = self.known.get(&key) {
            return *known;
        }
        let judged = judge_run(text, page, windows, range, &self.file);
        self.known.insert(key, judged);
        judged
    }
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

impl Judge {
    /// The score of `run` (one of `found`, read with `page`) judged again in this judge's
    /// file: once the file is known to be damaged, and in which scripts and languages.
    pub fn rescore(&mut self, text: &str, page: &CodePage, found: &PageRuns, run: &Run) -> i32 {
        let windows = &found.windows[run.windows.clone()];
        self.judge(text, page, windows, run.range.clone())
            .map_or(i32::MIN / 2, |j| j.score(self.file.scripts()))
    }
}

/// A run whose score reaches this is strong evidence: enough to repair it, and the rest of
/// its page's runs, on its own.
pub const STRONG: i32 = 20;

/// What a restored byte costs the repair: it is a guess; a no-break space taken from a plain
/// space more so (spaces are everywhere).
const LOST_BYTE: i32 = 10;
const LOST_NBSP: i32 = 15;

/// Both readings of `windows` (a run over `range` of `text`, read with `page`) weighed; `None`
/// when no repair of them is possible (a C1 control left by a first layer of damage).
fn judge_run(
    text: &str,
    page: &CodePage,
    windows: &[Resolved],
    range: Range<usize>,
    file: &FileTraits,
) -> Option<Judged> {
    let around = Around::of(text, range.start, range.end);
    let lost: i32 = windows
        .iter()
        .map(|w| match (w.exact, w.lost_nbsp) {
            (true, _) => 0,
            (false, false) => LOST_BYTE,
            (false, true) => LOST_NBSP,
        })
        .sum();
    let mut deeper = false;
    let (repaired, repaired_chars) = if may_hold_more_damage(windows) {
        let chosen = chosen_text(windows);
        let undone = undo_layers(chosen.clone(), page, &around);
        if undone.chars().any(is_c1) {
            return None;
        }
        deeper = undone != chosen;
        let cost = plausibility::cost(undone.chars(), Repaired, &around, file);
        (cost, undone.chars().count())
    } else {
        let cost = plausibility::cost(windows.iter().map(|w| w.chosen), Repaired, &around, file);
        (cost, windows.len())
    };
    // A run odd enough on its own (most runs of a damaged file) is weighed by its lower bound;
    // which one is used depends on the text alone, so every page that finds the run weighs it
    // the same, and a bound only makes a repair look less plausible than it is.
    let least = plausibility::cost_at_least(&text[range.clone()], file);
    let mut original = if least.base >= ODD_ENOUGH {
        least
    } else {
        plausibility::cost(text[range.clone()].chars(), AsItStands, &around, file)
    };
    if box_drawing_in_a_word(&text[range], &around) {
        original.base += BOX_IN_A_WORD;
    }
    Some(Judged {
        original,
        repaired,
        penalty: lost + garble(&around),
        repaired_chars: u32::try_from(repaired_chars).unwrap_or(u32::MAX),
        guessed: u32::try_from(windows.iter().filter(|w| !w.exact).count()).unwrap_or(u32::MAX),
        exact: u32::try_from(windows.iter().filter(|w| w.exact).count()).unwrap_or(u32::MAX),
        lone_sign: matches!(windows, [only] if only.chosen.len_utf8() == 2 && !is_letter(only.chosen)),
        deeper,
    })
}

/// What box drawing costs inside a word, as it stands (`B├╝ro`, `güneş` read as CP437 into
/// `g├╝ne┼ƒ`).
const BOX_IN_A_WORD: i32 = 30;

/// Whether `run` is box drawing only, with letters on both sides and a word of two letters on
/// one side at least: a tree or a frame has spaces or more box drawing beside it, and line
/// art (`├┤a┼┐a┼┐a`) single letters between its pieces, not words.
fn box_drawing_in_a_word(run: &str, around: &Around) -> bool {
    let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
    run.chars().all(|c| ('\u{2500}'..='\u{259F}').contains(&c))
        && letter(around.before[0])
        && letter(around.after[0])
        && (letter(around.before[1]) || letter(around.after[1]))
}

/// How much the neighbourhood of a run looks like junk that no window explains: the rare
/// characters within two characters that are the image of no byte in any page (those may be
/// pieces of neighbouring windows). A run inside such junk is no evidence that repairing it
/// makes the text readable; a run next to ordinary letters and punctuation is.
fn garble(around: &Around) -> i32 {
    around
        .before
        .iter()
        .chain(&around.after)
        .flatten()
        .filter(|c| !c.is_ascii())
        .filter(|c| super::code_pages::images(**c).is_none())
        .map(|c| i32::from(plausibility::info(*c).cost))
        .filter(|cost| *cost >= 20)
        .sum()
}

/// Whether the characters `windows` decode to may be mojibake again (text damaged twice): a C1
/// control, or two characters at least with a lead byte's image among them.
fn may_hold_more_damage(windows: &[Resolved]) -> bool {
    let image = |c: char| super::code_pages::images(c);
    windows.iter().any(|w| is_c1(w.chosen))
        || windows.windows(2).any(|pair| {
            image(pair[0].chosen)
                .zip(image(pair[1].chosen))
                .is_some_and(|(lead, cont)| lead.lead & cont.cont != 0)
        })
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
fn undo_layers(mut repaired: String, page: &CodePage, around: &Around) -> String {
    let context = around
        .before
        .iter()
        .take(1)
        .chain(around.after.iter().take(1))
        .flatten()
        .find(|c| is_letter(**c))
        .map(|c| script(*c));
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
            .find_map(|page| undo_layer(&repaired, page, around, context));
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
pub fn repair_run(text: &str, found: &PageRuns, run: &Run, page: &CodePage) -> Option<RunRepair> {
    let windows = &found.windows[run.windows.clone()];
    // The judgement already tried the deeper layers: only a run they changed is undone again.
    let repaired = if run.judged.deeper {
        let around = Around::of(text, run.range.start, run.range.end);
        undo_layers(chosen_text(windows), page, &around)
    } else {
        chosen_text(windows)
    };
    if repaired.chars().any(is_c1) {
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
    around: &Around,
    context: Option<Script>,
) -> Option<String> {
    let ctx = ScanContext {
        nbsp_may_be_lost: false,
        file: FileTraits::default(),
    };
    // The layer is judged where it stands, between the run's neighbours: alone, one letter
    // would look like a word of its own.
    let mut padded = String::with_capacity(repaired.len() + 16);
    padded.extend(around.before.iter().rev().flatten());
    let inner = padded.len()..padded.len() + repaired.len();
    padded.push_str(repaired);
    padded.extend(around.after.iter().flatten());
    let starts: Vec<Candidate> = candidates(&padded)
        .into_iter()
        .filter(|c| inner.contains(&c.at))
        .collect();
    if starts.is_empty() {
        return None;
    }
    let mut judge = Judge::new(ctx.file);
    let (_, mut found) =
        runs_for_pages(&padded, 1 << page.index, ctx, &starts, &mut judge).pop()?;
    // Back to offsets in `repaired`, dropping what reaches into the neighbours.
    found.runs.retain(|run| run.range.end <= inner.end);
    for run in &mut found.runs {
        run.range = run.range.start - inner.start..run.range.end - inner.start;
    }
    let exact = |run: &&Run| found.windows[run.windows.clone()].iter().all(|r| r.exact);
    let strong = found.runs.iter().filter(exact).any(|run| run.strong);
    let covered: usize = found
        .runs
        .iter()
        .filter(exact)
        .map(|run| run.range.len())
        .sum();
    // The whole first layer is mojibake again, every run of it more plausible undone: the
    // chance that a repair gives a valid sequence of images by accident is small.
    let whole = covered == repaired.len() && found.runs.iter().all(|run| run.score > 0);
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
