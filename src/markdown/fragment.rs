//! Markdown body → HTML fragment, and what the site needs to know about the page.
//!
//! The steps, in order: GitBook's blocks are expanded into marker lines (`gitbook::blocks`);
//! pulldown-cmark's events become a page tree ([`super::tree`]); one walk in document order
//! hands each node to its transform ([`super::walk`]: headings, links, blocks, cards, math, raw
//! HTML…), which record references and anchors in one [`RefRecorder`] and the page's text for
//! search; the tree is written out last ([`super::serialize`]). When the page's Markdown is
//! wanted, the tree is written as Markdown first ([`super::to_markdown`]), before the walk turns
//! it into HTML. Nothing is parsed twice.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::Parser;

use super::block_store::BlockStore;
use super::context::{BlockStack, Context, Heading, Settings};
use super::leniency::lenient_body;
use super::packed::{PackedParts, Parts};
use super::plain_text::{Section, TextCollector};
use super::refs::{RefRecorder, Reference};
use super::to_markdown::{PageMarkdown, to_markdown};
use super::too_deep::too_deep;
use super::{serialize, tree, walk};
use crate::gitbook::blocks::{BlockProblem, IncludeSource, OffsetMap, expand_blocks};

/// What the Markdown stage needs to know about the page it renders.
pub struct PageInput<'a> {
    /// The page's full text (front matter included).
    pub text: &'a str,
    /// Where the body starts in `text`.
    pub body_start: usize,
    /// Content-relative path of the page, for includes.
    pub path: &'a str,
    pub includes: &'a dyn IncludeSource,
    /// `.gitbook/vars.yaml`: the values of `space.vars.NAME` expressions.
    pub vars: &'a BTreeMap<String, String>,
    /// Write the page as plain Markdown too (for its `.md` output and `llms-full.txt`).
    pub markdown: bool,
    /// `raw_html: sanitize`: the page's HTML goes through the allowlist.
    pub raw_html: crate::config::RawHtml,
}

/// What rendering a page body produced.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
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
    /// The page's plain text by section (prose, code, raw HTML text), as far as search's page
    /// file carries it (excerpts of results, language detection).
    pub sections: Vec<Section>,
    /// The words of every section, counted once here so search never reads the text again.
    pub words: super::words::PageWords,
    /// The page as plain Markdown, when asked for ([`PageInput::markdown`]).
    pub markdown: Option<PageMarkdown>,
    /// The HTML, the Markdown's text and the sections once [`Fragment::pack`] moved them here:
    /// read them through [`Fragment::html`], [`Fragment::markdown`] and
    /// [`Fragment::sections`]. Serialized packed: the build cache keeps fragments so.
    pub packed: Option<Box<PackedParts>>,
}

impl Fragment {
    /// Compresses the HTML, the Markdown's text and the sections (see [`super::packed`]):
    /// loading does it once the page is loaded, since they wait until the page is written.
    pub fn pack(&mut self) {
        if self.packed.is_some() {
            return;
        }
        let markdown = self.markdown.as_ref().map(|m| m.text.as_str());
        let packed = PackedParts::pack(&self.html, markdown, &self.sections);
        self.html = String::new();
        if let Some(markdown) = &mut self.markdown {
            markdown.text = String::new();
        }
        self.sections = Vec::new();
        self.packed = Some(Box::new(packed));
    }

    /// Puts what [`Fragment::pack`] packed back in the plain fields; `false` when the packed
    /// parts do not unpack (a hand-made build cache entry: see [`PackedParts::try_unpack`]),
    /// and the fields are left empty.
    pub fn unpack(&mut self) -> bool {
        let Some(packed) = self.packed.take() else {
            return true;
        };
        let Some(Parts {
            html,
            markdown,
            sections,
        }) = packed.try_unpack()
        else {
            if let Some(plain) = &mut self.markdown {
                plain.text = String::new();
            }
            return false;
        };
        self.html = html;
        if let (Some(plain), Some(text)) = (&mut self.markdown, markdown) {
            plain.text = text;
        }
        self.sections = sections;
        true
    }

    /// What a build writes of the page and then frees, taken out: the HTML, the Markdown and
    /// what search reads (sections and words), still packed when they are. No other page
    /// reads them, so each page's are unpacked in the page loop, one page at a time.
    pub fn take_output(&mut self) -> Fragment {
        Fragment {
            html: std::mem::take(&mut self.html),
            markdown: self.markdown.take(),
            sections: std::mem::take(&mut self.sections),
            words: std::mem::take(&mut self.words),
            packed: self.packed.take(),
            ..Fragment::default()
        }
    }

    /// The HTML with markers.
    pub fn html(&self) -> Cow<'_, str> {
        match &self.packed {
            Some(packed) => Cow::Owned(packed.unpack().html),
            None => Cow::Borrowed(&self.html),
        }
    }

    /// The HTML, taken out (unpacked first): a build frees each page's once it is written.
    pub fn take_html(&mut self) -> String {
        self.unpack();
        std::mem::take(&mut self.html)
    }

    /// The page as plain Markdown, when it was asked for.
    pub fn markdown(&self) -> Option<Cow<'_, PageMarkdown>> {
        let markdown = self.markdown.as_ref()?;
        Some(match &self.packed {
            Some(packed) => Cow::Owned(PageMarkdown {
                text: packed.unpack().markdown.unwrap_or_default(),
                refs: markdown.refs.clone(),
            }),
            None => Cow::Borrowed(markdown),
        })
    }

    /// The page's Markdown, taken out (see [`Fragment::take_html`]).
    pub fn take_markdown(&mut self) -> Option<PageMarkdown> {
        self.unpack();
        self.markdown.take()
    }

    /// The length of the Markdown's text, without unpacking it.
    pub fn markdown_len(&self) -> Option<usize> {
        let markdown = self.markdown.as_ref()?;
        Some(match &self.packed {
            Some(packed) => packed.markdown_len().unwrap_or(0),
            None => markdown.text.len(),
        })
    }

    /// The page's plain text by section.
    pub fn sections(&self) -> Cow<'_, [Section]> {
        match &self.packed {
            Some(packed) => Cow::Owned(packed.unpack().sections),
            None => Cow::Borrowed(&self.sections),
        }
    }
}

/// Renders the page body of `input`. Offsets in the result are offsets in `input.text`.
pub fn render_fragment(input: &PageInput<'_>) -> Fragment {
    render_fragment_with(input, None)
}

/// [`render_fragment`], highlighting code through `blocks` (the build cache) when given.
pub fn render_fragment_with(input: &PageInput<'_>, blocks: Option<&dyn BlockStore>) -> Fragment {
    let (lenient, leniencies) = lenient_body(&input.text[input.body_start..]);
    let expansion = expand_blocks(&lenient, input.path, input.includes);
    let (parse_text, map, markers, include_dirs) = match &expansion {
        Some(e) => (
            e.text.as_str(),
            e.map.clone(),
            e.markers.as_slice(),
            e.include_dirs.clone(),
        ),
        None => (lenient.as_ref(), OffsetMap::default(), &[][..], Vec::new()),
    };
    let refs = RefRecorder::new(map, include_dirs, input.body_start);
    if let Some(at) = crate::limits::markdown_too_deep(parse_text) {
        let (html, problem) = too_deep(parse_text, &refs.page_span(&(at..at + 1)));
        return Fragment {
            html,
            problems: vec![problem],
            ..Fragment::default()
        };
    }
    let events = Parser::new_ext(parse_text, crate::commonmark::options()).into_offset_iter();
    let mut nodes = tree::build(events, markers);
    let mut ctx = Context {
        refs,
        text: TextCollector::default(),
        blocks: BlockStack::default(),
        settings: Settings {
            vars: input.vars,
            markers,
            blocks,
        },
        headings: Vec::new(),
        first_h1: None,
        has_mermaid: false,
        has_math: false,
        footnotes: Vec::new(),
    };
    // Read before the walk, which makes HTML of the tree in place.
    let markdown = input
        .markdown
        .then(|| to_markdown(&nodes, parse_text, &ctx.settings, &ctx.refs));
    walk::walk(&mut ctx, &mut nodes);
    let mut html = serialize::to_html(nodes, parse_text.len() * 3 / 2);
    if input.raw_html == crate::config::RawHtml::Sanitize {
        html = super::sanitize::sanitize_fragment(&html, &ctx.refs.refs);
    }
    let (mut sections, first_paragraph) = ctx.text.finish();
    let words = super::words::PageWords::of_sections(&sections);
    super::words::keep_page_text(&mut sections);
    // Sorted once, so each link's `#fragment` is a binary search, not a scan of every id.
    let mut ids = ctx.refs.ids;
    ids.sort_unstable();
    ids.dedup();
    let mut fragment = Fragment {
        html,
        refs: ctx.refs.refs,
        headings: ctx.headings,
        ids,
        first_h1: ctx.first_h1,
        first_paragraph,
        nbsp_headings: leniencies
            .nbsp_headings
            .iter()
            .map(|at| at + input.body_start)
            .collect(),
        problems: ctx.refs.problems,
        interactive: Vec::new(),
        has_mermaid: ctx.has_mermaid,
        has_math: ctx.has_math,
        sections,
        words,
        markdown,
        packed: None,
    };
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
