//! Mojibake repair: valid UTF-8 text that is really UTF-8 bytes misread with a single-byte code
//! page (`hÃ©bergement`, `â€™`, `ğŸ‡«ğŸ‡·`), turned back into what was written.
//!
//! How it decides, in order:
//! 1. **Fast path.** Damage needs a character that is the image of a UTF-8 lead byte followed by
//!    one of a continuation byte (or of a lost byte) in some page; a file with none is returned
//!    untouched after one table look-up per non-ASCII character.
//! 2. **Evidence over the whole file.** Each page's runs (consecutive windows, see `scan` and
//!    `runs`) are found, and the page whose *strong* runs outside Markdown code cover the most
//!    text explains the file: `ğ` and `Ş` only come from Windows-1254, `Ð` from Windows-1252,
//!    `Р`/`С` from Windows-1251. A file where no page has strong evidence outside code is clean:
//!    a code span quoting `Ã©` stays as written.
//! 3. **Run by run.** Every run of the chosen page is repaired (its windows decode, by
//!    construction, to valid UTF-8 of plausible characters: the round-trip check); strong runs
//!    of other pages that do not overlap are repaired too (a file misread twice in different
//!    ways). Clean text between runs, on the same line or not, is never touched.
//! 4. **Lost bytes.** A window that misses one byte the page has no character for is completed
//!    with the character that fits the context best (`lost`); ties are reported.
//!
//! Repairs are returned as byte ranges of the input with their replacement, so callers can apply
//! them to the text they parse or to the file's own bytes (keeping its line endings and BOM).

mod alphabets;
mod candidates;
mod class_table;
mod code_pages;
mod controls;
mod lost;
mod markdown_code;
mod plausibility;
mod runs;
mod scan;
mod tables;
mod unicode;
mod utf8;
mod weigh;

use std::ops::Range;

pub use code_pages::{CODE_PAGES, CodePage};

use candidates::candidates;
use plausibility::FileTraits;
use runs::{PageRuns, RunRepair, repair_run};
use scan::ScanContext;

/// One repaired stretch of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repair {
    /// Byte range of the damaged text in the input.
    pub range: Range<usize>,
    /// 1-based line and column (in characters) of the start of the damage.
    pub line: usize,
    pub column: usize,
    /// The text as it was, and as it is after repair.
    pub damaged: String,
    pub repaired: String,
    /// The code page whose misreading was undone.
    pub code_page: &'static str,
    /// A byte lost in the damage was restored.
    pub restored: bool,
    /// Characters that would have restored the lost byte as plausibly as the chosen one: when
    /// not empty, the repair is a guess and is reported as ambiguous.
    pub alternatives: Vec<char>,
}

/// What [`analyze`] finds in a text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// The repairs confident enough to apply: sorted by position, none overlapping.
    pub repairs: Vec<Repair>,
    /// Repairs that would make the text more plausible, but not clearly enough to apply them
    /// unseen: reported (`possible-mojibake`) for a person to decide. Sorted, overlapping
    /// neither each other nor `repairs`.
    pub possible: Vec<Repair>,
}

/// Finds every repair `text` needs, sorted by position, none overlapping. Empty for clean text.
pub fn find_repairs(text: &str) -> Vec<Repair> {
    analyze(text).repairs
}

/// A run's score from which it is reported as possible mojibake when it is not repaired.
const POSSIBLE: i32 = 10;

/// The repairs `text` needs, and the possible ones it may need.
pub fn analyze(text: &str) -> Findings {
    let starts = candidates(text);
    let controls = has_c1_controls(text);
    if starts.is_empty() && !controls {
        return Findings::default();
    }
    let mut code = markdown_code::LazyCode::new(text);
    let (applied, mut possible, controls) = if starts.is_empty() {
        let controls = controls::control_repairs(text, |_| false, &mut code);
        (Vec::new(), Vec::new(), controls)
    } else {
        let mut runs = judge_runs(text, &starts, controls);
        let (applied, possible) = decide(text, &mut runs, &mut code);
        // Controls inside runs are the runs' business.
        let controls = controls::control_repairs(text, runs.inside_a_run_in_order(), &mut code);
        (applied, possible, controls)
    };
    let mut repairs = merge_sorted(
        applied,
        controls.into_iter().map(|(range, c)| {
            let repair = RunRepair {
                repaired: c.to_string(),
                alternatives: Vec::new(),
                restored: false,
            };
            placed(range, repair, code_pages::CODE_PAGES[0].name)
        }),
    );
    locate(text, &mut repairs);
    locate(text, &mut possible);
    Findings { repairs, possible }
}

/// A repair placed in the text: its range, what it gives, and the page it undoes; where it is
/// in lines and what it replaces are filled in by [`locate`] once all are chosen. Repairs are
/// built as they will be returned from the start: a large file's list is not copied into
/// another of a different type at the end.
fn placed(range: Range<usize>, repair: RunRepair, code_page: &'static str) -> Repair {
    Repair {
        range,
        line: 0,
        column: 0,
        damaged: String::new(),
        repaired: repair.repaired,
        code_page,
        restored: repair.restored,
        alternatives: repair.alternatives,
    }
}

/// A file's runs, judged.
struct JudgedRuns {
    /// The pages that damaged the file (the first explains it), or, when none did, every page
    /// scanned.
    pages: Vec<(&'static CodePage, PageRuns, usize)>,
    /// Whether a page damaged the file.
    damaged: bool,
    /// The scripts the file uses, counting those its damage is known to be in.
    scripts: u32,
    /// A judge for the first page's weak runs, in the scripts and languages the strong ones
    /// repair into (`Å veices` is no Swedish in a Latvian page).
    rejudge: Option<runs::Judge>,
}

impl JudgedRuns {
    /// Whether byte `at` lies inside a run of one of the pages (each page's runs are sorted).
    fn inside_a_run(&self, at: usize) -> bool {
        self.pages
            .iter()
            .any(|(_, runs, _)| overlaps_sorted(&runs.runs, &(at..at + 1), |run| &run.range))
    }

    /// [`Self::inside_a_run`] for bytes asked in increasing order: each page's runs are read
    /// once over all the questions instead of searched for each (a large file's controls are
    /// many, and so are its runs).
    fn inside_a_run_in_order(&self) -> impl FnMut(usize) -> bool + '_ {
        let mut next = vec![0; self.pages.len()];
        move |at| {
            self.pages
                .iter()
                .zip(&mut next)
                .any(|((_, runs, _), next)| {
                    overlaps_in_order(&runs.runs, next, &(at..at + 1), |run| &run.range)
                })
        }
    }
}

/// Every page's runs in `text` (whose window starts are `starts`), weighed over the file.
fn judge_runs(text: &str, starts: &[candidates::Candidate], controls: bool) -> JudgedRuns {
    let mut pages = starts.iter().fold(0, |mask, c| mask | c.pages);
    if !controls {
        // Latin-1 reads 0xA0–0xFF as Windows-1252 does and 0x80–0x9F as C1 controls: without
        // any in the text, it explains nothing Windows-1252 does not.
        pages &= !(1 << code_pages::LATIN1);
    }
    let ctx = ScanContext {
        nbsp_may_be_lost: !text.contains('\u{A0}'),
        file: FileTraits::of(text, starts),
    };
    let mut scan = weigh::FileScan {
        text,
        ctx,
        code: markdown_code::LazyCode::new(text),
        judge: runs::Judge::new(ctx.file),
    };
    let (pages, damaged) = match weigh::weigh_and_cover(&mut scan, pages, starts) {
        weigh::Weighing::Damaged(found) => (found, true),
        weigh::Weighing::Clean(scanned) => (
            scanned
                .into_iter()
                .map(|(page, runs)| (page, runs, 0))
                .collect(),
            false,
        ),
    };
    let first = pages.first().filter(|_| damaged);
    // The scripts the strong runs of the first page write in are the file's, whatever the rest
    // of it seemed to use: a Bulgarian page misread whole holds no Cyrillic until it is
    // repaired, and its one-letter words are as Cyrillic as its long ones.
    let scripts = first.map_or(ctx.file.scripts(), |(_, runs, _)| {
        runs.runs
            .iter()
            .filter(|run| run.strong)
            .fold(ctx.file.scripts(), |s, run| {
                s | run.judged.repaired.new_scripts
            })
    });
    let rejudge = first.map(|(_, runs, _)| {
        runs::Judge::new(ctx.file.damaged_into(scripts, repaired_languages(runs)))
    });
    JudgedRuns {
        pages,
        damaged,
        scripts,
        rejudge,
    }
}

/// The repairs to apply and the possible ones, from a file's judged runs.
fn decide(
    text: &str,
    judged: &mut JudgedRuns,
    code: &mut markdown_code::LazyCode<'_>,
) -> (Vec<Repair>, Vec<Repair>) {
    let mut applied = Vec::new();
    if judged.damaged {
        let mut rejudge = judged.rejudge.take();
        let found = &judged.pages;
        let kept = weigh::kept_runs(found);
        applied.reserve(kept.len());
        for (rank, i) in kept {
            let (page, runs, _) = &found[rank];
            let run = &runs.runs[i];
            let range = run.range.clone();

            // The first page has strong evidence in the file: its other runs need only be
            // more plausible repaired than as they are. Other pages' runs are strong.
            let score = match (&mut rejudge, run.score_with(judged.scripts)) {
                (Some(judge), score) if rank == 0 && score < runs::STRONG => {
                    judge.rescore(text, page, runs, run)
                }
                (_, score) => score,
            };
            if score > 0
                && let Some(repair) = repair_run(text, runs, run, page)
            {
                applied.push(placed(range, repair, page.name));
            }
        }
    }
    let mut held_back = garbled_lines(text, &mut applied);
    if let [only] = applied.as_slice()
        && text[only.range.clone()].chars().nth(2).is_none()
        && has_intact_text(text, only.range.clone(), |at| judged.inside_a_run(at))
        && !written_intact(text, &only.repaired, |at| judged.inside_a_run(at))
    {
        // One damaged-looking pair of characters on a line whose other text beyond ASCII is
        // intact (`Bremer/Mccoy – DrÃ¥ber`), and nothing else in the file, is too little to
        // rewrite it: it is reported for a person to decide. Unless the file writes what the
        // repair gives right elsewhere (`dÃ©ploiement … terminé`): then the pair is that text
        // pasted from a wrong reading, the mixed file ftfy repairs too.
        held_back.append(&mut applied);
    }
    let mut possible = possible_runs(text, &judged.pages, &applied, code, judged.scripts);
    possible.retain(|p| !overlaps_sorted(&held_back, &p.range, |r| &r.range));
    (applied, merge_sorted(possible, held_back))
}

/// Whether the line of `text` that holds `range` has a character beyond ASCII where `in_run`
/// says no run was looked at: text written right, beside what looks damaged.
fn has_intact_text(text: &str, range: Range<usize>, in_run: impl Fn(usize) -> bool) -> bool {
    let bytes = text.as_bytes();
    let start = memchr::memrchr(b'\n', &bytes[..range.start]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[range.end..]).map_or(text.len(), |i| range.end + i);
    let mut i = utf8::next_non_ascii(bytes, start);
    while i < end {
        if !in_run(i) {
            return true;
        }
        let width = text[i..].chars().next().map_or(1, char::len_utf8);
        i = utf8::next_non_ascii(bytes, i + width);
    }
    false
}

/// Whether `repaired` occurs in `text` where `in_run` says no run was looked at.
fn written_intact(text: &str, repaired: &str, in_run: impl Fn(usize) -> bool) -> bool {
    !repaired.is_empty()
        && memchr::memmem::find_iter(text.as_bytes(), repaired.as_bytes()).any(|at| !in_run(at))
}

/// How many places on a line its repairs may leave reading as mojibake before the line is
/// taken for a garble no page explains.
const GARBLE_ODDITIES: usize = 3;

/// Takes out of `applied` (sorted) the repairs of the lines they leave garbled (see
/// [`plausibility::leftover_oddities`]) and returns them: they are no more than possible. The
/// repairs kept stay where they are in `applied`: a large file's list is not copied.
fn garbled_lines(text: &str, applied: &mut Vec<Repair>) -> Vec<Repair> {
    // Which repairs are on garbled lines, a bit each, found line after line.
    let mut on_garbled = Vec::with_capacity(applied.len());
    // The ranges of the repairs of the line at hand in it: a buffer used line after line.
    let mut taken: Vec<Range<usize>> = Vec::new();
    let mut first = 0;
    while let Some(Repair { range, .. }) = applied.get(first) {
        let start = memchr::memrchr(b'\n', &text.as_bytes()[..range.start]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &text.as_bytes()[range.end..])
            .map_or(text.len(), |i| range.end + i);
        let count = 1 + applied[first + 1..]
            .iter()
            .take_while(|r| r.range.start < end)
            .count();
        taken.clear();
        taken.extend(
            applied[first..first + count]
                .iter()
                .map(|r| r.range.start - start..r.range.end - start),
        );
        let garbled = plausibility::leftover_oddities(&text[start..end], &taken) >= GARBLE_ODDITIES;
        on_garbled.extend(std::iter::repeat_n(garbled, count));
        first += count;
    }
    if !on_garbled.contains(&true) {
        return Vec::new();
    }
    // The predicate is called once per item, in order.
    let mut garbled = on_garbled.into_iter();
    applied
        .extract_if(.., |_| garbled.next().unwrap_or(false))
        .collect()
}

/// The runs of `all` worth a note: more plausible repaired than not (by [`POSSIBLE`] at
/// least), not applied, outside Markdown code, the best first where they overlap; sorted.
fn possible_runs(
    text: &str,
    all: &[(&'static CodePage, PageRuns, usize)],
    applied: &[Repair],
    code: &mut markdown_code::LazyCode<'_>,
    scripts: u32,
) -> Vec<Repair> {
    // At most every run: one allocation rather than a large file's list grown step by step.
    let mut candidates: Vec<(i32, usize, usize)> =
        Vec::with_capacity(all.iter().map(|(_, runs, _)| runs.runs.len()).sum());
    candidates.extend(all.iter().enumerate().flat_map(|(rank, (_, runs, _))| {
        // A page's runs are sorted: the applied repairs are read once for all of them.
        let mut next = 0;
        runs.runs
            .iter()
            .enumerate()
            .filter(move |(_, run)| {
                !overlaps_in_order(applied, &mut next, &run.range, |r| &r.range)
            })
            .map(move |(i, run)| (run.score_with(scripts), rank, i))
            .filter(|(score, _, _)| *score >= POSSIBLE)
    }));
    if candidates.is_empty() {
        return Vec::new();
    }
    // No two have the same key (rank and index name one run): an unstable sort gives the same
    // order, without the scratch list a stable one allocates.
    candidates.sort_unstable_by_key(|(score, rank, i)| (std::cmp::Reverse(*score), *rank, *i));
    let code = code.ranges();
    // Chosen so far, by start: a run overlaps one of them if the last that starts before its
    // end ends after its start.
    let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let mut chosen: Vec<Repair> = Vec::new();
    for (_, rank, i) in candidates {
        let (page, runs, _) = &all[rank];
        let run = &runs.runs[i];
        let clashes = taken
            .range(..run.range.end)
            .next_back()
            .is_some_and(|(_, end)| *end > run.range.start);
        if clashes || overlaps_sorted(code, &run.range, |r| r) {
            continue;
        }
        if let Some(repair) = repair_run(text, runs, run, page) {
            taken.insert(run.range.start, run.range.end);
            chosen.push(placed(run.range.clone(), repair, page.name));
        }
    }
    chosen.sort_by_key(|r| r.range.start);
    chosen
}

/// [`overlaps_sorted`] for ranges asked in increasing order (of their starts): `next`, 0 for
/// the first question, is where the last one left off, so that all of them read `sorted` once.
fn overlaps_in_order<T>(
    sorted: &[T],
    next: &mut usize,
    range: &Range<usize>,
    range_of: impl Fn(&T) -> &Range<usize>,
) -> bool {
    // What ends before this range starts ends before every later one starts too.
    while sorted
        .get(*next)
        .is_some_and(|item| range_of(item).end <= range.start)
    {
        *next += 1;
    }
    sorted
        .get(*next)
        .is_some_and(|item| range_of(item).start < range.end)
}

/// Whether `range` overlaps one of `sorted` (disjoint, by position; `range_of` gives each
/// one's range): a binary search.
fn overlaps_sorted<T>(
    sorted: &[T],
    range: &Range<usize>,
    range_of: impl Fn(&T) -> &Range<usize>,
) -> bool {
    let first_after = sorted.partition_point(|item| range_of(item).end <= range.start);
    sorted
        .get(first_after)
        .is_some_and(|item| range_of(item).start < range.end)
}

/// The languages the repairs of the strong runs of `runs` write in.
fn repaired_languages(runs: &PageRuns) -> alphabets::Languages {
    let mut counts = plausibility::LanguageCounts::default();
    for run in runs.runs.iter().filter(|run| run.strong) {
        for window in &runs.windows[run.windows.clone()] {
            counts.add(window.chosen);
        }
    }
    counts.languages()
}

/// Two lists sorted by position, disjoint, merged into one.
fn merge_sorted(a: Vec<Repair>, b: impl IntoIterator<Item = Repair>) -> Vec<Repair> {
    let mut b = b.into_iter().peekable();
    if b.peek().is_none() {
        return a;
    }
    // Both lists' items, in one allocation: sized for `a` alone, the first item of `b` past it
    // would copy a large file's repairs into one twice the size.
    let (at_least, at_most) = b.size_hint();
    let mut merged = Vec::with_capacity(a.len() + at_most.unwrap_or(at_least));
    for item in a {
        while let Some(before) = b.next_if(|r| r.range.start < item.range.start) {
            merged.push(before);
        }
        merged.push(item);
    }
    merged.extend(b);
    merged
}

fn has_c1_controls(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xC2, bytes).any(|i| bytes.get(i + 1).is_some_and(|b| *b <= 0x9F))
}

/// Fills in the line, column and damaged text of `repairs` (sorted by position, from
/// [`placed`]), counting as it goes so that a long line with many repairs is read once.
fn locate(text: &str, repairs: &mut [Repair]) {
    let mut line = 1;
    // Where the column was last counted, and the column there.
    let mut mark = 0;
    let mut column = 1;
    for repair in repairs {
        let range = repair.range.clone();
        let skipped = &text.as_bytes()[mark..range.start];
        match memchr::memrchr(b'\n', skipped) {
            Some(last_newline) => {
                line += memchr::memchr_iter(b'\n', skipped).count();
                column = 1 + text[mark + last_newline + 1..range.start].chars().count();
            }
            None => column += text[mark..range.start].chars().count(),
        }
        mark = range.start;
        repair.line = line;
        repair.column = column;
        repair.damaged = text[range].to_string();
    }
}

/// `text` with `repairs` (sorted, disjoint, from [`find_repairs`] on this text) applied.
pub fn apply_repairs(text: &str, repairs: &[Repair]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for repair in repairs {
        out.push_str(&text[last..repair.range.start]);
        out.push_str(&repair.repaired);
        last = repair.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The word (between whitespace) around `repair` in `text`, as it is and as it becomes with all
/// of `repairs` (sorted, disjoint, from [`find_repairs`] on this text) applied: `gÃ¨re` → `gère`
/// says more than `Ã¨` → `è`.
pub fn word_example(text: &str, repairs: &[Repair], repair: &Repair) -> (String, String) {
    let start = text[..repair.range.start]
        .rfind(char::is_whitespace)
        .map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        });
    let end = text[repair.range.end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| repair.range.end + i);
    let damaged = &text[start..end];
    // Repairs are sorted and disjoint (so are their ends): those inside the word are the ones
    // from the first that starts in it, while they end in it; the rest of the file is not read.
    let first = repairs.partition_point(|r| r.range.start < start);
    let inside: Vec<Repair> = repairs[first..]
        .iter()
        .take_while(|r| r.range.end <= end)
        .map(|r| Repair {
            range: r.range.start - start..r.range.end - start,
            ..r.clone()
        })
        .collect();
    (damaged.to_string(), apply_repairs(damaged, &inside))
}

/// What `text` becomes when its UTF-8 bytes are misread with `page` (holes read as the C1
/// control of their value, as sloppy decoders do). For tests and benchmarks: the damage this
/// module undoes.
pub fn damage(text: &str, page: &CodePage) -> String {
    page.decode_sloppy(text.as_bytes())
}

/// The code page called `name` (as in [`CodePage::name`]).
pub fn code_page(name: &str) -> Option<&'static CodePage> {
    CODE_PAGES
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests;
