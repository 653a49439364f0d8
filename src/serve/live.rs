//! The site as `carnet serve` keeps it: pages loaded once and reloaded only when their file
//! changes, and a snapshot that renders each output file when it is first requested.
//!
//! Why this is never stale: a rebuild re-reads every file a change touched, re-runs the same
//! assembly as `carnet build` over all pages (URLs, navigation, titles, links are recomputed, not
//! patched), and drops every rendered file. What is kept between rebuilds is only what cannot
//! differ: a page loaded from the same bytes, in the same context, loads the same. Rendering is
//! lazy, so a save costs the reload of one file, the assembly, and the one page the browser asks
//! for again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::build::{BuildOptions, Inputs};
use crate::config::load_config;
use crate::diagnostic::{Diagnostic, display_path};
use crate::render::{
    Sidebar, SiteRenderer, Theme, load_theme, prepare_sidebars, render_shared, set_site_globals,
    shared_outputs,
};
use crate::site::redirects::Redirect;
use crate::site::{Page, Site, assemble_site, load_page_bytes};

/// A page as loaded from its file, and the hash of the bytes it was loaded from.
struct Loaded {
    hash: blake3::Hash,
    page: Page,
    diagnostics: Vec<Diagnostic>,
}

/// What a reload produced.
pub struct Rebuilt {
    pub snapshot: Snapshot,
    /// Pages read and parsed again (the rest came from memory).
    pub reloaded: usize,
    pub took: Duration,
}

/// The site being served, between rebuilds.
pub struct LiveSite {
    options: BuildOptions,
    loaded: HashMap<String, Loaded>,
    /// What every page load depends on besides its own file: language, includes, variables.
    context_key: Option<blake3::Hash>,
    generation: u64,
}

impl LiveSite {
    pub fn new(options: BuildOptions) -> Self {
        LiveSite {
            options,
            loaded: HashMap::new(),
            context_key: None,
            generation: 0,
        }
    }

    /// Loads what changed and assembles a new snapshot. `changed` are absolute paths (empty: the
    /// first build). An `Err` carries the errors that leave nothing renderable (configuration,
    /// templates): the caller keeps serving the previous snapshot.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Vec<Diagnostic>> {
        let started = Instant::now();
        let (config, mut diagnostics) =
            load_config(&self.options.site_dir, &self.options.overrides)?;
        let inputs = Inputs::discover(&config, &mut diagnostics);
        let sources = &inputs.sources;

        // A page's load also depends on the language, `.gitbook/vars.yaml` and included files:
        // when any of those may have changed, nothing loaded before can be trusted.
        let page_paths: HashSet<&Path> = sources.pages.iter().map(|p| p.abs.as_path()).collect();
        let mut context = blake3::Hasher::new();
        context.update(config.language.as_bytes());
        for (key, value) in &inputs.vars {
            context.update(key.as_bytes());
            context.update(value.as_bytes());
        }
        let context_key = context.finalize();
        // Includes are Markdown files that are not pages; SUMMARY.md only affects assembly.
        let touches_context = changed.iter().any(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            !page_paths.contains(path.as_path())
                && !name.eq_ignore_ascii_case("SUMMARY.md")
                && (name.ends_with(".md") || name == "vars.yaml" || name == "vars.yml")
        });
        if self.context_key != Some(context_key) || touches_context {
            self.loaded.clear();
            self.context_key = Some(context_key);
        }
        let changed: HashSet<&Path> = changed.iter().map(PathBuf::as_path).collect();

        let load_context = inputs.context(&config);
        let site_dir = config.site_dir.clone();
        let loaded = &self.loaded;
        let fresh: Vec<(String, Option<Loaded>, Option<Diagnostic>)> = sources
            .pages
            .par_iter()
            .filter(|file| !loaded.contains_key(&file.rel) || changed.contains(file.abs.as_path()))
            .map(|file| {
                let bytes = match std::fs::read(&file.abs) {
                    Ok(bytes) => bytes,
                    Err(err) => {
                        let diagnostic = Diagnostic::error(
                            "unreadable-file",
                            format!("cannot read the page: {err}"),
                        )
                        .in_file(display_path(&file.abs, &site_dir));
                        return (file.rel.clone(), None, Some(diagnostic));
                    }
                };
                let hash = blake3::hash(&bytes);
                if loaded.get(&file.rel).is_some_and(|l| l.hash == hash) {
                    return (file.rel.clone(), None, None);
                }
                let (page, page_diagnostics) = load_page_bytes(
                    file,
                    display_path(&file.abs, &site_dir),
                    &bytes,
                    &load_context,
                );
                let loaded = page.map(|page| Loaded {
                    hash,
                    page,
                    diagnostics: page_diagnostics,
                });
                (file.rel.clone(), loaded, None)
            })
            .collect();
        let mut reloaded = 0;
        for (rel, page, problem) in fresh {
            diagnostics.extend(problem);
            if let Some(page) = page {
                reloaded += 1;
                self.loaded.insert(rel, page);
            }
        }
        let current: HashSet<&str> = sources.pages.iter().map(|p| p.rel.as_str()).collect();
        self.loaded.retain(|rel, _| current.contains(rel.as_str()));

        let mut pages = Vec::with_capacity(sources.pages.len());
        for file in &sources.pages {
            if let Some(loaded) = self.loaded.get(&file.rel) {
                // Sources move with the walk (a renamed folder): the page keeps its load.
                let mut page = loaded.page.clone();
                page.source = file.clone();
                pages.push(page);
                diagnostics.extend(loaded.diagnostics.iter().cloned());
            }
        }
        let Inputs {
            sources, spaces, ..
        } = inputs;
        let (site, site_diagnostics) = assemble_site(config, pages, sources.assets, spaces);
        diagnostics.extend(site_diagnostics);
        let mut theme = load_theme(&site.config)?;
        set_site_globals(&mut theme, &site);
        let (redirects, redirect_diagnostics) = site.redirects();
        diagnostics.extend(redirect_diagnostics);
        // Links of the pages that changed: their broken links belong in the overlay now.
        for (id, page) in site.published() {
            if changed.contains(page.source.abs.as_path()) {
                diagnostics.extend(site.resolve_page_html(id).1);
            }
        }
        self.options.apply_policy(&mut diagnostics);
        self.generation += 1;
        let snapshot = Snapshot {
            generation: self.generation,
            site,
            theme,
            redirects,
            diagnostics,
            sidebars: OnceLock::new(),
            rendered: Mutex::default(),
            search: OnceLock::new(),
        };
        Ok(Rebuilt {
            snapshot,
            reloaded,
            took: started.elapsed(),
        })
    }
}

/// One consistent state of the site: every request renders from one snapshot.
pub struct Snapshot {
    pub generation: u64,
    pub site: Site,
    pub theme: Theme,
    pub redirects: Vec<Redirect>,
    /// Everything the rebuild found.
    pub diagnostics: Vec<Diagnostic>,
    sidebars: OnceLock<Vec<Sidebar>>,
    rendered: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    search: OnceLock<HashMap<String, Arc<Vec<u8>>>>,
}

impl Snapshot {
    /// The bytes of the output file at `path` (output-relative, `a/b/index.html`), rendered on
    /// first request, or `None` when a build would not write such a file.
    pub fn output(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        if let Some(bytes) = self
            .rendered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return Some(bytes.clone());
        }
        let bytes = Arc::new(self.render(path)?);
        // Assets are read from the sources each time: they can be large, and reading is cheap.
        if !self.site.has_asset(path) {
            self.rendered
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.to_owned(), bytes.clone());
        }
        Some(bytes)
    }

    fn renderer(&self) -> SiteRenderer<'_> {
        let sidebars = self.sidebars.get_or_init(|| prepare_sidebars(&self.site));
        SiteRenderer::with_sidebars(&self.theme, &self.site, sidebars)
    }

    fn render(&self, path: &str) -> Option<Vec<u8>> {
        if let Some(url) = path.strip_suffix("index.html")
            && let Some(id) = self.site.page_by_url(url)
            && self.site.pages[id].published
        {
            let (content, _) = self.site.resolve_page_html(id);
            return Some(match self.renderer().page(id, &content) {
                Ok(html) => html,
                Err(error) => error_page(&error),
            });
        }
        if path.starts_with("search/") {
            let files = self.search.get_or_init(|| {
                crate::search::index_in_memory(&self.site)
                    .into_iter()
                    .map(|file| (file.path, Arc::new(file.bytes)))
                    .collect()
            });
            return files.get(path).map(|bytes| bytes.to_vec());
        }
        let shared = shared_outputs(&self.site, &self.theme, &self.redirects);
        if let Some((_, output)) = shared.iter().find(|(p, _)| p == path) {
            let renderer = self.renderer();
            return Some(
                match render_shared(*output, &self.site, &renderer, &self.redirects) {
                    Ok(bytes) => bytes,
                    Err(error) => error_page(&error),
                },
            );
        }
        let asset = self.site.assets.iter().find(|a| a.rel == path)?;
        std::fs::read(&asset.abs).ok()
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
