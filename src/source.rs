//! The `source` stage: which files of the content root are pages, which are assets, and which
//! are ignored.
//!
//! Rules, as GitBook exports need them: every `.md` but `SUMMARY.md` is a page; everything else is an
//! asset copied unchanged (images, PDFs, `.gitbook/assets/…` with spaces, accents and NFD names);
//! hidden entries other than `.gitbook/` are skipped, and so are `node_modules/`, the top-level
//! `public/` and `target/`, the output folder and carnet's own files when the content root is the
//! site folder. Markdown under `.gitbook/` holds reusable includes, not pages. The walk is sorted,
//! so everything downstream is deterministic.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::{CONFIG_FILE, GITBOOK_FILE, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::paths::{Escape, SiteRoot, outside_warning};

/// A file of the content root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the content root with `/` separators, exactly as Markdown links name it.
    pub rel: String,
    pub abs: PathBuf,
    /// Size in bytes, as the walk saw it (file cards show it).
    pub size: u64,
}

/// The classified files of a site.
#[derive(Clone, Debug, Default)]
pub struct SourceTree {
    pub pages: Vec<SourceFile>,
    pub assets: Vec<SourceFile>,
    /// The content root's table of contents.
    pub summary: Option<SourceFile>,
    /// Tables of contents of folders below the root: each starts a space of its own.
    pub nested_summaries: Vec<SourceFile>,
    /// Folders below the root holding a `.gitbook.yaml`: each is a space of its own.
    pub space_configs: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Walks the content root of `config`.
pub fn walk_sources(config: &SiteConfig) -> SourceTree {
    let root = &config.content_dir;
    let summary_name = config.gitbook.summary.as_deref().unwrap_or("SUMMARY.md");
    let skip = SkipRules::new(config);
    let mut tree = SourceTree::default();
    let mut outside = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            !skip.skips(entry.path(), entry.depth(), entry.file_type().is_dir())
                && !leads_outside(entry, &config.root, &mut outside)
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.clone());
                tree.diagnostics.push(
                    Diagnostic::warning("unreadable-file", format!("cannot read: {err}"))
                        .in_file(path),
                );
                continue;
            }
        };
        if entry.file_type().is_dir() {
            if entry.depth() > 0
                && entry.path().join(GITBOOK_FILE).is_file()
                && let Some(rel) = relative_slash_path(root, entry.path())
            {
                tree.space_configs.push(rel);
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel) = relative_slash_path(root, entry.path()) else {
            let message = "file name is not valid UTF-8; it is skipped";
            tree.diagnostics
                .push(Diagnostic::warning("invalid-file-name", message).in_file(entry.path()));
            continue;
        };
        let file = SourceFile {
            rel,
            abs: entry.path().to_path_buf(),
            size: entry.metadata().map_or(0, |m| m.len()),
        };
        classify(&mut tree, file, summary_name);
    }
    tree.diagnostics.extend(outside);
    tree
}

/// Whether `entry` is a symbolic link whose target is outside the site folder (then it is not
/// followed, and `outside` gets a warning naming it). Only links are resolved: what is below a
/// folder the walk entered is inside by construction.
fn leads_outside(
    entry: &walkdir::DirEntry,
    root: &SiteRoot,
    outside: &mut Vec<Diagnostic>,
) -> bool {
    if !entry.path_is_symlink() {
        return false;
    }
    match root.resolve(entry.path()) {
        Err(Escape::Outside) => {
            outside.push(outside_warning(root.shown(entry.path())));
            true
        }
        _ => false,
    }
}

fn classify(tree: &mut SourceTree, file: SourceFile, summary_name: &str) {
    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
    let in_gitbook_dir = file.rel.starts_with(".gitbook/") || file.rel.contains("/.gitbook/");
    if file.rel == summary_name
        || (tree.summary.is_none() && file.rel.eq_ignore_ascii_case(summary_name))
    {
        tree.summary = Some(file);
    } else if name.eq_ignore_ascii_case("SUMMARY.md") {
        tree.nested_summaries.push(file);
    } else if is_markdown(name) {
        if !in_gitbook_dir {
            tree.pages.push(file);
        }
    } else if file.rel != "docs.yaml" {
        // GitBook's site configuration is read, not published.
        tree.assets.push(file);
    }
}

/// `.md` in any case: GitBook writes `.md`, hand-made trees sometimes `.MD`.
pub fn is_markdown(name: &str) -> bool {
    name.len() > 3
        && name.is_char_boundary(name.len() - 3)
        && name[name.len() - 3..].eq_ignore_ascii_case(".md")
}

fn relative_slash_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

struct SkipRules {
    content_dir: PathBuf,
    output_dir: Option<PathBuf>,
    content_is_site: bool,
}

impl SkipRules {
    fn new(config: &SiteConfig) -> Self {
        SkipRules {
            content_dir: config.content_dir.clone(),
            output_dir: std::path::absolute(&config.output_dir).ok(),
            content_is_site: same_dir(&config.content_dir, &config.site_dir),
        }
    }

    fn skips(&self, path: &Path, depth: usize, is_dir: bool) -> bool {
        if depth == 0 {
            return false;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // GitBook's own folder is copied whole: its uploads keep the names they were given,
        // dot-folders included (`.gitbook/assets/.old/diagram.png`).
        let in_gitbook = name.starts_with('.') && self.inside_gitbook_folder(path);
        if is_dir && is_skipped_folder(name, depth == 1) && !in_gitbook {
            return true;
        }
        if !is_dir && ((name.starts_with('.') && !in_gitbook) || is_editor_file(name)) {
            return true;
        }
        if depth == 1
            && self.content_is_site
            && ((is_dir && name == "themes") || name == CONFIG_FILE)
        {
            return true;
        }
        is_dir
            && self
                .output_dir
                .as_deref()
                .is_some_and(|out| std::path::absolute(path).is_ok_and(|p| p == out))
            && path.starts_with(&self.content_dir)
    }
}

impl SkipRules {
    /// Whether `path` is below a `.gitbook/` folder of the content root.
    fn inside_gitbook_folder(&self, path: &Path) -> bool {
        path.parent()
            .and_then(|parent| parent.strip_prefix(&self.content_dir).ok())
            .is_some_and(|rel| rel.components().any(|c| c.as_os_str() == ".gitbook"))
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Files editors leave beside the real one while saving (vim's `4913` probe and `~` backups,
/// JetBrains' `___jb_tmp___`, Emacs' `#x#`; hidden ones such as `.x.swp` and `.#x` are skipped
/// as hidden). Never content: neither published nor watched.
/// Folders no build reads, wherever the site is: hidden ones (but `.gitbook/`, GitBook's assets
/// and includes), `node_modules/`, and at the top (`top_level`) `public/` and `target/` (a
/// build's output and cargo's). The watcher's polling skips them too.
pub fn is_skipped_folder(name: &str, top_level: bool) -> bool {
    (name.starts_with('.') && name != ".gitbook")
        || name == "node_modules"
        || (top_level && matches!(name, "public" | "target"))
}

pub fn is_editor_file(name: &str) -> bool {
    name == "4913"
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        || name == ".DS_Store"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Overrides, load_config};

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let contents = if rel.ends_with(".yaml") {
            "title: T\n"
        } else {
            "x"
        };
        std::fs::write(path, contents).unwrap();
    }

    #[test]
    fn classifies_pages_assets_summary_and_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "README.md",
            "SUMMARY.md",
            "guide/page.md",
            "guide/UPPER.MD",
            "guide/sub/SUMMARY.md",
            ".gitbook/assets/image (1).png",
            ".gitbook/assets/.old/diagram.png",
            ".gitbook/includes/block.md",
            ".hidden/secret.md",
            ".env",
            "node_modules/x/readme.md",
            "public/index.html",
            "target/debug/x",
            "guide/public/kept.md",
            "carnet.yaml",
            "themes/default/templates/page.html",
        ] {
            touch(root, rel);
        }
        let (config, _) = load_config(root, &Overrides::default()).unwrap();
        let tree = walk_sources(&config);
        let pages: Vec<_> = tree.pages.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            pages,
            [
                "README.md",
                "guide/UPPER.MD",
                "guide/page.md",
                "guide/public/kept.md"
            ]
        );
        let assets: Vec<_> = tree.assets.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            assets,
            [
                ".gitbook/assets/.old/diagram.png",
                ".gitbook/assets/image (1).png"
            ]
        );
        assert_eq!(tree.summary.unwrap().rel, "SUMMARY.md");
    }
}
