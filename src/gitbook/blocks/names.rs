//! Which `{% name %}` are GitBook's, and what each is.
//!
//! Only GitBook's own names are tags. Liquid and Jinja in code samples and prose
//! (`{% if customer.total > 100 %}`, `{% for x in y %}`) stay literal text, silently; any other
//! unknown name stays literal too but is reported, since it is usually a typo of a GitBook tag.

/// The kinds of block GitBook writes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Hint,
    Tabs,
    Tab,
    ContentRef,
    /// The legacy `{% page-ref page="…" %}`: a content-ref without end tag.
    PageRef,
    Embed,
    Code,
    File,
    Include,
    Stepper,
    Step,
    Columns,
    Column,
    Updates,
    Update,
    Prompt,
    /// `swagger`, `openapi`, `api-method` and their parts (`swagger-parameter`,
    /// `api-method-summary`, …): the name as written, lower case.
    Api(String),
    /// `@vendor/block` integrations: the name without `@`.
    Integration(String),
    /// Adaptive content: `{% if visitor.… %}`.
    AdaptiveIf,
}

impl BlockKind {
    /// The name GitBook writes (for messages and CSS classes).
    pub fn name(&self) -> &str {
        match self {
            BlockKind::Hint => "hint",
            BlockKind::Tabs => "tabs",
            BlockKind::Tab => "tab",
            BlockKind::ContentRef => "content-ref",
            BlockKind::PageRef => "page-ref",
            BlockKind::Embed => "embed",
            BlockKind::Code => "code",
            BlockKind::File => "file",
            BlockKind::Include => "include",
            BlockKind::Stepper => "stepper",
            BlockKind::Step => "step",
            BlockKind::Columns => "columns",
            BlockKind::Column => "column",
            BlockKind::Updates => "updates",
            BlockKind::Update => "update",
            BlockKind::Prompt => "prompt",
            BlockKind::Api(name) | BlockKind::Integration(name) => name,
            BlockKind::AdaptiveIf => "if",
        }
    }

    /// Blocks whose end tag GitBook often leaves out: without one, they end where they start.
    pub fn end_is_optional(&self) -> bool {
        matches!(self, BlockKind::Embed | BlockKind::File)
    }

    /// Blocks that never have an end tag.
    pub fn is_void(&self) -> bool {
        matches!(
            self,
            BlockKind::Include | BlockKind::PageRef | BlockKind::Integration(_)
        )
    }

    /// Blocks a static site can only show without their interactive part.
    pub fn is_interactive(&self) -> bool {
        match self {
            BlockKind::Api(name) => {
                matches!(name.as_str(), "swagger" | "openapi" | "api-method")
                    || name.starts_with("openapi-")
            }
            BlockKind::Integration(_) | BlockKind::AdaptiveIf => true,
            _ => false,
        }
    }
}

/// What a `{% … %}` is, from its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagRole {
    Open(BlockKind),
    Close(BlockKind),
    /// `else` / `elif` inside adaptive content.
    AdaptiveElse,
    /// `endif` of adaptive content.
    AdaptiveEnd,
    /// A Liquid/Jinja keyword: literal text, nothing to report.
    Foreign,
    /// Not a name anyone writes: literal text, reported.
    Unknown,
}

const LIQUID: &[&str] = &[
    "assign",
    "block",
    "break",
    "capture",
    "case",
    "comment",
    "continue",
    "cycle",
    "decrement",
    "else",
    "elif",
    "elsif",
    "endblock",
    "endcapture",
    "endcase",
    "endcomment",
    "endfor",
    "endif",
    "endmacro",
    "endraw",
    "endset",
    "endunless",
    "endwith",
    "extends",
    "filter",
    "for",
    "from",
    "if",
    "import",
    "increment",
    "liquid",
    "macro",
    "raw",
    "render",
    "set",
    "tablerow",
    "endtablerow",
    "unless",
    "when",
    "with",
    "endfilter",
    "call",
    "endcall",
    "do",
    "echo",
];

/// Classifies a tag by its name (as written) and its arguments.
pub fn classify(name: &str, args: &str) -> TagRole {
    let lower = name.to_ascii_lowercase();
    if let Some(integration) = lower.strip_prefix('@') {
        return if integration.is_empty() {
            TagRole::Unknown
        } else {
            TagRole::Open(BlockKind::Integration(integration.to_string()))
        };
    }
    if lower == "if" && is_adaptive_condition(args) {
        return TagRole::Open(BlockKind::AdaptiveIf);
    }
    match lower.as_str() {
        "else" | "elif" | "elsif" => return TagRole::AdaptiveElse,
        "endif" => return TagRole::AdaptiveEnd,
        _ => {}
    }
    if let Some(kind) = block_kind(&lower) {
        return TagRole::Open(kind);
    }
    if let Some(kind) = lower.strip_prefix("end").and_then(block_kind) {
        return TagRole::Close(kind);
    }
    if LIQUID.contains(&lower.as_str()) {
        TagRole::Foreign
    } else {
        TagRole::Unknown
    }
}

fn block_kind(lower: &str) -> Option<BlockKind> {
    Some(match lower {
        "hint" => BlockKind::Hint,
        "tabs" => BlockKind::Tabs,
        "tab" => BlockKind::Tab,
        "content-ref" => BlockKind::ContentRef,
        "page-ref" => BlockKind::PageRef,
        "embed" => BlockKind::Embed,
        "code" => BlockKind::Code,
        "file" => BlockKind::File,
        "include" => BlockKind::Include,
        "stepper" => BlockKind::Stepper,
        "step" => BlockKind::Step,
        "columns" => BlockKind::Columns,
        "column" => BlockKind::Column,
        "updates" => BlockKind::Updates,
        "update" => BlockKind::Update,
        "prompt" => BlockKind::Prompt,
        _ if is_api_name(lower) => BlockKind::Api(lower.to_string()),
        _ => return None,
    })
}

fn is_api_name(lower: &str) -> bool {
    ["swagger", "openapi", "api-method"].iter().any(|base| {
        lower == *base
            || lower
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('-'))
    })
}

/// GitBook's adaptive content tests visitor claims (`visitor.claims.unsigned.beta`), or nothing
/// at all (`{% if  %}`, a condition left empty in GitBook's editor: the content is shown);
/// anything else after `if` is Liquid or Jinja in a code sample or in prose.
fn is_adaptive_condition(args: &str) -> bool {
    args.trim().is_empty() || args.contains("visitor.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitbook_names_and_their_end_tags() {
        assert_eq!(classify("hint", ""), TagRole::Open(BlockKind::Hint));
        assert_eq!(classify("endhint", ""), TagRole::Close(BlockKind::Hint));
        assert_eq!(classify("page-ref", ""), TagRole::Open(BlockKind::PageRef));
        assert_eq!(
            classify("endcontent-ref", ""),
            TagRole::Close(BlockKind::ContentRef)
        );
        assert_eq!(
            classify("swagger-parameter", ""),
            TagRole::Open(BlockKind::Api("swagger-parameter".into()))
        );
        assert_eq!(
            classify("endapi-method-summary", ""),
            TagRole::Close(BlockKind::Api("api-method-summary".into()))
        );
        assert_eq!(
            classify("openapi-operation", ""),
            TagRole::Open(BlockKind::Api("openapi-operation".into()))
        );
        assert_eq!(
            classify("@marketo/form", ""),
            TagRole::Open(BlockKind::Integration("marketo/form".into()))
        );
        assert_eq!(classify("Hint", ""), TagRole::Open(BlockKind::Hint));
    }

    #[test]
    fn liquid_stays_literal_and_adaptive_if_is_recognised() {
        assert_eq!(
            classify("if", "customer.total_spent > 100"),
            TagRole::Foreign
        );
        assert_eq!(classify("for", "x in y"), TagRole::Foreign);
        assert_eq!(
            classify("if", "visitor.claims.unsigned.beta == true"),
            TagRole::Open(BlockKind::AdaptiveIf)
        );
        assert_eq!(classify("if", "  "), TagRole::Open(BlockKind::AdaptiveIf));
        assert_eq!(classify("hints", ""), TagRole::Unknown);
        assert_eq!(classify("swaggerish", ""), TagRole::Unknown);
    }
}
