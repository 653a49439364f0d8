//! `{% tabs %}` and `{% tab title="…" %}`: titled sections, readable without JavaScript; the
//! theme's script makes a tab list of them.

use super::super::context::Context;
use super::super::slug::gitbook_slug;
use super::esc;
use crate::gitbook::blocks::Attrs;

pub const TABS_OPEN: &str = "<div class=\"tabs\">\n";
pub const TABS_CLOSE: &str = "</div>\n";

/// A tab: its panel has the id GitBook gives it (its title's slug, numbered with the page's
/// headings), so `#linux` opens it.
pub fn tab_open(ctx: &mut Context<'_>, attrs: &Attrs, ordinal: usize) -> String {
    let raw_title = attrs.get("title").unwrap_or("");
    let id = ctx.refs.heading_id(None, &gitbook_slug(raw_title));
    let title = esc(raw_title);
    format!(
        "<section class=\"tab-panel\" id=\"{}\" data-tab=\"{ordinal}\" data-title=\"{title}\">\n<p class=\"tab-title\">{title}</p>\n",
        esc(&id)
    )
}

pub const TAB_CLOSE: &str = "</section>\n";
