//! Spaces: several GitBook spaces in one tree, each published under its own URL with its own
//! navigation.
//!
//! A space is found from `docs.yaml` (GitBook's site file: `site.structure` of sections and
//! spaces, each space with a `path` and a `content.directory`), or else from folders below the
//! content root that hold their own `SUMMARY.md` or `.gitbook.yaml`. The content root itself is
//! always a space (possibly empty), published at the site root.

use std::path::Path;

use crate::config::{SiteConfig, content_root, is_folder_inside, load_gitbook_config};
use crate::diagnostic::{Diagnostic, display_path};
use crate::paths::{join_path, url_path};
use crate::source::{SourceFile, SourceTree};

pub const DOCS_FILE: &str = "docs.yaml";

/// Where a space's files are and where it is published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpaceSpec {
    /// Content-relative folder of the space's pages (`""` for the root, else ends with `/`).
    pub content_dir: String,
    /// Where the space is published (`""` for the root, else ends with `/`).
    pub url_prefix: String,
    pub title: Option<String>,
    /// The space's first page, relative to `content_dir`.
    pub readme: String,
    pub summary: Option<SourceFile>,
    /// False for the root when `docs.yaml` lists the spaces: files outside them are not published.
    pub publishes: bool,
    /// GitBook's ids for this space, for `https://app.gitbook.com/s/<id>/…` links.
    pub gitbook_ids: Vec<String>,
    /// `content.language` of the space in `docs.yaml`.
    pub language: Option<String>,
}

/// The spaces of a site, the root space first, then by folder.
pub fn discover_spaces(
    config: &SiteConfig,
    tree: &mut SourceTree,
) -> (Vec<SpaceSpec>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let root = SpaceSpec {
        content_dir: String::new(),
        url_prefix: String::new(),
        title: config.title.clone(),
        readme: config
            .gitbook
            .readme
            .clone()
            .unwrap_or_else(|| "README.md".to_string()),
        summary: tree.summary.clone(),
        publishes: true,
        gitbook_ids: Vec::new(),
        language: None,
    };
    let mut spaces = vec![root];
    let docs = config.content_dir.join(DOCS_FILE);
    spaces[0].publishes = !docs.is_file();
    let nested = if docs.is_file() {
        spaces_from_docs_yaml(config, &docs, tree, &mut spaces[0].title, &mut diagnostics)
    } else {
        spaces_from_folders(config, tree, &mut diagnostics)
    };
    spaces.extend(nested);
    spaces[1..].sort_by(|a, b| a.content_dir.cmp(&b.content_dir));
    name_spaces_from_vars(config, &mut spaces);
    // A space's own table of contents is not a page, whatever it is called.
    let summaries: Vec<String> = spaces
        .iter()
        .filter_map(|s| s.summary.as_ref().map(|f| f.rel.clone()))
        .collect();
    tree.pages.retain(|p| !summaries.contains(&p.rel));
    (spaces, diagnostics)
}

/// Folders with their own `.gitbook.yaml` or `SUMMARY.md`, each published under its folder.
fn spaces_from_folders(
    config: &SiteConfig,
    tree: &SourceTree,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<SpaceSpec> {
    let mut dirs: Vec<String> = tree.space_configs.clone();
    for summary in &tree.nested_summaries {
        let dir = summary
            .rel
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir)
            .to_string();
        if !dirs.iter().any(|d| is_within(&dir, d)) {
            dirs.push(dir);
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs.iter()
        .map(|dir| space_in(config, tree, dir, folder_url(dir), None, diagnostics))
        .collect()
}

/// The space whose `.gitbook.yaml` (if any) is in `dir`.
fn space_in(
    config: &SiteConfig,
    tree: &SourceTree,
    dir: &str,
    url_prefix: String,
    title: Option<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> SpaceSpec {
    let folder = config.content_dir.join(dir);
    let (gitbook, problems) = load_gitbook_config(&folder, &config.root);
    diagnostics.extend(problems);
    let mut content_dir = format!("{dir}/");
    let root_is_a_folder = content_root(&folder, &gitbook, &config.root, diagnostics) != folder;
    if let Some(root) = gitbook.root.as_ref().and_then(|r| r.to_str())
        && root_is_a_folder
    {
        // `root: ../..` names no folder of this space's tree: as if it named a missing one.
        if let Some(joined) = join_path(&content_dir, root).filter(|j| !j.is_empty()) {
            content_dir = format!("{}/", joined.trim_end_matches('/'));
        }
    }
    let summary_name = gitbook
        .summary
        .clone()
        .unwrap_or_else(|| "SUMMARY.md".to_string());
    let summary_rel = format!("{content_dir}{summary_name}");
    let summary = tree
        .nested_summaries
        .iter()
        .chain(tree.pages.iter())
        .find(|f| f.rel == summary_rel || f.rel.eq_ignore_ascii_case(&summary_rel))
        .cloned();
    SpaceSpec {
        content_dir,
        url_prefix,
        title,
        readme: gitbook.readme.unwrap_or_else(|| "README.md".to_string()),
        summary,
        publishes: true,
        gitbook_ids: Vec::new(),
        language: None,
    }
}

/// `docs.yaml`: sections and spaces; a space whose `content.directory` is in the tree is built
/// under its section's and its own `path` (the default section and space add nothing).
fn spaces_from_docs_yaml(
    config: &SiteConfig,
    path: &Path,
    tree: &SourceTree,
    site_title: &mut Option<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<SpaceSpec> {
    let shown = display_path(path, &config.site_dir);
    let text = match config.root.read(path) {
        Ok(bytes) => crate::text::decode_source(&bytes).text,
        Err(err) => {
            diagnostics.push(
                Diagnostic::warning(
                    "invalid-docs-yaml",
                    format!("cannot read {DOCS_FILE}: {err}"),
                )
                .in_file(shown),
            );
            return Vec::new();
        }
    };
    if let Some(at) = crate::limits::yaml_too_deep(&text) {
        let message = format!("{DOCS_FILE} {}", crate::limits::yaml_too_deep_message());
        let lines = crate::diagnostic::LineIndex::new(&text);
        diagnostics.push(Diagnostic::warning("invalid-docs-yaml", message).at(
            &shown,
            &lines,
            &text,
            at..at + 1,
        ));
        return Vec::new();
    }
    let value: serde_yaml::Value = match serde_yaml::from_str(&text) {
        Ok(value) => value,
        Err(err) => {
            let mut d = crate::yaml::yaml_error(
                &shown,
                &text,
                &err,
                "invalid-docs-yaml",
                crate::diagnostic::Severity::Warning,
            );
            d.message = format!(
                "{DOCS_FILE} is not valid YAML; its spaces are ignored: {}",
                d.message
            );
            diagnostics.push(d);
            return Vec::new();
        }
    };
    if let Some(title) = value
        .get("site")
        .and_then(|s| s.get("title"))
        .and_then(|t| t.as_str())
        && config.title.is_none()
    {
        site_title.replace(title.to_string());
    }
    let mut found: Vec<DocsSpace> = Vec::new();
    let structure = value
        .get("site")
        .and_then(|s| s.get("structure"))
        .and_then(|s| s.as_sequence());
    for item in structure.into_iter().flatten() {
        collect_docs_spaces(item, &Ok(String::new()), &mut found);
    }
    found
        .into_iter()
        .filter_map(|space| {
            let named = space.title.clone().unwrap_or_else(|| space.directory.clone());
            let url_prefix = match space.url_prefix {
                Ok(prefix) => prefix,
                Err(written) => {
                    let message = format!(
                        "{DOCS_FILE}: space `{named}` has the path `{written}`, which leads outside the output folder; it is not built"
                    );
                    diagnostics
                        .push(Diagnostic::error("invalid-docs-yaml", message).in_file(shown.clone()));
                    return None;
                }
            };
            let written = space.directory.trim_start_matches("./");
            let dir = join_path("", written)
                .map(|d| d.trim_end_matches('/').to_string())
                .unwrap_or_default();
            if dir.is_empty() && written.trim_matches('/').is_empty() {
                return None;
            }
            if dir.is_empty() || !is_folder_inside(&config.root, &config.content_dir.join(&dir)) {
                let message = format!(
                    "{DOCS_FILE}: space `{named}` has no folder `{written}`; it is skipped"
                );
                diagnostics.push(
                    Diagnostic::warning("invalid-docs-yaml", message).in_file(shown.clone()),
                );
                return None;
            }
            let mut spec = space_in(config, tree, &dir, url_prefix, space.title, diagnostics);
            spec.gitbook_ids.extend(space.id);
            spec.language = space.language;
            Some(spec)
        })
        .collect()
}

/// A space of `docs.yaml` whose content is in the tree.
#[derive(Debug, PartialEq, Eq)]
struct DocsSpace {
    directory: String,
    /// Where it is published; `Err`: the path as written, which climbs out of the site root.
    url_prefix: Result<String, String>,
    title: Option<String>,
    /// GitBook's id of the space, when written (`id:` or `spaceId:`).
    id: Option<String>,
    /// `content.language`.
    language: Option<String>,
}

/// Walks `docs.yaml` items, collecting each space that has a content directory.
fn collect_docs_spaces(
    item: &serde_yaml::Value,
    prefix: &Result<String, String>,
    found: &mut Vec<DocsSpace>,
) {
    let kind = item.get("type").and_then(|t| t.as_str()).unwrap_or("");
    let is_default = item
        .get("default")
        .and_then(|d| d.as_bool())
        .unwrap_or(false);
    let segment = item
        .get("path")
        .and_then(|p| p.as_str())
        .filter(|p| !p.trim_matches('/').is_empty() && !is_default);
    let here = match (kind, segment, prefix) {
        ("section" | "space", Some(segment), Ok(prefix)) => {
            match url_path(&format!("{prefix}{segment}")) {
                Ok(joined) if joined.is_empty() => Ok(String::new()),
                Ok(joined) => Ok(format!("{joined}/")),
                Err(_) => Err(segment.to_string()),
            }
        }
        _ => prefix.clone(),
    };
    if kind == "space" {
        let directory = item
            .get("content")
            .and_then(|c| c.get("directory"))
            .and_then(|d| d.as_str());
        if let Some(directory) = directory {
            let text = |key: &str| item.get(key).and_then(|t| t.as_str()).map(str::to_string);
            let language = item
                .get("content")
                .and_then(|c| c.get("language"))
                .and_then(|l| l.as_str())
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty());
            found.push(DocsSpace {
                directory: directory.to_string(),
                url_prefix: here.clone(),
                title: text("title"),
                id: text("spaceId").or_else(|| text("id")),
                language,
            });
        }
    }
    for child in item
        .get("children")
        .and_then(|c| c.as_sequence())
        .into_iter()
        .flatten()
    {
        collect_docs_spaces(child, &here, found);
    }
}

/// `.gitbook/vars.yaml` entries whose value is a space's address on GitBook
/// (`api_space: https://app.gitbook.com/s/AbC123/`) give that space's id, when their name is the
/// space's folder, path or title.
fn name_spaces_from_vars(config: &SiteConfig, spaces: &mut [SpaceSpec]) {
    let Ok(bytes) = config
        .root
        .read(&config.content_dir.join(".gitbook/vars.yaml"))
    else {
        return;
    };
    let text = crate::text::decode_source(&bytes).text;
    if crate::limits::yaml_too_deep(&text).is_some() {
        return;
    }
    let Ok(serde_yaml::Value::Mapping(vars)) = serde_yaml::from_str(&text) else {
        return;
    };
    for (name, value) in vars {
        let (Some(name), Some(id)) = (name.as_str(), value.as_str().and_then(gitbook_space_id))
        else {
            continue;
        };
        let wanted = name.to_ascii_lowercase().replace(['_', ' '], "-");
        let matches = |space: &SpaceSpec| {
            let folder = space
                .content_dir
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("");
            let path = space
                .url_prefix
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("");
            let title = space
                .title
                .as_deref()
                .unwrap_or("")
                .to_ascii_lowercase()
                .replace(['_', ' '], "-");
            [folder, path, title.as_str()]
                .iter()
                .any(|n| !n.is_empty() && n.to_ascii_lowercase() == wanted)
        };
        if let Some(space) = spaces.iter_mut().find(|s| matches(s)) {
            space.gitbook_ids.push(id.to_string());
        }
    }
}

/// The space id of an `https://app.gitbook.com/s/<id>/…` address.
pub fn gitbook_space_id(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://app.gitbook.com/s/")
        .or_else(|| url.strip_prefix("http://app.gitbook.com/s/"))?;
    let id = rest.split(['/', '#', '?']).next()?;
    (!id.is_empty()).then_some(id)
}

fn folder_url(dir: &str) -> String {
    if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    }
}

/// Whether folder `inner` is `outer` or inside it.
fn is_within(inner: &str, outer: &str) -> bool {
    inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The space a content-relative path belongs to: the one with the longest matching folder.
pub fn space_of(spaces: &[SpaceSpec], rel: &str) -> usize {
    spaces
        .iter()
        .enumerate()
        .filter(|(_, s)| rel.starts_with(&s.content_dir))
        .max_by_key(|(_, s)| s.content_dir.len())
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_yaml_sections_and_spaces() {
        let yaml: serde_yaml::Value = serde_yaml::from_str(
            "site:\n  structure:\n    - type: section\n      path: documentation\n      default: true\n      children:\n        - type: space\n          title: English\n          path: gitbook-documentation\n          default: true\n          content:\n            directory: ./developers\n        - type: space\n          path: fr\n          content:\n            directory: null\n    - type: section-group\n      children:\n        - type: section\n          path: changelog\n          children:\n            - type: space\n              path: public-changelog\n              default: true\n              content:\n                directory: ./changelog\n",
        )
        .unwrap();
        let mut found = Vec::new();
        for item in yaml["site"]["structure"].as_sequence().unwrap() {
            collect_docs_spaces(item, &Ok(String::new()), &mut found);
        }
        let found: Vec<(&str, &str)> = found
            .iter()
            .map(|s| (s.directory.as_str(), s.url_prefix.as_deref().unwrap()))
            .collect();
        assert_eq!(found, [("./developers", ""), ("./changelog", "changelog/")]);
    }

    #[test]
    fn space_ids_from_gitbook_addresses() {
        assert_eq!(
            gitbook_space_id("https://app.gitbook.com/s/AbC123/guide/page#x"),
            Some("AbC123")
        );
        assert_eq!(
            gitbook_space_id("https://app.gitbook.com/s/AbC123"),
            Some("AbC123")
        );
        assert_eq!(gitbook_space_id("https://example.org/s/x"), None);
    }

    #[test]
    fn pages_go_to_the_deepest_space() {
        let space = |dir: &str| SpaceSpec {
            content_dir: dir.to_string(),
            url_prefix: dir.to_string(),
            title: None,
            readme: "README.md".into(),
            summary: None,
            publishes: true,
            gitbook_ids: Vec::new(),
            language: None,
        };
        let spaces = [space(""), space("api/"), space("api/v2/")];
        assert_eq!(space_of(&spaces, "guide.md"), 0);
        assert_eq!(space_of(&spaces, "api/x.md"), 1);
        assert_eq!(space_of(&spaces, "api/v2/x.md"), 2);
        assert_eq!(space_of(&spaces, "apis/x.md"), 0);
    }
}
