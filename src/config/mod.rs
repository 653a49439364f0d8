//! Where a site's pieces are and how it is configured.
//!
//! carnet must build any GitBook export with zero configuration, so almost everything here is
//! discovered: the content root is `content/` when it exists, else the `root` of a `.gitbook.yaml`,
//! else the site folder itself. An optional `carnet.yaml` overrides the guesses; it is strict
//! (unknown keys are errors) because a misspelt key silently ignored is a setting the user thinks
//! they have and don't.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::paths::{Escape, SiteRoot};
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
    /// What the site is published as; `None`: everything ([`Outputs::ALL`]).
    pub outputs: Option<Vec<OutputFormat>>,
    pub raw_html: Option<RawHtml>,
    /// The build cache (`.carnet-cache/`): `false` turns it off.
    pub cache: Option<CacheFile>,
}

/// What happens to the HTML authors write in their pages.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// As written, as GitBook renders it.
    #[default]
    Keep,
    /// Through an allowlist sanitizer: for sites that publish pages from untrusted hands.
    Sanitize,
}

/// `cache:` as written: `false`/`true`, or its settings.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum CacheFile {
    Enabled(bool),
    Settings(CacheSettingsFile),
}

/// `cache:` settings as written.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CacheSettingsFile {
    pub enabled: Option<bool>,
    /// Relative to the site folder.
    pub dir: Option<PathBuf>,
    /// Megabytes the cache may hold on disk, all tables together.
    pub max_size_mb: Option<u64>,
}

/// Where the build cache is kept and how much it may hold; `None` in [`SiteConfig::cache`]
/// when it is turned off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    pub dir: PathBuf,
    pub max_bytes: u64,
    /// Nothing is read from the cache, every table is written anew: the build after one that
    /// found an entry it could not use (see `build::build`).
    pub fresh: bool,
}

/// The cache folder's name in the site folder.
pub const CACHE_DIR: &str = ".carnet-cache";

/// Megabytes of cache kept by default: the code and pages of a large site, several times over.
const DEFAULT_CACHE_MB: u64 = 1024;

fn cache_config(site_dir: &Path, file: Option<&CacheFile>, disabled: bool) -> Option<CacheConfig> {
    let settings = match file {
        Some(CacheFile::Enabled(false)) => return None,
        Some(CacheFile::Settings(settings)) if settings.enabled == Some(false) => return None,
        Some(CacheFile::Settings(settings)) => settings.clone(),
        _ => CacheSettingsFile::default(),
    };
    if disabled {
        return None;
    }
    Some(CacheConfig {
        dir: site_dir.join(settings.dir.unwrap_or_else(|| PathBuf::from(CACHE_DIR))),
        max_bytes: settings.max_size_mb.unwrap_or(DEFAULT_CACHE_MB) << 20,
        fresh: false,
    })
}

/// Where "Last updated" dates come from.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LastUpdated {
    /// The date of the last commit that touched the page's source.
    Git,
}

/// One value of `outputs:` in `carnet.yaml`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// The pages as HTML, the site itself: it cannot be left out.
    Html,
    /// Every page's Markdown beside its HTML (`a/b.md` for `a/b/`).
    Markdown,
    /// `llms.txt` and `llms-full.txt`.
    Llms,
}

/// What a build publishes besides the HTML every site has. All on unless `carnet.yaml` lists
/// `outputs:` without them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outputs {
    pub markdown: bool,
    pub llms: bool,
}

impl Outputs {
    pub const ALL: Outputs = Outputs {
        markdown: true,
        llms: true,
    };

    /// Whether pages need their Markdown made while they load: for their `.md` files, or
    /// for `llms-full.txt`, which holds every page's Markdown.
    pub fn page_markdown(&self) -> bool {
        self.markdown || self.llms
    }
}

impl Default for Outputs {
    fn default() -> Self {
        Outputs::ALL
    }
}

/// What the command line may override in the configuration.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    /// `--no-cache`: neither read nor write the build cache.
    pub no_cache: bool,
}

/// The resolved configuration of one site: every path absolute-or-as-given and every default
/// applied, so later stages never re-derive any of it.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    /// The folder the user pointed at (`carnet build SITE`).
    pub site_dir: PathBuf,
    /// The site folder resolved: nothing outside it is read.
    pub root: SiteRoot,
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
    pub raw_html: RawHtml,
    /// GitBook's own structure settings (`structure.readme`, `structure.summary`, redirects).
    pub gitbook: GitbookConfig,
    pub outputs: Outputs,
    /// The build cache; `None` when turned off (`cache: false`, `--no-cache`).
    pub cache: Option<CacheConfig>,
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
    let root = SiteRoot::new(site_dir).map_err(|err| {
        let message = format!(
            "cannot read the site folder `{}`: {err}",
            site_dir.display()
        );
        vec![Diagnostic::error("invalid-config", message)]
    })?;
    let (file, text) = read_config_file(site_dir, &root)?;
    let outputs = outputs(file.outputs.as_deref(), &site_dir.join(CONFIG_FILE), &text)?;
    let mut diagnostics = Vec::new();

    let base_dir = match &file.content_dir {
        Some(dir) => site_dir.join(dir),
        None if site_dir.join("content").is_dir() => site_dir.join("content"),
        None => site_dir.to_path_buf(),
    };
    if !is_folder_inside(&root, &base_dir) {
        let msg = format!("content folder `{}` does not exist", base_dir.display());
        return Err(vec![
            Diagnostic::error("invalid-config", msg).in_file(site_dir.join(CONFIG_FILE)),
        ]);
    }
    let (gitbook, gitbook_diagnostics) = load_gitbook_config(&base_dir, &root);
    diagnostics.extend(gitbook_diagnostics);
    let content_dir = content_root(&base_dir, &gitbook, &root, &mut diagnostics);

    let output_dir = match (&overrides.output, &file.output_dir) {
        (Some(out), _) => out.clone(),
        (None, Some(out)) => configured_output(site_dir, &root, out)?,
        (None, None) => site_dir.join("public"),
    };
    let config_error = |message| {
        vec![Diagnostic::error("invalid-config", message).in_file(site_dir.join(CONFIG_FILE))]
    };
    let base_url = match overrides.base_url.clone().or(file.base_url) {
        Some(url) => Some(clean_url("base_url", &url).map_err(config_error)?),
        None => None,
    };
    // The cache is written to by every build: like `output_dir`, the site's configuration may
    // only put it inside the site folder.
    let cache = cache_config(site_dir, file.cache.as_ref(), overrides.no_cache);
    let outside = |dir: &Path| !root.holds(&crate::paths::confine::resolve_existing(dir));
    if let Some(dir) = cache.as_ref().map(|c| &c.dir).filter(|dir| outside(dir)) {
        return Err(config_error(format!(
            "cache.dir `{}` is outside the site folder; carnet.yaml may only name a folder inside it",
            dir.display()
        )));
    }
    // Written into every page as a link: as safe as `base_url` (never `javascript:`).
    let edit_url = match file.edit_url {
        Some(url) => Some(clean_url("edit_url", &url).map_err(config_error)?),
        None => None,
    };

    Ok((
        SiteConfig {
            site_dir: site_dir.to_path_buf(),
            root,
            content_dir,
            output_dir,
            title: file.title,
            language: file.language,
            base_url,
            theme: file.theme.unwrap_or_else(|| "default".to_string()),
            edit_url,
            last_updated: file.last_updated,
            favicon: file.favicon,
            logo: file.logo,
            raw_html: file.raw_html.unwrap_or_default(),
            gitbook,
            outputs,
            cache,
        },
        diagnostics,
    ))
}

/// The outputs `carnet.yaml` lists. The HTML is the site (every other output links to it, and
/// the deploy checks for its `index.html`), so a list without `html` is an error at its line
/// rather than a site silently published without pages.
fn outputs(
    listed: Option<&[OutputFormat]>,
    path: &Path,
    text: &str,
) -> Result<Outputs, Vec<Diagnostic>> {
    let Some(listed) = listed else {
        return Ok(Outputs::ALL);
    };
    if !listed.contains(&OutputFormat::Html) {
        let lines = crate::diagnostic::LineIndex::new(text);
        let at = key_offset(text, "outputs").unwrap_or(0);
        let message = "`outputs` must include `html`: the HTML pages are the site itself, \
                       the other outputs are published beside them (outputs: [html, markdown, llms])";
        let diagnostic = Diagnostic::error("invalid-config", message).at(
            path,
            &lines,
            text,
            at..at + "outputs".len(),
        );
        return Err(vec![diagnostic]);
    }
    Ok(Outputs {
        markdown: listed.contains(&OutputFormat::Markdown),
        llms: listed.contains(&OutputFormat::Llms),
    })
}

/// Where the top-level `key:` of a YAML mapping is written in `text`.
fn key_offset(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
        {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// `output_dir` of `carnet.yaml`: a folder inside the site folder. The configuration is the
/// site's, and a build replaces its output folder whole; only the command line (`-o`) may send
/// the output elsewhere.
fn configured_output(
    site_dir: &Path,
    root: &SiteRoot,
    out: &Path,
) -> Result<PathBuf, Vec<Diagnostic>> {
    let dir = site_dir.join(out);
    if root.holds(&crate::paths::confine::resolve_existing(&dir)) {
        return Ok(dir);
    }
    let message = format!(
        "output_dir `{}` is outside the site folder; carnet.yaml may only name a folder inside it (use -o to build elsewhere)",
        out.display()
    );
    Err(vec![
        Diagnostic::error("invalid-config", message).in_file(site_dir.join(CONFIG_FILE)),
    ])
}

/// Whether `dir` is a folder that resolves inside the site folder: a folder named by the
/// configuration that leads outside is as absent as a missing one.
pub fn is_folder_inside(root: &SiteRoot, dir: &Path) -> bool {
    root.resolve(dir).is_ok_and(|resolved| resolved.is_dir())
}

/// `carnet.yaml` read, and its text (for diagnostics about what it says).
fn read_config_file(
    site_dir: &Path,
    root: &SiteRoot,
) -> Result<(ConfigFile, String), Vec<Diagnostic>> {
    let path = site_dir.join(CONFIG_FILE);
    let bytes = match root
        .resolve(&path)
        .and_then(|p| std::fs::read(p).map_err(Escape::Missing))
    {
        Ok(bytes) => bytes,
        Err(Escape::Missing(err)) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok((ConfigFile::default(), String::new()));
        }
        Err(err) => {
            let err = err.into_io();
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
        return Ok((ConfigFile::default(), text));
    }
    if let Some(at) = crate::limits::yaml_too_deep(&text) {
        let message = format!("{CONFIG_FILE} {}", crate::limits::yaml_too_deep_message());
        let lines = LineIndex::new(&text);
        return Err(vec![Diagnostic::error("invalid-config", message).at(
            &path,
            &lines,
            &text,
            at..at + 1,
        )]);
    }
    match serde_yaml::from_str(&text) {
        Ok(file) => Ok((file, text)),
        Err(err) => Err(vec![yaml_error(
            &path,
            &text,
            &err,
            "invalid-config",
            Severity::Error,
        )]),
    }
}

/// What of a base URL's path is percent-encoded: whatever could end an attribute, a string or
/// a `_redirects` line, or open a tag, wherever carnet writes the URL (`%` stays: a URL already
/// encoded is kept as it is).
const BASE_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

/// `base_url` (or `edit_url`, named `key`) as every page, the 404 page, the sitemap,
/// `_redirects` and the dev server use it:
/// an absolute `http(s)` URL ending with `/`, its path percent-encoded where it would otherwise
/// break out of where it is written, and never starting with `//` (on the 404 page that would
/// load the theme's scripts from another host). `Err`: what is wrong with it.
fn clean_url(key: &str, url: &str) -> Result<String, String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|s| lower.starts_with(s))
        .ok_or_else(|| {
            format!(
                "{key} `{url}` is not an absolute http(s) URL, such as https://example.org/docs/"
            )
        })?;
    let rest = &url[scheme.len()..];
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'));
    if !host_ok || path.contains(['?', '#']) {
        return Err(format!(
            "{key} `{url}` is not a plain http(s) address (a host, then a path without `?` or `#`)"
        ));
    }
    let mut clean = format!("{}{host}/", &lower[..scheme.len()]);
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        clean.extend(percent_encoding::utf8_percent_encode(segment, BASE_PATH));
        clean.push('/');
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with_base(url: Option<&str>) -> SiteConfig {
        SiteConfig {
            site_dir: PathBuf::new(),
            root: SiteRoot::new(Path::new(".")).unwrap(),
            content_dir: PathBuf::new(),
            output_dir: PathBuf::new(),
            title: None,
            language: None,
            base_url: url.map(|u| clean_url("base_url", u).unwrap()),
            theme: "default".into(),
            edit_url: None,
            last_updated: None,
            favicon: None,
            logo: None,
            raw_html: RawHtml::Keep,
            gitbook: GitbookConfig::default(),
            outputs: Outputs::ALL,
            cache: None,
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
