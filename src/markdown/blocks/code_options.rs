//! `{% code title="…" lineNumbers="true" overflow="wrap" %}`: options around a code block (the
//! code block itself is `super::super::code`, which reads `lineNumbers` from here).

use super::esc;
use crate::gitbook::blocks::Attrs;

pub fn open(attrs: &Attrs) -> String {
    let mut classes = String::from("code-block");
    if attrs
        .get("overflow")
        .is_some_and(|o| o.eq_ignore_ascii_case("wrap"))
    {
        classes.push_str(" code-wrap");
    }
    if attrs.flag("lineNumbers") {
        classes.push_str(" code-line-numbers");
    }
    if attrs.flag("expandable") {
        classes.push_str(" code-expandable");
    }
    let mut html = format!("<div class=\"{classes}\">");
    if let Some(title) = attrs.get("title").filter(|t| !t.trim().is_empty()) {
        html.push_str(&format!("<div class=\"code-title\">{}</div>", esc(title)));
    }
    html.push('\n');
    html
}

pub const CLOSE: &str = "</div>\n";
