//! Code blocks: escaped (syntax highlighting plugs in here), with GitBook's `code` block options
//! (line numbers), and Mermaid diagrams kept as readable source for the theme to draw.

use pulldown_cmark::{CodeBlockKind, Event};
use pulldown_cmark_escape::{escape_html, escape_html_body_text};

use super::context::Context;
use super::tree::Node;
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

/// The markup of a code block (`kind` says its language), from its text `children`.
pub fn code_block(
    ctx: &mut Context<'_>,
    kind: &CodeBlockKind<'_>,
    children: &[Node<'_>],
) -> String {
    let language = match kind {
        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
        CodeBlockKind::Indented => String::new(),
    };
    let mut text = String::new();
    for child in children {
        if let Node::Leaf(Event::Text(t)) = child {
            text.push_str(t);
        }
    }
    if !language.eq_ignore_ascii_case("mermaid") {
        ctx.text.apart(&text);
    }
    let line_numbers = ctx
        .blocks
        .innermost()
        .is_some_and(|b| b.kind == BlockKind::Code && b.attrs.flag("lineNumbers"));
    if language.eq_ignore_ascii_case("mermaid") {
        ctx.has_mermaid = true;
    }
    html(&language, &text, line_numbers)
}

fn html(language: &str, code: &str, line_numbers: bool) -> String {
    let language = language.to_ascii_lowercase();
    if language == "mermaid" {
        let mut html = String::from("<pre class=\"mermaid\">");
        let _ = escape_html(&mut html, code);
        html.push_str("</pre>\n");
        return html;
    }
    let mut html = String::from("<pre><code");
    if !language.is_empty() {
        html.push_str(" class=\"language-");
        let _ = escape_html(&mut html, &language);
        html.push('"');
    }
    html.push('>');
    let text = code.strip_suffix('\n').unwrap_or(code);
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
            let _ = escape_html_body_text(&mut html, code);
        }
    }
    html.push_str("</code></pre>\n");
    html
}
