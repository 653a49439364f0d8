//! What a template sees for one page: the page, its branch of the navigation, breadcrumbs,
//! previous/next and the table of contents, with every `href` ready to print.
//!
//! The sidebar is a bounded part of the tree (`sidebar.rs`): output must grow linearly with the
//! page count (HonKit embeds the whole tree in every page and takes an hour for 1,500 pages). The
//! whole tree is written once, to `nav.json`, for the theme's script.

use std::sync::LazyLock;

use serde::Serialize;
use serde_json::{Map, Value};

use super::linker::Linker;
use super::markdown::page_markdown_href_path;
use super::sidebar::{ListingPage, Sidebar};
use crate::document::Layout;
use crate::git_dates::PageDates;
use crate::markdown::Heading;
use crate::site::url::encode_path;
use crate::site::{NavNode, NavTarget, Page, PageId, Site};

#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// `description`, else the first paragraph, shortened: what search engines show.
    pub meta_description: Option<String>,
    pub content: &'a str,
    pub toc: Vec<TocEntry<'a>>,
    /// Site-relative URL (`guides/install/`).
    pub url: &'a str,
    pub canonical: String,
    /// Content-relative source path (`guides/install.md`).
    pub source: &'a str,
    pub extra: &'a Map<String, Value>,
    pub is_home: bool,
    /// The page draws Mermaid diagrams: load Mermaid here only.
    pub has_mermaid: bool,
    pub has_math: bool,
    /// Which parts GitBook's `layout` front matter shows.
    pub layout: &'a Layout,
    /// Ask search engines not to index the page.
    pub no_index: bool,
    /// An emoji shown before the title (GitBook's named icons need an icon font: not shown).
    pub icon: Option<&'a str>,
    /// `src` of the cover image.
    pub cover: Option<String>,
    /// The `href` of the page's Markdown, when the site publishes it.
    pub markdown_href: Option<String>,
    /// Absolute URL of the image link previews show (the cover), when one can be written.
    pub image: Option<String>,
    /// Where the page's source can be edited (`edit_url` of `carnet.yaml`).
    pub edit_url: Option<String>,
    /// The date of the last commit that touched the page's source (`last_updated: git`).
    pub last_updated: Option<DateView>,
}

impl<'a> PageView<'a> {
    /// The view of a page with no body of its own (404, spaces home, a listing's further
    /// pages): no description, outline, cover or dates, the default layout. One place, so a
    /// field added to [`PageView`] gets its empty value for every such page at once.
    fn without_body(
        title: &'a str,
        url: &'a str,
        canonical: String,
        source: &'a str,
        no_index: bool,
    ) -> Self {
        static NO_EXTRA: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
        static DEFAULT_LAYOUT: LazyLock<Layout> = LazyLock::new(Layout::default);
        PageView {
            title,
            description: None,
            meta_description: None,
            content: "",
            toc: Vec::new(),
            url,
            canonical,
            source,
            extra: &NO_EXTRA,
            is_home: url.is_empty(),
            has_mermaid: false,
            has_math: false,
            layout: &DEFAULT_LAYOUT,
            no_index,
            icon: None,
            cover: None,
            markdown_href: None,
            image: None,
            edit_url: None,
            last_updated: None,
        }
    }
}

/// A date as the page shows it and as its `<time datetime>` says it.
#[derive(Serialize)]
pub struct DateView {
    pub iso: String,
    pub text: String,
}

impl DateView {
    fn new(seconds: i64, language: &str) -> Self {
        let (year, month, day) = crate::git_dates::civil_date(seconds);
        DateView {
            iso: crate::git_dates::iso_datetime(seconds),
            text: crate::i18n::date(language, year, month, day),
        }
    }
}

#[derive(Serialize)]
pub struct TocEntry<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub children: Vec<TocEntry<'a>>,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct Neighbour {
    pub label: String,
    pub href: String,
}

/// Everything page-specific a template gets. Site-wide values (`site`, `assets`, `t`) are in
/// Tera's global context, set once per build.
pub fn page_context(
    site: &Site,
    sidebar: &Sidebar,
    id: PageId,
    content: &str,
    dates: Option<&PageDates>,
) -> tera::Context {
    let page = &site.pages[id];
    let linker = Linker::Relative {
        from: &page.href_path,
    };
    let nav = site.nav_of(id);
    let position = nav.positions.get(&id).map(Vec::as_slice);
    let (prev, next) = nav.neighbours(id);
    // The site's language and words are global; a space in another language has its own.
    let language = site.language_of(id);
    let view = PageView {
        title: &page.title,
        description: page.description(),
        meta_description: meta_description(page),
        content,
        toc: table_of_contents(&page.fragment.headings),
        url: &page.url,
        canonical: canonical_url(site, &page.href_path),
        source: &page.source.rel,
        extra: &page.doc.front_matter.extra,
        is_home: site.home == Some(id),
        has_mermaid: page.fragment.has_mermaid,
        has_math: page.fragment.has_math,
        layout: &page.doc.front_matter.layout,
        no_index: page.doc.front_matter.no_index,
        icon: page
            .doc
            .front_matter
            .icon
            .as_deref()
            .filter(|icon| !icon.is_ascii()),
        cover: super::references::cover_href(site, id),
        markdown_href: site
            .config
            .outputs
            .markdown
            .then(|| linker.href(&page_markdown_href_path(page))),
        image: preview_image(site, id),
        edit_url: site
            .config
            .edit_url
            .as_ref()
            .map(|base| format!("{base}{}", encode_path(&page.source.rel))),
        last_updated: dates
            .and_then(|d| d.get(&page.source.rel))
            .map(|seconds| DateView::new(seconds, language)),
    };
    let root = linker.root();
    let mut context = tera::Context::new();
    context.insert("page", &view);
    context.insert("sidebar", &sidebar.html(position, &linker));
    context.insert(
        "section_pages",
        &section_listing(site, sidebar, id, 1, &linker),
    );
    context.insert("nav_json", &nav_json_path(site, page.space));
    context.insert("root", &root);
    context.insert("breadcrumbs", &breadcrumbs(site, id, position, &linker));
    context.insert("prev", &prev.map(|p| neighbour(site, p, &linker)));
    context.insert("next", &next.map(|p| neighbour(site, p, &linker)));
    if language != site.language {
        context.insert("lang", language);
        context.insert("t", &crate::i18n::theme_strings(language));
    }
    context
}

/// Page `number` of the listing of the pages the page `id` owns (`None`: it has none).
fn section_listing(
    site: &Site,
    sidebar: &Sidebar,
    id: PageId,
    number: usize,
    linker: &Linker<'_>,
) -> Option<String> {
    let page = &site.pages[id];
    let position = site.nav_of(id).positions.get(&id).map(Vec::as_slice);
    let is_space_home = site.spaces[page.space].home == Some(id);
    let listing = ListingPage {
        number,
        owner: &page.href_path,
        folder: sidebar.listing_folder(&page.href_path).unwrap_or_default(),
        label: crate::i18n::word(site.language_of(id), "listing_pages"),
    };
    sidebar.section_html(position, is_space_home, linker, &listing)
}

/// How many pages the listing of the pages the page `id` owns takes (0: it has none; 1: all
/// on the page itself).
pub fn listing_pages(site: &Site, sidebar: &Sidebar, id: PageId) -> usize {
    let position = site.nav_of(id).positions.get(&id).map(Vec::as_slice);
    let is_space_home = site.spaces[site.pages[id].space].home == Some(id);
    sidebar.listing_pages(position, is_space_home)
}

/// The context of page `number` (from 2) of the listing of the pages the page `id` owns: the
/// owner's place in the navigation, its breadcrumbs and itself above, the listing as its body.
pub fn listing_context(site: &Site, sidebar: &Sidebar, id: PageId, number: usize) -> tera::Context {
    let page = &site.pages[id];
    let folder = sidebar.listing_folder(&page.href_path).unwrap_or_default();
    let path = format!("{}{folder}/{number}/", page.href_path);
    let url = format!("{}{folder}/{number}/", page.url);
    let linker = Linker::Relative { from: &path };
    let position = site.nav_of(id).positions.get(&id).map(Vec::as_slice);
    let language = site.language_of(id);
    let pages = listing_pages(site, sidebar, id);
    let title = format!(
        "{} ({number}/{pages}) · {}",
        crate::i18n::word(language, "section_pages"),
        page.title
    );
    let view = PageView::without_body(
        &title,
        &url,
        canonical_url(site, &path),
        &page.source.rel,
        true,
    );
    let mut crumbs = breadcrumbs(site, id, position, &linker);
    crumbs.push(Crumb {
        label: page.nav_label.clone(),
        href: Some(linker.href(&page.href_path)),
    });
    let mut context = tera::Context::new();
    context.insert("page", &view);
    context.insert("sidebar", &sidebar.html_beside(position, &linker));
    context.insert(
        "section_pages",
        &section_listing(site, sidebar, id, number, &linker),
    );
    context.insert("nav_json", &nav_json_path(site, page.space));
    context.insert("root", &linker.root());
    context.insert("breadcrumbs", &crumbs);
    if language != site.language {
        context.insert("lang", language);
        context.insert("t", &crate::i18n::theme_strings(language));
    }
    context
}

/// The context of a generated site home listing the spaces (a tree of spaces without a root
/// README).
pub fn spaces_home_context(site: &Site, sidebar: &Sidebar) -> tera::Context {
    let canonical = canonical_url(site, "");
    generated_page_context(
        site,
        sidebar,
        Linker::Relative { from: "" },
        &site.title,
        "",
        canonical,
        false,
    )
}

/// The context of the 404 page: no page of its own, absolute links, the top of the tree.
pub fn not_found_context(site: &Site, sidebar: &Sidebar, base_path: &str) -> tera::Context {
    let canonical = format!(
        "{}404.html",
        site.config.base_url.as_deref().unwrap_or(base_path)
    );
    generated_page_context(
        site,
        sidebar,
        Linker::Absolute { base_path },
        "404",
        "404.html",
        canonical,
        true,
    )
}

/// A page carnet writes itself (404, spaces home): no source, no outline, the root space's
/// navigation.
fn generated_page_context(
    site: &Site,
    sidebar: &Sidebar,
    linker: Linker<'_>,
    title: &str,
    url: &str,
    canonical: String,
    no_index: bool,
) -> tera::Context {
    let view = PageView::without_body(title, url, canonical, "", no_index);
    let root = linker.root();
    let mut context = tera::Context::new();
    context.insert("page", &view);
    context.insert("sidebar", &sidebar.html(None, &linker));
    context.insert("nav_json", &nav_json_path(site, 0));
    context.insert("root", &root);
    context.insert("breadcrumbs", &Vec::<Crumb>::new());
    context
}

/// The cover as an absolute URL, which link previews need: as written when it is one, else the
/// site's file under `base_url` (none without a `base_url`).
fn preview_image(site: &Site, id: PageId) -> Option<String> {
    let page = &site.pages[id];
    let cover = super::references::cover_href(site, id)?;
    if cover.starts_with("https://") || cover.starts_with("http://") {
        return Some(cover);
    }
    let base = site.config.base_url.as_deref()?;
    Some(format!(
        "{base}{}",
        resolve_relative(&page.href_path, &cover)
    ))
}

/// The site path `href` (relative to the page at site path `from`, both percent-encoded) leads
/// to: `a/b/` + `../img/c.png` → `a/img/c.png`.
fn resolve_relative(from: &str, href: &str) -> String {
    let mut segments: Vec<&str> = from.split('/').collect();
    segments.pop(); // the page's own last segment is empty (`a/b/`): the folder is `a/b`.
    for part in href.split('/') {
        match part {
            "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    segments.retain(|s| !s.is_empty());
    let mut path = segments.join("/");
    if href.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    path
}

fn canonical_url(site: &Site, url: &str) -> String {
    match &site.config.base_url {
        Some(base) => Linker::Absolute { base_path: base }.href(url),
        None => "./".to_string(),
    }
}

fn neighbour(site: &Site, id: PageId, linker: &Linker<'_>) -> Neighbour {
    Neighbour {
        label: site.pages[id].nav_label.clone(),
        href: linker.href(&site.pages[id].href_path),
    }
}

/// H2 entries with their H3s nested; an H3 before any H2 stands alone.
fn table_of_contents(headings: &[Heading]) -> Vec<TocEntry<'_>> {
    let mut toc: Vec<TocEntry<'_>> = Vec::new();
    for heading in headings.iter().filter(|h| h.level == 2 || h.level == 3) {
        let entry = TocEntry {
            id: &heading.id,
            text: &heading.text,
            children: Vec::new(),
        };
        match toc.last_mut() {
            Some(parent) if heading.level == 3 => parent.children.push(entry),
            _ => toc.push(entry),
        }
    }
    toc
}

/// The ancestors of the page in the navigation, after the home page.
fn breadcrumbs(
    site: &Site,
    id: PageId,
    position: Option<&[usize]>,
    linker: &Linker<'_>,
) -> Vec<Crumb> {
    let mut crumbs = Vec::new();
    let space = &site.spaces[site.pages[id].space];
    // The site's home, then the space's home when the page is in another space.
    for home in [site.home, space.home.filter(|h| Some(*h) != site.home)]
        .into_iter()
        .flatten()
    {
        if home == id {
            return crumbs;
        }
        crumbs.push(Crumb {
            label: site.pages[home].nav_label.clone(),
            href: Some(linker.href(&site.pages[home].href_path)),
        });
    }
    let Some(position) = position else {
        return crumbs;
    };
    for depth in 1..position.len() {
        let Some(node) = space.nav.node(&position[..depth]) else {
            break;
        };
        let href = match &node.target {
            NavTarget::Page(page) if Some(*page) == site.home || Some(*page) == space.home => {
                continue;
            }
            NavTarget::Page(page) => Some(linker.href(&site.pages[*page].href_path)),
            _ => None,
        };
        crumbs.push(Crumb {
            label: node.label.clone(),
            href,
        });
    }
    crumbs
}

/// Where the navigation of `space` is written, relative to the site root.
pub fn nav_json_path(site: &Site, space: usize) -> String {
    format!(
        "{}nav.json",
        crate::site::url::encode_path(&site.spaces[space].spec.url_prefix)
    )
}

/// The whole navigation tree of `space` as compact JSON: `{"l": label, "u": url, "c":
/// [children]}` (`"g": 1` on groups), URLs site-relative (the script prefixes the page's root)
/// or absolute for external entries.
pub fn nav_json(site: &Site, space: usize) -> String {
    fn node_json(site: &Site, node: &NavNode) -> Value {
        let mut object = Map::new();
        object.insert("l".into(), Value::String(node.label.clone()));
        match &node.target {
            NavTarget::Page(page) => {
                object.insert(
                    "u".into(),
                    Value::String(site.pages[*page].href_path.clone()),
                );
            }
            NavTarget::External(url) => {
                object.insert("u".into(), Value::String(url.clone()));
            }
            NavTarget::Group { .. } => {
                object.insert("g".into(), Value::from(1));
            }
            NavTarget::Text => {}
        }
        if !node.children.is_empty() {
            object.insert(
                "c".into(),
                Value::Array(node.children.iter().map(|c| node_json(site, c)).collect()),
            );
        }
        Value::Object(object)
    }
    let roots: Vec<Value> = site.spaces[space]
        .nav
        .roots
        .iter()
        .map(|n| node_json(site, n))
        .collect();
    Value::Array(roots).to_string()
}

/// Cuts `text` at a word boundary to at most `max` characters, with an ellipsis when cut.
/// What search engines show of a page: its `description`, else its first paragraph, shortened.
fn meta_description(page: &Page) -> Option<String> {
    page.description().map(str::to_string).or_else(|| {
        page.fragment
            .first_paragraph
            .as_deref()
            .map(|p| shorten(p, 160))
    })
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_hrefs_resolve_against_the_page() {
        assert_eq!(resolve_relative("a/b/", "../img/c.png"), "a/img/c.png");
        assert_eq!(resolve_relative("", "img/c.png"), "img/c.png");
        assert_eq!(resolve_relative("a/", "../../c.png"), "c.png");
        assert_eq!(resolve_relative("a/b/", "./c/"), "a/b/c/");
    }

    #[test]
    fn shorten_cuts_on_words() {
        assert_eq!(shorten("court", 10), "court");
        assert_eq!(shorten("un deux trois quatre", 12), "un deux…");
    }

    #[test]
    fn toc_nests_h3_under_h2() {
        let h = |level, id: &str| Heading {
            level,
            id: id.into(),
            text: id.into(),
        };
        let headings = [
            h(3, "orphan"),
            h(2, "a"),
            h(3, "a1"),
            h(4, "deep"),
            h(2, "b"),
        ];
        let toc = table_of_contents(&headings);
        let ids: Vec<_> = toc.iter().map(|e| (e.id, e.children.len())).collect();
        assert_eq!(ids, [("orphan", 0), ("a", 1), ("b", 0)]);
    }
}
