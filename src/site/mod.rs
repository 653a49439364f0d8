//! The `site` stage: the model every page is rendered against.
//!
//! Pages are loaded alone (phase 1, in parallel); here they become a site: each gets its URL, the
//! URL and source indexes are built, SUMMARY.md becomes the navigation, titles are settled by
//! GitBook's rule and pages missing from SUMMARY.md are left unpublished. Links are resolved
//! against this model (see [`links`]), so no page ever reads another page's file.

mod assemble;
pub mod links;
pub mod nav;
mod page;
pub mod redirects;
pub mod url;

use std::collections::HashMap;
use std::path::PathBuf;

pub use assemble::assemble_site;
pub use nav::{Nav, NavNode, NavTarget};
pub use page::{LoadContext, Page, load_page};

use crate::config::SiteConfig;
use crate::source::SourceFile;

/// Index of a page in [`Site::pages`].
pub type PageId = usize;

/// A whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Sorted by source path.
    pub pages: Vec<Page>,
    pub assets: Vec<SourceFile>,
    pub nav: Nav,
    pub home: Option<PageId>,
    pub title: String,
    /// Where SUMMARY.md is, for diagnostics that point into it.
    pub summary_path: Option<PathBuf>,
    by_source: HashMap<String, PageId>,
    by_url: HashMap<String, PageId>,
    asset_sizes: HashMap<String, u64>,
}

impl Site {
    pub fn page_by_source(&self, rel: &str) -> Option<PageId> {
        self.by_source.get(rel).copied()
    }

    pub fn page_by_url(&self, url: &str) -> Option<PageId> {
        self.by_url.get(url).copied()
    }

    pub fn has_asset(&self, rel: &str) -> bool {
        self.asset_sizes.contains_key(rel)
    }

    pub fn asset_size(&self, rel: &str) -> Option<u64> {
        self.asset_sizes.get(rel).copied()
    }

    /// The pages that are written out, in source order.
    pub fn published(&self) -> impl Iterator<Item = (PageId, &Page)> {
        self.pages.iter().enumerate().filter(|(_, p)| p.published)
    }
}
