//! `{% tabs %}` and `{% tab title="…" %}`: titled sections, readable without JavaScript; the
//! theme's script makes a tab list of them.

use super::esc;
use crate::gitbook::blocks::Attrs;

pub const TABS_OPEN: &str = "<div class=\"tabs\">\n";
pub const TABS_CLOSE: &str = "</div>\n";

pub fn tab_open(attrs: &Attrs, ordinal: usize) -> String {
    let title = esc(attrs.get("title").unwrap_or(""));
    format!(
        "<section class=\"tab-panel\" data-tab=\"{ordinal}\" data-title=\"{title}\">\n<p class=\"tab-title\">{title}</p>\n"
    )
}

pub const TAB_CLOSE: &str = "</section>\n";
