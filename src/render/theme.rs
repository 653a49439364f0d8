//! Themes: the default one is embedded in the binary so `carnet` works from any folder; a site's
//! own `themes/<name>/` overrides any of its templates or static files, file by file.
//!
//! Templates are parsed once per build. CSS and JavaScript get content-hashed file names
//! (`assets/style.3f9a1c20b4.css`) so hosts can cache them for a year.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_embed::RustEmbed;
use tera::Tera;
use walkdir::WalkDir;

use crate::config::{SiteConfig, is_folder_inside};
use crate::diagnostic::{Diagnostic, LineIndex, display_path};

#[derive(RustEmbed)]
#[folder = "themes/default/"]
struct DefaultTheme;

/// A file the theme writes into the output.
#[derive(Clone, Debug)]
pub struct ThemeFile {
    /// Output path (`assets/style.<hash>.css`).
    pub output: String,
    pub bytes: Cow<'static, [u8]>,
    /// Only written when a page needs it (`Some("mermaid")`: the vendored Mermaid, 5 MB, for
    /// pages with diagrams).
    pub only_for: Option<&'static str>,
}

/// A loaded theme, ready to render any number of pages (from any number of threads).
pub struct Theme {
    pub tera: Tera,
    pub files: Vec<ThemeFile>,
    /// Static file name → output path, for templates (`assets['style.css']`).
    pub asset_paths: BTreeMap<String, String>,
    /// Template name → where it came from and its text, so template errors show a real file and line.
    sources: BTreeMap<String, (PathBuf, String)>,
}

impl Theme {
    /// Whether `other` has the same templates, word for word: then a change of the theme's
    /// static files is all that differs between pages rendered with either.
    pub fn same_templates(&self, other: &Theme) -> bool {
        self.sources.len() == other.sources.len()
            && self
                .sources
                .iter()
                .zip(&other.sources)
                .all(|((a, (_, x)), (b, (_, y)))| a == b && x == y)
    }
}

impl Theme {
    /// Feeds everything of the theme a rendered page can depend on into `hasher`: every
    /// template's name and text, every static file's output path, condition and bytes, and the
    /// asset paths templates see (see [`super::digest`]).
    pub fn digest_into(&self, hasher: &mut blake3::Hasher) {
        let Theme {
            tera: _, // Compiled from `sources`.
            files,
            asset_paths,
            sources,
        } = self;
        for (name, (_, text)) in sources {
            super::digest::part(hasher, name.as_bytes());
            super::digest::part(hasher, text.as_bytes());
        }
        for file in files {
            super::digest::part(hasher, file.output.as_bytes());
            super::digest::part(hasher, file.only_for.unwrap_or("").as_bytes());
            super::digest::part(hasher, &file.bytes);
        }
        for (name, path) in asset_paths {
            super::digest::part(hasher, name.as_bytes());
            super::digest::part(hasher, path.as_bytes());
        }
    }
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("asset_paths", &self.asset_paths)
            .finish_non_exhaustive()
    }
}

struct Source {
    bytes: Cow<'static, [u8]>,
    origin: PathBuf,
}

/// Loads the default theme overlaid with the site's `themes/<config.theme>/`.
pub fn load_theme(config: &SiteConfig) -> Result<Theme, Vec<Diagnostic>> {
    let mut templates = embedded("templates/");
    let mut statics = embedded("static/");
    let site_theme = config.site_dir.join("themes").join(&config.theme);
    if is_folder_inside(&config.root, &site_theme) {
        overlay(&mut templates, &site_theme.join("templates"), config);
        overlay(&mut statics, &site_theme.join("static"), config);
    } else if config.theme != "default" {
        let message = format!(
            "theme `{}` not found: expected a folder `{}`",
            config.theme,
            site_theme.display()
        );
        return Err(vec![Diagnostic::error("invalid-config", message)]);
    }

    let mut tera = Tera::new();
    tera.set_escape_fn(escape_html);
    let mut sources = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for (name, source) in templates {
        match String::from_utf8(source.bytes.into_owned()) {
            Ok(text) => {
                sources.insert(name, (source.origin, text));
            }
            Err(_) => diagnostics.push(
                Diagnostic::error("template-error", "template is not UTF-8 text")
                    .in_file(&source.origin),
            ),
        }
    }
    if let Err(err) = tera.add_raw_templates(
        sources
            .iter()
            .map(|(name, (_, text))| (name.as_str(), text.as_str())),
    ) {
        diagnostics.push(template_diagnostic(&err, &sources));
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }

    let (files, asset_paths) = static_files(statics);
    Ok(Theme {
        tera,
        files,
        asset_paths,
        sources,
    })
}

impl Theme {
    /// Renders `template` to bytes (Tera's `render` would validate its whole output as UTF-8
    /// again, a tenth of a build), turning a template error into a diagnostic at the template's
    /// file and line.
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(48 * 1024);
        match self.tera.render_to(template, context, &mut out) {
            Ok(()) => Ok(out),
            Err(err) => Err(template_diagnostic(&err, &self.sources)),
        }
    }
}

fn embedded(prefix: &str) -> BTreeMap<String, Source> {
    DefaultTheme::iter()
        .filter_map(|path| {
            let name = path.strip_prefix(prefix)?.to_string();
            let file = DefaultTheme::get(&path)?;
            let origin = PathBuf::from(format!("(default theme) {path}"));
            Some((
                name,
                Source {
                    bytes: file.data,
                    origin,
                },
            ))
        })
        .collect()
}

/// Puts the files of the site's theme folder `dir` over the default theme's. The folder must
/// resolve inside the site; links inside it are not followed.
fn overlay(files: &mut BTreeMap<String, Source>, dir: &Path, config: &SiteConfig) {
    if !is_folder_inside(&config.root, dir) {
        return;
    }
    let site_dir = &config.site_dir;
    for entry in WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let Some(name) = rel.to_str().map(|s| s.replace('\\', "/")) else {
            continue;
        };
        if let Ok(bytes) = std::fs::read(entry.path()) {
            let origin = display_path(entry.path(), site_dir);
            files.insert(
                name,
                Source {
                    bytes: Cow::Owned(bytes),
                    origin,
                },
            );
        }
    }
}

/// The theme's static files as written (CSS and JavaScript under content-hashed names, scripts
/// naming other files by those names), with file name → output path.
fn static_files(statics: BTreeMap<String, Source>) -> (Vec<ThemeFile>, BTreeMap<String, String>) {
    let mut files = Vec::new();
    let mut asset_paths: BTreeMap<String, String> = statics
        .iter()
        .map(|(name, source)| {
            let output = format!("assets/{}", hashed_name(name, &source.bytes));
            (name.clone(), output)
        })
        .collect();
    let named = asset_paths.clone();
    for (name, source) in statics {
        let bytes = with_asset_paths(source.bytes, &named);
        let output = format!("assets/{}", hashed_name(&name, &bytes));
        let only_for = name.starts_with("vendor/mermaid/").then_some("mermaid");
        asset_paths.insert(name, output.clone());
        files.push(ThemeFile {
            output,
            bytes,
            only_for,
        });
    }
    (files, asset_paths)
}

/// What a theme script writes where it needs the output path of another static file
/// (`"carnet-asset:search.js"`), so that pages need not carry it: each page would otherwise
/// repeat the same hashed names.
const ASSET_MARKER: &str = "carnet-asset:";

/// `bytes` of a JavaScript file with each `"carnet-asset:<name>"` string replaced by the output
/// path of the static file `<name>` (as it was before any replacement: a file that names
/// another with a marker is not itself named by one). Other files are left as they are.
fn with_asset_paths(
    bytes: Cow<'static, [u8]>,
    asset_paths: &BTreeMap<String, String>,
) -> Cow<'static, [u8]> {
    let marker = format!("\"{ASSET_MARKER}");
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return bytes;
    };
    if !text.contains(&marker) {
        return bytes;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&marker) {
        out.push_str(&rest[..at + 1]);
        let after = &rest[at + marker.len()..];
        let name = after.split('"').next().unwrap_or_default();
        match asset_paths.get(name) {
            Some(path) => {
                out.push_str(path);
                rest = &after[name.len()..];
            }
            None => rest = &rest[at + 1..],
        }
    }
    out.push_str(rest);
    Cow::Owned(out.into_bytes())
}

/// `style.css` → `style.<10 hex digits of its BLAKE3 hash>.css`; other files keep their name.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hashable = name.ends_with(".css") || name.ends_with(".js");
    match name.rsplit_once('.') {
        Some((stem, ext)) if hashable => {
            let hash = blake3::hash(bytes).to_hex();
            format!("{stem}.{}.{ext}", &hash.as_str()[..10])
        }
        _ => name.to_string(),
    }
}

/// A Tera error as a diagnostic at the template's file and line when Tera knows them.
fn template_diagnostic(
    err: &tera::Error,
    sources: &BTreeMap<String, (PathBuf, String)>,
) -> Diagnostic {
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            Some(report)
        }
        _ => None,
    };
    let Some(report) = report else {
        return Diagnostic::error("template-error", format!("template error: {err}"));
    };
    let message = format!("template `{}`: {}", report.filename(), report.message());
    let diagnostic = Diagnostic::error("template-error", message);
    match sources.get(report.filename()) {
        Some((origin, text)) => {
            let lines = LineIndex::new(text);
            diagnostic.at(origin, &lines, text, report.span().range.clone())
        }
        None => diagnostic.in_file(report.filename()),
    }
}

/// Tera's own HTML escaping, by runs: Tera writes every byte with its own `write_all` (about
/// 1,300 instructions for a heading's text); this writes the text between two characters to
/// escape at once. The same five characters, the same entities.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut copied = 0;
    for (i, byte) in bytes.iter().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[copied..i])?;
        out.write_all(entity)?;
        copied = i + 1;
    }
    out.write_all(&bytes[copied..])
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_html_as_tera_does() {
        for text in [
            "",
            "plain",
            "a & b < c > d \"e\" 'f'",
            "&&<<>>",
            "é'ß\"日本\"🦀&",
            "x<",
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            super::escape_html(text, &mut ours).expect("writes to a vector");
            tera::escape_html(text, &mut teras).expect("writes to a vector");
            assert_eq!(ours, teras, "{text:?}");
        }
    }
    use super::*;

    #[test]
    fn css_and_js_get_content_hashes() {
        let a = hashed_name("style.css", b"body{}");
        assert!(
            a.starts_with("style.") && a.ends_with(".css") && a.len() == "style..css".len() + 10,
            "{a}"
        );
        assert_ne!(a, hashed_name("style.css", b"body{color:red}"));
        assert_eq!(hashed_name("logo.svg", b"<svg/>"), "logo.svg");
    }

    #[test]
    fn scripts_name_other_static_files_by_their_hashed_paths() {
        let paths = BTreeMap::from([(
            "search.js".to_string(),
            "assets/search.0123456789.js".to_string(),
        )]);
        let script = br#"var s = "carnet-asset:search.js", t = "carnet-asset:nope.js";"#;
        let out = with_asset_paths(Cow::Borrowed(script), &paths);
        assert_eq!(
            std::str::from_utf8(&out).ok(),
            Some(r#"var s = "assets/search.0123456789.js", t = "carnet-asset:nope.js";"#)
        );
        // The default theme's script gets the paths of the files it loads.
        let (files, asset_paths) = static_files(embedded("static/"));
        let carnet = &asset_paths["carnet.js"];
        let file = files
            .iter()
            .find(|f| &f.output == carnet)
            .expect("carnet.js");
        let text = String::from_utf8_lossy(&file.bytes);
        assert!(!text.contains(ASSET_MARKER), "{text}");
        for name in ["search.js", "vendor/snowball/stemmers.js"] {
            assert!(
                text.contains(&format!("\"{}\"", asset_paths[name])),
                "{name}"
            );
        }
    }

    #[test]
    fn the_embedded_theme_has_every_template() {
        let names: Vec<String> = embedded("templates/").into_keys().collect();
        for needed in ["base.html", "page.html", "404.html"] {
            assert!(
                names.iter().any(|n| n == needed),
                "{needed} missing from {names:?}"
            );
        }
    }
}
