//! Links carnet builds never run script: a `javascript:`, `vbscript:` or `data:` target of a
//! Markdown link or mention, a content-ref, an embed, an API spec link, a card or a GitBook
//! button is reported (`unsafe-url`) and shown as text. Raw HTML written by authors is theirs
//! and stays as written (see `raw_html: sanitize` for sites that cannot trust it), but for
//! GitBook's buttons, which are carnet's to render.

use std::ops::Range;

use super::fragment::Builder;
use super::html_attrs::{Attr, decode_entities};
use crate::paths::script_scheme;

impl Builder<'_> {
    /// Whether `dest` (the target of a `what`, at `span` of the page) runs script when followed:
    /// then a warning says so, and the caller shows the link as text.
    pub(super) fn refuses_url(&mut self, span: &Range<usize>, dest: &str, what: &str) -> bool {
        let Some(scheme) = script_scheme(dest, false) else {
            return false;
        };
        let message =
            format!("{what} with a `{scheme}:` URL would run script; it is shown as text");
        self.problem(span.clone(), "unsafe-url", message);
        true
    }
}

impl Builder<'_> {
    /// Whether `href` (an attribute of raw `html`, which starts at `start` in the parsed text)
    /// is the script URL of a GitBook button; then a warning says so.
    pub(super) fn refuses_button(
        &mut self,
        html: &str,
        attrs: &[(&str, Attr<'_>)],
        href: &Attr<'_>,
        start: usize,
    ) -> bool {
        let dest = decode_entities(href.raw_value);
        if script_scheme(&dest, false).is_none() || !in_button(html, attrs, href.whole.start) {
            return false;
        }
        let span = self.page_span(&(start + href.whole.start..start + href.whole.end));
        self.refuses_url(&span, &dest, "a button")
    }
}

/// Whether the start tag holding the attribute at `at` in `html` is a GitBook button
/// (`<a class="button primary">`), among the attributes `attrs` of `html`.
fn in_button(html: &str, attrs: &[(&str, Attr<'_>)], at: usize) -> bool {
    let tag_start = html[..at].rfind('<');
    attrs.iter().any(|(tag, attr)| {
        tag.eq_ignore_ascii_case("a")
            && html[..attr.whole.start].rfind('<') == tag_start
            && attr.name.eq_ignore_ascii_case("class")
            && decode_entities(attr.raw_value)
                .split_ascii_whitespace()
                .any(|class| class == "button")
    })
}
