//! Render writes the pages' Markdown: a published page's `.md` (its title as the first `#`
//! heading, its description, its body as the markdown stage wrote it) with every reference
//! marker filled in as the HTML's are, through the one [`Linker`], but in Markdown: a link
//! to a page leads to that page's `.md` when the site publishes them, a content-ref card is a
//! link titled as its target is now, a mention too.
//!
//! Where a page's Markdown goes follows the convention readers and LLM tools expect (GitBook,
//! Mintlify, llmstxt.org's proposal): the page's URL with `.md` appended, the trailing slash
//! dropped: `a/b/` → `a/b.md`, the site root → `index.md`.

use pulldown_cmark_escape::escape_html;

use super::linker::Linker;
use crate::markdown::{PageMarkdown, RefKind, UrlKind, markers};
use crate::paths::decode_path;
use crate::site::links::Target;
use crate::site::url::encode_path;
use crate::site::{Page, PageId, Site};

/// Where the `.md` of `page` is written.
pub fn page_markdown_path(page: &Page) -> String {
    markdown_path(&page.url)
}

/// [`page_markdown_path`], percent-encoded for an `href`.
pub fn page_markdown_href_path(page: &Page) -> String {
    markdown_path(&page.href_path)
}

fn markdown_path(url: &str) -> String {
    match url.strip_suffix('/') {
        Some(stem) if !stem.is_empty() => format!("{stem}.md"),
        _ => "index.md".to_string(),
    }
}

/// The folder the `.md` of `page` is in (`a/b/` → `a/`), what its links are relative to.
fn markdown_folder(page: &Page) -> &str {
    let stem = page.href_path.trim_end_matches('/');
    match stem.rfind('/') {
        Some(i) => &page.href_path[..=i],
        None => "",
    }
}

/// The `.md` file of the published page `id`.
pub fn page_markdown(site: &Site, id: PageId) -> String {
    page_markdown_of(site, id, site.pages[id].fragment.markdown().as_deref())
}

/// [`page_markdown`] from the page's Markdown taken out of the site model: a build writes each
/// page's `.md` in its page loop and frees the Markdown there.
pub fn page_markdown_of(site: &Site, id: PageId, markdown: Option<&PageMarkdown>) -> String {
    let linker = Linker::Relative {
        from: markdown_folder(&site.pages[id]),
    };
    markdown_from(site, id, markdown, linker)
}

/// The Markdown of page `id`, its `href`s made by `linker` (`llms-full.txt` writes them from
/// the site root, or absolute from the base URL).
pub fn markdown_with(site: &Site, id: PageId, linker: Linker<'_>) -> String {
    markdown_from(
        site,
        id,
        site.pages[id].fragment.markdown().as_deref(),
        linker,
    )
}

/// [`markdown_with`] from the page's Markdown `markdown` (held by the model or taken out).
pub fn markdown_from(
    site: &Site,
    id: PageId,
    markdown: Option<&PageMarkdown>,
    linker: Linker<'_>,
) -> String {
    let page = &site.pages[id];
    let mut out = title_block(&page.title, page.description());
    if let Some(markdown) = markdown {
        let writer = Writer {
            site,
            from: id,
            linker,
        };
        let body = markers::fill_markers(&markdown.text, |index, out| {
            if let Some(kind) = markdown.refs.get(index) {
                writer.fill(kind, out);
            }
        });
        out.push_str(&body);
    }
    out
}

/// `# Title` and the description under it, as GitBook's `.md` pages begin.
fn title_block(title: &str, description: Option<&str>) -> String {
    let mut out = String::with_capacity(title.len() + 64);
    out.push_str("# ");
    out.push_str(&escaped_text(title));
    if out.ends_with('#') {
        // A heading's closing `#`s would be dropped.
        out.insert(out.len() - 1, '\\');
    }
    out.push_str("\n\n");
    if let Some(description) = description.map(str::trim).filter(|d| !d.is_empty()) {
        out.push_str(&line_start_escaped(&escaped_text(description)));
        out.push_str("\n\n");
    }
    out
}

/// `text` (already escaped inline) made safe at the start of a line: a leading `#`, `-`, `+`,
/// `=` or `1.` would start a heading, a list or a rule.
fn line_start_escaped(text: &str) -> String {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let starts_list = digits > 0 && matches!(text.as_bytes().get(digits), Some(b'.' | b')'));
    if starts_list {
        return format!("{}\\{}", &text[..digits], &text[digits..]);
    }
    if text.starts_with(['#', '-', '+', '=']) {
        return format!("\\{text}");
    }
    text.to_string()
}

/// Writes the references of one page's Markdown.
struct Writer<'s> {
    site: &'s Site,
    from: PageId,
    linker: Linker<'s>,
}

impl Writer<'_> {
    fn fill(&self, kind: &RefKind, out: &mut String) {
        match kind {
            RefKind::Url {
                dest,
                kind: UrlKind::HtmlAttr,
            } => {
                let _ = escape_html(out, &self.href(dest));
            }
            RefKind::Url { dest, .. } | RefKind::Link { dest, .. } => {
                out.push_str(&destination(&self.href(dest)))
            }
            RefKind::Word { key } => {
                let language = self.site.language_of(self.from);
                out.push_str(&escaped_text(crate::i18n::word(language, key)))
            }
            RefKind::ContentRef { dest, label } => self.card(dest, label, out),
            RefKind::Mention { dest, fallback } => self.mention(dest, fallback, out),
            RefKind::FileCard { dest } => {
                let name = decode_path(dest.rsplit('/').next().unwrap_or(dest));
                match self.site.resolve(self.from, dest) {
                    Target::Asset { .. } => link(&name, &self.href(dest), out),
                    _ => out.push_str(&escaped_text(&name)),
                }
            }
        }
    }

    /// Where `dest` leads, as the site published it: a page's `.md` when there is one, else
    /// its HTML; as written when it leads nowhere the site knows.
    fn href(&self, dest: &str) -> String {
        let site = self.site;
        match site.resolve(self.from, dest) {
            Target::External | Target::Missing { .. } => dest.trim().to_string(),
            // A script URL on a sanitized site: nothing, as in the HTML.
            Target::Dropped => String::new(),
            Target::SamePage { fragment } => format!("#{fragment}"),
            Target::Asset { path, suffix } => self.linker.href(&encode_path(&path)) + &suffix,
            Target::Page { page, fragment } => {
                let target = &site.pages[page];
                let path = if site.config.outputs.markdown && target.published {
                    page_markdown_href_path(target)
                } else {
                    target.href_path.clone()
                };
                let mut href = self.linker.href(&path);
                if let Some(fragment) = fragment {
                    href.push('#');
                    href.push_str(&fragment);
                }
                href
            }
        }
    }

    /// A content-ref card: a link titled as its target is now, with its description.
    fn card(&self, dest: &str, label: &str, out: &mut String) {
        let shown = if label.is_empty() { dest } else { label };
        match self.site.resolve(self.from, dest) {
            Target::Page { page, .. } if self.site.pages[page].published => {
                let target = &self.site.pages[page];
                link(&target.title, &self.href(dest), out);
                if let Some(description) = target.description().filter(|d| !d.trim().is_empty()) {
                    out.push_str(": ");
                    out.push_str(&escaped_text(description.trim()));
                }
            }
            Target::External => link(shown, dest.trim(), out),
            _ => out.push_str(&escaped_text(shown)),
        }
    }

    /// A mention: a link titled as its target is now (its written text when the target is not
    /// a page, as written when it leads nowhere).
    fn mention(&self, dest: &str, fallback: &str, out: &mut String) {
        let shown = if fallback.is_empty() { dest } else { fallback };
        match self.site.resolve(self.from, dest) {
            Target::Page { page, .. } => link(&self.site.pages[page].title, &self.href(dest), out),
            Target::Missing { .. } => out.push_str(&escaped_text(shown)),
            _ => link(shown, &self.href(dest), out),
        }
    }
}

/// `[text](href)`.
fn link(text: &str, href: &str, out: &mut String) {
    out.push('[');
    out.push_str(&escaped_text(text));
    out.push_str("](");
    out.push_str(&destination(href));
    out.push(')');
}

/// `href` as a Markdown link destination: as it is, or in `<…>` when it holds what would end
/// or break a bare destination (spaces, unbalanced parentheses).
fn destination(href: &str) -> String {
    let mut depth: i32 = 0;
    let mut bare = !href.is_empty();
    for c in href.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '<' | '>' => bare = false,
            c if c.is_whitespace() || c.is_control() => bare = false,
            _ => {}
        }
        if depth < 0 {
            bare = false;
        }
    }
    if bare && depth == 0 {
        return href.to_string();
    }
    let inner: String = href
        .chars()
        .map(|c| match c {
            '<' => "%3C".to_string(),
            '>' => "%3E".to_string(),
            '\n' | '\r' => "%0A".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("<{inner}>")
}

/// `text` for Markdown inline text: what would start emphasis, a link, code, HTML, an entity
/// or math is backslash-escaped.
pub(super) fn escaped_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '$'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_markdown_of_a_url_is_the_url_with_md() {
        assert_eq!(markdown_path(""), "index.md");
        assert_eq!(markdown_path("a/"), "a.md");
        assert_eq!(markdown_path("a/b/"), "a/b.md");
        assert_eq!(markdown_path("a%20b/c/"), "a%20b/c.md");
    }

    #[test]
    fn destinations_that_would_break_are_bracketed() {
        assert_eq!(destination("../a.md#x"), "../a.md#x");
        assert_eq!(destination("img/a%20(1).png"), "img/a%20(1).png");
        assert_eq!(destination("a b.png"), "<a b.png>");
        assert_eq!(destination("x)y"), "<x)y>");
        assert_eq!(destination("a<b"), "<a%3Cb>");
    }

    #[test]
    fn titles_and_descriptions_stay_text() {
        assert_eq!(
            title_block("C# and *stars* #", Some("- not a list")),
            "# C# and \\*stars\\* \\#\n\n\\- not a list\n\n"
        );
        assert_eq!(line_start_escaped("1. un"), "1\\. un");
        assert_eq!(line_start_escaped("Texte"), "Texte");
    }

    #[test]
    fn link_text_is_escaped() {
        assert_eq!(escaped_text("a *b* [c]"), "a \\*b\\* \\[c\\]");
        let mut out = String::new();
        link("Guide_1", "g.md", &mut out);
        assert_eq!(out, "[Guide\\_1](g.md)");
    }
}
