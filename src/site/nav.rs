//! The navigation tree: from SUMMARY.md when there is one, else from the folder tree.
//!
//! The tree is built once per build. Each page then knows its position in it (for breadcrumbs and
//! the expanded branch of the sidebar) and its place in reading order (for previous/next links),
//! so rendering a page never walks the whole tree more than once.

use std::collections::HashMap;

use super::PageId;

/// The site's navigation, as readers see it (hidden pages already left out).
#[derive(Clone, Debug, Default)]
pub struct Nav {
    pub roots: Vec<NavNode>,
    /// Pages in reading order, each once (its first place in the tree).
    pub reading_order: Vec<PageId>,
    /// Index path of each page in `roots` (`[2, 0]`: first child of the third root).
    pub positions: HashMap<PageId, Vec<usize>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavNode {
    pub label: String,
    pub target: NavTarget,
    pub children: Vec<NavNode>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NavTarget {
    Page(PageId),
    External(String),
    /// A SUMMARY.md `## Group` heading.
    Group {
        slug: Option<String>,
    },
    /// An entry without a (valid) link: shown as text.
    Text,
}

impl Nav {
    /// Wraps a tree: drops nodes of hidden pages (with their subtrees, as GitBook hides a page's
    /// children with it) and indexes positions and reading order.
    pub fn new(mut roots: Vec<NavNode>, is_hidden: impl Fn(PageId) -> bool) -> Self {
        drop_hidden(&mut roots, &is_hidden);
        let mut nav = Nav {
            roots,
            ..Nav::default()
        };
        let mut path = Vec::new();
        index(
            &nav.roots,
            &mut path,
            &mut nav.positions,
            &mut nav.reading_order,
        );
        nav
    }

    /// The node at an index path.
    pub fn node(&self, path: &[usize]) -> Option<&NavNode> {
        let (first, rest) = path.split_first()?;
        let mut node = self.roots.get(*first)?;
        for i in rest {
            node = node.children.get(*i)?;
        }
        Some(node)
    }

    /// The page before and after `page` in reading order.
    pub fn neighbours(&self, page: PageId) -> (Option<PageId>, Option<PageId>) {
        let Some(i) = self.reading_order.iter().position(|p| *p == page) else {
            return (None, None);
        };
        let prev = i.checked_sub(1).map(|j| self.reading_order[j]);
        (prev, self.reading_order.get(i + 1).copied())
    }
}

fn drop_hidden(nodes: &mut Vec<NavNode>, is_hidden: &impl Fn(PageId) -> bool) {
    nodes.retain(|n| !matches!(n.target, NavTarget::Page(p) if is_hidden(p)));
    for node in nodes {
        drop_hidden(&mut node.children, is_hidden);
    }
}

fn index(
    nodes: &[NavNode],
    path: &mut Vec<usize>,
    positions: &mut HashMap<PageId, Vec<usize>>,
    order: &mut Vec<PageId>,
) {
    for (i, node) in nodes.iter().enumerate() {
        path.push(i);
        if let NavTarget::Page(page) = node.target
            && !positions.contains_key(&page)
        {
            positions.insert(page, path.clone());
            order.push(page);
        }
        index(&node.children, path, positions, order);
        path.pop();
    }
}

/// A page as the folder-tree navigation needs it.
pub struct FolderEntry<'a> {
    pub id: PageId,
    /// Content-relative path (`a/b.md`).
    pub rel: &'a str,
    pub title: &'a str,
}

/// Navigation from the folder tree, for sites without SUMMARY.md: the home page first, then each
/// folder's README as the folder's node with the folder's pages and subfolders under it, by name.
pub fn folder_nav(entries: &[FolderEntry<'_>], home: Option<PageId>) -> Vec<NavNode> {
    let mut root = Folder::default();
    for entry in entries.iter().filter(|e| Some(e.id) != home) {
        let segments: Vec<&str> = entry.rel.split('/').collect();
        let (file, dirs) = segments.split_last().unwrap_or((&"", &[]));
        let folder = dirs.iter().fold(&mut root, |folder, dir| {
            folder.subfolders.entry(dir.to_string()).or_default()
        });
        if file.len() == "README.md".len() && file.eq_ignore_ascii_case("README.md") {
            folder.readme = Some((entry.id, entry.title.to_string()));
        } else {
            let stem = &file[..file.len().saturating_sub(3)];
            folder
                .pages
                .push((stem.to_string(), entry.id, entry.title.to_string()));
        }
    }
    let mut roots: Vec<NavNode> = home
        .and_then(|h| entries.iter().find(|e| e.id == h))
        .map(|e| NavNode {
            label: e.title.to_string(),
            target: NavTarget::Page(e.id),
            children: Vec::new(),
        })
        .into_iter()
        .collect();
    roots.extend(root.into_children());
    roots
}

#[derive(Default)]
struct Folder {
    readme: Option<(PageId, String)>,
    pages: Vec<(String, PageId, String)>,
    subfolders: std::collections::BTreeMap<String, Folder>,
}

impl Folder {
    /// The folder's pages and subfolders as nodes, ordered by name.
    fn into_children(self) -> Vec<NavNode> {
        let mut named: Vec<(String, NavNode)> = self
            .pages
            .into_iter()
            .map(|(stem, id, title)| {
                let node = NavNode {
                    label: title,
                    target: NavTarget::Page(id),
                    children: Vec::new(),
                };
                (stem, node)
            })
            .collect();
        for (name, folder) in self.subfolders {
            let (label, target) = match &folder.readme {
                Some((id, title)) => (title.clone(), NavTarget::Page(*id)),
                None => (name.clone(), NavTarget::Text),
            };
            let node = NavNode {
                label,
                target,
                children: folder.into_children(),
            };
            named.push((name, node));
        }
        named.sort_by(|a, b| a.0.cmp(&b.0));
        named.into_iter().map(|(_, node)| node).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(id: PageId, label: &str, children: Vec<NavNode>) -> NavNode {
        NavNode {
            label: label.into(),
            target: NavTarget::Page(id),
            children,
        }
    }

    #[test]
    fn positions_reading_order_and_hidden_subtrees() {
        let roots = vec![
            page(0, "Home", vec![]),
            NavNode {
                label: "Group".into(),
                target: NavTarget::Group { slug: None },
                children: vec![
                    page(1, "A", vec![page(2, "A1", vec![])]),
                    page(3, "Hidden", vec![page(4, "Under", vec![])]),
                ],
            },
            page(1, "A again", vec![]),
        ];
        let nav = Nav::new(roots, |p| p == 3);
        assert_eq!(nav.reading_order, [0, 1, 2]);
        assert_eq!(nav.positions[&2], [1, 0, 0]);
        assert_eq!(nav.positions[&1], [1, 0], "first occurrence wins");
        assert!(!nav.positions.contains_key(&4));
        assert_eq!(nav.neighbours(1), (Some(0), Some(2)));
        assert_eq!(nav.node(&[1, 0, 0]).map(|n| n.label.as_str()), Some("A1"));
    }

    #[test]
    fn folder_nav_puts_readme_first_then_names() {
        let entries = [
            FolderEntry {
                id: 0,
                rel: "README.md",
                title: "Home",
            },
            FolderEntry {
                id: 1,
                rel: "b.md",
                title: "B",
            },
            FolderEntry {
                id: 2,
                rel: "a/README.md",
                title: "A index",
            },
            FolderEntry {
                id: 3,
                rel: "a/z.md",
                title: "Z",
            },
            FolderEntry {
                id: 4,
                rel: "c/sub/x.md",
                title: "X",
            },
        ];
        let roots = folder_nav(&entries, Some(0));
        let labels: Vec<_> = roots.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["Home", "A index", "B", "c"]);
        assert_eq!(roots[1].children[0].label, "Z");
        assert_eq!(roots[3].target, NavTarget::Text);
        assert_eq!(roots[3].children[0].children[0].label, "X");
    }
}
