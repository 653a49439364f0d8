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

use std::collections::BTreeMap;
use std::ops::Range;

pub use code_pages::{CODE_PAGES, CodePage};

use runs::{Run, runs_for_page};
use scan::{ScanContext, candidate_pages};

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
    let pages = candidate_pages(text);
    if pages == 0 {
        return Vec::new();
    }
    let ctx = ScanContext {
        nbsp_may_be_lost: !text.contains('\u{A0}'),
    };
    let code = markdown_code::code_ranges(text);
    let mut found: Vec<(&'static CodePage, Vec<Run>, usize)> = Vec::new();
    for page in CODE_PAGES.iter().filter(|p| pages & (1 << p.index) != 0) {
        let runs = runs_for_page(text, page, ctx);
        let evidence = runs
            .iter()
            .filter(|run| run.strong && !markdown_code::inside(&code, &run.range))
            .map(|run| run.range.len())
            .sum();
        if evidence > 0 {
            found.push((page, runs, evidence));
        }
    }
    // Most evidence first; `sort_by` is stable, so ties keep the pages' order.
    found.sort_by(|a, b| b.2.cmp(&a.2));
    let mut accepted: BTreeMap<usize, (Run, &'static CodePage)> = BTreeMap::new();
    for (rank, (page, runs, _)) in found.into_iter().enumerate() {
        for run in runs {
            if (rank == 0 || run.strong) && !overlaps(&accepted, &run.range) {
                accepted.insert(run.range.start, (run, page));
            }
        }
    }
    locate(text, accepted.into_values())
}

fn overlaps(accepted: &BTreeMap<usize, (Run, &'static CodePage)>, range: &Range<usize>) -> bool {
    let before = accepted
        .range(..range.end)
        .next_back()
        .is_some_and(|(_, (run, _))| run.range.end > range.start);
    before
}

/// Adds line and column to runs (sorted by position).
fn locate(text: &str, runs: impl Iterator<Item = (Run, &'static CodePage)>) -> Vec<Repair> {
    let mut repairs = Vec::new();
    let mut line = 1;
    let mut line_start = 0;
    let mut counted_to = 0;
    for (run, page) in runs {
        for newline in memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to..run.range.start]) {
            line += 1;
            line_start = counted_to + newline + 1;
        }
        counted_to = run.range.start;
        let column = text[line_start..run.range.start].chars().count() + 1;
        repairs.push(Repair {
            damaged: text[run.range.clone()].to_string(),
            range: run.range,
            line,
            column,
            repaired: run.repaired,
            code_page: page.name,
            restored: run.restored,
            alternatives: run.alternatives,
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
