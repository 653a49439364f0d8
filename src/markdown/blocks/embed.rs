//! `{% embed url="…" %}`: a link card to the embedded page (no third-party iframe), its caption
//! below.

use std::ops::Range;

use super::super::context::Context;
use super::super::refs::{RefKind, UrlKind};
use super::esc;
use crate::gitbook::blocks::Attrs;

pub fn open(ctx: &mut Context<'_>, attrs: &Attrs, span: Range<usize>) -> String {
    let url = attrs.get("url").unwrap_or("").trim().to_string();
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .unwrap_or(&url)
        .to_string();
    let marker = ctx.refs.marker(
        span,
        RefKind::Url {
            dest: url.clone(),
            kind: UrlKind::Link,
        },
    );
    let mut html = String::from("<figure class=\"embed\"><a class=\"embed-card\" href=\"");
    html.push_str(&marker);
    html.push_str("\" rel=\"noopener\"><span class=\"embed-host\">");
    html.push_str(&esc(host.trim_start_matches("www.")));
    html.push_str("</span><span class=\"embed-url\">");
    html.push_str(&esc(&url));
    html.push_str("</span></a><figcaption>");
    if let Some(caption) = attrs.get("caption") {
        html.push_str(&esc(caption));
    }
    html
}

pub const CLOSE: &str = "</figcaption></figure>\n";
