//! The raw HTML GitBook exports carry, made to work in a carnet site.
//!
//! - URLs in `href`, `src`, `poster`, `data-src` and the candidates of `srcset` (and
//!   `data-srcset`) get markers, resolved like Markdown links.
//! - `id`/`name` attributes are recorded as anchors.
//! - `<mark style="color:red;background-color:yellow">` becomes theme classes: GitBook's palette
//!   names map to colours that hold up in light and dark themes; inline colours would not.
//! - `<div data-gb-custom-block data-tag="hint" data-style="info">` (a block inside HTML, as in a
//!   table cell) gets the classes of the block it is.

use pulldown_cmark_escape::escape_html;

use super::refs::{RefKind, RefRecorder};
use super::slug::gitbook_slug;
use crate::gitbook::is_lost_link;
use crate::html::{
    StartTag, Token, UrlAttr, first_start_tag, srcset_candidates, tokens, url_attribute,
};

/// GitBook's text and highlight palette.
const PALETTE: &[&str] = &[
    "red", "orange", "yellow", "green", "blue", "purple", "pink", "teal", "gray", "grey",
];

/// Marks URLs, records ids, maps `<mark>` colours and GitBook custom blocks in `html`, which
/// starts at `start` in the parsed text; gives `<summary>` the id GitBook gives an expandable
/// block (its text's slug) and shows `<i class="fa-…">` icons as emoji or nothing. Attributes
/// that change are rewritten as `name="value"`; everything else is copied as written.
pub fn rewrite(refs: &mut RefRecorder, html: &str, start: usize) -> String {
    rewrite_links_as(refs, html, start, false)
}

/// [`rewrite`], with `<a data-mention>` elements (and, with `all_mentions`, every link: a card
/// table's content-ref column) showing their target's current title, as GitBook shows them.
pub fn rewrite_links_as(
    refs: &mut RefRecorder,
    html: &str,
    start: usize,
    all_mentions: bool,
) -> String {
    let tokens = tokens(html);
    let mut whole = icon_elements(&tokens);
    whole.extend(mention_elements(refs, &tokens, start, all_mentions));
    let mut edits: Vec<(std::ops::Range<usize>, String)> = whole.clone();
    for (at, text) in summaries(&tokens) {
        let id = refs.heading_id(None, &gitbook_slug(&text));
        edits.push((at..at, format!(" id=\"{}\"", esc(&id))));
    }
    let tags = tokens.into_iter().filter_map(|token| match token {
        Token::Start(tag) => Some(tag),
        _ => None,
    });
    for tag in tags {
        if whole.iter().any(|(span, _)| span.contains(&tag.span.start)) {
            continue;
        }
        for attr in &tag.attrs {
            let span = start + attr.span.start..start + attr.span.end;
            let replacement = match (attr.name.as_str(), url_attribute(&attr.name)) {
                ("id" | "name", _) => {
                    if !attr.value.is_empty() {
                        refs.anchor(attr.value.clone());
                    }
                    None
                }
                // Without its `href`, a GitBook button whose target runs script is text.
                ("href", _) if refs.refuses_button(&tag, &attr.value, &span) => Some(String::new()),
                (name, Some(UrlAttr::Single)) if is_lost_link(&attr.value) => {
                    // A target GitBook lost: the attribute goes (`<a>` is text, `<img>` shows
                    // nothing), as Markdown's lost links are text.
                    let message = format!(
                        "GitBook lost this {name}'s target (`{}`); it is shown without it",
                        attr.value
                    );
                    let span = refs.page_span(&span);
                    refs.problem(span, "broken-link", message);
                    Some(String::new())
                }
                (name, Some(UrlAttr::Single)) => refs
                    .html_url(&attr.value, span)
                    .map(|marker| format!("{name}=\"{marker}\"")),
                (name, Some(UrlAttr::Srcset)) => Some(format!(
                    "{name}=\"{}\"",
                    marked_srcset(refs, &attr.value, span)
                )),
                ("style", _) if tag.name == "mark" => {
                    Some(format!("class=\"{}\"", mark_classes(&attr.value)))
                }
                ("data-tag", _) => custom_block_classes(&tag)
                    .map(|c| format!("data-tag=\"{}\" class=\"{c}\"", esc(&attr.value))),
                _ => None,
            };
            if let Some(replacement) = replacement {
                edits.push((attr.span.clone(), replacement));
            }
        }
    }
    edits.sort_by_key(|(span, _)| (span.start, span.end));
    let mut out = String::with_capacity(html.len() + 16);
    let mut copied = 0;
    for (span, replacement) in edits {
        if span.start < copied {
            continue;
        }
        out.push_str(&html[copied..span.start]);
        out.push_str(&replacement);
        copied = span.end;
    }
    out.push_str(&html[copied..]);
    out
}

/// Where each `<summary>` without an id ends its tag name (an ` id` goes there), with its text.
fn summaries(tokens: &[Token]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Start(tag) = token else { continue };
        if tag.name != "summary" || tag.has_attr("id") {
            continue;
        }
        let mut text = String::new();
        for token in &tokens[i + 1..] {
            match token {
                Token::End { name, .. } if name == "summary" => break,
                Token::Text { text: t, .. } => text.push_str(t),
                _ => {}
            }
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            found.push((tag.span.start + "<summary".len(), text));
        }
    }
    found
}

/// `<a data-mention href="page.md">page.md</a>` (every `<a href>` with `all`): the whole element
/// becomes a mention, whose text is its target's current title; the written text is the fallback.
fn mention_elements(
    refs: &mut RefRecorder,
    tokens: &[Token],
    start: usize,
    all: bool,
) -> Vec<(std::ops::Range<usize>, String)> {
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Start(tag) = token else { continue };
        if tag.name != "a" || !(all || tag.has_attr("data-mention")) {
            continue;
        }
        let Some(href) = tag.attr("href").filter(|h| !h.trim().is_empty()) else {
            continue;
        };
        let mut fallback = String::new();
        let mut end = tag.span.end;
        for token in &tokens[i + 1..] {
            match token {
                Token::End { name, span } if name == "a" => {
                    end = span.end;
                    break;
                }
                Token::Text { text, .. } => fallback.push_str(text),
                _ => {}
            }
        }
        let range = start + tag.span.start..start + end;
        let dest = refs.rebased(range.start, href.trim().to_string());
        let span = refs.page_span(&range);
        let fallback = fallback.split_whitespace().collect::<Vec<_>>().join(" ");
        let marker = refs.marker(span, RefKind::Mention { dest, fallback });
        found.push((tag.span.start..end, marker));
    }
    found
}

/// `<i class="fa-rocket">:rocket:</i>`: GitBook's Font Awesome icons, whose text is only the
/// icon's name. Each whole element, with what it becomes (see [`super::icons`]).
fn icon_elements(tokens: &[Token]) -> Vec<(std::ops::Range<usize>, String)> {
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Start(tag) = token else { continue };
        let Some(name) = (tag.name == "i")
            .then(|| tag.attr("class"))
            .flatten()
            .and_then(super::icons::font_awesome_name)
        else {
            continue;
        };
        let end = tokens[i + 1..].iter().find_map(|t| match t {
            Token::End { name, span } if name == "i" => Some(span.end),
            _ => None,
        });
        let end = end.unwrap_or(tag.span.end);
        found.push((tag.span.start..end, super::icons::icon_html(name)));
    }
    found
}

/// `srcset="a.png 1x, b.png 2x"`: each candidate URL gets its own marker, its descriptor kept.
fn marked_srcset(refs: &mut RefRecorder, value: &str, range: std::ops::Range<usize>) -> String {
    let mut out = String::new();
    for (i, candidate) in srcset_candidates(value).into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match refs.html_url(candidate.url, range.clone()) {
            Some(marker) => out.push_str(&marker),
            None => {
                let _ = escape_html(&mut out, candidate.url);
            }
        }
        if !candidate.descriptor.is_empty() {
            out.push(' ');
            let _ = escape_html(&mut out, candidate.descriptor);
        }
    }
    out
}

/// `<a id="x"></a>`, `<a name="x">` or `<a href="#x" id="x"></a>` inside a heading: GitBook's
/// explicit anchor, which wins over the computed slug.
pub fn explicit_anchor_id(html: &str) -> Option<String> {
    let tag = first_start_tag(html).filter(|tag| tag.name == "a")?;
    let href_is_self = tag.attr("href").is_none_or(|h| h.starts_with('#'));
    let id = tag.attr("id").or_else(|| tag.attr("name"))?;
    (href_is_self && !id.is_empty()).then(|| id.to_string())
}

/// `color:red;background-color:yellow;` → `mark-red mark-bg-yellow`. Unknown colours (hex,
/// `$primary`) keep the theme's default highlight.
fn mark_classes(style: &str) -> String {
    let mut classes = vec!["mark".to_string()];
    for declaration in style.split(';') {
        let Some((property, value)) = declaration.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_start_matches('$').to_ascii_lowercase();
        let value = if value == "grey" {
            "gray".to_string()
        } else {
            value
        };
        if !PALETTE.contains(&value.as_str()) {
            continue;
        }
        match property.trim().to_ascii_lowercase().as_str() {
            "color" => classes.push(format!("mark-{value}")),
            "background-color" | "background" => classes.push(format!("mark-bg-{value}")),
            _ => {}
        }
    }
    classes.join(" ")
}

/// The classes of a `<div data-gb-custom-block data-tag="hint" data-style="warning">`.
fn custom_block_classes(tag: &StartTag) -> Option<String> {
    if !tag.has_attr("data-gb-custom-block") {
        return None;
    }
    let name = tag.attr("data-tag")?.to_ascii_lowercase();
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    Some(match (name.as_str(), tag.attr("data-style")) {
        ("hint", style) => {
            let style = style
                .map(|s| s.to_ascii_lowercase())
                .filter(|s| matches!(s.as_str(), "info" | "success" | "warning" | "danger"));
            format!("hint hint-{}", style.as_deref().unwrap_or("info"))
        }
        (other, _) => format!("gb-{other}"),
    })
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mark_colours_become_classes() {
        assert_eq!(
            mark_classes("color:red;background-color:$yellow;"),
            "mark mark-red mark-bg-yellow"
        );
        assert_eq!(mark_classes("color:#ff0000"), "mark");
    }

    #[test]
    fn custom_blocks_inside_html() {
        let tag = |html: &str| first_start_tag(html).unwrap();
        let html = r#"<div data-gb-custom-block data-tag="hint" data-style="warning">"#;
        assert_eq!(
            custom_block_classes(&tag(html)).as_deref(),
            Some("hint hint-warning")
        );
        assert_eq!(custom_block_classes(&tag(r#"<div data-tag="x">"#)), None);
    }
}
