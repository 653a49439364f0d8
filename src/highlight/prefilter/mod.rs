//! Prefilters: where an Oniguruma pattern may start matching, found by a DFA.
//!
//! Most regex searches while highlighting find nothing: a context has dozens of patterns and a
//! line matches a few. Oniguruma finds that out by trying its backtracking matcher at position
//! after position. A *relaxed* form of the pattern, compiled by regex-automata (a lazy DFA,
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

use regex_automata::nfa::thompson;
use regex_automata::{MatchKind, hybrid};
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, Look, Repetition};

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
    /// Sets of bytes each match holds one of (the rarest few): a line whose rest lacks one
    /// cannot match, which a bit test tells without running the DFA over the line.
    needs: Vec<u128>,
    /// The same, of atoms that match no character outside ASCII: true of a match on any
    /// line, so they rule lines with non-ASCII text out too (where no DFA runs).
    needs_on_any_text: Vec<u128>,
    /// The pattern uses `\G` (the position the search starts at): Oniguruma must then still
    /// start where it was asked to, the prefilter only saying whether it can match at all.
    anchored_at_start: bool,
    /// Nothing was widened: on ASCII text the DFA's match is the pattern's match.
    exact: bool,
}

/// The first of a prefilter's bit tests, copied where the parser checks a pattern before
/// reaching for it (its grammar entry, its compiled form, this prefilter): most patterns of a
/// context are ruled out by them on most lines, and a pattern that passes is searched as
/// before, [`Prefilter::candidate`] running every test again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct BitTests {
    /// On ASCII lines: the bytes a match begins with, and the rarest set a match holds a byte
    /// of (`NO_TEST` for a test the prefilter does not have).
    ascii: [u128; 2],
    /// On lines with text outside ASCII: the rarest of the sets of atoms that match only
    /// ASCII characters (see [`Prefilter::may_match_any_text`]).
    any_text: u128,
}

/// A test left out: every ASCII byte, which only the end of a line lacks, where a pattern
/// that may match empty text (`$`) can still match. No test [`BitTests`] keeps is every ASCII
/// byte but a `first` set, which the prefilter runs anyway.
const NO_TEST: u128 = u128::MAX;

impl BitTests {
    /// Tests no position fails: for a pattern without a prefilter.
    pub const NONE: BitTests = BitTests {
        ascii: [NO_TEST; 2],
        any_text: NO_TEST,
    };

    /// Whether a search from a position with `after` at or after it (`bytes_after` of an
    /// ASCII line, `ascii_bytes_after` of another) cannot match: the prefilter would say so.
    pub fn rule_out(&self, after: u128, ascii: bool) -> bool {
        let fails = |test: u128| after & test == 0 && test != NO_TEST;
        if ascii {
            fails(self.ascii[0]) || fails(self.ascii[1])
        } else {
            fails(self.any_text)
        }
    }
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
        let (first, nullable) = first_bytes(&tree, true);
        let dfa = relaxed_dfa(&hir(&tree, true))?;
        Some(Prefilter {
            dfa,
            first: (!nullable).then_some(first),
            needs: rarest(needed_bytes(&tree, true)),
            needs_on_any_text: rarest(needed_ascii_only(&tree, true)),
            anchored_at_start: parser.anchored_at_start(),
            exact: parser.exact(),
        })
    }

    /// Whether a search of a line with non-ASCII text from some position can match, from the
    /// ASCII bytes at or after that position (`ascii_bytes_after`): `false` when it cannot.
    pub fn may_match_any_text(&self, ascii_after: u128) -> bool {
        self.needs_on_any_text
            .iter()
            .all(|need| ascii_after & need != 0)
    }

    /// The first of the bit tests [`Prefilter::candidate`] and
    /// [`Prefilter::may_match_any_text`] run, for the parser to run before a search.
    pub fn bit_tests(&self) -> BitTests {
        BitTests {
            ascii: [
                self.first.unwrap_or(NO_TEST),
                self.needs.first().copied().unwrap_or(NO_TEST),
            ],
            any_text: self.needs_on_any_text.first().copied().unwrap_or(NO_TEST),
        }
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
        if let Some(&after) = bytes_after.get(start)
            && (self.first.is_some_and(|first| after & first == 0)
                || self.needs.iter().any(|need| after & need == 0))
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

/// The lazy DFAs of a relaxed pattern, forward and reverse, as `hybrid::regex::Builder`
/// makes them from a pattern's text (`build_many`), from its tree instead.
fn relaxed_dfa(relaxed: &Hir) -> Option<hybrid::regex::Regex> {
    let nfa = |reverse: bool| {
        thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(1 << 20))
                    .which_captures(thompson::WhichCaptures::None)
                    .reverse(reverse),
            )
            .build_from_hir(relaxed)
            .ok()
    };
    let forward = hybrid::dfa::Builder::new()
        .configure(hybrid::dfa::Config::new().cache_capacity(1 << 17))
        .build_from_nfa(nfa(false)?)
        .ok()?;
    let reverse = hybrid::dfa::Builder::new()
        .configure(
            hybrid::dfa::Config::new()
                .cache_capacity(1 << 17)
                .prefilter(None)
                .specialize_start_states(false)
                .match_kind(MatchKind::All),
        )
        .build_from_nfa(nfa(true)?)
        .ok()?;
    Some(hybrid::regex::Builder::new().build_from_dfas(forward, reverse))
}

/// For each position of ASCII `text` (and its end), the set of bytes at or after it.
pub(super) fn bytes_after(text: &str, out: &mut Vec<u128>) {
    out.clear();
    out.resize(text.len() + 1, 0);
    for (i, byte) in text.bytes().enumerate().rev() {
        out[i] = out[i + 1] | 1u128 << (byte & 0x7f);
    }
}

/// ASCII letters: a `multi` set may match a two- or three-letter string instead of one of its
/// own bytes, so any letter may stand where it does.
const LETTERS: u128 = (0x3ff_ffff << b'A') | (0x3ff_ffff << b'a');

/// The bytes a match of the relaxed form of `node` can begin with, and whether it can be
/// empty (then it can match anywhere).
fn first_bytes(node: &Node, tail: bool) -> (u128, bool) {
    match node {
        Node::Empty
        | Node::WordBoundary(_)
        | Node::LineStart
        | Node::LineEnd
        | Node::TextStart
        | Node::TextEnd => (0, true),
        Node::Set { bits, multi, .. } => (bits | if *multi { LETTERS } else { 0 }, false),
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

/// Sets of bytes every match of the relaxed form of `node` holds one of (a byte of each).
fn needed_bytes(node: &Node, tail: bool) -> Vec<u128> {
    needed_sets(node, tail, &|bits, multi, _| {
        Some(bits | if multi { LETTERS } else { 0 })
    })
}

/// What [`needed_bytes`] finds, from atoms that match no character outside ASCII only: on any
/// text, every match holds an ASCII byte of each set.
fn needed_ascii_only(node: &Node, tail: bool) -> Vec<u128> {
    needed_sets(node, tail, &|bits, _, ascii_only| {
        ascii_only.then_some(bits)
    })
}

/// Sets every match of `node` holds a byte of, each atom's set being what `set` says of its
/// bits, `multi` and `ascii_only` (none: the atom gives no set).
fn needed_sets(
    node: &Node,
    tail: bool,
    set: &dyn Fn(u128, bool, bool) -> Option<u128>,
) -> Vec<u128> {
    match node {
        Node::Set {
            bits,
            multi,
            ascii_only,
        } => set(*bits, *multi, *ascii_only).into_iter().collect(),
        Node::Concat(items) => {
            let last = items.len().saturating_sub(1);
            items
                .iter()
                .enumerate()
                .flat_map(|(i, item)| needed_sets(item, tail && i == last, set))
                .collect()
        }
        Node::Alt(branches) => {
            // Each branch's rarest set; the union of them, when every branch has one.
            let mut union = 0;
            for branch in branches {
                match rarest(needed_sets(branch, tail, set)).first() {
                    Some(found) => union |= found,
                    None => return Vec::new(),
                }
            }
            vec![union]
        }
        Node::Repeat { node, min, .. } if *min > 0 => needed_sets(node, false, set),
        Node::Ahead(inner) if tail => needed_sets(inner, true, set),
        _ => Vec::new(),
    }
}

/// For each position of `text` (and its end), the set of ASCII bytes at or after it; bytes
/// outside ASCII add nothing.
pub(super) fn ascii_bytes_after(text: &str, out: &mut Vec<u128>) {
    out.clear();
    out.resize(text.len() + 1, 0);
    for (i, byte) in text.bytes().enumerate().rev() {
        let bit = if byte < 0x80 { 1u128 << byte } else { 0 };
        out[i] = out[i + 1] | bit;
    }
}

/// Sets kept for the prefilter's bit tests: the few with fewest bytes, each distinct and
/// narrower than "any ASCII byte".
fn rarest(mut sets: Vec<u128>) -> Vec<u128> {
    const KEPT: usize = 3;
    sets.retain(|set| set.count_ones() < 128);
    sets.sort_by_key(|set| (set.count_ones(), *set));
    sets.dedup();
    sets.truncate(KEPT);
    sets
}

/// The relaxed form of `node` as regex-syntax's tree, handed to regex-automata's compiler
/// as is (writing it out as a pattern for regex-automata to parse again cost as much as
/// compiling it). `tail`: nothing follows this node in the whole pattern, so a lookahead
/// here can be kept.
fn hir(node: &Node, tail: bool) -> Hir {
    match node {
        Node::Empty => Hir::empty(),
        Node::Set { bits, multi, .. } => {
            let set = Hir::class(Class::Bytes(byte_class(*bits)));
            if *multi {
                // The strings case folding makes one character of: two or three letters.
                let letters = Hir::class(Class::Bytes(ClassBytes::new([
                    ClassBytesRange::new(b'A', b'Z'),
                    ClassBytesRange::new(b'a', b'z'),
                ])));
                Hir::alternation(vec![set, repeat(letters, 2, Some(3), true)])
            } else {
                set
            }
        }
        Node::Concat(items) => {
            let last = items.len().saturating_sub(1);
            Hir::concat(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| hir(item, tail && i == last))
                    .collect(),
            )
        }
        Node::Alt(branches) => Hir::alternation(branches.iter().map(|b| hir(b, tail)).collect()),
        Node::Repeat {
            node,
            min,
            max,
            greedy,
        } => repeat(hir(node, false), *min, *max, *greedy),
        Node::AnyString => repeat(Hir::class(Class::Bytes(byte_class(ASCII))), 0, None, true),
        Node::WordBoundary(true) => Hir::look(Look::WordAscii),
        Node::WordBoundary(false) => Hir::look(Look::WordAsciiNegate),
        Node::LineStart => Hir::look(Look::StartLF),
        Node::LineEnd => Hir::look(Look::EndLF),
        Node::TextStart => Hir::look(Look::Start),
        Node::TextEnd => Hir::look(Look::End),
        Node::Ahead(inner) if tail => hir(inner, true),
        Node::Ahead(_) => Hir::empty(),
    }
}

/// Every ASCII byte.
const ASCII: u128 = u128::MAX;

fn repeat(sub: Hir, min: u32, max: Option<u32>, greedy: bool) -> Hir {
    Hir::repetition(Repetition {
        min,
        max,
        greedy,
        sub: Box::new(sub),
    })
}

/// The bytes of `bits` (ASCII only) as a class: no byte at all is a class that never matches.
fn byte_class(bits: u128) -> ClassBytes {
    let mut ranges = Vec::new();
    let mut byte = 0u8;
    while byte < 128 {
        if bits & (1u128 << byte) == 0 {
            byte += 1;
            continue;
        }
        let start = byte;
        while byte < 127 && bits & (1u128 << (byte + 1)) != 0 {
            byte += 1;
        }
        ranges.push(ClassBytesRange::new(start, byte));
        byte += 1;
    }
    ClassBytes::new(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(pattern: &str) -> Vec<u128> {
        Prefilter::new(pattern, &AtomSets::default())
            .expect("a pattern the prefilter reads")
            .needs
    }

    fn set(bytes: &[u8]) -> u128 {
        bytes.iter().fold(0, |bits, b| bits | 1 << b)
    }

    #[test]
    fn needed_bytes_are_what_every_match_holds() {
        // Rarest first; the `"` is needed twice, kept once.
        assert_eq!(
            needs(r#""[a-z]+""#),
            vec![set(b"\""), set(b"abcdefghijklmnopqrstuvwxyz")]
        );
        // An alternative needs a byte of one of its branches (the rarest of each: `f`, `e`).
        assert_eq!(needs(r"\b(?:if|else)\b"), vec![set(b"ef")]);
        assert_eq!(needs(r"a?b{2}c*"), vec![set(b"b")]);
        // A lookahead at the end is part of the relaxed form; one inside is not.
        assert_eq!(needs(r"x(?=;)"), vec![set(b";"), set(b"x")]);
        assert_eq!(needs(r"(?=;)x"), vec![set(b"x")]);
    }

    fn needs_on_any_text(pattern: &str) -> Vec<u128> {
        Prefilter::new(pattern, &AtomSets::default())
            .expect("a pattern the prefilter reads")
            .needs_on_any_text
    }

    #[test]
    fn needed_bytes_on_any_text_come_from_atoms_that_match_only_ascii() {
        // `\w` may stand for letters outside ASCII; `"` and `[a-z]` may not.
        assert_eq!(
            needs_on_any_text(r#""[a-z]+""#),
            vec![set(b"\""), set(b"abcdefghijklmnopqrstuvwxyz")]
        );
        assert_eq!(needs_on_any_text(r"\w+\s*;"), vec![set(b";")]);
        assert_eq!(needs_on_any_text(r"[-+*/]="), vec![set(b"="), set(b"*+-/")]);
        assert_eq!(needs_on_any_text(r"\b(?:if|else)\b"), vec![set(b"ef")]);
        // A negated class matches characters outside ASCII.
        assert_eq!(needs_on_any_text(r#"[^"]"#), Vec::<u128>::new());
        // Under `(?i)`, `k` matches the Kelvin sign and `ss` matches `ß`: letters are out,
        // punctuation stays.
        assert_eq!(needs_on_any_text(r"(?i)k"), Vec::<u128>::new());
        assert_eq!(needs_on_any_text(r"(?i)ss"), Vec::<u128>::new());
        assert_eq!(needs_on_any_text(r"(?i)[a-z]"), Vec::<u128>::new());
        assert_eq!(needs_on_any_text(r"(?i)end\("), vec![set(b"(")]);
    }

    fn bit_tests(pattern: &str) -> BitTests {
        Prefilter::new(pattern, &AtomSets::default())
            .expect("a pattern the prefilter reads")
            .bit_tests()
    }

    #[test]
    fn bit_tests_rule_out_what_lacks_a_needed_byte() {
        let quoted = bit_tests(r#""[a-z]+""#);
        assert!(quoted.rule_out(set(b"abc "), true));
        assert!(!quoted.rule_out(set(b"\"a"), true));
        // On other text, only from atoms that match nothing outside ASCII: `"`, `[a-z]`.
        assert!(quoted.rule_out(set(b"abc "), false));
        assert!(!bit_tests(r"\w+").rule_out(set(b" "), false));
    }

    #[test]
    fn bit_tests_leave_the_end_of_a_line_to_patterns_that_may_match_empty_text() {
        // The end of a line has no byte after it: `$` still matches there, `x` cannot.
        assert!(!bit_tests(r"(?m:$)").rule_out(0, true));
        assert!(!bit_tests(r"(?=\s*$)").rule_out(0, true));
        assert!(!bit_tests(r"(?m:$)").rule_out(0, false));
        assert!(bit_tests(r"x").rule_out(0, true));
    }

    #[test]
    fn optional_parts_and_alternatives_with_an_empty_branch_need_nothing() {
        assert!(needs(r"x*").is_empty());
        assert!(needs(r"(?:a|)b?").is_empty());
        assert!(needs(r"(?:a|b*)").is_empty());
        // Under `(?i)` both cases count.
        assert_eq!(needs(r"(?i)q"), vec![set(b"qQ")]);
    }
}
