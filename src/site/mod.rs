//! The `site` stage: the model every page is rendered against.
//!
//! Pages are loaded alone (phase 1, in parallel); here they become a site: each gets its URL, the
//! URL and source indexes are built, SUMMARY.md becomes the navigation, titles are settled by
//! GitBook's rule and pages missing from SUMMARY.md are left unpublished. Links are resolved
//! against this model (see [`links`]), so no page ever reads another page's file.

mod assemble;
pub mod language;
pub mod links;
pub mod nav;
mod page;
pub mod redirects;
pub mod spaces;
pub mod url;

use rustc_hash::FxHashMap;
use std::sync::Arc;

pub use assemble::{SummaryCache, assemble_site};
pub use nav::{Nav, NavNode, NavTarget};
pub use page::{LoadContext, Page, load_page, load_page_bytes};

use crate::config::SiteConfig;
use crate::source::SourceFile;
use spaces::SpaceSpec;

/// Index of a page in [`Site::pages`].
pub type PageId = usize;

/// One GitBook space of the site: its pages share a navigation and a URL prefix.
#[derive(Clone, Debug)]
pub struct Space {
    pub spec: SpaceSpec,
    pub nav: Nav,
    pub home: Option<PageId>,
    /// `docs.yaml`'s title, else the space home's title, else its folder's name.
    pub title: String,
    /// The language its pages are written in (see [`language`]): interface words, `<html lang>`
    /// and search stemming follow it.
    pub language: String,
}

impl Space {
    fn new(
        spec: SpaceSpec,
        nav: Nav,
        home: Option<PageId>,
        pages: &[Arc<Page>],
        language: String,
    ) -> Self {
        let title = spec
            .title
            .clone()
            .or_else(|| home.map(|h| pages[h].title.clone()))
            .unwrap_or_else(|| {
                spec.content_dir
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            });
        Space {
            spec,
            nav,
            home,
            title,
            language,
        }
    }
}

/// A whole site, ready to render.
#[derive(Clone, Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Sorted by source path.
    pub pages: Vec<Arc<Page>>,
    /// Shared, with the indexes below, between the site models `carnet serve` derives from one
    /// another when a save changes a page but not the site's structure.
    pub assets: Arc<Vec<SourceFile>>,
    /// The root space first; most sites have only that one.
    pub spaces: Arc<Vec<Space>>,
    /// The page at the site root.
    pub home: Option<PageId>,
    pub title: String,
    /// The language of what belongs to no space (the 404 page, the spaces home): `carnet.yaml`'s,
    /// else the root space's, else that of the first space with pages.
    pub language: String,
    // Fx: these are looked up for every link and SUMMARY.md entry, and rebuilt by every
    // reassembly in `carnet serve`; the keys come from the site's own files.
    by_source: Arc<FxHashMap<String, PageId>>,
    by_url: Arc<FxHashMap<String, PageId>>,
    asset_sizes: Arc<FxHashMap<String, u64>>,
    /// Each SUMMARY.md the navigation was built from, with the hash of the bytes read: what
    /// lets `carnet serve` tell an edit from a repeated event about the same save.
    pub summary_hashes: Vec<(std::path::PathBuf, blake3::Hash)>,
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

    /// The language of the page `id` (its space's).
    pub fn language_of(&self, id: PageId) -> &str {
        &self.spaces[self.pages[id].space].language
    }

    /// The navigation of the space `page` belongs to.
    pub fn nav_of(&self, page: PageId) -> &Nav {
        &self.spaces[self.pages[page].space].nav
    }

    /// Whether `space` has pages to publish (its navigation file is written).
    pub fn space_has_pages(&self, space: usize) -> bool {
        self.pages.iter().any(|p| p.space == space && p.published)
    }

    /// The spaces readers can visit (with a home page), for the space switcher.
    pub fn visible_spaces(&self) -> impl Iterator<Item = &Space> {
        self.spaces
            .iter()
            .filter(|s| s.home.is_some_and(|h| self.pages[h].published))
    }

    /// The pages that are written out, in source order.
    pub fn published(&self) -> impl Iterator<Item = (PageId, &Page)> {
        self.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.published)
            .map(|(id, p)| (id, &**p))
    }
}
