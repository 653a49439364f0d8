//! The sidebar's HTML, written directly rather than through a recursive template.
//!
//! A page's sidebar holds every root of the navigation, the groups open, and the branch leading to
//! the page open down to the page's own children: on the 10,000-page benchmark corpus that is about
//! 140 entries per page, 1.4 million for the site. Rendering them through a recursive Tera
//! component (each entry serialised into a template value first) took two thirds of the render
//! phase. Here every entry's escaped label and link are prepared once per build ([`Sidebar::new`]);
//! a page's sidebar only joins prepared pieces, prefixing links with the way back to the site root.
//! Themes restyle it with CSS; the markup is:
//!
//! ```html
//! <ul>
//!   <li class="nav-group" data-path="1" data-expanded="true"><span class="nav-group-title">Guides</span><ul>…</ul></li>
//!   <li class="nav-page is-on-path" data-path="1.0" data-expanded="true"><a href="../">Install</a><ul>…</ul></li>
//!   <li class="nav-page is-current is-on-path"><a href="../linux/" aria-current="page">Linux</a></li>
//! </ul>
//! ```
//!
//! `data-path` (the entry's index path in `nav.json`) is set on entries with children, so the
//! theme's script can open collapsed ones from the shared tree.

use pulldown_cmark_escape::escape_html;

use crate::site::{Nav, NavNode, NavTarget, Site};

/// The navigation tree with each entry's HTML prepared.
#[derive(Debug, Default)]
pub struct Sidebar {
    roots: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    kind: &'static str,
    /// Escaped link: site-relative (to be prefixed) or absolute (external entries).
    link: Link,
    label_html: String,
    /// ` data-path="…"`, empty for entries without children.
    path_attr: String,
    children: Vec<Entry>,
}

#[derive(Debug)]
enum Link {
    None,
    SiteRelative(String),
    External(String),
}

impl Sidebar {
    /// Prepares the sidebar of a navigation tree of `site` (one per space).
    pub fn new(site: &Site, nav: &Nav) -> Self {
        Sidebar {
            roots: prepare(site, &nav.roots, ""),
        }
    }

    /// The sidebar of the page at `position` in the navigation (`None`: a page outside it).
    /// `root` leads from the page to the site root (`../../`, or `/docs/` for the 404 page).
    pub fn html(&self, position: Option<&[usize]>, root: &str) -> String {
        let mut html = String::with_capacity(16 * 1024);
        write_list(&mut html, &self.roots, position, &escaped(root));
        html
    }
}

fn prepare(site: &Site, nodes: &[NavNode], parent_path: &str) -> Vec<Entry> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let path = if parent_path.is_empty() {
                i.to_string()
            } else {
                format!("{parent_path}.{i}")
            };
            let (kind, link) = match &node.target {
                NavTarget::Page(page) => (
                    "page",
                    Link::SiteRelative(escaped(&site.pages[*page].href_path)),
                ),
                NavTarget::External(url) => ("external", Link::External(escaped(url))),
                NavTarget::Group { .. } => ("group", Link::None),
                NavTarget::Text => ("text", Link::None),
            };
            Entry {
                kind,
                link,
                label_html: escaped(&node.label),
                path_attr: if node.children.is_empty() {
                    String::new()
                } else {
                    format!(" data-path=\"{path}\"")
                },
                children: prepare(site, &node.children, &path),
            }
        })
        .collect()
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}

fn write_list(html: &mut String, entries: &[Entry], position: Option<&[usize]>, root: &str) {
    html.push_str("<ul>\n");
    for (i, entry) in entries.iter().enumerate() {
        let on_path = position.is_some_and(|p| p.first() == Some(&i));
        let current = on_path && position.is_some_and(|p| p.len() == 1);
        let expanded = !entry.children.is_empty() && (entry.kind == "group" || on_path);

        html.push_str("<li class=\"nav-");
        html.push_str(entry.kind);
        if current {
            html.push_str(" is-current");
        }
        if on_path {
            html.push_str(" is-on-path");
        }
        html.push('"');
        if !entry.path_attr.is_empty() {
            html.push_str(&entry.path_attr);
            html.push_str(if expanded {
                " data-expanded=\"true\""
            } else {
                " data-expanded=\"false\""
            });
        }
        html.push('>');
        write_label(html, entry, current, root);
        if expanded {
            let child_position = position.filter(|_| on_path).map(|p| &p[1..]);
            write_list(html, &entry.children, child_position, root);
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ul>");
}

fn write_label(html: &mut String, entry: &Entry, current: bool, root: &str) {
    let close = match &entry.link {
        Link::None => {
            html.push_str(if entry.kind == "group" {
                "<span class=\"nav-group-title\">"
            } else {
                "<span class=\"nav-text\">"
            });
            "</span>"
        }
        Link::SiteRelative(href) => {
            html.push_str("<a href=\"");
            html.push_str(if root.is_empty() { "./" } else { root });
            html.push_str(href);
            html.push_str(if current {
                "\" aria-current=\"page\">"
            } else {
                "\">"
            });
            "</a>"
        }
        Link::External(href) => {
            html.push_str("<a href=\"");
            html.push_str(href);
            html.push_str("\" rel=\"external\">");
            "</a>"
        }
    };
    html.push_str(&entry.label_html);
    html.push_str(close);
}
