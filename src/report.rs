//! Showing diagnostics to people: a source excerpt per finding, then one summary line.
//!
//! The excerpt is rendered with `annotate-snippets` (the renderer rustc uses), so contributors see
//! their file, line, column and the offending text underlined, in the form they already know.

use std::path::Path;
use std::time::Duration;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity, Tally};

/// One diagnostic in human form, with a source excerpt when its line is known.
pub fn render_human(diagnostic: &Diagnostic, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let level = match diagnostic.severity {
        Severity::Warning => Level::WARNING,
        Severity::Error => Level::ERROR,
    };
    let title = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code);
    let group = match (&diagnostic.location, &diagnostic.source_line) {
        (Some(location), Some(line)) => {
            let path = location.file.to_string_lossy();
            let start = char_offset(line, location.column.saturating_sub(1));
            let end = char_offset(
                line,
                location.column.saturating_sub(1) + diagnostic.span_chars.max(1),
            )
            .max(start);
            let snippet = Snippet::source(line.as_str())
                .line_start(location.line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(start..end));
            title.element(snippet)
        }
        (Some(location), None) => {
            let origin = Origin::path(location.file.to_string_lossy())
                .line(location.line)
                .char_column(location.column);
            title.element(origin)
        }
        (None, _) => Group::with_title(title),
    };
    renderer.render(&[group])
}

/// Byte offset of the `n`th character of `line` (its end when shorter).
fn char_offset(line: &str, n: usize) -> usize {
    line.char_indices().nth(n).map_or(line.len(), |(i, _)| i)
}

/// The line that ends a build's output: what was built, what was found, how long it took.
pub fn summary_line(
    pages: usize,
    tally: Tally,
    elapsed: Duration,
    output: Option<&Path>,
    written: bool,
) -> String {
    let findings = format!(
        "{} warning{}, {} error{}",
        tally.warnings,
        if tally.warnings == 1 { "" } else { "s" },
        tally.errors,
        if tally.errors == 1 { "" } else { "s" },
    );
    let seconds = elapsed.as_secs_f64();
    match (written, output) {
        (true, Some(out)) => format!(
            "built {pages} page{} in {seconds:.2} s, {findings} → {}",
            if pages == 1 { "" } else { "s" },
            out.display()
        ),
        (_, Some(out)) if out.exists() => format!(
            "build failed in {seconds:.2} s, {findings}; `{}` left unchanged",
            out.display()
        ),
        _ => format!("build failed in {seconds:.2} s, {findings}; nothing written"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::LineIndex;

    #[test]
    fn excerpt_names_file_line_and_underlines_the_span() {
        let text = "# Titre\nVoir [ici](absent.md).\n";
        let lines = LineIndex::new(text);
        let start = text.find('[').unwrap();
        let d = Diagnostic::warning("broken-link", "link target `absent.md` not found").at(
            "content/a.md",
            &lines,
            text,
            start..start + 16,
        );
        let out = render_human(&d, false);
        assert!(
            out.contains("warning[broken-link]: link target `absent.md` not found"),
            "{out}"
        );
        assert!(out.contains("content/a.md:2:6"), "{out}");
        assert!(out.contains("Voir [ici](absent.md)."), "{out}");
        assert!(
            out.trim_end().ends_with("  |      ^^^^^^^^^^^^^^^^"),
            "{out}"
        );
    }

    #[test]
    fn summary_says_where_the_site_went() {
        let tally = Tally {
            warnings: 1,
            errors: 0,
        };
        let line = summary_line(
            3,
            tally,
            Duration::from_millis(20),
            Some(Path::new("public")),
            true,
        );
        assert_eq!(
            line,
            "built 3 pages in 0.02 s, 1 warning, 0 errors → public"
        );
    }
}
