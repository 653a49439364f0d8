//! `{% embed url="…" %}`: a link card to the embedded page, its caption below. A video
//! (YouTube, Vimeo, Loom) also gets a play button: the theme's script loads the player when the
//! reader clicks it, so nothing is requested from the video's host before.

use std::ops::Range;

use super::super::context::Context;
use super::super::refs::{RefKind, UrlKind};
use super::{esc, players};
use crate::gitbook::blocks::Attrs;

/// An embed whose URL would run script is its URL and caption, as text, without a link.
pub fn open(ctx: &mut Context<'_>, attrs: &Attrs, span: Range<usize>) -> String {
    let url = attrs.get("url").unwrap_or("").trim().to_string();
    if ctx.refs.refuses_url(&span, &url, "an embed") {
        let mut html = String::from(
            "<figure class=\"embed\"><span class=\"embed-card\"><span class=\"embed-url\">",
        );
        html.push_str(&esc(&url));
        html.push_str("</span></span><figcaption>");
        if let Some(caption) = attrs.get("caption") {
            html.push_str(&esc(caption));
        }
        return html;
    }
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
    let mut html = match players::player_url(&url) {
        Some(player) => format!(
            "<figure class=\"embed embed-player\" data-player=\"{}\" data-play=\"{}\">",
            esc(&player),
            ctx.word("play_video")
        ),
        None => String::from("<figure class=\"embed\">"),
    };
    html.push_str("<a class=\"embed-card\" href=\"");
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
