//! Turning loaded pages into a [`Site`]: URLs, indexes, navigation, titles, publication.

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Space;
use super::language::{DEFAULT_LANGUAGE, LanguageMemo, detect_language};
use super::nav::{FolderEntry, Nav, NavNode, NavTarget, folder_nav};
use super::spaces::{SpaceSpec, space_of};
use super::url::{encode_path, page_url};
use super::{Page, PageId, Site};
use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, LineIndex, display_path};
use crate::gitbook::{Summary, SummaryEntry, SummaryItem, parse_summary};
use crate::paths::{decode_path, is_external, join_path, parent_dir, script_scheme};
use crate::source::SourceFile;

/// What SUMMARY.md says about one page (its first listing).
struct Listing {
    title: String,
    nav_label: String,
}

/// SUMMARY.md files as last read, decoded and parsed: an assembly that finds the same bytes
/// again skips decoding and parsing them (25 ms for a 10,000-entry SUMMARY.md). `carnet build`
/// starts from an empty one; `carnet serve` keeps one from save to save.
#[derive(Default)]
pub struct SummaryCache {
    parsed: FxHashMap<PathBuf, Arc<ParsedSummary>>,
}

struct ParsedSummary {
    hash: blake3::Hash,
    text: String,
    lines: LineIndex,
    summary: Summary,
}

impl SummaryCache {
    /// The file at `path` decoded and parsed, from memory when its bytes are the same.
    fn get(&mut self, path: &Path, bytes: &[u8]) -> Arc<ParsedSummary> {
        let hash = blake3::hash(bytes);
        if let Some(parsed) = self.parsed.get(path).filter(|p| p.hash == hash) {
            return parsed.clone();
        }
        let text = crate::text::decode_source(bytes).text;
        let parsed = Arc::new(ParsedSummary {
            hash,
            lines: LineIndex::new(&text),
            summary: parse_summary(&text),
            text,
        });
        self.parsed.insert(path.to_path_buf(), parsed.clone());
        parsed
    }

    /// Reads and parses the SUMMARY.md of each space in `specs` ahead of [`assemble_site`],
    /// which finds them here: a build does it beside loading the pages rather than alone on one
    /// core after them. What cannot be read is left for the assembly to report.
    pub fn read_ahead(&mut self, root: &crate::paths::SiteRoot, specs: &[SpaceSpec]) {
        for summary in specs.iter().filter_map(|spec| spec.summary.as_ref()) {
            if let Ok(bytes) = root.read_source(&summary.abs, crate::limits::MAX_SOURCE_BYTES) {
                self.get(&summary.abs, &bytes);
            }
        }
    }
}

/// Builds the site model. `pages` must be sorted by source path (the walk guarantees it);
/// `spaces` has the root space first. `languages` keeps the languages detected, for the next
/// build (see [`LanguageMemo`]).
pub fn assemble_site(
    config: SiteConfig,
    mut pages: Vec<Page>,
    assets: Vec<SourceFile>,
    specs: Vec<SpaceSpec>,
    summaries: &mut SummaryCache,
    languages: Option<&dyn LanguageMemo>,
) -> (Site, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    for page in &mut pages {
        page.space = space_of(&specs, &page.source.rel);
    }
    pages.retain(|page| {
        let kept = specs[page.space].publishes;
        if !kept {
            let message = format!(
                "`{}` is in no space of docs.yaml; it is not published",
                page.source.rel
            );
            diagnostics.push(
                Diagnostic::warning("not-in-space", message).in_file(page.display_path.clone()),
            );
        }
        kept
    });
    let (by_source, by_url, contested) = index_pages(&mut pages, &specs);
    let asset_sizes: FxHashMap<String, u64> =
        assets.iter().map(|a| (a.rel.clone(), a.size)).collect();
    let mut site = Site {
        title: String::new(),
        language: String::new(),
        home: by_url.get("").copied(),
        config,
        pages: pages.into_iter().map(Arc::new).collect(),
        assets: Arc::new(assets),
        spaces: Arc::default(),
        by_source: Arc::new(by_source),
        by_url: Arc::new(by_url),
        asset_sizes: Arc::new(asset_sizes),
        summary_hashes: Vec::new(),
    };
    let site_title = specs[0].title.clone();
    let mut spaces = Vec::with_capacity(specs.len());
    for (index, spec) in specs.into_iter().enumerate() {
        let (roots, listings) = match &spec.summary {
            Some(summary) => {
                let shown = display_path(&summary.abs, &site.config.site_dir);
                let (roots, listings, hash) =
                    summary_nav(&site, summary, &shown, summaries, &mut diagnostics);
                site.summary_hashes
                    .extend(hash.map(|h| (summary.abs.clone(), h)));
                (Some(roots), Some(listings))
            }
            None => (None, None),
        };
        settle_titles(&mut site, index, listings.as_ref());
        let home = site
            .page_by_url(&spec.url_prefix)
            .filter(|p| site.pages[*p].space == index);
        if let Some(listings) = &listings {
            unpublish_unlisted(&mut site, index, home, listings, &mut diagnostics);
        }
        let roots = roots.unwrap_or_else(|| space_folder_nav(&site, index, &spec, home));
        let pages = &site.pages;
        let nav = Nav::new(roots, |id| pages[id].hidden());
        let language = space_language(&site, index, &spec, languages);
        spaces.push(Space::new(spec, nav, home, &site.pages, language));
    }
    settle_contested_urls(&mut site, &contested, &mut diagnostics);
    site.home = site.page_by_url("");
    for (index, space) in spaces.iter_mut().enumerate() {
        space.home = space.home.filter(|h| site.pages[*h].published).or_else(|| {
            site.page_by_url(&space.spec.url_prefix)
                .filter(|p| site.pages[*p].space == index)
        });
    }
    site.language = site_language(&site, &spaces);
    site.spaces = Arc::new(spaces);
    diagnostics.extend(interactive_blocks_warning(&site));
    site.title = site_title
        .or_else(|| site.home.map(|h| site.pages[h].title.clone()))
        .unwrap_or_else(|| "Documentation".to_string());
    (site, diagnostics)
}

/// The language of the space `index`: `carnet.yaml`'s, else its `docs.yaml` entry's, else what
/// its published pages are written in (recalled from `memo` when it was detected from the same
/// samples before), else English.
fn space_language(
    site: &Site,
    index: usize,
    spec: &SpaceSpec,
    memo: Option<&dyn LanguageMemo>,
) -> String {
    site.config
        .language
        .clone()
        .or_else(|| spec.language.clone())
        .or_else(|| {
            let pages = site
                .pages
                .iter()
                .filter(|p| p.space == index && p.published);
            detect_language(pages.map(|p| &**p), memo)
        })
        .unwrap_or_else(|| DEFAULT_LANGUAGE.to_string())
}

/// The language of what belongs to no space: the configured one, else that of the first space
/// with pages (the root space first).
fn site_language(site: &Site, spaces: &[Space]) -> String {
    if let Some(language) = &site.config.language {
        return language.clone();
    }
    let has_pages = |index: usize| site.pages.iter().any(|p| p.space == index && p.published);
    spaces
        .iter()
        .enumerate()
        .find(|(index, _)| has_pages(*index))
        .map_or(DEFAULT_LANGUAGE, |(_, space)| space.language.as_str())
        .to_string()
}

/// The navigation of a space without SUMMARY.md: its folder tree.
fn space_folder_nav(
    site: &Site,
    space: usize,
    spec: &SpaceSpec,
    home: Option<PageId>,
) -> Vec<NavNode> {
    let entries: Vec<FolderEntry<'_>> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.space == space)
        .map(|(id, p)| FolderEntry {
            id,
            rel: &p.source.rel[spec.content_dir.len()..],
            title: &p.title,
        })
        .collect();
    folder_nav(&entries, home)
}

/// Pages by source path, pages by URL, and the groups of pages that share a URL.
type PageIndexes = (
    FxHashMap<String, PageId>,
    FxHashMap<String, PageId>,
    Vec<Vec<PageId>>,
);

/// Gives every page its URL (its space's prefix, then its path in the space) and indexes pages
/// by source path and URL. Pages sharing a URL are returned with it: which of them the URL
/// belongs to depends on which are published, known only once SUMMARY.md is read (GitBook
/// publishes `faq/README.md` listed in SUMMARY.md beside an unlisted `faq.md`). Meanwhile the
/// first in source order holds the URL.
fn index_pages(pages: &mut [Page], spaces: &[SpaceSpec]) -> PageIndexes {
    let mut by_source = FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
    let mut by_url: FxHashMap<String, PageId> =
        FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
    let mut contested: FxHashMap<PageId, Vec<PageId>> = FxHashMap::default();
    for id in 0..pages.len() {
        let spec = &spaces[pages[id].space];
        let within = &pages[id].source.rel[spec.content_dir.len()..];
        let url = format!("{}{}", spec.url_prefix, page_url(within, &spec.readme));
        by_source.insert(pages[id].source.rel.clone(), id);
        match by_url.get(&url) {
            Some(&first) => contested
                .entry(first)
                .or_insert_with(|| vec![first])
                .push(id),
            None => {
                by_url.insert(url.clone(), id);
            }
        }
        pages[id].href_path = encode_path(&url);
        pages[id].url = url;
    }
    let mut contested: Vec<Vec<PageId>> = contested.into_values().collect();
    contested.sort_unstable();
    (by_source, by_url, contested)
}

/// Gives each contested URL to the one page published there. Two published pages with one URL
/// cannot both be written: an error, and the first (in source order) keeps the URL. Unpublished
/// pages at a published page's URL are simply not pages, as on GitBook (their own
/// `not-in-summary` warning says so).
fn settle_contested_urls(
    site: &mut Site,
    contested: &[Vec<PageId>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for ids in contested {
        let published: Vec<PageId> = ids
            .iter()
            .copied()
            .filter(|&id| site.pages[id].published)
            .collect();
        let Some(&winner) = published.first() else {
            continue;
        };
        for &loser in &published[1..] {
            let message = format!(
                "`{}` and `{}` would both be published at /{}; rename one of them",
                site.pages[winner].source.rel, site.pages[loser].source.rel, site.pages[loser].url
            );
            diagnostics.push(
                Diagnostic::error("duplicate-url", message)
                    .in_file(site.pages[loser].display_path.clone()),
            );
            Arc::make_mut(&mut site.pages[loser]).published = false;
        }
        let url = site.pages[winner].url.clone();
        if site.page_by_url(&url) != Some(winner) {
            Arc::make_mut(&mut site.by_url).insert(url, winner);
        }
    }
}

/// Resolves a SUMMARY.md or link path written relative to `base_dir` to a page.
pub(super) fn find_page(site: &Site, base_dir: &str, path: &str) -> Option<PageId> {
    find_joined_page(site, &join_path(base_dir, &decode_path(path))?)
}

/// The page at the content-relative path `joined` (decoded, `.` and `..` resolved): a file, a
/// folder (its README, or its space's first page), or else a URL.
pub(super) fn find_joined_page(site: &Site, joined: &str) -> Option<PageId> {
    site.page_by_source(joined)
        .or_else(|| written_loosely(site, joined))
        .or_else(|| folder_page(site, joined))
        .or_else(|| {
            site.page_by_url(joined)
                .filter(|_| joined.is_empty() || joined.ends_with('/'))
        })
        .or_else(|| site.page_by_url(&format!("{joined}/")))
}

/// A page file written the way GitBook still reads it: with a slash after `.md`
/// (`customers.md/#x`), or a README in another case (`readme.md` for `README.md`).
fn written_loosely(site: &Site, joined: &str) -> Option<PageId> {
    if let Some(file) = joined
        .strip_suffix('/')
        .filter(|f| crate::source::is_markdown(f))
    {
        return site.page_by_source(file);
    }
    let (dir, name) = joined.rsplit_once('/').unwrap_or(("", joined));
    if name.eq_ignore_ascii_case("README.md") {
        return folder_page(site, dir);
    }
    None
}

/// The page of the folder `joined` (`setup/`, `./`, `setup`): its README in any case, or the
/// first page of the space whose folder it is. Found by source path, not by URL: in a
/// docs.yaml space the folder `developers/` is published at another URL.
fn folder_page(site: &Site, joined: &str) -> Option<PageId> {
    let dir = joined.trim_end_matches('/');
    if crate::source::is_markdown(dir) {
        return None;
    }
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    ["README.md", "readme.md", "Readme.md"]
        .iter()
        .find_map(|name| site.page_by_source(&format!("{dir}{name}")))
        .or_else(|| {
            site.spaces
                .iter()
                .find(|s| s.spec.content_dir == dir)
                .and_then(|s| site.page_by_source(&format!("{dir}{}", s.spec.readme)))
        })
}

fn summary_nav(
    site: &Site,
    summary: &SourceFile,
    shown_as: &Path,
    summaries: &mut SummaryCache,
    diagnostics: &mut Vec<Diagnostic>,
) -> (
    Vec<NavNode>,
    FxHashMap<PageId, Listing>,
    Option<blake3::Hash>,
) {
    let parsed = match site
        .config
        .root
        .read_source(&summary.abs, crate::limits::MAX_SOURCE_BYTES)
    {
        Ok(bytes) => summaries.get(&summary.abs, &bytes),
        Err(err) => {
            diagnostics.push(
                Diagnostic::error("unreadable-file", format!("cannot read SUMMARY.md: {err}"))
                    .in_file(shown_as),
            );
            return (Vec::new(), FxHashMap::default(), None);
        }
    };
    if let Some(span) = parsed.summary.too_deep.clone() {
        let message = format!(
            "entries are nested more than {} deep, carnet's limit; this one and those below it are listed at that depth",
            crate::gitbook::summary::MAX_DEPTH
        );
        diagnostics.push(Diagnostic::warning("limit-exceeded", message).at(
            shown_as,
            &parsed.lines,
            &parsed.text,
            span,
        ));
    }
    let mut builder = SummaryNavBuilder {
        site,
        base_dir: parent_dir(&summary.rel).to_string(),
        file: shown_as.to_path_buf(),
        lines: &parsed.lines,
        text: &parsed.text,
        listings: FxHashMap::default(),
        diagnostics,
    };
    let roots = parsed
        .summary
        .items
        .iter()
        .filter_map(|item| match item {
            SummaryItem::Entry(entry) => builder.node(entry),
            SummaryItem::Group {
                title,
                slug,
                entries,
                ..
            } => Some(NavNode {
                label: title.clone(),
                target: NavTarget::Group { slug: slug.clone() },
                children: entries.iter().filter_map(|e| builder.node(e)).collect(),
            }),
        })
        .collect();
    (roots, builder.listings, Some(parsed.hash))
}

struct SummaryNavBuilder<'a> {
    site: &'a Site,
    base_dir: String,
    file: PathBuf,
    lines: &'a LineIndex,
    text: &'a str,
    listings: FxHashMap<PageId, Listing>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl SummaryNavBuilder<'_> {
    /// The navigation node of `entry`; `None` for an entry GitBook generates on its servers.
    fn node(&mut self, entry: &SummaryEntry) -> Option<NavNode> {
        if let Some(kind) = &entry.generated {
            let message = format!(
                "this entry is generated by GitBook (`type: {kind}`) from content it hosts; \
                 it has no page here and is left out of the navigation"
            );
            self.warn("summary-generated", message, entry);
            return None;
        }
        let children = entry.children.iter().filter_map(|c| self.node(c)).collect();
        let target = match entry.target.as_deref() {
            None | Some("") => NavTarget::Text,
            Some(target) if script_scheme(target, false).is_some() => {
                let scheme = script_scheme(target, false).unwrap_or_default();
                let message = format!(
                    "a SUMMARY.md entry with a `{scheme}:` URL would run script; it is shown as text"
                );
                self.warn("unsafe-url", message, entry);
                NavTarget::Text
            }
            Some(target) if is_external(target) => NavTarget::External(target.to_string()),
            Some(target) => self.page_target(entry, target),
        };
        Some(NavNode {
            label: entry.label().to_string(),
            target,
            children,
        })
    }

    fn page_target(&mut self, entry: &SummaryEntry, target: &str) -> NavTarget {
        let path = target.split('#').next().unwrap_or(target);
        let Some(id) = find_page(self.site, &self.base_dir, path) else {
            let message = format!("`{target}` does not exist; the entry is shown without a link");
            self.warn("summary-missing-page", message, entry);
            return NavTarget::Text;
        };
        let title = if entry.title.is_empty() {
            entry.label()
        } else {
            &entry.title
        };
        let listing = Listing {
            title: title.to_string(),
            nav_label: entry.label().to_string(),
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = self.listings.entry(id) {
            slot.insert(listing);
        } else {
            let message = format!(
                "`{}` is listed more than once; its first entry gives its title and place",
                self.site.pages[id].source.rel
            );
            self.warn("summary-duplicate", message, entry);
        }
        NavTarget::Page(id)
    }

    fn warn(&mut self, code: &'static str, message: String, entry: &SummaryEntry) {
        let diagnostic = Diagnostic::warning(code, message).at(
            &self.file,
            self.lines,
            self.text,
            entry.span.clone(),
        );
        self.diagnostics.push(diagnostic);
    }
}

/// GitBook's title rule, for the pages of `space`: the SUMMARY.md label when listed, else the
/// first `#` heading, else the front matter `title`, else the file name.
fn settle_titles(site: &mut Site, space: usize, listings: Option<&FxHashMap<PageId, Listing>>) {
    for (id, page) in site
        .pages
        .iter_mut()
        .enumerate()
        .filter(|(_, p)| p.space == space)
    {
        let page = Arc::make_mut(page);
        let listing = listings.and_then(|l| l.get(&id));
        page.title = listing
            .map(|l| l.title.clone())
            .filter(|t| !t.is_empty())
            .or_else(|| page.fragment.first_h1.clone().filter(|t| !t.is_empty()))
            .or_else(|| page.doc.front_matter.title.clone())
            .unwrap_or_else(|| fallback_title(page));
        page.nav_label = listing
            .map(|l| l.nav_label.clone())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| page.title.clone());
    }
}

/// `README.md` is named after its folder; other files after themselves.
fn fallback_title(page: &Page) -> String {
    let stem = page.file_stem();
    if stem.eq_ignore_ascii_case("README") {
        let rel = &page.source.rel;
        let folder = parent_dir(rel).trim_end_matches('/');
        let name = folder.rsplit('/').next().unwrap_or("");
        if !name.is_empty() {
            return name.to_string();
        }
    }
    stem.to_string()
}

/// GitBook publishes only what a space's SUMMARY.md lists (and the space's home page).
fn unpublish_unlisted(
    site: &mut Site,
    space: usize,
    home: Option<PageId>,
    listings: &FxHashMap<PageId, Listing>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (id, page) in site.pages.iter_mut().enumerate() {
        if page.space != space || listings.contains_key(&id) || Some(id) == home || !page.published
        {
            continue;
        }
        let page = Arc::make_mut(page);
        page.published = false;
        let message = format!("`{}` is not in SUMMARY.md, not published", page.source.rel);
        diagnostics.push(
            Diagnostic::warning("not-in-summary", message).in_file(page.display_path.clone()),
        );
    }
}

/// API, integration and adaptive blocks keep only their static part on a static site: said once
/// for the whole site, at the first such block, rather than once per block.
fn interactive_blocks_warning(site: &Site) -> Option<Diagnostic> {
    let mut found = site.published().flat_map(|(_, page)| {
        page.fragment
            .interactive
            .iter()
            .map(move |(name, at)| (page, name, *at))
    });
    let (first_page, first_name, at) = found.next()?;
    let mut names: Vec<&str> = vec![first_name.as_str()];
    let mut count = 1;
    for (_, name, _) in found {
        count += 1;
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names.sort_unstable();
    let message = format!(
        "{count} block{} ({}) {} rendered without {} interactive part: only what is static is shown",
        if count == 1 { "" } else { "s" },
        names.join(", "),
        if count == 1 { "is" } else { "are" },
        if count == 1 { "its" } else { "their" },
    );
    Some(first_page.diagnostic_at(
        &site.config.root,
        Diagnostic::warning("interactive-block", message),
        at..at + 2,
    ))
}
