//! The raw HTML GitBook exports carry, made to work in a carnet site.
//!
//! - Block marker lines (`<!--carnet:N-->`) become block HTML.
//! - `href`, `src` and `srcset` URLs get markers, resolved like Markdown links.
//! - `id`/`name` attributes are recorded as anchors.
//! - `<mark style="color:red;background-color:yellow">` becomes theme classes: GitBook's palette
//!   names map to colours that hold up in light and dark themes; inline colours would not.
//! - `<a data-mention href="page.md">` shows its target's current title, like Markdown mentions.
//! - `<div data-gb-custom-block data-tag="hint" data-style="info">` (a block inside HTML, as in a
//!   table cell) gets the classes of the block it is.

use pulldown_cmark_escape::escape_html;

use super::fragment::{Builder, RefKind, UrlKind};
use super::html_attrs::{decode_entities, start_tag_attrs};
use super::markers::push_marker;
use crate::gitbook::blocks::marker_index;

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
        let attrs = start_tag_attrs(html);
        for (tag, attr) in &attrs {
            let name = attr.name.to_ascii_lowercase();
            if name == "href" && self.refuses_button(html, &attrs, attr, start) {
                // Without its `href`, the button is text.
                out.push_str(&html[copied..attr.whole.start]);
                copied = attr.whole.end;
                continue;
            }
            let replacement = match name.as_str() {
                "id" | "name" => {
                    let id = decode_entities(attr.raw_value);
                    if !id.is_empty() {
                        self.add_id(id);
                    }
                    None
                }
                "href" | "src" => self.marked_url(
                    attr.raw_value,
                    start + attr.whole.start..start + attr.whole.end,
                ),
                "srcset" => Some(self.marked_srcset(
                    attr.raw_value,
                    start + attr.whole.start..start + attr.whole.end,
                )),
                "style" if tag.eq_ignore_ascii_case("mark") => {
                    Some(mark_classes(attr.raw_value)).map(|c| format!("class=\"{c}\""))
                }
                "data-tag" => custom_block_classes(html)
                    .map(|c| format!("data-tag=\"{}\" class=\"{c}\"", attr.raw_value)),
                _ => None,
            };
            let Some(replacement) = replacement else {
                continue;
            };
            out.push_str(&html[copied..attr.whole.start]);
            if name == "href" || name == "src" || name == "srcset" {
                out.push_str(&name);
                out.push_str("=\"");
                out.push_str(&replacement);
                out.push('"');
            } else {
                out.push_str(&replacement);
            }
            copied = attr.whole.end;
        }
        out.push_str(&html[copied..]);
        out
    }

    /// The marker for a relative URL; `None` for values left as they are (empty, `#anchor`).
    pub(super) fn marked_url(
        &mut self,
        raw: &str,
        range: std::ops::Range<usize>,
    ) -> Option<String> {
        let dest = decode_entities(raw.trim());
        if dest.is_empty() || dest.starts_with('#') {
            return None;
        }
        let dest = self.rebased(range.start, dest);
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

    /// `srcset="a.png 1x, b.png 2x"`: each candidate URL gets its own marker.
    fn marked_srcset(&mut self, raw: &str, range: std::ops::Range<usize>) -> String {
        let mut out = String::new();
        for (i, candidate) in decode_entities(raw).split(',').enumerate() {
            let candidate = candidate.trim();
            let (url, descriptor) = candidate
                .split_once(char::is_whitespace)
                .unwrap_or((candidate, ""));
            if i > 0 {
                out.push_str(", ");
            }
            match self.marked_url(url, range.clone()) {
                Some(marker) => out.push_str(&marker),
                None => {
                    let _ = escape_html(&mut out, url);
                }
            }
            if !descriptor.is_empty() {
                out.push(' ');
                let _ = escape_html(&mut out, descriptor.trim());
            }
        }
        out
    }
}

/// `<a id="x"></a>`, `<a name="x">` or `<a href="#x" id="x"></a>` inside a heading: GitBook's
/// explicit anchor, which wins over the computed slug.
pub fn explicit_anchor_id(html: &str) -> Option<String> {
    let attrs = start_tag_attrs(html);
    let (tag, _) = attrs.first()?;
    if !tag.eq_ignore_ascii_case("a") {
        return None;
    }
    let value = |name: &str| {
        attrs
            .iter()
            .find(|(_, a)| a.name.eq_ignore_ascii_case(name))
            .map(|(_, a)| decode_entities(a.raw_value))
    };
    let href_is_self = value("href").is_none_or(|h| h.starts_with('#'));
    let id = value("id").or_else(|| value("name"))?;
    (href_is_self && !id.is_empty()).then_some(id)
}

/// `<code class="expression">`: GitBook's variable expression.
fn is_expression_start(html: &str) -> bool {
    let attrs = start_tag_attrs(html);
    attrs
        .first()
        .is_some_and(|(tag, _)| tag.eq_ignore_ascii_case("code"))
        && attrs.iter().any(|(_, a)| {
            a.name.eq_ignore_ascii_case("class")
                && a.raw_value.split_whitespace().any(|c| c == "expression")
        })
}

/// The `href` of an `<a … data-mention …>` start tag.
fn mention_href(html: &str) -> Option<String> {
    let attrs = start_tag_attrs(html);
    let (tag, _) = attrs.first()?;
    if !tag.eq_ignore_ascii_case("a")
        || !attrs
            .iter()
            .any(|(_, a)| a.name.eq_ignore_ascii_case("data-mention"))
    {
        return None;
    }
    attrs
        .iter()
        .find(|(_, a)| a.name.eq_ignore_ascii_case("href"))
        .map(|(_, a)| decode_entities(a.raw_value))
}

/// `color:red;background-color:yellow;` → `mark-red mark-bg-yellow`. Unknown colours (hex,
/// `$primary`) keep the theme's default highlight.
fn mark_classes(style: &str) -> String {
    let mut classes = vec!["mark".to_string()];
    for declaration in decode_entities(style).split(';') {
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
fn custom_block_classes(html: &str) -> Option<String> {
    let attrs = start_tag_attrs(html);
    if !attrs
        .iter()
        .any(|(_, a)| a.name.eq_ignore_ascii_case("data-gb-custom-block"))
    {
        return None;
    }
    let value = |name: &str| {
        attrs
            .iter()
            .find(|(_, a)| a.name.eq_ignore_ascii_case(name))
            .map(|(_, a)| decode_entities(a.raw_value))
    };
    let tag = value("data-tag")?.to_ascii_lowercase();
    if !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    Some(match (tag.as_str(), value("data-style")) {
        ("hint", style) => {
            let style = style
                .map(|s| s.to_ascii_lowercase())
                .filter(|s| matches!(s.as_str(), "info" | "success" | "warning" | "danger"));
            format!("hint hint-{}", style.as_deref().unwrap_or("info"))
        }
        (other, _) => format!("gb-{other}"),
    })
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
        let html = r#"<div data-gb-custom-block data-tag="hint" data-style="warning">"#;
        assert_eq!(
            custom_block_classes(html).as_deref(),
            Some("hint hint-warning")
        );
        assert_eq!(custom_block_classes(r#"<div data-tag="x">"#), None);
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
