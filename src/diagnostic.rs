//! Diagnostics: what a build tells contributors about their sources.
//!
//! Every stage returns its findings as [`Diagnostic`] values instead of printing them, so a build can
//! collect all of them, keep rendering what it safely can, and let the command line decide how to show
//! them (human excerpts, JSON lines, CI annotations). A diagnostic points at `file:line:column` and
//! carries the source line it is about, because "content/a.md:12:5" plus the line itself is what lets
//! a contributor fix the problem without opening anything else.

use std::cmp::Ordering;
use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a finding is. The severity rule: what GitBook itself would still render is a
/// [`Severity::Warning`] (the build goes on and writes its output); what cannot be rendered right is an
/// [`Severity::Error`] (the build fails and leaves the previous output untouched). A
/// [`Severity::Note`] is neither: something that may be wrong and that only a person can tell
/// (text that looks like mojibake without being clearly so); `--strict` leaves it a note.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A place in a source file. Lines and columns count from 1; column counts characters, not bytes,
/// because that is what editors show.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// One finding about the sources, with enough context to act on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kebab-case name for the kind of finding (`broken-link`, `invalid-front-matter`), so
    /// CI can allow or deny kinds and tests can assert on them without matching prose.
    pub code: &'static str,
    pub message: String,
    /// `None` for findings about the whole build (an unreadable output folder, say).
    pub location: Option<Location>,
    /// The full source line the location points into, for the excerpt.
    pub source_line: Option<String>,
    /// How many characters from `location.column` the finding covers (at least 1 when shown).
    pub span_chars: usize,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            location: None,
            source_line: None,
            span_chars: 0,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, message)
    }

    /// Points the diagnostic at a file as a whole (line 1, no excerpt).
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line: 1,
            column: 1,
        });
        self
    }

    /// Points the diagnostic at the byte range `span` of `text`, the contents of `file`.
    /// Out-of-range spans are clamped rather than trusted, so a slightly wrong offset still yields a
    /// usable location instead of a panic.
    pub fn at(
        mut self,
        file: impl Into<PathBuf>,
        lines: &LineIndex,
        text: &str,
        span: std::ops::Range<usize>,
    ) -> Self {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        let (line, column) = lines.line_col(text, start);
        let line_text = lines.line_text(text, line);
        let line_end_in_span = {
            let line_start = lines.line_start(line);
            (line_start + line_text.len()).min(end)
        };
        self.span_chars = text[start..line_end_in_span.max(start)]
            .chars()
            .count()
            .max(1);
        self.location = Some(Location {
            file: file.into(),
            line,
            column,
        });
        self.source_line = Some(line_text.to_string());
        self
    }

    /// Points the diagnostic at a 1-based line of `text` (column 1), for findings that only know a
    /// line (a YAML parser's error position, a repaired line).
    pub fn at_line(
        self,
        file: impl Into<PathBuf>,
        lines: &LineIndex,
        text: &str,
        line: usize,
    ) -> Self {
        let line = line.clamp(1, lines.line_count());
        let start = lines.line_start(line);
        let len = lines.line_text(text, line).len();
        self.at(file, lines, text, start..start + len)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The order diagnostics are printed in: by file, then position, then severity and code, so
    /// output is deterministic whatever order parallel stages produced them in.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        self.location
            .cmp(&other.location)
            .then(other.severity.cmp(&self.severity))
            .then(self.code.cmp(other.code))
            .then(self.message.cmp(&other.message))
    }
}

impl fmt::Display for Diagnostic {
    /// One-line form: `file:line:col: severity[code]: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{}:{}:{}: ", loc.file.display(), loc.line, loc.column)?;
        }
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)
    }
}

/// Byte offsets of line starts, built once per file so that turning an offset into `line:column`
/// is a binary search rather than a rescan of the file.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.starts[line_idx];
        let column = text[line_start..offset].chars().count() + 1;
        (line_idx + 1, column)
    }

    /// Byte offset where 1-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or_else(|| self.starts.last().copied().unwrap_or(0))
    }

    /// The text of 1-based `line`, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line).min(text.len());
        let end = self
            .starts
            .get(line)
            .copied()
            .unwrap_or(text.len())
            .min(text.len());
        text[start..end.max(start)].trim_end_matches(['\n', '\r'])
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Counts of a build's findings, for the summary line and the exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub warnings: usize,
    pub errors: usize,
    pub notes: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let count = |severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        Tally {
            warnings: count(Severity::Warning),
            errors: count(Severity::Error),
            notes: count(Severity::Note),
        }
    }
}

/// Display form of a path relative to a base, falling back to the path itself. Diagnostics name
/// files as the user would type them from the site folder, not as absolute paths.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// A `&'static str` name (a diagnostic code, a word's key) read back from the build cache: these
/// come from a small, fixed set, so each distinct one read is kept for the life of the process,
/// once. (Entries come
/// only from a cache whose checksum and writer were checked; past 1,024 distinct codes, which
/// carnet does not have, the rest read as `cached-finding`.)
pub fn intern_code(code: String) -> &'static str {
    static CODES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut codes = CODES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = codes.iter().find(|known| **known == code) {
        return known;
    }
    if codes.len() >= 1024 {
        return "cached-finding";
    }
    let leaked: &'static str = Box::leak(code.into_boxed_str());
    codes.push(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "première\nligne é x\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), (2, 9));
        assert_eq!(idx.line_text(text, 2), "ligne é x");
    }

    #[test]
    fn at_clamps_out_of_range_spans() {
        let text = "abc";
        let idx = LineIndex::new(text);
        let d = Diagnostic::warning("t", "m").at("f.md", &idx, text, 10..20);
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.column), (1, 4));
    }

    #[test]
    fn crlf_lines_are_shown_without_the_carriage_return() {
        let text = "a\r\nbc\r\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_text(text, 2), "bc");
    }

    #[test]
    fn sorting_puts_files_then_lines_in_order() {
        let text = "a\nb\n";
        let idx = LineIndex::new(text);
        let late = Diagnostic::warning("x", "late").at("a.md", &idx, text, 2..3);
        let early = Diagnostic::error("x", "early").at("a.md", &idx, text, 0..1);
        let other = Diagnostic::warning("x", "other").at("b.md", &idx, text, 0..1);
        let mut all = [other.clone(), late.clone(), early.clone()];
        all.sort_by(Diagnostic::sort_key_cmp);
        assert_eq!(all, [early, late, other]);
    }
}
