//! `SUMMARY.md`: GitBook's table of contents, parsed into groups of nested entries.
//!
//! The file is Markdown, so it is read with the same CommonMark parser as pages: Markdown escapes
//! in labels and targets (`\_`), `<angle brackets>`, nesting at any indentation and `*` or `-`
//! bullets all behave as they do everywhere else. Shape, as GitBook writes it:
//!
//! ```markdown
//! # Table of contents            ← optional, ignored
//! * [Home](README.md)            ← entries before any group
//! ## Guides <a href="#g" id="g"></a>   ← a sidebar group, with an optional explicit slug
//! * [Page title](a.md "Nav label")
//!   * [Child](a/b.md)
//! * [External](https://example.org)
//! ```

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// A parsed table of contents: entries before the first group, then the groups, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub items: Vec<SummaryItem>,
    /// The first entry nested deeper than [`MAX_DEPTH`] (its line's byte range): it and the
    /// deeper ones are listed at that depth, after their ancestor there.
    pub too_deep: Option<Range<usize>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SummaryItem {
    Entry(SummaryEntry),
    /// A `## Group` heading and the entries under it.
    Group {
        title: String,
        /// From an `<a id="slug">` in the heading, when GitBook kept an explicit one.
        slug: Option<String>,
        line: usize,
        entries: Vec<SummaryEntry>,
    },
}

/// One list item of the table of contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryEntry {
    /// The link text: on GitBook, the page's title.
    pub title: String,
    /// The link's quoted title (`[T](p.md "Label")`): the sidebar label when present.
    pub nav_label: Option<String>,
    /// The link destination as written (escapes already processed); `None` for an item without link.
    pub target: Option<String>,
    /// Byte range of the item's first line in SUMMARY.md, for diagnostics.
    pub span: Range<usize>,
    pub children: Vec<SummaryEntry>,
    /// An entry GitBook generates (a fenced YAML block such as `type: builtin:openapi`, the
    /// pages of an OpenAPI spec it hosts): what it is, from its `type:` line. Nothing of it is
    /// in the export, so it has no page and no label.
    pub generated: Option<String>,
}

impl SummaryEntry {
    pub fn label(&self) -> &str {
        self.nav_label.as_deref().unwrap_or(&self.title)
    }
}

/// Parses SUMMARY.md text. Never fails: anything that is not a heading or a list item is ignored,
/// as GitBook does.
pub fn parse_summary(text: &str) -> Summary {
    let mut parser = SummaryParser::default();
    for (event, range) in Parser::new(text).into_offset_iter() {
        parser.event(event, range, text);
    }
    parser.finish()
}

/// How deep entries may nest (GitBook exports reach five or six), so nothing that walks the
/// navigation can be driven out of stack. Deeper entries are kept, one level up as siblings of
/// their ancestor at this depth, and reported.
pub const MAX_DEPTH: usize = 32;

#[derive(Default)]
struct SummaryParser {
    items: Vec<SummaryItem>,
    too_deep: Option<Range<usize>>,
    /// Lines counted up to this offset (group headings carry their line).
    counted: (usize, usize),
    /// Entries being built, innermost last.
    open: Vec<OpenEntry>,
    heading: Option<OpenHeading>,
    seen_content: bool,
    link_depth: usize,
}

struct OpenEntry {
    entry: SummaryEntry,
    /// Text of the item outside links, used as the label of an entry without a link.
    loose_text: String,
    /// Set once a nested list starts: later text belongs to children.
    first_block_done: bool,
    /// Inside the link that gives the entry its target: its text is the title.
    in_title_link: bool,
    /// The text of a fenced block in the item (GitBook's generated entries), once one starts.
    code: Option<String>,
}

struct OpenHeading {
    level: HeadingLevel,
    text: String,
    slug: Option<String>,
    line_start: usize,
}

impl SummaryParser {
    fn event(&mut self, event: Event<'_>, range: Range<usize>, text: &str) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some(OpenHeading {
                    level,
                    text: String::new(),
                    slug: None,
                    line_start: range.start,
                })
            }
            Event::End(TagEnd::Heading(_)) => self.close_heading(text),
            Event::Start(Tag::List(_)) => {
                if let Some(open) = self.open.last_mut() {
                    open.first_block_done = true;
                }
            }
            Event::Start(Tag::Item) => {
                if self.open.len() >= MAX_DEPTH && self.too_deep.is_none() {
                    self.too_deep = Some(first_line(text, range.clone()));
                }
                self.open.push(OpenEntry {
                    entry: SummaryEntry {
                        title: String::new(),
                        nav_label: None,
                        target: None,
                        span: first_line(text, range),
                        children: Vec::new(),
                        generated: None,
                    },
                    loose_text: String::new(),
                    code: None,
                    first_block_done: false,
                    in_title_link: false,
                })
            }
            Event::Start(Tag::CodeBlock(_)) => {
                if let Some(open) = self.open.last_mut().filter(|o| !o.first_block_done) {
                    open.code = Some(String::new());
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(open) = self.open.last_mut() {
                    open.first_block_done |= open.code.is_some();
                }
            }
            Event::End(TagEnd::Item) => self.close_item(),
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                self.link_depth += 1;
                if let Some(open) = self
                    .open
                    .last_mut()
                    .filter(|o| !o.first_block_done && o.entry.target.is_none())
                {
                    open.entry.target = Some(dest_url.trim().to_string());
                    let title = title.trim();
                    open.entry.nav_label = (!title.is_empty()).then(|| title.to_string());
                    open.in_title_link = true;
                }
            }
            Event::End(TagEnd::Link) => {
                self.link_depth = self.link_depth.saturating_sub(1);
                if let Some(open) = self.open.last_mut() {
                    open.in_title_link = false;
                }
            }
            Event::Text(t) | Event::Code(t) => self.text(&t),
            Event::InlineHtml(html) | Event::Html(html) => {
                if let Some(heading) = &mut self.heading {
                    heading.slug = heading
                        .slug
                        .take()
                        .or_else(|| crate::html::html_attr(&html, "id"));
                }
            }
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            _ => {}
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(t);
            return;
        }
        let in_link = self.link_depth > 0;
        if let Some(open) = self.open.last_mut().filter(|o| !o.first_block_done) {
            if let Some(code) = &mut open.code {
                code.push_str(t);
            } else if open.in_title_link {
                open.entry.title.push_str(t);
            } else if !in_link {
                open.loose_text.push_str(t);
            }
        }
    }

    fn close_heading(&mut self, text: &str) {
        let Some(heading) = self.heading.take() else {
            return;
        };
        let title = collapse_whitespace(&heading.text);
        let is_document_title = heading.level == HeadingLevel::H1 && !self.seen_content;
        self.seen_content = true;
        if is_document_title {
            return;
        }
        let line = self.line_of(text, heading.line_start);
        self.items.push(SummaryItem::Group {
            title,
            slug: heading.slug,
            line,
            entries: Vec::new(),
        });
    }

    /// The 1-based line of offset `at`, counting only from the last offset asked (headings come
    /// in order): a SUMMARY.md of many groups is read once.
    fn line_of(&mut self, text: &str, at: usize) -> usize {
        let (offset, line) = self.counted;
        let at = at.max(offset);
        let line = line + memchr::memchr_iter(b'\n', &text.as_bytes()[offset..at]).count();
        self.counted = (at, line);
        line + 1
    }

    fn close_item(&mut self) {
        let Some(open) = self.open.pop() else { return };
        let mut entry = open.entry;
        entry.title = collapse_whitespace(&entry.title);
        if entry.target.is_none() {
            entry.title = collapse_whitespace(&open.loose_text);
            entry.generated = open.code.as_deref().and_then(generated_kind);
        }
        if self.open.len() == MAX_DEPTH - 1 && !entry.children.is_empty() {
            // At the deepest level kept: what is below follows it, one level up.
            let below = flatten(std::mem::take(&mut entry.children));
            if let Some(parent) = self.open.last_mut() {
                parent.entry.children.push(entry);
                parent.entry.children.extend(below);
                return;
            }
        }
        if let Some(parent) = self.open.last_mut() {
            parent.entry.children.push(entry);
            return;
        }
        self.seen_content = true;
        match self.items.last_mut() {
            Some(SummaryItem::Group { entries, .. }) => entries.push(entry),
            _ => self.items.push(SummaryItem::Entry(entry)),
        }
    }

    fn finish(mut self) -> Summary {
        while !self.open.is_empty() {
            self.close_item();
        }
        Summary {
            items: self.items,
            too_deep: self.too_deep,
        }
    }
}

/// `entries` and all their descendants, in reading order, without children: iterative, as the
/// tree can be as deep as the file is long.
fn flatten(entries: Vec<SummaryEntry>) -> Vec<SummaryEntry> {
    let mut flat = Vec::new();
    let mut stack: Vec<std::vec::IntoIter<SummaryEntry>> = vec![entries.into_iter()];
    while let Some(level) = stack.last_mut() {
        match level.next() {
            Some(mut entry) => {
                let children = std::mem::take(&mut entry.children);
                flat.push(entry);
                stack.push(children.into_iter());
            }
            None => {
                stack.pop();
            }
        }
    }
    flat
}

/// What a fenced block in a SUMMARY.md item generates: the value of its top-level `type:` key
/// (`builtin:openapi`), or `None` for a block that is not GitBook's.
fn generated_kind(code: &str) -> Option<String> {
    code.lines().find_map(|line| {
        let value = line.strip_prefix("type:")?.trim().trim_matches(['"', '\'']);
        (!value.is_empty()).then(|| value.to_string())
    })
}

fn first_line(text: &str, range: Range<usize>) -> Range<usize> {
    let end = text[range.clone()]
        .find('\n')
        .map_or(range.end, |i| range.start + i);
    range.start..end
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(summary: &Summary) -> Vec<&SummaryEntry> {
        let mut out = Vec::new();
        for item in &summary.items {
            match item {
                SummaryItem::Entry(e) => out.push(e),
                SummaryItem::Group { entries, .. } => out.extend(entries),
            }
        }
        out
    }

    #[test]
    fn entries_gitbook_generates_are_marked() {
        let text = "* [API reference](api/README.md)\n  * ```yaml\n    props:\n      models: false\n    type: builtin:openapi\n    dependencies:\n      spec:\n        ref:\n          spec: gitbook\n    ```\n* [Auth](auth.md)\n";
        let summary = parse_summary(text);
        let all = entries(&summary);
        assert_eq!(all.len(), 2);
        let generated = &all[0].children[0];
        assert_eq!(generated.generated.as_deref(), Some("builtin:openapi"));
        assert_eq!(generated.title, "");
        assert_eq!(generated.target, None);
        assert_eq!(all[1].title, "Auth");
    }

    #[test]
    fn groups_nesting_labels_and_escapes() {
        let text = "# Table of contents\n\n* [Accueil](README.md)\n\n## Guides <a href=\"#g\" id=\"g\"></a>\n\n* [Le \\_titre](a\\_b.md \"Court\")\n    * [Enfant](a/c.md)\n        * [Petit](a/c/d.md)\n- [Site](https://example.org)\n";
        let summary = parse_summary(text);
        assert_eq!(summary.items.len(), 2);
        let SummaryItem::Group {
            title,
            slug,
            entries,
            line,
        } = &summary.items[1]
        else {
            panic!("group expected")
        };
        assert_eq!(title, "Guides");
        assert_eq!(slug.as_deref(), Some("g"));
        assert_eq!(*line, 5);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].title, "Le _titre");
        assert_eq!(entries[0].target.as_deref(), Some("a_b.md"));
        assert_eq!(entries[0].label(), "Court");
        assert_eq!(entries[0].children[0].title, "Enfant");
        assert_eq!(
            entries[0].children[0].children[0].target.as_deref(),
            Some("a/c/d.md")
        );
        assert_eq!(entries[1].target.as_deref(), Some("https://example.org"));
    }

    #[test]
    fn entry_without_link_keeps_its_text_as_title() {
        let summary = parse_summary("* Brouillon\n  * [Page](p.md)\n");
        let all = entries(&summary);
        assert_eq!(all[0].title, "Brouillon");
        assert_eq!(all[0].target, None);
        assert_eq!(all[0].children[0].target.as_deref(), Some("p.md"));
    }

    #[test]
    fn angle_bracket_and_percent_targets_are_kept_as_written() {
        let summary = parse_summary("* [Espace](<mon dossier/page.md>)\n* [Pct](a%20b.md)\n");
        let all = entries(&summary);
        assert_eq!(all[0].target.as_deref(), Some("mon dossier/page.md"));
        assert_eq!(all[1].target.as_deref(), Some("a%20b.md"));
    }

    #[test]
    fn a_later_h1_is_a_group_not_ignored() {
        let summary = parse_summary("* [A](a.md)\n\n# Partie\n\n* [B](b.md)\n");
        assert!(matches!(&summary.items[1], SummaryItem::Group { title, .. } if title == "Partie"));
    }

    #[test]
    fn absurd_nesting_is_capped() {
        let text: String = (0..200)
            .map(|i| format!("{}* [P{i}](p{i}.md)\n", "  ".repeat(i)))
            .collect();
        let mut entry = match &parse_summary(&text).items[0] {
            SummaryItem::Entry(e) => e.clone(),
            other => panic!("{other:?}"),
        };
        let summary = parse_summary(&text);
        let mut depth = 1;
        let mut deepest = Vec::new();
        while let Some(child) = entry.children.first().cloned() {
            depth += 1;
            deepest = entry.children.clone();
            entry = child;
        }
        assert_eq!(depth, MAX_DEPTH);
        // Nothing is lost: the deeper entries follow their ancestor, in order.
        let targets: Vec<&str> = deepest.iter().filter_map(|e| e.target.as_deref()).collect();
        let expected: Vec<String> = (MAX_DEPTH - 1..200).map(|i| format!("p{i}.md")).collect();
        assert_eq!(targets, expected);
        let at = summary.too_deep.expect("reported");
        assert!(text[at].contains("[P32]"));
    }

    #[test]
    fn spans_point_at_the_item_line() {
        let text = "* [A](a.md)\n* [B](b.md)\n";
        let all = parse_summary(text).items;
        let SummaryItem::Entry(b) = &all[1] else {
            panic!()
        };
        assert_eq!(&text[b.span.clone()], "* [B](b.md)");
    }
}
