//! One walk over the page tree, in document order, handing each node to the transform that owns
//! it and visiting children in between its opening and closing sides. Document order matters:
//! ids are made unique in the order they appear (a raw `<a id>` before a heading of the same
//! name pushes the heading to `-1`), and the text for search follows the page.

use pulldown_cmark::{Event, Tag};

use super::context::Context;
use super::headings::{self, OpenHeading};
use super::links::{self, LinkStart};
use super::shortcodes::replace_shortcodes;
use super::tree::{HtmlKind, Node};
use super::{alerts, blocks, cards, code, footnotes, icons, math, raw_html, serialize, variables};

/// Transforms `nodes` in place.
pub fn walk<'a>(ctx: &mut Context<'_>, nodes: &mut Vec<Node<'a>>) {
    Walker { ctx, heading: None }.children(nodes);
}

struct Walker<'c, 'p, 'a> {
    ctx: &'c mut Context<'p>,
    /// The heading whose content is being visited.
    heading: Option<OpenHeading<'a>>,
}

impl<'a> Walker<'_, '_, 'a> {
    fn children(&mut self, nodes: &mut Vec<Node<'a>>) {
        let mut i = 0;
        while i < nodes.len() {
            self.node(nodes, i);
            i += 1;
        }
    }

    /// Visits `nodes[i]`; a transform may replace it, and take the siblings after it.
    fn node(&mut self, nodes: &mut Vec<Node<'a>>, i: usize) {
        match &nodes[i] {
            Node::Element { .. } => self.element(nodes, i),
            Node::Leaf(_) => self.leaf(&mut nodes[i]),
            Node::Math { latex, start } => {
                let html = math::display_math(self.ctx, latex, *start);
                nodes[i] = Node::Output(html);
            }
            Node::Html {
                kind: HtmlKind::Inline,
                ..
            } => self.inline_html(nodes, i),
            Node::Html { .. } => {
                if let Node::Html { html, start, kind } = nodes[i].take() {
                    if kind == HtmlKind::Block {
                        self.ctx.text.apart_html(&html);
                    }
                    nodes[i] = Node::Output(raw_html::rewrite(&mut self.ctx.refs, &html, start));
                }
            }
            Node::BlockText(html) => {
                self.ctx.text.apart_html(html);
                nodes[i] = Node::Output(String::new());
            }
            Node::CardTable { .. } => {
                if let Node::CardTable { html, start } = nodes[i].take() {
                    self.ctx.text.apart_html(&html);
                    nodes[i] = Node::Output(cards::card_grid(&mut self.ctx.refs, &html, start));
                }
            }
            Node::Block { .. } => self.block(&mut nodes[i]),
            Node::Marker(index) => {
                let index = *index;
                nodes[i] = Node::Output(blocks::standalone(self.ctx, index));
            }
            Node::Output(_) | Node::Wrap { .. } => {}
        }
    }

    fn leaf(&mut self, node: &mut Node<'a>) {
        let Node::Leaf(event) = node else { return };
        match event {
            Event::InlineMath(latex) => {
                // GitBook math is `$$…$$`; a single `$` is text (prices, shell variables).
                let text = format!("${latex}$");
                self.ctx.text.text(&text);
                *node = Node::Leaf(Event::Text(text.into()));
            }
            Event::Text(text) => {
                // `:rocket:` is the emoji it names, in text (never in code).
                if let std::borrow::Cow::Owned(replaced) = replace_shortcodes(text) {
                    *text = replaced.into();
                }
                self.ctx.text.text(text);
            }
            Event::Code(text) => self.ctx.text.text(text),
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                *node = Node::Output(footnotes::reference(self.ctx, &label));
            }
            Event::SoftBreak | Event::HardBreak => self.ctx.text.text(" "),
            Event::Rule => self.ctx.blocks.block_starts(),
            _ => {}
        }
    }

    fn inline_html(&mut self, nodes: &mut Vec<Node<'a>>, i: usize) {
        let Node::Html { html, start, .. } = &nodes[i] else {
            return;
        };
        if let Some(heading) = &mut self.heading
            && headings::inline_html(heading, html)
        {
            nodes[i] = Node::Output(String::new());
            return;
        }
        let start = *start;
        if variables::expression(self.ctx, nodes, i)
            || links::html_mention(self.ctx, nodes, i)
            || inline_icon(nodes, i)
        {
            return;
        }
        if let Node::Html { html, .. } = &nodes[i] {
            nodes[i] = Node::Output(raw_html::rewrite(&mut self.ctx.refs, html, start));
        }
    }

    fn block(&mut self, node: &mut Node<'a>) {
        let Node::Block {
            marker,
            mut children,
            closed,
        } = node.take()
        else {
            return;
        };
        let Some((open, kind)) = blocks::open(self.ctx, marker) else {
            return;
        };
        self.children(&mut children);
        let close = if closed {
            blocks::close(self.ctx, &kind)
        } else {
            ""
        };
        *node = Node::Wrap {
            open,
            children,
            close,
        };
    }

    fn element(&mut self, nodes: &mut [Node<'a>], i: usize) {
        let Node::Element { tag, children, .. } = &mut nodes[i] else {
            return;
        };
        match tag {
            Tag::Heading { .. }
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::CodeBlock(_)
            | Tag::BlockQuote(Some(_)) => self.transformed(nodes, i),
            Tag::FootnoteDefinition(_) => self.footnote_definition(nodes, i),
            Tag::Paragraph => {
                self.ctx.text.text_break();
                self.ctx.blocks.block_starts();
                self.ctx.text.start_paragraph();
                self.children(children);
                self.ctx.text.end_paragraph();
                if let Some(display) = math::lone_display_math(children) {
                    nodes[i] = Node::Output(display);
                }
            }
            tag => {
                if !matches!(
                    tag,
                    Tag::Emphasis
                        | Tag::Strong
                        | Tag::Strikethrough
                        | Tag::Superscript
                        | Tag::Subscript
                ) {
                    self.ctx.text.text_break();
                }
                self.ctx.blocks.block_starts();
                self.children(children);
            }
        }
    }

    /// A footnote: GitHub's and GitBook's ids (see `footnotes`).
    fn footnote_definition(&mut self, nodes: &mut [Node<'a>], i: usize) {
        let Node::Element {
            tag: Tag::FootnoteDefinition(label),
            mut children,
            ..
        } = nodes[i].take()
        else {
            return;
        };
        self.ctx.blocks.block_starts();
        let open = footnotes::definition_open(self.ctx, &label);
        self.children(&mut children);
        nodes[i] = Node::Wrap {
            open,
            children,
            close: footnotes::DEFINITION_CLOSE,
        };
    }

    /// An element a transform replaces with what it makes of it.
    fn transformed(&mut self, nodes: &mut [Node<'a>], i: usize) {
        let Node::Element {
            tag,
            range,
            mut children,
        } = nodes[i].take()
        else {
            return;
        };
        nodes[i] = match tag {
            Tag::Heading {
                level, id, classes, ..
            } => {
                let open = headings::open(self.ctx, level, id, classes);
                let outer = self.heading.replace(open);
                self.children(&mut children);
                let open = std::mem::replace(&mut self.heading, outer);
                match open {
                    Some(open) => {
                        Node::Output(headings::close(self.ctx, open, serialize::events(children)))
                    }
                    None => Node::Output(String::new()),
                }
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                match links::open_link(self.ctx, link_type, &dest_url, &title, &range, &children) {
                    LinkStart::Link(open) => {
                        self.children(&mut children);
                        Node::Wrap {
                            open,
                            children,
                            close: links::LINK_CLOSE,
                        }
                    }
                    LinkStart::Whole(marker) => Node::Output(marker),
                    LinkStart::Text => Node::Wrap {
                        open: String::new(),
                        children: links::as_text(children),
                        close: "",
                    },
                }
            }
            Tag::Image {
                dest_url, title, ..
            } => Node::Output(links::image(self.ctx, &dest_url, &title, &range, &children)),
            Tag::CodeBlock(kind) => {
                self.ctx.blocks.block_starts();
                Node::Output(code::code_block(self.ctx, &kind, &children))
            }
            Tag::BlockQuote(Some(kind)) => {
                self.ctx.blocks.block_starts();
                let open = alerts::open(self.ctx, kind);
                self.children(&mut children);
                Node::Wrap {
                    open,
                    children,
                    close: alerts::CLOSE,
                }
            }
            tag => Node::Element {
                tag,
                range,
                children,
            },
        };
    }
}

/// An icon element in inline HTML, its start tag at `nodes[at]`: the nodes up to its `</i>`
/// become the icon. `false` when the tag is not an icon.
fn inline_icon(nodes: &mut Vec<Node<'_>>, at: usize) -> bool {
    let Node::Html { html, .. } = &nodes[at] else {
        return false;
    };
    let Some(tag) = crate::html::first_start_tag(html).filter(|t| t.name == "i") else {
        return false;
    };
    let Some(name) = tag.attr("class").and_then(icons::font_awesome_name) else {
        return false;
    };
    let icon = icons::icon_html(name);
    if !html.trim_end().ends_with("</i>") {
        let end = nodes[at + 1..]
            .iter()
            .position(
                |n| matches!(n, Node::Html { html, .. } if html.trim().eq_ignore_ascii_case("</i>")),
            )
            .map_or(at + 1, |i| at + 1 + i + 1);
        nodes.drain(at + 1..end);
    }
    nodes[at] = Node::Output(icon);
    true
}
