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
        Severity::Note => Level::NOTE,
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

/// One JSON object per line: what tools that read diagnostics need, nothing else.
pub fn json_line(diagnostic: &Diagnostic) -> String {
    let location = diagnostic.location.as_ref();
    serde_json::json!({
        "file": location.map(|l| slash_path(&l.file)),
        "line": location.map(|l| l.line),
        "column": location.map(|l| l.column),
        "severity": diagnostic.severity.to_string(),
        "code": diagnostic.code,
        "message": diagnostic.message,
    })
    .to_string()
}

/// A GitHub Actions workflow command (`::warning file=…,line=…,col=…,title=…::…`), which shows
/// the finding on the pull request's diff; a note is a `::notice`.
pub fn github_command(diagnostic: &Diagnostic) -> String {
    let mut properties = Vec::new();
    if let Some(location) = &diagnostic.location {
        properties.push(format!(
            "file={}",
            github_property(&slash_path(&location.file))
        ));
        properties.push(format!("line={}", location.line));
        properties.push(format!("col={}", location.column));
    }
    properties.push(format!("title={}", github_property(diagnostic.code)));
    let command = match diagnostic.severity {
        Severity::Note => "notice",
        Severity::Warning => "warning",
        Severity::Error => "error",
    };
    format!(
        "::{command} {}::{}",
        properties.join(","),
        github_data(&diagnostic.message)
    )
}

/// A GitLab Code Quality report: a JSON array GitLab shows in merge requests.
pub fn gitlab_report(diagnostics: &[Diagnostic]) -> String {
    let issues: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let path = d.location.as_ref().map(|l| slash_path(&l.file)).unwrap_or_default();
            let line = d.location.as_ref().map_or(1, |l| l.line);
            let fingerprint = blake3::hash(format!("{}\0{path}\0{line}\0{}", d.code, d.message).as_bytes()).to_hex();
            serde_json::json!({
                "description": d.message,
                "check_name": d.code,
                "fingerprint": &fingerprint.as_str()[..32],
                "severity": match d.severity { Severity::Note => "info", Severity::Warning => "minor", Severity::Error => "major" },
                "location": { "path": path, "lines": { "begin": line } },
            })
        })
        .collect();
    serde_json::Value::Array(issues).to_string()
}

fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Escapes a workflow command's message (GitHub's rules: `%`, CR, LF).
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Byte offset of the `n`th character of `line` (its end when shorter).
fn char_offset(line: &str, n: usize) -> usize {
    line.char_indices().nth(n).map_or(line.len(), |(i, _)| i)
}

/// The line that ends a build's output: what was built, what was found, how long it took.
/// `check_only`: the line of `carnet check`, which writes nothing.
pub fn summary_line(
    pages: usize,
    tally: Tally,
    elapsed: Duration,
    output: Option<&Path>,
    written: bool,
    check_only: bool,
) -> String {
    let mut findings = format!(
        "{} warning{}, {} error{}",
        tally.warnings,
        if tally.warnings == 1 { "" } else { "s" },
        tally.errors,
        if tally.errors == 1 { "" } else { "s" },
    );
    if tally.notes > 0 {
        let s = if tally.notes == 1 { "" } else { "s" };
        findings.push_str(&format!(", {} note{s}", tally.notes));
    }
    let seconds = elapsed.as_secs_f64();
    if check_only {
        let verdict = if tally.errors == 0 {
            "checked"
        } else {
            "check failed:"
        };
        return format!(
            "{verdict} {pages} page{} in {seconds:.2} s, {findings}",
            if pages == 1 { "" } else { "s" }
        );
    }
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

    fn located() -> Diagnostic {
        let text = "a\nVoir [x](y.md)\n";
        Diagnostic::warning("broken-link", "link target `y.md` not found: 100%, really").at(
            "content/a b.md",
            &LineIndex::new(text),
            text,
            7..15,
        )
    }

    #[test]
    fn json_lines_carry_every_field() {
        let value: serde_json::Value = serde_json::from_str(&json_line(&located())).unwrap();
        assert_eq!(value["file"], "content/a b.md");
        assert_eq!(
            (value["line"].as_u64(), value["column"].as_u64()),
            (Some(2), Some(6))
        );
        assert_eq!(
            (value["severity"].as_str(), value["code"].as_str()),
            (Some("warning"), Some("broken-link"))
        );
    }

    #[test]
    fn github_commands_are_escaped() {
        assert_eq!(
            github_command(&located()),
            "::warning file=content/a b.md,line=2,col=6,title=broken-link::link target `y.md` not found: 100%25, really"
        );
    }

    #[test]
    fn gitlab_reports_are_code_quality_json() {
        let value: serde_json::Value = serde_json::from_str(&gitlab_report(&[located()])).unwrap();
        assert_eq!(value[0]["check_name"], "broken-link");
        assert_eq!(value[0]["severity"], "minor");
        assert_eq!(value[0]["location"]["lines"]["begin"], 2);
        assert_eq!(value[0]["fingerprint"].as_str().map(str::len), Some(32));
    }

    #[test]
    fn summary_says_where_the_site_went() {
        let tally = Tally {
            warnings: 1,
            errors: 0,
            notes: 0,
        };
        let line = summary_line(
            3,
            tally,
            Duration::from_millis(20),
            Some(Path::new("public")),
            true,
            false,
        );
        assert_eq!(
            line,
            "built 3 pages in 0.02 s, 1 warning, 0 errors → public"
        );
    }
}
