//! The raw HTML GitBook exports carry, made to work in a carnet site.
//!
//! - Block marker lines (`<!--carnet:N-->`) become block HTML.
//! - URLs in `href`, `src`, `poster`, `data-src` and the candidates of `srcset` (and
//!   `data-srcset`) get markers, resolved like Markdown links.
//! - `id`/`name` attributes are recorded as anchors.
//! - `<mark style="color:red;background-color:yellow">` becomes theme classes: GitBook's palette
//!   names map to colours that hold up in light and dark themes; inline colours would not.
//! - `<a data-mention href="page.md">` shows its target's current title, like Markdown mentions.
//! - `<div data-gb-custom-block data-tag="hint" data-style="info">` (a block inside HTML, as in a
//!   table cell) gets the classes of the block it is.

use pulldown_cmark_escape::escape_html;

use super::fragment::{Builder, RefKind, UrlKind};
use super::markers::push_marker;
use crate::gitbook::blocks::marker_index;
use crate::html::{
    StartTag, UrlAttr, first_start_tag, srcset_candidates, start_tags, url_attribute,
};

/// GitBook's text and highlight palette.
const PALETTE: &[&str] = &[
    "red", "orange", "yellow", "green", "blue", "purple", "pink", "teal", "gray", "grey",
];

impl Builder<'_> {
    /// An HTML block: marker lines become blocks, the rest is rewritten and kept.
    pub(super) fn raw_html_block(&mut self, html: &str, start: usize) {
        if super::cards::is_card_table(html) {
            let grid = self.card_grid(html, start);
            return self.push_html(grid);
        }
        let mut pending = String::new();
        let mut pending_start = start;
        let mut offset = start;
        for line in html.split_inclusive('\n') {
            match marker_index(line) {
                Some(index) => {
                    self.flush_raw(&mut pending, pending_start);
                    self.block_marker(index);
                    pending_start = offset + line.len();
                }
                None => pending.push_str(line),
            }
            offset += line.len();
        }
        self.flush_raw(&mut pending, pending_start);
    }

    fn flush_raw(&mut self, pending: &mut String, start: usize) {
        if pending.is_empty() {
            return;
        }
        let html = self.rewrite_html(pending, start);
        pending.clear();
        self.push_html(html);
    }

    /// Inline HTML: a marker, a mention link, or HTML to rewrite.
    pub(super) fn raw_inline_html(&mut self, html: &str, start: usize) {
        if let Some(index) = marker_index(html) {
            return self.block_marker(index);
        }
        if is_expression_start(html) {
            return self.open_expression();
        }
        if let Some(dest) = mention_href(html).map(|dest| self.rebased(start, dest)) {
            let span = self.page_span(&(start..start + html.len()));
            let index = self.mention_marker(span, dest);
            return self.swallow_html_mention(index);
        }
        let rewritten = self.rewrite_html(html, start);
        self.push(pulldown_cmark::Event::InlineHtml(rewritten.into()));
    }

    /// Marks URLs, records ids, maps `<mark>` colours and GitBook custom blocks. Attributes that
    /// change are rewritten as `name="value"`; everything else is copied as written.
    pub(super) fn rewrite_html(&mut self, html: &str, start: usize) -> String {
        let mut out = String::with_capacity(html.len() + 16);
        let mut copied = 0;
        for tag in start_tags(html) {
            for attr in &tag.attrs {
                let span = start + attr.span.start..start + attr.span.end;
                let replacement = match (attr.name.as_str(), url_attribute(&attr.name)) {
                    ("id" | "name", _) => {
                        if !attr.value.is_empty() {
                            self.add_id(attr.value.clone());
                        }
                        None
                    }
                    (name, Some(UrlAttr::Single)) => self
                        .marked_url(&attr.value, span)
                        .map(|marker| format!("{name}=\"{marker}\"")),
                    (name, Some(UrlAttr::Srcset)) => Some(format!(
                        "{name}=\"{}\"",
                        self.marked_srcset(&attr.value, span)
                    )),
                    ("style", _) if tag.name == "mark" => {
                        Some(format!("class=\"{}\"", mark_classes(&attr.value)))
                    }
                    ("data-tag", _) => custom_block_classes(&tag)
                        .map(|c| format!("data-tag=\"{}\" class=\"{c}\"", esc(&attr.value))),
                    _ => None,
                };
                let Some(replacement) = replacement else {
                    continue;
                };
                out.push_str(&html[copied..attr.span.start]);
                out.push_str(&replacement);
                copied = attr.span.end;
            }
        }
        out.push_str(&html[copied..]);
        out
    }

    /// The marker for a relative URL (decoded); `None` for values left as they are (empty,
    /// `#anchor`).
    pub(super) fn marked_url(
        &mut self,
        value: &str,
        range: std::ops::Range<usize>,
    ) -> Option<String> {
        let dest = value.trim();
        if dest.is_empty() || dest.starts_with('#') {
            return None;
        }
        let dest = self.rebased(range.start, dest.to_string());
        let span = self.page_span(&range);
        let index = self.add_ref(
            span,
            RefKind::Url {
                dest,
                kind: UrlKind::HtmlAttr,
            },
        );
        let mut marker = String::new();
        push_marker(&mut marker, index);
        Some(marker)
    }

    /// `srcset="a.png 1x, b.png 2x"`: each candidate URL gets its own marker, its descriptor
    /// kept.
    fn marked_srcset(&mut self, value: &str, range: std::ops::Range<usize>) -> String {
        let mut out = String::new();
        for (i, candidate) in srcset_candidates(value).into_iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match self.marked_url(candidate.url, range.clone()) {
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
}

/// `<a id="x"></a>`, `<a name="x">` or `<a href="#x" id="x"></a>` inside a heading: GitBook's
/// explicit anchor, which wins over the computed slug.
pub fn explicit_anchor_id(html: &str) -> Option<String> {
    let tag = first_start_tag(html).filter(|tag| tag.name == "a")?;
    let href_is_self = tag.attr("href").is_none_or(|h| h.starts_with('#'));
    let id = tag.attr("id").or_else(|| tag.attr("name"))?;
    (href_is_self && !id.is_empty()).then(|| id.to_string())
}

/// `<code class="expression">`: GitBook's variable expression.
fn is_expression_start(html: &str) -> bool {
    first_start_tag(html).is_some_and(|tag| {
        tag.name == "code"
            && tag
                .attr("class")
                .is_some_and(|c| c.split_whitespace().any(|c| c == "expression"))
    })
}

/// The `href` of an `<a … data-mention …>` start tag.
fn mention_href(html: &str) -> Option<String> {
    let tag = first_start_tag(html)?;
    if tag.name != "a" || !tag.has_attr("data-mention") {
        return None;
    }
    tag.attr("href").map(str::to_string)
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

    #[test]
    fn mention_links_in_html() {
        assert_eq!(
            mention_href(r#"<a href="page.md" data-mention>"#).as_deref(),
            Some("page.md")
        );
        assert_eq!(mention_href(r#"<a href="page.md">"#), None);
    }
}
