//! Where a site's pieces are and how it is configured.
//!
//! carnet must build any GitBook export with zero configuration, so almost everything here is
//! discovered: the content root is `content/` when it exists, else the `root` of a `.gitbook.yaml`,
//! else the site folder itself. An optional `carnet.yaml` overrides the guesses; it is strict
//! (unknown keys are errors) because a misspelt key silently ignored is a setting the user thinks
//! they have and don't.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::yaml::yaml_error;

mod gitbook;

pub use gitbook::{GITBOOK_FILE, GitbookConfig, content_root, load_gitbook_config};

/// The name of carnet's own configuration file, looked up in the site folder.
pub const CONFIG_FILE: &str = "carnet.yaml";

/// `carnet.yaml` as written by the user. Every key is optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub title: Option<String>,
    pub language: Option<String>,
    pub base_url: Option<String>,
    pub theme: Option<String>,
    pub content_dir: Option<PathBuf>,
    pub output_dir: Option<PathBuf>,
    /// Where a page's source can be edited: the page's content-relative path is appended.
    pub edit_url: Option<String>,
    pub last_updated: Option<LastUpdated>,
    /// A file of the content folder, or an absolute URL.
    pub favicon: Option<String>,
    /// A file of the content folder, or an absolute URL.
    pub logo: Option<String>,
}

/// Where "Last updated" dates come from.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LastUpdated {
    /// The date of the last commit that touched the page's source.
    Git,
}

/// What the command line may override in the configuration.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
}

/// The resolved configuration of one site: every path absolute-or-as-given and every default
/// applied, so later stages never re-derive any of it.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    /// The folder the user pointed at (`carnet build SITE`).
    pub site_dir: PathBuf,
    /// Where the Markdown tree lives (holds `SUMMARY.md`, `README.md`, …).
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    /// `None` lets the home page's title stand in.
    pub title: Option<String>,
    /// `language` of carnet.yaml, for the whole site; `None` lets each space's `docs.yaml`
    /// entry or its content decide (see `site::language`).
    pub language: Option<String>,
    /// Absolute site URL, always ending with `/` when set.
    pub base_url: Option<String>,
    pub theme: String,
    /// Ends with `/`: a page's content-relative path, percent-encoded, is appended.
    pub edit_url: Option<String>,
    pub last_updated: Option<LastUpdated>,
    pub favicon: Option<String>,
    pub logo: Option<String>,
    /// GitBook's own structure settings (`structure.readme`, `structure.summary`, redirects).
    pub gitbook: GitbookConfig,
}

impl SiteConfig {
    /// The path part of `base_url` (`/docs/` for `https://example.org/docs/`), `/` without one.
    /// Pages use relative links and work under any path; the 404 page cannot (it is served at
    /// arbitrary depths), so it uses this.
    pub fn base_path(&self) -> String {
        let Some(url) = &self.base_url else {
            return "/".to_string();
        };
        let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_string(),
            None => "/".to_string(),
        }
    }
}

/// Reads `carnet.yaml` (if any) and discovers the content root.
///
/// Returns the configuration and its diagnostics; a configuration error is an `Err` because no
/// page can be rendered right without a valid configuration.
pub fn load_config(
    site_dir: &Path,
    overrides: &Overrides,
) -> Result<(SiteConfig, Vec<Diagnostic>), Vec<Diagnostic>> {
    let file = read_config_file(site_dir)?;
    let mut diagnostics = Vec::new();

    let base_dir = match &file.content_dir {
        Some(dir) => site_dir.join(dir),
        None if site_dir.join("content").is_dir() => site_dir.join("content"),
        None => site_dir.to_path_buf(),
    };
    if !base_dir.is_dir() {
        let msg = format!("content folder `{}` does not exist", base_dir.display());
        return Err(vec![
            Diagnostic::error("invalid-config", msg).in_file(site_dir.join(CONFIG_FILE)),
        ]);
    }
    let (gitbook, gitbook_diagnostics) = load_gitbook_config(&base_dir);
    diagnostics.extend(gitbook_diagnostics);
    let content_dir = content_root(&base_dir, &gitbook, &mut diagnostics);

    let output_dir = match (&overrides.output, &file.output_dir) {
        (Some(out), _) => out.clone(),
        (None, Some(out)) => site_dir.join(out),
        (None, None) => site_dir.join("public"),
    };
    let base_url = overrides
        .base_url
        .clone()
        .or(file.base_url)
        .map(normalize_base_url);

    Ok((
        SiteConfig {
            site_dir: site_dir.to_path_buf(),
            content_dir,
            output_dir,
            title: file.title,
            language: file.language,
            base_url,
            theme: file.theme.unwrap_or_else(|| "default".to_string()),
            edit_url: file.edit_url.map(normalize_base_url),
            last_updated: file.last_updated,
            favicon: file.favicon,
            logo: file.logo,
            gitbook,
        },
        diagnostics,
    ))
}

fn read_config_file(site_dir: &Path) -> Result<ConfigFile, Vec<Diagnostic>> {
    let path = site_dir.join(CONFIG_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(err) => {
            return Err(vec![
                Diagnostic::error(
                    "invalid-config",
                    format!("cannot read {CONFIG_FILE}: {err}"),
                )
                .in_file(path),
            ]);
        }
    };
    let text = crate::text::decode_source(&bytes).text;
    if text.trim().is_empty() {
        return Ok(ConfigFile::default());
    }
    serde_yaml::from_str(&text).map_err(|err| {
        vec![yaml_error(
            &path,
            &text,
            &err,
            "invalid-config",
            Severity::Error,
        )]
    })
}

fn normalize_base_url(url: String) -> String {
    if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with_base(url: Option<&str>) -> SiteConfig {
        SiteConfig {
            site_dir: PathBuf::new(),
            content_dir: PathBuf::new(),
            output_dir: PathBuf::new(),
            title: None,
            language: None,
            base_url: url.map(|u| normalize_base_url(u.to_string())),
            theme: "default".into(),
            edit_url: None,
            last_updated: None,
            favicon: None,
            logo: None,
            gitbook: GitbookConfig::default(),
        }
    }

    #[test]
    fn base_path_is_the_path_of_the_base_url() {
        assert_eq!(
            config_with_base(Some("https://example.org/docs")).base_path(),
            "/docs/"
        );
        assert_eq!(
            config_with_base(Some("https://example.org")).base_path(),
            "/"
        );
        assert_eq!(config_with_base(None).base_path(), "/");
    }
}
