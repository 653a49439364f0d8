//! What a kept run becomes: its windows' characters, with further layers of damage undone.

use super::*;

/// The characters `windows` decode to, in a string allocated once (a character takes at most
/// four bytes).
pub(super) fn chosen_text(windows: &[Resolved]) -> String {
    let mut text = String::with_capacity(4 * windows.len());
    for window in windows {
        text.push(window.chosen);
    }
    text
}

pub(super) fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9F}').contains(&c)
}

/// `repaired` with further layers of damage undone, through `page` (the one that explained the
/// first layer) or else any page that explains them.
pub(super) fn undo_layers(mut repaired: String, page: &CodePage, around: &Around) -> String {
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
pub(super) fn fits_script(repaired: &str, context: Option<Script>) -> bool {
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
pub(super) fn undo_layer(
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
