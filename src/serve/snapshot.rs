//! One consistent state of the site as `carnet serve` and `carnet build --watch` hold it: the
//! site model, the theme, and every output file rendered on demand.
//!
//! Rendering is lazy (a save costs the pages a browser asks for again, not the whole site), and
//! a snapshot derived from another after a page swap ([`Snapshot::derive`]) keeps what cannot
//! have changed: the theme, the redirects, the prepared sidebars, and the other pages' HTML.
//!
//! What is kept is kept small: rendered pages LZ4-packed (unpacked when asked for again, a few
//! microseconds a page), `llms-full.txt` by packed pieces ([`LlmsFull`]), the search index
//! without its page files (made again from their page when asked for, see [`LiveIndex`]).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use super::llms_full::LlmsFull;
use crate::diagnostic::Diagnostic;
use crate::git_dates::PageDates;
use crate::markdown::Packed;
use crate::render::{
    Job, Plan, SEARCH_DIR, Sidebar, SiteRenderer, Theme, page_content, page_html_path,
    prepare_sidebars, render_generated,
};
use crate::search::{IndexedFile, LiveIndex};
use crate::site::redirects::Redirect;
use crate::site::{PageId, Site};

/// Rendered output files, by output path, packed (the HTML of a page packs about 3× smaller).
type Rendered = std::collections::HashMap<String, Arc<Packed>>;

/// One consistent state of the site: every request renders from one snapshot.
pub struct Snapshot {
    pub generation: u64,
    pub site: Site,
    pub theme: Arc<Theme>,
    pub redirects: Arc<Vec<Redirect>>,
    /// Everything the rebuild found.
    pub diagnostics: Vec<Diagnostic>,
    /// "Last updated" dates (`last_updated: git`), as a build shows them.
    dates: Option<Arc<PageDates>>,
    /// Shared with the snapshots derived from this one: the navigation they show is the same.
    sidebars: Arc<OnceLock<Vec<Sidebar>>>,
    /// What a build would write, made on first use; shared like the sidebars (a page swap
    /// changes no output path).
    plan: Arc<OnceLock<Plan>>,
    rendered: Mutex<Rendered>,
    search: OnceLock<Arc<LiveIndex>>,
    /// The index of the snapshot this one was derived from, and the pages changed since: the
    /// index is made from it (only those pages indexed again), then dropped.
    search_base: Mutex<Option<(Arc<LiveIndex>, Vec<PageId>)>>,
    /// `llms-full.txt` by pieces (`carnet build --watch`), made on first use, and what it is
    /// made from: the pieces of the snapshot this one was derived from and the pages changed
    /// since, as for the index.
    llms: OnceLock<Arc<LlmsFull>>,
    llms_base: Mutex<Option<(Arc<LlmsFull>, Vec<PageId>)>>,
}

impl Snapshot {
    pub fn new(
        generation: u64,
        site: Site,
        theme: Arc<Theme>,
        redirects: Vec<Redirect>,
        diagnostics: Vec<Diagnostic>,
        dates: Option<Arc<PageDates>>,
    ) -> Self {
        Snapshot {
            generation,
            site,
            theme,
            redirects: Arc::new(redirects),
            diagnostics,
            dates,
            sidebars: Arc::default(),
            plan: Arc::default(),
            rendered: Mutex::default(),
            search: OnceLock::new(),
            search_base: Mutex::default(),
            llms: OnceLock::new(),
            llms_base: Mutex::default(),
        }
    }

    /// The snapshot of `site`, which is this snapshot's site with the pages `changed` loaded
    /// again and nothing else visible to other pages changed ([`crate::site::Page::same_for_others`]).
    /// Only those pages' HTML and the search index are rendered again, with `dates` (read
    /// again: a commit since the last save is seen at this one).
    pub fn derive(
        &self,
        generation: u64,
        site: Site,
        changed: &[PageId],
        diagnostics: Vec<Diagnostic>,
        dates: Option<Arc<PageDates>>,
    ) -> Snapshot {
        let stale: HashSet<String> = changed
            .iter()
            .map(|&id| page_html_path(&site.pages[id]))
            .collect();
        let plan = self.plan();
        // A new commit dates other pages too: then none is kept.
        let same_dates = self.dates == dates;
        let kept: Rendered = self
            .lock_rendered()
            .iter()
            .filter(|(path, _)| {
                same_dates && !stale.contains(*path) && matches!(plan.job(path), Some(Job::Page(_)))
            })
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .collect();
        let search_base = base_of(&self.search, &self.search_base, changed);
        let llms_base = base_of(&self.llms, &self.llms_base, changed);
        Snapshot {
            generation,
            site,
            theme: self.theme.clone(),
            redirects: self.redirects.clone(),
            diagnostics,
            dates,
            sidebars: self.sidebars.clone(),
            plan: self.plan.clone(),
            rendered: Mutex::new(kept),
            search: OnceLock::new(),
            search_base: Mutex::new(search_base),
            llms: OnceLock::new(),
            llms_base: Mutex::new(llms_base),
        }
    }

    /// The bytes of the output file at `path` (output-relative, `a/b/index.html`), rendered on
    /// first request and kept, or `None` when a build would not write such a file.
    pub fn output(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        let kept = self.lock_rendered().get(path).cloned();
        if let Some(packed) = kept {
            return Some(Arc::new(packed.unpack()));
        }
        let bytes = self.render(path)?;
        // Assets are read from the sources each time: they can be large, and reading is cheap.
        // The search index and `llms-full.txt` are kept by their own (a copy here would hold
        // them twice).
        if !matches!(
            self.plan().job(path),
            None | Some(Job::LlmsFull | Job::Asset(_))
        ) {
            let packed = Arc::new(Packed::pack(&bytes));
            self.lock_rendered().insert(path.to_owned(), packed);
        }
        Some(Arc::new(bytes))
    }

    /// What a build of this snapshot writes (but the search index).
    pub fn plan(&self) -> &Plan {
        self.plan
            .get_or_init(|| Plan::of_site(&self.site, &self.theme, &self.redirects))
    }

    /// The output paths of the search index (they change with any page's text).
    pub fn search_paths(&self) -> Vec<String> {
        self.search_index().paths()
    }

    /// The file of the search index at `path`, with its hash.
    pub fn search_file(&self, path: &str) -> Option<IndexedFile> {
        self.search_index().file(&self.site, path)
    }

    /// The hash of the file of the search index at `path`, without making the file.
    pub fn search_hash(&self, path: &str) -> Option<blake3::Hash> {
        self.search_index().hash(path)
    }

    /// `llms-full.txt` by pieces, brought up to date from the snapshot this one was derived
    /// from when there is one.
    pub fn llms_full(&self) -> Arc<LlmsFull> {
        self.llms
            .get_or_init(|| {
                let base = self
                    .llms_base
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                Arc::new(match base {
                    Some((base, changed)) => base.update(&self.site, &changed),
                    None => LlmsFull::new(&self.site),
                })
            })
            .clone()
    }

    /// A published page rendered now and not kept, with what its references' resolution found.
    pub fn render_page(&self, id: PageId) -> (Result<Vec<u8>, Diagnostic>, Vec<Diagnostic>) {
        let (content, found) = page_content(&self.site, id);
        (self.renderer().page(id, &content), found)
    }

    /// The generated output `job` at `path` rendered now and not kept (`carnet build --watch`
    /// writes each file once), or the template error that stops it; `None` for pages and assets
    /// (see [`Snapshot::render_page`]; assets are copied) and for search files it does not have.
    pub fn render_uncached(
        &self,
        path: &str,
        job: Option<Job>,
    ) -> Option<Result<Vec<u8>, Diagnostic>> {
        match job {
            None if path.starts_with(SEARCH_DIR) => self
                .search_file(path)
                .map(|file| Ok(Arc::unwrap_or_clone(file.bytes))),
            Some(Job::PlanFile) => {
                let search = self.search_paths();
                let search = search.iter().map(String::as_str);
                Some(Ok(self.plan().file(search).to_bytes()))
            }
            Some(job) if job.is_generated() => Some(render_generated(
                job,
                &self.site,
                &self.theme,
                &self.renderer(),
                &self.redirects,
            )),
            _ => None,
        }
    }

    fn lock_rendered(&self) -> std::sync::MutexGuard<'_, Rendered> {
        self.rendered.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn renderer(&self) -> SiteRenderer<'_> {
        let sidebars = self.sidebars.get_or_init(|| prepare_sidebars(&self.site));
        SiteRenderer::with_sidebars(&self.theme, &self.site, sidebars)
            .with_dates(self.dates.as_deref())
    }

    fn lock_search_base(&self) -> std::sync::MutexGuard<'_, Option<(Arc<LiveIndex>, Vec<PageId>)>> {
        self.search_base.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn search_index(&self) -> &LiveIndex {
        self.search.get_or_init(|| {
            let index = match self.lock_search_base().take() {
                Some((base, changed)) => base.update(&self.site, &changed),
                None => LiveIndex::new(&self.site),
            };
            Arc::new(index)
        })
    }

    /// What the server shows: a template error is shown where the page would have been.
    fn render(&self, path: &str) -> Option<Vec<u8>> {
        self.render_result(path)
            .map(|result| result.unwrap_or_else(|error| error_page(&error)))
    }

    fn render_result(&self, path: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
        match self.plan().job(path) {
            Some(Job::Page(id)) => {
                let (content, _) = page_content(&self.site, id);
                Some(self.renderer().page(id, &content))
            }
            Some(Job::Asset(index)) => self
                .site
                .config
                .root
                .read_listed(&self.site.assets[index].abs)
                .ok()
                .map(Ok),
            job => self.render_uncached(path, job),
        }
    }
}

/// What a derived snapshot makes its `made` from: this snapshot's, when made, or the base this
/// one had (a chain of saves with nothing asked in between), with the pages `changed` added.
fn base_of<T>(
    made: &OnceLock<Arc<T>>,
    base: &Mutex<Option<(Arc<T>, Vec<PageId>)>>,
    changed: &[PageId],
) -> Option<(Arc<T>, Vec<PageId>)> {
    match made.get() {
        Some(made) => Some((made.clone(), changed.to_vec())),
        None => base
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|(made, before)| {
                let mut pages = before.clone();
                pages.extend(changed.iter().filter(|id| !before.contains(id)));
                (made.clone(), pages)
            }),
    }
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
