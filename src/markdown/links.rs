//! Links and images: every destination becomes a reference marker, filled in with its final
//! URL once the site is known. A link titled `mention` (and raw HTML's `<a data-mention>`) shows
//! its target's current title; a link GitBook itself lost (`/broken/pages/…`) is shown as text.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType};
use pulldown_cmark_escape::escape_html;

use super::context::Context;
use super::refs::{RefKind, UrlKind};
use super::tree::Node;
use crate::gitbook::is_lost_link;
use crate::html::first_start_tag;

/// What a Markdown link becomes.
pub enum LinkStart {
    /// An ordinary link: its opening tag (its children are visited, then `</a>`).
    Link(String),
    /// A link whose whole element is made by the site (a mention): its marker.
    Whole(String),
    /// A link GitBook lost: its text, as text.
    Text,
}

pub const LINK_CLOSE: &str = "</a>";

/// A Markdown link at parsed `range` opens.
pub fn open_link(
    ctx: &mut Context<'_>,
    link_type: LinkType,
    dest: &str,
    title: &str,
    range: &Range<usize>,
    children: &[Node<'_>],
) -> LinkStart {
    let span = ctx.refs.page_span(range);
    let dest = match link_type {
        LinkType::Email => format!("mailto:{dest}"),
        _ => ctx.refs.rebased(range.start, dest.to_string()),
    };
    if is_lost_link(&dest) {
        let message = format!("GitBook lost this link's target (`{dest}`); it is shown as text");
        ctx.refs.problem(span, "broken-link", message);
        return LinkStart::Text;
    }
    let what = if title == "mention" {
        "a mention"
    } else {
        "a link"
    };
    if ctx.refs.refuses_url(&span, &dest, what) {
        return LinkStart::Text;
    }
    if title == "mention" {
        let mut fallback = String::new();
        push_text_of(children, &mut fallback);
        return LinkStart::Whole(ctx.refs.marker(span, RefKind::Mention { dest, fallback }));
    }
    // The whole start tag is the site's to write: a link that can lead nowhere becomes text.
    let title = title.to_string();
    LinkStart::Link(ctx.refs.marker(span, RefKind::Link { dest, title }))
}

/// The text of a lost link's children, as text nodes.
pub fn as_text<'a>(children: Vec<Node<'a>>) -> Vec<Node<'a>> {
    let mut texts = Vec::new();
    collect_texts(children, &mut texts);
    texts
}

fn collect_texts<'a>(nodes: Vec<Node<'a>>, into: &mut Vec<Node<'a>>) {
    for node in nodes {
        match node {
            Node::Leaf(Event::Text(text) | Event::Code(text)) => {
                into.push(Node::Leaf(Event::Text(text)))
            }
            Node::Element { children, .. }
            | Node::Block { children, .. }
            | Node::Wrap { children, .. } => collect_texts(children, into),
            _ => {}
        }
    }
}

/// An image: its marker and its text alternative.
pub fn image(
    ctx: &mut Context<'_>,
    dest: &CowStr<'_>,
    title: &CowStr<'_>,
    range: &Range<usize>,
    children: &[Node<'_>],
) -> String {
    let span = ctx.refs.page_span(range);
    if is_lost_link(dest) {
        let message = format!("GitBook lost this image (`{dest}`); it is left out");
        ctx.refs.problem(span, "missing-image", message);
        return String::new();
    }
    let marker = ctx.refs.marker(
        span,
        RefKind::Url {
            dest: dest.to_string(),
            kind: UrlKind::Image,
        },
    );
    let mut alt = String::new();
    push_text_of(children, &mut alt);
    let mut html = format!("<img src=\"{marker}\" alt=\"");
    let _ = escape_html(&mut html, &alt);
    html.push('"');
    if !title.is_empty() {
        html.push_str(" title=\"");
        let _ = escape_html(&mut html, title);
        html.push('"');
    }
    html.push_str(" loading=\"lazy\">");
    html
}

/// `<a data-mention href="page.md">…</a>` in raw HTML, the inline tag at `nodes[at]`: the nodes
/// up to its `</a>` become one mention marker (their text its fallback). `false` when the tag is
/// not a mention.
pub fn html_mention(ctx: &mut Context<'_>, nodes: &mut Vec<Node<'_>>, at: usize) -> bool {
    let Node::Html { html, start, .. } = &nodes[at] else {
        return false;
    };
    let Some(dest) = mention_href(html) else {
        return false;
    };
    let start = *start;
    let dest = ctx.refs.rebased(start, dest);
    let span = ctx.refs.page_span(&(start..start + html.len()));
    let end = nodes[at + 1..]
        .iter()
        .position(
            |n| matches!(n, Node::Html { html, .. } if html.trim().eq_ignore_ascii_case("</a>")),
        )
        .map_or(nodes.len(), |i| at + 1 + i + 1);
    let swallowed: Vec<Node<'_>> = nodes.drain(at + 1..end).collect();
    let mut fallback = String::new();
    push_text_of(&swallowed, &mut fallback);
    nodes[at] = Node::Output(if ctx.refs.refuses_url(&span, &dest, "a mention") {
        let mut text = String::new();
        let _ = escape_html(&mut text, &fallback);
        text
    } else {
        ctx.refs.marker(span, RefKind::Mention { dest, fallback })
    });
    true
}

/// Appends the text (and code) of `nodes`, at any depth.
pub(super) fn push_text_of(nodes: &[Node<'_>], into: &mut String) {
    for node in nodes {
        match node {
            Node::Leaf(Event::Text(text) | Event::Code(text)) => into.push_str(text),
            Node::Element { children, .. }
            | Node::Block { children, .. }
            | Node::Wrap { children, .. } => push_text_of(children, into),
            _ => {}
        }
    }
}

/// The `href` of an `<a … data-mention …>` start tag.
pub(super) fn mention_href(html: &str) -> Option<String> {
    let tag = first_start_tag(html)?;
    if tag.name != "a" || !tag.has_attr("data-mention") {
        return None;
    }
    tag.attr("href").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mention_links_in_html() {
        assert_eq!(
            mention_href(r#"<a href="page.md" data-mention>"#).as_deref(),
            Some("page.md")
        );
        assert_eq!(mention_href(r#"<a href="page.md">"#), None);
    }
}
