//! The page's blocks written as Markdown text: those copied as written, and the others' events
//! written by pulldown-cmark-to-cmark, made writable first: what real exports carry and Markdown
//! cannot keep as it is (spaces at the edges of a line, a line break at the end of a paragraph)
//! is dropped; a block the writer refuses is written as its text; a `{%` outside code is
//! escaped.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Segment;

/// The page's Markdown: its segments in order, a blank line between blocks.
pub(super) fn write_segments(segments: Vec<Segment<'_>>) -> String {
    let mut text = String::new();
    for segment in segments {
        let written = match segment {
            Segment::AsWritten(spelled) => std::borrow::Cow::Borrowed(spelled),
            Segment::Events(events) => std::borrow::Cow::Owned(write_events(events)),
        };
        let written = written.trim_matches('\n');
        if written.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(written);
    }
    text.push('\n');
    escape_tags(text)
}

/// Markdown of `events`, as pulldown-cmark-to-cmark writes them. Spaces and breaks Markdown
/// cannot keep are dropped first ([`without_edge_spaces`]): written, they would read back as
/// something else (a hard break, the end of a paragraph). A block the writer refuses (an event
/// it does not expect where it is) is written as its text, and the rest of the page as it is.
fn write_events(events: Vec<Event<'_>>) -> String {
    let events = without_edge_spaces(events);
    match write(&events) {
        Some(text) => text,
        None => {
            let mut text = String::new();
            for block in top_level_blocks(&events) {
                let written = write(block).unwrap_or_else(|| {
                    let plain = plain_text(block);
                    let paragraph = [
                        Event::Start(Tag::Paragraph),
                        Event::Text(plain.trim().to_string().into()),
                        Event::End(TagEnd::Paragraph),
                    ];
                    write(&paragraph).unwrap_or(plain)
                });
                text.push_str(written.trim_matches('\n'));
                text.push_str("\n\n");
            }
            text
        }
    }
}

/// `text` with a backslash before each `{%` outside code: what a GitBook export shows as text
/// (Liquid in prose, an escaped tag) must not become a block for the next GitBook reader of
/// this Markdown. CommonMark reads `\{` as `{`.
fn escape_tags(text: String) -> String {
    if memchr::memmem::find(text.as_bytes(), b"{%").is_none() {
        return text;
    }
    let code = crate::commonmark::code_ranges(&text);
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    for (at, _) in text.match_indices("{%") {
        let escaped = at > 0 && text.as_bytes()[at - 1] == b'\\';
        if escaped || code.iter().any(|range| range.contains(&at)) {
            continue;
        }
        out.push_str(&text[copied..at]);
        out.push('\\');
        copied = at;
    }
    out.push_str(&text[copied..]);
    out
}

/// The Markdown of `events`, or `None` when the writer refuses them.
fn write(events: &[Event<'_>]) -> Option<String> {
    let mut text = String::with_capacity(events.len() * 16);
    let fence = pulldown_cmark_to_cmark::calculate_code_block_token_count(events.iter())
        .unwrap_or(pulldown_cmark_to_cmark::DEFAULT_CODE_BLOCK_TOKEN_COUNT);
    let options = pulldown_cmark_to_cmark::Options {
        code_block_token_count: fence,
        list_token: '-',
        increment_ordered_list_bullets: true,
        ..Default::default()
    };
    pulldown_cmark_to_cmark::cmark_with_options(events.iter(), &mut text, options)
        .ok()
        .map(|_| text)
}

/// `events` without what Markdown cannot write at the edges of a line of text: spaces that
/// start or end one (Markdown drops them when it reads the text, and trailing ones would make a
/// hard break), and line breaks that start or end a paragraph, or follow another (GitBook's
/// `\` lines, for a blank line inside a hint: written, they would end the paragraph). Code
/// keeps its spaces.
fn without_edge_spaces(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let at_line_start = |out: &[Event<'_>]| {
        matches!(
            out.last(),
            Some(
                Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item)
                    | Event::SoftBreak
                    | Event::HardBreak
            )
        )
    };
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut in_code = false;
    for event in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        if in_code {
            out.push(event);
            continue;
        }
        match event {
            Event::Text(text) => {
                let kept = if at_line_start(&out) {
                    text.trim_start_matches([' ', '\t'])
                } else {
                    &text
                };
                if kept.is_empty() {
                    continue;
                }
                if kept.len() == text.len() {
                    out.push(Event::Text(text));
                } else {
                    out.push(Event::Text(kept.to_string().into()));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                trim_line_end(&mut out, false);
                if !at_line_start(&out) {
                    out.push(event);
                }
            }
            Event::End(
                end @ (TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item),
            ) => {
                trim_line_end(&mut out, true);
                out.push(Event::End(end));
            }
            Event::Start(tag) if is_block_start(&tag) => {
                trim_line_end(&mut out, true);
                out.push(Event::Start(tag));
            }
            event => out.push(event),
        }
    }
    out
}

/// Whether `tag` starts a block (so ends the line of text before it).
fn is_block_start(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
    )
}

/// Drops the spaces ending the last line of `out` (and, at the end of a block, its last breaks).
fn trim_line_end(out: &mut Vec<Event<'_>>, block_ends: bool) {
    loop {
        match out.last_mut() {
            Some(Event::SoftBreak | Event::HardBreak) if block_ends => {
                out.pop();
            }
            Some(Event::Text(text)) if text.ends_with([' ', '\t']) => {
                let kept = text.trim_end_matches([' ', '\t']).to_string();
                if kept.is_empty() {
                    out.pop();
                } else {
                    *text = kept.into();
                    return;
                }
            }
            _ => return,
        }
    }
}

/// The top-level blocks of `events`: each from its start to its end at the outermost level.
fn top_level_blocks<'e, 'a>(events: &'e [Event<'a>]) -> Vec<&'e [Event<'a>]> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            blocks.push(&events[start..=i]);
            start = i + 1;
        }
    }
    if start < events.len() {
        blocks.push(&events[start..]);
    }
    blocks
}

/// The text of `events`, a paragraph per block: what a block is written as when its events
/// cannot be.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                text.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(end) if is_block(*end) => text.push(' '),
            _ => {}
        }
    }
    text
}

fn is_block(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::Item
            | TagEnd::TableRow
            | TagEnd::HtmlBlock
    )
}
