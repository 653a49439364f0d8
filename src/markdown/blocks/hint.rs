//! `{% hint style="…" %}`: a note with its level said to screen readers. Its first heading is
//! its title (see `headings`).

use super::super::context::Context;
use crate::gitbook::blocks::Attrs;

pub fn open(ctx: &mut Context<'_>, attrs: &Attrs) -> String {
    let style = attrs.get("style").unwrap_or("info").to_ascii_lowercase();
    // Only a known style reaches the class attribute (the rest is shown as info).
    let (style, label) = match style.as_str() {
        "success" => ("success", ctx.word("hint_success")),
        "warning" => ("warning", ctx.word("hint_warning")),
        "danger" => ("danger", ctx.word("hint_danger")),
        _ => ("info", ctx.word("hint_info")),
    };
    format!("<div class=\"hint hint-{style}\" role=\"note\" aria-label=\"{label}\">\n")
}

pub const CLOSE: &str = "</div>\n";
