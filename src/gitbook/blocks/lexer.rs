//! Finding the `{% … %}` tags of a page.
//!
//! A tag inside fenced code, indented code or a code span is literal text, and CommonMark alone
//! knows exactly where code is (a fence inside a list, an indented line that is a list
//! continuation…). So the code ranges come from pulldown-cmark itself, in a pass that only runs on
//! pages that contain `{%` at all. `\{% … %\}` is GitBook's escape: literal, and CommonMark turns
//! `\{` and `\}` back into the braces when the page is rendered.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::attrs::{AttrProblem, Attrs, parse_attrs};
use super::names::{TagRole, classify};

/// One `{% … %}` found outside code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagToken {
    /// The whole tag, braces included, as a byte range of the text.
    pub span: Range<usize>,
    /// The name as written (`content-ref`, `formId`-style case kept).
    pub name: String,
    pub role: TagRole,
    pub attrs: Attrs,
    /// Problems in the arguments, with offsets in the text.
    pub problems: Vec<AttrProblem>,
}

/// Byte ranges of code (code blocks and code spans) in Markdown `text`.
pub fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in
        Parser::new_ext(text, crate::markdown::markdown_options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// Every tag of `text` that is not inside one of the sorted, non-overlapping `code` ranges.
pub fn lex_tags(text: &str, code: &[Range<usize>]) -> Vec<TagToken> {
    let mut tokens = Vec::new();
    let mut code_iter = code.iter().peekable();
    let mut resume = 0;
    for start in memchr::memmem::find_iter(text.as_bytes(), b"{%") {
        if start < resume || is_escaped(text, start) {
            continue;
        }
        while code_iter.peek().is_some_and(|r| r.end <= start) {
            code_iter.next();
        }
        if code_iter.peek().is_some_and(|r| r.start <= start) {
            continue;
        }
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let Some(close) = text[start + 2..line_end].find("%}").map(|i| start + 2 + i) else {
            continue;
        };
        let span = start..close + 2;
        resume = span.end;
        tokens.push(token(text, span));
    }
    tokens
}

fn token(text: &str, span: Range<usize>) -> TagToken {
    let inner_start = span.start + 2;
    let inner = &text[inner_start..span.end - 2];
    // Jinja's whitespace control (`{%- … -%}`) only appears in foreign templates.
    let trimmed_start = inner.trim_start_matches(['-', ' ', '\t']);
    let lead = inner.len() - trimmed_start.len();
    let body = trimmed_start.trim_end_matches(['-', ' ', '\t']);
    let name_end = body
        .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .unwrap_or(body.len());
    let name = &body[..name_end];
    let args = &body[name_end..];
    let args_offset = inner_start + lead + name_end;
    let (attrs, problems) = parse_attrs(args);
    TagToken {
        name: name.to_string(),
        role: classify(name, args),
        attrs,
        problems: problems
            .into_iter()
            .map(|p| AttrProblem {
                offset: args_offset + p.offset,
                message: p.message,
            })
            .collect(),
        span,
    }
}

/// An odd number of backslashes before `at` escapes it.
fn is_escaped(text: &str, at: usize) -> bool {
    text.as_bytes()[..at]
        .iter()
        .rev()
        .take_while(|b| **b == b'\\')
        .count()
        % 2
        == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gitbook::blocks::names::BlockKind;

    fn names(text: &str) -> Vec<String> {
        lex_tags(text, &code_ranges(text))
            .into_iter()
            .map(|t| t.name)
            .collect()
    }

    #[test]
    fn tags_on_their_own_line_and_sharing_a_line() {
        let text = "{% hint style=\"info\" %}\nTexte\n{% endhint %}\n\n{% hint style=\"info\" %} Court {% endhint %}\n";
        assert_eq!(names(text), ["hint", "endhint", "hint", "endhint"]);
        let tokens = lex_tags(text, &[]);
        assert_eq!(&text[tokens[0].span.clone()], "{% hint style=\"info\" %}");
        assert_eq!(tokens[0].role, TagRole::Open(BlockKind::Hint));
        assert_eq!(tokens[0].attrs.get("style"), Some("info"));
    }

    #[test]
    fn tags_in_code_are_literal() {
        let text = "```liquid\n{% hint %}\n```\n\n    {% tabs %}\n\nUn `{% code %}` en ligne.\n\n{% embed url=\"x\" %}\n";
        assert_eq!(names(text), ["embed"]);
    }

    #[test]
    fn a_fence_inside_a_list_is_code_too() {
        let text = "* Étape\n\n  ```\n  {% hint %}\n  ```\n";
        assert!(names(text).is_empty());
    }

    #[test]
    fn gitbook_escape_is_literal() {
        assert!(names("Écrire \\{% hint %\\} pour un encadré.\n").is_empty());
        assert_eq!(names("\\\\{% hint %}x{% endhint %}\n"), ["hint", "endhint"]);
    }

    #[test]
    fn unterminated_tag_is_not_a_tag() {
        assert!(names("{% hint style=\"info\"\n%}\n").is_empty());
    }

    #[test]
    fn argument_problems_point_into_the_text() {
        let text = "x {% embed url=\"https://a.b %}\n";
        let tokens = lex_tags(text, &[]);
        assert_eq!(tokens[0].attrs.get("url"), Some("https://a.b"));
        assert_eq!(&text[tokens[0].problems[0].offset..][..1], "\"");
    }
}
