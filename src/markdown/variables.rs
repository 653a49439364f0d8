//! GitBook's variables: `<code class="expression">space.vars.NAME</code>` shows the value
//! `.gitbook/vars.yaml` gives NAME, or the expression itself, as code, when it gives none.

use std::collections::BTreeMap;

use pulldown_cmark::Event;

use super::context::Context;
use super::tree::Node;
use crate::html::first_start_tag;

/// The expression whose opening tag is the inline HTML at `nodes[at]`: it and the nodes up to
/// its `</code>` become the variable's value. `false` when the tag opens no expression.
pub fn expression(ctx: &mut Context<'_>, nodes: &mut Vec<Node<'_>>, at: usize) -> bool {
    let Node::Html { html, .. } = &nodes[at] else {
        return false;
    };
    if !is_expression_start(html) {
        return false;
    }
    let end = nodes[at + 1..].iter().position(
        |n| matches!(n, Node::Html { html, .. } if html.trim().eq_ignore_ascii_case("</code>")),
    );
    let Some(end) = end.map(|i| at + 1 + i) else {
        // No `</code>`: not an expression after all, the tag is written as it is.
        return false;
    };
    let expression: String = nodes
        .drain(at + 1..=end)
        .filter_map(|node| match node {
            Node::Leaf(Event::Text(text)) => Some(text.to_string()),
            _ => None,
        })
        .collect();
    nodes[at] = match value(ctx.settings.vars, &expression) {
        Some(value) => {
            ctx.text.text(value);
            Node::Leaf(Event::Text(value.to_string().into()))
        }
        None => Node::Leaf(Event::Code(expression.into())),
    };
    true
}

/// The value `.gitbook/vars.yaml` gives the expression `space.vars.NAME` (or `vars.NAME`).
pub(super) fn value<'v>(vars: &'v BTreeMap<String, String>, expression: &str) -> Option<&'v str> {
    let name = expression
        .trim()
        .trim_start_matches("space.vars.")
        .trim_start_matches("vars.");
    vars.get(name).map(String::as_str)
}

/// `<code class="expression">`: GitBook's variable expression.
pub(super) fn is_expression_start(html: &str) -> bool {
    first_start_tag(html).is_some_and(|tag| {
        tag.name == "code"
            && tag
                .attr("class")
                .is_some_and(|c| c.split_whitespace().any(|c| c == "expression"))
    })
}
