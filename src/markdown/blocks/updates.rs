//! `{% updates %}` and `{% update date="…" tags="…" %}`: a changelog (the pre-pass has put the
//! newest first).

use super::esc;
use crate::gitbook::blocks::Attrs;

pub const UPDATES_OPEN: &str = "<div class=\"updates\">\n";
pub const UPDATES_CLOSE: &str = "</div>\n";

pub fn update_open(attrs: &Attrs) -> String {
    let date = attrs.get("date").unwrap_or("").trim();
    let mut html = String::from("<article class=\"update\"><header class=\"update-header\">");
    if !date.is_empty() {
        html.push_str(&format!("<time datetime=\"{0}\">{0}</time>", esc(date)));
    }
    if let Some(tags) = attrs.get("tags").filter(|t| !t.trim().is_empty()) {
        for tag in tags.split(',') {
            html.push_str(&format!(
                " <span class=\"update-tag\">{}</span>",
                esc(tag.trim())
            ));
        }
    }
    html.push_str("</header>\n");
    html
}

pub const UPDATE_CLOSE: &str = "</article>\n";
