//! `$$…$$` math, as GitBook reads it: alone in its paragraph it is a display equation, inside
//! text it is inline. Rendered at build time to MathML, which browsers draw natively: no script,
//! no font from another host.

use pulldown_latex::{Parser, RenderConfig, Storage, config::DisplayMode, push_mathml};

use super::context::Context;
use super::tree::Node;

/// Marks the MathML of a `$$…$$` until its paragraph ends, when we know whether it stands alone.
const INLINE_MARK: &str = "<math display=\"inline\"";

/// `$$…$$` inside text: MathML, inline until its paragraph is known to hold nothing else.
pub fn display_math(ctx: &mut Context<'_>, latex: &str) -> String {
    ctx.has_math = true;
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
    let config = RenderConfig {
        display_mode: mode,
        annotation: Some(latex),
        ..RenderConfig::default()
    };
    let mut html = String::new();
    match push_mathml(&mut html, parser, config) {
        Ok(()) => html,
        Err(_) => {
            let mut fallback = String::from("<code class=\"math-error\">");
            let _ = pulldown_cmark_escape::escape_html(&mut fallback, latex);
            fallback.push_str("</code>");
            fallback
        }
    }
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
}
