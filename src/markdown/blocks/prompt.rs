//! `{% prompt description="…" %}`: a prompt to copy, with what it is for.

use super::esc;
use crate::gitbook::blocks::Attrs;

pub fn open(attrs: &Attrs) -> String {
    let mut html = String::from("<div class=\"prompt\">");
    if let Some(description) = attrs.get("description") {
        html.push_str(&format!(
            "<p class=\"prompt-description\">{}</p>",
            esc(description)
        ));
    }
    html.push_str("<div class=\"prompt-body\">\n");
    html
}

pub const CLOSE: &str = "</div></div>\n";
