//! Loading one page: phase 1 of a build, run for every page in parallel.
//!
//! A page is read, decoded, split into front matter and body, and rendered to an HTML fragment
//! exactly once here; everything later works from the result.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::RawHtml;
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::document::{Document, parse_document};
use crate::gitbook::blocks::IncludeSource;
use crate::limits::MAX_PAGE_BYTES;
use crate::markdown::{Fragment, PageInput, markers, render_fragment};
use crate::paths::SiteRoot;
use crate::source::SourceFile;
use crate::text::{DecodedText, Fallback, Repair, decode_source};

/// A page of the site. `url`, `title`, `nav_label` and `published` are settled when the site is
/// assembled; the rest comes from the page's own file.
#[derive(Clone, Debug)]
pub struct Page {
    pub source: SourceFile,
    /// The file as diagnostics name it (relative to the site folder).
    pub display_path: PathBuf,
    /// Shared, not copied, between the site models `carnet serve` builds after each save.
    pub doc: std::sync::Arc<Document>,
    pub fragment: std::sync::Arc<Fragment>,
    /// Site-relative URL (`a/b/`), as a path: what the output file is named after.
    pub url: String,
    /// The same URL percent-encoded, ready to go into an `href`.
    pub href_path: String,
    pub title: String,
    pub nav_label: String,
    /// False for pages missing from SUMMARY.md: GitBook does not publish them.
    pub published: bool,
    /// Index of the page's space in [`super::Site::spaces`].
    pub space: usize,
}

impl Page {
    pub fn description(&self) -> Option<&str> {
        self.doc.front_matter.description.as_deref()
    }

    pub fn hidden(&self) -> bool {
        self.doc.front_matter.hidden
    }

    /// Whether `id` is an anchor on this page (a heading, an explicit anchor, a footnote…).
    pub fn has_anchor(&self, id: &str) -> bool {
        self.fragment
            .ids
            .binary_search_by(|known| known.as_str().cmp(id))
            .is_ok()
    }

    /// Lets the page's text and line index go once it is loaded ([`Document::release_text`]):
    /// a build and a preview need them again only for a diagnostic that quotes a line, which
    /// [`Page::text`] reads again. Kept when the document is shared (it never is right after
    /// loading).
    pub fn release_text(&mut self) {
        if let Some(doc) = std::sync::Arc::get_mut(&mut self.doc) {
            doc.release_text();
        }
    }

    /// Whether `other` (a new load of the same file) shows the rest of the site exactly what
    /// this page shows it: the front matter (title, description, visibility, icon…), the first
    /// heading (titles), the anchors (links from other pages), and what site-wide outputs
    /// count (interactive blocks, Mermaid). When it does, only the page's own outputs and the
    /// search index can differ, which is what lets `carnet serve` swap one page into the site
    /// without assembling it again.
    pub fn same_for_others(&self, other: &Page) -> bool {
        let (a, b) = (&self.fragment, &other.fragment);
        self.doc.front_matter == other.doc.front_matter
            && a.first_h1 == b.first_h1
            && a.ids == b.ids
            && a.interactive == b.interactive
            && a.has_mermaid == b.has_mermaid
    }

    /// The page's text and its line index as loading made them, for a diagnostic that quotes
    /// a line. After a build released them ([`Document::release_text`]) the file is read and
    /// decoded again; `None` when it no longer holds that text (edited since), or cannot be
    /// read.
    pub fn text(&self, root: &SiteRoot) -> Option<(Cow<'_, LineIndex>, Cow<'_, str>)> {
        if !self.doc.is_released() {
            return Some((
                Cow::Borrowed(&self.doc.lines),
                Cow::Borrowed(&self.doc.text),
            ));
        }
        let reread = self.doc.reread.get_or_init(|| {
            let bytes = root.read_source(&self.source.abs, MAX_PAGE_BYTES).ok()?;
            let text = page_text(decode_source(&bytes).text);
            self.doc
                .matches(&text)
                .then(|| std::sync::Arc::new((LineIndex::new(&text), text)))
        });
        reread
            .as_deref()
            .map(|(lines, text)| (Cow::Borrowed(lines), Cow::Borrowed(text.as_str())))
    }

    /// `diagnostic` at `span` of the page's text (offsets in the text loading read), with the
    /// line quoted; at the file only when the file changed since it was loaded.
    pub fn diagnostic_at(
        &self,
        root: &SiteRoot,
        diagnostic: Diagnostic,
        span: std::ops::Range<usize>,
    ) -> Diagnostic {
        match self.text(root) {
            Some((lines, text)) => diagnostic.at(&self.display_path, &lines, &text, span),
            None => diagnostic.in_file(&self.display_path),
        }
    }

    /// The file name without `.md`: the title of last resort.
    pub fn file_stem(&self) -> &str {
        let name = self
            .source
            .rel
            .rsplit('/')
            .next()
            .unwrap_or(&self.source.rel);
        &name[..name.len().saturating_sub(3)]
    }
}

/// What loading a page needs from the site: where includes come from, and variables.
pub struct LoadContext<'a> {
    /// The boundary of reads: a page that became a link to outside is not read.
    pub root: &'a SiteRoot,
    pub includes: &'a dyn IncludeSource,
    /// `.gitbook/vars.yaml`, for `space.vars.NAME` expressions.
    pub vars: &'a BTreeMap<String, String>,
    /// Make the page's Markdown too (the site publishes it, or `llms-full.txt`).
    pub markdown: bool,
    pub raw_html: RawHtml,
    /// The build cache, when there is one: fragments of unchanged pages are taken from it.
    pub cache: Option<&'a crate::cache::Cache>,
}

/// Reads and renders one page. An unreadable file yields no page and an error.
pub fn load_page(
    source: &SourceFile,
    display_path: PathBuf,
    context: &LoadContext<'_>,
) -> (Option<Page>, Vec<Diagnostic>) {
    let bytes = match context.root.read_source(&source.abs, MAX_PAGE_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            let diagnostic =
                Diagnostic::error("unreadable-file", format!("cannot read the page: {err}"))
                    .in_file(display_path);
            return (None, vec![diagnostic]);
        }
    };
    load_page_bytes(source, display_path, &bytes, context)
}

/// [`load_page`] from bytes already read (`carnet serve` reads them to hash them first).
pub fn load_page_bytes(
    source: &SourceFile,
    display_path: PathBuf,
    bytes: &[u8],
    context: &LoadContext<'_>,
) -> (Option<Page>, Vec<Diagnostic>) {
    let bytes_hash = context.cache.map(|_| *blake3::hash(bytes).as_bytes());
    let DecodedText {
        text,
        fallback,
        repairs,
        possible,
        example,
        ..
    } = match known_clean(bytes, context.cache, bytes_hash.as_ref()) {
        Some(text) => DecodedText {
            text,
            ..DecodedText::default()
        },
        None => {
            let mut decoded = decode_source(bytes);
            decoded.text = page_text(decoded.text);
            if let (Some(cache), Some(hash)) = (context.cache, &bytes_hash)
                && decoded.fallback.is_none()
                && decoded.repairs.is_empty()
                && decoded.possible.is_empty()
                && decoded.text.as_bytes() == bytes
            {
                cache.keep_clean_source(hash);
            }
            decoded
        }
    };
    let mut diagnostics = Vec::new();
    let (doc, doc_diagnostics) = parse_document(&display_path, text);
    if let Some(Fallback::Legacy {
        encoding,
        first_line,
    }) = fallback
    {
        let message = format!(
            "the file is not UTF-8; decoded as {encoding} (a guess): save it as UTF-8, or run `carnet fix-encoding --write`"
        );
        diagnostics.push(Diagnostic::warning("legacy-encoding", message).at_line(
            &display_path,
            &doc.lines,
            &doc.text,
            first_line,
        ));
    }
    for (code, line, message) in repair_warnings(&repairs, example.as_ref()) {
        diagnostics.push(Diagnostic::warning(code, message).at_line(
            &display_path,
            &doc.lines,
            &doc.text,
            line,
        ));
    }
    for possible in &possible {
        diagnostics.push(
            Diagnostic::note("possible-mojibake", possible_mojibake_message(possible)).at_line(
                &display_path,
                &doc.lines,
                &doc.text,
                possible.line,
            ),
        );
    }
    diagnostics.extend(doc_diagnostics);
    let input = PageInput {
        text: &doc.text,
        body_start: doc.body_start,
        path: &source.rel,
        includes: context.includes,
        vars: context.vars,
        markdown: context.markdown,
        raw_html: context.raw_html,
    };
    let mut fragment = match context.cache {
        Some(cache) => {
            // The source's bytes are usually the page's text: hashed once for both keys.
            let text_hash = match bytes_hash {
                Some(hash) if doc.text.as_bytes() == bytes => hash,
                _ => *blake3::hash(doc.text.as_bytes()).as_bytes(),
            };
            cache.fragment(&input, &text_hash)
        }
        None => render_fragment(&input),
    };
    for problem in &fragment.problems {
        let diagnostic = Diagnostic::new(problem.severity, problem.code, problem.message.clone());
        diagnostics.push(diagnostic.at(&display_path, &doc.lines, &doc.text, problem.span.clone()));
    }
    if let Some(&first) = fragment.nbsp_headings.first() {
        let count = fragment.nbsp_headings.len();
        let message = format!(
            "{count} heading{} written with a non-breaking space after `#`; rendered as heading{}, but other Markdown tools show them as text: type a normal space",
            if count == 1 { " is" } else { "s are" },
            if count == 1 { "" } else { "s" }
        );
        let span = first..first + 2;
        diagnostics.push(Diagnostic::warning("nbsp-heading", message).at(
            &display_path,
            &doc.lines,
            &doc.text,
            span,
        ));
    }
    // What waits until the page is written waits compressed (see `markdown::packed`).
    fragment.pack();
    let page = Page {
        source: source.clone(),
        display_path,
        doc: std::sync::Arc::new(doc),
        fragment: std::sync::Arc::new(fragment),
        url: String::new(),
        href_path: String::new(),
        title: String::new(),
        nav_label: String::new(),
        published: true,
        space: 0,
    };
    (Some(page), diagnostics)
}

/// The text of a source whose bytes (hashing to `hash`) the build cache has seen decode to
/// themselves, with nothing to report ([`crate::cache::Cache::source_is_clean`]): they are then
/// taken as they are, without decoding them again or looking for mojibake in them (a twentieth
/// of a second process). Still checked as UTF-8: the mark vouches for bytes by their hash, and
/// whatever a cache file says, a `String` is only made of UTF-8.
fn known_clean(
    bytes: &[u8],
    cache: Option<&crate::cache::Cache>,
    hash: Option<&crate::cache::Key>,
) -> Option<String> {
    let (cache, hash) = cache.zip(hash)?;
    if !cache.source_is_clean(hash) {
        return None;
    }
    simdutf8::basic::from_utf8(bytes).ok().map(str::to_owned)
}

/// The text of a page from its decoded text: what loading reads, and what a diagnostic reads
/// again after the text was released.
fn page_text(mut decoded: String) -> String {
    markers::sanitize(&mut decoded);
    decoded
}

/// What a possible repair (not applied) tells the author: what the text may have been, and that
/// only they can tell.
fn possible_mojibake_message(possible: &Repair) -> String {
    format!(
        "`{}` may be mojibake of `{}` ({}); left as written, since the text around it reads as intended: fix it by hand if it is, or run `carnet fix-encoding` to list such places",
        possible.damaged, possible.repaired, possible.code_page
    )
}

/// What a page's mojibake repairs tell its author: one `mojibake` warning for the file, at the
/// first repair, with an example; and one `ambiguous-repair` warning per guessed lost byte.
fn repair_warnings(
    repairs: &[Repair],
    example: Option<&(String, String)>,
) -> Vec<(&'static str, usize, String)> {
    let Some(first) = repairs.first() else {
        return Vec::new();
    };
    let count = repairs.len();
    let mut pages: Vec<&str> = repairs.iter().map(|r| r.code_page).collect();
    pages.dedup();
    pages.sort_unstable();
    pages.dedup();
    let mut warnings = vec![(
        "mojibake",
        first.line,
        format!(
            "repaired {count} sequence{} ({}), e.g. line {} `{}` → `{}`: the file was saved from a wrong reading; run `carnet fix-encoding --write` to fix it for good",
            if count == 1 { "" } else { "s" },
            pages.join(", "),
            first.line,
            example.map_or(first.damaged.as_str(), |e| e.0.as_str()),
            example.map_or(first.repaired.as_str(), |e| e.1.as_str()),
        ),
    )];
    for repair in repairs.iter().filter(|r| !r.alternatives.is_empty()) {
        let others: Vec<String> = repair.alternatives.iter().map(|c| c.to_string()).collect();
        warnings.push((
            "ambiguous-repair",
            repair.line,
            format!(
                "`{}` lost a byte; restored as `{}`, but {} fit as well: check it",
                repair.damaged,
                repair.repaired,
                others.join(" ")
            ),
        ));
    }
    warnings
}
