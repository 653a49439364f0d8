//! Markdown body → HTML fragment, in one pass over pulldown-cmark's events.
//!
//! The pass rewrites the events that need more than pulldown-cmark's default HTML (headings get
//! GitBook ids and a self-link, links and images get markers for their final URL, raw HTML gets its
//! `href`/`src` attributes marked too) and hands everything to `pulldown_cmark::html::push_html`,
//! which keeps table, list and footnote state right. Side results (headings, ids, referenced
//! URLs, the first H1) are collected on the way so no page is ever parsed twice.

use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use pulldown_cmark_escape::escape_html;

use super::html_attrs::{decode_entities, start_tag_attrs};
use super::leniency::lenient_body;
use super::markers::push_marker;
use super::slug::{IdSet, gitbook_slug};

/// What rendering a page body produced.
#[derive(Clone, Debug, Default)]
pub struct Fragment {
    /// HTML with markers where referenced URLs go (see [`super::markers`]).
    pub html: String,
    /// The URLs the page references, indexed by marker number.
    pub refs: Vec<UrlRef>,
    /// Every heading with its id, in order (the title H1 excluded).
    pub headings: Vec<Heading>,
    /// Every id a link's `#fragment` may target: headings, explicit anchors, raw HTML ids, footnotes.
    pub ids: Vec<String>,
    /// Plain text of the first `#` heading, a title candidate.
    pub first_h1: Option<String>,
    /// Plain text of the first paragraph, a fallback meta description.
    pub first_paragraph: Option<String>,
    /// Offsets (in the page's full text) of `#` + non-breaking space headings read as headings.
    pub nbsp_headings: Vec<usize>,
}

/// A URL written in the page whose final form depends on the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlRef {
    /// The destination as the author wrote it (Markdown escapes and entities already decoded).
    pub dest: String,
    /// Byte range in the page's full text, for diagnostics.
    pub span: Range<usize>,
    pub kind: UrlKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlKind {
    Link,
    Image,
    /// An `href` or `src` attribute in raw HTML.
    HtmlAttr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Renders the Markdown body `text[body_start..]`. Offsets in the result are offsets in `text`.
pub fn render_fragment(text: &str, body_start: usize) -> Fragment {
    let (body, leniencies) = lenient_body(&text[body_start..]);
    let body = body.as_ref();
    let mut builder = Builder {
        offset: body_start,
        ..Builder::default()
    };
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        builder.event(event, range);
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, builder.out.into_iter());
    Fragment {
        html,
        refs: builder.refs,
        headings: builder.headings,
        ids: builder.ids_in_order,
        first_h1: builder.first_h1,
        first_paragraph: builder.first_paragraph,
        nbsp_headings: leniencies
            .nbsp_headings
            .iter()
            .map(|at| at + body_start)
            .collect(),
    }
}

fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

#[derive(Default)]
struct Builder<'a> {
    offset: usize,
    out: Vec<Event<'a>>,
    refs: Vec<UrlRef>,
    headings: Vec<Heading>,
    ids: IdSet,
    ids_in_order: Vec<String>,
    first_h1: Option<String>,
    first_paragraph: Option<String>,
    /// A non-HTML block has started: a `#` heading after this is not the page title.
    block_seen: bool,
    heading: Option<OpenHeading<'a>>,
    image: Option<OpenImage>,
    html_block: Option<(String, usize)>,
    paragraph: Option<String>,
}

struct OpenHeading<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    classes: Vec<CowStr<'a>>,
    events: Vec<Event<'a>>,
    text: String,
    /// The page title: rendered by the template, not in the body.
    is_title: bool,
    /// An explicit `<a id>` anchor was dropped; drop its `</a>` too.
    drop_next_close_a: bool,
}

struct OpenImage {
    marker: usize,
    title: String,
    alt: String,
}

impl<'a> Builder<'a> {
    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        let span = range.start + self.offset..range.end + self.offset;
        if let Some(image) = &mut self.image {
            match event {
                Event::End(TagEnd::Image) => self.close_image(),
                Event::Text(t) | Event::Code(t) => image.alt.push_str(&t),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => self.open_heading(level, id, classes),
            Event::End(TagEnd::Heading(_)) => self.close_heading(),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => self.open_link(link_type, &dest_url, &title, span),
            Event::End(TagEnd::Link) => self.push(Event::Html("</a>".into())),
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let marker = self.add_ref(dest_url.to_string(), span, UrlKind::Image);
                self.image = Some(OpenImage {
                    marker,
                    title: title.to_string(),
                    alt: String::new(),
                });
            }
            Event::Start(Tag::HtmlBlock) => self.html_block = Some((String::new(), span.start)),
            Event::End(TagEnd::HtmlBlock) => self.close_html_block(),
            Event::Html(html) if self.html_block.is_some() => {
                if let Some((buffer, _)) = &mut self.html_block {
                    buffer.push_str(&html);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => self.inline_html(html, span.start),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.block_seen = true;
                self.push(Event::Html(alert_open(kind).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.push(Event::Html("</blockquote>\n".into()))
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.block_seen = true;
                self.add_id(label.to_string());
                self.push(Event::Start(Tag::FootnoteDefinition(label)));
            }
            Event::Start(Tag::Paragraph) => {
                self.block_seen = true;
                if self.first_paragraph.is_none() && self.heading.is_none() {
                    self.paragraph = Some(String::new());
                }
                self.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = self.paragraph.take() {
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    self.first_paragraph = (!text.is_empty()).then_some(text);
                }
                self.push(Event::End(TagEnd::Paragraph));
            }
            Event::Text(t) => {
                self.collect_text(&t);
                self.push(Event::Text(t));
            }
            Event::Code(t) => {
                self.collect_text(&t);
                self.push(Event::Code(t));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.collect_text(" ");
                self.push(event);
            }
            Event::Start(_) | Event::Rule => {
                self.block_seen = true;
                self.push(event);
            }
            other => self.push(other),
        }
    }

    fn push(&mut self, event: Event<'a>) {
        match &mut self.heading {
            Some(heading) => heading.events.push(event),
            None => self.out.push(event),
        }
    }

    fn collect_text(&mut self, text: &str) {
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(text);
        } else if let Some(paragraph) = &mut self.paragraph {
            paragraph.push_str(text);
        }
    }

    fn add_ref(&mut self, dest: String, span: Range<usize>, kind: UrlKind) -> usize {
        self.refs.push(UrlRef { dest, span, kind });
        self.refs.len() - 1
    }

    fn add_id(&mut self, id: String) {
        self.ids.reserve(&id);
        self.ids_in_order.push(id);
    }

    fn open_heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
    ) {
        let is_title = level == HeadingLevel::H1 && !self.block_seen && self.first_h1.is_none();
        self.block_seen = true;
        self.heading = Some(OpenHeading {
            level,
            explicit_id: id.map(|id| id.to_string()),
            classes,
            events: Vec::new(),
            text: String::new(),
            is_title,
            drop_next_close_a: false,
        });
    }

    fn close_heading(&mut self) {
        let Some(heading) = self.heading.take() else {
            return;
        };
        let text = heading
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if heading.level == HeadingLevel::H1 && self.first_h1.is_none() {
            self.first_h1 = Some(text.clone());
        }
        if heading.is_title {
            return;
        }
        let id = match heading.explicit_id {
            Some(id) => {
                self.ids.reserve(&id);
                id
            }
            None => self.ids.unique(&gitbook_slug(&text)),
        };
        self.ids_in_order.push(id.clone());
        let level = heading.level as u8;
        let mut html = format!("<h{level} id=\"");
        let _ = escape_html(&mut html, &id);
        html.push('"');
        if !heading.classes.is_empty() {
            html.push_str(" class=\"");
            let _ = escape_html(&mut html, &heading.classes.join(" "));
            html.push('"');
        }
        html.push_str("><a class=\"anchor\" href=\"#");
        let _ = escape_html(&mut html, &id);
        html.push_str("\" aria-hidden=\"true\" tabindex=\"-1\"></a>");
        pulldown_cmark::html::push_html(&mut html, heading.events.into_iter());
        html.push_str(&format!("</h{level}>\n"));
        self.out.push(Event::Html(html.into()));
        self.headings.push(Heading { level, id, text });
    }

    fn open_link(&mut self, link_type: LinkType, dest: &str, title: &str, span: Range<usize>) {
        let dest = match link_type {
            LinkType::Email => format!("mailto:{dest}"),
            _ => dest.to_string(),
        };
        let marker = self.add_ref(dest, span, UrlKind::Link);
        let mut html = String::from("<a href=\"");
        push_marker(&mut html, marker);
        html.push('"');
        if !title.is_empty() {
            html.push_str(" title=\"");
            let _ = escape_html(&mut html, title);
            html.push('"');
        }
        html.push('>');
        self.push(Event::Html(html.into()));
    }

    fn close_image(&mut self) {
        let Some(image) = self.image.take() else {
            return;
        };
        let mut html = String::from("<img src=\"");
        push_marker(&mut html, image.marker);
        html.push_str("\" alt=\"");
        let _ = escape_html(&mut html, &image.alt);
        html.push('"');
        if !image.title.is_empty() {
            html.push_str(" title=\"");
            let _ = escape_html(&mut html, &image.title);
            html.push('"');
        }
        html.push_str(" loading=\"lazy\">");
        self.push(Event::Html(html.into()));
    }

    fn close_html_block(&mut self) {
        let Some((html, start)) = self.html_block.take() else {
            return;
        };
        let rewritten = self.rewrite_html(&html, start);
        self.out.push(Event::Html(rewritten.into()));
    }

    fn inline_html(&mut self, html: CowStr<'a>, start: usize) {
        if let Some(heading) = &mut self.heading {
            if heading.drop_next_close_a && html.trim().eq_ignore_ascii_case("</a>") {
                heading.drop_next_close_a = false;
                return;
            }
            if let Some(id) = explicit_anchor_id(&html) {
                heading.explicit_id.get_or_insert(id);
                heading.drop_next_close_a = !html.trim_end().ends_with("</a>");
                return;
            }
        }
        let rewritten = self.rewrite_html(&html, start);
        self.push(Event::InlineHtml(rewritten.into()));
    }

    /// Marks relative `href`/`src` values of raw HTML and records its ids. Attribute values are
    /// rewritten as `name="marker"`; everything else is copied as written.
    fn rewrite_html(&mut self, html: &str, start: usize) -> String {
        let mut out = String::with_capacity(html.len());
        let mut copied = 0;
        for (_, attr) in start_tag_attrs(html) {
            let name = attr.name.to_ascii_lowercase();
            if name == "id" || name == "name" {
                let id = decode_entities(attr.raw_value);
                if !id.is_empty() {
                    self.add_id(id);
                }
                continue;
            }
            if name != "href" && name != "src" {
                continue;
            }
            let dest = decode_entities(attr.raw_value.trim());
            if dest.is_empty() || dest.starts_with('#') {
                continue;
            }
            let span = start + attr.whole.start..start + attr.whole.end;
            let marker = self.add_ref(dest, span, UrlKind::HtmlAttr);
            out.push_str(&html[copied..attr.whole.start]);
            out.push_str(&name);
            out.push_str("=\"");
            push_marker(&mut out, marker);
            out.push('"');
            copied = attr.whole.end;
        }
        out.push_str(&html[copied..]);
        out
    }
}

/// `<a id="x"></a>`, `<a name="x">` or `<a href="#x" id="x"></a>` inside a heading: GitBook's
/// explicit anchor, which wins over the computed slug.
fn explicit_anchor_id(html: &str) -> Option<String> {
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

fn alert_open(kind: BlockQuoteKind) -> String {
    let (class, label) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!(
        "<blockquote class=\"markdown-alert markdown-alert-{class}\">\n<p class=\"markdown-alert-title\">{label}</p>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::markers::fill_markers;

    fn render(text: &str) -> Fragment {
        render_fragment(text, 0)
    }

    fn filled(fragment: &Fragment) -> String {
        fill_markers(&fragment.html, |i, out| {
            out.push_str(&fragment.refs[i].dest)
        })
    }

    #[test]
    fn leading_h1_is_the_title_and_left_out_of_the_body() {
        let f = render("# Titre\n\nTexte.\n\n## Section\n");
        assert_eq!(f.first_h1.as_deref(), Some("Titre"));
        assert!(!f.html.contains("<h1"));
        assert_eq!(f.headings.len(), 1);
        assert_eq!(f.first_paragraph.as_deref(), Some("Texte."));
    }

    #[test]
    fn h1_after_content_stays_in_the_body() {
        let f = render("Intro.\n\n# Plus loin\n");
        assert_eq!(f.first_h1.as_deref(), Some("Plus loin"));
        assert!(f.html.contains("<h1 id=\"plus-loin\""));
    }

    #[test]
    fn heading_ids_follow_gitbook_and_deduplicate() {
        let f = render("## Les services partagés\n\n## Les services partagés\n\n## 2024\n");
        let ids: Vec<_> = f.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "les-services-partages",
                "les-services-partages-1",
                "id-2024"
            ]
        );
        assert!(f.html.contains("href=\"#les-services-partages-1\""));
    }

    #[test]
    fn explicit_ids_win() {
        let f = render(
            "## Ancien titre <a href=\"#old\" id=\"old\"></a>\n\n## Autre {#autre .special}\n",
        );
        assert_eq!(f.headings[0].id, "old");
        assert_eq!(f.headings[0].text, "Ancien titre");
        assert!(
            !f.html.contains("<a href=\"#old\" id=\"old\">"),
            "{}",
            f.html
        );
        assert_eq!(f.headings[1].id, "autre");
        assert!(f.html.contains("class=\"special\""));
    }

    #[test]
    fn links_and_images_become_markers_with_spans() {
        let text = "Voir [la page](../a\\_b.md#x \"T\") et ![logo](<img/mon logo.png>).\n";
        let f = render(text);
        assert_eq!(f.refs.len(), 2);
        assert_eq!(f.refs[0].dest, "../a_b.md#x");
        assert_eq!(f.refs[1].dest, "img/mon logo.png");
        assert_eq!(f.refs[1].kind, UrlKind::Image);
        assert_eq!(
            &text[f.refs[0].span.clone()],
            "[la page](../a\\_b.md#x \"T\")"
        );
        let html = filled(&f);
        assert!(
            html.contains("<a href=\"../a_b.md#x\" title=\"T\">la page</a>"),
            "{html}"
        );
        assert!(html.contains("alt=\"logo\""));
    }

    #[test]
    fn raw_html_urls_and_ids_are_collected() {
        let f = render(
            "<figure><img src=\".gitbook/assets/a.png\" alt=\"\"><figcaption>c</figcaption></figure>\n\nText <a id=\"here\"></a> <a href=\"#top\">top</a>\n",
        );
        assert_eq!(f.refs.len(), 1);
        assert_eq!(f.refs[0].dest, ".gitbook/assets/a.png");
        assert!(f.ids.contains(&"here".to_string()));
    }

    #[test]
    fn email_autolinks_get_mailto() {
        let f = render("<ops@example.org>\n");
        assert_eq!(f.refs[0].dest, "mailto:ops@example.org");
    }

    #[test]
    fn gfm_alerts_have_a_title() {
        let f = render("> [!WARNING]\n> Attention\n");
        assert!(f.html.contains("markdown-alert-warning"));
        assert!(f.html.contains("markdown-alert-title"));
    }

    #[test]
    fn footnotes_are_anchors() {
        let f = render("Texte[^n].\n\n[^n]: Note.\n");
        assert!(f.ids.contains(&"n".to_string()));
    }
}
