//! Weighing the evidence over the whole file: which page explains the damage, and which runs
//! of the others add to it.
//!
//! Scanning every page over the whole file is most of the work, so pages are scanned only when
//! that can change the result (see [`cover_whole`]); huge files are weighed on a sample.

use super::candidates::{self, Candidate};
use super::code_pages::{self, CodePage};
use super::markdown_code::{self, LazyCode};
use super::runs::{self, Judge, PageRuns, runs_for_pages_seeded};
use super::scan::ScanContext;

/// What weighing needs of a file, and what it learns as it goes: the code ranges, once asked
/// for, and the judgements of runs, which pages that read a run alike share.
pub(super) struct FileScan<'t> {
    pub text: &'t str,
    pub ctx: ScanContext,
    pub code: LazyCode<'t>,
    pub judge: Judge,
}

/// The runs to repair, as (page rank in `found`, run index), sorted by position: the first
/// page's runs, then the strong runs of the others where nothing is repaired yet.
///
/// One list, sized once for every run that may be kept, is merged into in place from its end:
/// a large file's runs are neither copied into a second list per page nor grown step by step.
pub(super) fn kept_runs(found: &[(&'static CodePage, PageRuns, usize)]) -> Vec<(usize, usize)> {
    let eligible = |rank: usize, run: &runs::Run| rank == 0 || run.strong;
    let most: usize = found
        .iter()
        .enumerate()
        .map(|(rank, (_, runs, _))| runs.runs.iter().filter(|run| eligible(rank, run)).count())
        .sum();
    let mut kept: Vec<(usize, usize)> = Vec::with_capacity(most);
    let range = |&(rank, i): &(usize, usize)| &found[rank].1.runs[i].range;
    for (rank, (_, runs, _)) in found.iter().enumerate() {
        if rank == 0 {
            kept.extend((0..runs.runs.len()).map(|i| (0, i)));
            continue;
        }
        let new = runs
            .runs
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, run)| eligible(rank, run));
        let count = new.clone().count();
        // Backwards: the old runs at `0..old` (sorted, disjoint), the new ones from the last;
        // `write` is where the next one from the end goes, always past the old runs unread.
        let old = kept.len();
        kept.resize(old + count, (0, 0));
        let (mut read, mut write) = (old, old + count);
        for (i, run) in new {
            // The old runs that start at or after its end come after it.
            while read > 0 && range(&kept[read - 1]).start >= run.range.end {
                read -= 1;
                write -= 1;
                kept[write] = kept[read];
            }
            // The old run that starts last before its end is the only one it may overlap.
            let free = read == 0 || range(&kept[read - 1]).end <= run.range.start;
            if free {
                write -= 1;
                kept[write] = (rank, i);
            }
        }
        // The old runs before every new one stay where they are; what was merged follows them.
        let merged = write..old + count;
        kept.copy_within(merged.clone(), read);
        kept.truncate(read + merged.len());
    }
    kept
}

/// How many window starts weigh the evidence for every page. A file of normal size has fewer,
/// and is weighed whole; in a huge one the first ones choose the page.
const EVIDENCE_SAMPLE: usize = 4096;

/// Every page of `pages` with its runs and its evidence (bytes of strong runs outside code),
/// most evidence first (ties in the pages' order); pages without any run left out.
fn weigh(
    scan: &mut FileScan<'_>,
    pages: u16,
    starts: &[Candidate],
) -> Vec<(&'static CodePage, PageRuns, usize)> {
    rank(weigh_pages(scan, pages, starts))
        .into_iter()
        .map(|w| (w.page, w.runs, w.evidence))
        .collect()
}

/// A page's runs over some starts, with what ranks it.
struct Weighed {
    page: &'static CodePage,
    runs: PageRuns,
    /// Bytes of the runs outside code that show the page damaged the file (see [`evidence`]).
    evidence: usize,
    /// How much more plausible all its runs outside code make the text: what decides between
    /// pages with close evidence.
    gain: i32,
    /// What all its runs explain, and how few upper-case letters they put inside lower-case
    /// words: the tie-breaks of equal evidence.
    explained: (usize, std::cmp::Reverse<usize>),
}

/// Every page of `pages` with its runs over `starts`, in the pages' order; pages without any
/// run left out.
fn weigh_pages(scan: &mut FileScan<'_>, pages: u16, starts: &[Candidate]) -> Vec<Weighed> {
    weigh_seeded(scan, pages, starts, None)
}

/// [`weigh_pages`], taking the windows of a page already weighed over the same starts where
/// they are the same (see [`runs::runs_for_pages_seeded`]).
fn weigh_seeded(
    scan: &mut FileScan<'_>,
    pages: u16,
    starts: &[Candidate],
    seed: Option<&Weighed>,
) -> Vec<Weighed> {
    if pages == 0 {
        return Vec::new();
    }
    let seed = seed.map(|w| (w.page, w.runs.windows.as_slice()));
    let (text, ctx) = (scan.text, scan.ctx);
    runs_for_pages_seeded(text, pages, ctx, starts, seed, &mut scan.judge)
        .into_iter()
        .filter(|(_, runs)| !runs.runs.is_empty())
        .map(|(page, runs)| {
            let (evidence, gain) = evidence(text, &runs, &mut scan.code, ctx.file.scripts());
            let all: usize = runs.runs.iter().map(|run| run.range.len()).sum();
            let misfits: usize = runs.runs.iter().map(|run| run.misfits).sum();
            Weighed {
                page,
                runs,
                evidence,
                gain,
                explained: (all, std::cmp::Reverse(misfits)),
            }
        })
        .collect()
}

/// Most evidence first, then what all runs explain (a page that also explains the lost bytes
/// of a file explains it better), then the fewest upper-case letters put inside lower-case
/// words; ties in the pages' order. But the first is the page whose repairs make the text the
/// most plausible among those with evidence close to the most ([`contends`]): Windows-1250 and
/// ISO-8859-2 read most of a Czech or German file alike, and only the text they give tells
/// `MĂśglichkeit` (`MÜglichkeit` or `Möglichkeit`) apart.
fn rank(mut weighed: Vec<Weighed>) -> Vec<Weighed> {
    weighed.sort_by_key(|w| w.page.index);
    // Stable: ties keep the pages' order.
    weighed.sort_by_key(|w| std::cmp::Reverse((w.evidence, w.explained)));
    let best = weighed.first().map_or(0, |w| w.evidence);
    let first = weighed
        .iter()
        .enumerate()
        .take_while(|(_, w)| contends(w.evidence, best))
        .max_by_key(|(i, w)| (w.gain, std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i);
    let first = strongest_reading(&weighed, first, best);
    if first > 0 {
        weighed[..=first].rotate_right(1);
    }
    weighed
}

/// The contender that reads everything `chosen` reads the same way and more besides, if one
/// does; else `chosen`. The gain compares the text pages give where they read it differently;
/// where one page reads all the other does alike, the gain only tells how much its *extra*
/// repairs cost, and a repair that makes the text more plausible is no reason to leave the
/// damage there: Latin-1 reads `Å¾` in `Ä…Å¾uolas` as Windows-1252 does, but only
/// Windows-1252 reads `Ä…` (`ą`).
fn strongest_reading(weighed: &[Weighed], chosen: usize, best: usize) -> usize {
    let mut chosen = chosen;
    // Each step moves to a page that explains strictly more: at most one step per page.
    for _ in 0..weighed.len() {
        let wider = weighed
            .iter()
            .enumerate()
            .take_while(|(_, w)| contends(w.evidence, best))
            .find(|(i, w)| *i != chosen && reads_more(&w.runs, &weighed[chosen].runs));
        match wider {
            Some((i, _)) => chosen = i,
            None => break,
        }
    }
    chosen
}

/// Whether `wide` has every window of `narrow` (same bytes, same character) and more, all its
/// runs holding a window `narrow` lacks reading better repaired.
fn reads_more(wide: &PageRuns, narrow: &PageRuns) -> bool {
    if wide.windows.len() <= narrow.windows.len() {
        return false;
    }
    let same = |a: &runs::Resolved, b: &runs::Resolved| {
        a.start == b.start && a.end == b.end && a.chosen == b.chosen
    };
    let mut at = 0;
    for run in &wide.runs {
        let mut extra = false;
        for window in &wide.windows[run.windows.clone()] {
            match narrow.windows.get(at) {
                Some(n) if same(n, window) => at += 1,
                // A window of `narrow` that `wide` lacks or reads otherwise.
                Some(n) if n.start < window.end => return false,
                _ => extra = true,
            }
        }
        if extra && run.score <= 0 {
            return false;
        }
    }
    at == narrow.windows.len()
}

/// Whether a page with `evidence` may be the first page when the most is `best`: within a
/// quarter of it. A page's evidence never exceeds what its windows may cover, so pages whose
/// bound does not contend need not be scanned.
fn contends(evidence: usize, best: usize) -> bool {
    evidence > 0 && evidence * 4 >= best * 3
}

/// What weighing a file's evidence gives.
pub(super) enum Weighing {
    /// The page with the most evidence and all its runs, then the other pages with their runs
    /// where that page found no window: a second page only adds what the first could not
    /// explain, and a run of it is not lost because the first page explained a piece of it.
    /// Pages without evidence are left out.
    Damaged(Vec<(&'static CodePage, PageRuns, usize)>),
    /// No page has evidence: the runs every page scanned found, for the notes.
    Clean(Vec<(&'static CodePage, PageRuns)>),
}

/// Weighs the evidence of every page of `pages` over the file.
pub(super) fn weigh_and_cover(
    scan: &mut FileScan<'_>,
    pages: u16,
    starts: &[Candidate],
) -> Weighing {
    let covered = cover(scan, pages, starts);
    if covered
        .first()
        .is_some_and(|(_, _, evidence)| *evidence > 0)
    {
        Weighing::Damaged(with_evidence(covered))
    } else {
        Weighing::Clean(
            covered
                .into_iter()
                .map(|(page, runs, _)| (page, runs))
                .collect(),
        )
    }
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
    scan: &mut FileScan<'_>,
    pages: u16,
    starts: &[Candidate],
) -> Vec<(&'static CodePage, PageRuns, usize)> {
    if starts.len() <= EVIDENCE_SAMPLE {
        return cover_whole(scan, pages, starts);
    }
    let sample = &starts[..EVIDENCE_SAMPLE];
    let Some(first) = with_evidence(weigh(scan, pages, sample)).into_iter().next() else {
        // Nothing in the sample: the whole file decides.
        return cover_whole(scan, pages, starts);
    };
    let Some(primary) = with_evidence(weigh(scan, 1 << first.0.index, starts)).pop() else {
        return Vec::new();
    };
    let mut at = 0;
    let windows = &primary.1.windows;
    // At most all of them: one allocation, where collecting a filter grows the list step by step
    // (each step copying what a large file found so far).
    let mut uncovered: Vec<Candidate> = Vec::with_capacity(starts.len());
    uncovered.extend(starts.iter().filter(|c| {
        while windows.get(at).is_some_and(|w| w.end <= c.at) {
            at += 1;
        }
        windows.get(at).is_none_or(|w| w.start > c.at)
    }));
    let others = weigh(scan, pages & !(1 << primary.0.index), &uncovered);
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
/// evidence never exceeds what its windows may cover: [`candidates::coverage_bounds`]), since one of
/// them may explain the file better. The rest cannot be the first page, and only add what it
/// left: one whose candidates all fall inside the first page's windows adds nothing (all its
/// windows would be dropped) and is not scanned at all.
fn cover_whole(
    scan: &mut FileScan<'_>,
    pages: u16,
    starts: &[Candidate],
) -> Vec<(&'static CodePage, PageRuns, usize)> {
    let text = scan.text;
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
    let (weighed, scanned) = if !candidates::any_outside_spans(text, pages, top, starts) {
        // Every other page's candidates may fall inside the top page's windows.
        let mut weighed = weigh_pages(scan, 1 << top, starts);
        let best = weighed.first().map_or(0, |w| w.evidence);
        let bounds = candidates::coverage_bounds(text, pages & !(1 << top), starts);
        let contenders = mask(&|page| page != top && (best == 0 || contends(bounds[page], best)));
        let more = weigh_seeded(scan, contenders, starts, weighed.first());
        weighed.extend(more);
        (weighed, (1 << top) | contenders)
    } else {
        // Other pages have windows of their own to find: scanned together, they share the
        // look-ahead and the windows they read alike.
        (weigh_pages(scan, pages, starts), pages)
    };
    let ranked = rank(weighed);
    if ranked.first().is_none_or(|w| w.evidence == 0) {
        // No evidence anywhere (the ranking puts it first): what was scanned, for the notes.
        return ranked.into_iter().map(|w| (w.page, w.runs, 0)).collect();
    }
    let mut ranking = ranked.into_iter().filter(|w| w.evidence > 0);
    let Some(first) = ranking.next() else {
        return Vec::new();
    };
    let windows = &first.runs.windows;
    let late = match pages & !scanned {
        0 => 0,
        unscanned => unscanned & pages_with_starts_outside(starts, windows),
    };
    let mut rest: Vec<Weighed> = ranking.collect();
    rest.extend(weigh_seeded(scan, late, starts, Some(&first)));
    // The others, in the order of the full ranking; the first page's windows taken out.
    let mut others: Vec<(&'static CodePage, PageRuns, usize)> = rank(rest)
        .into_iter()
        .filter(|w| w.evidence > 0)
        .map(|w| {
            let runs = w.runs.outside(text, w.page, windows, &mut scan.judge);
            let (evidence, _) = evidence(text, &runs, &mut scan.code, scan.ctx.file.scripts());
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
fn pages_with_starts_outside(starts: &[Candidate], windows: &[runs::Resolved]) -> u16 {
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

/// The sum of run scores outside code from which a page is taken to have damaged the file as
/// a whole, even without one strong run: many runs that each read a little better repaired
/// (`premi├¿res`, `documentaci├│n` in CP437) and none that reads worse.
const FILE_GAIN: i32 = 40;

/// What a run's score may take off the sum: a run whose repair is garbage says the page is
/// wrong there, but no more than a strong run says it is right.
const WORST_RUN: i32 = -2 * runs::STRONG;

/// A page's evidence, and the sum of its runs' scores outside code (each at least
/// [`WORST_RUN`]). The evidence is the bytes of its strong runs outside Markdown code; or, when
/// its runs together make the text clearly more plausible (by [`FILE_GAIN`], each text that
/// runs hold counted once: a weak pattern repeated is no stronger), of all those whose repair
/// reads better. Scores count the scripts the strong runs repair into as the file's.
fn evidence(
    text: &str,
    runs: &PageRuns,
    code: &mut markdown_code::LazyCode<'_>,
    scripts: u32,
) -> (usize, i32) {
    if runs.runs.iter().all(|run| run.score <= 0) {
        return (0, 0);
    }
    // Code ranges are only worked out for files with some evidence somewhere.
    let code = code.ranges();
    let scripts = runs
        .runs
        .iter()
        .filter(|run| run.strong)
        .fold(scripts, |s, run| s | run.judged.repaired.new_scripts);
    let mut code_at = 0;
    let (mut strong, mut better, mut gain, mut distinct_gain) = (0, 0, 0i32, 0i32);
    let mut seen = std::collections::HashSet::new();
    for run in runs
        .runs
        .iter()
        .filter(|run| !markdown_code::inside_sweep(code, &mut code_at, &run.range))
    {
        let score = run.score_with(scripts).max(WORST_RUN);
        gain = gain.saturating_add(score);
        if distinct_gain < FILE_GAIN && seen.insert(&text[run.range.clone()]) {
            distinct_gain = distinct_gain.saturating_add(score);
        }
        if run.strong {
            strong += run.range.len();
        }
        if score > 0 {
            better += run.range.len();
        }
    }
    (
        if distinct_gain >= FILE_GAIN {
            better
        } else {
            strong
        },
        gain,
    )
}

#[cfg(test)]
mod tests {
    use super::super::candidates::candidates;
    use super::super::plausibility::FileTraits;
    use super::super::{CODE_PAGES, damage};
    use super::*;

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
        scan: &mut FileScan<'_>,
        pages: u16,
        starts: &[Candidate],
    ) -> Vec<(&'static CodePage, PageRuns, usize)> {
        let text = scan.text;
        let mut ranking = with_evidence(weigh(scan, pages, starts)).into_iter();
        let Some(first) = ranking.next() else {
            return Vec::new();
        };
        let windows = &first.1.windows;
        let mut others: Vec<_> = ranking
            .map(|(page, runs, _)| {
                let runs = runs.outside(text, page, windows, &mut scan.judge);
                let (evidence, _) = evidence(text, &runs, &mut scan.code, scan.ctx.file.scripts());
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
                file: FileTraits::of(&text, &starts),
            };
            let scan = |text| FileScan {
                text,
                ctx,
                code: LazyCode::new(text),
                judge: Judge::new(ctx.file),
            };
            let pruned = cover_whole(&mut scan(&text), pages, &starts);
            let pruned = format!("{:?}", with_evidence(pruned));
            let every = format!("{:?}", cover_every_page(&mut scan(&text), pages, &starts));
            assert_eq!(pruned, every);
        }
    }

    /// What [`kept_runs`] gave before it merged in place: each page merged forwards into a
    /// new list.
    fn kept_by_copying(found: &[(&'static CodePage, PageRuns, usize)]) -> Vec<(usize, usize)> {
        let mut kept: Vec<(std::ops::Range<usize>, usize, usize)> = Vec::new();
        for (rank, (_, runs, _)) in found.iter().enumerate() {
            let mut merged = Vec::new();
            let mut taken = kept.drain(..).peekable();
            for (i, run) in runs.runs.iter().enumerate() {
                if rank > 0 && !run.strong {
                    continue;
                }
                while let Some(before) = taken.next_if(|(r, _, _)| r.end <= run.range.start) {
                    merged.push(before);
                }
                if taken
                    .peek()
                    .is_none_or(|(r, _, _)| r.start >= run.range.end)
                {
                    merged.push((run.range.clone(), rank, i));
                }
            }
            merged.extend(taken);
            kept = merged;
        }
        kept.into_iter().map(|(_, rank, i)| (rank, i)).collect()
    }

    #[test]
    fn runs_merged_in_place_are_those_merged_by_copying() {
        // Pseudo-random runs (a fixed sequence): disjoint and sorted within a page, overlapping
        // across pages, strong or not.
        let mut seed = 0x2545_f491_u64;
        let mut next = |below: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            usize::try_from((seed >> 33) % below).unwrap_or(0)
        };
        for _ in 0..200 {
            let pages = 1 + next(4);
            let found: Vec<_> = (0..pages)
                .map(|p| {
                    let mut at = next(6);
                    let runs = (0..next(12))
                        .map(|_| {
                            let start = at + next(5);
                            let end = start + 1 + next(6);
                            at = end;
                            runs::Run {
                                range: start..end,
                                windows: 0..0,
                                strong: next(3) > 0,
                                misfits: 0,
                                score: 0,
                                judged: runs::Judged::default(),
                            }
                        })
                        .collect();
                    let page_runs = PageRuns {
                        runs,
                        ..PageRuns::default()
                    };
                    (&CODE_PAGES[p], page_runs, 1)
                })
                .collect();
            assert_eq!(kept_runs(&found), kept_by_copying(&found), "{found:?}");
        }
    }

    #[test]
    fn coverage_bounds_are_never_below_what_windows_cover() {
        for text in pruning_corpus() {
            let starts = candidates(&text);
            let pages = starts.iter().fold(0, |mask, c| mask | c.pages);
            let ctx = ScanContext {
                nbsp_may_be_lost: false,
                file: FileTraits::of(&text, &starts),
            };
            let bounds = candidates::coverage_bounds(&text, pages, &starts);
            let mut judge = Judge::new(ctx.file);
            for (page, runs) in
                runs::runs_for_pages_seeded(&text, pages, ctx, &starts, None, &mut judge)
            {
                let covered: usize = runs.windows.iter().map(|w| w.end - w.start).sum();
                assert!(covered <= bounds[page.index], "{}", page.name);
            }
        }
    }
}
