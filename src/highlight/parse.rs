//! carnet's parse loop over syntect's grammars.
//!
//! A port of `syntect::parsing::ParseState::parse_line` (syntect 5.3, MIT licence, © Tristan
//! Hume and contributors): the same contexts, prototypes, captures, back references and loop
//! rules, hence the same scope operations; a test compares the two, line by line, on every
//! grammar carnet ships. What differs is the work around the regex searches, which profiles
//! showed to be most of syntect's time on code that does not repeat:
//!
//! - a context's patterns are flattened once per process (`grammar.rs`) instead of being walked
//!   through their includes on every token;
//! - a pattern's result on the current line is kept in a table indexed by a dense pattern id,
//!   its capture positions copied into reused buffers, where syntect hashes a pointer and
//!   clones an Oniguruma region (three allocations) on every hit;
//! - on ASCII lines, a prefilter (`prefilter.rs`) tells where a match may begin, so Oniguruma
//!   starts its search there, or is not run when the pattern cannot match the rest of the line
//!   (most searches: a context has dozens of patterns and a line matches few of them).
//!
//! Comments marked "as syntect" point at behaviour kept on purpose, however odd.

use std::sync::Arc;

use syntect::parsing::ScopeStackOp;
use syntect::parsing::syntax_definition::{Context, MatchOperation, MatchPattern};

use super::grammar::{Compiled, Ctx, FlatPattern, GrammarError, Grammars};
use super::prefilter::{ascii_bytes_after, bytes_after};
use super::search::{Captures, Line, Positions, Scratch, full_groups, search, whole_match};

/// The parser's state between lines (syntect's `ParseState`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct ParseState {
    stack: Vec<Level>,
    first_line: bool,
    /// Indices of levels pushed by a `with_prototype` (syntect issue #101).
    proto_starts: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Level {
    context: Ctx,
    prototypes: Vec<Ctx>,
    /// The match that pushed this level, kept when the context refers back to its captures.
    captures: Option<Arc<Captures>>,
}

/// The best match found at a position.
struct Best {
    flat: FlatPattern,
    from_with_prototype: bool,
    would_loop: bool,
}

/// Matches in a row that consume nothing before a line is given up as looping (a grammar
/// needs a handful: lookaheads that push, set or pop).
const MAX_STALLED_MATCHES: usize = 1_000;

impl ParseState {
    /// The state before the first line of `syntax`, or `None` when carnet cannot read that
    /// grammar (the caller then uses syntect's parser).
    pub fn new(grammars: &Grammars, syntax: usize) -> Option<ParseState> {
        Some(ParseState {
            stack: vec![Level {
                context: grammars.start(syntax)?,
                prototypes: Vec::new(),
                captures: None,
            }],
            first_line: true,
            proto_starts: Vec::new(),
        })
    }

    /// The scope operations of one line (with its `\n`), in syntect's form.
    pub fn parse_line(
        &mut self,
        text: &str,
        grammars: &Grammars,
        scratch: &mut Scratch,
    ) -> Result<Vec<(usize, ScopeStackOp)>, GrammarError> {
        let Some(top) = self.stack.last() else {
            return Err(GrammarError::Broken);
        };
        let mut ops = Vec::new();
        if self.first_line {
            let context = grammars.context(top.context)?;
            if let Some(scope) = context.meta_content_scope.first() {
                ops.push((0, ScopeStackOp::Push(*scope)));
            }
            self.first_line = false;
        }
        scratch.stamp = scratch.stamp.wrapping_add(1);
        if scratch.stamp == 0 {
            scratch.cache.iter_mut().for_each(|c| c.stamp = 0);
            scratch.stamp = 1;
        }
        let ascii = text.is_ascii();
        let mut after = std::mem::take(&mut scratch.bytes_after);
        if ascii {
            bytes_after(text, &mut after);
        } else {
            ascii_bytes_after(text, &mut after);
        }
        let line = Line {
            text,
            ascii,
            bytes_after: after,
            grammars,
        };
        let parsed = self.parse_tokens(&line, scratch, ops);
        scratch.bytes_after = line.bytes_after;
        parsed
    }

    fn parse_tokens(
        &mut self,
        line: &Line,
        scratch: &mut Scratch,
        mut ops: Vec<(usize, ScopeStackOp)>,
    ) -> Result<Vec<(usize, ScopeStackOp)>, GrammarError> {
        let mut start = 0;
        let mut non_consuming_push_at = (0, 0);
        let mut stalled = 0;
        loop {
            let before = start;
            if !self.parse_next_token(
                line,
                &mut start,
                scratch,
                &mut non_consuming_push_at,
                &mut ops,
            )? {
                return Ok(ops);
            }
            // syntect guards against a non-consuming push followed by a pop, not against two
            // contexts that `set` each other without consuming: bat's JavaScript grammar does
            // that on some input, and syntect never returns. Such a line is an error here.
            stalled = if start == before { stalled + 1 } else { 0 };
            if stalled > MAX_STALLED_MATCHES {
                return Err(GrammarError::Looping);
            }
        }
    }

    fn parse_next_token(
        &mut self,
        line: &Line,
        start: &mut usize,
        scratch: &mut Scratch,
        non_consuming_push_at: &mut (usize, usize),
        ops: &mut Vec<(usize, ScopeStackOp)>,
    ) -> Result<bool, GrammarError> {
        let check_pop_loop = {
            let (pos, depth) = *non_consuming_push_at;
            pos == *start && depth == self.stack.len()
        };
        while self
            .proto_starts
            .last()
            .is_some_and(|&s| s >= self.stack.len())
        {
            self.proto_starts.pop();
        }
        let Some(best) = self.find_best_match(line, *start, scratch, check_pop_loop)? else {
            return Ok(false);
        };
        if best.would_loop {
            // As syntect (and Sublime Text): a non-consuming push followed by a non-consuming
            // pop would loop, so skip one character and try again.
            return Ok(match line.text[*start..].char_indices().nth(1) {
                Some((i, _)) => {
                    *start += i;
                    true
                }
                None => false,
            });
        }
        let (_, match_end) = whole_match(&scratch.best)?;
        if match_end <= *start {
            let pattern = line.grammars.pattern(best.flat)?;
            if let MatchOperation::Push(_) = pattern.operation {
                *non_consuming_push_at = (match_end, self.stack.len() + 1);
            }
        }
        *start = match_end;
        if best.from_with_prototype {
            // Ignore `with_prototype`s below this level once a context is pushed.
            self.proto_starts.push(self.stack.len());
        }
        let top = self.stack.last().ok_or(GrammarError::Broken)?.context;
        let level_context = line.grammars.context(top)?;
        let positions = std::mem::take(&mut scratch.best);
        let result = self.exec_pattern(line, &positions, &best, level_context, ops);
        scratch.best = positions;
        result?;
        Ok(true)
    }

    fn find_best_match(
        &self,
        line: &Line,
        start: usize,
        scratch: &mut Scratch,
        check_pop_loop: bool,
    ) -> Result<Option<Best>, GrammarError> {
        let grammars = line.grammars;
        let top = self.stack.last().ok_or(GrammarError::Broken)?;
        let prototype = grammars.info(top.context)?.prototype;
        let proto_start = self.proto_starts.last().copied().unwrap_or(0);
        // As syntect: `with_prototype`s from the bottom up, then the context's prototype, then
        // the context itself.
        let with_prototypes = self.stack[proto_start..].iter().flat_map(|level| {
            level
                .prototypes
                .iter()
                .map(move |&ctx| (true, ctx, level.captures.as_deref()))
        });
        let chain = with_prototypes
            .chain(prototype.map(|ctx| (false, ctx, None)))
            .chain(std::iter::once((
                false,
                top.context,
                top.captures.as_deref(),
            )));

        let mut min_start = usize::MAX;
        let mut best: Option<Best> = None;
        let mut pop_would_loop = false;
        let after = line.bytes_after.get(start).copied();
        for (from_with_prototype, ctx, captures) in chain {
            for &flat in &grammars.info(ctx)?.patterns {
                if scratch.ruled_out(flat.id, after, line.ascii) {
                    // Most of a context's patterns: found absent earlier on the line, or
                    // lacking a byte every match needs in the rest of it.
                    continue;
                }
                let pattern = grammars.pattern(flat)?;
                // A match must begin before the best so far to replace it (or where it does,
                // when the best would loop).
                let limit = match min_start {
                    usize::MAX => usize::MAX,
                    _ if pop_would_loop => min_start,
                    _ => min_start.saturating_sub(1),
                };
                if !search(
                    self.stack.len(),
                    line,
                    start,
                    limit,
                    pattern,
                    flat,
                    captures,
                    scratch,
                )? {
                    continue;
                }
                let (match_start, match_end) = whole_match(&scratch.found)?;
                if match_start < min_start || (match_start == min_start && pop_would_loop) {
                    min_start = match_start;
                    let consuming = match_end > start;
                    pop_would_loop = check_pop_loop
                        && !consuming
                        && matches!(pattern.operation, MatchOperation::Pop);
                    if matches!(pattern.operation, MatchOperation::Push(_))
                        && self.stack.len() >= 100
                    {
                        return Ok(None);
                    }
                    std::mem::swap(&mut scratch.best, &mut scratch.found);
                    best = Some(Best {
                        flat,
                        from_with_prototype,
                        would_loop: pop_would_loop,
                    });
                    if match_start == start && !pop_would_loop {
                        // Nothing can start earlier.
                        return Ok(best);
                    }
                }
            }
        }
        Ok(best)
    }

    fn exec_pattern(
        &mut self,
        line: &Line,
        positions: &Positions,
        best: &Best,
        level_context: &Context,
        ops: &mut Vec<(usize, ScopeStackOp)>,
    ) -> Result<(), GrammarError> {
        let grammars = line.grammars;
        let (match_start, match_end) = whole_match(positions)?;
        let pattern = grammars.pattern(best.flat)?;
        let compiled = grammars.compiled(best.flat)?;
        push_meta_ops(
            true,
            match_start,
            level_context,
            pattern,
            compiled,
            grammars,
            ops,
        )?;
        for scope in &pattern.scope {
            ops.push((match_start, ScopeStackOp::Push(*scope)));
        }
        if let Some(capture_map) = &pattern.captures {
            // Captures may come in any order (`((bob)|(hi))*`): sorted so that outer ones
            // open first; empty ones are left out, as they would sort pops wrongly.
            let mut map: Vec<((usize, i32), ScopeStackOp)> = Vec::new();
            for (group, scopes) in capture_map {
                let Some((cap_start, cap_end)) = positions.get(*group).copied().flatten() else {
                    continue;
                };
                if cap_start == cap_end {
                    continue;
                }
                for scope in scopes {
                    map.push((
                        (cap_start, -((cap_end - cap_start) as i32)),
                        ScopeStackOp::Push(*scope),
                    ));
                }
                map.push(((cap_end, i32::MIN), ScopeStackOp::Pop(scopes.len())));
            }
            map.sort_by_key(|entry| entry.0);
            ops.extend(map.into_iter().map(|((index, _), op)| (index, op)));
        }
        if !pattern.scope.is_empty() {
            ops.push((match_end, ScopeStackOp::Pop(pattern.scope.len())));
        }
        push_meta_ops(
            false,
            match_end,
            level_context,
            pattern,
            compiled,
            grammars,
            ops,
        )?;
        self.perform_op(line.text, positions, pattern, compiled, grammars)
    }

    fn perform_op(
        &mut self,
        line: &str,
        positions: &Positions,
        pattern: &MatchPattern,
        compiled: &Compiled,
        grammars: &Grammars,
    ) -> Result<(), GrammarError> {
        let old_prototypes = match pattern.operation {
            MatchOperation::Push(_) => None,
            // A `with_prototype` stays active through a `set` until its level is popped.
            MatchOperation::Set(_) => self.stack.pop().map(|level| level.prototypes),
            MatchOperation::Pop => {
                self.stack.pop();
                return Ok(());
            }
            MatchOperation::None => return Ok(()),
        };
        let targets = compiled.targets.as_ref().map_err(|e| *e)?;
        let count = targets.len();
        for (i, &target) in targets.iter().enumerate() {
            let mut prototypes = if i == 0 {
                old_prototypes.clone().unwrap_or_default()
            } else {
                Vec::new()
            };
            if i + 1 == count {
                // With several contexts pushed, the `with_prototype` applies to the last one.
                prototypes.extend(compiled.with_prototype?);
            }
            let mut uses_backrefs = grammars.context(target)?.uses_backrefs;
            for &prototype in &prototypes {
                uses_backrefs = uses_backrefs || grammars.context(prototype)?.uses_backrefs;
            }
            let captures = uses_backrefs.then(|| {
                Arc::new(Captures {
                    positions: full_groups(compiled, line, positions),
                    line: line.to_owned(),
                })
            });
            self.stack.push(Level {
                context: target,
                prototypes,
                captures,
            });
        }
        Ok(())
    }
}

/// The meta scopes a match opens or closes around itself (syntect's `push_meta_ops`, whose
/// `set` rules follow Sublime Text 3 rather than its documentation).
fn push_meta_ops(
    initial: bool,
    index: usize,
    current: &Context,
    pattern: &MatchPattern,
    compiled: &Compiled,
    grammars: &Grammars,
    ops: &mut Vec<(usize, ScopeStackOp)>,
) -> Result<(), GrammarError> {
    match pattern.operation {
        MatchOperation::Pop => {
            let scopes = if initial {
                &current.meta_content_scope
            } else {
                &current.meta_scope
            };
            if !scopes.is_empty() {
                ops.push((index, ScopeStackOp::Pop(scopes.len())));
            }
            // Cleared scopes come back after the popping match's own scopes.
            if !initial && current.clear_scopes.is_some() {
                ops.push((index, ScopeStackOp::Restore));
            }
        }
        MatchOperation::Push(_) | MatchOperation::Set(_) => {
            let is_set = matches!(pattern.operation, MatchOperation::Set(_));
            let ids = compiled.targets.as_ref().map_err(|e| *e)?;
            // Checked once, then looked up again by each loop below: no vector to allocate
            // for every push and set.
            for &id in ids {
                grammars.context(id)?;
            }
            let targets = || ids.iter().filter_map(|&id| grammars.context(id).ok());
            if initial {
                if is_set && current.clear_scopes.is_some() {
                    ops.push((index, ScopeStackOp::Restore));
                }
                for target in targets() {
                    if !is_set && let Some(amount) = target.clear_scopes {
                        ops.push((index, ScopeStackOp::Clear(amount)));
                    }
                    for scope in &target.meta_scope {
                        ops.push((index, ScopeStackOp::Push(*scope)));
                    }
                }
            } else {
                let repush = (is_set
                    && (!current.meta_scope.is_empty() || !current.meta_content_scope.is_empty()))
                    || targets().any(|target| {
                        !target.meta_content_scope.is_empty()
                            || (target.clear_scopes.is_some() && is_set)
                    });
                if repush {
                    let mut to_pop: usize = targets().map(|t| t.meta_scope.len()).sum();
                    if is_set {
                        to_pop += current.meta_content_scope.len() + current.meta_scope.len();
                    }
                    if to_pop > 0 {
                        ops.push((index, ScopeStackOp::Pop(to_pop)));
                    }
                    for target in targets() {
                        if is_set && let Some(amount) = target.clear_scopes {
                            ops.push((index, ScopeStackOp::Clear(amount)));
                        }
                        for scope in target.meta_scope.iter().chain(&target.meta_content_scope) {
                            ops.push((index, ScopeStackOp::Push(*scope)));
                        }
                    }
                }
            }
        }
        MatchOperation::None => {}
    }
    Ok(())
}
