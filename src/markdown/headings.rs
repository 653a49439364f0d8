//! Headings: GitBook's ids (explicit `<a id>` anchors win over the slug), a self-link, sections
//! for search. The page's leading `#` heading is its title (the template shows it), and a
//! heading that opens a hint is the hint's title band, not an outline entry.

use pulldown_cmark::{CowStr, Event, HeadingLevel};
use pulldown_cmark_escape::escape_html;

use super::context::{Context, Heading};
use super::raw_html::explicit_anchor_id;
use super::slug::gitbook_slug;
use crate::gitbook::blocks::BlockKind;

/// A heading being read: what its opening told, and anchors found in it.
pub struct OpenHeading<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    classes: Vec<CowStr<'a>>,
    /// The page title: rendered by the template, not in the body.
    is_title: bool,
    /// Rendered as a hint's title band instead of a heading.
    is_hint_title: bool,
    /// An explicit `<a id>` anchor was dropped; drop its `</a>` too.
    drop_next_close_a: bool,
}

/// A heading opens (its children are visited next).
pub fn open<'a>(
    ctx: &mut Context<'_>,
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
) -> OpenHeading<'a> {
    let is_title = level == HeadingLevel::H1 && !ctx.blocks.block_seen && ctx.first_h1.is_none();
    let is_hint_title = ctx
        .blocks
        .innermost()
        .is_some_and(|b| b.kind == BlockKind::Hint && b.empty);
    ctx.blocks.block_starts();
    ctx.text.start_heading();
    OpenHeading {
        level,
        explicit_id: id.map(|id| id.to_string()),
        classes,
        is_title,
        is_hint_title,
        drop_next_close_a: false,
    }
}

/// Raw HTML inside the heading: an explicit anchor (`<a id="x"></a>`) is taken as the heading's
/// id and dropped. Returns whether `html` was taken.
pub fn inline_html(heading: &mut OpenHeading<'_>, html: &str) -> bool {
    if heading.drop_next_close_a && html.trim().eq_ignore_ascii_case("</a>") {
        heading.drop_next_close_a = false;
        return true;
    }
    if let Some(id) = explicit_anchor_id(html) {
        heading.explicit_id.get_or_insert(id);
        heading.drop_next_close_a = !html.trim_end().ends_with("</a>");
        return true;
    }
    false
}

/// The heading closes: its markup, made of its children's `events`.
pub fn close<'a>(
    ctx: &mut Context<'_>,
    heading: OpenHeading<'_>,
    events: impl Iterator<Item = Event<'a>>,
) -> String {
    let text = ctx.text.end_heading();
    if heading.level == HeadingLevel::H1 && ctx.first_h1.is_none() {
        ctx.first_h1 = Some(text.clone());
    }
    if heading.is_title {
        return String::new();
    }
    if heading.is_hint_title {
        ctx.text.apart(&text);
        let mut html = String::from("<p class=\"hint-title\">");
        pulldown_cmark::html::push_html(&mut html, events);
        html.push_str("</p>\n");
        return html;
    }
    let id = ctx
        .refs
        .heading_id(heading.explicit_id, &gitbook_slug(&text));
    let level = heading.level as u8;
    let mut html = format!("<h{level} id=\"");
    let _ = escape_html(&mut html, &id);
    html.push('"');
    if !heading.classes.is_empty() {
        html.push_str(" class=\"");
        let _ = escape_html(&mut html, &heading.classes.join(" "));
        html.push('"');
    }
    html.push('>');
    push_self_link(&mut html, &id, events.collect());
    html.push_str(&format!("</h{level}>\n"));
    if level <= 3 {
        ctx.text.section(id.clone(), text.clone());
    } else {
        ctx.text.apart(&text);
    }
    ctx.headings.push(Heading { level, id, text });
    html
}

/// The heading's link to itself, so a reader can copy where it is. A heading's words are its
/// link (`<a href="#id">words</a>`): named by them for assistive tech, and half the bytes of an
/// empty, hidden `#` link beside them, on every heading of every page. A heading that already
/// holds a link or another control cannot be one (links do not nest): it keeps the hidden
/// `#` link before its words.
fn push_self_link(html: &mut String, id: &str, events: Vec<Event<'_>>) {
    let nests = events.iter().any(is_interactive);
    if nests {
        html.push_str("<a class=\"anchor\" href=\"#");
        let _ = escape_html(&mut *html, id);
        html.push_str("\" aria-hidden=\"true\" tabindex=\"-1\"></a>");
        pulldown_cmark::html::push_html(html, events.into_iter());
    } else {
        html.push_str("<a href=\"#");
        let _ = escape_html(&mut *html, id);
        html.push_str("\">");
        pulldown_cmark::html::push_html(html, events.into_iter());
        html.push_str("</a>");
    }
}

/// Whether `event` writes a link or a control, which cannot sit inside a link.
fn is_interactive(event: &Event<'_>) -> bool {
    /// Elements HTML calls interactive content (plus `<a` itself).
    const TAGS: [&str; 12] = [
        "a", "button", "input", "select", "textarea", "details", "label", "iframe", "embed",
        "object", "video", "audio",
    ];
    match event {
        Event::Start(pulldown_cmark::Tag::Link { .. }) | Event::FootnoteReference(_) => true,
        Event::Html(raw) | Event::InlineHtml(raw) => {
            // A bare marker is a whole link filled in later (a mention); a link's own start is
            // a marker too, and its end a `</a>`.
            if raw.contains(super::markers::OPEN) && !raw.contains('<') {
                return true;
            }
            let lower = raw.to_ascii_lowercase();
            lower.match_indices('<').any(|(at, _)| {
                let name: String = lower[at + 1..]
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                TAGS.contains(&name.as_str())
            })
        }
        _ => false,
    }
}
