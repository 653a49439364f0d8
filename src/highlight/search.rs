//! One pattern searched on one line: the per-line result cache, the prefilter, Oniguruma.

use std::collections::HashMap;

use syntect::parsing::syntax_definition::{MatchOperation, MatchPattern};

use super::grammar::{Compiled, FlatPattern, GrammarError, Grammars, compile_regex};
use super::prefilter::{BitTests, Candidate, PrefilterCache};

/// Capture positions of a match: group 0 is the whole match.
pub(super) type Positions = Vec<Option<(usize, usize)>>;

/// The span of the whole match (group 0) of a search that succeeded: its absence means a broken
/// grammar or search, never a user's input.
pub(super) fn whole_match(
    positions: &[Option<(usize, usize)>],
) -> Result<(usize, usize), GrammarError> {
    positions
        .first()
        .copied()
        .flatten()
        .ok_or(GrammarError::Broken)
}

#[derive(Debug, PartialEq, Eq, Hash)]
pub(super) struct Captures {
    pub positions: Positions,
    pub line: String,
}

/// Per-thread buffers, kept between lines and blocks.
pub(super) struct Scratch {
    pub(super) region: onig::Region,
    pub(super) cache: Vec<Cached>,
    pub(super) stamp: u32,
    /// Positions of the last successful search.
    pub(super) found: Positions,
    /// Positions of the best match so far.
    pub(super) best: Positions,
    /// Regexes made from a pattern and earlier captures (`\1` in an end pattern), by source.
    dynamic: HashMap<String, Option<onig::Regex>>,
    /// Prefilter caches, by pattern id.
    prefilters: Vec<Option<PrefilterCache>>,
    /// The last line's bytes after each position, kept for its allocation.
    pub(super) bytes_after: Vec<u128>,
    /// `CARNET_NO_PREFILTER=1` turns prefilters off, to measure what they save.
    prefilters_on: bool,
}

#[derive(Clone, Default)]
pub(super) struct Cached {
    /// The line this result belongs to; other stamps mean "not searched on this line".
    pub(super) stamp: u32,
    outcome: Outcome,
    /// The match's positions, when `outcome` is `Found`.
    positions: Positions,
    /// The pattern's prefilter's first bit tests (of any line, not this one's), once the
    /// pattern was searched with its own regex: [`Scratch::ruled_out`] runs them.
    tests: Option<BitTests>,
}

/// What is known of a pattern on the current line, from where it was last searched (kept in
/// the line's table), and what one search gives.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Outcome {
    /// No match on the rest of the line.
    #[default]
    Absent,
    /// A match: in `Cached::positions` for the table, in `Scratch::found` just after a search.
    Found,
    /// No match begins before this position, where the prefilter found a candidate, and
    /// Oniguruma has not been run: a match there would have begun after a better one.
    Deferred(usize),
}

/// What an Oniguruma search gave: it says only whether it matched.
impl From<bool> for Outcome {
    fn from(matched: bool) -> Outcome {
        if matched {
            Outcome::Found
        } else {
            Outcome::Absent
        }
    }
}

impl Scratch {
    /// Whether pattern `id` cannot match the line from a position with `after` at or after
    /// it (`Line::bytes_after`): it was searched on this line and found nothing from where it
    /// was searched, or its prefilter's first bit tests fail there (then it is recorded as
    /// absent, as [`search`] would have). Either way [`search`] would say `false`, at more cost.
    pub(super) fn ruled_out(&mut self, id: u32, after: Option<u128>, ascii: bool) -> bool {
        let stamp = self.stamp;
        let Some(cached) = self.cache.get_mut(id as usize) else {
            return false;
        };
        if cached.stamp == stamp && cached.outcome == Outcome::Absent {
            return true;
        }
        // A match found or deferred on this line from `after`'s position on holds the bytes
        // the tests ask for: only a match before it, no longer of use, is replaced.
        let fails = cached
            .tests
            .zip(after)
            .is_some_and(|(tests, after)| tests.rule_out(after, ascii));
        if fails {
            cached.stamp = stamp;
            cached.outcome = Outcome::Absent;
        }
        fails
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            region: onig::Region::with_capacity(8),
            cache: Vec::new(),
            stamp: 0,
            found: Vec::new(),
            best: Vec::new(),
            dynamic: HashMap::new(),
            prefilters: Vec::new(),
            bytes_after: Vec::new(),
            prefilters_on: std::env::var_os("CARNET_NO_PREFILTER").is_none(),
        }
    }
}

/// Dynamic regexes kept per thread before starting afresh.
const DYNAMIC_REGEXES: usize = 256;

/// What a line's parse needs at hand.
pub(super) struct Line<'a> {
    pub text: &'a str,
    pub ascii: bool,
    /// The ASCII bytes at or after each position (for the prefilters).
    pub bytes_after: Vec<u128>,
    pub grammars: &'a Grammars,
}

/// Searches `pattern` from `start`; on a match its positions are in `scratch.found`.
/// `depth`: the parser's stack height. `limit`: the last position a match may begin at to be
/// of use to the caller (a better one was found before it); a match known to begin after it
/// is not looked for further (`false`), its prefilter's candidate kept for a later search.
#[allow(
    clippy::too_many_arguments,
    reason = "the parser's state, passed apart"
)]
pub fn search(
    depth: usize,
    line: &Line,
    start: usize,
    limit: usize,
    pattern: &MatchPattern,
    flat: FlatPattern,
    captures: Option<&Captures>,
    scratch: &mut Scratch,
) -> Result<bool, GrammarError> {
    let id = flat.id as usize;
    if id >= scratch.cache.len() {
        let size = line.grammars.pattern_ids().max(id + 1);
        scratch.cache.resize(size, Cached::default());
    }
    let cached = &scratch.cache[id];
    let mut from = None;
    if cached.stamp == scratch.stamp {
        match cached.outcome {
            // No match on the rest of the line earlier: none now.
            Outcome::Absent => return Ok(false),
            Outcome::Found => {
                let found_at = cached.positions.first().copied().flatten().map(|p| p.0);
                if found_at > Some(limit) {
                    return Ok(false);
                }
                if found_at >= Some(start) {
                    scratch.found.clone_from(&cached.positions);
                    return Ok(true);
                }
            }
            Outcome::Deferred(candidate) if candidate >= start => {
                if candidate > limit {
                    return Ok(false);
                }
                from = Some(candidate);
            }
            Outcome::Deferred(_) => {}
        }
    }
    let compiled = line.grammars.compiled(flat)?;
    let (found, can_cache) = match (pattern.has_captures, captures) {
        (true, Some(captures)) => (
            Outcome::from(search_with_refs(line, start, pattern, captures, scratch)),
            false,
        ),
        _ => {
            if !pattern.has_captures && scratch.prefilters_on && scratch.cache[id].tests.is_none() {
                // Not for a pattern with back references: searched with a regex made from
                // the captures when there are some, without its prefilter.
                scratch.cache[id].tests = Some(
                    compiled
                        .prefilter
                        .as_ref()
                        .map_or(BitTests::NONE, |prefilter| prefilter.bit_tests()),
                );
            }
            let found = match from {
                Some(candidate) => compiled
                    .regex
                    .as_ref()
                    .is_some_and(|regex| run(regex, line.text, candidate, scratch))
                    .into(),
                None => search_compiled(line, start, limit, flat.id, compiled, scratch),
            };
            (found, true)
        }
    };
    match found {
        Outcome::Found => {
            let (match_start, match_end) = whole_match(&scratch.found)?;
            // As syntect: an empty match that does nothing would loop forever.
            let does_something = match pattern.operation {
                MatchOperation::None => match_start != match_end,
                MatchOperation::Push(_) => depth < 100,
                _ => true,
            };
            if can_cache && does_something {
                let entry = &mut scratch.cache[id];
                entry.stamp = scratch.stamp;
                entry.outcome = Outcome::Found;
                entry.positions.clone_from(&scratch.found);
            }
            Ok(does_something)
        }
        Outcome::Deferred(candidate) => {
            let entry = &mut scratch.cache[id];
            entry.stamp = scratch.stamp;
            entry.outcome = Outcome::Deferred(candidate);
            Ok(false)
        }
        Outcome::Absent => {
            if can_cache {
                let entry = &mut scratch.cache[id];
                entry.stamp = scratch.stamp;
                entry.outcome = Outcome::Absent;
            }
            Ok(false)
        }
    }
}

/// Runs a pattern's own regex (with its prefilter on ASCII lines) from `start`, unless the
/// prefilter says a match would begin after `limit`.
fn search_compiled(
    line: &Line,
    start: usize,
    limit: usize,
    id: u32,
    compiled: &Compiled,
    scratch: &mut Scratch,
) -> Outcome {
    let Some(regex) = &compiled.regex else {
        return Outcome::Absent;
    };
    let mut from = start;
    if !line.ascii
        && scratch.prefilters_on
        && let Some(prefilter) = &compiled.prefilter
        && let Some(&after) = line.bytes_after.get(start)
        && !prefilter.may_match_any_text(after)
    {
        // No DFA on such a line, but a byte every match needs may be missing from its rest.
        return Outcome::Absent;
    }
    if line.ascii
        && scratch.prefilters_on
        && let Some(prefilter) = &compiled.prefilter
    {
        let id = id as usize;
        if id >= scratch.prefilters.len() {
            scratch.prefilters.resize_with(id + 1, || None);
        }
        let cache = scratch.prefilters[id].get_or_insert_with(|| prefilter.cache());
        match prefilter.candidate(cache, line.text, &line.bytes_after, start) {
            Candidate::None => return Outcome::Absent,
            Candidate::At(candidate) => from = candidate,
            Candidate::Exact { start: s0, end } if !compiled.needs_groups => {
                let start = s0;
                scratch.found.clear();
                scratch.found.push(Some((start, end)));
                return Outcome::Found;
            }
            Candidate::Exact { start, .. } => from = start,
        }
        if from > limit {
            return Outcome::Deferred(from);
        }
    }
    run(regex, line.text, from, scratch).into()
}

/// All the groups of a match, where `positions` may hold only its span (an exact prefilter's
/// answer for a pattern that needs no groups, `Compiled::needs_groups`): Oniguruma is run
/// again from the match's start, which finds the same match. Needed only when a `set` carries
/// on a `with_prototype` that refers back to the groups, which the grammar cannot tell ahead.
pub(super) fn full_groups(compiled: &Compiled, text: &str, positions: &Positions) -> Positions {
    let Some(regex) = &compiled.regex else {
        return positions.clone();
    };
    let Some(Some((start, end))) = positions.first().copied() else {
        return positions.clone();
    };
    if positions.len() > regex.captures_len() {
        return positions.clone();
    }
    let mut region = onig::Region::new();
    let found = regex.search_with_param(
        text,
        start,
        text.len(),
        onig::SearchOptions::SEARCH_OPTION_NONE,
        Some(&mut region),
        onig::MatchParam::default(),
    );
    match found {
        Ok(Some(_)) if region.pos(0) == Some((start, end)) => {
            (0..region.len()).map(|i| region.pos(i)).collect()
        }
        _ => positions.clone(),
    }
}

/// A pattern whose regex refers to captures of the match that opened its context (`\1`):
/// made afresh from the captured text, as syntect's `regex_with_refs` does.
fn search_with_refs(
    line: &Line,
    start: usize,
    pattern: &MatchPattern,
    captures: &Captures,
    scratch: &mut Scratch,
) -> bool {
    let source = substitute_backrefs(pattern.regex.regex_str(), |group| {
        let (s, e) = captures.positions.get(group).copied().flatten()?;
        Some(regex_syntax::escape(captures.line.get(s..e)?))
    });
    if scratch.dynamic.len() >= DYNAMIC_REGEXES && !scratch.dynamic.contains_key(&source) {
        scratch.dynamic.clear();
    }
    let mut dynamic = std::mem::take(&mut scratch.dynamic);
    let regex = dynamic
        .entry(source)
        .or_insert_with_key(|source| compile_regex(source));
    let matched = regex
        .as_ref()
        .is_some_and(|regex| run(regex, line.text, start, scratch));
    scratch.dynamic = dynamic;
    matched
}

/// One Oniguruma search; the positions go to `scratch.found`. Search errors (a backtracking
/// limit) count as no match, as in syntect.
fn run(regex: &onig::Regex, text: &str, from: usize, scratch: &mut Scratch) -> bool {
    let found = regex.search_with_param(
        text,
        from,
        text.len(),
        onig::SearchOptions::SEARCH_OPTION_NONE,
        Some(&mut scratch.region),
        onig::MatchParam::default(),
    );
    if !matches!(found, Ok(Some(_))) {
        return false;
    }
    scratch.found.clear();
    scratch
        .found
        .extend((0..scratch.region.len()).map(|i| scratch.region.pos(i)));
    true
}

/// syntect's `substitute_backrefs_in_regex`: `\N` replaced by what `substitute(N)` gives.
fn substitute_backrefs(source: &str, substitute: impl Fn(usize) -> Option<String>) -> String {
    let mut out = String::with_capacity(source.len());
    let mut last_was_escape = false;
    for c in source.chars() {
        if last_was_escape && c.is_ascii_digit() {
            if let Some(text) = c.to_digit(10).and_then(|d| substitute(d as usize)) {
                out.push_str(&text);
            }
        } else if last_was_escape {
            out.push('\\');
            out.push(c);
        } else if c != '\\' {
            out.push(c);
        }
        last_was_escape = c == '\\' && !last_was_escape;
    }
    if last_was_escape {
        out.push('\\');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::highlight::highlighter;
    use crate::highlight::prefilter::bytes_after;

    #[test]
    fn a_match_past_the_limit_is_deferred_then_found_as_before() {
        let h = highlighter();
        let grammars = &h.grammars;
        let (index, _) = h.syntax("rust").expect("the Rust grammar");
        let start = grammars.start(index).expect("a grammar carnet reads");
        let text = "    let total = count(\"items\") + 0x2a; // sum\n";
        let mut after = Vec::new();
        bytes_after(text, &mut after);
        let line = Line {
            text,
            ascii: true,
            bytes_after: after,
            grammars,
        };
        let mut deferred = 0;
        // The grammar's start context pushes its main one: the patterns of both.
        let mut patterns = grammars
            .info(start)
            .expect("the start context")
            .patterns
            .clone();
        for &flat in &patterns.clone() {
            let compiled = grammars.compiled(flat).expect("a pattern carnet reads");
            for &target in compiled.targets.as_ref().expect("resolved targets") {
                patterns.extend(&grammars.info(target).expect("a context").patterns);
            }
        }
        for &flat in &patterns {
            let pattern = grammars.pattern(flat).expect("a match pattern");
            // A line's first search, as `ParseState::parse_line` numbers lines.
            let mut plain = Scratch {
                stamp: 1,
                ..Scratch::default()
            };
            if !search(0, &line, 0, usize::MAX, pattern, flat, None, &mut plain).unwrap() {
                continue;
            }
            let (match_start, _) = whole_match(&plain.found).unwrap();
            if match_start == 0 {
                continue;
            }
            // A better match before it: this one is not looked for (an exact prefilter's
            // answer, which needs no Oniguruma, is given all the same).
            let mut scratch = Scratch {
                stamp: 1,
                ..Scratch::default()
            };
            let found = search(
                0,
                &line,
                0,
                match_start - 1,
                pattern,
                flat,
                None,
                &mut scratch,
            );
            if found == Ok(true) {
                assert_eq!(scratch.found, plain.found, "{}", pattern.regex.regex_str());
                continue;
            }
            assert_eq!(found, Ok(false), "{}", pattern.regex.regex_str());
            let outcome = scratch.cache[flat.id as usize].outcome;
            assert!(matches!(outcome, Outcome::Deferred(_)));
            deferred += 1;
            // Asked again without a limit, it finds what a search from scratch finds.
            let found = search(0, &line, 0, usize::MAX, pattern, flat, None, &mut scratch);
            assert_eq!(found, Ok(true), "{}", pattern.regex.regex_str());
            assert_eq!(scratch.found, plain.found, "{}", pattern.regex.regex_str());
        }
        assert!(deferred > 0, "no pattern was deferred on this line");
    }
}
