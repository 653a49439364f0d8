//! A section's listing in pages: the lines of the lists a page owns, cut into pages of
//! [`super::LISTING_PAGE`] entries (the first in the owner page's body, the others on pages of their own
//! under it), each with links to the others.

use std::fmt::Write as _;

use super::{Entry, Kind, LISTING_FOLDER, SECTION_ID, Writer};
use crate::site::Site;

/// One page of a section's listing: which, and where its other pages are.
pub struct ListingPage<'a> {
    /// From 1 (the owner page itself).
    pub number: usize,
    /// Site path of the owner page (percent-encoded, `guide/`).
    pub owner: &'a str,
    /// The folder under the owner holding the other pages ([`listing_folder`]).
    pub folder: &'a str,
    /// The name of the links between them, in the site's language.
    pub label: &'a str,
}

impl ListingPage<'_> {
    /// Site path of page `number` of the listing (the first is the owner's `#section-pages`).
    pub fn href_path(&self, number: usize) -> String {
        if number <= 1 {
            format!("{}#{SECTION_ID}", self.owner)
        } else {
            format!("{}{}/{number}/", self.owner, self.folder)
        }
    }
}

/// The folder under the page at `owner_url` where the further pages of its listing are:
/// `page/` (`guide/page/2/`), or the first of `page-1/`, `page-2/`… no page of the site has
/// its URL under, so a listing never takes a page's URL.
pub(super) fn listing_folder(site: &Site, owner_url: &str) -> String {
    let taken = |folder: &str| {
        let prefix = format!("{owner_url}{folder}/");
        site.pages.iter().any(|page| page.url.starts_with(&prefix))
    };
    let mut folder = LISTING_FOLDER.to_string();
    let mut n = 0;
    while taken(&folder) {
        n += 1;
        folder = format!("{LISTING_FOLDER}-{n}");
    }
    folder
}

/// One line of a listing: an entry, the list it is in, and the groups (and unlinked entries)
/// above it, whose names a page of the listing repeats when it starts inside them.
pub(super) struct Item<'a> {
    list: usize,
    pub(super) groups: Vec<&'a Entry>,
    pub(super) entry: &'a Entry,
}

/// The lines of the listing of `lists`, in order: pages as links (their own children are
/// theirs to list), groups and unlinked entries by what they hold. `skip` is the owner itself,
/// which is not listed.
pub(super) fn listing_items<'a>(lists: &[&'a [Entry]], skip: Option<&Entry>) -> Vec<Item<'a>> {
    fn walk<'a>(
        entries: &'a [Entry],
        list: usize,
        groups: &mut Vec<&'a Entry>,
        skip: Option<&Entry>,
        items: &mut Vec<Item<'a>>,
    ) {
        for entry in entries
            .iter()
            .filter(|e| !skip.is_some_and(|s| std::ptr::eq(*e, s)))
        {
            if entry.kind != Kind::Page && !entry.children.is_empty() {
                groups.push(entry);
                walk(&entry.children, list, groups, skip, items);
                groups.pop();
            } else {
                items.push(Item {
                    list,
                    groups: groups.clone(),
                    entry,
                });
            }
        }
    }
    let mut items = Vec::new();
    for (list, entries) in lists.iter().enumerate() {
        walk(entries, list, &mut Vec::new(), skip, &mut items);
    }
    items
}

impl Writer<'_> {
    /// Lines of a listing, each list its own `<ul>`, groups nested.
    pub(super) fn listing(&mut self, items: &[Item<'_>]) {
        let mut list = None;
        let mut open: Vec<&Entry> = Vec::new();
        for item in items {
            if list != Some(item.list) {
                self.close_groups(&mut open, 0);
                if list.is_some() {
                    self.html.push_str("</ul>\n");
                }
                self.html.push_str("<ul>\n");
                list = Some(item.list);
            }
            let same = open
                .iter()
                .zip(&item.groups)
                .take_while(|(a, b)| std::ptr::eq(**a, **b))
                .count();
            self.close_groups(&mut open, same);
            for group in &item.groups[same..] {
                self.html.push_str("<li>");
                self.label(group, false);
                self.html.push_str("<ul>\n");
                open.push(group);
            }
            self.html.push_str("<li>");
            self.label(item.entry, false);
            self.html.push_str("</li>\n");
        }
        self.close_groups(&mut open, 0);
        if list.is_some() {
            self.html.push_str("</ul>\n");
        }
    }

    fn close_groups(&mut self, open: &mut Vec<&Entry>, keep: usize) {
        while open.len() > keep {
            open.pop();
            self.html.push_str("</ul></li>\n");
        }
    }

    /// Links to the pages of a listing: the first, the last, every tenth, and two on each side of
    /// this one (any page of a 100-page listing is three links away).
    pub(super) fn pager(&mut self, listing: &ListingPage<'_>, number: usize, pages: usize) {
        let _ = write!(
            self.html,
            "<nav class=\"listing-pages\" aria-label=\"{}\"><ol>",
            listing.label
        );
        let mut last = 0;
        let shown =
            |k: usize| k == 1 || k == pages || k.is_multiple_of(10) || k.abs_diff(number) <= 2;
        for k in (1..=pages).filter(|k| shown(*k)) {
            if k > last + 1 {
                self.html.push_str("<li aria-hidden=\"true\">…</li>");
            }
            last = k;
            let href = self.linker.href(&listing.href_path(k));
            let rel = match k {
                _ if k + 1 == number => " rel=\"prev\"",
                _ if k == number + 1 => " rel=\"next\"",
                _ if k == number => " aria-current=\"page\"",
                _ => "",
            };
            let _ = write!(self.html, "<li><a href=\"{href}\"{rel}>{k}</a></li>");
        }
        self.html.push_str("</ol></nav>\n");
    }
}
