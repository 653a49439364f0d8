//! YAML errors as diagnostics: every stage that reads YAML (`carnet.yaml`, `.gitbook.yaml`,
//! front matter, `docs.yaml`) points its users at the line the parser names, the same way.

use std::path::Path;

use crate::diagnostic::{Diagnostic, LineIndex, Severity};

/// Turns a YAML error into a diagnostic at the line the parser names. serde's messages for unknown
/// keys already name the key and the accepted ones, which is exactly what the user needs.
pub fn yaml_error(
    file: &Path,
    text: &str,
    err: &serde_yaml::Error,
    code: &'static str,
    severity: Severity,
) -> Diagnostic {
    let lines = LineIndex::new(text);
    let message = strip_yaml_position(&err.to_string());
    let diagnostic = Diagnostic::new(severity, code, message);
    match err.location() {
        Some(loc) => {
            let start = lines.line_start(loc.line())
                + column_offset(lines.line_text(text, loc.line()), loc.column());
            diagnostic.at(file, &lines, text, start..start + 1)
        }
        None => diagnostic.in_file(file),
    }
}

/// serde_yaml appends " at line L column C" to its messages; the diagnostic shows that already.
fn strip_yaml_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Byte offset of 1-based character `column` within `line`.
fn column_offset(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "only deserialised to provoke an error")]
    struct Config {
        title: Option<String>,
        language: Option<String>,
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key_and_line() {
        let text = "title: Docs\nlanguag: en\n";
        let err = serde_yaml::from_str::<Config>(text).unwrap_err();
        let d = yaml_error(
            Path::new("carnet.yaml"),
            text,
            &err,
            "invalid-config",
            Severity::Error,
        );
        assert!(
            d.message.contains("unknown field `languag`"),
            "{}",
            d.message
        );
        assert_eq!(d.location.unwrap().line, 2);
    }
}
