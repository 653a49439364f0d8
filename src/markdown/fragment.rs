//! Markdown body → HTML fragment, in one pass over pulldown-cmark's events.
//!
//! Before parsing, GitBook's blocks are expanded into marker lines (see `gitbook::blocks`). The
//! pass then rewrites the events that need more than pulldown-cmark's default HTML (headings get
//! GitBook ids and a self-link, links and images get markers for their final URL, block markers
//! become block HTML, code and math get their own rendering, raw HTML gets its URLs marked) and
//! hands everything to `pulldown_cmark::html::push_html`, which keeps table, list and footnote
//! state right. Side results (headings, ids, references, the first H1, problems) are collected on
//! the way, so no page is ever parsed twice for rendering.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd,
};
use pulldown_cmark_escape::escape_html;

use super::leniency::lenient_body;
use super::markers::push_marker;
use super::plain_text::{Section, push_html_text, push_space, push_text};
use super::slug::{IdSet, gitbook_slug};
use crate::diagnostic::Severity;
use crate::gitbook::blocks::{
    BlockKind, BlockMarker, BlockProblem, IncludeSource, OffsetMap, expand_blocks,
};
use crate::i18n::word;

/// What the Markdown stage needs to know about the page it renders.
pub struct PageInput<'a> {
    /// The page's full text (front matter included).
    pub text: &'a str,
    /// Where the body starts in `text`.
    pub body_start: usize,
    /// Content-relative path of the page, for includes.
    pub path: &'a str,
    /// The site's language, for the words blocks show.
    pub language: &'a str,
    pub includes: &'a dyn IncludeSource,
    /// `.gitbook/vars.yaml`: the values of `space.vars.NAME` expressions.
    pub vars: &'a BTreeMap<String, String>,
    /// `raw_html: sanitize`: the page's HTML goes through the allowlist.
    pub raw_html: crate::config::RawHtml,
}

/// What rendering a page body produced.
#[derive(Clone, Debug, Default)]
pub struct Fragment {
    /// HTML with markers where site-dependent pieces go (see [`super::markers`]).
    pub html: String,
    /// What each marker stands for, indexed by marker number.
    pub refs: Vec<Reference>,
    /// Every heading with its id, in order (the title H1 excluded).
    pub headings: Vec<Heading>,
    /// Every id a link's `#fragment` may target: headings, explicit anchors, raw HTML ids,
    /// footnotes; sorted, without repeats.
    pub ids: Vec<String>,
    /// Plain text of the first `#` heading, a title candidate.
    pub first_h1: Option<String>,
    /// Plain text of the first paragraph, a fallback meta description.
    pub first_paragraph: Option<String>,
    /// Offsets (in the page's full text) of `#` + non-breaking space headings read as headings.
    pub nbsp_headings: Vec<usize>,
    /// Problems found in the page's blocks and links, offsets in the page's full text.
    pub problems: Vec<BlockProblem>,
    /// Blocks shown without their interactive part: (block name, page offset).
    pub interactive: Vec<(String, usize)>,
    /// The page draws Mermaid diagrams: the theme loads Mermaid on this page only.
    pub has_mermaid: bool,
    pub has_math: bool,
    /// The page's plain text by section (prose, code, raw HTML text), for search.
    pub sections: Vec<Section>,
}

/// Something written in the page whose final HTML depends on the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Byte range in the page's full text, for diagnostics.
    pub span: Range<usize>,
    pub kind: RefKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// A URL in an attribute (`href`, `src`): the marker becomes the escaped final URL.
    Url { dest: String, kind: UrlKind },
    /// A `content-ref` card: the marker becomes the whole card.
    ContentRef { dest: String, label: String },
    /// A link whose text is its target's current title (`[T](p.md "mention")`): the marker
    /// becomes the whole `<a>` element.
    Mention { dest: String, fallback: String },
    /// A `file` block's download card: the marker becomes the whole `<a>` element.
    FileCard { dest: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlKind {
    Link,
    Image,
    /// An `href`, `src` or `srcset` URL in raw HTML.
    HtmlAttr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Renders the page body of `input`. Offsets in the result are offsets in `input.text`.
pub fn render_fragment(input: &PageInput<'_>) -> Fragment {
    let (lenient, leniencies) = lenient_body(&input.text[input.body_start..]);
    let expansion = expand_blocks(&lenient, input.path, input.includes);
    let (parse_text, map, markers, include_dirs) = match &expansion {
        Some(e) => (
            e.text.as_str(),
            e.map.clone(),
            e.markers.clone(),
            e.include_dirs.clone(),
        ),
        None => (
            lenient.as_ref(),
            OffsetMap::default(),
            Vec::new(),
            Vec::new(),
        ),
    };
    let mut builder = Builder {
        vars: Some(input.vars),
        map,
        include_dirs,
        body_start: input.body_start,
        language: input.language,
        block_markers: markers,
        ..Builder::default()
    };
    if let Some(at) = crate::limits::markdown_too_deep(parse_text) {
        return builder.too_deep(parse_text, at);
    }
    for (event, range) in Parser::new_ext(parse_text, markdown_options()).into_offset_iter() {
        builder.event(event, range);
    }
    let mut html = String::with_capacity(parse_text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, builder.out.into_iter());
    if input.raw_html == crate::config::RawHtml::Sanitize {
        html = super::sanitize::sanitize_html(&html);
    }
    // Every page's fragment stays in memory until the site is rendered: no spare capacity.
    html.shrink_to_fit();
    let mut fragment = builder.fragment;
    fragment.html = html;
    // Sorted once, so each link's `#fragment` is a binary search, not a scan of every id.
    fragment.ids.sort_unstable();
    fragment.ids.dedup();
    for section in &mut fragment.sections {
        let end = section.text.trim_end().len();
        section.text.truncate(end);
        section.text.shrink_to_fit();
    }
    fragment
        .sections
        .retain(|s| !s.text.is_empty() || !s.heading.is_empty());
    fragment.nbsp_headings = leniencies
        .nbsp_headings
        .iter()
        .map(|at| at + input.body_start)
        .collect();
    if let Some(expansion) = expansion {
        let shift = |span: Range<usize>| span.start + input.body_start..span.end + input.body_start;
        fragment
            .problems
            .extend(expansion.problems.into_iter().map(|p| BlockProblem {
                span: shift(p.span),
                ..p
            }));
        fragment.interactive = expansion
            .interactive
            .into_iter()
            .map(|(n, at)| (n, at + input.body_start))
            .collect();
    }
    fragment
}

/// The CommonMark extensions carnet enables: GitHub's, heading attributes (`{#id}`) and `$$` math.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

#[derive(Default)]
pub(super) struct Builder<'a> {
    vars: Option<&'a BTreeMap<String, String>>,
    /// Inside `<code class="expression">`: the expression so far.
    expression: Option<String>,
    map: OffsetMap,
    /// Parsed-text ranges that come from included files, with the file's folder.
    include_dirs: Vec<(Range<usize>, String)>,
    body_start: usize,
    pub(super) language: &'a str,
    pub(super) block_markers: Vec<BlockMarker>,
    pub(super) out: Vec<Event<'a>>,
    pub(super) fragment: Fragment,
    ids: IdSet,
    /// A non-HTML block has started: a `#` heading after this is not the page title.
    block_seen: bool,
    heading: Option<OpenHeading<'a>>,
    image: Option<OpenImage>,
    /// Inside a link whose `<a>` element is produced whole by a reference (mention) or dropped
    /// (a link GitBook lost): inner events are skipped, their text kept as fallback.
    swallowed_link: Option<SwallowedLink>,
    html_block: Option<(String, usize)>,
    code_block: Option<OpenCode>,
    paragraph: Option<String>,
    /// Where the current paragraph started in `out`, for display math alone in a paragraph.
    paragraph_start: Option<usize>,
    /// Open blocks, innermost last (hint titles, code block options, tab panels).
    pub(super) open_blocks: Vec<OpenBlock>,
}

pub(super) struct OpenBlock {
    pub kind: BlockKind,
    pub attrs: crate::gitbook::blocks::Attrs,
    /// Nothing rendered inside yet: a heading here is the hint's title.
    pub empty: bool,
}

struct OpenHeading<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    classes: Vec<CowStr<'a>>,
    events: Vec<Event<'a>>,
    text: String,
    /// The page title: rendered by the template, not in the body.
    is_title: bool,
    /// Rendered as a hint's title band instead of a heading.
    is_hint_title: bool,
    /// An explicit `<a id>` anchor was dropped; drop its `</a>` too.
    drop_next_close_a: bool,
}

struct OpenImage {
    marker: usize,
    title: String,
    alt: String,
}

struct SwallowedLink {
    /// The reference whose fallback text collects the link's text, if any.
    reference: Option<usize>,
    depth: usize,
    /// Closed by `</a>` in raw HTML rather than by the end of a Markdown link.
    html: bool,
}

pub(super) struct OpenCode {
    pub language: String,
    pub text: String,
}

impl<'a> Builder<'a> {
    /// The page offset of `range` (an offset range of the parsed text).
    pub(super) fn page_span(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.map.to_source(range.start) + self.body_start;
        let end = self.map.to_source(range.end.max(range.start)) + self.body_start;
        start..end.max(start)
    }

    /// `dest` as written at parsed offset `at`: paths from an included file are relative to it.
    pub(super) fn rebased(&self, at: usize, dest: String) -> String {
        match self
            .include_dirs
            .iter()
            .find(|(range, _)| range.contains(&at))
        {
            Some((_, dir)) => crate::gitbook::blocks::rebase_path(Some(dir), &dest),
            None => dest,
        }
    }

    /// A body-relative span (from the block pre-pass) as a page span.
    pub(super) fn body_span(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.body_start..span.end + self.body_start
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if self.expression.is_some() {
            return self.expression_event(event);
        }
        if self.image.is_some() {
            return self.image_event(event);
        }
        if self.swallowed_link.is_some() && self.swallow(&event) {
            return;
        }
        if let Some(code) = &mut self.code_block {
            match event {
                Event::Text(text) => code.text.push_str(&text),
                Event::End(TagEnd::CodeBlock) => self.close_code_block(),
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
            }) => self.open_link(link_type, &dest_url, &title, &range),
            Event::End(TagEnd::Link) => self.push(Event::Html("</a>".into())),
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let span = self.page_span(&range);
                let marker = self.add_ref(
                    span,
                    RefKind::Url {
                        dest: dest_url.to_string(),
                        kind: UrlKind::Image,
                    },
                );
                self.image = Some(OpenImage {
                    marker,
                    title: title.to_string(),
                    alt: String::new(),
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.block_starts();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code_block = Some(OpenCode {
                    language,
                    text: String::new(),
                });
            }
            Event::Start(Tag::HtmlBlock) => self.html_block = Some((String::new(), range.start)),
            Event::End(TagEnd::HtmlBlock) => self.close_html_block(),
            Event::Html(html) if self.html_block.is_some() => {
                if let Some((buffer, _)) = &mut self.html_block {
                    buffer.push_str(&html);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => self.inline_html(html, range.start),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.block_starts();
                let open = self.alert_open(kind);
                self.push(Event::Html(open.into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.push(Event::Html("</blockquote>\n".into()))
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.block_starts();
                self.add_id(label.to_string());
                self.push(Event::Start(Tag::FootnoteDefinition(label)));
            }
            Event::Start(Tag::Paragraph) => self.open_paragraph(),
            Event::End(TagEnd::Paragraph) => self.close_paragraph(),
            Event::InlineMath(math) => {
                // GitBook math is `$$…$$`; a single `$` is text (prices, shell variables).
                let text = format!("${math}$");
                self.collect_text(&text);
                self.push(Event::Text(text.into()));
            }
            Event::DisplayMath(math) => self.display_math(&math, &range),
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
            Event::Start(tag) => {
                if !matches!(
                    tag,
                    Tag::Emphasis
                        | Tag::Strong
                        | Tag::Strikethrough
                        | Tag::Superscript
                        | Tag::Subscript
                ) {
                    self.text_break();
                }
                self.block_starts();
                self.push(Event::Start(tag));
            }
            Event::Rule => {
                self.block_starts();
                self.push(event);
            }
            other => self.push(other),
        }
    }

    pub(super) fn push(&mut self, event: Event<'a>) {
        match &mut self.heading {
            Some(heading) => heading.events.push(event),
            None => self.out.push(event),
        }
    }

    pub(super) fn push_html(&mut self, html: String) {
        self.push(Event::Html(html.into()));
    }

    /// A block-level element starts: the page title can no longer follow, and the innermost
    /// open GitBook block is no longer empty.
    fn block_starts(&mut self) {
        self.block_seen = true;
        if let Some(block) = self.open_blocks.last_mut() {
            block.empty = false;
        }
    }

    fn collect_text(&mut self, text: &str) {
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(text);
            return;
        }
        if let Some(paragraph) = &mut self.paragraph {
            paragraph.push_str(text);
        }
        push_text(self.section_text(), text, false);
    }

    /// The text of the section being read (the one under the last heading).
    fn section_text(&mut self) -> &mut String {
        if self.fragment.sections.is_empty() {
            self.fragment.sections.push(Section::default());
        }
        let last = self.fragment.sections.len() - 1;
        &mut self.fragment.sections[last].text
    }

    /// A block boundary: words on either side are different words.
    fn text_break(&mut self) {
        if self.heading.is_none() {
            push_space(self.section_text());
        }
    }

    pub(super) fn add_ref(&mut self, span: Range<usize>, kind: RefKind) -> usize {
        self.fragment.refs.push(Reference { span, kind });
        self.fragment.refs.len() - 1
    }

    pub(super) fn add_id(&mut self, id: String) {
        self.ids.reserve(&id);
        self.fragment.ids.push(id);
    }

    pub(super) fn problem(&mut self, span: Range<usize>, code: &'static str, message: String) {
        self.fragment.problems.push(BlockProblem {
            span,
            severity: Severity::Warning,
            code,
            message,
        });
    }

    pub(super) fn word(&self, key: &'static str) -> &'static str {
        word(self.language, key)
    }

    fn open_paragraph(&mut self) {
        self.text_break();
        self.block_starts();
        if self.fragment.first_paragraph.is_none() && self.heading.is_none() {
            self.paragraph = Some(String::new());
        }
        self.paragraph_start = Some(self.out.len());
        self.push(Event::Start(Tag::Paragraph));
    }

    fn close_paragraph(&mut self) {
        if let Some(text) = self.paragraph.take() {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            self.fragment.first_paragraph = (!text.is_empty()).then_some(text);
        }
        if let Some(start) = self.paragraph_start.take()
            && self.lone_display_math(start)
        {
            return;
        }
        self.push(Event::End(TagEnd::Paragraph));
    }

    fn open_heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
    ) {
        let is_title =
            level == HeadingLevel::H1 && !self.block_seen && self.fragment.first_h1.is_none();
        let is_hint_title = self
            .open_blocks
            .last()
            .is_some_and(|b| b.kind == BlockKind::Hint && b.empty);
        self.block_starts();
        self.heading = Some(OpenHeading {
            level,
            explicit_id: id.map(|id| id.to_string()),
            classes,
            events: Vec::new(),
            text: String::new(),
            is_title,
            is_hint_title,
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
        if heading.level == HeadingLevel::H1 && self.fragment.first_h1.is_none() {
            self.fragment.first_h1 = Some(text.clone());
        }
        if heading.is_title {
            return;
        }
        if heading.is_hint_title {
            let body = self.section_text();
            push_space(body);
            push_text(body, &text, false);
            push_space(body);
            let mut html = String::from("<p class=\"hint-title\">");
            pulldown_cmark::html::push_html(&mut html, heading.events.into_iter());
            html.push_str("</p>\n");
            self.out.push(Event::Html(html.into()));
            return;
        }
        let id = match heading.explicit_id {
            Some(id) => {
                self.ids.reserve(&id);
                id
            }
            None => self.ids.unique(&gitbook_slug(&text)),
        };
        self.fragment.ids.push(id.clone());
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
        if level <= 3 {
            self.fragment.sections.push(Section {
                anchor: id.clone(),
                heading: text.clone(),
                text: String::new(),
            });
        } else {
            let body = self.section_text();
            push_space(body);
            push_text(body, &text, false);
            push_space(body);
        }
        self.fragment.headings.push(Heading { level, id, text });
    }

    fn open_link(&mut self, link_type: LinkType, dest: &str, title: &str, range: &Range<usize>) {
        let span = self.page_span(range);
        let dest = match link_type {
            LinkType::Email => format!("mailto:{dest}"),
            _ => self.rebased(range.start, dest.to_string()),
        };
        if is_lost_link(&dest) {
            let message =
                format!("GitBook lost this link's target (`{dest}`); it is shown as text");
            self.problem(span, "broken-link", message);
            self.swallowed_link = Some(SwallowedLink {
                reference: None,
                depth: 0,
                html: false,
            });
            return;
        }
        let what = if title == "mention" {
            "a mention"
        } else {
            "a link"
        };
        if self.refuses_url(&span, &dest, what) {
            self.swallowed_link = Some(SwallowedLink {
                reference: None,
                depth: 0,
                html: false,
            });
            return;
        }
        if title == "mention" {
            let index = self.mention_marker(span, dest);
            self.swallowed_link = Some(SwallowedLink {
                reference: Some(index),
                depth: 0,
                html: false,
            });
            return;
        }
        let marker = self.add_ref(
            span,
            RefKind::Url {
                dest,
                kind: UrlKind::Link,
            },
        );
        let mut html = String::from("<a href=\"");
        push_marker(&mut html, marker);
        html.push('"');
        if !title.is_empty() {
            html.push_str(" title=\"");
            let _ = escape_html(&mut html, title);
            html.push('"');
        }
        html.push('>');
        self.push_html(html);
    }

    /// A link whose text is its target's current title: the marker stands for the whole `<a>`;
    /// the caller swallows the written link text as its fallback.
    pub(super) fn mention_marker(&mut self, span: Range<usize>, dest: String) -> usize {
        let index = self.add_ref(
            span,
            RefKind::Mention {
                dest,
                fallback: String::new(),
            },
        );
        self.push_marker_html(index);
        index
    }

    pub(super) fn push_marker_html(&mut self, index: usize) {
        let mut html = String::new();
        push_marker(&mut html, index);
        self.push_html(html);
    }

    /// Starts a GitBook variable expression (`<code class="expression">space.vars.x</code>`).
    pub(super) fn open_expression(&mut self) {
        self.expression = Some(String::new());
    }

    /// Inside an expression: collects its text; at `</code>`, writes the variable's value (or the
    /// expression itself, as code, when the variable is unknown).
    fn expression_event(&mut self, event: Event<'a>) {
        let Some(expression) = &mut self.expression else {
            return;
        };
        match event {
            Event::Text(text) => expression.push_str(&text),
            Event::InlineHtml(html) if html.trim().eq_ignore_ascii_case("</code>") => {
                let expression = self.expression.take().unwrap_or_default();
                let name = expression
                    .trim()
                    .trim_start_matches("space.vars.")
                    .trim_start_matches("vars.");
                match self.vars.and_then(|vars| vars.get(name)) {
                    Some(value) => {
                        let value = value.clone();
                        self.collect_text(&value);
                        self.push(Event::Text(value.into()));
                    }
                    None => self.push(Event::Code(expression.into())),
                }
            }
            _ => {}
        }
    }

    /// Handles an event inside a swallowed link; `false` once the link is over.
    fn swallow(&mut self, event: &Event<'a>) -> bool {
        let Some(link) = &mut self.swallowed_link else {
            return false;
        };
        let ends = match event {
            Event::Start(Tag::Link { .. }) => {
                link.depth += 1;
                false
            }
            Event::End(TagEnd::Link) if !link.html => {
                if link.depth == 0 {
                    true
                } else {
                    link.depth -= 1;
                    false
                }
            }
            Event::InlineHtml(html) if link.html && html.trim().eq_ignore_ascii_case("</a>") => {
                true
            }
            _ => false,
        };
        let reference = link.reference;
        if ends {
            self.swallowed_link = None;
            return true;
        }
        if let Event::Text(text) | Event::Code(text) = event {
            match reference {
                Some(index) => {
                    if let Some(RefKind::Mention { fallback, .. }) =
                        self.fragment.refs.get_mut(index).map(|r| &mut r.kind)
                    {
                        fallback.push_str(text);
                    }
                }
                None => {
                    let text = text.clone();
                    self.push(Event::Text(text));
                }
            }
        }
        true
    }

    /// Starts swallowing a raw-HTML `<a data-mention>` up to its `</a>`.
    pub(super) fn swallow_html_mention(&mut self, index: usize) {
        self.swallowed_link = Some(SwallowedLink {
            reference: Some(index),
            depth: 0,
            html: true,
        });
    }

    fn image_event(&mut self, event: Event<'a>) {
        let Some(image) = &mut self.image else { return };
        match event {
            Event::End(TagEnd::Image) => {}
            Event::Text(t) | Event::Code(t) => return image.alt.push_str(&t),
            _ => return,
        }
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
        self.push_html(html);
    }

    fn close_html_block(&mut self) {
        let Some((html, start)) = self.html_block.take() else {
            return;
        };
        let body = self.section_text();
        push_space(body);
        push_html_text(body, &html);
        push_space(body);
        self.raw_html_block(&html, start);
    }

    fn inline_html(&mut self, html: CowStr<'a>, start: usize) {
        if let Some(heading) = &mut self.heading {
            if heading.drop_next_close_a && html.trim().eq_ignore_ascii_case("</a>") {
                heading.drop_next_close_a = false;
                return;
            }
            if let Some(id) = super::raw_html::explicit_anchor_id(&html) {
                heading.explicit_id.get_or_insert(id);
                heading.drop_next_close_a = !html.trim_end().ends_with("</a>");
                return;
            }
        }
        self.raw_inline_html(&html, start);
    }

    fn close_code_block(&mut self) {
        let Some(code) = self.code_block.take() else {
            return;
        };
        if !code.language.eq_ignore_ascii_case("mermaid") {
            let body = self.section_text();
            push_space(body);
            push_text(body, &code.text, false);
            push_space(body);
        }
        let html = self.code_block_html(&code);
        self.push_html(html);
    }

    fn alert_open(&self, kind: BlockQuoteKind) -> String {
        let (class, key) = match kind {
            BlockQuoteKind::Note => ("note", "alert_note"),
            BlockQuoteKind::Tip => ("tip", "alert_tip"),
            BlockQuoteKind::Important => ("important", "alert_important"),
            BlockQuoteKind::Warning => ("warning", "alert_warning"),
            BlockQuoteKind::Caution => ("caution", "alert_caution"),
        };
        format!(
            "<blockquote class=\"markdown-alert markdown-alert-{class}\">\n<p class=\"markdown-alert-title\">{}</p>\n",
            self.word(key)
        )
    }
}

/// `/broken/pages/<id>`: a link GitBook itself lost when its target page was deleted.
fn is_lost_link(dest: &str) -> bool {
    dest.starts_with("/broken/pages/") || dest.contains("://app.gitbook.com/broken/")
}
