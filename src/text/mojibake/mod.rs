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

use runs::{PageRuns, RunRepair, repair_run, runs_for_pages_seeded};
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
    rank(weigh_pages(text, pages, ctx, starts, code))
        .into_iter()
        .map(|w| (w.page, w.runs, w.evidence))
        .collect()
}

/// A page's runs over some starts, with what ranks it.
struct Weighed {
    page: &'static CodePage,
    runs: PageRuns,
    /// Bytes of strong runs outside code.
    evidence: usize,
    /// What all its runs explain, and how few upper-case letters they put inside lower-case
    /// words: the tie-breaks of equal evidence.
    explained: (usize, std::cmp::Reverse<usize>),
}

/// Every page of `pages` with its runs over `starts`, in the pages' order; pages without any
/// run left out.
fn weigh_pages(
    text: &str,
    pages: u16,
    ctx: ScanContext,
    starts: &[scan::Candidate],
    code: &mut markdown_code::LazyCode<'_>,
) -> Vec<Weighed> {
    weigh_seeded(text, pages, ctx, starts, code, None)
}

/// [`weigh_pages`], taking the windows of a page already weighed over the same starts where
/// they are the same (see [`runs::runs_for_pages_seeded`]).
fn weigh_seeded(
    text: &str,
    pages: u16,
    ctx: ScanContext,
    starts: &[scan::Candidate],
    code: &mut markdown_code::LazyCode<'_>,
    seed: Option<&Weighed>,
) -> Vec<Weighed> {
    if pages == 0 {
        return Vec::new();
    }
    let seed = seed.map(|w| (w.page, w.runs.windows.as_slice()));
    runs_for_pages_seeded(text, pages, ctx, starts, seed)
        .into_iter()
        .filter(|(_, runs)| !runs.runs.is_empty())
        .map(|(page, runs)| {
            let evidence = evidence(&runs, code);
            let all: usize = runs.runs.iter().map(|run| run.range.len()).sum();
            let misfits: usize = runs.runs.iter().map(|run| run.misfits).sum();
            Weighed {
                page,
                runs,
                evidence,
                explained: (all, std::cmp::Reverse(misfits)),
            }
        })
        .collect()
}

/// Most strong evidence first, then what all runs explain (a page that also explains the lost
/// bytes of a file explains it better), then the fewest upper-case letters put inside lower-case
/// words; ties in the pages' order.
fn rank(mut weighed: Vec<Weighed>) -> Vec<Weighed> {
    weighed.sort_by_key(|w| w.page.index);
    // Stable: ties keep the pages' order.
    weighed.sort_by_key(|w| std::cmp::Reverse((w.evidence, w.explained)));
    weighed
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
    if starts.len() <= EVIDENCE_SAMPLE {
        return cover_whole(text, pages, ctx, starts, code);
    }
    let sample = &starts[..EVIDENCE_SAMPLE];
    let Some(first) = with_evidence(weigh(text, pages, ctx, sample, code))
        .into_iter()
        .next()
    else {
        // Nothing in the sample: the whole file decides.
        return cover_whole(text, pages, ctx, starts, code);
    };
    let Some(primary) = with_evidence(weigh(text, 1 << first.0.index, ctx, starts, code)).pop()
    else {
        return Vec::new();
    };
    let mut at = 0;
    let windows = &primary.1.windows;
    // At most all of them: one allocation, where collecting a filter grows the list step by step
    // (each step copying what a large file found so far).
    let mut uncovered: Vec<scan::Candidate> = Vec::with_capacity(starts.len());
    uncovered.extend(starts.iter().filter(|c| {
        while windows.get(at).is_some_and(|w| w.end <= c.at) {
            at += 1;
        }
        windows.get(at).is_none_or(|w| w.start > c.at)
    }));
    let others = weigh(text, pages & !(1 << primary.0.index), ctx, &uncovered, code);
    let mut found = vec![primary];
    found.extend(others);
    found
}

/// [`cover`] for a file weighed whole: the page with the most evidence over all `starts` and
/// its runs, then the others' runs where it found no window, most evidence first.
///
/// Scanning every page over the whole file is most of the work, so pages are scanned only when
/// that can change the result, which stays the same as if all were. The page that may cover the
/// most is scanned first; then the pages that may cover as much as its evidence (a page's
/// evidence never exceeds what its windows may cover: [`scan::coverage_bounds`]), since one of
/// them may explain the file better. The rest cannot be the first page, and only add what it
/// left: one whose candidates all fall inside the first page's windows adds nothing (all its
/// windows would be dropped) and is not scanned at all.
fn cover_whole(
    text: &str,
    pages: u16,
    ctx: ScanContext,
    starts: &[scan::Candidate],
    code: &mut markdown_code::LazyCode<'_>,
) -> Vec<(&'static CodePage, PageRuns, usize)> {
    let mask = |keep: &dyn Fn(usize) -> bool| {
        (0..code_pages::PAGE_COUNT)
            .filter(|&page| pages & (1 << page) != 0 && keep(page))
            .fold(0u16, |mask, page| mask | (1 << page))
    };
    // The page with the most candidates is likely the one that explains the file.
    let mut counts = [0usize; code_pages::PAGE_COUNT];
    for candidate in starts {
        let mut rest = candidate.pages & pages;
        while rest != 0 {
            counts[rest.trailing_zeros() as usize] += 1;
            rest &= rest - 1;
        }
    }
    let Some(top) = (0..code_pages::PAGE_COUNT)
        .filter(|&page| pages & (1 << page) != 0)
        .max_by_key(|&page| counts[page])
    else {
        return Vec::new();
    };
    let (weighed, scanned) = if !scan::any_outside_spans(text, pages, top, starts) {
        // Every other page's candidates may fall inside the top page's windows.
        let mut weighed = weigh_pages(text, 1 << top, ctx, starts, code);
        let best = weighed.first().map_or(0, |w| w.evidence);
        let bounds = scan::coverage_bounds(text, pages & !(1 << top), starts);
        let contenders = mask(&|page| page != top && bounds[page] >= best);
        let more = weigh_seeded(text, contenders, ctx, starts, code, weighed.first());
        weighed.extend(more);
        (weighed, (1 << top) | contenders)
    } else {
        // Other pages have windows of their own to find: scanned together, they share the
        // look-ahead and the windows they read alike.
        (weigh_pages(text, pages, ctx, starts, code), pages)
    };
    let mut ranking = rank(weighed).into_iter().filter(|w| w.evidence > 0);
    let Some(first) = ranking.next() else {
        return Vec::new();
    };
    let windows = &first.runs.windows;
    let late = match pages & !scanned {
        0 => 0,
        unscanned => unscanned & pages_with_starts_outside(starts, windows),
    };
    let mut rest: Vec<Weighed> = ranking.collect();
    rest.extend(weigh_seeded(text, late, ctx, starts, code, Some(&first)));
    // The others, in the order of the full ranking; the first page's windows taken out.
    let mut others: Vec<(&'static CodePage, PageRuns, usize)> = rank(rest)
        .into_iter()
        .filter(|w| w.evidence > 0)
        .map(|w| {
            let runs = w.runs.outside(text, w.page, windows);
            let evidence = evidence(&runs, code);
            (w.page, runs, evidence)
        })
        .filter(|(_, _, evidence)| *evidence > 0)
        .collect();
    others.sort_by_key(|other| std::cmp::Reverse(other.2));
    let mut found = vec![(first.page, first.runs, first.evidence)];
    found.extend(others);
    found
}

/// The pages (bits) with one of `starts` outside all `windows` (sorted): a window of theirs
/// could start there and not be dropped by those. One pass for all pages.
fn pages_with_starts_outside(starts: &[scan::Candidate], windows: &[runs::Resolved]) -> u16 {
    let mut at = 0;
    let mut outside = 0;
    for c in starts {
        while windows.get(at).is_some_and(|w| w.end <= c.at) {
            at += 1;
        }
        if windows.get(at).is_none_or(|w| w.start > c.at) {
            outside |= c.pages;
        }
    }
    outside
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

    /// Texts damaged in the ways the pruning of [`cover_whole`] has to get right: one page, two
    /// pages in one file, twice, with lost bytes, and clean text with look-alikes.
    fn pruning_corpus() -> Vec<String> {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |rel: &str| std::fs::read_to_string(manifest.join(rel)).unwrap_or_default();
        let sample = read("tests/data/multilingual-clean.md");
        let prose = sample
            .split("La casse typique")
            .next()
            .unwrap_or("")
            .to_string();
        let guides = format!(
            "{}\n{}",
            read("content/hebergement-et-services-partages/infra.md"),
            read("content/hebergeur-et-sla/hexanet.md")
        );
        let mut corpus = vec![guides.clone(), sample.clone()];
        for page in &CODE_PAGES {
            let once = damage(&prose, page);
            corpus.push(format!("{guides}\n{once}"));
            corpus.push(damage(&once, page));
            for other in &CODE_PAGES {
                corpus.push(format!("{once}\n{}", damage(&prose, other)));
            }
            let lost: String = once
                .chars()
                .filter(|c| !('\u{80}'..='\u{9F}').contains(c))
                .collect();
            corpus.push(lost);
        }
        corpus
    }

    /// What [`cover_whole`] gave before it skipped pages: every page scanned over the whole
    /// file, ranked, and the others' runs taken outside the first page's windows.
    fn cover_every_page(
        text: &str,
        pages: u16,
        ctx: ScanContext,
        starts: &[scan::Candidate],
        code: &mut markdown_code::LazyCode<'_>,
    ) -> Vec<(&'static CodePage, PageRuns, usize)> {
        let mut ranking = with_evidence(weigh(text, pages, ctx, starts, code)).into_iter();
        let Some(first) = ranking.next() else {
            return Vec::new();
        };
        let windows = &first.1.windows;
        let mut others: Vec<_> = ranking
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
        found
    }

    #[test]
    fn skipping_pages_changes_nothing() {
        for text in pruning_corpus() {
            let starts = candidates(&text);
            let pages = starts.iter().fold(0, |mask, c| mask | c.pages);
            let ctx = ScanContext {
                nbsp_may_be_lost: !text.contains('\u{A0}'),
            };
            let mut code = markdown_code::LazyCode::new(&text);
            let pruned = format!("{:?}", cover_whole(&text, pages, ctx, &starts, &mut code));
            let every = format!(
                "{:?}",
                cover_every_page(&text, pages, ctx, &starts, &mut code)
            );
            assert_eq!(pruned, every);
        }
    }

    #[test]
    fn coverage_bounds_are_never_below_what_windows_cover() {
        for text in pruning_corpus() {
            let starts = candidates(&text);
            let pages = starts.iter().fold(0, |mask, c| mask | c.pages);
            let ctx = ScanContext {
                nbsp_may_be_lost: false,
            };
            let bounds = scan::coverage_bounds(&text, pages, &starts);
            for (page, runs) in runs::runs_for_pages_seeded(&text, pages, ctx, &starts, None) {
                let covered: usize = runs.windows.iter().map(|w| w.end - w.start).sum();
                assert!(covered <= bounds[page.index], "{}", page.name);
            }
        }
    }
}
