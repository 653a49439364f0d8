//! Finding the `{% … %}` tags of a page.
//!
//! A tag inside fenced code, indented code or a code span is literal text, and CommonMark alone
//! knows exactly where code is (a fence inside a list, an indented line that is a list
//! continuation…). So the code ranges come from pulldown-cmark itself, in a pass that only runs on
//! pages that contain `{%` at all. `\{% … %\}` is GitBook's escape: literal, and CommonMark turns
//! `\{` and `\}` back into the braces when the page is rendered.

use std::ops::Range;

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

/// Byte ranges of code (code blocks and code spans) in Markdown `text`, from CommonMark itself.
/// Skipped (empty) when a cheap scan proves no `{%` can be inside code, which is the case of
/// most GitBook pages: the parse it saves is a fifth of a GitBook corpus's build.
pub fn code_ranges(text: &str) -> Vec<Range<usize>> {
    if !any_tag_may_be_in_code(text) {
        return Vec::new();
    }

    crate::commonmark::code_ranges(text)
}

/// Whether some `{%` of `text` could be code, erring on the side of yes: it is inside or after
/// a fence line (any indentation), on an indented line, or in a paragraph holding a backtick.
fn any_tag_may_be_in_code(text: &str) -> bool {
    let fences = fence_regions(text);
    memchr::memmem::find_iter(text.as_bytes(), b"{%").any(|at| {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let indent = text[line_start..at]
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
        indent >= 4
            || text.as_bytes()[line_start..line_start + indent].contains(&b'\t')
            || fences.iter().any(|r| r.contains(&at))
            || in_backticks(text, at)
    })
}

/// Stretches between fence lines (``` or ~~~ at any indentation), an unclosed one running to
/// the end: a superset of fenced code.
fn fence_regions(text: &str) -> Vec<Range<usize>> {
    let mut regions = Vec::new();
    let mut open: Option<(u8, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t', '>']);
        let fence = trimmed.bytes().next().filter(|b| *b == b'`' || *b == b'~');
        if let Some(c) = fence
            && trimmed.bytes().take_while(|b| *b == c).count() >= 3
        {
            match open {
                Some((open_char, start)) if open_char == c => {
                    regions.push(start..offset + line.len());
                    open = None;
                }
                Some(_) => {}
                None => open = Some((c, offset)),
            }
        }
        offset += line.len();
    }
    if let Some((_, start)) = open {
        regions.push(start..text.len());
    }
    regions
}

/// Whether the paragraph around `at` has a backtick both before and after it: a code span
/// holding `at` needs both, and cannot cross a blank line.
fn in_backticks(text: &str, at: usize) -> bool {
    let start = text[..at].rfind("\n\n").map_or(0, |i| i + 2);
    let end = text[at..].find("\n\n").map_or(text.len(), |i| at + i);
    text[start..at].contains('`') && text[at..end].contains('`')
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
    fn plain_gitbook_pages_skip_the_code_parse() {
        assert!(!any_tag_may_be_in_code(
            "# T\n\n{% hint %}\nTexte\n{% endhint %}\n\n```\ncode\n```\n"
        ));
        assert!(any_tag_may_be_in_code("```\n{% hint %}\n```\n"));
        assert!(any_tag_may_be_in_code("Un `{% x %}` ici.\n"));
        assert!(any_tag_may_be_in_code("Texte\n\n    {% x %}\n"));
        assert!(any_tag_may_be_in_code("* a\n\n  ~~~\n  {% x %}\n"));
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
