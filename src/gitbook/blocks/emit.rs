//! From the block tree to the text the Markdown parser reads.
//!
//! Each tag becomes a marker line, `<!--carnet:N-->`: an HTML comment at the start of a line is an
//! HTML block that CommonMark lets interrupt a paragraph and ends at its own line, so the Markdown
//! between two markers is parsed as Markdown, in a single pass over the whole page (reference links
//! and footnotes keep working across blocks). A marker keeps the container prefix of its line
//! (list indentation, `>`), so a hint inside a list item stays inside it. The markdown stage turns
//! markers into HTML. Includes are inlined here, updates reordered newest first, and API parameters
//! grouped, so the rendering side only ever sees a well-nested sequence.

use std::ops::Range;

use super::attrs::Attrs;
use super::budget::IncludeBudget;
use super::include::{IncludeError, IncludeSource};
use super::lexer::{code_ranges, lex_tags};
use super::names::BlockKind;
use super::offset_map::OffsetMap;
use super::tree::{Block, Node, build_tree};
use super::{BlockMarker, BlockProblem};
use crate::diagnostic::Severity;

/// The result of expanding a page's blocks.
#[derive(Debug, Default)]
pub struct Expansion {
    pub text: String,
    pub map: OffsetMap,
    /// Stretches of `text` that come from included files, with each file's folder: Markdown links
    /// there are relative to it.
    pub include_dirs: Vec<(Range<usize>, String)>,
    pub markers: Vec<BlockMarker>,
    pub problems: Vec<BlockProblem>,
    /// Blocks shown without their interactive part: (name, page offset).
    pub interactive: Vec<(String, usize)>,
}

pub struct Emitter<'a> {
    out: String,
    map: OffsetMap,
    markers: Vec<BlockMarker>,
    problems: Vec<BlockProblem>,
    interactive: Vec<(String, usize)>,
    includes: &'a dyn IncludeSource,
    /// The including files, the page first: for relative paths and cycles.
    files: Vec<String>,
    include_dirs: Vec<(Range<usize>, String)>,
    budget: IncludeBudget,
}

/// A text being emitted: the page itself, or an included file inlined at `anchor`.
#[derive(Clone, Copy)]
struct Src<'s> {
    text: &'s str,
    anchor: Option<usize>,
    /// For an included file, its folder: relative paths written in it are relative to it.
    dir: Option<&'s str>,
}

impl Src<'_> {
    /// Where a position of this text is, in the page.
    fn page_offset(&self, at: usize) -> usize {
        self.anchor.unwrap_or(at)
    }

    /// A path written in this text, as the page must read it: paths in included files become
    /// site-absolute (`/…`), since the include's folder is not the page's.
    fn rebase(&self, path: &str) -> String {
        crate::paths::rebase_path(self.dir, path)
    }
}

impl<'a> Emitter<'a> {
    pub fn new(page_path: &str, includes: &'a dyn IncludeSource) -> Self {
        Emitter {
            out: String::new(),
            map: OffsetMap::default(),
            markers: Vec::new(),
            problems: Vec::new(),
            interactive: Vec::new(),
            includes,
            files: vec![page_path.to_string()],
            include_dirs: Vec::new(),
            budget: IncludeBudget::default(),
        }
    }

    pub fn emit_page(
        mut self,
        page: &str,
        nodes: &[Node],
        problems: Vec<BlockProblem>,
    ) -> Expansion {
        self.out.reserve(page.len() + 256);
        self.problems = problems;
        self.budget = IncludeBudget::for_page(page.len());
        self.nodes(
            Src {
                text: page,
                anchor: None,
                dir: None,
            },
            nodes,
        );
        Expansion {
            text: self.out,
            map: self.map,
            include_dirs: self.include_dirs,
            markers: self.markers,
            problems: self.problems,
            interactive: self.interactive,
        }
    }

    fn nodes(&mut self, src: Src<'_>, nodes: &[Node]) {
        let mut in_parameters = false;
        let continues = parameters_follow(src, nodes);
        for (i, node) in nodes.iter().enumerate() {
            let starts_parameters = matches!(node, Node::Block(b) if is_parameter(&b.kind));
            if starts_parameters && !in_parameters {
                self.marker(src, BlockMarker::ParametersOpen, node_start(node));
                in_parameters = true;
            }
            match node {
                Node::Text(range) => self.text(src, range.clone()),
                Node::Else(span) => self.marker(src, BlockMarker::Else, span.start),
                Node::Block(block) => self.block(src, block, nodes),
            }
            if in_parameters
                && !continues[i]
                && !(matches!(node, Node::Text(_)) && is_blank(src, node))
            {
                self.marker(src, BlockMarker::ParametersClose, node_end(node));
                in_parameters = false;
            }
        }
        if in_parameters {
            let end = nodes.last().map_or(0, node_end);
            self.marker(src, BlockMarker::ParametersClose, end);
        }
    }

    fn text(&mut self, src: Src<'_>, range: Range<usize>) {
        let mut start = range.start;
        let continues_a_line =
            start > 0 && src.text.as_bytes()[start - 1] != b'\n' && self.out.ends_with('\n');
        if continues_a_line {
            // Text after a marker on the tag's own line: it starts a new line, in the same container.
            let rest = &src.text[start..range.end];
            let trimmed = rest.trim_start_matches([' ', '\t']);
            start += rest.len() - trimmed.len();
            if trimmed.is_empty() || trimmed.starts_with('\n') {
                if trimmed.starts_with('\n') {
                    start += 1;
                }
            } else {
                let prefix = container_prefix(src.text, range.start);
                self.insert(&prefix, src.page_offset(range.start));
            }
        }
        if start >= range.end {
            return;
        }
        match src.anchor {
            None => self.map.copied(self.out.len(), start),
            Some(anchor) => self.map.inserted(self.out.len(), anchor),
        }
        let out_start = self.out.len();
        self.out.push_str(&src.text[start..range.end]);
        if let Some(dir) = src.dir {
            self.include_dirs
                .push((out_start..self.out.len(), dir.to_string()));
        }
    }

    fn insert(&mut self, text: &str, anchor: usize) {
        self.map.inserted(self.out.len(), anchor);
        self.out.push_str(text);
    }

    /// Writes a marker line for `marker`, standing for the page text at `at`.
    fn marker(&mut self, src: Src<'_>, marker: BlockMarker, at: usize) {
        let index = self.markers.len();
        self.markers.push(marker);
        let anchor = src.page_offset(at);
        let line = self.out.rsplit('\n').next().unwrap_or("");
        let at_line_start = line.chars().all(|c| matches!(c, ' ' | '\t' | '>'));
        if !at_line_start {
            let prefix = format!("\n{}", container_prefix(src.text, at));
            self.insert(&prefix, anchor);
        }
        self.insert(&format!("{}{index}-->\n", super::MARKER_PREFIX), anchor);
    }

    fn block(&mut self, src: Src<'_>, block: &Block, siblings: &[Node]) {
        let at = block.open.start;
        if block.kind.is_interactive() {
            self.interactive
                .push((block.kind.name().to_string(), src.page_offset(at)));
        }
        match &block.kind {
            BlockKind::ContentRef | BlockKind::PageRef => {
                let url = block
                    .attrs
                    .get("url")
                    .or_else(|| block.attrs.get("page"))
                    .unwrap_or("")
                    .trim();
                let marker = BlockMarker::ContentRef {
                    url: src.rebase(url),
                    label: fallback_label(src.text, &block.children),
                    span: src.page_offset(block.open.start)..src.page_offset(block.open.end),
                };
                self.marker(src, marker, at);
            }
            BlockKind::Include => self.include(src, block),
            BlockKind::Integration(_) => {
                let open = self.open_marker(src, block, siblings);
                self.marker(src, open, at);
            }
            BlockKind::Updates => {
                let sorted = newest_first(&block.children);
                self.container(src, block, &sorted, siblings);
            }
            _ => self.container(src, block, &block.children, siblings),
        }
    }

    fn container(&mut self, src: Src<'_>, block: &Block, children: &[Node], siblings: &[Node]) {
        let open = self.open_marker(src, block, siblings);
        self.marker(src, open, block.open.start);
        self.nodes(src, children);
        let end = block.close.as_ref().map_or_else(
            || children.last().map_or(block.open.end, node_end),
            |c| c.start,
        );
        self.marker(
            src,
            BlockMarker::Close {
                kind: block.kind.clone(),
            },
            end,
        );
    }

    fn open_marker(&mut self, src: Src<'_>, block: &Block, siblings: &[Node]) -> BlockMarker {
        let mut attrs = block.attrs.clone();
        for key in ["src", "url"] {
            if let Some(value) = attrs.get(key).map(|v| src.rebase(v.trim()))
                && src.dir.is_some()
            {
                attrs.set(key, &value);
            }
        }
        let mut ordinal = 0;
        match &block.kind {
            BlockKind::Tab => {
                ordinal = 1 + siblings
                    .iter()
                    .take_while(|n| !matches!(n, Node::Block(b) if b.open == block.open))
                    .filter(|n| matches!(n, Node::Block(b) if b.kind == BlockKind::Tab))
                    .count();
                if attrs.get("title").is_none_or(|t| t.trim().is_empty()) {
                    let message = format!("this tab has no title; it is shown as “Tab {ordinal}”");
                    self.warn(src, "gitbook-block", block.open.clone(), message);
                    attrs = with(attrs, "title", &format!("Tab {ordinal}"));
                }
            }
            BlockKind::Hint => {
                let style = attrs
                    .get("style")
                    .unwrap_or("info")
                    .trim()
                    .to_ascii_lowercase();
                if !matches!(style.as_str(), "info" | "success" | "warning" | "danger") {
                    let message = format!(
                        "hint style `{style}` is not one of info, success, warning, danger; shown as info"
                    );
                    self.warn(src, "gitbook-block", block.open.clone(), message);
                    attrs = with(attrs, "style", "info");
                }
            }
            _ => {}
        }
        BlockMarker::Open {
            kind: block.kind.clone(),
            attrs,
            ordinal,
            span: src.page_offset(block.open.start)..src.page_offset(block.open.end),
        }
    }

    fn include(&mut self, src: Src<'_>, block: &Block) {
        let at = block.open.start;
        let anchor = src.page_offset(at);
        let target = block
            .attrs
            .positional
            .first()
            .map(String::as_str)
            .or_else(|| block.attrs.get("src"))
            .unwrap_or("")
            .trim();
        let from = self.files.last().cloned().unwrap_or_default();
        let span = block.open.clone();
        if self.budget.is_spent() {
            return;
        }
        match self.includes.read(&from, target) {
            Ok((path, text)) => {
                if let Some(first) = self.files.iter().position(|f| f == &path) {
                    let cycle: Vec<&str> = self.files[first..]
                        .iter()
                        .map(String::as_str)
                        .chain([path.as_str()])
                        .collect();
                    let message = format!("include cycle: {}", cycle.join(" → "));
                    self.error(src, "include-failed", span, message);
                    return;
                }
                let body = crate::document::body_of(&text);
                if let Err(why) = self.budget.take(body.len(), self.files.len()) {
                    let message = format!(
                        "`{target}` is not included: {why}, carnet's limit; it and the includes after it are left out"
                    );
                    self.error(src, "include-failed", span, message);
                    return;
                }
                self.files.push(path);
                let (nodes, problems) = build_tree(lex_tags(body, &code_ranges(body)), body.len());
                for problem in problems {
                    let message = format!("in included `{}`: {}", target, problem.message);
                    self.warn(src, "gitbook-block", span.clone(), message);
                }
                let dir = crate::paths::parent_dir(self.files.last().map_or("", String::as_str))
                    .to_string();
                self.nodes(
                    Src {
                        text: body,
                        anchor: Some(anchor),
                        dir: Some(&dir),
                    },
                    &nodes,
                );
                if !self.out.ends_with('\n') {
                    self.insert("\n", anchor);
                }
                self.files.pop();
            }
            Err(IncludeError::Remote) => {
                let message = format!(
                    "`{target}` lives on GitBook's servers and cannot be included offline; a note is shown instead"
                );
                self.warn(src, "include-remote", span, message);
                self.marker(
                    src,
                    BlockMarker::RemoteInclude {
                        url: target.to_string(),
                    },
                    at,
                );
            }
            Err(error) => {
                let message = format!("cannot include `{target}`: {error}");
                self.error(src, "include-failed", span, message);
            }
        }
    }

    fn warn(&mut self, src: Src<'_>, code: &'static str, span: Range<usize>, message: String) {
        self.problem(src, Severity::Warning, code, span, message);
    }

    fn error(&mut self, src: Src<'_>, code: &'static str, span: Range<usize>, message: String) {
        self.problem(src, Severity::Error, code, span, message);
    }

    fn problem(
        &mut self,
        src: Src<'_>,
        severity: Severity,
        code: &'static str,
        span: Range<usize>,
        message: String,
    ) {
        let span = match src.anchor {
            Some(anchor) => anchor..anchor,
            None => span,
        };
        self.problems.push(BlockProblem {
            span,
            severity,
            code,
            message,
        });
    }
}

fn with(mut attrs: Attrs, name: &str, value: &str) -> Attrs {
    attrs.set(name, value);
    attrs
}

fn is_parameter(kind: &BlockKind) -> bool {
    matches!(kind, BlockKind::Api(name) if name.ends_with("-parameter"))
}

fn is_blank(src: Src<'_>, node: &Node) -> bool {
    matches!(node, Node::Text(range) if src.text[range.clone()].trim().is_empty())
}

fn node_start(node: &Node) -> usize {
    match node {
        Node::Text(r) | Node::Else(r) => r.start,
        Node::Block(b) => b.open.start,
    }
}

fn node_end(node: &Node) -> usize {
    match node {
        Node::Text(r) | Node::Else(r) => r.end,
        Node::Block(b) => b.close.as_ref().map_or(b.open.end, |c| c.end),
    }
}

/// The container prefix of the line holding `at`: its leading spaces and `>`, plus the width of
/// a list marker, so text placed on a new line stays in the same list item or quote.
fn container_prefix(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    let rest = before.trim_start_matches([' ', '\t', '>']);
    let mut prefix = before[..before.len() - rest.len()].to_string();
    if let Some(width) = list_marker_width(rest) {
        prefix.push_str(&" ".repeat(width));
    }
    prefix
}

/// Width of a list item marker with its spaces (`* `, `12. `) at the start of `s`.
fn list_marker_width(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let marker = match (digits, bytes.get(digits)) {
        (1..=9, Some(b'.' | b')')) => digits + 1,
        (0, Some(b'*' | b'-' | b'+')) => 1,
        _ => return None,
    };
    let spaces = bytes[marker..].iter().take_while(|b| **b == b' ').count();
    (spaces >= 1).then_some(marker + spaces.min(4))
}

/// The text of a content-ref's inner link (`[label](url)`), the card's fallback label.
fn fallback_label(text: &str, children: &[Node]) -> String {
    let inner: String = children
        .iter()
        .filter_map(|n| match n {
            Node::Text(r) => Some(&text[r.clone()]),
            _ => None,
        })
        .collect();
    let inner = inner.trim();
    let label = inner
        .strip_prefix('[')
        .and_then(|rest| rest.find("](").map(|end| &rest[..end]))
        .unwrap_or(inner);
    label.trim().to_string()
}

/// Updates sorted newest first by their `date` (ISO dates sort as text); other nodes stay put.
fn newest_first(children: &[Node]) -> Vec<Node> {
    let date = |n: &Node| match n {
        Node::Block(b) if b.kind == BlockKind::Update => {
            Some(b.attrs.get("date").unwrap_or("").to_string())
        }
        _ => None,
    };
    let slots: Vec<usize> = (0..children.len())
        .filter(|i| date(&children[*i]).is_some())
        .collect();
    let mut updates: Vec<&Node> = slots.iter().map(|i| &children[*i]).collect();
    updates.sort_by_key(|n| std::cmp::Reverse(date(n)));
    let mut sorted = children.to_vec();
    for (slot, update) in slots.iter().zip(updates) {
        sorted[*slot] = update.clone();
    }
    sorted
}

/// For each node, whether the next node that is not blank text is an API parameter: one pass
/// from the end (looking ahead from every node would be quadratic in a run of blank nodes, as
/// 20,000 stray end tags leave).
fn parameters_follow(src: Src<'_>, nodes: &[Node]) -> Vec<bool> {
    let mut follows = vec![false; nodes.len()];
    let mut next = false;
    for (i, node) in nodes.iter().enumerate().rev() {
        follows[i] = next;
        if !is_blank(src, node) {
            next = matches!(node, Node::Block(b) if is_parameter(&b.kind));
        }
    }
    follows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_prefixes() {
        assert_eq!(container_prefix("* {% hint %}", 2), "  ");
        assert_eq!(container_prefix("> {% hint %}", 2), "> ");
        assert_eq!(container_prefix("   12. {% x %}", 7), "       ");
        assert_eq!(container_prefix("text {% x %}", 5), "");
    }

    #[test]
    fn fallback_labels() {
        let text = "\n[jutilise-les-outils](../x/)\n";
        assert_eq!(
            fallback_label(text, &[Node::Text(0..text.len())]),
            "jutilise-les-outils"
        );
        assert_eq!(fallback_label(" Voir ", &[Node::Text(0..6)]), "Voir");
    }
}
