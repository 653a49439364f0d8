//! Links carnet builds never run script: a `javascript:`, `vbscript:` or `data:` target of a
//! Markdown link or mention, a content-ref, an embed, an API spec link, a card or a GitBook
//! button is reported (`unsafe-url`) and shown as text. Raw HTML written by authors is theirs
//! and stays as written (see `raw_html: sanitize` for sites that cannot trust it), but for
//! GitBook's buttons, which are carnet's to render.

use std::ops::Range;

use super::refs::RefRecorder;
use crate::html::StartTag;
use crate::paths::script_scheme;

impl RefRecorder {
    /// Whether `dest` (the target of a `what`, at page span `span`) runs script when followed:
    /// then a warning says so, and the caller shows the link as text.
    pub fn refuses_url(&mut self, span: &Range<usize>, dest: &str, what: &str) -> bool {
        let Some(scheme) = script_scheme(dest, false) else {
            return false;
        };
        let message =
            format!("{what} with a `{scheme}:` URL would run script; it is shown as text");
        self.problem(span.clone(), "unsafe-url", message);
        true
    }

    /// Whether `href` (decoded), an attribute of `tag` at parsed range `range`, is the script
    /// URL of a GitBook button (`<a class="button primary">`); then a warning says so.
    pub fn refuses_button(&mut self, tag: &StartTag, href: &str, range: &Range<usize>) -> bool {
        let is_button = tag.name == "a"
            && tag
                .attr("class")
                .is_some_and(|class| class.split_ascii_whitespace().any(|c| c == "button"));
        if !is_button || script_scheme(href, false).is_none() {
            return false;
        }
        let span = self.page_span(range);
        self.refuses_url(&span, href, "a button")
    }
}
