//! The output plan: every file a build writes, as one list of output path → job. `carnet build`
//! writes it, `carnet build --watch` keeps the output folder equal to it, `carnet serve` answers
//! each request from it: what the dev server shows is what a build publishes, and two jobs at
//! one path are found before anything is written.
//!
//! A plan can be made for the whole site or for some pages only ([`Plan::for_pages`]), and two
//! plans compared ([`Plan::diff`]): what a rebuild must write, and what it must remove.
//! The search index is the one output outside it: its files are known once every page is
//! indexed, and it lives under its own folder, [`SEARCH_DIR`]. The plan itself is written into
//! the output, last, for `carnet deploy` ([`super::plan_file`]).

use rustc_hash::FxHashMap;

use super::llms::{llms_full, llms_txt};
use super::markdown::{page_markdown, page_markdown_path};
use super::plan_file::{OutputKind, PLAN_FILE, PlanFile};
use super::{
    SiteRenderer, Theme, listing_pages, nav_json, prepare_sidebars, redirect_page, redirects_file,
    robots, sitemap,
};
use crate::diagnostic::Diagnostic;
use crate::site::redirects::Redirect;
use crate::site::{Page, PageId, Site};

/// Where the search index is written (its files are made by `search`, not by a job).
pub const SEARCH_DIR: &str = "search/";

/// How one output file is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Job {
    /// A published page's HTML.
    Page(PageId),
    /// A published page's Markdown (`outputs: markdown`).
    PageMarkdown(PageId),
    /// Page `.1` (from 2) of the listing of the pages a page owns, when one page cannot hold it
    /// ([`super::sidebar::LISTING_PAGE`]).
    SectionListing(PageId, usize),
    /// A file of the sources, copied as it is (index into `site.assets`).
    Asset(usize),
    /// A static file of the theme: CSS, JavaScript, vendored libraries (index into
    /// `theme.files`).
    Theme(usize),
    /// The navigation tree of a space (index into `site.spaces`).
    NavJson(usize),
    /// The HTML redirect page of an old URL (index into the redirects).
    Redirect(usize),
    Robots,
    Sitemap,
    /// Netlify/Cloudflare-style `_redirects`.
    RedirectsFile,
    /// The home of a tree of spaces without a root README.
    SpacesHome,
    NotFound,
    /// `llms.txt` and `llms-full.txt` (`outputs: llms`).
    LlmsTxt,
    LlmsFull,
    /// The plan itself, with the search index's files ([`PLAN_FILE`]): made by the caller,
    /// who knows those files.
    PlanFile,
}

impl Job {
    /// A job whose bytes are rendered (not a page, not a copied file).
    pub fn is_generated(&self) -> bool {
        !matches!(self, Job::Page(_) | Job::Asset(_))
    }

    /// What the file is, as the plan file tells `carnet deploy` (`None` for the plan file).
    pub fn kind(&self) -> Option<OutputKind> {
        Some(match self {
            Job::Page(_) | Job::SectionListing(..) => OutputKind::Page,
            Job::PageMarkdown(_) => OutputKind::PageMarkdown,
            Job::Asset(_) => OutputKind::Asset,
            Job::Theme(_) => OutputKind::Theme,
            Job::NavJson(_) => OutputKind::Navigation,
            Job::Redirect(_) => OutputKind::Redirect,
            Job::Robots => OutputKind::Robots,
            Job::Sitemap => OutputKind::Sitemap,
            Job::RedirectsFile => OutputKind::Redirects,
            Job::SpacesHome => OutputKind::SpacesHome,
            Job::NotFound => OutputKind::NotFound,
            Job::LlmsTxt => OutputKind::Llms,
            Job::LlmsFull => OutputKind::LlmsFull,
            Job::PlanFile => return None,
        })
    }

    /// Who asked for the file, as an error about two of them at one path names it.
    fn owner(&self, site: &Site, redirects: &[Redirect]) -> String {
        match self {
            Job::Page(id) | Job::PageMarkdown(id) | Job::SectionListing(id, _) => {
                site.pages[*id].source.rel.clone()
            }
            Job::Asset(index) => site.assets[*index].rel.clone(),
            Job::Theme(_) => "the theme".to_string(),
            Job::Redirect(index) => redirects
                .get(*index)
                .map_or_else(String::new, |r| format!("the redirect from /{}", r.from)),
            _ => "carnet".to_string(),
        }
    }
}

/// Where a published page's HTML is written: its URL's `index.html` (pretty URLs on any host).
pub fn page_html_path(page: &Page) -> String {
    format!("{}index.html", page.url)
}

/// The Markdown of the pages `ids`, when the site publishes it. Two pages whose Markdown would
/// have one path (the home's `index.md` and a page named `index.md`) cannot both have it: the
/// first keeps it, and the other is published as HTML only ([`Plan::markdown_shadowed`] says so).
fn markdown_entries(
    site: &Site,
    ids: impl Iterator<Item = PageId>,
) -> impl Iterator<Item = (String, Job)> {
    ids.filter(|_| site.config.outputs.markdown)
        .map(|id| (page_markdown_path(&site.pages[id]), Job::PageMarkdown(id)))
}

/// The further pages of the listings too long for their owner page (`guide/page/2/`…).
fn listing_entries(site: &Site) -> Vec<(String, Job)> {
    let sidebars = prepare_sidebars(site);
    let mut entries = Vec::new();
    for (id, page) in site.published() {
        let pages = listing_pages(site, &sidebars[page.space], id);
        if pages < 2 {
            continue;
        }
        let Some(folder) = sidebars[page.space].listing_folder(&page.href_path) else {
            continue;
        };
        entries.extend((2..=pages).map(|number| {
            let path = format!("{}{folder}/{number}/index.html", page.url);
            (path, Job::SectionListing(id, number))
        }));
    }
    entries
}

/// Every output file of a build but the search index: path → job, pages first, in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    entries: Vec<(String, Job)>,
    by_path: FxHashMap<String, usize>,
    /// Page Markdown left out because an earlier job has its path.
    shadowed: Vec<(String, Job)>,
}

/// What changed between two plans, by output path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanDiff {
    /// Paths only the new plan has.
    pub added: Vec<String>,
    /// Paths only the old plan has: files to remove.
    pub removed: Vec<String>,
    /// Paths both have, with another job now.
    pub changed: Vec<String>,
}

impl Plan {
    /// The whole site's plan.
    pub fn of_site(site: &Site, theme: &Theme, redirects: &[Redirect]) -> Plan {
        let mut entries: Vec<(String, Job)> = site
            .published()
            .map(|(id, page)| (page_html_path(page), Job::Page(id)))
            .collect();
        entries.extend(markdown_entries(site, site.published().map(|(id, _)| id)));
        entries.extend(listing_entries(site));
        entries.extend(
            site.assets
                .iter()
                .enumerate()
                .map(|(index, asset)| (asset.rel.clone(), Job::Asset(index))),
        );
        let has_mermaid = site.published().any(|(_, p)| p.fragment.has_mermaid);
        for (index, file) in theme.files.iter().enumerate() {
            if file.only_for != Some("mermaid") || has_mermaid {
                entries.push((file.output.clone(), Job::Theme(index)));
            }
        }
        for space in (0..site.spaces.len()).filter(|s| site.space_has_pages(*s)) {
            let path = format!("{}nav.json", site.spaces[space].spec.url_prefix);
            entries.push((path, Job::NavJson(space)));
        }
        for (index, redirect) in redirects.iter().enumerate() {
            entries.push((format!("{}index.html", redirect.from), Job::Redirect(index)));
        }
        // A site's own robots.txt, sitemap.xml, _redirects or llms.txt is copied as an asset
        // and wins.
        let mut hosting = vec![("robots.txt", Job::Robots)];
        if site.config.outputs.llms {
            hosting.extend([("llms.txt", Job::LlmsTxt), ("llms-full.txt", Job::LlmsFull)]);
        }
        if site.config.base_url.is_some() {
            hosting.push(("sitemap.xml", Job::Sitemap));
        }
        if !redirects.is_empty() {
            hosting.push(("_redirects", Job::RedirectsFile));
        }
        for (name, job) in hosting {
            if !site.has_asset(name) {
                entries.push((name.to_owned(), job));
            }
        }
        if site.home.is_none() && site.visible_spaces().count() > 1 {
            entries.push(("index.html".to_owned(), Job::SpacesHome));
        }
        entries.push(("404.html".to_owned(), Job::NotFound));
        entries.push((PLAN_FILE.to_owned(), Job::PlanFile));
        Plan::from_entries(entries)
    }

    /// The outputs of the pages `ids` only (what a change to those pages alone may change,
    /// with the search index).
    pub fn for_pages(site: &Site, ids: &[PageId]) -> Plan {
        let published = || ids.iter().copied().filter(|&id| site.pages[id].published);
        let mut entries: Vec<(String, Job)> = published()
            .map(|id| (page_html_path(&site.pages[id]), Job::Page(id)))
            .collect();
        entries.extend(markdown_entries(site, published()));
        if site.config.outputs.llms && !site.has_asset("llms-full.txt") {
            entries.push(("llms-full.txt".to_owned(), Job::LlmsFull));
        }
        entries.push((PLAN_FILE.to_owned(), Job::PlanFile));
        Plan::from_entries(entries)
    }

    fn from_entries(all: Vec<(String, Job)>) -> Plan {
        let mut by_path = FxHashMap::with_capacity_and_hasher(all.len(), Default::default());
        let mut entries = Vec::with_capacity(all.len());
        let mut shadowed = Vec::new();
        for (path, job) in all {
            if matches!(job, Job::PageMarkdown(_)) && by_path.contains_key(&path) {
                shadowed.push((path, job));
                continue;
            }
            by_path.entry(path.clone()).or_insert(entries.len());
            entries.push((path, job));
        }
        Plan {
            entries,
            by_path,
            shadowed,
        }
    }

    /// A warning for each page whose Markdown another output's path has taken: the page is
    /// published, as HTML only.
    pub fn markdown_shadowed(&self, site: &Site, redirects: &[Redirect]) -> Vec<Diagnostic> {
        self.shadowed
            .iter()
            .map(|(path, job)| {
                let owner = self.job(path).map_or_else(String::new, |j| j.owner(site, redirects));
                let mut diagnostic = Diagnostic::warning(
                    "duplicate-markdown-path",
                    format!(
                        "the Markdown of this page would be written to `{path}`, which `{owner}` already has; the page is published as HTML only"
                    ),
                );
                if let Job::PageMarkdown(id) = job {
                    diagnostic = diagnostic.in_file(&site.pages[*id].display_path);
                }
                diagnostic
            })
            .collect()
    }

    pub fn entries(&self) -> &[(String, Job)] {
        &self.entries
    }

    /// The job that makes the file at `path`.
    pub fn job(&self, path: &str) -> Option<Job> {
        self.by_path.get(path).map(|&index| self.entries[index].1)
    }

    /// Two jobs at one output path would silently overwrite each other: an error naming both.
    pub fn collision(&self, site: &Site, redirects: &[Redirect]) -> Option<Diagnostic> {
        if self.by_path.len() == self.entries.len() {
            return None;
        }
        let mut first: FxHashMap<&str, &Job> = FxHashMap::default();
        for (path, job) in &self.entries {
            if let Some(earlier) = first.insert(path, job) {
                let message = format!(
                    "`{}` and `{}` would both be written to `{path}`; rename one of them",
                    earlier.owner(site, redirects),
                    job.owner(site, redirects)
                );
                return Some(Diagnostic::error("duplicate-url", message));
            }
        }
        None
    }

    /// The plan file of an output made by this plan, whose search index has the files at
    /// `search_paths`.
    pub fn file<'p>(&self, search_paths: impl IntoIterator<Item = &'p str>) -> PlanFile {
        let jobs = self
            .entries
            .iter()
            .filter_map(|(path, job)| job.kind().map(|kind| (path.clone(), kind)));
        let search = search_paths
            .into_iter()
            .map(|path| (path.to_string(), OutputKind::Search));
        PlanFile::new(jobs.chain(search))
    }

    /// What differs from the `old` plan.
    pub fn diff(&self, old: &Plan) -> PlanDiff {
        let mut diff = PlanDiff::default();
        for (path, job) in &self.entries {
            match old.job(path) {
                None => diff.added.push(path.clone()),
                Some(before) if before != *job => diff.changed.push(path.clone()),
                Some(_) => {}
            }
        }
        diff.removed = old
            .entries
            .iter()
            .filter(|(path, _)| !self.by_path.contains_key(path))
            .map(|(path, _)| path.clone())
            .collect();
        diff
    }
}

/// The bytes of a generated job ([`Job::is_generated`]); the plan file's are made by the caller
/// ([`Plan::file`]), who knows the search index's files.
pub fn render_generated(
    job: Job,
    site: &Site,
    theme: &Theme,
    renderer: &SiteRenderer<'_>,
    redirects: &[Redirect],
) -> Result<Vec<u8>, Diagnostic> {
    Ok(match job {
        Job::Theme(index) => theme
            .files
            .get(index)
            .map(|file| file.bytes.to_vec())
            .unwrap_or_default(),
        Job::NavJson(space) => nav_json(site, space).into_bytes(),
        Job::Redirect(index) => redirects
            .get(index)
            .map(|r| redirect_page(site, r).into_bytes())
            .unwrap_or_default(),
        Job::Robots => robots(site).into_bytes(),
        Job::Sitemap => sitemap(site, renderer.dates())
            .unwrap_or_default()
            .into_bytes(),
        Job::RedirectsFile => redirects_file(site, redirects).into_bytes(),
        Job::SpacesHome => renderer.spaces_home()?,
        Job::NotFound => renderer.not_found()?,
        Job::PageMarkdown(id) => page_markdown(site, id).into_bytes(),
        Job::LlmsTxt => llms_txt(site).into_bytes(),
        Job::LlmsFull => llms_full(site).into_bytes(),
        Job::SectionListing(id, number) => renderer.section_listing(id, number)?,
        Job::Page(_) | Job::Asset(_) | Job::PlanFile => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(entries: &[(&str, Job)]) -> Plan {
        Plan::from_entries(entries.iter().map(|(p, j)| (p.to_string(), *j)).collect())
    }

    #[test]
    fn plans_compare_by_path() {
        let old = plan(&[
            ("a/index.html", Job::Page(0)),
            ("b/index.html", Job::Page(1)),
            ("404.html", Job::NotFound),
        ]);
        let new = plan(&[
            ("a/index.html", Job::Page(0)),
            ("b/index.html", Job::Page(2)),
            ("c/index.html", Job::Page(3)),
            ("404.html", Job::NotFound),
        ]);
        let diff = new.diff(&old);
        assert_eq!(diff.added, ["c/index.html"]);
        assert_eq!(diff.changed, ["b/index.html"]);
        assert!(diff.removed.is_empty());
        assert_eq!(old.diff(&new).removed, ["c/index.html"]);
        assert_eq!(new.job("c/index.html"), Some(Job::Page(3)));
        assert_eq!(new.job("d/index.html"), None);
    }
}
