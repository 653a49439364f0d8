//! The page tree: pulldown-cmark's events nested into nodes, before anything is written.
//!
//! CommonMark's containers (paragraphs, lists, emphasis, links…) become elements with their
//! children; raw HTML stays raw, cut at GitBook's marker lines; a GitBook block (the marker
//! lines of `gitbook::blocks`) becomes one node around the content between its opening and its
//! closing marker. Transforms then work on whole nodes (a hint sees its first child, a heading
//! its whole text) and the tree is written out last ([`super::serialize`]).
//!
//! Markers are lines of the text, so a block can open in one CommonMark container and close in
//! another (a hint opened in a list item, closed after the list). The block node then ends with
//! its container, marked not `closed`, and its closing marker stays a leaf where it is: what is
//! written is what was written before there was a tree, tag for tag.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag};

use super::cards::is_card_table;
use crate::gitbook::blocks::{BlockKind, BlockMarker, marker_index};

/// A node of the page tree.
#[derive(Debug)]
pub enum Node<'a> {
    /// A CommonMark container or inline element, as the parser gave it.
    Element {
        tag: Tag<'a>,
        /// In the parsed text.
        range: Range<usize>,
        children: Vec<Node<'a>>,
    },
    /// An event without children: text, code, breaks, rules, math, footnote references.
    Leaf(Event<'a>),
    /// `$$…$$`, and where it starts in the parsed text (a formula over the limit is reported
    /// there).
    Math { latex: CowStr<'a>, start: usize },
    /// Raw HTML: an inline tag, or a stretch of an HTML block between marker lines.
    Html {
        html: CowStr<'a>,
        /// Where it starts in the parsed text.
        start: usize,
        kind: HtmlKind,
    },
    /// The whole text of an HTML block cut by marker lines, for search: read at the block's
    /// place, as one (its stretches are not read again).
    BlockText(String),
    /// A GitBook card table (a whole HTML block).
    CardTable { html: String, start: usize },
    /// A GitBook block: its opening marker (an index into the page's block markers), and the
    /// nodes up to its closing marker.
    Block {
        marker: usize,
        children: Vec<Node<'a>>,
        /// Its closing marker closed it here (not: its container ended first).
        closed: bool,
    },
    /// A marker that stands alone: a content-ref card, `else`, a parameter table's edge, a
    /// remote include, a block without content, or a closing marker in another container.
    Marker(usize),
    /// Markup a transform wrote, written as it is.
    Output(String),
    /// Markup a transform wrote around nodes.
    Wrap {
        open: String,
        children: Vec<Node<'a>>,
        close: &'static str,
    },
}

impl Node<'_> {
    /// Replaces the node with what a transform made of it, returning the node.
    pub fn take(&mut self) -> Self {
        std::mem::replace(self, Node::Output(String::new()))
    }
}

/// Where raw HTML stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HtmlKind {
    /// An inline tag.
    Inline,
    /// A whole HTML block.
    Block,
    /// A stretch of an HTML block cut by marker lines (its text is the block's).
    BlockPart,
}

/// The tree of a page's events (with offsets in the parsed text), its GitBook blocks resolved
/// against `markers`.
pub fn build<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    markers: &[BlockMarker],
) -> Vec<Node<'a>> {
    let mut builder = TreeBuilder {
        stack: vec![Frame {
            kind: FrameKind::Root,
            children: Vec::new(),
        }],
        markers,
        html_block: None,
    };
    for (event, range) in events {
        builder.event(event, range);
    }
    builder.finish()
}

struct TreeBuilder<'m, 'a> {
    /// Open containers, the root first.
    stack: Vec<Frame<'a>>,
    markers: &'m [BlockMarker],
    /// The HTML block being read, and where it starts.
    html_block: Option<(String, usize)>,
}

struct Frame<'a> {
    kind: FrameKind<'a>,
    children: Vec<Node<'a>>,
}

enum FrameKind<'a> {
    Root,
    Element(Tag<'a>, Range<usize>),
    Block(usize),
}

impl<'a> TreeBuilder<'_, 'a> {
    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        match event {
            Event::Start(Tag::HtmlBlock) => self.html_block = Some((String::new(), range.start)),
            Event::Html(html) if self.html_block.is_some() => {
                if let Some((buffer, _)) = &mut self.html_block {
                    buffer.push_str(&html);
                }
            }
            Event::End(pulldown_cmark::TagEnd::HtmlBlock) => self.end_html_block(),
            Event::Html(html) | Event::InlineHtml(html) => match marker_index(&html) {
                Some(index) => self.marker(index),
                None => self.push(Node::Html {
                    html,
                    start: range.start,
                    kind: HtmlKind::Inline,
                }),
            },
            Event::Start(tag) => self.stack.push(Frame {
                kind: FrameKind::Element(tag, range),
                children: Vec::new(),
            }),
            Event::End(_) => self.end_element(),
            Event::DisplayMath(latex) => self.push(Node::Math {
                latex,
                start: range.start,
            }),
            leaf => self.push(Node::Leaf(leaf)),
        }
    }

    fn push(&mut self, node: Node<'a>) {
        if let Some(frame) = self.stack.last_mut() {
            frame.children.push(node);
        }
    }

    /// An HTML block: a card table whole, else its raw stretches and its marker lines.
    fn end_html_block(&mut self) {
        let Some((html, start)) = self.html_block.take() else {
            return;
        };
        if is_card_table(&html) {
            return self.push(Node::CardTable { html, start });
        }
        if !html
            .split_inclusive('\n')
            .any(|line| marker_index(line).is_some())
        {
            return self.push(Node::Html {
                html: html.into(),
                start,
                kind: HtmlKind::Block,
            });
        }
        self.push(Node::BlockText(html.clone()));
        let mut pending = String::new();
        let mut pending_start = start;
        let mut offset = start;
        for line in html.split_inclusive('\n') {
            match marker_index(line) {
                Some(index) => {
                    self.flush_html(&mut pending, pending_start);
                    self.marker(index);
                    pending_start = offset + line.len();
                }
                None => pending.push_str(line),
            }
            offset += line.len();
        }
        self.flush_html(&mut pending, pending_start);
    }

    fn flush_html(&mut self, pending: &mut String, start: usize) {
        if !pending.is_empty() {
            let html = CowStr::from(std::mem::take(pending));
            self.push(Node::Html {
                html,
                start,
                kind: HtmlKind::BlockPart,
            });
        }
    }

    /// Block marker `index`: opens a block, closes one, or stands alone.
    fn marker(&mut self, index: usize) {
        match self.markers.get(index) {
            None => {}
            Some(BlockMarker::Open { kind, .. }) if !kind.is_void() => self.stack.push(Frame {
                kind: FrameKind::Block(index),
                children: Vec::new(),
            }),
            Some(BlockMarker::Close { kind }) => self.close_block(kind, index),
            Some(_) => self.push(Node::Marker(index)),
        }
    }

    /// Closes the innermost block of `kind` opened in the current container (and the blocks
    /// opened inside it); a block opened in another container keeps its closing marker as a leaf.
    fn close_block(&mut self, kind: &BlockKind, index: usize) {
        let found = self
            .stack
            .iter()
            .rposition(|frame| match frame.kind {
                FrameKind::Block(open) => self.opens(open, kind),
                _ => true,
            })
            .filter(|&at| matches!(self.stack[at].kind, FrameKind::Block(_)));
        let Some(at) = found else {
            return self.push(Node::Marker(index));
        };
        while self.stack.len() > at + 1 {
            self.pop(false);
        }
        self.pop(true);
    }

    fn opens(&self, marker: usize, kind: &BlockKind) -> bool {
        matches!(self.markers.get(marker), Some(BlockMarker::Open { kind: open, .. }) if open == kind)
    }

    /// The end of a CommonMark element: the blocks still open inside it end with it.
    fn end_element(&mut self) {
        while let Some(frame) = self.stack.last() {
            match frame.kind {
                FrameKind::Root => return,
                FrameKind::Block(_) => self.pop(false),
                FrameKind::Element(..) => return self.pop(false),
            }
        }
    }

    /// Pops the innermost frame into its parent.
    fn pop(&mut self, closed: bool) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let node = match frame.kind {
            FrameKind::Root => {
                // Never popped: put it back.
                self.stack.push(frame);
                return;
            }
            FrameKind::Element(tag, range) => Node::Element {
                tag,
                range,
                children: frame.children,
            },
            FrameKind::Block(marker) => Node::Block {
                marker,
                children: frame.children,
                closed,
            },
        };
        self.push(node);
    }

    fn finish(mut self) -> Vec<Node<'a>> {
        while self.stack.len() > 1 {
            self.pop(false);
        }
        self.stack
            .pop()
            .map(|root| root.children)
            .unwrap_or_default()
    }
}
