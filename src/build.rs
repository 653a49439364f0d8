//! `carnet build`: the whole pipeline, from a folder of Markdown to a written site.
//!
//! Phase 1 loads every page in parallel (read, decode, front matter, Markdown → fragment); the site
//! is then assembled (URLs, navigation, titles); phase 2 resolves links and renders every page in
//! parallel, writing into a staging folder that replaces the output only when the build has no
//! errors. Every finding is collected, never printed: the caller decides how to show them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::cache::{Cache, OutputCache};
use crate::config::{CacheConfig, LastUpdated, Overrides, SiteConfig, load_config};
use crate::diagnostic::{Diagnostic, Severity, Tally, display_path};
use crate::git_dates::{PageDates, page_dates};
use crate::gitbook::blocks::FsIncludes;
use crate::markdown::Fragment;
use crate::output::{Staging, prepare_output};
use crate::render::{
    Job, LlmsPieces, PLAN_FILE, Plan, SiteRenderer, Theme, load_theme, page_content,
    page_content_of, page_markdown_of, render_digest, render_generated, search_digest,
    set_site_globals,
};
use crate::search::{PageTerms, SearchIndexer};
use crate::site::language::LanguageMemo;
use crate::site::spaces::SpaceSpec;
use crate::site::spaces::discover_spaces;
use crate::site::{LoadContext, Page, PageId, Site, SummaryCache, assemble_site, load_page};
use crate::source::{SourceTree, walk_sources};

/// What to build and how strictly.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub site_dir: PathBuf,
    pub overrides: Overrides,
    /// Warnings fail the build.
    pub strict: bool,
    /// `carnet check`: verify everything a build verifies, write nothing.
    pub check_only: bool,
    /// Diagnostic codes to drop (`--allow CODE`).
    pub allow: Vec<String>,
    /// Diagnostic codes that are errors (`--deny CODE`).
    pub deny: Vec<String>,
    /// Check external links too (`carnet check --external`).
    pub external: Option<crate::external::ExternalOptions>,
    /// Replace a non-empty output folder that carnet did not write (`--force`).
    pub force: bool,
}

impl BuildOptions {
    /// Applies `--allow`, `--deny` and `--strict` to a build's findings. `--strict` makes
    /// warnings errors and leaves notes notes (they are for a person to judge); `--deny` makes
    /// any finding of its code an error, notes included.
    pub fn apply_policy(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|d| !self.allow.iter().any(|code| code == d.code));
        for d in diagnostics.iter_mut() {
            let strict = self.strict && d.severity == Severity::Warning;
            if strict || self.deny.iter().any(|code| code == d.code) {
                d.severity = Severity::Error;
            }
        }
    }
}

/// The outcome of a build: its findings (sorted) and what was written.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub diagnostics: Vec<Diagnostic>,
    /// Pages rendered (published pages).
    pub pages: usize,
    /// The output folder, when the build got far enough to know it.
    pub output_dir: Option<PathBuf>,
    /// Whether the new output replaced the old one.
    pub written: bool,
    pub elapsed: Duration,
    /// Wall time of each phase, in order, for benchmarks and `--timings`.
    pub phases: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    pub fn tally(&self) -> Tally {
        Tally::of(&self.diagnostics)
    }

    pub fn succeeded(&self) -> bool {
        self.tally().errors == 0
    }

    /// The output folder was refused (a usage mistake: exit status 2): nothing was touched.
    pub fn output_refused(&self) -> bool {
        self.diagnostics.iter().any(|d| d.code == "invalid-output")
    }

    /// Runs `phase`, recording how long it took under `name`.
    fn time<T>(&mut self, name: &'static str, phase: impl FnOnce(&mut Self) -> T) -> T {
        let started = Instant::now();
        let result = phase(self);
        self.phases.push((name, started.elapsed()));
        result
    }
}

/// Builds the site in `options.site_dir`.
pub fn build(options: &BuildOptions) -> BuildReport {
    let started = Instant::now();
    let mut report = BuildReport::default();
    match load_config(&options.site_dir, &options.overrides) {
        Err(errors) => report.diagnostics.extend(errors),
        Ok((config, config_diagnostics)) => {
            report.output_dir = Some(config.output_dir.clone()).filter(|_| !options.check_only);
            let retry = config.cache.clone().map(|cache| SiteConfig {
                cache: Some(CacheConfig {
                    fresh: true,
                    ..cache
                }),
                ..config.clone()
            });
            report
                .diagnostics
                .extend(config_diagnostics.iter().cloned());
            build_site(config, options, &mut report);
            if let Some(config) = retry
                && report.diagnostics.iter().any(|d| d.code == CACHE_DAMAGED)
            {
                // An entry that passed its checksum and still could not be used: the cache is
                // not trusted again in this build, which starts over without reading it and
                // writes it anew (nothing was replaced by the first attempt).
                // The report starts over too (the first attempt's phases would be timed twice).
                report = BuildReport {
                    output_dir: report.output_dir.take(),
                    diagnostics: config_diagnostics,
                    ..BuildReport::default()
                };
                report
                    .diagnostics
                    .extend(config.cache.as_ref().map(rebuilt_warning));
                build_site(config, options, &mut report);
            }
        }
    }
    options.apply_policy(&mut report.diagnostics);
    report.diagnostics.sort_by(Diagnostic::sort_key_cmp);
    report.elapsed = started.elapsed();
    report
}

/// Runs the pipeline, recording into `report`.
fn build_site(config: SiteConfig, options: &BuildOptions, report: &mut BuildReport) {
    let mut outputs = None;
    let mut site = report.time("load", |r| {
        // Opened first: the assembly recalls the spaces' languages from it. Not by `check`,
        // which writes nothing and saves no cache.
        if !options.check_only
            && let Some(settings) = &config.cache
        {
            let (opened, found) = OutputCache::open(settings);
            r.diagnostics.extend(found);
            outputs = opened;
        }
        let languages = outputs.as_ref().map(|o| o as &dyn LanguageMemo);
        load_site(config, languages, &mut r.diagnostics)
    });
    report
        .diagnostics
        .extend(crate::render::check_site_images(&site));
    let dates = site.config.last_updated.map(|LastUpdated::Git| {
        report.time("git dates", |r| {
            let sources = site.published().map(|(_, page)| page.source.rel.as_str());
            let (dates, found) = page_dates(&site.config, sources);
            r.diagnostics.extend(found);
            dates
        })
    });
    let theme = report.time("theme", |r| match load_theme(&site.config) {
        Ok(mut theme) => {
            set_site_globals(&mut theme, &site);
            Some(theme)
        }
        Err(errors) => {
            r.diagnostics.extend(errors);
            None
        }
    });
    let Some(theme) = theme else { return };
    if options.check_only {
        report.pages = report.time("check", |r| verify_site(&site, &theme, &mut r.diagnostics));
        if let Some(external) = &options.external {
            report.time("external links", |r| {
                r.diagnostics
                    .extend(crate::external::check_external_links(&site, external))
            });
        }
        return;
    }
    let target = match prepare_output(&site.config, options.force) {
        Ok(target) => target,
        Err(error) => {
            report.diagnostics.push(error);
            return;
        }
    };
    let staging = Staging::new(&target).map(|mut staging| {
        if let Some(cache) = &site.config.cache {
            report.diagnostics.extend(staging.use_manifest(&cache.dir));
        }
        staging
    });
    let staging = match staging {
        Ok(staging) => staging,
        Err(err) => {
            let message = format!(
                "cannot create a staging folder beside `{}`: {err}",
                site.config.output_dir.display()
            );
            report
                .diagnostics
                .push(Diagnostic::error("output-failed", message));
            return;
        }
    };
    report.pages = report.time("render", |r| {
        write_site(
            &mut site,
            &theme,
            dates.as_ref(),
            &staging,
            outputs.as_ref(),
            &mut r.diagnostics,
        )
    });
    // Saved now, unless it has nothing to save: then it is only let go (its map unmapped),
    // beside the removal of the previous output.
    let outputs = match outputs {
        Some(outputs) if !outputs.unchanged() => {
            report.diagnostics.extend(outputs.save());
            None
        }
        unchanged => unchanged,
    };
    options.apply_policy(&mut report.diagnostics);
    if report.diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    let output_dir = site.config.output_dir.clone();
    let committed = report.time("commit", |_| {
        let previous = staging.swap()?;
        // The new output is in place: the previous one is removed while the site model and
        // the unchanged output cache are freed (tens of milliseconds on one core each, for a
        // 10,000-page site).
        let (removed, ()) =
            rayon::join(|| previous.remove(), || drop((site, theme, dates, outputs)));
        removed
    });
    match committed {
        Ok(()) => report.written = true,
        Err(err) => {
            let message = format!(
                "cannot replace `{}` with the new output: {err}",
                output_dir.display()
            );
            report
                .diagnostics
                .push(Diagnostic::error("output-failed", message));
        }
    }
}

/// What loading pages needs besides the pages: the walked sources, the spaces, and what page
/// text may refer to (includes, `.gitbook/vars.yaml`). Shared by `build` and `serve`.
pub struct Inputs {
    pub sources: SourceTree,
    pub spaces: Vec<SpaceSpec>,
    pub includes: FsIncludes,
    pub vars: BTreeMap<String, String>,
    /// `raw_html` of `carnet.yaml`: every page loaded with these inputs is sanitized or not.
    pub raw_html: crate::config::RawHtml,
}

impl Inputs {
    pub fn discover(config: &SiteConfig, diagnostics: &mut Vec<Diagnostic>) -> Inputs {
        let mut sources = walk_sources(config);
        diagnostics.append(&mut sources.diagnostics);
        let (spaces, space_diagnostics) = discover_spaces(config, &mut sources);
        diagnostics.extend(space_diagnostics);
        Inputs {
            sources,
            spaces,
            includes: FsIncludes {
                content_dir: config.content_dir.clone(),
                root: config.root.clone(),
            },
            vars: crate::gitbook::load_vars(&config.content_dir, &config.root),
            raw_html: config.raw_html,
        }
    }

    pub fn context<'a>(&'a self, config: &SiteConfig, cache: Option<&'a Cache>) -> LoadContext<'a> {
        LoadContext {
            root: &self.includes.root,
            raw_html: self.raw_html,
            includes: &self.includes,
            vars: &self.vars,
            markdown: config.outputs.page_markdown(),
            cache,
        }
    }
}

/// Phase 1 and assembly: every page loaded in parallel (from the build cache where it holds
/// them, see [`crate::cache`]), then the site model; the spaces' detected languages recalled
/// from and kept in `languages` (see [`LanguageMemo`]).
pub fn load_site(
    config: SiteConfig,
    languages: Option<&dyn LanguageMemo>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Site {
    // Opening the cache hashes the carnet binary (to tell its entries from another version's),
    // and walking the sources waits on the file system: both alone on one core, so side by side.
    let mut found = Vec::new();
    let ((cache, cache_diagnostics), inputs) = rayon::join(
        || match &config.cache {
            Some(settings) => Cache::open(settings),
            None => (None, Vec::new()),
        },
        || Inputs::discover(&config, &mut found),
    );
    diagnostics.extend(cache_diagnostics);
    diagnostics.append(&mut found);
    let context = inputs.context(&config, cache.as_ref());
    let sources = &inputs.sources;
    // SUMMARY.md is parsed (25 ms for 10,000 entries) while the pages load.
    let mut summaries = SummaryCache::default();
    let (loaded, ()) = rayon::join(
        || {
            sources
                .pages
                .par_iter()
                .map(|file| {
                    let (mut page, found) =
                        load_page(file, display_path(&file.abs, &config.site_dir), &context);
                    if let Some(page) = page.as_mut() {
                        page.release_text();
                    }
                    (page, found)
                })
                .collect::<Vec<(Option<Page>, Vec<Diagnostic>)>>()
        },
        || summaries.read_ahead(&config.root, &inputs.spaces),
    );
    let mut pages = Vec::with_capacity(loaded.len());
    for (page, page_diagnostics) in loaded {
        pages.extend(page);
        diagnostics.extend(page_diagnostics);
    }
    let Inputs {
        sources, spaces, ..
    } = inputs;
    // Saving the cache (on an unchanged site: letting its map go) beside the assembly.
    let (saved, (site, site_diagnostics)) = rayon::join(
        || cache.map(Cache::save).unwrap_or_default(),
        || {
            assemble_site(
                config,
                pages,
                sources.assets,
                spaces,
                &mut summaries,
                languages,
            )
        },
    );
    diagnostics.extend(saved);
    diagnostics.extend(site_diagnostics);
    site
}

/// Phase 2 without output (`carnet check`): every page's references resolved in parallel, the
/// templates tried on one page and on the 404, redirects and output paths checked. Returns the
/// number of pages checked.
fn verify_site(site: &Site, theme: &Theme, diagnostics: &mut Vec<Diagnostic>) -> usize {
    let (redirects, redirect_diagnostics) = site.redirects();
    diagnostics.extend(redirect_diagnostics);
    let plan = Plan::of_site(site, theme, &redirects);
    diagnostics.extend(plan.collision(site, &redirects));
    diagnostics.extend(plan.markdown_shadowed(site, &redirects));
    let published: Vec<usize> = site.published().map(|(id, _)| id).collect();
    let found: Vec<Vec<Diagnostic>> = published
        .par_iter()
        .map(|&id| page_content(site, id).1)
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    let renderer = SiteRenderer::new(theme, site);
    if let Some(&first) = published.first()
        && let Err(error) = renderer.page(first, "")
    {
        diagnostics.push(error);
    }
    if let Err(error) = renderer.not_found() {
        diagnostics.push(error);
    }
    published.len()
}

/// Phase 2: the output plan carried out into the staging folder: every published page indexed,
/// then resolved and rendered, in parallel, while the search index is made and the assets and
/// generated files are written; the search index written last (its term files from the build
/// cache when no page's search inputs changed). Returns the number of pages written.
fn write_site(
    site: &mut Site,
    theme: &Theme,
    dates: Option<&PageDates>,
    staging: &Staging,
    outputs: Option<&OutputCache>,
    diagnostics: &mut Vec<Diagnostic>,
) -> usize {
    let (redirects, redirect_diagnostics) = site.redirects();
    diagnostics.extend(redirect_diagnostics);
    let plan = Plan::of_site(site, theme, &redirects);
    if let Some(collision) = plan.collision(site, &redirects) {
        diagnostics.push(collision);
        return 0;
    }
    diagnostics.extend(plan.markdown_shadowed(site, &redirects));
    let pages: Vec<(&str, PageId)> = plan
        .entries()
        .iter()
        .filter_map(|(path, job)| match job {
            Job::Page(id) => Some((path.as_str(), *id)),
            _ => None,
        })
        .collect();
    let mut taken: Vec<PageParts> = pages
        .iter()
        .map(|&(_, id)| take_page_parts(&mut site.pages[id]))
        .collect();
    let site: &Site = site;
    let search_pages: Vec<(u32, PageId)> = (0..).zip(pages.iter().map(|&(_, id)| id)).collect();
    // Both digests hash every page (in parallel), each with a part on one core: side by side.
    let (search_inputs, render_key) = rayon::join(
        || outputs.and_then(|_| search_digest(site, &search_pages, &taken)),
        || outputs.map(|_| render_digest(site, theme, dates)),
    );
    let cached_terms = outputs
        .zip(search_inputs.as_ref())
        .and_then(|(outputs, digest)| outputs.search_files(digest));
    let markdown_paths: FxHashMap<PageId, &str> = plan
        .entries()
        .iter()
        .filter_map(|(path, job)| match job {
            Job::PageMarkdown(id) => Some((*id, path.as_str())),
            _ => None,
        })
        .collect();
    let llms_path = plan
        .entries()
        .iter()
        .find(|(_, job)| *job == Job::LlmsFull)
        .map(|(path, _)| path.as_str());
    let pieces = llms_path.and_then(|path| match staging.scratch_file() {
        Ok(scratch) => Some(LlmsPieces::new(site, scratch)),
        Err(err) => {
            diagnostics.push(write_error(path, &err));
            None
        }
    });
    let indexer = SearchIndexer::for_site(site);
    let writer = PageWriter {
        site,
        renderer: SiteRenderer::new(theme, site).with_dates(dates),
        staging,
        markdown_paths,
        pieces: pieces.as_ref(),
        html_cache: outputs.zip(render_key),
    };
    // The search index is made beside the rendering of the last pages (a sixth): its
    // making has parts on one core (a quarter of a second for 10,000 pages with much code),
    // which after the page loop kept one of the two cores idle. The other pages are indexed in
    // the page loop; the last ones first, from their words alone (freed then). Their page
    // files, which only the index's version reads, are written as they are rendered.
    let index_terms = cached_terms.is_none().then_some(&indexer);
    let mut later = taken.split_off(pages.len() - pages.len() / LAST_PAGES);
    let render = |first: usize, parts: Vec<PageParts>, indexer| -> Vec<PageOutcome> {
        pages[first..]
            .par_iter()
            .zip(parts)
            .enumerate()
            .map(|(n, (&(path, id), parts))| {
                writer.page((first + n) as u32, path, id, parts, indexer)
            })
            .collect()
    };
    let mut rendered = render(0, taken, index_terms);
    let first = rendered.len();
    let mut terms: Vec<PageTerms> = rendered.iter_mut().filter_map(|r| r.1.take()).collect();
    if let Some(indexer) = index_terms {
        terms.extend(terms_of_later_pages(
            indexer,
            site,
            &pages[first..],
            first,
            &mut later,
        ));
        // No page is left to index: the threads' word memos go while the threads are free.
        indexer.forget_memos();
    }
    let (made, later) = rayon::join(
        || {
            let made = index_terms.map(|indexer| indexer.make(terms));
            let others =
                write_other_files(site, theme, &writer.renderer, &redirects, &plan, staging);
            (made, others)
        },
        || render(first, later, None),
    );
    rendered.extend(later);
    let (made, others) = made;
    diagnostics.extend(others);
    let mut hashes = Vec::with_capacity(rendered.len());
    let mut search_paths = Vec::with_capacity(rendered.len());
    for (found, _, file) in rendered {
        diagnostics.extend(found);
        if let Some((path, hash)) = file {
            hashes.push(hash);
            search_paths.push(path);
        }
    }
    // `llms-full.txt` is the largest file (47 MB for 10,000 pages) and one job: beside the
    // search index's term files.
    let (llms_error, (index_errors, term_paths)) = rayon::join(
        // Without its pieces (no scratch file) the error is already reported: the pages'
        // Markdown left the model in the page loop, so nothing else could write it.
        || {
            let (path, pieces) = llms_path.zip(pieces.as_ref())?;
            staging
                .write_with(path, |out| pieces.write_to(site, out))
                .err()
                .map(|err| write_error(path, &err))
        },
        || {
            let sealed = made.map(|made| indexer.seal(made, hashes.into_iter()));
            let cache = outputs.zip(search_inputs.as_ref());
            write_index(staging, cached_terms, sealed, cache)
        },
    );
    diagnostics.extend(llms_error);
    diagnostics.extend(index_errors);
    // Last: what every file written is, for `carnet deploy`.
    let search_files = term_paths.iter().map(String::as_str);
    let plan_file = plan.file(search_paths.iter().map(String::as_str).chain(search_files));
    if let Err(err) = staging.write(PLAN_FILE, &plan_file.to_bytes()) {
        diagnostics.push(write_error(PLAN_FILE, &err));
    }
    pages.len()
}

/// The part of the pages (one in this many, the last) rendered while the search index is made.
const LAST_PAGES: usize = 6;

/// The search terms of the pages rendered while the index is made (`pages`, whose search ids
/// start at `first`), taken from their words alone, which are freed then.
fn terms_of_later_pages(
    indexer: &SearchIndexer,
    site: &Site,
    pages: &[(&str, PageId)],
    first: usize,
    parts: &mut [PageParts],
) -> Vec<PageTerms> {
    pages
        .par_iter()
        .zip(parts.par_iter_mut())
        .enumerate()
        .filter_map(|(n, (&(_, id), parts))| {
            let words = std::mem::take(&mut parts.words);
            indexer.terms(
                (first + n) as u32,
                &site.pages[id],
                &words,
                site.language_of(id),
            )
        })
        .collect()
}

/// Writes the search index's term files: from the build cache (`cached`), else those `made`
/// (kept in the cache under its digest of the pages' search inputs). Returns what writing found
/// and the paths written. The files made are freed once written.
fn write_index(
    staging: &Staging,
    cached: Option<Vec<(&str, &[u8])>>,
    made: Option<crate::search::TermFiles>,
    cache: Option<(&OutputCache, &[u8; 32])>,
) -> (Vec<Diagnostic>, Vec<String>) {
    let term_files: Vec<(&str, &[u8])> = match (cached, &made) {
        (Some(files), _) => files,
        (None, None) => Vec::new(),
        (None, Some(made)) => {
            let files: Vec<(&str, &[u8])> = made
                .files
                .iter()
                .map(|f| (f.path.as_str(), f.bytes.as_slice()))
                .collect();
            if let Some((outputs, digest)) = cache {
                outputs.keep_search_files(digest, &files);
            }
            files
        }
    };
    let errors = write_term_files(staging, &term_files);
    let paths = term_files
        .iter()
        .map(|&(path, _)| path.to_owned())
        .collect();
    (errors, paths)
}

/// Writes the search index's term files.
fn write_term_files(staging: &Staging, files: &[(&str, &[u8])]) -> Vec<Diagnostic> {
    files
        .par_iter()
        .filter_map(|&(path, bytes)| {
            staging
                .write(path, bytes)
                .err()
                .map(|err| write_error(path, &err))
        })
        .collect()
}

/// Writes what the plan holds besides the pages (with their Markdown), `llms-full.txt` and the
/// plan file: assets and generated files (the 404 page, redirects, sitemap, feeds…).
fn write_other_files(
    site: &Site,
    theme: &Theme,
    renderer: &SiteRenderer<'_>,
    redirects: &[crate::site::redirects::Redirect],
    plan: &Plan,
    staging: &Staging,
) -> Vec<Diagnostic> {
    plan.entries()
        .par_iter()
        .filter_map(|(path, job)| match *job {
            // Written with its page, in the page loop; `llms-full.txt` beside this; the plan
            // file last.
            Job::Page(_) | Job::PageMarkdown(_) | Job::LlmsFull | Job::PlanFile => None,
            Job::Asset(index) => staging
                .copy_file(path, &site.assets[index].abs)
                .err()
                .map(|err| write_error(path, &err)),
            job => {
                let bytes = match render_generated(job, site, theme, renderer, redirects) {
                    Ok(bytes) => bytes,
                    Err(error) => return Some(error),
                };
                staging
                    .write(path, &bytes)
                    .err()
                    .map(|err| write_error(path, &err))
            }
        })
        .collect()
}

/// What a build takes out of a page before writing it: its fragment HTML and its Markdown
/// ([`Fragment::take_output`], still packed). No other page reads them, and a build renders
/// each page once, so each page's copy is unpacked in the page loop and freed as soon as the
/// page is written rather than when the build ends.
type PageParts = Fragment;

/// Takes [`PageParts`] out of the site model. Copied when the fragment is shared (never in a
/// build, which owns its site model and its pages).
fn take_page_parts(page: &mut std::sync::Arc<Page>) -> PageParts {
    let owned =
        std::sync::Arc::get_mut(page).and_then(|p| std::sync::Arc::get_mut(&mut p.fragment));
    match owned {
        Some(fragment) => fragment.take_output(),
        None => Fragment::clone(&page.fragment).take_output(),
    }
}

/// The code of [`unpackable_error`], which makes [`build`] start over with a fresh cache.
const CACHE_DAMAGED: &str = "cache-damaged";

/// The error for a page whose texts, from the build cache, do not unpack: only a hand-made
/// entry can do that (see [`crate::markdown::PackedParts::try_unpack`]). The page cannot be
/// rendered again from its source here, so this attempt stops before anything is replaced and
/// [`build`] builds the site again without reading the cache.
fn unpackable_error(page: &Page) -> Diagnostic {
    let message = "this page's entry in the build cache does not unpack (the cache was not written whole by carnet)";
    Diagnostic::error(CACHE_DAMAGED, message).in_file(page.display_path.clone())
}

/// What the second attempt of a build says when the first found a damaged cache entry.
fn rebuilt_warning(cache: &CacheConfig) -> Diagnostic {
    let message = format!(
        "an entry of the build cache in `{}` passed its checksum but did not unpack (the cache was not written whole by carnet): the site was built again without reading the cache, which is written anew",
        cache.dir.display()
    );
    Diagnostic::warning("cache-ignored", message)
}

/// Writes one page's outputs in the page loop: its HTML, its search file, its `.md` and its
/// piece of `llms-full.txt`.
struct PageWriter<'a> {
    site: &'a Site,
    renderer: SiteRenderer<'a>,
    staging: &'a Staging,
    /// Where each page's `.md` goes, for the pages that have one.
    markdown_paths: FxHashMap<PageId, &'a str>,
    pieces: Option<&'a LlmsPieces>,
    /// The build cache's rendered pages, with the digest of what rendering reads of the site.
    html_cache: Option<(&'a OutputCache, [u8; 32])>,
}

impl PageWriter<'_> {
    /// Writes the page; `indexer`: index it too (its terms are returned).
    fn page(
        &self,
        search_id: u32,
        path: &str,
        id: PageId,
        mut parts: PageParts,
        indexer: Option<&SearchIndexer>,
    ) -> PageOutcome {
        let site = self.site;
        if !parts.unpack() {
            return (vec![unpackable_error(&site.pages[id])], None, None);
        }
        let html = parts.take_html();
        let (content, mut found) = page_content_of(site, id, &html);
        drop(html);
        let markdown = parts.take_markdown();
        let markdown = markdown.as_ref();
        if let Some(&md_path) = self.markdown_paths.get(&id) {
            let bytes = page_markdown_of(site, id, markdown);
            if let Err(err) = self.staging.write(md_path, bytes.as_bytes()) {
                found.push(write_error(md_path, &err));
            }
        }
        if let Some(pieces) = self.pieces
            && let Err(err) = pieces.add(site, id, markdown)
        {
            found.push(write_error("llms-full.txt", &err));
        }
        let page = &site.pages[id];
        let (terms, file) = match indexer {
            Some(indexer) => indexer
                .page_from(search_id, page, &parts, site.language_of(id))
                .map_or((None, None), |(terms, file)| {
                    let hash = terms.file_hash;
                    (Some(terms), Some((file, hash)))
                }),
            None => {
                let file = SearchIndexer::page_file(search_id, page, &parts);
                let hashed = file.map(|file| {
                    let hash = *blake3::hash(&file.bytes).as_bytes();
                    (file, hash)
                });
                (None, hashed)
            }
        };
        drop(parts);
        // The page file's hash (made for the index's version) is the one the output manifest
        // records: the file is not hashed a second time.
        let search_file = file.map(|(file, hash)| {
            if let Err(err) = self
                .staging
                .write_hashed(&file.path, &file.bytes, Some(&hash))
            {
                found.push(write_error(&file.path, &err));
            }
            (file.path, (search_id, hash))
        });
        if let Err(error) = self.write_html(id, path, &content) {
            found.push(error);
        }
        (found, terms, search_file)
    }

    /// Writes the page's HTML: found in the output folder already (by the hash the build cache
    /// keeps beside it), or taken from the cache, or rendered.
    fn write_html(&self, id: PageId, path: &str, content: &str) -> Result<(), Diagnostic> {
        use std::borrow::Cow;
        let cache = self
            .html_cache
            .map(|(outputs, digest)| (outputs, outputs.page_key(&digest, path, content)));
        let hash = cache.and_then(|(outputs, key)| outputs.page_hash(&key));
        if let Some(hash) = &hash
            && self.staging.found_in_place(path, hash)
        {
            return Ok(());
        }
        let (html, hash) = match cache {
            None => (Cow::Owned(self.renderer.page(id, content)?), None),
            Some((outputs, key)) => match outputs.page_html(&key) {
                Some(html) => {
                    // Kept before the hashes were (an older cache): its hash is kept now.
                    let hash = hash.unwrap_or_else(|| {
                        let hash = *blake3::hash(html).as_bytes();
                        outputs.keep_page_hash(&key, &hash);
                        hash
                    });
                    (Cow::Borrowed(html), Some(hash))
                }
                None => {
                    let html = self.renderer.page(id, content)?;
                    let hash = *blake3::hash(&html).as_bytes();
                    outputs.keep_page_html(key, &html, &hash);
                    (Cow::Owned(html), Some(hash))
                }
            },
        };
        self.staging
            .write_hashed(path, &html, hash.as_ref())
            .map_err(|err| write_error(path, &err))
    }
}

/// What writing one page found, its terms (when it was indexed in the page loop), and its own
/// search file: its path, with its search id and the hash of its bytes (the search index's
/// version reads them).
type PageOutcome = (
    Vec<Diagnostic>,
    Option<PageTerms>,
    Option<(String, (u32, [u8; 32]))>,
);

fn write_error(rel: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error("output-failed", format!("cannot write `{rel}`: {err}"))
}
