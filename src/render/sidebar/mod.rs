//! The sidebar's HTML, written directly rather than through a recursive template, and bounded.
//!
//! Every page carries a bounded part of the navigation: the lists on the way to the page (roots,
//! then the children of each ancestor), the page's own children, and the children of groups.
//! A list longer than [`FULL_LIST`] is cut to a window of [`WINDOW`] entries around the entry on
//! the page's path (or its first entries), and each cut run becomes a "more" entry. Without that
//! bound a flat SUMMARY.md of n pages gives n² links (1,000 pages: 75 MB of HTML).
//!
//! What a cut leaves out stays reachable without JavaScript: each list has an *owner* page (the
//! page whose children it is; for the roots, and for the children of a group or an unlinked
//! entry, the owner of the list holding that entry: in the end the space's home page), a "more"
//! entry links to its owner's [`SECTION_ID`] listing, and an owner lists in its body every list
//! it owns that some sidebar cuts ([`Sidebar::section_html`]). The theme's script replaces a
//! "more" entry with the entries it stands for, from the shared `nav.json`.
//!
//! Every entry's escaped label and site path are prepared once per build ([`Sidebar::new`]); a
//! page's sidebar joins prepared pieces with links relative to the page. Themes restyle it with
//! CSS; the markup is:
//!
//! ```html
//! <ul>
//!   <li class="nav-group nav-branch"><span class="nav-group-title">Guides</span><ul>…</ul></li>
//!   <li class="nav-branch is-on-path"><a href="../">Install</a><ul>
//!     <li class="is-current is-on-path"><a href="./" aria-current="page">Linux</a></li>
//!     <li class="nav-more" data-to="40"><a href="../#section-pages">… 33 more</a></li>
//!   </ul></li>
//!   <li class="nav-branch"><a href="../../use/">Use</a></li>
//! </ul>
//! ```
//!
//! Markup is kept small because every page carries it: an entry's place in `nav.json` is not
//! written but counted by the theme's script (its rank in its list, a "more" entry moving the
//! count to its `data-to`); `nav-branch` marks entries with children, open when they hold a
//! list.

mod listing;

use std::fmt::Write as _;

use pulldown_cmark_escape::escape_html;
use rustc_hash::FxHashMap;

use super::linker::Linker;
use crate::site::{NavNode, NavTarget, Site, Space};
pub use listing::ListingPage;
use listing::{listing_folder, listing_items};

/// A list of at most this many entries is shown whole.
pub const FULL_LIST: usize = 12;
/// How many entries of a longer list a sidebar shows: the entry on the page's path in the middle.
pub const WINDOW: usize = 5;
/// The same for a list holding an ancestor of the page: the ancestor alone (the breadcrumbs
/// and the ancestor's own listing give the rest).
pub const ANCESTOR_WINDOW: usize = 1;
/// A cut run this short is shown instead: a "more" entry would weigh as much.
const SHORTEST_CUT: usize = 3;
/// The `id` of the listing of a section's pages in its owner page.
pub const SECTION_ID: &str = "section-pages";
/// How many entries one page of a section's listing shows: a flat SUMMARY.md of 10,000 pages
/// would otherwise list them all on its home page (1.3 MB). The others are on pages of their
/// own under the owner ([`listing_folder`]), each linking to the first, the last and its
/// neighbours, so every page stays a few links away without JavaScript.
pub const LISTING_PAGE: usize = 100;
/// The folder of those pages (`guide/page/2/`), unless a page of the site is there.
const LISTING_FOLDER: &str = "page";

/// The navigation tree of one space with each entry's HTML prepared.
#[derive(Debug, Default)]
pub struct Sidebar {
    roots: Vec<Entry>,
    /// Site path of the page owning the roots (the space's home); `None`: lists are never cut.
    home: Option<String>,
    /// "{n} more" in the space's language.
    more: &'static str,
    /// Site path → the places of every entry linking that page, for pages SUMMARY.md lists more
    /// than once: a cut list under any of them has its "more" entry lead to that page.
    repeated: FxHashMap<String, Vec<Vec<usize>>>,
    /// Site path of each page whose listing takes more than one page → the folder of the others.
    folders: FxHashMap<String, String>,
}

#[derive(Debug)]
struct Entry {
    kind: Kind,
    link: Link,
    label_html: String,
    children: Vec<Entry>,
    /// The page of its owner's listing it is on (from 1), where a "more" entry starting with it
    /// leads.
    listing_page: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Page,
    External,
    Group,
    Text,
}

#[derive(Debug)]
enum Link {
    None,
    /// Percent-encoded site path of a page (`guide/install/`).
    Page(String),
    /// Escaped absolute URL.
    External(String),
}

/// What writing one page's sidebar needs besides the tree.
struct Writer<'a> {
    html: String,
    linker: &'a Linker<'a>,
    more: &'static str,
    /// [`Sidebar::folders`].
    folders: &'a FxHashMap<String, String>,
    /// Mark the entry of the page at the position as the page shown (`aria-current`).
    mark_current: bool,
}

impl Sidebar {
    /// Prepares the sidebar of one space of `site`.
    pub fn new(site: &Site, space: &Space) -> Self {
        let roots = prepare(site, &space.nav.roots);
        let mut places = FxHashMap::default();
        page_places(&roots, &mut Vec::new(), &mut places);
        places.retain(|_, at: &mut Vec<Vec<usize>>| at.len() > 1);
        let mut sidebar = Sidebar {
            roots,
            home: space.home.map(|home| site.pages[home].href_path.clone()),
            more: crate::i18n::word(&space.language, "nav_more"),
            repeated: places,
            folders: FxHashMap::default(),
        };
        sidebar.place_in_listings(site, space);
        sidebar
    }

    /// Finds the page of its owner's listing each entry is on, and the folder of each listing
    /// of more than one page: one pass over every listing (each entry is in one, or in one per
    /// entry of a page SUMMARY.md lists twice).
    fn place_in_listings(&mut self, site: &Site, space: &Space) {
        // Entries by address: the tree is not changed between this pass and the next.
        let mut pages: FxHashMap<usize, usize> = FxHashMap::default();
        let mut folders = FxHashMap::default();
        for (id, page) in site.published() {
            if !std::ptr::eq(&site.spaces[page.space], space) {
                continue;
            }
            let position = site.nav_of(id).positions.get(&id).map(Vec::as_slice);
            let (own, lists) = self.owned_lists(position, space.home == Some(id));
            let items = listing_items(&lists, own);
            if items.len() <= LISTING_PAGE {
                continue;
            }
            folders.insert(page.href_path.clone(), listing_folder(site, &page.url));
            for (i, item) in items.iter().enumerate() {
                let number = i / LISTING_PAGE + 1;
                for entry in item.groups.iter().copied().chain([item.entry]) {
                    pages
                        .entry(std::ptr::from_ref(entry) as usize)
                        .or_insert(number);
                }
            }
        }
        fn set(entries: &mut [Entry], pages: &FxHashMap<usize, usize>) {
            for entry in entries {
                if let Some(number) = pages.get(&(std::ptr::from_ref::<Entry>(entry) as usize)) {
                    entry.listing_page = *number;
                }
                set(&mut entry.children, pages);
            }
        }
        set(&mut self.roots, &pages);
        self.folders = folders;
    }

    /// The folder of the further pages of the listing of the page at site path `owner`, when its
    /// listing takes more than one page.
    pub fn listing_folder(&self, owner: &str) -> Option<&str> {
        self.folders.get(owner).map(String::as_str)
    }

    /// The sidebar of the page at `position` in the navigation (`None`: a page outside it), with
    /// links written by `linker`.
    pub fn html(&self, position: Option<&[usize]>, linker: &Linker<'_>) -> String {
        self.write(position, linker, true)
    }

    /// The sidebar of a page beside the one at `position` (a further page of its listing): the
    /// same entries, none of them marked as the page shown.
    pub fn html_beside(&self, position: Option<&[usize]>, linker: &Linker<'_>) -> String {
        self.write(position, linker, false)
    }

    fn write(&self, position: Option<&[usize]>, linker: &Linker<'_>, mark_current: bool) -> String {
        let mut writer = Writer {
            html: String::with_capacity(4 * 1024),
            linker,
            more: self.more,
            folders: &self.folders,
            mark_current,
        };
        writer.list(&self.roots, position, self.home.as_deref());
        writer.html
    }

    /// The lists the page at `position` owns (`is_home`: it is the space's home, which owns
    /// the roots), with its own entry, which they leave out.
    fn owned_lists(
        &self,
        position: Option<&[usize]>,
        is_home: bool,
    ) -> (Option<&Entry>, Vec<&[Entry]>) {
        let own = position.and_then(|p| node_at(&self.roots, p));
        let mut lists: Vec<&[Entry]> = Vec::new();
        if is_home && self.home.is_some() {
            lists.push(&self.roots);
        }
        if let Some(entry) = own.filter(|e| e.kind == Kind::Page) {
            lists.push(&entry.children);
            // The lists under the page's other entries name it as their owner too.
            let elsewhere = match &entry.link {
                Link::Page(href) => self.repeated.get(href),
                _ => None,
            };
            for at in elsewhere.into_iter().flatten() {
                if position != Some(at.as_slice())
                    && let Some(other) = node_at(&self.roots, at)
                {
                    lists.push(&other.children);
                }
            }
        }
        if !lists.iter().any(|list| cuts(list)) {
            lists.clear();
        }
        (own, lists)
    }

    /// How many pages the listing of the page at `position` takes ([`LISTING_PAGE`] entries
    /// each): 0 when every sidebar shows its lists whole and it has none.
    pub fn listing_pages(&self, position: Option<&[usize]>, is_home: bool) -> usize {
        let (own, lists) = self.owned_lists(position, is_home);
        if lists.is_empty() {
            return 0;
        }
        listing_items(&lists, own)
            .len()
            .div_ceil(LISTING_PAGE)
            .max(1)
    }

    /// Page `listing.number` of the listing of the pages a page owns that some sidebar cuts
    /// ([`SECTION_ID`]), with links to its other pages; `None` when every sidebar shows them
    /// whole. `position` is the page's place in the navigation; `is_home` says it is the
    /// space's home, which owns the roots.
    pub fn section_html(
        &self,
        position: Option<&[usize]>,
        is_home: bool,
        linker: &Linker<'_>,
        listing: &ListingPage<'_>,
    ) -> Option<String> {
        let (own, lists) = self.owned_lists(position, is_home);
        if lists.is_empty() {
            return None;
        }
        let items = listing_items(&lists, own);
        let pages = items.len().div_ceil(LISTING_PAGE).max(1);
        let number = listing.number.clamp(1, pages);
        let start = (number - 1) * LISTING_PAGE;
        let shown = &items[start.min(items.len())..(start + LISTING_PAGE).min(items.len())];
        let mut writer = Writer {
            html: String::new(),
            linker,
            more: self.more,
            folders: &self.folders,
            mark_current: false,
        };
        writer.listing(shown);
        if pages > 1 {
            writer.pager(listing, number, pages);
        }
        Some(writer.html)
    }
}

/// Records the place of every page entry under `entries` (at `path`) by its site path.
fn page_places(
    entries: &[Entry],
    path: &mut Vec<usize>,
    places: &mut FxHashMap<String, Vec<Vec<usize>>>,
) {
    for (i, entry) in entries.iter().enumerate() {
        path.push(i);
        if let Link::Page(href) = &entry.link {
            places.entry(href.clone()).or_default().push(path.clone());
        }
        page_places(&entry.children, path, places);
        path.pop();
    }
}

fn node_at<'a>(roots: &'a [Entry], position: &[usize]) -> Option<&'a Entry> {
    let (first, rest) = position.split_first()?;
    let mut entry = roots.get(*first)?;
    for i in rest {
        entry = entry.children.get(*i)?;
    }
    Some(entry)
}

/// Whether some sidebar cuts `list` or a list it owns through groups and unlinked entries.
fn cuts(list: &[Entry]) -> bool {
    list.len() > FULL_LIST
        || list
            .iter()
            .any(|e| e.kind != Kind::Page && cuts(&e.children))
}

fn prepare(site: &Site, nodes: &[NavNode]) -> Vec<Entry> {
    nodes
        .iter()
        .map(|node| {
            let (kind, link) = match &node.target {
                NavTarget::Page(page) => {
                    (Kind::Page, Link::Page(site.pages[*page].href_path.clone()))
                }
                NavTarget::External(url) => (Kind::External, Link::External(escaped(url))),
                NavTarget::Group { .. } => (Kind::Group, Link::None),
                NavTarget::Text => (Kind::Text, Link::None),
            };
            Entry {
                kind,
                link,
                label_html: escaped(&node.label),
                children: prepare(site, &node.children),
                listing_page: 1,
            }
        })
        .collect()
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}

/// The entries of a list of `len` a sidebar shows: all of a short list, else `size` of them
/// around `focus` (the entry on the page's path; the first ones without it).
fn window(len: usize, focus: Option<usize>, size: usize) -> std::ops::Range<usize> {
    if len <= FULL_LIST {
        return 0..len;
    }
    let mut start = focus.unwrap_or(0).saturating_sub(size / 2).min(len - size);
    let mut end = start + size;
    if start < SHORTEST_CUT {
        start = 0;
    }
    if len - end < SHORTEST_CUT {
        end = len;
    }
    start..end
}

impl Writer<'_> {
    /// One list of the sidebar. `owner` is the site path of the page that lists it whole
    /// (`None`: never cut).
    fn list(&mut self, entries: &[Entry], position: Option<&[usize]>, owner: Option<&str>) {
        let focus = position.and_then(|p| p.first().copied());
        let holds_ancestor = position.is_some_and(|p| p.len() > 1);
        let size = if holds_ancestor {
            ANCESTOR_WINDOW
        } else {
            WINDOW
        };
        let shown = match owner {
            Some(_) => window(entries.len(), focus, size),
            None => 0..entries.len(),
        };
        // In a cut list, groups and unlinked entries off the path are closed too: their owner
        // lists what they hold.
        let cut = shown.len() < entries.len();
        self.html.push_str("<ul>\n");
        if shown.start > 0 {
            self.more_entry(entries, 0..shown.start, owner);
        }
        for i in shown.clone() {
            let entry = &entries[i];
            let on_path = focus == Some(i);
            let current = self.mark_current && on_path && position.is_some_and(|p| p.len() == 1);
            let expanded =
                !entry.children.is_empty() && (on_path || (entry.kind != Kind::Page && !cut));
            self.open_item(entry, current, on_path);
            if expanded {
                let child_position = position.filter(|_| on_path).map(|p| &p[1..]);
                let child_owner = match &entry.link {
                    Link::Page(href) => Some(href.as_str()),
                    _ => owner,
                };
                self.list(&entry.children, child_position, child_owner);
            }
            self.html.push_str("</li>\n");
        }
        if shown.end < entries.len() {
            self.more_entry(entries, shown.end..entries.len(), owner);
        }
        self.html.push_str("</ul>");
    }

    fn open_item(&mut self, entry: &Entry, current: bool, on_path: bool) {
        let mut classes: Vec<&str> = Vec::with_capacity(4);
        match entry.kind {
            Kind::Page => {}
            Kind::External => classes.push("nav-external"),
            Kind::Group => classes.push("nav-group"),
            Kind::Text => classes.push("nav-text"),
        }
        if !entry.children.is_empty() {
            classes.push("nav-branch");
        }
        if current {
            classes.push("is-current");
        }
        if on_path {
            classes.push("is-on-path");
        }
        self.html.push_str("<li");
        if !classes.is_empty() {
            let _ = write!(self.html, " class=\"{}\"", classes.join(" "));
        }
        self.html.push('>');
        self.label(entry, current);
    }

    fn label(&mut self, entry: &Entry, current: bool) {
        let close = match &entry.link {
            Link::None => {
                self.html.push_str(if entry.kind == Kind::Group {
                    "<span class=\"nav-group-title\">"
                } else {
                    "<span class=\"nav-text\">"
                });
                "</span>"
            }
            Link::Page(href) => {
                let _ = write!(self.html, "<a href=\"{}\"", self.linker.href(href));
                self.html.push_str(if current {
                    " aria-current=\"page\">"
                } else {
                    ">"
                });
                "</a>"
            }
            Link::External(href) => {
                let _ = write!(self.html, "<a href=\"{href}\" rel=\"external\">");
                "</a>"
            }
        };
        self.html.push_str(&entry.label_html);
        self.html.push_str(close);
    }

    /// The entry standing for a cut run of a list: a link to the owner's listing, which the
    /// theme's script replaces with the run's entries.
    /// The page of the owner's listing that lists the run's first entry is where it leads.
    fn more_entry(&mut self, entries: &[Entry], run: std::ops::Range<usize>, owner: Option<&str>) {
        let owner = owner.unwrap_or("");
        let number = entries.get(run.start).map_or(1, |e| e.listing_page);
        let href = match self.folders.get(owner) {
            Some(folder) if number > 1 => self.linker.href(&format!("{owner}{folder}/{number}/")),
            _ => self.linker.href(owner),
        };
        let _ = writeln!(
            self.html,
            "<li class=\"nav-more\" data-to=\"{}\"><a href=\"{href}#{SECTION_ID}\">{}</a></li>",
            run.end,
            self.more.replace("{n}", &run.len().to_string()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lists_are_whole_and_long_ones_a_window_around_the_focus() {
        assert_eq!(window(FULL_LIST, Some(11), WINDOW), 0..FULL_LIST);
        assert_eq!(window(40, None, WINDOW), 0..WINDOW);
        assert_eq!(window(40, Some(1), WINDOW), 0..WINDOW);
        assert_eq!(window(40, Some(20), WINDOW), 18..23);
        assert_eq!(window(40, Some(39), WINDOW), 35..40);
        assert_eq!(window(40, Some(20), ANCESTOR_WINDOW), 20..21);
        assert_eq!(window(40, Some(2), ANCESTOR_WINDOW), 0..3);
        assert_eq!(window(40, Some(37), ANCESTOR_WINDOW), 37..40);
    }
}
