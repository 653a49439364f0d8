//! The one recorder of what a page refers to and what it can be referred to by: every link,
//! image, card and mention becomes a [`Reference`] with a marker in the HTML (filled in once the
//! site is known, see [`super::markers`]), and every id a `#fragment` may target is recorded
//! here, in document order, so ids stay unique the way GitBook makes them. Transforms receive it;
//! none of them keeps a list of its own.

use std::ops::Range;

use super::markers::push_marker;
use super::slug::IdSet;
use crate::diagnostic::Severity;
use crate::gitbook::blocks::{BlockProblem, OffsetMap};

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
    /// A Markdown link: the marker becomes its whole start tag (`<a href="…" title="…">`), so a
    /// link whose target cannot exist can be shown as text.
    Link { dest: String, title: String },
    /// One of carnet's own words (`crate::i18n`), in the language of the page's space.
    Word { key: &'static str },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlKind {
    Link,
    Image,
    /// A URL in an attribute of raw HTML (`href`, `src`, `srcset`…).
    HtmlAttr,
}

/// References, anchors and the problems found with them, for one page.
#[derive(Default)]
pub struct RefRecorder {
    pub refs: Vec<Reference>,
    /// Every id a link's `#fragment` may target, in document order.
    pub ids: Vec<String>,
    taken: IdSet,
    pub problems: Vec<BlockProblem>,
    /// From the parsed text (blocks expanded) back to the body.
    map: OffsetMap,
    /// Parsed-text ranges that come from included files, with the file's folder.
    include_dirs: Vec<(Range<usize>, String)>,
    body_start: usize,
}

impl RefRecorder {
    pub fn new(
        map: OffsetMap,
        include_dirs: Vec<(Range<usize>, String)>,
        body_start: usize,
    ) -> Self {
        RefRecorder {
            map,
            include_dirs,
            body_start,
            ..RefRecorder::default()
        }
    }

    /// The page span of `range`, an offset range of the parsed text.
    pub fn page_span(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.map.to_source(range.start) + self.body_start;
        let end = self.map.to_source(range.end.max(range.start)) + self.body_start;
        start..end.max(start)
    }

    /// A body-relative span (from the block pre-pass) as a page span.
    pub fn body_span(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.body_start..span.end + self.body_start
    }

    /// `dest` as written at parsed offset `at`: paths from an included file are relative to it.
    pub fn rebased(&self, at: usize, dest: String) -> String {
        match self
            .include_dirs
            .iter()
            .find(|(range, _)| range.contains(&at))
        {
            Some((_, dir)) => crate::paths::rebase_path(Some(dir), &dest),
            None => dest,
        }
    }

    /// Records a reference at page span `span`; returns its marker number.
    pub fn add(&mut self, span: Range<usize>, kind: RefKind) -> usize {
        self.refs.push(Reference { span, kind });
        self.refs.len() - 1
    }

    /// Records a reference and returns its marker, to write where its HTML goes.
    pub fn marker(&mut self, span: Range<usize>, kind: RefKind) -> String {
        let index = self.add(span, kind);
        let mut marker = String::new();
        push_marker(&mut marker, index);
        marker
    }

    /// The marker for a URL written in a raw HTML attribute at parsed range `range` (its value
    /// decoded); `None` for values left as they are (empty, `#anchor`).
    pub fn html_url(&mut self, value: &str, range: Range<usize>) -> Option<String> {
        let dest = value.trim();
        if dest.is_empty() || dest.starts_with('#') {
            return None;
        }
        if crate::gitbook::is_lost_link(dest) {
            let span = self.page_span(&range);
            let message = format!("GitBook lost this target (`{dest}`); it is left out");
            self.problem(span, "broken-link", message);
            return None;
        }
        let dest = self.rebased(range.start, dest.to_string());
        let span = self.page_span(&range);
        Some(self.marker(
            span,
            RefKind::Url {
                dest,
                kind: UrlKind::HtmlAttr,
            },
        ))
    }

    /// An id given by the page (raw HTML, footnotes): an anchor, and taken.
    pub fn anchor(&mut self, id: String) {
        self.taken.reserve(&id);
        self.ids.push(id);
    }

    /// A heading's id: the first free one of its explicit id, else of `slug` (`x`, `x-1`…):
    /// GitBook numbers a repeated explicit id like a generated one.
    pub fn heading_id(&mut self, explicit: Option<String>, slug: &str) -> String {
        let id = self.taken.unique(explicit.as_deref().unwrap_or(slug));
        self.ids.push(id.clone());
        id
    }

    /// A warning about the page, at page span `span`.
    pub fn problem(&mut self, span: Range<usize>, code: &'static str, message: String) {
        self.problems.push(BlockProblem {
            span,
            severity: Severity::Warning,
            code,
            message,
        });
    }
}
