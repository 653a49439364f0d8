//! The `render` stage: the site model through a Tera theme, into page HTML, the 404 page and the
//! shared navigation file.

mod context;
mod i18n;
mod theme;

pub use context::{Linker, NavItem, nav_json, not_found_context, page_context, sidebar};
pub use i18n::theme_strings;
pub use theme::{Theme, ThemeFile, load_theme};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::site::{PageId, Site};

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    language: &'a str,
    base_url: Option<&'a str>,
}

/// Puts what every page shares (site, theme asset paths, the theme's words) in Tera's global
/// context once, instead of into each page's context.
pub fn set_site_globals(theme: &mut Theme, site: &Site) {
    let view = SiteView {
        title: &site.title,
        language: &site.config.language,
        base_url: site.config.base_url.as_deref(),
    };
    let assets = theme.asset_paths.clone();
    let globals = theme.tera.global_context();
    globals.insert("site", &view);
    globals.insert("lang", &site.config.language);
    globals.insert("assets", &assets);
    globals.insert("t", &theme_strings(&site.config.language));
}

/// Renders one page with its resolved content.
pub fn render_page(
    theme: &Theme,
    site: &Site,
    id: PageId,
    content: &str,
) -> Result<String, Diagnostic> {
    theme.render("page.html", &page_context(site, id, content))
}

/// Renders the 404 page, whose links are absolute from the site's base path.
pub fn render_not_found(theme: &Theme, site: &Site) -> Result<String, Diagnostic> {
    theme.render(
        "404.html",
        &not_found_context(site, &site.config.base_path()),
    )
}
