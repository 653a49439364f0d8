//! Prefilters: where an Oniguruma pattern may start matching, found by a DFA.
//!
//! Most regex searches while highlighting find nothing: a context has dozens of patterns and a
//! line matches a few. Oniguruma finds that out by trying its backtracking matcher at position
//! after position. A *relaxed* form of the pattern, compiled by the `regex` crate (a lazy DFA,
//! a few instructions per byte), answers first: on ASCII text it matches wherever the original
//! could begin a match, and perhaps elsewhere too. No relaxed match means no match at all;
//! otherwise Oniguruma starts its search at the first relaxed match, which gives the same result
//! as starting it earlier, since no match can begin in between.
//!
//! Relaxing keeps a pattern's shape (concatenation, alternation, repetition, groups) and widens
//! what the DFA cannot do: lookbehinds, negative lookaheads and most anchors match anywhere,
//! back references match any text, possessive and atomic forms become greedy ones, and a
//! positive lookahead is kept only where nothing follows it. What one character matches
//! (a literal, a class, `\w`, `\p{L}`, `.`) is not interpreted here: Oniguruma itself is asked,
//! with the options in force, which of the 128 ASCII characters it accepts. Text that is not
//! ASCII, where case folding and Unicode classes differ between engines, gets no prefilter.
//! A pattern with a construct this module does not know gets none either.

use std::collections::HashMap;
use std::sync::Mutex;

use regex_automata::hybrid;

use atoms::Flags;
use pattern::{Node, Parser};

mod atoms;
mod pattern;

/// What one-character atoms match among ASCII characters, by atom and options: asked of
/// Oniguruma once per grammar set (the same `\s` or `[A-Za-z_]` recurs in thousands of
/// patterns).
#[derive(Default)]
pub(super) struct AtomSets {
    sets: Mutex<HashMap<(String, Flags), Option<u128>>>,
}

/// A pattern's prefilter.
pub(super) struct Prefilter {
    /// A lazy DFA (forward to find a match, reverse to find where it starts), with caches
    /// the caller keeps per thread: no pool to go through on every search.
    dfa: hybrid::regex::Regex,
    /// The ASCII bytes a match can begin with; `None` when a match may be empty.
    first: Option<u128>,
    /// The pattern uses `\G` (the position the search starts at): Oniguruma must then still
    /// start where it was asked to, the prefilter only saying whether it can match at all.
    anchored_at_start: bool,
    /// Nothing was widened: on ASCII text the DFA's match is the pattern's match.
    exact: bool,
}

/// A prefilter's working memory, one per thread.
pub(super) type PrefilterCache = hybrid::regex::Cache;

/// What a prefilter says about a search from some position.
pub(super) enum Candidate {
    /// The pattern cannot match there.
    None,
    /// Start Oniguruma at this position.
    At(usize),
    /// The pattern's match (an exact prefilter): Oniguruma is not needed unless the caller
    /// wants the capture groups.
    Exact { start: usize, end: usize },
}

impl Prefilter {
    /// The prefilter of an Oniguruma `pattern`, when it can be relaxed.
    pub fn new(pattern: &str, sets: &AtomSets) -> Option<Prefilter> {
        let mut parser = Parser::new(pattern, sets);
        let tree = parser.alternation(Flags::default(), 0)?;
        if !parser.at_end() {
            return None;
        }
        let mut relaxed = String::new();
        emit(&tree, true, &mut relaxed);
        let (first, nullable) = first_bytes(&tree, true);
        let dfa = hybrid::regex::Builder::new()
            .syntax(regex_automata::util::syntax::Config::new().unicode(false))
            .thompson(regex_automata::nfa::thompson::Config::new().nfa_size_limit(Some(1 << 20)))
            .dfa(hybrid::dfa::Config::new().cache_capacity(1 << 17))
            .build(&relaxed)
            .ok()?;
        Some(Prefilter {
            dfa,
            first: (!nullable).then_some(first),
            anchored_at_start: parser.anchored_at_start(),
            exact: parser.exact(),
        })
    }

    pub fn cache(&self) -> PrefilterCache {
        self.dfa.create_cache()
    }

    /// What a search of ASCII `text` from `start` can find. `bytes_after` tells which bytes
    /// occur at or after each position of `text` (see `bytes_after`).
    pub fn candidate(
        &self,
        cache: &mut PrefilterCache,
        text: &str,
        bytes_after: &[u128],
        start: usize,
    ) -> Candidate {
        debug_assert!(text.is_ascii());
        if let Some(first) = self.first
            && bytes_after
                .get(start)
                .is_some_and(|after| after & first == 0)
        {
            return Candidate::None;
        }
        let input = regex_automata::Input::new(text).range(start..);
        match self.dfa.try_search(cache, &input) {
            Ok(None) => Candidate::None,
            // After a line's final `\n`, `(?m:^)` matches and Oniguruma's `^` does not: a
            // match there is left to Oniguruma.
            Ok(Some(found)) if self.exact && found.start() < text.len() => Candidate::Exact {
                start: found.start(),
                end: found.end(),
            },
            Ok(Some(found)) if !self.anchored_at_start => Candidate::At(found.start()),
            // The DFA gave up (its cache thrashed): Oniguruma searches as it would have.
            Ok(Some(_)) | Err(_) => Candidate::At(start),
        }
    }
}

/// For each position of ASCII `text` (and its end), the set of bytes at or after it.
pub(super) fn bytes_after(text: &str, out: &mut Vec<u128>) {
    out.clear();
    out.resize(text.len() + 1, 0);
    for (i, byte) in text.bytes().enumerate().rev() {
        out[i] = out[i + 1] | 1u128 << (byte & 0x7f);
    }
}

/// The bytes a match of the emitted form of `node` can begin with, and whether it can be
/// empty (then it can match anywhere).
fn first_bytes(node: &Node, tail: bool) -> (u128, bool) {
    const LETTERS: u128 = (0x3ff_ffff << b'A') | (0x3ff_ffff << b'a');
    match node {
        Node::Empty
        | Node::WordBoundary(_)
        | Node::LineStart
        | Node::LineEnd
        | Node::TextStart
        | Node::TextEnd => (0, true),
        Node::Set { bits, multi } => (bits | if *multi { LETTERS } else { 0 }, false),
        Node::Concat(items) => {
            let mut bits = 0;
            let last = items.len().saturating_sub(1);
            for (i, item) in items.iter().enumerate() {
                let (first, nullable) = first_bytes(item, tail && i == last);
                bits |= first;
                if !nullable {
                    return (bits, false);
                }
            }
            (bits, true)
        }
        Node::Alt(branches) => branches.iter().fold((0, false), |(bits, nullable), b| {
            let (first, n) = first_bytes(b, tail);
            (bits | first, nullable || n)
        }),
        Node::Repeat { node, min, .. } => {
            let (first, nullable) = first_bytes(node, false);
            (first, nullable || *min == 0)
        }
        Node::AnyString => (u128::MAX, true),
        Node::Ahead(inner) if tail => first_bytes(inner, true),
        Node::Ahead(_) => (0, true),
    }
}

/// `tail`: nothing follows this node in the whole pattern, so a lookahead here can be kept.
fn emit(node: &Node, tail: bool, out: &mut String) {
    match node {
        Node::Empty => {}
        Node::Set { bits, multi } => {
            if *multi {
                out.push_str("(?:");
            }
            emit_set(*bits, out);
            if *multi {
                out.push_str("|[A-Za-z]{2,3})");
            }
        }
        Node::Concat(items) => {
            out.push_str("(?:");
            let last = items.len().saturating_sub(1);
            for (i, item) in items.iter().enumerate() {
                emit(item, tail && i == last, out);
            }
            out.push(')');
        }
        Node::Alt(branches) => {
            out.push_str("(?:");
            for (i, branch) in branches.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                emit(branch, tail, out);
            }
            out.push(')');
        }
        Node::Repeat {
            node,
            min,
            max,
            greedy,
        } => {
            out.push_str("(?:");
            emit(node, false, out);
            out.push(')');
            match (min, max) {
                (0, None) => out.push('*'),
                (1, None) => out.push('+'),
                (min, None) => out.push_str(&format!("{{{min},}}")),
                (min, Some(max)) => out.push_str(&format!("{{{min},{max}}}")),
            }
            if !greedy {
                out.push('?');
            }
        }
        Node::AnyString => out.push_str("[\\x00-\\x7F]*"),
        Node::WordBoundary(true) => out.push_str("(?-u:\\b)"),
        Node::WordBoundary(false) => out.push_str("(?-u:\\B)"),
        Node::LineStart => out.push_str("(?m:^)"),
        Node::LineEnd => out.push_str("(?m:$)"),
        Node::TextStart => out.push_str("\\A"),
        Node::TextEnd => out.push_str("\\z"),
        Node::Ahead(inner) => {
            if tail {
                emit(inner, true, out);
            }
        }
    }
}

fn emit_set(bits: u128, out: &mut String) {
    if bits == 0 {
        out.push_str("[a&&b]");
        return;
    }
    out.push('[');
    let mut byte = 0u32;
    while byte < 128 {
        if bits & (1u128 << byte) == 0 {
            byte += 1;
            continue;
        }
        let start = byte;
        while byte + 1 < 128 && bits & (1u128 << (byte + 1)) != 0 {
            byte += 1;
        }
        out.push_str(&format!("\\x{start:02X}"));
        if byte > start {
            out.push_str(&format!("-\\x{byte:02X}"));
        }
        byte += 1;
    }
    out.push(']');
}
