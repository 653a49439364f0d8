//! `$$…$$` math, as GitBook reads it: alone in its paragraph it is a display equation, inside
//! text it is inline. Rendered at build time to MathML, which browsers draw natively: no script,
//! no font from another host.

use pulldown_latex::{Parser, RenderConfig, Storage, config::DisplayMode, push_mathml};

use super::context::Context;
use super::tree::Node;
use crate::limits::{MAX_MATH_DEPTH, math_too_deep};

/// Marks the MathML of a `$$…$$` until its paragraph ends, when we know whether it stands alone.
const INLINE_MARK: &str = "<math display=\"inline\"";

/// `$$…$$` inside text: MathML, inline until its paragraph is known to hold nothing else.
/// A formula nested past [`MAX_MATH_DEPTH`] is not parsed (the parser recurses): its source is
/// shown, and a warning says so at `start` (in the parsed text).
pub fn display_math(ctx: &mut Context<'_>, latex: &str, start: usize) -> String {
    ctx.has_math = true;
    if math_too_deep(latex) {
        let span = ctx.refs.page_span(&(start..start + 1));
        let message = format!(
            "this formula nests groups more than {MAX_MATH_DEPTH} deep, carnet's limit; its source is shown instead"
        );
        ctx.refs.problem(span, "limit-exceeded", message);
        return source_as_code(latex);
    }
    mathml(latex, DisplayMode::Inline)
}

/// A paragraph that holds nothing but one `$$…$$` (its `children`, transformed) is a display
/// equation, outside any `<p>`: its markup, or `None` for any other paragraph.
pub fn lone_display_math(children: &[Node<'_>]) -> Option<String> {
    let [Node::Output(html)] = children else {
        return None;
    };
    if !html.starts_with(INLINE_MARK) {
        return None;
    }
    let display = html.replacen(INLINE_MARK, "<math display=\"block\"", 1);
    Some(format!("<div class=\"math-display\">{display}</div>\n"))
}

fn mathml(latex: &str, mode: DisplayMode) -> String {
    let storage = Storage::new();
    let parser = Parser::new(latex, &storage);
    // The source is kept for copy and assistive tools; pulldown-latex writes it as given, so it
    // goes in escaped (`a<b` would open a tag, `</annotation>` would close the element).
    let mut annotation = String::with_capacity(latex.len());
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut annotation, latex);
    let config = RenderConfig {
        display_mode: mode,
        annotation: Some(&annotation),
        ..RenderConfig::default()
    };
    let mut html = String::new();
    match push_mathml(&mut html, parser, config) {
        Ok(()) => html,
        Err(_) => source_as_code(latex),
    }
}

/// A formula that is not rendered: its source, as code.
fn source_as_code(latex: &str) -> String {
    let mut html = String::from("<code class=\"math-error\">");
    let _ = pulldown_cmark_escape::escape_html(&mut html, latex);
    html.push_str("</code>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_becomes_mathml_with_its_source() {
        let html = mathml("x^2", DisplayMode::Inline);
        assert!(html.starts_with(INLINE_MARK), "{html}");
        assert!(html.contains("<msup>"), "{html}");
        assert!(html.contains("x^2"), "source kept as annotation: {html}");
    }

    #[test]
    fn the_source_kept_as_annotation_is_escaped() {
        let html = mathml("a<b", DisplayMode::Inline);
        assert!(html.contains(">a&lt;b</annotation>"), "{html}");
        let html = mathml(r"\text{</annotation><img onerror=x>}", DisplayMode::Inline);
        assert!(!html.contains("<img"), "{html}");
        assert_eq!(html.matches("</annotation>").count(), 1, "{html}");
    }
}
