//! From a flat list of tags to a tree of blocks with Markdown leaves, recovering from what real
//! exports contain: unclosed blocks (closed at the end of the page), mis-nested ends (the inner
//! blocks are closed first), `embed` and `file` without their usual end tag, stray end tags.
//! Every recovery is reported; none loses text.

use std::ops::Range;

use super::attrs::Attrs;
use super::lexer::TagToken;
use super::names::{BlockKind, TagRole};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// Markdown text: a byte range of the page.
    Text(Range<usize>),
    Block(Block),
    /// `{% else %}` inside adaptive content.
    Else(Range<usize>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub attrs: Attrs,
    /// The opening tag.
    pub open: Range<usize>,
    /// The end tag, when there is one.
    pub close: Option<Range<usize>>,
    pub children: Vec<Node>,
}

/// Something the tree builder had to work around, at a byte range of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeProblem {
    pub span: Range<usize>,
    pub message: String,
}

/// How deep blocks may nest. Real exports nest three or four deep; the limit keeps pathological
/// input from exhausting the stack of everything that walks the tree.
pub const MAX_DEPTH: usize = 32;

/// Builds the tree of `text` (of length `len`) from its tags.
pub fn build_tree(tokens: Vec<TagToken>, len: usize) -> (Vec<Node>, Vec<TreeProblem>) {
    let mut builder = TreeBuilder::default();
    let mut cursor = 0;
    for token in tokens {
        builder.text(cursor..token.span.start);
        cursor = token.span.end;
        builder.token(token);
    }
    builder.text(cursor..len);
    builder.finish()
}

#[derive(Default)]
struct TreeBuilder {
    root: Vec<Node>,
    open: Vec<Block>,
    problems: Vec<TreeProblem>,
}

impl TreeBuilder {
    fn container(&mut self) -> &mut Vec<Node> {
        match self.open.last_mut() {
            Some(block) => &mut block.children,
            None => &mut self.root,
        }
    }

    fn text(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let container = self.container();
        if let Some(Node::Text(last)) = container.last_mut()
            && last.end == range.start
        {
            last.end = range.end;
            return;
        }
        container.push(Node::Text(range));
    }

    fn token(&mut self, token: TagToken) {
        let span = token.span.clone();
        match token.role {
            TagRole::Foreign => self.text(span),
            TagRole::Unknown => {
                let message = format!(
                    "`{{% {} %}}` is not a GitBook block; it is left out of the page",
                    token.name
                );
                self.problem(span, message);
            }
            TagRole::AdaptiveElse => match self.open.last() {
                Some(block) if block.kind == BlockKind::AdaptiveIf => {
                    self.container().push(Node::Else(span))
                }
                _ => self.text(span),
            },
            TagRole::AdaptiveEnd => {
                if self.open.iter().any(|b| b.kind == BlockKind::AdaptiveIf) {
                    self.close(BlockKind::AdaptiveIf, span, &token.name);
                } else {
                    self.text(span);
                }
            }
            TagRole::Open(_) if self.open.len() >= MAX_DEPTH => {
                let message = format!(
                    "blocks are nested more than {MAX_DEPTH} deep; this `{{% {} %}}` is left out",
                    token.name
                );
                self.problem(span, message);
            }
            TagRole::Open(kind) => {
                let block = Block {
                    kind,
                    attrs: token.attrs,
                    open: span,
                    close: None,
                    children: Vec::new(),
                };
                if block.kind.is_void() || block.kind.end_is_optional() {
                    self.container().push(Node::Block(block));
                } else {
                    self.open.push(block);
                }
            }
            TagRole::Close(kind) => self.close(kind, span, &token.name),
        }
    }

    fn close(&mut self, kind: BlockKind, span: Range<usize>, written: &str) {
        if let Some(position) = self.open.iter().rposition(|b| b.kind == kind) {
            while self.open.len() > position + 1 {
                let inner = self
                    .open
                    .last()
                    .map(|b| (b.kind.name().to_string(), b.open.clone()));
                if let Some((name, open)) = inner {
                    let message = format!(
                        "`{{% {name} %}}` is still open at `{{% {written} %}}`; it is closed here (expected `{{% end{name} %}}` first)"
                    );
                    self.problems.push(TreeProblem {
                        span: open,
                        message,
                    });
                    self.attach_top(None);
                }
            }
            self.attach_top(Some(span));
            return;
        }
        if kind.end_is_optional() && self.adopt_into_void(&kind, span.clone()) {
            return;
        }
        let message = format!(
            "`{{% {written} %}}` has no matching `{{% {} %}}`; it is ignored",
            kind.name()
        );
        self.problem(span, message);
    }

    /// Pops the innermost open block into its parent.
    fn attach_top(&mut self, close: Option<Range<usize>>) {
        if let Some(mut block) = self.open.pop() {
            block.close = close;
            self.container().push(Node::Block(block));
        }
    }

    /// `{% embed %}` caption `{% endembed %}`: the embed was taken as void when it opened; what
    /// follows it up to here becomes its content.
    fn adopt_into_void(&mut self, kind: &BlockKind, span: Range<usize>) -> bool {
        let container = self.container();
        let Some(index) = container
            .iter()
            .rposition(|n| matches!(n, Node::Block(b) if &b.kind == kind && b.close.is_none()))
        else {
            return false;
        };
        let adopted: Vec<Node> = container.drain(index + 1..).collect();
        if let Some(Node::Block(block)) = container.get_mut(index) {
            block.children = adopted;
            block.close = Some(span);
        }
        true
    }

    fn problem(&mut self, span: Range<usize>, message: String) {
        self.problems.push(TreeProblem { span, message });
    }

    fn finish(mut self) -> (Vec<Node>, Vec<TreeProblem>) {
        while let Some(block) = self.open.last() {
            let name = block.kind.name().to_string();
            let message = format!(
                "`{{% {name} %}}` is never closed (expected `{{% end{name} %}}`); it ends with the page"
            );
            self.problems.push(TreeProblem {
                span: block.open.clone(),
                message,
            });
            self.attach_top(None);
        }
        (self.root, self.problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gitbook::blocks::lexer::lex_tags;

    fn tree(text: &str) -> (Vec<Node>, Vec<TreeProblem>) {
        build_tree(lex_tags(text, &[]), text.len())
    }

    fn block(node: &Node) -> &Block {
        match node {
            Node::Block(b) => b,
            other => panic!("block expected, got {other:?}"),
        }
    }

    #[test]
    fn absurd_nesting_is_capped() {
        let text = "{% hint %}".repeat(10_000);
        let (nodes, problems) = tree(&text);
        let mut depth = 0;
        let mut node = nodes.first();
        while let Some(Node::Block(b)) = node {
            depth += 1;
            node = b.children.first();
        }
        assert_eq!(depth, MAX_DEPTH);
        assert!(problems.len() > 9_000);
    }

    #[test]
    fn nesting() {
        let text =
            "{% tabs %}{% tab title=\"A\" %}{% hint %}x{% endhint %}{% endtab %}{% endtabs %}";
        let (nodes, problems) = tree(text);
        assert!(problems.is_empty(), "{problems:?}");
        let tabs = block(&nodes[0]);
        let tab = block(&tabs.children[0]);
        assert_eq!(tab.attrs.get("title"), Some("A"));
        let hint = block(&tab.children[0]);
        assert_eq!(hint.children, [Node::Text(39..40)]);
    }

    #[test]
    fn unclosed_blocks_end_with_the_page() {
        let (nodes, problems) = tree("{% hint %}\ntexte\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("never closed"));
        assert_eq!(block(&nodes[0]).children.len(), 1);
    }

    #[test]
    fn mis_nested_end_closes_the_inner_block_first() {
        let (nodes, problems) = tree("{% tabs %}{% tab %}a{% endtabs %}b");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("`{% tab %}` is still open"));
        let tabs = block(&nodes[0]);
        assert!(tabs.close.is_some());
        assert_eq!(block(&tabs.children[0]).close, None);
        assert_eq!(nodes[1], Node::Text(33..34));
    }

    #[test]
    fn embed_without_end_is_void_and_with_end_takes_its_caption() {
        let (nodes, problems) =
            tree("{% embed url=\"a\" %}\n\n{% embed url=\"b\" %}\nLégende\n{% endembed %}\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(block(&nodes[0]).children.is_empty());
        let second = block(&nodes[2]);
        assert_eq!(second.attrs.get("url"), Some("b"));
        assert_eq!(second.children.len(), 1);
    }

    #[test]
    fn stray_end_and_unknown_tags_are_reported_and_left_out() {
        let (nodes, problems) = tree("a {% endhint %} b {% hints %} c");
        assert_eq!(problems.len(), 2);
        assert_eq!(
            nodes,
            [Node::Text(0..2), Node::Text(15..18), Node::Text(29..31)]
        );
    }

    #[test]
    fn adaptive_content_branches_and_liquid_stays_text() {
        let (nodes, problems) =
            tree("{% if visitor.claims.beta %}A{% else %}B{% endif %} {% if x %}C{% endif %}");
        assert!(problems.is_empty());
        let adaptive = block(&nodes[0]);
        assert_eq!(adaptive.kind, BlockKind::AdaptiveIf);
        assert!(matches!(adaptive.children[1], Node::Else(_)));
        assert!(matches!(nodes[1], Node::Text(_)));
        assert_eq!(nodes.len(), 2);
    }
}
