//! The `render` stage: the site model through a Tera theme, into page HTML, the 404 page and the
//! shared navigation file; and the outputs for readers of raw text and for machines: each page's
//! Markdown, `llms.txt` and `llms-full.txt`.

mod context;
mod digest;
mod hosting;
mod linker;
mod llms;
mod markdown;
mod plan;
mod plan_file;
mod redirects;
mod references;
mod sidebar;
mod theme;

pub use context::{
    listing_context, listing_pages, nav_json, nav_json_path, not_found_context, page_context,
    spaces_home_context,
};
pub use digest::{render_digest, search_digest};
pub use hosting::{robots, sitemap};
pub use linker::Linker;
pub use llms::{
    LlmsBreaks, LlmsPieces, llms_full, llms_full_pages, llms_full_piece, llms_txt,
    write_llms_pieces,
};
pub use markdown::{page_markdown, page_markdown_of, page_markdown_path};
pub use plan::{Job, Plan, PlanDiff, SEARCH_DIR, page_html_path, render_generated};
pub use plan_file::{OutputKind, PLAN_FILE, PlanFile};
pub use redirects::{redirect_page, redirects_file};
pub use references::{cover_href, page_content, page_content_of};
pub use sidebar::Sidebar;
pub use theme::{Theme, ThemeFile, load_theme};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::git_dates::PageDates;
use crate::i18n::theme_strings;
use crate::site::{PageId, Site};

#[derive(Serialize, PartialEq)]
struct SiteView<'a> {
    title: &'a str,
    language: &'a str,
    base_url: Option<&'a str>,
    favicon: Option<SiteImage<'a>>,
    logo: Option<SiteImage<'a>>,
}

/// The site's favicon or logo: a file of the site (templates prefix `href` with `root`) or an
/// absolute URL (`external`).
#[derive(Serialize, PartialEq)]
struct SiteImage<'a> {
    href: std::borrow::Cow<'a, str>,
    external: bool,
}

impl<'a> SiteImage<'a> {
    /// `None` for a file the site does not have ([`check_site_images`] reports it).
    fn of(site: &Site, value: Option<&'a str>) -> Option<Self> {
        let value = value?.trim();
        if is_absolute_url(value) {
            return Some(SiteImage {
                href: value.into(),
                external: true,
            });
        }
        let path = value.trim_start_matches("./");
        site.has_asset(path).then(|| SiteImage {
            href: crate::site::url::encode_path(path).into(),
            external: false,
        })
    }
}

fn is_absolute_url(value: &str) -> bool {
    value.starts_with("https://") || value.starts_with("http://") || value.starts_with("//")
}

/// `favicon` and `logo` of `carnet.yaml` must name a file of the content folder (or be an
/// absolute URL): an error otherwise, as for any configuration naming what does not exist.
pub fn check_site_images(site: &Site) -> Vec<Diagnostic> {
    [
        ("favicon", &site.config.favicon),
        ("logo", &site.config.logo),
    ]
    .into_iter()
    .filter_map(|(key, value)| {
        let value = value.as_deref()?;
        if SiteImage::of(site, Some(value)).is_some() {
            return None;
        }
        let message = format!(
            "`{key}: {value}` names no file of the content folder `{}` (or write an absolute URL)",
            site.config.content_dir.display()
        );
        Some(
            Diagnostic::error("invalid-config", message)
                .in_file(site.config.site_dir.join(crate::config::CONFIG_FILE)),
        )
    })
    .collect()
}

#[derive(Serialize, PartialEq)]
struct SpaceView<'a> {
    title: &'a str,
    /// Site-relative, percent-encoded: templates prefix it with `root`.
    href: &'a str,
}

/// The spaces a reader can switch between; empty for a single-space site.
fn space_views(site: &Site) -> Vec<SpaceView<'_>> {
    let spaces: Vec<SpaceView<'_>> = site
        .visible_spaces()
        .filter_map(|space| {
            space.home.map(|home| SpaceView {
                title: &space.title,
                href: &site.pages[home].href_path,
            })
        })
        .collect();
    if spaces.len() > 1 { spaces } else { Vec::new() }
}

fn site_view(site: &Site) -> SiteView<'_> {
    SiteView {
        title: &site.title,
        language: &site.language,
        base_url: site.config.base_url.as_deref(),
        favicon: SiteImage::of(site, site.config.favicon.as_deref()),
        logo: SiteImage::of(site, site.config.logo.as_deref()),
    }
}

/// Whether a theme whose globals were set for `a` ([`set_site_globals`]) serves `b` as well:
/// `carnet serve` keeps its loaded theme across saves that change neither.
pub fn same_site_globals(a: &Site, b: &Site) -> bool {
    site_view(a) == site_view(b) && space_views(a) == space_views(b)
}

/// Puts what every page shares (site, theme asset paths, the theme's words) in Tera's global
/// context once, instead of into each page's context.
pub fn set_site_globals(theme: &mut Theme, site: &Site) {
    let view = site_view(site);
    let assets = theme.asset_paths.clone();
    let globals = theme.tera.global_context();
    globals.insert("site", &view);
    globals.insert("lang", &site.language);
    globals.insert("assets", &assets);
    globals.insert("t", &theme_strings(&site.language));
    globals.insert("spaces", &space_views(site));
}

/// Renders pages of one site with one theme; what all pages share is prepared once.
pub struct SiteRenderer<'a> {
    theme: &'a Theme,
    site: &'a Site,
    /// One per space.
    sidebars: Sidebars<'a>,
    /// "Last updated" dates, with `last_updated: git`.
    dates: Option<&'a PageDates>,
}

enum Sidebars<'a> {
    Owned(Vec<Sidebar>),
    Shared(&'a [Sidebar]),
}

/// The prepared sidebar of every space of `site`, in space order.
pub fn prepare_sidebars(site: &Site) -> Vec<Sidebar> {
    site.spaces
        .iter()
        .map(|space| Sidebar::new(site, space))
        .collect()
}

impl<'a> SiteRenderer<'a> {
    pub fn new(theme: &'a Theme, site: &'a Site) -> Self {
        SiteRenderer {
            theme,
            site,
            sidebars: Sidebars::Owned(prepare_sidebars(site)),
            dates: None,
        }
    }

    /// Pages show the dates of `dates` ("Last updated", and `lastmod` in the sitemap).
    pub fn with_dates(mut self, dates: Option<&'a PageDates>) -> Self {
        self.dates = dates;
        self
    }

    pub fn dates(&self) -> Option<&'a PageDates> {
        self.dates
    }

    /// A renderer over sidebars prepared earlier ([`prepare_sidebars`]), for a server that
    /// renders one page per request.
    pub fn with_sidebars(theme: &'a Theme, site: &'a Site, sidebars: &'a [Sidebar]) -> Self {
        SiteRenderer {
            theme,
            site,
            sidebars: Sidebars::Shared(sidebars),
            dates: None,
        }
    }

    fn sidebar(&self, space: usize) -> &Sidebar {
        let all = match &self.sidebars {
            Sidebars::Owned(all) => all.as_slice(),
            Sidebars::Shared(all) => all,
        };
        &all[space]
    }

    /// Renders one page with its resolved content.
    pub fn page(&self, id: PageId, content: &str) -> Result<Vec<u8>, Diagnostic> {
        self.theme.render(
            "page.html",
            &page_context(
                self.site,
                self.sidebar(self.site.pages[id].space),
                id,
                content,
                self.dates,
            ),
        )
    }

    /// Renders page `number` (from 2) of the listing of the pages the page `id` owns.
    pub fn section_listing(&self, id: PageId, number: usize) -> Result<Vec<u8>, Diagnostic> {
        self.theme.render(
            "page.html",
            &listing_context(
                self.site,
                self.sidebar(self.site.pages[id].space),
                id,
                number,
            ),
        )
    }

    /// Renders the site home of a tree of spaces that has no root README of its own.
    pub fn spaces_home(&self) -> Result<Vec<u8>, Diagnostic> {
        self.theme.render(
            "spaces.html",
            &spaces_home_context(self.site, self.sidebar(0)),
        )
    }

    /// Renders the 404 page, whose links are absolute from the site's base path.
    pub fn not_found(&self) -> Result<Vec<u8>, Diagnostic> {
        let base_path = self.site.config.base_path();
        self.theme.render(
            "404.html",
            &not_found_context(self.site, self.sidebar(0), &base_path),
        )
    }
}
