//! The `document` stage: a page's clean text split into front matter and body.
//!
//! Front matter is a leading YAML block between `---` lines, as GitBook writes it. GitBook ignores
//! front matter it cannot parse, so invalid YAML is a warning here and the page builds without it;
//! a leading `---` with no closing line is a thematic break, not front matter.

use std::path::Path;

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::yaml::yaml_error;

/// What carnet reads from front matter. Keys it does not know reach templates as `extra`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Built and reachable by URL, but left out of the navigation.
    pub hidden: bool,
    /// `noIndex` / `noRobotsIndex`: search engines are asked not to index the page.
    pub no_index: bool,
    /// GitBook's `icon`: shown before the title when it is an emoji.
    pub icon: Option<String>,
    /// GitBook's `cover`: an image above the title, as written (relative to the page).
    pub cover: Option<String>,
    pub layout: Layout,
    pub extra: Map<String, Value>,
}

/// GitBook's `layout` front matter: which parts of the page are shown.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Layout {
    pub title: bool,
    pub description: bool,
    /// The site navigation (GitBook calls the sidebar the table of contents).
    pub table_of_contents: bool,
    /// The on-page outline (headings).
    pub outline: bool,
    pub pagination: bool,
    pub wide: bool,
    /// The `cover` image above the title.
    pub cover: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            title: true,
            description: true,
            table_of_contents: true,
            outline: true,
            pagination: true,
            wide: false,
            cover: true,
        }
    }
}

impl Layout {
    /// Reads `layout:` as GitBook writes it (`title: {visible: false}`, `width: wide`);
    /// anything else is ignored.
    fn from_yaml(value: &serde_yaml::Value) -> Self {
        let visible = |key: &str| {
            value
                .get(key)
                .and_then(|part| part.get("visible"))
                .and_then(serde_yaml::Value::as_bool)
                .unwrap_or(true)
        };
        Layout {
            title: visible("title"),
            description: visible("description"),
            table_of_contents: visible("tableOfContents"),
            outline: visible("outline"),
            pagination: visible("pagination"),
            wide: value.get("width").and_then(serde_yaml::Value::as_str) == Some("wide"),
            cover: visible("cover"),
        }
    }
}

/// A page's text with its front matter parsed and its body located.
#[derive(Clone, Debug)]
pub struct Document {
    pub text: String,
    pub lines: LineIndex,
    pub front_matter: FrontMatter,
    /// Byte offset where the Markdown body starts in `text` (after the front matter block).
    pub body_start: usize,
    /// Set when `text` and `lines` were released ([`Document::release_text`]): the text's
    /// fingerprint, which tells whether the file still holds it when it is read again.
    released: Option<u64>,
    /// The text read again for diagnostics after it was released: read once however many
    /// diagnostics the page has (`None` inside when the file changed since).
    pub reread: std::sync::OnceLock<Option<std::sync::Arc<(LineIndex, String)>>>,
}

impl Document {
    pub fn body(&self) -> &str {
        self.text.get(self.body_start..).unwrap_or("")
    }

    /// Frees the text and its line index once the page is rendered to its fragment: a build
    /// needs them again only for a diagnostic that quotes a line, which is rare, and they
    /// are a sixth of what a large site holds (61 MB on 10,000 pages). The fingerprint stays,
    /// so that such a diagnostic can read the file again ([`Document::matches`]).
    pub fn release_text(&mut self) {
        if self.released.is_none() {
            self.released = Some(fingerprint(&self.text));
            self.text = String::new();
            self.lines = LineIndex::default();
        }
    }

    /// Whether the text was released.
    pub fn is_released(&self) -> bool {
        self.released.is_some()
    }

    /// Whether `text` (the file decoded again) is the text this document was made from.
    pub fn matches(&self, text: &str) -> bool {
        match self.released {
            Some(print) => fingerprint(text) == print,
            None => self.text == text,
        }
    }
}

/// A fast hash of `text`: enough to notice that a file changed, not a defence against anyone.
fn fingerprint(text: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(text.as_bytes());
    hasher.write_usize(text.len());
    hasher.finish()
}

/// Splits and parses the front matter of `text`. `file` only names the file in diagnostics.
pub fn parse_document(file: &Path, text: String) -> (Document, Vec<Diagnostic>) {
    let lines = LineIndex::new(&text);
    let mut diagnostics = Vec::new();
    let (front_matter, body_start) = match find_front_matter(&text) {
        None => (FrontMatter::default(), 0),
        Some(block) => {
            let yaml = &text[block.yaml.clone()];
            if let Some(at) = crate::limits::yaml_too_deep(yaml) {
                let at = block.yaml.start + at;
                let message = format!("front matter {}", crate::limits::yaml_too_deep_message());
                diagnostics.push(Diagnostic::warning("invalid-front-matter", message).at(
                    file,
                    &lines,
                    &text,
                    at..at + 1,
                ));
                return (
                    Document {
                        front_matter: FrontMatter::default(),
                        body_start: block.body_start,
                        released: None,
                        reread: Default::default(),
                        text,
                        lines,
                    },
                    diagnostics,
                );
            }
            let front_matter = match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
                Ok(value) => front_matter_from_yaml(
                    value,
                    file,
                    &lines,
                    &text,
                    block.yaml.start,
                    &mut diagnostics,
                ),
                Err(err) => {
                    diagnostics.push(front_matter_error(file, &text, &lines, &block, &err));
                    FrontMatter::default()
                }
            };
            (front_matter, block.body_start)
        }
    };
    (
        Document {
            text,
            lines,
            front_matter,
            body_start,
            released: None,
            reread: Default::default(),
        },
        diagnostics,
    )
}

/// The body of `text`, after its front matter if it has one (for included files, whose front
/// matter GitBook ignores).
pub fn body_of(text: &str) -> &str {
    find_front_matter(text).map_or(text, |block| &text[block.body_start..])
}

struct FrontMatterBlock {
    /// Byte range of the YAML between the fences.
    yaml: std::ops::Range<usize>,
    body_start: usize,
}

fn find_front_matter(text: &str) -> Option<FrontMatterBlock> {
    let first_line_end = text.find('\n')?;
    if text[..first_line_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = first_line_end + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end();
        if line == "---" || line == "..." {
            return Some(FrontMatterBlock {
                yaml: yaml_start..pos,
                body_start: (line_end + 1).min(text.len()),
            });
        }
        if line_end == text.len() {
            break;
        }
        pos = line_end + 1;
    }
    None
}

fn front_matter_error(
    file: &Path,
    text: &str,
    lines: &LineIndex,
    block: &FrontMatterBlock,
    err: &serde_yaml::Error,
) -> Diagnostic {
    let yaml = &text[block.yaml.clone()];
    let mut d = yaml_error(file, yaml, err, "invalid-front-matter", Severity::Warning);
    // The YAML parser counts lines from the start of the block; re-anchor on the whole file.
    let yaml_line = d.location.as_ref().map_or(1, |l| l.line);
    let file_line = lines.line_col(text, block.yaml.start).0 + yaml_line - 1;
    let message = format!(
        "front matter is not valid YAML, the page is built without it: {}",
        d.message
    );
    d = Diagnostic::warning("invalid-front-matter", message).at_line(file, lines, text, file_line);
    d
}

fn front_matter_from_yaml(
    value: serde_yaml::Value,
    file: &Path,
    lines: &LineIndex,
    text: &str,
    yaml_start: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let warn_at_start = |message: String| {
        Diagnostic::warning("invalid-front-matter", message).at(
            file,
            lines,
            text,
            yaml_start..yaml_start,
        )
    };
    let mapping = match value {
        serde_yaml::Value::Mapping(mapping) => mapping,
        serde_yaml::Value::Null => return FrontMatter::default(),
        _ => {
            diagnostics.push(warn_at_start(
                "front matter is not a mapping of keys to values; it is ignored".into(),
            ));
            return FrontMatter::default();
        }
    };
    let mut front_matter = FrontMatter::default();
    for (key, value) in mapping {
        let Some(key) = key.as_str().map(str::to_string) else {
            diagnostics.push(warn_at_start(format!(
                "front matter key {key:?} is not a string; it is ignored"
            )));
            continue;
        };
        match key.as_str() {
            "title" => front_matter.title = scalar_string(&value),
            "description" => front_matter.description = scalar_string(&value),
            "noIndex" | "noRobotsIndex" => {
                front_matter.no_index |= value.as_bool().unwrap_or(false)
            }
            "icon" => front_matter.icon = scalar_string(&value),
            "cover" => front_matter.cover = scalar_string(&value),
            "layout" => front_matter.layout = Layout::from_yaml(&value),
            "hidden" => match &value {
                serde_yaml::Value::Bool(b) => front_matter.hidden = *b,
                serde_yaml::Value::String(s) if s.eq_ignore_ascii_case("true") => {
                    front_matter.hidden = true
                }
                serde_yaml::Value::String(s) if s.eq_ignore_ascii_case("false") => {}
                _ => diagnostics.push(warn_at_start(format!(
                    "`hidden` should be true or false, not {}",
                    yaml_kind(&value)
                ))),
            },
            _ => match serde_json::to_value(&value) {
                Ok(json) => {
                    front_matter.extra.insert(key, json);
                }
                Err(err) => diagnostics.push(warn_at_start(format!(
                    "front matter key `{key}` cannot be passed to templates: {err}"
                ))),
            },
        }
    }
    front_matter
}

/// Titles and descriptions are text, but YAML happily reads `title: 2024` as a number.
fn scalar_string(value: &serde_yaml::Value) -> Option<String> {
    let s = match value {
        serde_yaml::Value::String(s) => s.trim().to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

fn yaml_kind(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Null => "null",
        serde_yaml::Value::Bool(_) => "a boolean",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "a string",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Document, Vec<Diagnostic>) {
        parse_document(Path::new("p.md"), text.to_string())
    }

    #[test]
    fn known_keys_and_extra() {
        let (doc, diags) = parse(
            "---\ntitle: T\ndescription: D\nhidden: true\nicon: 🚀\nowner: ops\n---\n# Body\n",
        );
        assert!(diags.is_empty());
        assert_eq!(doc.front_matter.title.as_deref(), Some("T"));
        assert_eq!(doc.front_matter.description.as_deref(), Some("D"));
        assert!(doc.front_matter.hidden);
        assert_eq!(doc.front_matter.icon.as_deref(), Some("🚀"));
        assert_eq!(
            doc.front_matter.extra.get("owner"),
            Some(&Value::String("ops".into()))
        );
        assert_eq!(doc.body(), "# Body\n");
    }

    #[test]
    fn gitbook_layout_and_indexing() {
        let (doc, _) = parse(
            "---\nnoIndex: true\nlayout:\n  width: wide\n  title:\n    visible: false\n  outline:\n    visible: false\n---\nx\n",
        );
        let fm = &doc.front_matter;
        assert!(fm.no_index);
        assert!(!fm.layout.title && !fm.layout.outline && fm.layout.description && fm.layout.wide);
    }

    #[test]
    fn invalid_yaml_warns_at_the_file_line_and_keeps_the_body() {
        let (doc, diags) = parse("---\ntitle: ok\ndescription: [oops\n---\nBody\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "invalid-front-matter");
        let line = diags[0].location.as_ref().unwrap().line;
        assert!((3..=4).contains(&line), "line {line}");
        assert_eq!(doc.front_matter, FrontMatter::default());
        assert_eq!(doc.body(), "Body\n");
    }

    #[test]
    fn unclosed_fence_is_a_thematic_break_not_front_matter() {
        let (doc, diags) = parse("---\nJust text\n");
        assert!(diags.is_empty());
        assert_eq!(doc.body_start, 0);
    }

    #[test]
    fn tab_in_folded_scalar_is_a_warning_not_a_failure() {
        let (_, diags) = parse("---\ndescription: >\n\tindented with a tab\n---\nx\n");
        assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    }
}
