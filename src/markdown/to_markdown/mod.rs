//! The page tree written back as plain Markdown, for readers of raw text and for machines
//! (`a/b.md` beside `a/b/index.html`, and `llms-full.txt`): the tree's second serializer,
//! beside [`super::serialize`], which writes its HTML.
//!
//! GitBook's blocks become the plain Markdown that says the same: a hint is a GitHub alert
//! (`> [!WARNING]`), tabs are headed sections, an embed or a file is a link, a code block keeps
//! its title in its info string (`js title="app.js"`), API blocks are their static text, a card
//! table a list of links; includes were inlined by the pre-pass, and `$$` math is written as it
//! was. What depends on the site (where a link leads, a content-ref's current title) is a
//! reference marker, as in the HTML, filled in by `render` once the site exists, so links can
//! point at the published `.md` of the page they lead to. The page's leading `#` title is left
//! out: `render` writes the site's title for the page instead, as the theme does.
//!
//! The tree is read, not changed (the HTML walk runs on it afterwards). A top-level block with
//! nothing to resolve or rewrite (no link, image, raw HTML or GitBook block in it: most
//! paragraphs, lists, tables and code blocks) is written as its author spelled it, copied from
//! the parsed text; the others become events, which pulldown-cmark-to-cmark writes (escaping,
//! list and quote prefixes, fences longer than the code they hold).

mod blocks;
mod raw_html;
mod write;

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

use super::context::Settings;
use super::links::push_text_of;
use super::markers::push_marker;
use super::refs::{RefKind, RefRecorder, UrlKind};
use super::tree::{HtmlKind, Node};
use crate::gitbook::is_lost_link;

/// A page body as Markdown, before the site is known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageMarkdown {
    /// Markdown with markers (see [`super::markers`]) where site-dependent pieces go.
    pub text: String,
    /// What each marker stands for, indexed by marker number. Only destinations: the HTML's
    /// references, at the same places, carry the spans its diagnostics need.
    pub refs: Vec<RefKind>,
}

/// The Markdown of the page tree `nodes`, made from `source` (the text the parser read).
/// `recorder` says where included text came from (its links are relative to the included file).
pub fn to_markdown<'a>(
    nodes: &[Node<'a>],
    source: &'a str,
    settings: &Settings<'_>,
    recorder: &RefRecorder,
) -> PageMarkdown {
    let mut writer = Writer {
        events: Vec::new(),
        refs: Vec::new(),
        recorder,
        settings,
        block_seen: false,
        last_heading: 1,
        code_title: None,
        inline: 0,
        api_location: None,
    };
    let mut segments = Vec::new();
    let mut i = 0;
    while i < nodes.len() {
        match writer.as_written(&nodes[i], source) {
            Some(spelled) => {
                if !writer.events.is_empty() {
                    segments.push(Segment::Events(std::mem::take(&mut writer.events)));
                }
                segments.push(Segment::AsWritten(spelled));
                i += 1;
            }
            None => i = writer.node(nodes, i),
        }
    }
    if !writer.events.is_empty() {
        segments.push(Segment::Events(std::mem::take(&mut writer.events)));
    }
    PageMarkdown {
        text: write::write_segments(segments),
        refs: writer.refs,
    }
}

/// A stretch of the page's top-level blocks, as it is written out.
enum Segment<'a> {
    /// Blocks made of events, for pulldown-cmark-to-cmark to write.
    Events(Vec<Event<'a>>),
    /// A block that needs no change, as its author wrote it.
    AsWritten(&'a str),
}

/// Writes one page's events.
struct Writer<'w, 'a> {
    events: Vec<Event<'a>>,
    refs: Vec<RefKind>,
    recorder: &'w RefRecorder,
    settings: &'w Settings<'w>,
    /// A block-level element was written: a `#` heading now is not the page's title.
    block_seen: bool,
    /// The level of the last heading written: tabs and updates are headed one level below.
    last_heading: u8,
    /// The title of the `{% code title="…" %}` block around the node being written.
    code_title: Option<String>,
    /// How many inline containers (paragraph, heading, cell, emphasis…) are open: a GitBook
    /// block met there can only be text.
    inline: usize,
    /// Where the parameters of the legacy API group being written go (`path`, `query`…).
    api_location: Option<String>,
}

impl<'a> Writer<'_, 'a> {
    /// The text of the top-level `node` as written in `source`, when it can be copied as it is:
    /// a block holding nothing the site must resolve or this writer rewrite, and not the page's
    /// title. Noted as written (a block was seen, the heading level).
    fn as_written(&mut self, node: &Node<'a>, source: &'a str) -> Option<&'a str> {
        let range = match node {
            Node::Element {
                tag,
                range,
                children,
                ..
            } => {
                let plain_block = match tag {
                    Tag::Heading { level, .. } => *level != HeadingLevel::H1 || self.block_seen,
                    Tag::CodeBlock(CodeBlockKind::Fenced(_))
                    | Tag::Paragraph
                    | Tag::List(_)
                    | Tag::Table(_)
                    | Tag::BlockQuote(_) => true,
                    _ => false,
                };
                if !plain_block || !as_written_inside(children) {
                    return None;
                }
                if let Tag::Heading { level, .. } = tag {
                    self.last_heading = *level as u8;
                }
                self.block_seen = true;
                range.clone()
            }
            Node::Html {
                html,
                start,
                kind: HtmlKind::Block,
            } if !raw_html::may_hold_urls(html) => *start..*start + html.len(),
            _ => return None,
        };
        // From the start of its line: a fence indented by a few spaces keeps its code's indent.
        let line_start = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let start = if source[line_start..range.start].trim().is_empty() {
            line_start
        } else {
            range.start
        };
        let text = source.get(start..range.end)?.trim_end();
        (!text.is_empty()).then_some(text)
    }

    fn nodes(&mut self, nodes: &[Node<'a>]) {
        let mut i = 0;
        while i < nodes.len() {
            i = self.node(nodes, i);
        }
    }

    /// Writes `nodes[i]`; returns the index of the next node to write (a node may take the
    /// siblings that belong to it, as an expression takes its `</code>`).
    fn node(&mut self, nodes: &[Node<'a>], i: usize) -> usize {
        match &nodes[i] {
            Node::Element {
                tag,
                range,
                children,
            } => self.element(tag, range, children),
            Node::Leaf(event) => self.leaf(event),
            Node::Math { latex, .. } => self.leaf(&Event::DisplayMath(latex.clone())),
            Node::Html {
                kind: HtmlKind::Inline,
                ..
            } => return raw_html::inline(self, nodes, i),
            Node::Html { html, start, kind } => raw_html::block(self, html, *start, *kind),
            Node::CardTable { html, start } => raw_html::card_table(self, html, *start),
            Node::Block {
                marker, children, ..
            } => blocks::block(self, *marker, children),
            Node::Marker(index) => blocks::standalone(self, *index),
            // The text of a cut HTML block (its stretches follow), and what only the HTML walk
            // makes.
            Node::BlockText(_) | Node::Output(_) | Node::Wrap { .. } => {}
        }
        i + 1
    }

    fn leaf(&mut self, event: &Event<'a>) {
        if matches!(event, Event::Rule) {
            self.block_seen = true;
        }
        self.events.push(event.clone());
    }

    fn element(&mut self, tag: &Tag<'a>, range: &Range<usize>, children: &[Node<'a>]) {
        match tag {
            Tag::Heading { level, .. } => {
                // As in the HTML: a `#` heading before anything else is the page's title, which
                // `render` writes (the site's title for the page).
                let is_title = *level == HeadingLevel::H1 && !self.block_seen;
                self.block_seen = true;
                if is_title {
                    return;
                }
                self.last_heading = *level as u8;
                raw_html::heading(self, tag, children);
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => self.link(tag, *link_type, dest_url, title, range, children),
            Tag::Image {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let marker = self.marker(RefKind::Url {
                    dest: dest_url.to_string(),
                    kind: UrlKind::Image,
                });
                let image = Tag::Image {
                    link_type: inline_type(*link_type),
                    dest_url: marker.into(),
                    title: title.clone(),
                    id: CowStr::Borrowed(""),
                };
                self.wrap(image, children);
            }
            Tag::CodeBlock(kind) => {
                self.block_seen = true;
                let kind = match self.code_title.take() {
                    Some(title) => titled_code(kind, &title),
                    None => kind.clone(),
                };
                self.wrap(Tag::CodeBlock(kind), children);
            }
            tag => {
                self.block_seen = true;
                self.wrap(tag.clone(), children);
            }
        }
    }

    /// A Markdown link: its destination a marker (or its text alone, when GitBook lost its
    /// target; or a mention marker, which becomes the whole link).
    fn link(
        &mut self,
        tag: &Tag<'a>,
        link_type: LinkType,
        dest: &str,
        title: &CowStr<'a>,
        range: &Range<usize>,
        children: &[Node<'a>],
    ) {
        if matches!(link_type, LinkType::Autolink | LinkType::Email) {
            return self.wrap(tag.clone(), children);
        }
        let dest = self.recorder.rebased(range.start, dest.to_string());
        if is_lost_link(&dest) {
            return self.nodes(children);
        }
        if title.as_ref() == "mention" {
            let mut fallback = String::new();
            push_text_of(children, &mut fallback);
            let marker = self.marker(RefKind::Mention { dest, fallback });
            return self.events.push(Event::Text(marker.into()));
        }
        let marker = self.marker(RefKind::Url {
            dest,
            kind: UrlKind::Link,
        });
        let link = Tag::Link {
            link_type: inline_type(link_type),
            dest_url: marker.into(),
            title: title.clone(),
            id: CowStr::Borrowed(""),
        };
        self.wrap(link, children);
    }

    /// `tag` around `children`.
    fn wrap(&mut self, tag: Tag<'a>, children: &[Node<'a>]) {
        let inline = is_inline_container(&tag);
        let end = tag.to_end();
        self.events.push(Event::Start(tag));
        self.inline += usize::from(inline);
        self.nodes(children);
        self.inline -= usize::from(inline);
        self.events.push(Event::End(end));
    }

    /// Records a reference; returns its marker.
    fn marker(&mut self, kind: RefKind) -> String {
        self.refs.push(kind);
        let mut marker = String::new();
        push_marker(&mut marker, self.refs.len() - 1);
        marker
    }

    /// A paragraph of `inline` events (written as they are inside an inline container).
    fn paragraph(&mut self, inline: Vec<Event<'a>>) {
        if inline.is_empty() {
            return;
        }
        let wrapped = self.inline == 0;
        if wrapped {
            self.events.push(Event::Start(Tag::Paragraph));
        }
        self.events.extend(inline);
        if wrapped {
            self.events.push(Event::End(TagEnd::Paragraph));
        }
        self.block_seen = true;
    }

    /// A heading one level below the last one, made of `text` (a tab's title, an update's
    /// date); plain text inside an inline container.
    fn subheading(&mut self, text: String) {
        if self.inline > 0 {
            return self.events.push(Event::Text(text.into()));
        }
        let level = heading_level(self.last_heading.saturating_add(1).clamp(2, 6));
        self.events.push(Event::Start(Tag::Heading {
            level,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        }));
        self.events.push(Event::Text(text.into()));
        self.events.push(Event::End(TagEnd::Heading(level)));
        self.block_seen = true;
    }

    /// One of carnet's words, as a marker: its language is the page's space's, known to render.
    fn word(&mut self, key: &'static str) -> String {
        self.marker(RefKind::Word { key })
    }
}

/// Whether `nodes` hold nothing to resolve or rewrite: text, code, emphasis, breaks, math,
/// footnote references; no link, image, raw HTML or GitBook block.
fn as_written_inside(nodes: &[Node<'_>]) -> bool {
    nodes.iter().all(|node| match node {
        Node::Element { tag, children, .. } => {
            !matches!(tag, Tag::Link { .. } | Tag::Image { .. }) && as_written_inside(children)
        }
        Node::Leaf(_) | Node::Math { .. } => true,
        _ => false,
    })
}

/// Reference links (`[x][ref]`) are written inline: their definitions are not written.
fn inline_type(link_type: LinkType) -> LinkType {
    match link_type {
        LinkType::Autolink | LinkType::Email => link_type,
        _ => LinkType::Inline,
    }
}

fn is_inline_container(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::TableCell
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::CodeBlock(_)
    )
}

/// A code block's info string with its `{% code title %}`, as Docusaurus and Mintlify write it
/// (`js title="app.js"`): readers see the file name, and a CommonMark reader still finds the
/// language first.
fn titled_code<'a>(kind: &CodeBlockKind<'a>, title: &str) -> CodeBlockKind<'a> {
    let title: String = title
        .trim()
        .chars()
        .map(|c| {
            if matches!(c, '"' | '`' | '\n' | '\r') {
                '\''
            } else {
                c
            }
        })
        .collect();
    let info = match kind {
        CodeBlockKind::Fenced(info) if !info.trim().is_empty() => info.trim().to_string(),
        _ => "text".to_string(),
    };
    CodeBlockKind::Fenced(format!("{info} title=\"{title}\"").into())
}

fn heading_level(level: u8) -> HeadingLevel {
    match level {
        0 | 1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests;
