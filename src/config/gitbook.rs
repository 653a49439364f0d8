//! `.gitbook.yaml`: where the content root, the first page and the table of contents are. It is
//! configuration (it says where the content is), so it is read here, before any stage runs.
//!
//! GitBook ignores keys it does not know and so do we; a file that is not valid YAML is a warning
//! (GitBook falls back to its defaults) and the defaults apply.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::paths::{Escape, SiteRoot, outside_warning};
use crate::yaml::yaml_error;

pub const GITBOOK_FILE: &str = ".gitbook.yaml";

/// The settings of a `.gitbook.yaml`, paths relative to the content root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitbookConfig {
    /// `root`, relative to the folder holding `.gitbook.yaml`.
    pub root: Option<PathBuf>,
    /// `structure.readme`: the space's first page (default `README.md`).
    pub readme: Option<String>,
    /// `structure.summary`: the table of contents (default `SUMMARY.md`).
    pub summary: Option<String>,
    /// `redirects`: old path → file, as written.
    pub redirects: BTreeMap<String, String>,
    /// The file and its text, for diagnostics that point into it.
    pub file: Option<(PathBuf, String)>,
}

#[derive(Deserialize, Default)]
struct RawFile {
    root: Option<String>,
    #[serde(default)]
    structure: RawStructure,
    #[serde(default)]
    redirects: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct RawStructure {
    readme: Option<String>,
    summary: Option<String>,
}

/// Reads `dir/.gitbook.yaml` if present (and inside the site: a link to outside is warned
/// about and read as no file).
pub fn load_gitbook_config(dir: &Path, root: &SiteRoot) -> (GitbookConfig, Vec<Diagnostic>) {
    let path = dir.join(GITBOOK_FILE);
    let bytes = match root.resolve(&path).map(std::fs::read) {
        Ok(Ok(bytes)) => bytes,
        Err(Escape::Outside) => {
            return (
                GitbookConfig::default(),
                vec![outside_warning(root.shown(&path))],
            );
        }
        _ => return (GitbookConfig::default(), Vec::new()),
    };
    let text = crate::text::decode_source(&bytes).text;
    if text.trim().is_empty() {
        return (GitbookConfig::default(), Vec::new());
    }
    if let Some(at) = crate::limits::yaml_too_deep(&text) {
        let message = format!("{GITBOOK_FILE} {}", crate::limits::yaml_too_deep_message());
        let lines = crate::diagnostic::LineIndex::new(&text);
        let shown = root.shown(&path);
        let d = Diagnostic::warning("invalid-gitbook-config", message).at(
            shown,
            &lines,
            &text,
            at..at + 1,
        );
        return (GitbookConfig::default(), vec![d]);
    }
    match serde_yaml::from_str::<RawFile>(&text) {
        Ok(raw) => (
            GitbookConfig {
                root: raw
                    .root
                    .map(|r| PathBuf::from(clean_relative(&r)))
                    .filter(|p| !p.as_os_str().is_empty()),
                readme: raw.structure.readme.map(|r| clean_relative(&r)),
                summary: raw.structure.summary.map(|s| clean_relative(&s)),
                redirects: raw.redirects,
                file: Some((path.clone(), text.clone())),
            },
            Vec::new(),
        ),
        Err(err) => {
            let mut d = yaml_error(
                &path,
                &text,
                &err,
                "invalid-gitbook-config",
                Severity::Warning,
            );
            d.message = format!(
                "{GITBOOK_FILE} is not valid, GitBook's defaults apply: {}",
                d.message
            );
            (GitbookConfig::default(), vec![d])
        }
    }
}

/// The folder `root` of `.gitbook.yaml` (in `dir`) names, or `dir` itself with a warning when that
/// is not a folder: real exports carry a `.gitbook.yaml` moved into the documentation folder
/// whose `root` still names that folder from the repository's top (`root: ./tools/Documentation`
/// in `tools/Documentation/`), and GitBook publishes them.
/// A `root` that leads outside the site folder is as absent as a missing folder.
pub fn content_root(
    dir: &Path,
    config: &GitbookConfig,
    site: &SiteRoot,
    diagnostics: &mut Vec<Diagnostic>,
) -> PathBuf {
    let Some(root) = &config.root else {
        return dir.to_path_buf();
    };
    let joined = dir.join(root);
    if super::is_folder_inside(site, &joined) {
        return joined;
    }
    let message = format!(
        "`root: {}` is not a folder beside {GITBOOK_FILE}; the folder of {GITBOOK_FILE} is the content root",
        root.display()
    );
    let diagnostic = Diagnostic::warning("invalid-gitbook-config", message);
    diagnostics.push(match &config.file {
        Some((path, text)) => {
            let at = text.find("root").unwrap_or(0);
            diagnostic.at(
                path,
                &crate::diagnostic::LineIndex::new(text),
                text,
                at..at + 4,
            )
        }
        None => diagnostic.in_file(dir.join(GITBOOK_FILE)),
    });
    dir.to_path_buf()
}

/// `./docs/` → `docs`: GitBook writes paths with and without `./` and trailing slashes.
fn clean_relative(path: &str) -> String {
    let trimmed = path.trim();
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    trimmed.trim_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_and_structure_are_read_with_or_without_dot_slash() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(GITBOOK_FILE),
            "root: ./docs/\nstructure:\n  readme: ./intro.md\n  summary: toc.md\nredirects:\n  old/page: new/page.md\n",
        )
        .unwrap();
        let (config, diagnostics) =
            load_gitbook_config(dir.path(), &SiteRoot::new(dir.path()).unwrap());
        assert!(diagnostics.is_empty());
        assert_eq!(config.root, Some(PathBuf::from("docs")));
        assert_eq!(config.readme.as_deref(), Some("intro.md"));
        assert_eq!(config.summary.as_deref(), Some("toc.md"));
        assert_eq!(
            config.redirects.get("old/page").map(String::as_str),
            Some("new/page.md")
        );
    }

    #[test]
    fn invalid_yaml_is_a_warning_and_defaults_apply() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(GITBOOK_FILE), "root: [unclosed\n").unwrap();
        let (config, diagnostics) =
            load_gitbook_config(dir.path(), &SiteRoot::new(dir.path()).unwrap());
        assert_eq!(config, GitbookConfig::default());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].severity, Severity::Warning);
    }
}
