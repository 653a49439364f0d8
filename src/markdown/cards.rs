//! GitBook's card tables: `<table data-view="cards">` shown as a grid of cards.
//!
//! GitBook writes cards as an HTML table whose header cells mark special columns:
//! `data-card-target` (where the card leads, a link in the cell), `data-card-cover` (an image),
//! `data-hidden` (not shown). Each row becomes a card: the cover on top, the visible cells as its
//! body, and — when there is a target — a link stretched over the whole card (a card cannot be an
//! `<a>` itself: its cells may hold links of their own).

use super::fragment::Builder;
use super::html_attrs::{decode_entities, start_tag_attrs};

/// What a column of a card table is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Column {
    target: bool,
    cover: bool,
    hidden: bool,
}

/// Whether `html` (an HTML block) is a GitBook card table.
pub fn is_card_table(html: &str) -> bool {
    let trimmed = html.trim_start();
    // `get`: the sixth byte may be inside a character (`<?€€`, found by fuzzing).
    trimmed
        .get(..6)
        .is_some_and(|start| start.eq_ignore_ascii_case("<table"))
        && start_tag_attrs(&trimmed[..trimmed.find('>').unwrap_or(trimmed.len())])
            .iter()
            .any(|(_, a)| {
                a.name.eq_ignore_ascii_case("data-view")
                    && a.raw_value.eq_ignore_ascii_case("cards")
            })
}

impl Builder<'_> {
    /// The card grid for the card table `html`, which starts at `start` in the parsed text.
    pub(super) fn card_grid(&mut self, html: &str, start: usize) -> String {
        let columns = header_columns(html);
        let mut out = String::from("<div class=\"card-grid\">\n");
        for row in elements(html, "tr")
            .into_iter()
            .filter(|row| !row.inner.contains("<th"))
        {
            let cells = elements(row.inner, "td");
            let cell_start = |i: usize| start + row.inner_offset + cells[i].inner_offset;
            let mut cover = None;
            let mut target = None;
            let mut body = String::new();
            let mut label = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let column = columns.get(i).copied().unwrap_or_default();
                if column.target {
                    target = first_url(cell.inner).and_then(|(url, at)| {
                        let range = cell_start(i) + at..cell_start(i) + at + 1;
                        let span = self.page_span(&range);
                        if self.refuses_url(&span, &decode_entities(&url), "a card") {
                            return None;
                        }
                        self.marked_url(&url, range)
                    });
                } else if column.cover {
                    cover = first_url(cell.inner).and_then(|(url, at)| {
                        self.marked_url(&url, cell_start(i) + at..cell_start(i) + at + 1)
                    });
                } else if !column.hidden && !cell.inner.trim().is_empty() {
                    if label.is_empty() {
                        label = text_of(cell.inner);
                    }
                    let rewritten = self.rewrite_html(cell.inner, cell_start(i));
                    body.push_str(&format!("<div class=\"card-cell\">{rewritten}</div>"));
                }
            }
            out.push_str("<div class=\"card\">");
            if let Some(cover) = cover {
                out.push_str(&format!("<img src=\"{cover}\" alt=\"\" loading=\"lazy\">"));
            }
            out.push_str(&format!("<div class=\"card-body\">{body}"));
            if let Some(target) = target {
                let mut escaped_label = String::new();
                let _ = pulldown_cmark_escape::escape_html(&mut escaped_label, &label);
                out.push_str(&format!("<a class=\"card-link\" href=\"{target}\"><span class=\"visually-hidden\">{escaped_label}</span></a>"));
            }
            out.push_str("</div></div>\n");
        }
        out.push_str("</div>\n");
        out
    }
}

/// The role of each column, from the header row.
fn header_columns(html: &str) -> Vec<Column> {
    let Some(header) = elements(html, "tr")
        .into_iter()
        .find(|row| row.inner.contains("<th"))
    else {
        return Vec::new();
    };
    elements(header.inner, "th")
        .iter()
        .map(|cell| {
            let attrs = start_tag_attrs(cell.open_tag);
            let has = |name: &str| attrs.iter().any(|(_, a)| a.name.eq_ignore_ascii_case(name));
            Column {
                target: has("data-card-target"),
                cover: has("data-card-cover"),
                hidden: has("data-hidden"),
            }
        })
        .collect()
}

/// An element of `html` with its start tag and inner HTML (offset in `html`).
struct Element<'h> {
    open_tag: &'h str,
    inner: &'h str,
    inner_offset: usize,
}

/// The `<name>` elements of `html`, in order; not nested ones of the same name (tables in cards
/// do not occur).
fn elements<'h>(html: &'h str, name: &str) -> Vec<Element<'h>> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find(&open).map(|i| i + from) {
        let after_name = lower.as_bytes().get(start + open.len()).copied();
        if !matches!(after_name, Some(b'>' | b' ' | b'\t' | b'\n' | b'/')) {
            from = start + open.len();
            continue;
        }
        let Some(tag_end) = lower[start..].find('>').map(|i| i + start + 1) else {
            break;
        };
        let end = lower[tag_end..]
            .find(&close)
            .map_or(html.len(), |i| i + tag_end);
        found.push(Element {
            open_tag: &html[start..tag_end],
            inner: &html[tag_end..end],
            inner_offset: tag_end,
        });
        from = (end + close.len()).min(html.len());
    }
    found
}

/// The first `href` or `src` in `html`, or its text when it is a bare path or URL.
fn first_url(html: &str) -> Option<(String, usize)> {
    for (_, attr) in start_tag_attrs(html) {
        if attr.name.eq_ignore_ascii_case("href") || attr.name.eq_ignore_ascii_case("src") {
            return Some((decode_entities(attr.raw_value), attr.whole.start));
        }
    }
    let text = text_of(html);
    (!text.is_empty() && !text.contains(char::is_whitespace)).then_some((text, 0))
}

/// The text of an HTML fragment, tags dropped, whitespace collapsed.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"<table data-view="cards"><thead><tr><th></th><th data-hidden data-card-target data-type="content-ref"></th><th data-hidden data-card-cover data-type="files"></th></tr></thead><tbody><tr><td><strong>Démarrer</strong></td><td><a href="start.md">start.md</a></td><td><a href=".gitbook/assets/cover.png">cover.png</a></td></tr><tr><td>Sans lien</td><td></td><td></td></tr></tbody></table>"#;

    #[test]
    fn recognises_card_tables() {
        assert!(is_card_table(TABLE));
        assert!(!is_card_table("<table><tr><td>x</td></tr></table>"));
        // Found by fuzzing: the sixth byte inside a character used to panic.
        assert!(!is_card_table("<?€€"));
    }

    #[test]
    fn columns_and_rows() {
        let columns = header_columns(TABLE);
        assert_eq!(columns.len(), 3);
        assert!(columns[1].target && columns[1].hidden && columns[2].cover);
        let rows: Vec<_> = elements(TABLE, "tr")
            .into_iter()
            .filter(|r| !r.inner.contains("<th"))
            .collect();
        assert_eq!(rows.len(), 2);
        let cells = elements(rows[0].inner, "td");
        assert_eq!(
            first_url(cells[1].inner).map(|(u, _)| u).as_deref(),
            Some("start.md")
        );
        assert_eq!(text_of(cells[0].inner), "Démarrer");
    }
}
