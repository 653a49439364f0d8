//! Footnotes with GitHub's and GitBook's ids: the note `user-content-fn-<label>`, the reference
//! to it `user-content-fnref-<label>`, so the `#user-content-fn-1` links written in exports land,
//! and a footnote labelled `1` cannot take the id of a heading. Notes are numbered in the order
//! they are first met.

use pulldown_cmark_escape::escape_html;

use super::context::Context;

/// The number of footnote `label`, numbering it if it is new.
fn number(ctx: &mut Context<'_>, label: &str) -> usize {
    match ctx.footnotes.iter().position(|l| l == label) {
        Some(i) => i + 1,
        None => {
            ctx.footnotes.push(label.to_string());
            ctx.footnotes.len()
        }
    }
}

/// `[^label]` in the text.
pub fn reference(ctx: &mut Context<'_>, label: &str) -> String {
    let n = number(ctx, label);
    let id = esc(label);
    format!(
        "<sup class=\"footnote-reference\"><a href=\"#user-content-fn-{id}\" id=\"user-content-fnref-{id}\">{n}</a></sup>"
    )
}

/// `[^label]: …` opens; an anchor of the page.
pub fn definition_open(ctx: &mut Context<'_>, label: &str) -> String {
    let n = number(ctx, label);
    ctx.refs.anchor(format!("user-content-fn-{label}"));
    format!(
        "<div class=\"footnote-definition\" id=\"user-content-fn-{}\"><sup class=\"footnote-definition-label\">{n}</sup>",
        esc(label)
    )
}

pub const DEFINITION_CLOSE: &str = "</div>\n";

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}
