//! Judging runs: both readings of a run weighed, each judgement remembered for the file and
//! the files with the same traits after it ([`memory`](super::memory)).

use super::memory::{self, JudgeKey, Judgements, one_window_key};
use super::repair::{chosen_text, is_c1, undo_layers};
use super::*;

/// Judges runs in one file, remembering its judgements: a damaged file holds the same run
/// between the same kinds of neighbours many times (`Ã©` inside a lower-case word), and
/// weighing both readings is the costliest part of the scan.
pub struct Judge {
    pub(super) file: FileTraits,
    /// The judgements of runs of one window without a lost byte between ASCII neighbours
    /// (most runs of a damaged file), by [`one_window_key`], and of the others.
    known: Judgements,
}

impl Default for Judge {
    fn default() -> Self {
        Judge::new(FileTraits::default())
    }
}

impl Drop for Judge {
    fn drop(&mut self) {
        memory::give_back(self.file, std::mem::take(&mut self.known));
    }
}

impl Judge {
    pub fn new(file: FileTraits) -> Self {
        Judge {
            known: memory::take(&file),
            file,
        }
    }

    /// [`judge_run`], remembered.
    pub(super) fn judge(
        &mut self,
        text: &str,
        page: &CodePage,
        windows: &[Resolved],
        range: Range<usize>,
    ) -> Option<Judged> {
        if let Some(key) = one_window_key(text, page, windows, &range) {
            if let Some(known) = self.known.windows.get(&key) {
                return *known;
            }
            let judged = judge_run(text, page, windows, range, &self.file);
            self.known.windows.insert(key, judged);
            return judged;
        }
        let Some(key) = JudgeKey::of(text, page, windows, &range) else {
            return judge_run(text, page, windows, range, &self.file);
        };
        if let Some(known) = self.known.runs.get(&key) {
            return *known;
        }
        let judged = judge_run(text, page, windows, range, &self.file);
        self.known.runs.insert(key, judged);
        judged
    }
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
pub(super) const LOST_BYTE: i32 = 10;
pub(super) const LOST_NBSP: i32 = 15;

/// Both readings of `windows` (a run over `range` of `text`, read with `page`) weighed; `None`
/// when no repair of them is possible (a C1 control left by a first layer of damage).
pub(super) fn judge_run(
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
        lone_sign: matches!(windows, [only] if only.chosen.len_utf8() == 2 && lone_sign(only.chosen)),
        deeper,
    })
}

/// Whether `c`, repaired from two bytes alone, may be what the author typed with a stray
/// character before it (`Â°`: the repair only takes the `Â` away): any sign. Not a letter, and
/// not a combining mark: that changes the character it sits on (`$Ì¶6Ì¶3Ì¶`, a price crossed
/// out), and its repair is weighed as such.
fn lone_sign(c: char) -> bool {
    !is_letter(c) && plausibility::info(c).kind != plausibility::Kind::Mark
}

/// What box drawing costs inside a word, as it stands (`B├╝ro`, `güneş` read as CP437 into
/// `g├╝ne┼ƒ`).
pub(super) const BOX_IN_A_WORD: i32 = 30;

/// Whether `run` is box drawing only, with letters on both sides and a word of two letters on
/// one side at least: a tree or a frame has spaces or more box drawing beside it, and line
/// art (`├┤a┼┐a┼┐a`) single letters between its pieces, not words.
pub(super) fn box_drawing_in_a_word(run: &str, around: &Around) -> bool {
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
pub(super) fn garble(around: &Around) -> i32 {
    around
        .before
        .iter()
        .chain(&around.after)
        .flatten()
        .filter(|c| !c.is_ascii())
        .filter(|c| super::super::code_pages::images(**c).is_none())
        .map(|c| i32::from(plausibility::info(*c).cost))
        .filter(|cost| *cost >= 20)
        .sum()
}

/// Whether the characters `windows` decode to may be mojibake again (text damaged twice): a C1
/// control, or two characters at least with a lead byte's image among them.
pub(super) fn may_hold_more_damage(windows: &[Resolved]) -> bool {
    let image = |c: char| super::super::code_pages::images(c);
    windows.iter().any(|w| is_c1(w.chosen))
        || windows.windows(2).any(|pair| {
            image(pair[0].chosen)
                .zip(image(pair[1].chosen))
                .is_some_and(|(lead, cont)| lead.lead & cont.cont != 0)
        })
}
