//! A page whose block quotes or lists nest beyond [`MAX_MARKDOWN_NESTING`] on a line is not
//! parsed: its text is shown as it is, and an error says where (see [`crate::limits`]).

use std::ops::Range;

use pulldown_cmark_escape::escape_html_body_text;

use crate::diagnostic::Severity;
use crate::gitbook::blocks::BlockProblem;
use crate::limits::MAX_MARKDOWN_NESTING;

/// What a page whose (expanded) `text` nests too deep at page span `span` shows, and the error.
pub fn too_deep(text: &str, span: &Range<usize>) -> (String, BlockProblem) {
    let mut html = String::from("<pre class=\"source-too-deep\">");
    let _ = escape_html_body_text(&mut html, text);
    html.push_str("</pre>\n");
    let message = format!(
        "block quotes and lists nest more than {MAX_MARKDOWN_NESTING} deep on this line, carnet's limit; the page is shown as plain text"
    );
    let problem = BlockProblem {
        span: span.clone(),
        severity: Severity::Error,
        code: "limit-exceeded",
        message,
    };
    (html, problem)
}
