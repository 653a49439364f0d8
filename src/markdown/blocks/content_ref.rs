//! `{% content-ref url="…" %}`: a card for another page, filled in by the site with the page's
//! current title and description.

use std::ops::Range;

use super::super::context::Context;
use super::super::refs::RefKind;

pub fn card(ctx: &mut Context<'_>, url: &str, label: &str, span: Range<usize>) -> String {
    ctx.refs.marker(
        span,
        RefKind::ContentRef {
            dest: url.to_string(),
            label: label.to_string(),
        },
    )
}
