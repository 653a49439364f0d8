//! Turning loaded pages into a [`Site`]: URLs, indexes, navigation, titles, publication.

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Space;
use super::nav::{FolderEntry, Nav, NavNode, NavTarget, folder_nav};
use super::spaces::{SpaceSpec, space_of};
use super::url::{encode_path, page_url};
use super::{Page, PageId, Site};
use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, LineIndex, display_path};
use crate::gitbook::{Summary, SummaryEntry, SummaryItem, parse_summary};
use crate::paths::{decode_path, is_external, join_path, parent_dir};
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
}

/// Builds the site model. `pages` must be sorted by source path (the walk guarantees it);
/// `spaces` has the root space first.
pub fn assemble_site(
    config: SiteConfig,
    mut pages: Vec<Page>,
    assets: Vec<SourceFile>,
    specs: Vec<SpaceSpec>,
    summaries: &mut SummaryCache,
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
    let (by_source, by_url) = index_pages(&mut pages, &specs, &mut diagnostics);
    let asset_sizes: FxHashMap<String, u64> =
        assets.iter().map(|a| (a.rel.clone(), a.size)).collect();
    let mut site = Site {
        title: String::new(),
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
        spaces.push(Space::new(spec, nav, home, &site.pages));
    }
    site.spaces = Arc::new(spaces);
    diagnostics.extend(interactive_blocks_warning(&site));
    site.title = site_title
        .or_else(|| site.home.map(|h| site.pages[h].title.clone()))
        .unwrap_or_else(|| "Documentation".to_string());
    (site, diagnostics)
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

/// Gives every page its URL (its space's prefix, then its path in the space) and indexes pages
/// by source path and URL. Two pages with one URL cannot both be published: an error, and the
/// first (in source order) keeps the URL.
fn index_pages(
    pages: &mut [Page],
    spaces: &[SpaceSpec],
    diagnostics: &mut Vec<Diagnostic>,
) -> (FxHashMap<String, PageId>, FxHashMap<String, PageId>) {
    let mut by_source = FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
    let mut by_url: FxHashMap<String, PageId> =
        FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
    for id in 0..pages.len() {
        let spec = &spaces[pages[id].space];
        let within = &pages[id].source.rel[spec.content_dir.len()..];
        let url = format!("{}{}", spec.url_prefix, page_url(within, &spec.readme));
        by_source.insert(pages[id].source.rel.clone(), id);
        if let Some(&first) = by_url.get(&url) {
            let message = format!(
                "`{}` and `{}` would both be published at /{url}; rename one of them",
                pages[first].source.rel, pages[id].source.rel
            );
            diagnostics.push(
                Diagnostic::error("duplicate-url", message).in_file(pages[id].display_path.clone()),
            );
            pages[id].published = false;
        } else {
            by_url.insert(url.clone(), id);
        }
        pages[id].href_path = encode_path(&url);
        pages[id].url = url;
    }
    (by_source, by_url)
}

/// Resolves a SUMMARY.md or link path written relative to `base_dir` to a page.
pub(super) fn find_page(site: &Site, base_dir: &str, path: &str) -> Option<PageId> {
    let joined = join_path(base_dir, &decode_path(path))?;
    site.page_by_source(&joined)
        .or_else(|| {
            site.page_by_url(&joined)
                .filter(|_| joined.is_empty() || joined.ends_with('/'))
        })
        .or_else(|| site.page_by_url(&format!("{joined}/")))
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
    let parsed = match std::fs::read(&summary.abs) {
        Ok(bytes) => summaries.get(&summary.abs, &bytes),
        Err(err) => {
            diagnostics.push(
                Diagnostic::error("unreadable-file", format!("cannot read SUMMARY.md: {err}"))
                    .in_file(shown_as),
            );
            return (Vec::new(), FxHashMap::default(), None);
        }
    };
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
        .map(|item| match item {
            SummaryItem::Entry(entry) => builder.node(entry),
            SummaryItem::Group {
                title,
                slug,
                entries,
                ..
            } => NavNode {
                label: title.clone(),
                target: NavTarget::Group { slug: slug.clone() },
                children: entries.iter().map(|e| builder.node(e)).collect(),
            },
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
    fn node(&mut self, entry: &SummaryEntry) -> NavNode {
        let children = entry.children.iter().map(|c| self.node(c)).collect();
        let target = match entry.target.as_deref() {
            None | Some("") => NavTarget::Text,
            Some(target) if is_external(target) => NavTarget::External(target.to_string()),
            Some(target) => self.page_target(entry, target),
        };
        NavNode {
            label: entry.label().to_string(),
            target,
            children,
        }
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
    let doc = &first_page.doc;
    Some(Diagnostic::warning("interactive-block", message).at(
        &first_page.display_path,
        &doc.lines,
        &doc.text,
        at..at + 2,
    ))
}
