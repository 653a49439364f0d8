//! Raw HTML in the Markdown output. Markdown allows HTML, so it stays, its URLs pointing where
//! the site published their targets; but what GitBook writes as HTML for want of Markdown
//! becomes Markdown: an image figure is an image with its caption, a card table a list of
//! links, a variable its value, a mention its target's title, and a heading's explicit anchor
//! (`<a id="x"></a>`) is left out.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::super::links::mention_href;
use super::super::raw_html::explicit_anchor_id;
use super::super::tree::{HtmlKind, Node};
use super::super::variables::{is_expression_start, value};
use super::super::{cards, links};
use super::Writer;
use crate::html::{Token, UrlAttr, srcset_candidates, start_tags, tokens, url_attribute};
use crate::markdown::refs::{RefKind, UrlKind};

/// The inline HTML at `nodes[i]` (with the siblings an expression or a mention takes); returns
/// the index of the next node to write.
pub(super) fn inline<'a>(w: &mut Writer<'_, 'a>, nodes: &[Node<'a>], i: usize) -> usize {
    let Node::Html { html, start, .. } = &nodes[i] else {
        return i + 1;
    };
    if is_expression_start(html)
        && let Some(end) = closing(nodes, i, "</code>")
    {
        let expression: String = nodes[i + 1..end]
            .iter()
            .filter_map(|node| match node {
                Node::Leaf(Event::Text(text)) => Some(text.as_ref()),
                _ => None,
            })
            .collect();
        let event = match value(w.settings.vars, &expression) {
            Some(value) => Event::Text(value.to_string().into()),
            None => Event::Code(expression.into()),
        };
        w.events.push(event);
        return end + 1;
    }
    if let Some(dest) = mention_href(html) {
        let dest = w.recorder.rebased(*start, dest);
        let end = closing(nodes, i, "</a>").map_or(nodes.len(), |end| end + 1);
        let mut fallback = String::new();
        links::push_text_of(&nodes[i + 1..end], &mut fallback);
        let marker = w.marker(RefKind::Mention { dest, fallback });
        w.events.push(Event::Text(marker.into()));
        return end;
    }
    let html = with_url_markers(w, html, *start);
    w.events.push(Event::InlineHtml(html.into()));
    i + 1
}

/// The index of the first inline `</name>` (given as `close`) after `nodes[i]`.
fn closing(nodes: &[Node<'_>], i: usize, close: &str) -> Option<usize> {
    nodes[i + 1..]
        .iter()
        .position(
            |n| matches!(n, Node::Html { html, .. } if html.trim().eq_ignore_ascii_case(close)),
        )
        .map(|at| i + 1 + at)
}

/// A heading, without the explicit anchors GitBook puts in them (the `.md` reader's own
/// heading ids are what its links can use).
pub(super) fn heading<'a>(w: &mut Writer<'_, 'a>, tag: &Tag<'a>, children: &[Node<'a>]) {
    w.events.push(Event::Start(tag.clone()));
    w.inline += 1;
    let mut drop_close = false;
    let mut i = 0;
    while i < children.len() {
        if let Node::Html {
            html,
            kind: HtmlKind::Inline,
            ..
        } = &children[i]
        {
            if drop_close && html.trim().eq_ignore_ascii_case("</a>") {
                drop_close = false;
                i += 1;
                continue;
            }
            if explicit_anchor_id(html).is_some() {
                drop_close = !html.trim_end().ends_with("</a>");
                i += 1;
                continue;
            }
        }
        i = w.node(children, i);
    }
    // The space before a dropped anchor would end the heading's text.
    if let Some(Event::Text(text)) = w.events.last_mut()
        && text.ends_with(char::is_whitespace)
    {
        *text = text.trim_end().to_string().into();
    }
    w.inline -= 1;
    w.events.push(Event::End(tag.to_end()));
}

/// An HTML block, or a stretch of one between GitBook's marker lines.
pub(super) fn block<'a>(w: &mut Writer<'_, 'a>, html: &str, start: usize, kind: HtmlKind) {
    if kind == HtmlKind::Block
        && let Some(figure) = image_figure(html)
    {
        let marker = w.url(&figure.src, start + figure.src_at, UrlKind::Image);
        let image = Tag::Image {
            link_type: LinkType::Inline,
            dest_url: marker.unwrap_or(figure.src).into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        };
        w.paragraph(vec![
            Event::Start(image),
            Event::Text(figure.alt.into()),
            Event::End(TagEnd::Image),
        ]);
        if !figure.caption.is_empty() {
            w.paragraph(vec![
                Event::Start(Tag::Emphasis),
                Event::Text(figure.caption.into()),
                Event::End(TagEnd::Emphasis),
            ]);
        }
        return;
    }
    let html = with_url_markers(w, html, start);
    w.events.push(Event::Start(Tag::HtmlBlock));
    w.events.push(Event::Html(html.into()));
    w.events.push(Event::End(TagEnd::HtmlBlock));
}

/// A GitBook card table: a list with a link per card (its label), its other cells after it.
pub(super) fn card_table(w: &mut Writer<'_, '_>, html: &str, start: usize) {
    let cards = cards::card_texts(html);
    if cards.is_empty() {
        return;
    }
    w.block_seen = true;
    w.events.push(Event::Start(Tag::List(None)));
    for card in cards {
        w.events.push(Event::Start(Tag::Item));
        let label = if card.label.is_empty() {
            card.target
                .as_ref()
                .map_or_else(String::new, |(url, _)| url.clone())
        } else {
            card.label
        };
        match card
            .target
            .and_then(|(url, at)| w.url(&url, start + at, UrlKind::Link))
        {
            Some(marker) => {
                w.events.push(Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: marker.into(),
                    title: CowStr::Borrowed(""),
                    id: CowStr::Borrowed(""),
                }));
                w.events.push(Event::Text(label.into()));
                w.events.push(Event::End(TagEnd::Link));
            }
            None => w.events.push(Event::Text(label.into())),
        }
        for detail in card.details {
            w.events.push(Event::Text(format!(" — {detail}").into()));
        }
        w.events.push(Event::End(TagEnd::Item));
    }
    w.events.push(Event::End(TagEnd::List(false)));
}

impl Writer<'_, '_> {
    /// The marker for a URL of kind `kind` written at parsed offset `at`; `None` for values
    /// left as they are (empty, `#anchor`).
    fn url(&mut self, value: &str, at: usize, kind: UrlKind) -> Option<String> {
        let dest = value.trim();
        if dest.is_empty() || dest.starts_with('#') {
            return None;
        }
        let dest = self.recorder.rebased(at, dest.to_string());
        Some(self.marker(RefKind::Url { dest, kind }))
    }

    /// [`Writer::url`] for a URL in an HTML attribute.
    fn html_url(&mut self, value: &str, at: usize) -> Option<String> {
        self.url(value, at, UrlKind::HtmlAttr)
    }
}

/// `html` (at `start` in the parsed text) with a marker for every URL of its attributes.
fn with_url_markers(w: &mut Writer<'_, '_>, html: &str, start: usize) -> String {
    if !may_hold_urls(html) {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut copied = 0;
    for tag in start_tags(html) {
        for attr in &tag.attrs {
            let at = start + attr.span.start;
            let value = match url_attribute(&attr.name) {
                Some(UrlAttr::Single) => w.html_url(&attr.value, at),
                Some(UrlAttr::Srcset) => Some(marked_srcset(w, &attr.value, at)),
                None => None,
            };
            let Some(value) = value else { continue };
            out.push_str(&html[copied..attr.span.start]);
            out.push_str(&attr.name);
            out.push_str("=\"");
            out.push_str(&value);
            out.push('"');
            copied = attr.span.end;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// Each candidate of a `srcset` with its own marker, its descriptor kept.
fn marked_srcset(w: &mut Writer<'_, '_>, value: &str, at: usize) -> String {
    let mut out = String::new();
    for (i, candidate) in srcset_candidates(value).into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match w.html_url(candidate.url, at) {
            Some(marker) => out.push_str(&marker),
            None => {
                let _ = pulldown_cmark_escape::escape_html(&mut out, candidate.url);
            }
        }
        if !candidate.descriptor.is_empty() {
            out.push(' ');
            let _ = pulldown_cmark_escape::escape_html(&mut out, candidate.descriptor);
        }
    }
    out
}

/// Whether `html` may have a URL attribute (`src`, `href`, `poster`, `srcset`…): most raw HTML
/// of a page (`<br>`, `<mark>`, `<details>`) has none, and needs no tokenizing.
pub(super) fn may_hold_urls(html: &str) -> bool {
    let bytes = html.as_bytes();
    ["src", "href", "poster"].iter().any(|name| {
        bytes
            .windows(name.len())
            .any(|window| window.eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// GitBook's image: `<figure><img src alt><figcaption>…</figcaption></figure>`, and nothing else.
struct Figure {
    src: String,
    /// Where the `src` attribute is in the HTML.
    src_at: usize,
    alt: String,
    caption: String,
}

/// The image of an HTML block that is a figure of one image (its caption's text), or `None`
/// for anything more (a video, a link, several images, text outside the caption).
fn image_figure(html: &str) -> Option<Figure> {
    if !html.trim_start().starts_with("<figure") {
        return None;
    }
    let mut image: Option<(String, usize, String)> = None;
    let mut caption = String::new();
    let mut in_caption = false;
    let mut closed = false;
    for token in tokens(html) {
        match token {
            Token::Start(tag) => match tag.name.as_str() {
                "img" if image.is_none() && !closed => {
                    let src = tag.attrs.iter().find(|a| a.name == "src")?;
                    let alt = tag.attr("alt").unwrap_or("").to_string();
                    image = Some((src.value.clone(), src.span.start, alt));
                }
                "figure" if !closed => {}
                "figcaption" => in_caption = true,
                "p" | "br" | "span" | "em" | "strong" | "i" | "b" | "code" if in_caption => {}
                _ => return None,
            },
            Token::End { name, .. } => match name.as_str() {
                "figcaption" => in_caption = false,
                "figure" => closed = true,
                _ => {}
            },
            Token::Text { text, .. } if in_caption => {
                caption.push_str(&text);
                caption.push(' ');
            }
            Token::Text { text, .. } if text.trim().is_empty() => {}
            Token::Text { .. } => return None,
            Token::Comment { .. } => {}
        }
    }
    let (src, src_at, alt) = image?;
    Some(Figure {
        src,
        src_at,
        alt,
        caption: caption.split_whitespace().collect::<Vec<_>>().join(" "),
    })
}
