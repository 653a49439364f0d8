//! Scope operations → HTML spans, as few as give the same colours.
//!
//! A grammar's scopes nest deeply and change often (some grammars, Swift's among them, open a
//! scope per character of an operator or a string), while the palette has a dozen classes. So a
//! line is first cut into runs of text that share the same palette classes (the stack of
//! classes of their coloured scopes, a class repeated right inside itself counted once); runs
//! with the same classes are joined, and blanks between two runs of the same classes join them
//! when that changes nothing a reader sees (a blank has no colour; only an underline would
//! show). The runs are then written with the fewest span openings and closings: a class shared
//! by consecutive runs stays open. Each character ends up inside the same classes, in the same
//! order, as when every coloured scope had its own span (a test checks it on real code).
//! Text is escaped as element content: `<`, `>` and `&` only, since quotes need no escaping
//! outside attributes (JSON and strings are full of them).

use rustc_hash::FxHashMap;
use std::cell::RefCell;

use pulldown_cmark_escape::escape_html_body_text;
use syntect::parsing::{BasicScopeStackOp, Scope, ScopeStack, ScopeStackOp};

use super::{CLASS_PREFIX, PALETTE};

/// A palette class: its index in `PALETTE` plus one; 0 for scopes the palette leaves plain.
type Class = u8;

/// The classes whose look would show on a blank (an underline): blanks are never given them.
const VISIBLE_ON_BLANKS: &[&str] = &["x"];

/// Renders lines one after the other, carrying the scopes left open from line to line.
#[derive(Default)]
pub(super) struct LineRenderer {
    stack: ScopeStack,
    /// The class of each scope on `stack`.
    classes: Vec<Class>,
    runs: Vec<Run>,
    /// The class stacks of `runs`, end to end.
    arena: Vec<Class>,
}

/// Text with one class stack: `line[start..end]`, classes `arena[from..to]`.
#[derive(Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    from: usize,
    to: usize,
}

impl LineRenderer {
    /// Appends one line's HTML (without its `\n`), every span closed at its end.
    pub fn line(&mut self, html: &mut String, line: &str, ops: &[(usize, ScopeStackOp)]) {
        self.runs.clear();
        self.arena.clear();
        let mut cursor = 0;
        for (index, op) in ops {
            let index = (*index).min(line.len());
            if index > cursor {
                self.push_run(cursor, index);
                cursor = index;
            }
            let classes = &mut self.classes;
            let _ = self.stack.apply_with_hook(op, |basic, _| match basic {
                BasicScopeStackOp::Push(scope) => classes.push(class_of(scope)),
                BasicScopeStackOp::Pop => {
                    classes.pop();
                }
            });
        }
        if cursor < line.len() {
            self.push_run(cursor, line.len());
        }
        self.absorb_blanks(line);
        self.write(html, line);
    }

    /// Adds the text `start..end` with the classes now open, joined to the previous run when
    /// they are the same.
    fn push_run(&mut self, start: usize, end: usize) {
        let from = self.arena.len();
        for &class in &self.classes {
            if class == 0 {
                continue;
            }
            // A colour-only class is hidden by any colour set inside it (the same letter
            // included: several scopes share a class), so only the innermost colour is kept.
            if sets_colour(class)
                && let Some(&outer) = self.arena[from..].last()
                && only_colour(outer)
            {
                self.arena.pop();
            }
            if self.arena[from..].last().map(|&c| letter(c)) != Some(letter(class)) {
                self.arena.push(class);
            }
        }
        let to = self.arena.len();
        if let Some(last) = self.runs.last_mut()
            && self.arena[last.from..last.to] == self.arena[from..to]
        {
            last.end = end;
            self.arena.truncate(from);
            return;
        }
        self.runs.push(Run {
            start,
            end,
            from,
            to,
        });
    }

    /// Blanks between two runs of the same classes take those classes, when theirs are a
    /// prefix of them (the blank then only gains colours) and none of the gained classes shows
    /// on a blank; the three runs become one.
    fn absorb_blanks(&mut self, line: &str) {
        if self.runs.len() < 3 {
            return;
        }
        let mut merged: Vec<Run> = Vec::with_capacity(self.runs.len());
        let mut i = 0;
        while i < self.runs.len() {
            let run = self.runs[i];
            if let (Some(before), Some(&after)) = (merged.last_mut(), self.runs.get(i + 1)) {
                let outer = &self.arena[before.from..before.to];
                let inner = &self.arena[run.from..run.to];
                if line[run.start..run.end]
                    .bytes()
                    .all(|b| b == b' ' || b == b'\t')
                    && outer == &self.arena[after.from..after.to]
                    && outer.starts_with(inner)
                    && outer[inner.len()..].iter().all(|&c| !shows_on_blanks(c))
                {
                    before.end = after.end;
                    i += 2;
                    continue;
                }
            }
            merged.push(run);
            i += 1;
        }
        self.runs = merged;
    }

    /// Writes the runs, keeping open the spans consecutive runs share.
    fn write(&self, html: &mut String, line: &str) {
        let mut open: Vec<Class> = Vec::new();
        for run in &self.runs {
            let classes = &self.arena[run.from..run.to];
            let (keep, shared) = spans_to_keep(&open, classes);
            for _ in keep..open.len() {
                html.push_str("</span>");
            }
            open.truncate(keep);
            for &class in &classes[shared..] {
                html.push_str("<span class=\"");
                html.push_str(CLASS_PREFIX);
                html.push_str(PALETTE[class as usize - 1].1);
                html.push_str("\">");
                open.push(class);
            }
            let _ = escape_html_body_text(&mut *html, &line[run.start..run.end]);
        }
        for _ in &open {
            html.push_str("</span>");
        }
    }
}

/// How many of the `open` spans a run of `classes` can stay inside, and how many of its
/// classes those give it: the common prefix, and beyond it open colour-only spans when the
/// run sets its own colour inside them (they are hidden then). The fewest closings plus
/// openings wins.
fn spans_to_keep(open: &[Class], classes: &[Class]) -> (usize, usize) {
    let shared = open.iter().zip(classes).take_while(|(a, b)| a == b).count();
    let mut best = (shared, shared);
    if classes[shared..].iter().any(|&c| sets_colour(c)) {
        let hidden = open[shared..]
            .iter()
            .take_while(|&&c| only_colour(c))
            .count();
        let cost = |keep: usize| open.len() - keep + classes.len() - shared;
        if hidden > 0 && cost(shared + hidden) <= cost(shared) {
            best = (shared + hidden, shared);
        }
    }
    best
}

/// The palette letters whose style (in `style.css`) is a colour and nothing else: inside
/// another coloured class they change nothing a reader sees.
const ONLY_COLOUR: &str = "srenlktfgaypid";
/// The palette letters whose style sets no colour (bold, italic).
const NO_COLOUR: &str = "bm";

fn letter(class: Class) -> &'static str {
    PALETTE[class as usize - 1].1
}

fn only_colour(class: Class) -> bool {
    ONLY_COLOUR.contains(letter(class))
}

fn sets_colour(class: Class) -> bool {
    !NO_COLOUR.contains(letter(class))
}

fn shows_on_blanks(class: Class) -> bool {
    VISIBLE_ON_BLANKS.contains(&PALETTE[class as usize - 1].1)
}

thread_local! {
    /// Scope → class, per thread: naming a scope needs syntect's global scope repository. Fx
    /// hashing: asked for every scope pushed, a scope being two integers.
    static CLASSES: RefCell<FxHashMap<Scope, Class>> = RefCell::new(FxHashMap::default());
}

/// The palette class of a scope (0: none).
fn class_of(scope: Scope) -> Class {
    CLASSES.with(|classes| {
        *classes
            .borrow_mut()
            .entry(scope)
            .or_insert_with(|| palette_class(scope))
    })
}

/// `keyword.control.rust` → the palette entry of the longest matching prefix (`keyword`).
fn palette_class(scope: Scope) -> Class {
    let name = scope.build_string();
    let matches = |prefix: &str| {
        name == prefix
            || name
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('.'))
    };
    match PALETTE.iter().position(|(prefix, _)| matches(prefix)) {
        Some(index) if !PALETTE[index].1.is_empty() => index as Class + 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use pulldown_cmark_escape::escape_html;

    use super::*;
    use crate::highlight::highlighter;

    /// carnet's rendering before span merging: a span per coloured scope.
    fn one_span_per_scope(lines: &[(&str, Vec<(usize, ScopeStackOp)>)]) -> Vec<String> {
        let mut stack = ScopeStack::new();
        let mut out = Vec::new();
        for (line, ops) in lines {
            let mut html = String::new();
            let mut open: Vec<bool> = stack
                .as_slice()
                .iter()
                .map(|&scope| open_span(&mut html, scope))
                .collect();
            let mut cursor = 0;
            for (index, op) in ops {
                let index = (*index).min(line.len());
                if index > cursor {
                    let _ = escape_html(&mut html, &line[cursor..index]);
                    cursor = index;
                }
                let _ = stack.apply_with_hook(op, |basic, _| match basic {
                    BasicScopeStackOp::Push(scope) => open.push(open_span(&mut html, scope)),
                    BasicScopeStackOp::Pop => {
                        if open.pop().unwrap_or(false) {
                            html.push_str("</span>");
                        }
                    }
                });
            }
            let _ = escape_html(&mut html, &line[cursor..]);
            for _ in open.iter().filter(|o| **o) {
                html.push_str("</span>");
            }
            out.push(html);
        }
        out
    }

    fn open_span(html: &mut String, scope: Scope) -> bool {
        let class = class_of(scope);
        if class != 0 {
            html.push_str(&format!(
                "<span class=\"hl-{}\">",
                PALETTE[class as usize - 1].1
            ));
        }
        class != 0
    }

    /// Each character of a line of HTML with the classes around it, innermost last, a class
    /// repeated right inside itself counted once.
    fn classes_per_character(html: &str) -> Vec<(char, Vec<String>)> {
        let mut out = Vec::new();
        let mut open: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(c) = rest.chars().next() {
            if let Some(tail) = rest.strip_prefix("<span class=\"hl-") {
                let end = tail.find("\">").expect("closed attribute");
                open.push(tail[..end].to_string());
                rest = &tail[end + 2..];
            } else if let Some(tail) = rest.strip_prefix("</span>") {
                open.pop().expect("balanced spans");
                rest = tail;
            } else {
                let (ch, len) = match c {
                    '&' => {
                        let end = rest.find(';').expect("entity end");
                        let ch = match &rest[..=end] {
                            "&lt;" => '<',
                            "&gt;" => '>',
                            "&amp;" => '&',
                            "&quot;" => '"',
                            "&#39;" => '\'',
                            other => panic!("entity {other}"),
                        };
                        (ch, end + 1)
                    }
                    c => (c, c.len_utf8()),
                };
                let mut classes = open.clone();
                classes.dedup();
                out.push((ch, classes));
                rest = &rest[len..];
            }
        }
        assert!(open.is_empty(), "every span closed: {html}");
        out
    }

    /// What a reader sees of a character inside these classes (innermost last), by the rules
    /// of `style.css`: the innermost colour, and the bold, italic and underline of any class.
    #[derive(Debug, PartialEq)]
    struct Look {
        colour: Option<String>,
        italic: bool,
        bold: bool,
        underline: bool,
    }

    fn look(classes: &[String]) -> Look {
        let any = |letters: &str| classes.iter().any(|c| letters.contains(c.as_str()));
        Look {
            colour: classes
                .iter()
                .rev()
                .find(|c| !NO_COLOUR.contains(c.as_str()))
                .map(|c| {
                    if c == "h" {
                        "l".into()
                    } else if c == "x" {
                        "d".into()
                    } else {
                        c.clone()
                    }
                }),
            italic: any("cm"),
            bold: any("hb"),
            underline: any("x"),
        }
    }

    /// The letters the renderer takes for colour-only (or colourless) are so in the theme.
    #[test]
    fn colour_only_classes_match_the_stylesheet() {
        let css = include_str!("../../themes/default/static/style.css");
        for (_, letter) in PALETTE.iter().filter(|(_, l)| !l.is_empty()) {
            let rule_start = css
                .find(&format!(".hl-{letter} {{"))
                .unwrap_or_else(|| panic!("style.css styles .hl-{letter}"));
            let rule = &css[rule_start..];
            let body = &rule[rule.find('{').unwrap() + 1..rule.find('}').unwrap()];
            let properties: Vec<&str> = body
                .split(';')
                .filter_map(|d| Some(d.split(':').next()?.trim()))
                .filter(|p| !p.is_empty())
                .collect();
            assert_eq!(
                ONLY_COLOUR.contains(letter),
                properties == ["color"],
                ".hl-{letter}: {body}"
            );
            assert_eq!(
                NO_COLOUR.contains(letter),
                !properties.contains(&"color"),
                ".hl-{letter}: {body}"
            );
        }
    }

    #[test]
    fn a_colour_hidden_by_an_inner_colour_has_no_span() {
        let (_, after) = render_both("yaml", "services:\n  api: 1\n");
        assert!(
            after[0].starts_with("<span class=\"hl-g\">services</span>"),
            "{}",
            after[0]
        );
    }

    fn samples() -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/highlight");
        let mut samples: Vec<(String, String)> = std::fs::read_dir(dir)
            .expect("tests/data/highlight exists")
            .map(|entry| {
                let path = entry.expect("readable").path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).expect("UTF-8"))
            })
            .collect();
        samples.sort();
        samples
    }

    /// The scope operations of every line of `code`, with carnet's parser.
    fn parse(language: &str, code: &str) -> Vec<(String, Vec<(usize, ScopeStackOp)>)> {
        let h = highlighter();
        let (index, _) = h.syntax(language).expect("known language");
        let mut state = crate::highlight::parse::ParseState::new(&h.grammars, index).unwrap();
        let mut scratch = crate::highlight::search::Scratch::default();
        code.split_inclusive('\n')
            .map(|line| {
                let ops = state.parse_line(line, &h.grammars, &mut scratch).unwrap();
                (line.trim_end_matches('\n').to_string(), ops)
            })
            .collect()
    }

    /// Both renderings of a sample: (before, after).
    fn render_both(language: &str, code: &str) -> (Vec<String>, Vec<String>) {
        let parsed = parse(language, code);
        let borrowed: Vec<(&str, Vec<(usize, ScopeStackOp)>)> = parsed
            .iter()
            .map(|(l, o)| (l.as_str(), o.clone()))
            .collect();
        let before = one_span_per_scope(&borrowed);
        let mut renderer = LineRenderer::default();
        let after = parsed
            .iter()
            .map(|(line, ops)| {
                let mut html = String::new();
                renderer.line(&mut html, line, ops);
                html
            })
            .collect();
        (before, after)
    }

    #[test]
    fn merged_spans_colour_every_character_as_before() {
        for (name, code) in samples() {
            let language = name.rsplit('.').next().unwrap();
            let (before, after) = render_both(language, &code);
            for (number, (old, new)) in before.iter().zip(&after).enumerate() {
                let old_chars = classes_per_character(old);
                let new_chars = classes_per_character(new);
                assert_eq!(old_chars.len(), new_chars.len(), "{name}:{}", number + 1);
                for ((c, old_classes), (_, new_classes)) in old_chars.iter().zip(&new_chars) {
                    let (old_look, new_look) = (look(old_classes), look(new_classes));
                    let same = old_look == new_look;
                    let blank_gained_colour =
                        (*c == ' ' || *c == '\t') && old_look.underline == new_look.underline;
                    assert!(
                        same || blank_gained_colour,
                        "{name}:{}: {c:?} was in {old_classes:?}, is in {new_classes:?}\n{old}\n{new}",
                        number + 1
                    );
                }
                assert!(
                    new.len() <= old.len(),
                    "{name}:{}: {old}\n{new}",
                    number + 1
                );
            }
        }
    }

    #[test]
    fn runs_of_one_class_are_one_span() {
        let (_, after) = render_both("swift", "let s = \"a\\(b)c\" + x ?? y\n");
        let html = &after[0];
        assert!(!html.contains("</span><span class=\"hl-s\">"), "{html}");
        let (_, after) = render_both("rust", "pub fn main() {}\n");
        assert!(
            after[0].starts_with("<span class=\"hl-k\">pub</span> <span class=\"hl-t\">fn"),
            "{}",
            after[0]
        );
    }

    /// Merging makes the highlighted HTML of every sample smaller (the figures of bytes per
    /// line are in docs/performance.md).
    #[test]
    fn merged_spans_are_lighter_on_every_sample() {
        for (name, code) in samples() {
            let language = name.rsplit('.').next().unwrap();
            let (before, after) = render_both(language, &code);
            let b: usize = before.iter().map(|l| l.len() + 1).sum();
            let a: usize = after.iter().map(|l| l.len() + 1).sum();
            assert!(a <= b, "{name}: {a} bytes after merging, {b} before");
        }
    }
}
