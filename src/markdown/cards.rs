//! GitBook's card tables: `<table data-view="cards">` shown as a grid of cards.
//!
//! GitBook writes cards as an HTML table whose header cells mark special columns:
//! `data-card-target` (where the card leads, a link in the cell), `data-card-cover` (an image),
//! `data-hidden` (not shown). Each row becomes a card: the cover on top, the visible cells as its
//! body, and — when there is a target — a link stretched over the whole card (a card cannot be an
//! `<a>` itself: its cells may hold links of their own).

use std::ops::Range;

use super::raw_html::rewrite_links_as;
use super::refs::RefRecorder;
use crate::html::{Token, first_start_tag, plain_text, tokens};

/// What a column of a card table is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Column {
    target: bool,
    cover: bool,
    hidden: bool,
    /// `data-type="content-ref"`: its links show their target's title, not the file name.
    content_ref: bool,
}

/// Whether `html` (an HTML block) is a GitBook card table.
pub fn is_card_table(html: &str) -> bool {
    let trimmed = html.trim_start();
    // `get`: the sixth byte may be inside a character (`<?€€`, found by fuzzing).
    trimmed
        .get(..6)
        .is_some_and(|start| start.eq_ignore_ascii_case("<table"))
        && first_start_tag(&trimmed[..trimmed.find('>').map_or(trimmed.len(), |i| i + 1)])
            .is_some_and(|table| {
                table
                    .attr("data-view")
                    .is_some_and(|view| view.eq_ignore_ascii_case("cards"))
            })
}

/// The card grid for the card table `html`, which starts at `start` in the parsed text.
pub fn card_grid(refs: &mut RefRecorder, html: &str, start: usize) -> String {
    let table = read_table(html);
    let mut out = String::from("<div class=\"card-grid\">\n");
    for row in table.rows.iter().filter(|row| !row.header) {
        let mut cover = None;
        let mut target = None;
        let mut body = String::new();
        let mut label = String::new();
        for (i, cell) in row.cells.iter().enumerate() {
            let column = table.columns.get(i).copied().unwrap_or_default();
            let at = |offset: usize| start + offset..start + offset + 1;
            if column.target {
                target = cell.first_url(html).and_then(|(url, offset)| {
                    let span = refs.page_span(&at(offset));
                    if refs.refuses_url(&span, &url, "a card") {
                        return None;
                    }
                    refs.html_url(&url, at(offset))
                });
            } else if column.cover {
                cover = cell
                    .first_url(html)
                    .and_then(|(url, offset)| refs.html_url(&url, at(offset)));
            } else if !column.hidden && !html[cell.inner.clone()].trim().is_empty() {
                if label.is_empty() {
                    label = cell.text();
                }
                let rewritten = rewrite_links_as(
                    refs,
                    &html[cell.inner.clone()],
                    start + cell.inner.start,
                    column.content_ref,
                );
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

/// A card as text, for the Markdown output: its first visible cell's text (its label), the
/// other visible cells' texts, and where it leads (the URL as written and its offset in the
/// table).
pub struct CardText {
    pub label: String,
    pub details: Vec<String>,
    pub target: Option<(String, usize)>,
}

/// The cards of the card table `html`, as text.
pub fn card_texts(html: &str) -> Vec<CardText> {
    let table = read_table(html);
    let mut cards = Vec::new();
    for row in table.rows.iter().filter(|row| !row.header) {
        let mut card = CardText {
            label: String::new(),
            details: Vec::new(),
            target: None,
        };
        for (i, cell) in row.cells.iter().enumerate() {
            let column = table.columns.get(i).copied().unwrap_or_default();
            if column.target {
                card.target = cell.first_url(html);
            } else if !column.cover && !column.hidden {
                let text = cell.text();
                match (text.is_empty(), card.label.is_empty()) {
                    (true, _) => {}
                    (false, true) => card.label = text,
                    (false, false) => card.details.push(text),
                }
            }
        }
        if !card.label.is_empty() || card.target.is_some() {
            cards.push(card);
        }
    }
    cards
}

/// A card table as read: the role of each column, and the rows.
#[derive(Debug, Default)]
struct Table {
    columns: Vec<Column>,
    rows: Vec<Row>,
}

#[derive(Debug, Default)]
struct Row {
    /// Holds `<th>` cells: the header row, which gives the columns their roles.
    header: bool,
    cells: Vec<Cell>,
}

/// A cell: its inner HTML (a byte range of the table) and its tokens.
#[derive(Debug)]
struct Cell {
    inner: Range<usize>,
    tokens: Vec<Token>,
}

impl Cell {
    /// The first `href` or `src` in the cell, with the offset of its attribute in the table, or
    /// the cell's text when it is a bare path or URL.
    fn first_url(&self, html: &str) -> Option<(String, usize)> {
        for token in &self.tokens {
            if let Token::Start(tag) = token
                && let Some(attr) = tag
                    .attrs
                    .iter()
                    .find(|a| a.name == "href" || a.name == "src")
            {
                return Some((attr.value.clone(), attr.span.start));
            }
        }
        let text = plain_text(&html[self.inner.clone()]);
        (!text.is_empty() && !text.contains(char::is_whitespace))
            .then_some((text, self.inner.start))
    }

    /// The cell's text, tags dropped, character references decoded, whitespace collapsed.
    fn text(&self) -> String {
        let text: String = self
            .tokens
            .iter()
            .filter_map(|token| match token {
                Token::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Reads the rows and cells of a card table (tables in cards do not occur: cells do not nest).
fn read_table(html: &str) -> Table {
    let mut table = Table::default();
    let mut row: Option<Row> = None;
    let mut cell: Option<Cell> = None;
    let mut columns = Vec::new();
    for token in tokens(html) {
        match &token {
            Token::Start(tag) if tag.name == "tr" => {
                close_cell(&mut row, &mut cell, tag.span.start);
                table.rows.extend(row.take());
                row = Some(Row::default());
                continue;
            }
            Token::Start(tag) if matches!(tag.name.as_str(), "td" | "th") => {
                close_cell(&mut row, &mut cell, tag.span.start);
                if tag.name == "th" {
                    columns.push(Column {
                        target: tag.has_attr("data-card-target"),
                        cover: tag.has_attr("data-card-cover"),
                        hidden: tag.has_attr("data-hidden"),
                        content_ref: tag.attr("data-type") == Some("content-ref"),
                    });
                }
                let row = row.get_or_insert_with(Row::default);
                row.header |= tag.name == "th";
                cell = Some(Cell {
                    inner: tag.span.end..tag.span.end,
                    tokens: Vec::new(),
                });
                continue;
            }
            Token::End { name, span } if matches!(name.as_str(), "td" | "th" | "tr" | "table") => {
                close_cell(&mut row, &mut cell, span.start);
                if name != "td" && name != "th" {
                    table.rows.extend(row.take());
                }
                continue;
            }
            _ => {}
        }
        if let Some(cell) = &mut cell {
            cell.tokens.push(token);
        }
    }
    close_cell(&mut row, &mut cell, html.len());
    table.rows.extend(row);
    if let Some(header) = table.rows.iter().position(|r| r.header) {
        // The first header row gives the roles (its `th`s were read in order).
        let count = table.rows[header].cells.len();
        table.columns = columns.into_iter().take(count).collect();
    }
    table
}

/// Ends the open cell at `end` and adds it to its row.
fn close_cell(row: &mut Option<Row>, cell: &mut Option<Cell>, end: usize) {
    if let Some(mut open) = cell.take() {
        open.inner.end = end.max(open.inner.start);
        row.get_or_insert_with(Row::default).cells.push(open);
    }
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
        let table = read_table(TABLE);
        assert_eq!(table.columns.len(), 3);
        let columns = &table.columns;
        assert!(columns[1].target && columns[1].hidden && columns[2].cover);
        let rows: Vec<_> = table.rows.iter().filter(|r| !r.header).collect();
        assert_eq!(rows.len(), 2);
        let cells = &rows[0].cells;
        assert_eq!(
            cells[1].first_url(TABLE).map(|(u, _)| u).as_deref(),
            Some("start.md")
        );
        assert_eq!(cells[0].text(), "Démarrer");
    }

    #[test]
    fn labels_decode_every_character_reference() {
        let html = "<table data-view=\"cards\"><tr><th></th></tr><tr><td>R&eacute;sum&eacute; &amp; co</td></tr></table>";
        let table = read_table(html);
        assert_eq!(table.rows[1].cells[0].text(), "Résumé & co");
    }
}
