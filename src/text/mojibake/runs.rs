//! Runs: consecutive windows of one code page, repaired together, judged together.
//!
//! A run is what a reader sees as one damaged stretch (`Ã©`, `â€™`, `ğŸ‡«ğŸ‡·`). Its repair is
//! the characters its windows decode to, undone again when the result is itself mojibake (text
//! damaged twice). Whether a run is *strong* evidence of damage decides whether it may repair a
//! file on its own; weak runs are repaired only in a file the page is known to have damaged.

use std::ops::Range;

use super::code_pages::{CodePage, images};
use super::lost::choose;
use super::scan::{Decoded, ScanContext, Window, next_non_ascii, window_at};
use super::unicode::is_letter;

/// How many extra layers of damage are undone (text misread three times is not seen in the wild).
const MAX_EXTRA_LAYERS: usize = 2;

/// A damaged stretch and its repair.
#[derive(Clone, Debug)]
pub struct Run {
    pub range: Range<usize>,
    pub repaired: String,
    /// Damage clean text does not produce by chance: enough to repair a file on its own.
    pub strong: bool,
    /// Other characters that fit a lost byte of this run as well as the chosen one.
    pub alternatives: Vec<char>,
    /// A byte of this run was lost and restored.
    pub restored: bool,
}

/// Every run of `page` in `text`, in order.
pub fn runs_for_page(text: &str, page: &CodePage, ctx: ScanContext) -> Vec<Run> {
    let bytes = text.as_bytes();
    let bit = 1u16 << page.index;
    let mut runs = Vec::new();
    let mut current: Vec<Window> = Vec::new();
    let mut i = next_non_ascii(bytes, 0);
    while i < bytes.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let is_lead = images(c).is_some_and(|image| image.lead & bit != 0);
        if let Some(window) = is_lead.then(|| window_at(text, i, page, ctx)).flatten() {
            if current.last().is_some_and(|last| last.end != window.start) {
                finish(text, page, std::mem::take(&mut current), &mut runs);
            }
            i = window.end;
            current.push(window);
            i = next_non_ascii(bytes, i);
            continue;
        }
        i = next_non_ascii(bytes, i + c.len_utf8());
    }
    finish(text, page, current, &mut runs);
    runs
}

/// Turns consecutive windows into runs, choosing lost bytes in context; a lost byte that fits
/// nothing in its context ends the run there.
fn finish(text: &str, page: &CodePage, windows: Vec<Window>, runs: &mut Vec<Run>) {
    let mut part: Vec<(Window, char)> = Vec::new();
    let mut alternatives = Vec::new();
    for window in windows {
        let prev = part
            .last()
            .map(|(_, c)| *c)
            .or_else(|| text[..window.start].chars().next_back());
        let next = text[window.end..].chars().next();
        let chosen = match &window.decoded {
            Decoded::Exact(c) => Some(*c),
            Decoded::Lost(candidates) => choose(candidates, prev, next).map(|choice| {
                if alternatives.is_empty() {
                    alternatives = choice.others;
                }
                choice.chosen
            }),
        };
        match chosen {
            Some(c) => part.push((window, c)),
            None => {
                close(
                    text,
                    page,
                    std::mem::take(&mut part),
                    &mut alternatives,
                    runs,
                );
            }
        }
    }
    close(text, page, part, &mut alternatives, runs);
}

fn close(
    text: &str,
    page: &CodePage,
    part: Vec<(Window, char)>,
    alternatives: &mut Vec<char>,
    runs: &mut Vec<Run>,
) {
    let (Some((first, _)), Some((last, _))) = (part.first(), part.last()) else {
        return;
    };
    let range = first.start..last.end;
    let mut repaired: String = part.iter().map(|(_, c)| *c).collect();
    for _ in 0..MAX_EXTRA_LAYERS {
        match undo_layer(&repaired, page) {
            Some(deeper) => repaired = deeper,
            None => break,
        }
    }
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let next_to_letter = before.is_some_and(is_letter) || after.is_some_and(is_letter);
    let windows: Vec<&Window> = part.iter().map(|(w, _)| w).collect();
    let strong = is_strong(&windows, next_to_letter);
    runs.push(Run {
        range,
        repaired,
        strong,
        alternatives: std::mem::take(alternatives),
        restored: windows
            .iter()
            .any(|w| matches!(w.decoded, Decoded::Lost(_))),
    });
}

/// Strong evidence: a window of three or four bytes (`â€™`, emoji), two windows in a row, or
/// a letter decoded from a letter followed by a symbol (`Ã©`) or next to a word.
fn is_strong(windows: &[&Window], next_to_letter: bool) -> bool {
    let exact: Vec<&&Window> = windows
        .iter()
        .filter(|w| matches!(w.decoded, Decoded::Exact(_)))
        .collect();
    if exact.iter().any(|w| w.width >= 3) || exact.len() >= 2 {
        return true;
    }
    exact.first().is_some_and(|w| {
        let decoded_letter = matches!(w.decoded, Decoded::Exact(c) if is_letter(c));
        decoded_letter && w.cont_not_letter && (w.lead_is_letter || next_to_letter)
    })
}

/// Undoes one more layer of damage in an already repaired run, when what it became is itself
/// strong mojibake of the same page (text damaged twice).
fn undo_layer(repaired: &str, page: &CodePage) -> Option<String> {
    let ctx = ScanContext {
        nbsp_may_be_lost: false,
    };
    let runs: Vec<Run> = runs_for_page(repaired, page, ctx)
        .into_iter()
        .filter(|run| !run.restored)
        .collect();
    if !runs.iter().any(|run| run.strong) {
        return None;
    }
    let mut out = String::with_capacity(repaired.len());
    let mut last = 0;
    for run in &runs {
        out.push_str(&repaired[last..run.range.start]);
        out.push_str(&run.repaired);
        last = run.range.end;
    }
    out.push_str(&repaired[last..]);
    Some(out)
}
