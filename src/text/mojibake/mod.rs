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

mod class_table;
mod code_pages;
mod lost;
mod markdown_code;
mod runs;
mod scan;
mod tables;
mod unicode;

use std::ops::Range;

pub use code_pages::{CODE_PAGES, CodePage};

use runs::{PageRuns, RunRepair, repair_run, runs_for_pages};
use scan::{ScanContext, candidates};

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

/// Finds every repair `text` needs, sorted by position, none overlapping. Empty for clean text.
pub fn find_repairs(text: &str) -> Vec<Repair> {
    let starts = candidates(text);
    if starts.is_empty() {
        return Vec::new();
    }
    let mut pages = starts.iter().fold(0, |mask, c| mask | c.pages);
    if !has_c1_controls(text) {
        // Latin-1 reads 0xA0–0xFF as Windows-1252 does and 0x80–0x9F as C1 controls: without
        // any in the text, it explains nothing Windows-1252 does not.
        pages &= !(1 << code_pages::LATIN1);
    }
    let ctx = ScanContext {
        nbsp_may_be_lost: !text.contains('\u{A0}'),
    };
    let mut code = markdown_code::LazyCode::new(text);
    let found = weigh_and_cover(text, pages, ctx, &starts, &mut code);
    let kept = kept_runs(&found);
    // Repaired and located in one pass, straight into the result.
    let repairs = kept.into_iter().filter_map(|(range, rank, i)| {
        let (page, runs, _) = &found[rank];
        repair_run(runs, &runs.runs[i], page).map(|repair| (range, repair, page.name))
    });
    locate(text, repairs)
}

/// The runs to repair, as (range, page rank in `found`, run index), sorted: the first page's
/// runs, then the strong runs of the others where nothing is repaired yet. Each list is sorted,
/// so merging them keeps the whole sorted. Two buffers take turns, so a large file's merges
/// reuse the memory of the previous one instead of touching fresh memory each time.
fn kept_runs(found: &[(&'static CodePage, PageRuns, usize)]) -> Vec<(Range<usize>, usize, usize)> {
    let mut kept: Vec<(Range<usize>, usize, usize)> = Vec::new();
    let mut merged = Vec::new();
    for (rank, (_, runs, _)) in found.iter().enumerate() {
        merged.clear();
        merged.reserve(kept.len() + runs.runs.len());
        let mut taken = kept.drain(..).peekable();
        for (i, run) in runs.runs.iter().enumerate() {
            if rank > 0 && !run.strong {
                continue;
            }
            while let Some(before) = taken.next_if(|(r, _, _)| r.end <= run.range.start) {
                merged.push(before);
            }
            let free = taken
                .peek()
                .is_none_or(|(r, _, _)| r.start >= run.range.end);
            if free {
                merged.push((run.range.clone(), rank, i));
            }
        }
        merged.extend(taken);
        std::mem::swap(&mut kept, &mut merged);
    }
    kept
}

/// How many window starts weigh the evidence for every page. A file of normal size has fewer,
/// and is weighed whole; in a huge one the first ones choose the page.
const EVIDENCE_SAMPLE: usize = 4096;

/// Every page of `pages` with its runs and its evidence (bytes of strong runs outside code),
/// most evidence first (ties in the pages' order); pages without any run left out.
fn weigh(
    text: &str,
    pages: u16,
    ctx: ScanContext,
    starts: &[scan::Candidate],
    code: &mut markdown_code::LazyCode<'_>,
) -> Vec<(&'static CodePage, PageRuns, usize)> {
    let mut found: Vec<(&'static CodePage, PageRuns, usize)> = Vec::new();
    let mut explained = Vec::new();
    for (page, runs) in runs_for_pages(text, pages, ctx, starts) {
        if runs.runs.is_empty() {
            continue;
        }
        let evidence = evidence(&runs, code);
        let all: usize = runs.runs.iter().map(|run| run.range.len()).sum();
        let misfits: usize = runs.runs.iter().map(|run| run.misfits).sum();
        explained.push((all, std::cmp::Reverse(misfits)));
        found.push((page, runs, evidence));
    }
    // Most strong evidence first, then what all runs explain (a page that also explains the
    // lost bytes of a file explains it better), then the fewest upper-case letters put inside
    // lower-case words; stable, so ties keep the pages' order.
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse((found[i].2, explained[i])));
    let mut slots: Vec<Option<(&'static CodePage, PageRuns, usize)>> =
        found.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

/// The page with the most evidence and all its runs, then the other pages with their runs where
/// that page found no window: a second page only adds what the first could not explain, and a
/// run of it is not lost because the first page explained a piece of it. Pages without evidence
/// are left out.
fn weigh_and_cover(
    text: &str,
    pages: u16,
    ctx: ScanContext,
    starts: &[scan::Candidate],
    code: &mut markdown_code::LazyCode<'_>,
) -> Vec<(&'static CodePage, PageRuns, usize)> {
    with_evidence(cover(text, pages, ctx, starts, code))
}

fn with_evidence(
    mut found: Vec<(&'static CodePage, PageRuns, usize)>,
) -> Vec<(&'static CodePage, PageRuns, usize)> {
    found.retain(|(_, _, evidence)| *evidence > 0);
    found
}

/// The page of `pages` with the most evidence (weighed on [`EVIDENCE_SAMPLE`] starts), with its
/// runs over the whole file; then the other pages where it found no window (all of them, with
/// or without evidence). Empty when no page has evidence.
fn cover(
    text: &str,
    pages: u16,
    ctx: ScanContext,
    starts: &[scan::Candidate],
    code: &mut markdown_code::LazyCode<'_>,
) -> Vec<(&'static CodePage, PageRuns, usize)> {
    let sample = &starts[..starts.len().min(EVIDENCE_SAMPLE)];
    let mut ranking = with_evidence(weigh(text, pages, ctx, sample, code));
    let mut whole = sample.len() == starts.len();
    if ranking.is_empty() && !whole {
        ranking = with_evidence(weigh(text, pages, ctx, starts, code));
        whole = true;
    }
    let mut ranking = ranking.into_iter();
    let Some(first) = ranking.next() else {
        return Vec::new();
    };
    if whole {
        // Every page was run over the whole file: the others' runs only lose the windows the
        // first page took (and may split there), which cannot give them evidence they had not.
        let windows = &first.1.windows;
        let mut others: Vec<(&'static CodePage, PageRuns, usize)> = ranking
            .map(|(page, runs, _)| {
                let runs = runs.outside(text, page, windows);
                let evidence = evidence(&runs, code);
                (page, runs, evidence)
            })
            .filter(|(_, _, evidence)| *evidence > 0)
            .collect();
        others.sort_by_key(|other| std::cmp::Reverse(other.2));
        let mut found = vec![first];
        found.extend(others);
        return found;
    }
    let Some(primary) = with_evidence(weigh(text, 1 << first.0.index, ctx, starts, code)).pop()
    else {
        return Vec::new();
    };
    let mut at = 0;
    let windows = &primary.1.windows;
    let uncovered: Vec<scan::Candidate> = starts
        .iter()
        .filter(|c| {
            while windows.get(at).is_some_and(|w| w.end <= c.at) {
                at += 1;
            }
            windows.get(at).is_none_or(|w| w.start > c.at)
        })
        .copied()
        .collect();
    let others = weigh(text, pages & !(1 << primary.0.index), ctx, &uncovered, code);
    let mut found = vec![primary];
    found.extend(others);
    found
}

/// Bytes of the strong runs outside Markdown code.
fn evidence(runs: &PageRuns, code: &mut markdown_code::LazyCode<'_>) -> usize {
    let mut strong = runs.runs.iter().filter(|run| run.strong).peekable();
    if strong.peek().is_none() {
        return 0;
    }
    // Code ranges are only worked out for files with strong evidence somewhere.
    let code = code.ranges();
    let mut code_at = 0;
    strong
        .filter(|run| !markdown_code::inside_sweep(code, &mut code_at, &run.range))
        .map(|run| run.range.len())
        .sum()
}

fn has_c1_controls(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xC2, bytes).any(|i| bytes.get(i + 1).is_some_and(|b| *b <= 0x9F))
}

/// Adds line and column to repaired runs (sorted by position), counting as it goes so that a
/// long line with many repairs is read once.
fn locate(
    text: &str,
    runs: impl Iterator<Item = (Range<usize>, RunRepair, &'static str)>,
) -> Vec<Repair> {
    // At most as many repairs as runs: one allocation, never grown.
    let (at_least, at_most) = runs.size_hint();
    let mut repairs = Vec::with_capacity(at_most.unwrap_or(at_least));
    let mut line = 1;
    // Where the column was last counted, and the column there.
    let mut mark = 0;
    let mut column = 1;
    for (range, repair, code_page) in runs {
        let skipped = &text.as_bytes()[mark..range.start];
        match memchr::memrchr(b'\n', skipped) {
            Some(last_newline) => {
                line += memchr::memchr_iter(b'\n', skipped).count();
                column = 1 + text[mark + last_newline + 1..range.start].chars().count();
            }
            None => column += text[mark..range.start].chars().count(),
        }
        mark = range.start;
        repairs.push(Repair {
            damaged: text[range.clone()].to_string(),
            range,
            line,
            column,
            repaired: repair.repaired,
            code_page,
            restored: repair.restored,
            alternatives: repair.alternatives,
        });
    }
    repairs
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
/// of `repairs` applied: `gÃ¨re` → `gère` says more than `Ã¨` → `è`.
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
    let inside: Vec<Repair> = repairs
        .iter()
        .filter(|r| r.range.start >= start && r.range.end <= end)
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
mod tests {
    use super::*;

    fn repair(text: &str) -> String {
        apply_repairs(text, &find_repairs(text))
    }

    #[test]
    fn french_through_1252() {
        assert_eq!(repair("L'Ã©quipe gÃ¨re"), "L'équipe gère");
        assert_eq!(repair("dâ€™information"), "d’information");
    }

    #[test]
    fn emoji_through_1254() {
        assert_eq!(repair("ğŸ‡«ğŸ‡· Clever Cloud"), "🇫🇷 Clever Cloud");
    }

    #[test]
    fn lost_bytes_are_restored() {
        assert_eq!(
            repair("## âš™ï¸ Fonctionnement gÃ©nÃ©ral"),
            "## ⚙️ Fonctionnement général"
        );
        assert_eq!(
            repair("## ğŸ›\u{a0}ï¸ RÃ´le et\u{a0}x"),
            "## 🛠️ Rôle et\u{a0}x"
        );
    }

    #[test]
    fn clean_text_is_untouched() {
        for text in [
            "héllo wörld",
            "Température : 25 Â°C",
            "CAFÉ—the best",
            "higher values (“+” and “×” curves)",
            "Use `Ã©` to show mojibake.",
        ] {
            assert!(find_repairs(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn repairs_carry_line_and_column() {
        let repairs = find_repairs("ok\nla gÃ¨re\n");
        assert_eq!(repairs.len(), 1);
        assert_eq!((repairs[0].line, repairs[0].column), (2, 5));
        assert_eq!(repairs[0].damaged, "Ã¨");
        assert_eq!(repairs[0].repaired, "è");
    }

    #[test]
    fn two_layers() {
        let once = damage("équipe’s", &CODE_PAGES[0]);
        let twice = damage(&once, &CODE_PAGES[0]);
        assert_eq!(repair(&twice), "équipe’s");
    }
}
