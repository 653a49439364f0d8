//! `{% content-ref url="…" %}`: a card for another page, filled in by the site with the page's
//! current title and description.

use std::ops::Range;

use super::super::context::Context;
use super::super::refs::RefKind;
use super::esc;

/// A content-ref whose target would run script is its label, as text, without a link.
pub fn card(ctx: &mut Context<'_>, url: &str, label: &str, span: Range<usize>) -> String {
    if ctx.refs.refuses_url(&span, url, "a content-ref") {
        let text = if label.is_empty() { url } else { label };
        return format!(
            "<div class=\"content-ref content-ref-missing\"><span class=\"content-ref-title\">{}</span></div>\n",
            esc(text)
        );
    }
    ctx.refs.marker(
        span,
        RefKind::ContentRef {
            dest: url.to_string(),
            label: label.to_string(),
        },
    )
}
