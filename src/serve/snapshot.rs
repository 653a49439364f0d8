//! One consistent state of the site as `carnet serve` and `carnet build --watch` hold it: the
//! site model, the theme, and every output file rendered on demand.
//!
//! Rendering is lazy (a save costs the pages a browser asks for again, not the whole site), and
//! a snapshot derived from another after a page swap ([`Snapshot::derive`]) keeps what cannot
//! have changed: the theme, the redirects, the prepared sidebars, and the other pages' HTML.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::Diagnostic;
use crate::render::{
    Sidebar, SiteRenderer, Theme, prepare_sidebars, render_shared, shared_outputs,
};
use crate::site::redirects::Redirect;
use crate::site::{PageId, Site};

/// Rendered output files, by output path.
type Rendered = HashMap<String, Arc<Vec<u8>>>;

/// One consistent state of the site: every request renders from one snapshot.
pub struct Snapshot {
    pub generation: u64,
    pub site: Site,
    pub theme: Arc<Theme>,
    pub redirects: Arc<Vec<Redirect>>,
    /// Everything the rebuild found.
    pub diagnostics: Vec<Diagnostic>,
    /// Shared with the snapshots derived from this one: the navigation they show is the same.
    sidebars: Arc<OnceLock<Vec<Sidebar>>>,
    rendered: Mutex<Rendered>,
    search: OnceLock<Rendered>,
}

impl Snapshot {
    pub fn new(
        generation: u64,
        site: Site,
        theme: Arc<Theme>,
        redirects: Vec<Redirect>,
        diagnostics: Vec<Diagnostic>,
    ) -> Self {
        Snapshot {
            generation,
            site,
            theme,
            redirects: Arc::new(redirects),
            diagnostics,
            sidebars: Arc::default(),
            rendered: Mutex::default(),
            search: OnceLock::new(),
        }
    }

    /// The snapshot of `site`, which is this snapshot's site with the pages `changed` loaded
    /// again and nothing else visible to other pages changed ([`crate::site::Page::same_for_others`]).
    /// Only those pages' HTML and the search index are rendered again.
    pub fn derive(
        &self,
        generation: u64,
        site: Site,
        changed: &[PageId],
        diagnostics: Vec<Diagnostic>,
    ) -> Snapshot {
        let stale: HashSet<String> = changed
            .iter()
            .map(|&id| format!("{}index.html", site.pages[id].url))
            .collect();
        let kept: Rendered = self
            .lock_rendered()
            .iter()
            .filter(|(path, _)| !stale.contains(*path) && is_page_html(&site, path))
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .collect();
        Snapshot {
            generation,
            site,
            theme: self.theme.clone(),
            redirects: self.redirects.clone(),
            diagnostics,
            sidebars: self.sidebars.clone(),
            rendered: Mutex::new(kept),
            search: OnceLock::new(),
        }
    }

    /// The bytes of the output file at `path` (output-relative, `a/b/index.html`), rendered on
    /// first request and kept, or `None` when a build would not write such a file.
    pub fn output(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        if let Some(bytes) = self.lock_rendered().get(path) {
            return Some(bytes.clone());
        }
        let bytes = Arc::new(self.render(path)?);
        // Assets are read from the sources each time: they can be large, and reading is cheap.
        if !self.site.has_asset(path) {
            self.lock_rendered().insert(path.to_owned(), bytes.clone());
        }
        Some(bytes)
    }

    /// The output paths of everything but the pages and the assets: the search index and the
    /// shared outputs (theme files, navigation, 404, redirects, hosting files).
    pub fn generated_paths(&self) -> Vec<String> {
        let mut paths = self.search_paths();
        paths.extend(
            shared_outputs(&self.site, &self.theme, &self.redirects)
                .into_iter()
                .map(|(path, _)| path),
        );
        paths
    }

    /// The output paths of the search index (they change with any page's text).
    pub fn search_paths(&self) -> Vec<String> {
        self.search_files().keys().cloned().collect()
    }

    /// A published page rendered now and not kept, with what its references' resolution found.
    pub fn render_page(&self, id: PageId) -> (Result<Vec<u8>, Diagnostic>, Vec<Diagnostic>) {
        let (content, found) = self.site.resolve_page_html(id);
        (self.renderer().page(id, &content), found)
    }

    /// The output file at `path` rendered now and not kept (`carnet build --watch` writes each
    /// file once), or the template error that stops it; `None` for assets (copied, not
    /// rendered) and for paths a build would not write.
    pub fn render_uncached(&self, path: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
        if self.site.has_asset(path) {
            return None;
        }
        self.render_result(path)
    }

    fn lock_rendered(&self) -> std::sync::MutexGuard<'_, Rendered> {
        self.rendered.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn renderer(&self) -> SiteRenderer<'_> {
        let sidebars = self.sidebars.get_or_init(|| prepare_sidebars(&self.site));
        SiteRenderer::with_sidebars(&self.theme, &self.site, sidebars)
    }

    fn search_files(&self) -> &Rendered {
        self.search.get_or_init(|| {
            crate::search::index_in_memory(&self.site)
                .into_iter()
                .map(|file| (file.path, Arc::new(file.bytes)))
                .collect()
        })
    }

    /// What the server shows: a template error is shown where the page would have been.
    fn render(&self, path: &str) -> Option<Vec<u8>> {
        self.render_result(path)
            .map(|result| result.unwrap_or_else(|error| error_page(&error)))
    }

    fn render_result(&self, path: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
        if let Some(url) = path.strip_suffix("index.html")
            && let Some(id) = self.site.page_by_url(url)
            && self.site.pages[id].published
        {
            let (content, _) = self.site.resolve_page_html(id);
            return Some(self.renderer().page(id, &content));
        }
        if path.starts_with("search/") {
            return self
                .search_files()
                .get(path)
                .map(|bytes| Ok(bytes.to_vec()));
        }
        let shared = shared_outputs(&self.site, &self.theme, &self.redirects);
        if let Some((_, output)) = shared.iter().find(|(p, _)| p == path) {
            let renderer = self.renderer();
            return Some(render_shared(
                *output,
                &self.site,
                &renderer,
                &self.redirects,
            ));
        }
        let asset = self.site.assets.iter().find(|a| a.rel == path)?;
        self.site.config.root.read_listed(&asset.abs).ok().map(Ok)
    }
}

/// Whether `path` is the HTML of a published page of `site`.
fn is_page_html(site: &Site, path: &str) -> bool {
    path.strip_suffix("index.html")
        .and_then(|url| site.page_by_url(url))
        .is_some_and(|id| site.pages[id].published)
}

/// A page that could not be rendered (a template error): the message, where a reader would
/// have seen the page.
fn error_page(error: &Diagnostic) -> Vec<u8> {
    let mut message = String::new();
    let _ = pulldown_cmark_escape::escape_html(
        &mut message,
        &crate::report::render_human(error, false),
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>carnet: error</title></head><body><h1>This page could not be rendered</h1><pre>{message}</pre></body></html>\n"
    )
    .into_bytes()
}
