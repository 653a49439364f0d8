//! The site as `carnet serve` and `carnet build --watch` keep it between saves: every page
//! loaded once and loaded again only when its bytes (or a file it includes) change, and the last
//! assembled site.
//!
//! A rebuild takes one of two roads, chosen by what the change touches:
//! - **a page swap**, when every changed file is a page whose new load shows the rest of the
//!   site the same thing as before ([`Page::same_for_others`]: front matter, first heading,
//!   anchors). The new page replaces the old one in a copy of the site model (pages are shared,
//!   not copied); only its HTML and the search index can differ ([`Scope::Pages`]). This is what
//!   a save of a page body costs: one file read and parsed, no walk, no assembly.
//! - **a reassembly** otherwise: the same assembly as `carnet build` over all pages (URLs,
//!   navigation, titles and links are recomputed, not patched), from the pages loaded before
//!   wherever their bytes did not change. The walk of the folder is reused when the change only
//!   modified existing pages or SUMMARY.md.
//!
//! Why this is never stale: what is kept is only what cannot differ. A page loaded from the same
//! bytes, with the same included files, in the same context (language, variables, folders)
//! loads the same; the swap is taken only when the comparison shows nothing outside the page
//! changed; anything else is assembled again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::loading::{Loaded, context_key, dependents_of, load_file};
use super::snapshot::Snapshot;
use crate::build::{BuildOptions, Inputs};
use crate::cache::Cache;
use crate::config::{LastUpdated, SiteConfig, load_config};
use crate::diagnostic::{Diagnostic, display_path};
use crate::git_dates::{PageDates, page_dates};
use crate::render::{load_theme, same_site_globals, set_site_globals};
use crate::site::{PageId, Site, SummaryCache, assemble_site};

/// What the last successful assembly started from, to start the next rebuild from.
struct Assembled {
    inputs: Inputs,
    /// Page files by absolute path (as the watcher names them): index in `inputs.sources.pages`.
    page_files: HashMap<PathBuf, usize>,
    findings: Findings,
    snapshot: Arc<Snapshot>,
}

/// The findings of a reassembly that a page swap keeps.
struct Findings {
    config: Vec<Diagnostic>,
    walk: Vec<Diagnostic>,
    /// Pages that could not be read.
    unreadable: Vec<Diagnostic>,
    /// The assembly's and the redirects'.
    site: Vec<Diagnostic>,
}

/// Which outputs a rebuild may have changed, compared with the snapshot before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The HTML of these pages and the search index; nothing at all when empty.
    Pages(Vec<PageId>),
    /// Anything.
    Site,
}

/// What a rebuild produced.
pub struct Rebuilt {
    pub snapshot: Arc<Snapshot>,
    pub scope: Scope,
    /// Pages read and parsed again (the rest came from memory).
    pub reloaded: usize,
    /// The page files whose findings were looked at again: those changed, those including a
    /// changed file, and those whose links lead to a page that gained or lost anchors, was
    /// published or unpublished, or was deleted. Their warnings are what a contributor needs to
    /// see after this save.
    pub rechecked: Vec<PathBuf>,
    pub took: Duration,
}

impl Rebuilt {
    /// The save changed nothing (a second event about the same write, a file saved unchanged).
    pub fn is_unchanged(&self) -> bool {
        self.scope == Scope::Pages(Vec::new())
    }
}

/// The site being served or watched, between rebuilds.
pub struct LiveSite {
    options: BuildOptions,
    /// Looked up for every page of every reassembly: Fx, keyed by the site's own paths.
    loaded: FxHashMap<String, Loaded>,
    /// What every page load depends on besides its own file and its includes.
    context_key: Option<blake3::Hash>,
    generation: u64,
    assembled: Option<Assembled>,
    /// Changes a failed rebuild could not take yet.
    pending: Vec<PathBuf>,
    summaries: SummaryCache,
}

impl LiveSite {
    pub fn new(options: BuildOptions) -> Self {
        LiveSite {
            options,
            loaded: FxHashMap::default(),
            context_key: None,
            generation: 0,
            assembled: None,
            pending: Vec::new(),
            summaries: SummaryCache::default(),
        }
    }

    /// Loads what changed and makes a new snapshot. `changed` are absolute paths (empty: the
    /// first build). An `Err` carries the errors that leave nothing renderable (configuration,
    /// templates): the caller keeps the previous snapshot.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Vec<Diagnostic>> {
        let started = Instant::now();
        // Changes that arrived while the site could not be built are still to be taken.
        let mut changed_now = std::mem::take(&mut self.pending);
        changed_now.extend_from_slice(changed);
        changed_now.sort();
        changed_now.dedup();
        let changed = changed_now.as_slice();
        if let Some(snapshot) = self.repeated(changed) {
            return Ok(Rebuilt {
                snapshot,
                scope: Scope::Pages(Vec::new()),
                reloaded: 0,
                rechecked: Vec::new(),
                took: started.elapsed(),
            });
        }
        let mut preloaded = Vec::new();
        if let Some((snapshot, ids)) = self.swap_pages(changed, &mut preloaded) {
            let rechecked = ids
                .iter()
                .map(|&id| snapshot.site.pages[id].source.abs.clone())
                .collect();
            return Ok(Rebuilt {
                snapshot,
                reloaded: ids.len(),
                scope: Scope::Pages(ids),
                rechecked,
                took: started.elapsed(),
            });
        }
        match self.reassemble(changed, preloaded) {
            Ok((snapshot, reloaded, rechecked)) => Ok(Rebuilt {
                snapshot,
                scope: Scope::Site,
                reloaded,
                rechecked,
                took: started.elapsed(),
            }),
            Err(errors) => {
                // Nothing was assembled: start the next rebuild from scratch, with these changes.
                self.assembled = None;
                self.pending = changed_now;
                Err(errors)
            }
        }
    }

    /// The current snapshot when every changed file holds the bytes it was last read from
    /// (a page, or a SUMMARY.md): the change was already taken, or the file was saved as it was.
    fn repeated(&self, changed: &[PathBuf]) -> Option<Arc<Snapshot>> {
        let assembled = self.assembled.as_ref()?;
        let site = &assembled.snapshot.site;
        let unchanged = |path: &PathBuf| {
            let known = match assembled.page_files.get(path) {
                Some(&index) => {
                    let rel = &assembled.inputs.sources.pages[index].rel;
                    self.loaded.get(rel).map(|l| l.hash)
                }
                None => site
                    .summary_hashes
                    .iter()
                    .find(|(summary, _)| summary == path)
                    .map(|(_, hash)| *hash),
            };
            known.is_some_and(|hash| std::fs::read(path).is_ok_and(|b| blake3::hash(&b) == hash))
        };
        (!changed.is_empty() && changed.iter().all(unchanged)).then(|| assembled.snapshot.clone())
    }

    /// The page swap (see the module's comment), or `None` when the change needs a reassembly;
    /// the pages loaded to find that out are left in `preloaded` for it.
    fn swap_pages(
        &mut self,
        changed: &[PathBuf],
        preloaded: &mut Vec<(String, Loaded)>,
    ) -> Option<(Arc<Snapshot>, Vec<PageId>)> {
        let assembled = self.assembled.as_ref()?;
        if changed.is_empty() {
            return None;
        }
        let old = &assembled.snapshot;
        let mut files = Vec::with_capacity(changed.len());
        for path in changed {
            files.push(*assembled.page_files.get(path)?);
        }
        let dependents = dependents_of(&self.loaded, changed, &old.site.config.content_dir);
        files.extend(
            dependents
                .iter()
                .filter_map(|abs| assembled.page_files.get(abs).copied()),
        );
        files.sort_unstable();
        files.dedup();

        let mut fresh = Vec::with_capacity(files.len());
        for index in files {
            let file = &assembled.inputs.sources.pages[index];
            let id = old.site.page_by_source(&file.rel)?;
            let previous = self.loaded.get(&file.rel)?;
            let bytes = old
                .site
                .config
                .root
                .read_source(&file.abs, crate::limits::MAX_PAGE_BYTES)
                .ok()?;
            let hash = blake3::hash(&bytes);
            if hash == previous.hash && !dependents.contains(&file.abs) {
                continue;
            }
            let loaded = load_file(
                file,
                &bytes,
                hash,
                &assembled.inputs,
                &old.site.config,
                None,
            )?;
            fresh.push((id, file.rel.clone(), loaded));
        }
        let same = fresh
            .iter()
            .all(|(_, rel, new)| self.loaded[rel].page.same_for_others(&new.page));
        if !same {
            preloaded.extend(fresh.into_iter().map(|(_, rel, new)| (rel, new)));
            return None;
        }
        let mut site = old.site.clone();
        let mut ids = Vec::with_capacity(fresh.len());
        for (id, rel, new) in fresh {
            let mut page = (*site.pages[id]).clone();
            page.doc = new.page.doc.clone();
            page.fragment = new.page.fragment.clone();
            site.pages[id] = Arc::new(page);
            ids.push(id);
            self.loaded.insert(rel, new);
        }
        if ids.is_empty() {
            return Some((old.clone(), ids));
        }
        let mut diagnostics = self.diagnostics_of(&assembled.findings, &assembled.inputs);
        for &id in &ids {
            diagnostics.extend(crate::render::page_content(&site, id).1);
        }
        self.options.apply_policy(&mut diagnostics);
        self.generation += 1;
        let (dates, _) = read_dates(&site);
        let snapshot = Arc::new(old.derive(self.generation, site, &ids, diagnostics, dates));
        if let Some(assembled) = &mut self.assembled {
            assembled.snapshot = snapshot.clone();
        }
        Some((snapshot, ids))
    }

    /// Everything but the links' findings, in the order a build finds them.
    fn diagnostics_of(&self, findings: &Findings, inputs: &Inputs) -> Vec<Diagnostic> {
        let mut diagnostics = findings.config.clone();
        diagnostics.extend(findings.walk.iter().cloned());
        diagnostics.extend(findings.unreadable.iter().cloned());
        for file in &inputs.sources.pages {
            if let Some(loaded) = self.loaded.get(&file.rel) {
                diagnostics.extend(loaded.diagnostics.iter().cloned());
            }
        }
        diagnostics.extend(findings.site.iter().cloned());
        diagnostics
    }

    /// The reassembly (see the module's comment).
    fn reassemble(
        &mut self,
        changed: &[PathBuf],
        mut preloaded: Vec<(String, Loaded)>,
    ) -> Result<Reassembled, Vec<Diagnostic>> {
        let (config, config_diagnostics) =
            load_config(&self.options.site_dir, &self.options.overrides)?;
        let previous = self.assembled.as_ref().map(|a| a.snapshot.clone());
        let changed_paths = changed;
        let (inputs, walk_diagnostics) = match self.assembled.take() {
            Some(previous) if walk_still_valid(&previous, changed) => {
                (previous.inputs, previous.findings.walk)
            }
            _ => {
                let mut found = Vec::new();
                let inputs = Inputs::discover(&config, &mut found);
                (inputs, found)
            }
        };
        let context_key = context_key(&config, &inputs);
        if self.context_key != Some(context_key) {
            self.loaded.clear();
            preloaded.clear();
            self.context_key = Some(context_key);
        }
        let dependents = dependents_of(&self.loaded, changed, &config.content_dir);
        let changed: HashSet<&Path> = changed.iter().map(PathBuf::as_path).collect();
        let (reloaded, unreadable, anchors_changed) =
            self.load_changed(&inputs, &config, &changed, &dependents, preloaded);
        let sources = &inputs.sources;
        let current: FxHashSet<&str> = sources.pages.iter().map(|p| p.rel.as_str()).collect();
        self.loaded.retain(|rel, _| current.contains(rel.as_str()));

        let mut pages = Vec::with_capacity(sources.pages.len());
        for file in &sources.pages {
            if let Some(loaded) = self.loaded.get(&file.rel) {
                pages.push((*loaded.page).clone());
            }
        }
        let (site, mut site_findings) = assemble_site(
            config,
            pages,
            sources.assets.clone(),
            inputs.spaces.clone(),
            &mut self.summaries,
            None,
        );
        let theme = match kept_theme(previous.as_ref(), &site, changed_paths) {
            Some(theme) => theme,
            None => {
                let mut theme = load_theme(&site.config)?;
                set_site_globals(&mut theme, &site);
                Arc::new(theme)
            }
        };
        let (redirects, redirect_findings) = site.redirects();
        site_findings.extend(redirect_findings);
        let (dates, date_findings) = read_dates(&site);
        site_findings.extend(date_findings);
        let findings = Findings {
            config: config_diagnostics,
            walk: walk_diagnostics,
            unreadable,
            site: site_findings,
        };

        let mut diagnostics = self.diagnostics_of(&findings, &inputs);
        // Links of the pages that changed, and of those leading to them: their broken links
        // belong in the overlay now.
        let mut recheck: Vec<PageId> = site
            .published()
            .filter(|(_, page)| {
                let abs = page.source.abs.as_path();
                changed.contains(abs) || dependents.contains(abs)
            })
            .map(|(id, _)| id)
            .collect();
        if let Some(previous) = &previous {
            let (targets, gone) = link_targets_changed(&previous.site, &site, &anchors_changed);
            recheck.extend(site.referrers(&targets, &gone));
            recheck.sort_unstable();
            recheck.dedup();
        }
        for &id in &recheck {
            diagnostics.extend(crate::render::page_content(&site, id).1);
        }
        let rechecked = recheck
            .iter()
            .map(|&id| site.pages[id].source.abs.clone())
            .collect();
        self.options.apply_policy(&mut diagnostics);
        self.generation += 1;
        let snapshot = Arc::new(Snapshot::new(
            self.generation,
            site,
            theme,
            redirects,
            diagnostics,
            dates,
        ));
        let page_files = inputs
            .sources
            .pages
            .iter()
            .enumerate()
            .map(|(index, file)| (file.abs.clone(), index))
            .collect();
        self.assembled = Some(Assembled {
            inputs,
            page_files,
            findings,
            snapshot: snapshot.clone(),
        });
        Ok((snapshot, reloaded, rechecked))
    }

    /// Loads, in parallel, the pages not loaded yet, those whose file changed (when its bytes
    /// did), and those including a changed file, but for those `preloaded` already. Returns how
    /// many were loaded, the findings about pages that could not be read, and the pages loaded
    /// again with other anchors.
    fn load_changed(
        &mut self,
        inputs: &Inputs,
        config: &SiteConfig,
        changed: &HashSet<&Path>,
        dependents: &HashSet<PathBuf>,
        preloaded: Vec<(String, Loaded)>,
    ) -> (usize, Vec<Diagnostic>, HashSet<String>) {
        let loaded = &self.loaded;
        // Loading everything (the first build, another language…): the build cache has the
        // pages a previous build or watch loaded.
        let mut cache_findings = Vec::new();
        let cache = match &config.cache {
            Some(settings) if loaded.is_empty() => {
                let (cache, found) = Cache::open(settings);
                cache_findings = found;
                cache
            }
            _ => None,
        };
        let done: HashSet<String> = preloaded.iter().map(|(rel, _)| rel.clone()).collect();
        let mut fresh: Vec<(String, Result<Option<Loaded>, Diagnostic>)> = inputs
            .sources
            .pages
            .par_iter()
            .filter(|file| {
                !done.contains(&file.rel)
                    && (!loaded.contains_key(&file.rel)
                        || changed.contains(file.abs.as_path())
                        || dependents.contains(&file.abs))
            })
            .map(|file| {
                let bytes = match config
                    .root
                    .read_source(&file.abs, crate::limits::MAX_PAGE_BYTES)
                {
                    Ok(bytes) => bytes,
                    Err(err) => {
                        let diagnostic = Diagnostic::error(
                            "unreadable-file",
                            format!("cannot read the page: {err}"),
                        )
                        .in_file(display_path(&file.abs, &config.site_dir));
                        return (file.rel.clone(), Err(diagnostic));
                    }
                };
                let hash = blake3::hash(&bytes);
                if !dependents.contains(&file.abs)
                    && loaded.get(&file.rel).is_some_and(|l| l.hash == hash)
                {
                    return (file.rel.clone(), Ok(None));
                }
                let page = load_file(file, &bytes, hash, inputs, config, cache.as_ref());
                (file.rel.clone(), Ok(page))
            })
            .collect();
        fresh.extend(
            preloaded
                .into_iter()
                .map(|(rel, page)| (rel, Ok(Some(page)))),
        );
        let mut reloaded = 0;
        let mut unreadable = cache_findings;
        if let Some(cache) = cache {
            unreadable.extend(cache.save());
        }
        let mut anchors_changed = HashSet::new();
        for (rel, result) in fresh {
            match result {
                Ok(Some(page)) => {
                    reloaded += 1;
                    let before = self.loaded.insert(rel.clone(), page);
                    if before
                        .is_some_and(|b| b.page.fragment.ids != self.loaded[&rel].page.fragment.ids)
                    {
                        anchors_changed.insert(rel);
                    }
                }
                Ok(None) => {}
                Err(diagnostic) => {
                    self.loaded.remove(&rel);
                    unreadable.push(diagnostic);
                }
            }
        }
        (reloaded, unreadable, anchors_changed)
    }
}

/// The theme of the `previous` snapshot, when it serves `site` unchanged: nothing under the
/// themes folder was saved, the theme is the same, and so are the site-wide values set in it
/// (loading the templates again is a fifth of a reassembly).
fn kept_theme(
    previous: Option<&Arc<Snapshot>>,
    site: &crate::site::Site,
    changed: &[PathBuf],
) -> Option<Arc<crate::render::Theme>> {
    let previous = previous?;
    let themes = site.config.site_dir.join("themes");
    let untouched = !changed.is_empty() && !changed.iter().any(|path| path.starts_with(&themes));
    (untouched
        && previous.site.config.theme == site.config.theme
        && previous.site.config.site_dir == site.config.site_dir
        && same_site_globals(&previous.site, site))
    .then(|| previous.theme.clone())
}

/// What [`LiveSite::reassemble`] returns: the snapshot, how many pages were loaded again, and
/// the page files whose findings were looked at again.
type Reassembled = (Arc<Snapshot>, usize, Vec<PathBuf>);

/// What links in other pages may now find differently, between the `previous` site and `site`:
/// the pages (of `site`) loaded again with other anchors (`anchors_changed`, by source path)
/// or published where they were not (or the reverse), and the pages deleted.
fn link_targets_changed(
    previous: &crate::site::Site,
    site: &crate::site::Site,
    anchors_changed: &HashSet<String>,
) -> (Vec<PageId>, Vec<String>) {
    let targets = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, page)| {
            anchors_changed.contains(&page.source.rel)
                || previous
                    .page_by_source(&page.source.rel)
                    .is_some_and(|old| previous.pages[old].published != page.published)
        })
        .map(|(id, _)| id)
        .collect();
    let gone = previous
        .pages
        .iter()
        .filter(|page| site.page_by_source(&page.source.rel).is_none())
        .map(|page| page.source.rel.clone())
        .collect();
    (targets, gone)
}

/// Whether the walk of `previous` still describes the folder after `changed`: every changed
/// path is a page or a SUMMARY.md it found, and is still a plain file. (A new, deleted or
/// renamed file, an asset, a configuration or theme file, a file that is now a symbolic link:
/// the folder is walked again, and the walk decides whether a link may be followed.)
fn walk_still_valid(previous: &Assembled, changed: &[PathBuf]) -> bool {
    let summaries = &previous.snapshot.site.summary_hashes;
    !changed.is_empty()
        && changed.iter().all(|path| {
            (previous.page_files.contains_key(path) || summaries.iter().any(|(s, _)| s == path))
                && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
        })
}

/// The "Last updated" dates of `site`'s published pages (`last_updated: git`), as a build reads
/// them: one walk of the history, at each rebuild (a commit touches no watched file, so the
/// next save is when it is seen), with the warnings a build gives.
fn read_dates(site: &Site) -> (Option<Arc<PageDates>>, Vec<Diagnostic>) {
    match site.config.last_updated {
        Some(LastUpdated::Git) => {
            let sources = site.published().map(|(_, page)| page.source.rel.as_str());
            let (dates, found) = page_dates(&site.config, sources);
            (Some(Arc::new(dates)), found)
        }
        None => (None, Vec::new()),
    }
}
