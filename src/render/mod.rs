//! The `render` stage: the site model through a Tera theme, into page HTML, the 404 page and the
//! shared navigation file.

mod context;
mod redirects;
mod sidebar;
mod theme;

pub use context::{Linker, nav_json, not_found_context, page_context};
pub use redirects::{redirect_page, redirects_file};
pub use sidebar::Sidebar;
pub use theme::{Theme, ThemeFile, load_theme};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::i18n::theme_strings;
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

/// Renders pages of one site with one theme; what all pages share is prepared once.
pub struct SiteRenderer<'a> {
    theme: &'a Theme,
    site: &'a Site,
    sidebar: Sidebar,
}

impl<'a> SiteRenderer<'a> {
    pub fn new(theme: &'a Theme, site: &'a Site) -> Self {
        SiteRenderer {
            theme,
            site,
            sidebar: Sidebar::new(site),
        }
    }

    /// Renders one page with its resolved content.
    pub fn page(&self, id: PageId, content: &str) -> Result<Vec<u8>, Diagnostic> {
        self.theme.render(
            "page.html",
            &page_context(self.site, &self.sidebar, id, content),
        )
    }

    /// Renders the 404 page, whose links are absolute from the site's base path.
    pub fn not_found(&self) -> Result<Vec<u8>, Diagnostic> {
        let base_path = self.site.config.base_path();
        self.theme.render(
            "404.html",
            &not_found_context(self.site, &self.sidebar, &base_path),
        )
    }
}
