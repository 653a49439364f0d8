//! `{% stepper %}`/`{% step %}` (a numbered list of steps) and `{% columns %}`/`{% column %}`
//! (side by side, stacked on small screens).

use crate::gitbook::blocks::Attrs;

pub const STEPPER_OPEN: &str = "<ol class=\"stepper\">\n";
pub const STEPPER_CLOSE: &str = "</ol>\n";

pub const STEP_OPEN: &str = "<li class=\"step\">\n";
pub const STEP_CLOSE: &str = "</li>\n";

pub const COLUMNS_OPEN: &str = "<div class=\"columns\">\n";
pub const COLUMNS_CLOSE: &str = "</div>\n";

pub fn column_open(attrs: &Attrs) -> String {
    match attrs.get("width").and_then(percentage) {
        Some(w) => format!("<div class=\"column\" style=\"flex-basis: {w}%\">\n"),
        None => "<div class=\"column\">\n".to_string(),
    }
}

pub const COLUMN_CLOSE: &str = "</div>\n";

/// `50%`, `"33.3"`: a percentage between 1 and 100, digits and one dot only.
fn percentage(value: &str) -> Option<String> {
    let number = value.trim().trim_end_matches('%');
    let parsed: f32 = number.parse().ok()?;
    (number.chars().all(|c| c.is_ascii_digit() || c == '.') && (1.0..=100.0).contains(&parsed))
        .then(|| number.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_widths_are_sanitised() {
        assert_eq!(percentage("50%").as_deref(), Some("50"));
        assert_eq!(percentage("33.3").as_deref(), Some("33.3"));
        assert_eq!(percentage("100%; background:red"), None);
        assert_eq!(percentage("0"), None);
    }
}
