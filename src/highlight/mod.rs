//! Syntax highlighting at build time: code becomes spans with CSS classes, coloured by the
//! theme's light and dark palettes; no highlighter runs in the reader's browser.
//!
//! The syntax set (syntect grammars, the extended set bat uses, from `two-face`) is a binary dump
//! inside the binary, loaded once per process on the first code block. Highlighting dominates a
//! build with code, so the per-block work is kept to the parse itself: languages are found with
//! one hash lookup (GitHub's and GitBook's aliases included), scope names are turned into class
//! names once per thread (syntect's own renderer takes a global lock for every span), only scopes
//! the palette colours get a span (smaller pages), and finished blocks are cached by (language,
//! code) so re-rendering a page (`carnet serve`) costs nothing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use pulldown_cmark_escape::escape_html_body_text;
use rustc_hash::{FxHashMap, FxHashSet};
use syntect::parsing::{ScopeStackOp, SyntaxReference, SyntaxSet};

use grammar::Grammars;
use parse::ParseState;
use render::LineRenderer;
use search::Scratch;

mod grammar;
mod parse;
mod prefilter;
mod render;
mod search;

/// The prefix of every class carnet's highlighting writes (`hl-keyword`).
pub const CLASS_PREFIX: &str = "hl-";

/// Scope (by prefix, most specific first) → palette class. Only what the palette colours gets a
/// span: plain identifiers, operators, punctuation and `meta` scopes would make pages heavier
/// for nothing.
const PALETTE: &[(&str, &str)] = &[
    ("comment", "c"),
    ("string.regexp", "r"),
    ("string", "s"),
    ("markup.raw", "s"),
    ("constant.character.escape", "e"),
    ("constant.numeric", "n"),
    ("constant.language", "l"),
    ("constant.other", "l"),
    ("support.constant", "l"),
    ("variable.language", "l"),
    ("keyword.operator", ""),
    ("keyword", "k"),
    ("storage.type", "t"),
    ("storage.modifier", "k"),
    ("storage", "k"),
    ("entity.name.function", "f"),
    ("variable.function", "f"),
    ("support.function", "f"),
    ("entity.name.tag", "g"),
    ("entity.other.attribute-name", "a"),
    ("entity.name", "y"),
    ("entity.other.inherited-class", "y"),
    ("support.type", "y"),
    ("support.class", "y"),
    ("variable.parameter", "p"),
    ("markup.heading", "h"),
    ("markup.inserted", "i"),
    ("markup.deleted", "d"),
    ("markup.changed", "h"),
    ("markup.bold", "b"),
    ("markup.italic", "m"),
    ("invalid", "x"),
];

/// How much highlighted HTML the cache keeps before starting afresh: enough for the code of a
/// large site while serving it, small beside a build's memory.
const CACHE_BYTES: usize = 4 << 20;

/// A language's grammar, found by name, alias or file extension.
pub struct Highlighter {
    syntaxes: &'static SyntaxSet,
    grammars: Grammars,
    by_token: HashMap<String, usize>,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    blocks: HashMap<[u8; 16], Arc<str>>,
    bytes: usize,
}

/// The process's highlighter, loaded on first use.
pub fn highlighter() -> &'static Highlighter {
    static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();
    HIGHLIGHTER.get_or_init(Highlighter::load)
}

/// Names GitHub and GitBook write for a language that the grammars call otherwise.
const ALIASES: &[(&str, &str)] = &[
    ("shell", "bash"),
    ("console", "bash"),
    ("shellsession", "bash"),
    ("zsh", "bash"),
    ("docker", "dockerfile"),
    ("golang", "go"),
    ("jsonc", "json"),
    ("yml", "yaml"),
    ("csharp", "cs"),
    ("py3", "py"),
    ("gql", "graphql"),
    ("md", "markdown"),
    ("patch", "diff"),
    ("kt", "kotlin"),
    ("rs", "rust"),
    ("rb", "ruby"),
];

impl Highlighter {
    fn load() -> Self {
        // One per process (`highlighter()`), so the set may live as long as the process: the
        // parser's tables refer into it.
        let syntaxes: &'static SyntaxSet = Box::leak(Box::new(two_face::syntax::extra_newlines()));
        let mut by_token = HashMap::new();
        for (index, syntax) in syntaxes.syntaxes().iter().enumerate() {
            for token in syntax.file_extensions.iter().chain([&syntax.name]) {
                by_token.entry(token.to_ascii_lowercase()).or_insert(index);
            }
        }
        for (alias, target) in ALIASES {
            if let Some(&index) = by_token.get(*target) {
                by_token.insert((*alias).to_string(), index);
            }
        }
        Highlighter {
            syntaxes,
            grammars: Grammars::new(syntaxes),
            by_token,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The grammar for `language` and its index in the set.
    fn syntax(&self, language: &str) -> Option<(usize, &SyntaxReference)> {
        let index = *self.by_token.get(&language.to_ascii_lowercase())?;
        self.syntaxes
            .syntaxes()
            .get(index)
            .map(|syntax| (index, syntax))
    }

    /// `code` highlighted as `language`: HTML lines separated by `\n`, each with its spans closed,
    /// so lines can be wrapped (for line numbers). `None` for a language carnet does not know.
    pub fn highlight(&self, language: &str, code: &str) -> Option<Arc<str>> {
        let (index, syntax) = self.syntax(language)?;
        let key = cache_key(&syntax.name, code);
        if let Some(lines) = self
            .cache
            .lock()
            .ok()
            .and_then(|cache| cache.blocks.get(&key).cloned())
        {
            return Some(lines);
        }
        let lines: Arc<str> = self.highlight_lines(index, syntax, code).into();
        if let Ok(mut cache) = self.cache.lock() {
            let size = lines.len();
            if cache.bytes + size > CACHE_BYTES {
                *cache = Cache::default();
            }
            cache.bytes += size;
            cache.blocks.insert(key, lines.clone());
        }
        Some(lines)
    }

    fn highlight_lines(&self, index: usize, syntax: &SyntaxReference, code: &str) -> String {
        let mut html = String::with_capacity(code.len() * 3);
        let mut renderer = LineRenderer::default();
        let mut lines = code.split_inclusive('\n');
        let mut offset = 0;
        let mut parser = LineParser::new(&self.grammars, index, syntax);
        for line in lines.by_ref() {
            if offset > 0 {
                html.push('\n');
            }
            let Some(ops) = parser.parse(index, line) else {
                // A grammar that fails mid-block: the rest is shown plain.
                let _ = escape_html_body_text(&mut html, code[offset..].trim_end_matches('\n'));
                break;
            };
            renderer.line(&mut html, line.trim_end_matches('\n'), &ops);
            offset += line.len();
        }
        html
    }
}

/// carnet's parser on grammars it can read, syntect's own on the others.
enum LineParser<'g> {
    Carnet(ParseState, &'g Grammars),
    Syntect(syntect::parsing::ParseState, &'g SyntaxSet),
}

impl<'g> LineParser<'g> {
    fn new(grammars: &'g Grammars, index: usize, syntax: &SyntaxReference) -> Self {
        match ParseState::new(grammars, index) {
            Some(state) => LineParser::Carnet(state, grammars),
            None => LineParser::Syntect(syntect::parsing::ParseState::new(syntax), grammars.set()),
        }
    }

    /// One line's scope operations, or `None` when the grammar fails.
    fn parse(&mut self, syntax: usize, line: &str) -> Option<Vec<(usize, ScopeStackOp)>> {
        match self {
            LineParser::Carnet(state, grammars) => parse_line(grammars, syntax, state, line),
            LineParser::Syntect(state, set) => state.parse_line(line, set).ok(),
        }
    }
}

/// Parses one line, or reuses the parse of the same line of the same grammar entered in the
/// same parser state: that is all a line's result depends on, and documentation repeats
/// lines (install commands, closing braces, common keys) across pages. A line is remembered
/// only from its second sighting: on code whose lines are all distinct, copying every line,
/// its states and its operations into the memo cost 7 % of the build for no hit at all.
fn parse_line(
    grammars: &Grammars,
    syntax: usize,
    state: &mut ParseState,
    line: &str,
) -> Option<Vec<(usize, ScopeStackOp)>> {
    let memo_on = LINE_MEMO_ENABLED.with(|enabled| *enabled) && line.len() <= MEMO_MAX_LINE;
    let mut remember = None;
    if memo_on {
        let key = line_key(syntax, line);
        let hit = LINE_MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            let Some(entries) = memo.lines.get(&key) else {
                // Seen before (or a hash collision, which costs one useless entry)?
                return Err(memo.seen_once(key));
            };
            Ok(entries
                .iter()
                .find(|e| e.syntax == syntax && &*e.line == line && &e.before == state)
                .map(|e| (e.ops.clone(), e.after.clone())))
        });
        match hit {
            Ok(Some((ops, after))) => {
                *state = after;
                return Some(ops);
            }
            Ok(None) | Err(true) => remember = Some((key, state.clone())),
            Err(false) => {}
        }
    }
    let ops = SCRATCH
        .with(|scratch| state.parse_line(line, grammars, &mut scratch.borrow_mut()))
        .ok()?;
    if let Some((key, before)) = remember {
        LINE_MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.count >= MEMO_MAX_ENTRIES {
                let seen = std::mem::take(&mut memo.seen);
                *memo = LineMemo {
                    seen,
                    ..LineMemo::default()
                };
            }
            memo.count += 1;
            let entry = MemoEntry {
                syntax,
                line: line.into(),
                before,
                ops: ops.clone(),
                after: state.clone(),
            };
            memo.lines.entry(key).or_default().push(entry);
        });
    }
    Some(ops)
}

/// The memo's key for a line of a grammar: a hash, the entries themselves holding the line.
fn line_key(syntax: usize, line: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    syntax.hash(&mut hasher);
    line.hash(&mut hasher);
    hasher.finish()
}

/// Lines longer than this are parsed every time (they rarely repeat).
const MEMO_MAX_LINE: usize = 256;
/// Lines remembered per thread before the memo starts afresh. An entry holds two parse states
/// (about 1.5 KB): 20,000 of them held some 60 MB on a site whose code lines are all distinct,
/// for no saved time there, while a site that repeats lines repeats far fewer than this (the
/// benchmark corpus: about 2,500).
const MEMO_MAX_ENTRIES: usize = 6_000;
/// Keys of lines seen once kept per thread before starting afresh (8 bytes each).
const SEEN_MAX_KEYS: usize = 200_000;

/// Fx hashing, not SipHash: every line of code is looked up.
#[derive(Default)]
struct LineMemo {
    lines: FxHashMap<u64, Vec<MemoEntry>>,
    count: usize,
    /// Keys of lines seen once and not remembered.
    seen: FxHashSet<u64>,
}

impl LineMemo {
    /// Notes a line's key; whether it had been seen before.
    fn seen_once(&mut self, key: u64) -> bool {
        if self.seen.len() >= SEEN_MAX_KEYS {
            self.seen.clear();
        }
        !self.seen.insert(key)
    }
}

struct MemoEntry {
    syntax: usize,
    line: Box<str>,
    before: ParseState,
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

thread_local! {
    static LINE_MEMO: RefCell<LineMemo> = RefCell::new(LineMemo::default());
    /// `CARNET_NO_LINE_MEMO=1` turns the memo off, to measure the parser's own cost.
    static LINE_MEMO_ENABLED: bool = std::env::var_os("CARNET_NO_LINE_MEMO").is_none();
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn cache_key(language: &str, code: &str) -> [u8; 16] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(language.as_bytes());
    hasher.update(&[0]);
    hasher.update(code.as_bytes());
    let hash = hasher.finalize();
    let mut key = [0; 16];
    key.copy_from_slice(&hash.as_bytes()[..16]);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(language: &str, code: &str) -> String {
        highlighter()
            .highlight(language, code)
            .map(|html| html.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn keywords_strings_and_comments_get_classes() {
        let out = html("rust", "// note\nfn main() { let s = \"a<b\"; }\n");
        assert!(out.contains("<span class=\"hl-c\">// note</span>"), "{out}");
        assert!(
            out.contains("<span class=\"hl-t\">fn</span> <span class=\"hl-f\">main</span>"),
            "{out}"
        );
        assert!(!out.contains("hl-x"), "no invalid tokens: {out}");
        assert!(
            out.contains("&quot;a&lt;b&quot;") || out.contains("\"a&lt;b\""),
            "escaped: {out}"
        );
    }

    #[test]
    fn github_aliases_are_understood() {
        for (alias, code) in [
            ("js", "const a = 1;"),
            ("yml", "a: 1"),
            ("sh", "echo hi"),
            ("shell", "ls -la"),
            ("console", "$ ls"),
            ("py", "import os"),
            ("ts", "let a: number = 1;"),
            ("dockerfile", "FROM debian"),
            ("c++", "int x;"),
            ("TOML", "a = 1"),
        ] {
            assert!(highlighter().highlight(alias, code).is_some(), "{alias}");
        }
    }

    #[test]
    fn unknown_languages_are_left_to_the_caller() {
        assert!(highlighter().highlight("klingon", "Qapla'").is_none());
    }

    #[test]
    fn every_line_closes_its_spans() {
        let out = highlighter()
            .highlight("python", "s = \"\"\"multi\nline\nstring\"\"\"\n")
            .unwrap();
        let out: Vec<&str> = out.split('\n').collect();
        assert_eq!(out.len(), 3);
        for line in &out {
            assert_eq!(
                line.matches("<span").count(),
                line.matches("</span>").count(),
                "{line}"
            );
        }
        assert_eq!(out[1], "<span class=\"hl-s\">line</span>");
    }

    #[test]
    fn the_line_memo_answers_as_the_parser_does() {
        // The same lines again and again, in and out of a string: remembered from their
        // second sighting, answered by the memo from the third, each for its own state.
        let h = highlighter();
        let (index, _) = h.syntax("python").unwrap();
        let block = "x = 1\n\"\"\"\nx = 1\n\"\"\"\n".repeat(4);
        let mut memo_state = ParseState::new(&h.grammars, index).unwrap();
        let mut plain_state = memo_state.clone();
        let mut scratch = Scratch::default();
        for line in block.split_inclusive('\n') {
            let remembered = parse_line(&h.grammars, index, &mut memo_state, line);
            let parsed = plain_state.parse_line(line, &h.grammars, &mut scratch).ok();
            assert_eq!(remembered, parsed, "{line:?}");
            assert_eq!(memo_state, plain_state, "{line:?}");
        }
        LINE_MEMO.with(|memo| {
            let memo = memo.borrow();
            let key = line_key(index, "x = 1\n");
            assert_eq!(
                memo.lines.get(&key).map(Vec::len),
                Some(2),
                "one entry per state"
            );
        });
    }

    #[test]
    fn blocks_are_cached() {
        let first = highlighter()
            .highlight("json", "{\"cached\": true}")
            .unwrap();
        let second = highlighter()
            .highlight("json", "{\"cached\": true}")
            .unwrap();
        assert!(Arc::ptr_eq(&first, &second));
    }
}

#[cfg(test)]
mod parse_tests;
