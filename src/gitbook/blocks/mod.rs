//! GitBook's block tags (`{% hint %}` … `{% endhint %}`): a pre-pass that turns them into marker
//! lines the Markdown stage renders, with everything else left to CommonMark.
//!
//! Pipeline: [`lexer`] finds tags outside code → [`tree`] nests them, recovering from what real
//! exports get wrong → [`emit`] writes the text the Markdown parser reads, with an [`OffsetMap`]
//! back to the page. Pages without `{%` skip all of it.

mod attrs;
mod budget;
mod emit;
mod include;
mod lexer;
mod names;
mod offset_map;
mod tree;

use std::ops::Range;

pub use attrs::Attrs;
pub use emit::Expansion;
pub use include::{FsIncludes, IncludeError, IncludeSource, NoIncludes};
pub use names::BlockKind;
pub use offset_map::OffsetMap;

use crate::diagnostic::Severity;

/// The start of a marker line; the marker's index and `-->` follow.
pub const MARKER_PREFIX: &str = "<!--carnet:";

/// What a marker line stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockMarker {
    Open {
        kind: BlockKind,
        attrs: Attrs,
        /// Position among its kind in the parent (1-based for tabs), 0 when it does not matter.
        ordinal: usize,
        /// The opening tag in the body, for diagnostics about what the block refers to.
        span: Range<usize>,
    },
    Close {
        kind: BlockKind,
    },
    /// A whole `content-ref` / `page-ref` block: a card resolved against the site.
    ContentRef {
        url: String,
        /// The inner link's text, shown when the target does not resolve.
        label: String,
        /// The opening tag in the page, for diagnostics.
        span: Range<usize>,
    },
    /// `{% else %}` in adaptive content.
    Else,
    /// A run of API parameters starts / ends: a table around them.
    ParametersOpen,
    ParametersClose,
    /// An include that cannot be resolved offline.
    RemoteInclude {
        url: String,
    },
}

/// Something about a page's blocks worth telling its author, at a byte range of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockProblem {
    pub span: Range<usize>,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

/// Expands the blocks of a page body. `None` when the body has no `{%` (the common case, which
/// must stay free).
pub fn expand_blocks(
    body: &str,
    page_path: &str,
    includes: &dyn IncludeSource,
) -> Option<Expansion> {
    memchr::memmem::find(body.as_bytes(), b"{%")?;
    let tokens = lexer::lex_tags(body, &lexer::code_ranges(body));
    if tokens.is_empty() {
        return None;
    }
    let mut problems: Vec<BlockProblem> = tokens
        .iter()
        .flat_map(|t| t.problems.iter())
        .map(|p| BlockProblem {
            span: p.offset..p.offset + 1,
            severity: Severity::Warning,
            code: "gitbook-block",
            message: p.message.clone(),
        })
        .collect();
    let (nodes, tree_problems) = tree::build_tree(tokens, body.len());
    problems.extend(tree_problems.into_iter().map(|p| BlockProblem {
        span: p.span,
        severity: Severity::Warning,
        code: "gitbook-block",
        message: p.message,
    }));
    Some(emit::Emitter::new(page_path, includes).emit_page(body, &nodes, problems))
}

/// The marker index of an HTML event that is a marker line.
pub fn marker_index(html: &str) -> Option<usize> {
    html.trim()
        .strip_prefix(MARKER_PREFIX)?
        .strip_suffix("-->")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(body: &str) -> Expansion {
        expand_blocks(body, "page.md", &NoIncludes).expect("has blocks")
    }

    #[test]
    fn pages_without_tags_are_left_alone() {
        assert!(expand_blocks("# Titre\n\nTexte.\n", "p.md", &NoIncludes).is_none());
        assert!(expand_blocks("`{% hint %}`\n", "p.md", &NoIncludes).is_none());
    }

    #[test]
    fn markers_replace_tags_on_their_own_lines() {
        let body =
            "Avant\n{% hint style=\"warning\" %}\nAttention **fort**\n{% endhint %}\nAprès\n";
        let e = expand(body);
        assert_eq!(
            e.text,
            "Avant\n<!--carnet:0-->\nAttention **fort**\n<!--carnet:1-->\nAprès\n"
        );
        assert!(
            matches!(&e.markers[0], BlockMarker::Open { kind: BlockKind::Hint, attrs, .. } if attrs.get("style") == Some("warning"))
        );
        assert_eq!(
            e.markers[1],
            BlockMarker::Close {
                kind: BlockKind::Hint
            }
        );
        // "Attention" maps back to its place in the page; marker text maps to its tag.
        let out_attention = e.text.find("Attention").unwrap();
        assert_eq!(
            e.map.to_source(out_attention),
            body.find("Attention").unwrap()
        );
        assert_eq!(
            e.map.to_source(e.text.find("<!--carnet:1").unwrap()),
            body.find("{% endhint").unwrap()
        );
    }

    #[test]
    fn tags_sharing_a_line_with_text() {
        let e = expand("{% hint style=\"info\" %} Court {% endhint %}\n");
        assert_eq!(e.text, "<!--carnet:0-->\nCourt \n<!--carnet:1-->\n");
    }

    #[test]
    fn markers_stay_inside_list_items() {
        let e = expand("* Étape\n\n  {% hint %}\n  Dans la liste\n  {% endhint %}\n");
        assert_eq!(
            e.text,
            "* Étape\n\n  <!--carnet:0-->\n  Dans la liste\n  <!--carnet:1-->\n"
        );
    }

    #[test]
    fn content_ref_becomes_one_card_marker() {
        let e = expand("{% content-ref url=\"../x/\" %}\n[x](../x/)\n{% endcontent-ref %}\n");
        assert_eq!(e.markers.len(), 1);
        assert!(
            matches!(&e.markers[0], BlockMarker::ContentRef { url, label, .. } if url == "../x/" && label == "x")
        );
    }

    #[test]
    fn missing_include_is_an_error_and_remote_include_a_note() {
        let e = expand(
            "{% include \".gitbook/includes/absent.md\" %}\n{% include \"https://app.gitbook.com/s/x/~/reusable/y/\" %}\n",
        );
        let severities: Vec<_> = e.problems.iter().map(|p| (p.code, p.severity)).collect();
        assert_eq!(
            severities,
            [
                ("include-failed", Severity::Error),
                ("include-remote", Severity::Warning)
            ]
        );
        assert!(matches!(e.markers[0], BlockMarker::RemoteInclude { .. }));
    }

    #[test]
    fn updates_are_reordered_newest_first() {
        let e = expand(
            "{% updates %}\n{% update date=\"2023-01-01\" %}\nVieux\n{% endupdate %}\n{% update date=\"2024-06-01\" %}\nNeuf\n{% endupdate %}\n{% endupdates %}\n",
        );
        assert!(e.text.find("Neuf").unwrap() < e.text.find("Vieux").unwrap());
    }

    #[test]
    fn api_parameters_are_grouped() {
        let e = expand(
            "{% swagger method=\"get\" path=\"/x\" %}\n{% swagger-parameter in=\"path\" name=\"id\" %}\nId\n{% endswagger-parameter %}\n{% swagger-parameter in=\"query\" name=\"q\" %}\nQ\n{% endswagger-parameter %}\n{% endswagger %}\n",
        );
        let kinds: Vec<String> = e
            .markers
            .iter()
            .map(|m| match m {
                BlockMarker::Open { kind, .. } => kind.name().to_string(),
                BlockMarker::Close { kind } => format!("/{}", kind.name()),
                BlockMarker::ParametersOpen => "(".into(),
                BlockMarker::ParametersClose => ")".into(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "swagger",
                "(",
                "swagger-parameter",
                "/swagger-parameter",
                "swagger-parameter",
                "/swagger-parameter",
                ")",
                "/swagger"
            ]
        );
        assert_eq!(e.interactive.len(), 1);
    }

    #[test]
    fn tab_without_title_and_unknown_hint_style_are_reported() {
        let e = expand(
            "{% tabs %}\n{% tab %}\nA\n{% endtab %}\n{% endtabs %}\n{% hint style=\"tip\" %}\nB\n{% endhint %}\n",
        );
        assert_eq!(e.problems.len(), 2);
        assert!(
            matches!(&e.markers[1], BlockMarker::Open { attrs, ordinal: 1, .. } if attrs.get("title") == Some("Tab 1"))
        );
    }
}
