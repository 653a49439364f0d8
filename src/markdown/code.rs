//! Code blocks: escaped (syntax highlighting plugs in here), with GitBook's `code` block options
//! (line numbers), and Mermaid diagrams kept as readable source for the theme to draw.

use pulldown_cmark_escape::{escape_html, escape_html_body_text};

use super::fragment::{Builder, OpenCode};
use crate::gitbook::blocks::BlockKind;
use crate::highlight::highlighter;

/// Appends one line of code HTML, wrapped for the line-number gutter when asked.
fn push_line(html: &mut String, line: &str, numbered: bool) {
    if numbered {
        html.push_str("<span class=\"line\">");
        html.push_str(line);
        html.push_str("</span>\n");
    } else {
        html.push_str(line);
        html.push('\n');
    }
}

impl Builder<'_> {
    pub(super) fn code_block_html(&mut self, code: &OpenCode) -> String {
        let language = code.language.to_ascii_lowercase();
        if language == "mermaid" {
            self.fragment.has_mermaid = true;
            let mut html = String::from("<pre class=\"mermaid\">");
            let _ = escape_html(&mut html, &code.text);
            html.push_str("</pre>\n");
            return html;
        }
        let line_numbers = self
            .open_blocks
            .last()
            .is_some_and(|b| b.kind == BlockKind::Code && b.attrs.flag("lineNumbers"));
        let mut html = String::from("<pre><code");
        if !language.is_empty() {
            html.push_str(" class=\"language-");
            let _ = escape_html(&mut html, &language);
            html.push('"');
        }
        html.push('>');
        let text = code.text.strip_suffix('\n').unwrap_or(&code.text);
        match highlighter().highlight(&language, text) {
            Some(highlighted) if line_numbers => {
                for line in highlighted.split('\n') {
                    push_line(&mut html, line, true);
                }
            }
            Some(highlighted) => {
                html.push_str(&highlighted);
                html.push('\n');
            }
            None if line_numbers => {
                for line in text.split('\n') {
                    let mut escaped = String::with_capacity(line.len());
                    let _ = escape_html_body_text(&mut escaped, line);
                    push_line(&mut html, &escaped, true);
                }
            }
            None => {
                let _ = escape_html_body_text(&mut html, &code.text);
            }
        }
        html.push_str("</code></pre>\n");
        html
    }
}
