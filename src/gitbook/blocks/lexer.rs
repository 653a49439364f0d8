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
/// Each question is a binary search in positions found once, so a page of 20,000 tags costs
/// 20,000 searches, not 20,000 scans of the page.
fn any_tag_may_be_in_code(text: &str) -> bool {
    let fences = fence_regions(text);
    let bytes = text.as_bytes();
    let breaks: Vec<usize> = memchr::memmem::find_iter(bytes, b"\n\n").collect();
    let backticks: Vec<usize> = memchr::memchr_iter(b'`', bytes).collect();
    let (mut line_start, mut scanned) = (0, 0);
    memchr::memmem::find_iter(bytes, b"{%").any(|at| {
        if let Some(newline) = memchr::memrchr(b'\n', &bytes[scanned..at]) {
            line_start = scanned + newline + 1;
        }
        scanned = at;
        let indent = bytes[line_start..at]
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        indent >= 4
            || bytes[line_start..line_start + indent].contains(&b'\t')
            || in_regions(&fences, at)
            || in_backticks(&breaks, &backticks, text.len(), at)
    })
}

/// Whether `at` is in one of the sorted, non-overlapping `regions`.
fn in_regions(regions: &[Range<usize>], at: usize) -> bool {
    let after = regions.partition_point(|r| r.start <= at);
    after > 0 && regions[after - 1].contains(&at)
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
/// holding `at` needs both, and cannot cross a blank line. `breaks` (offsets of `\n\n`) and
/// `backticks` are sorted; `len` is the text's length.
fn in_backticks(breaks: &[usize], backticks: &[usize], len: usize, at: usize) -> bool {
    let next_break = breaks.partition_point(|b| *b < at);
    let start = next_break.checked_sub(1).map_or(0, |i| breaks[i] + 2);
    let end = breaks.get(next_break).copied().unwrap_or(len);
    let first_after = backticks.partition_point(|b| *b < at);
    let before = first_after > 0 && backticks[first_after - 1] >= start;
    let after = backticks.get(first_after).is_some_and(|b| *b < end);
    before && after
}

/// Every tag of `text` that is not inside one of the sorted, non-overlapping `code` ranges.
pub fn lex_tags(text: &str, code: &[Range<usize>]) -> Vec<TagToken> {
    let mut tokens = Vec::new();
    let mut code_iter = code.iter().peekable();
    let mut resume = 0;
    // The next line end and the next `%}` are found once and reused by every `{%` before them:
    // a line of 100,000 `{%` is read once, not once per `{%`.
    let mut line_end = 0;
    let mut next_close = 0;
    let bytes = text.as_bytes();
    for start in memchr::memmem::find_iter(bytes, b"{%") {
        if start < resume || is_escaped(text, start) {
            continue;
        }
        while code_iter.peek().is_some_and(|r| r.end <= start) {
            code_iter.next();
        }
        if code_iter.peek().is_some_and(|r| r.start <= start) {
            continue;
        }
        if line_end <= start {
            line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(text.len(), |i| start + i);
        }
        if next_close < start + 2 {
            next_close = memchr::memmem::find(&bytes[start + 2..], b"%}")
                .map_or(text.len(), |i| start + 2 + i);
        }
        if next_close >= line_end {
            continue;
        }
        let close = next_close;
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
