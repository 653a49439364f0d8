//! `{% file src="…" %}`: a download card (name, type, size, filled in by the site), its caption
//! below.

use std::ops::Range;

use super::super::context::Context;
use super::super::refs::RefKind;
use super::esc;
use crate::gitbook::blocks::Attrs;

pub fn open(ctx: &mut Context<'_>, attrs: &Attrs, span: Range<usize>) -> String {
    let dest = attrs.get("src").unwrap_or("").trim().to_string();
    let mut html = String::from("<figure class=\"file\">");
    html.push_str(&ctx.refs.marker(span, RefKind::FileCard { dest }));
    html.push_str("<figcaption>");
    if let Some(caption) = attrs.get("caption") {
        html.push_str(&esc(caption));
    }
    html
}

pub const CLOSE: &str = "</figcaption></figure>\n";
