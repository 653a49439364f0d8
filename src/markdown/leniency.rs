//! Quirks of real Markdown that CommonMark renders other than its author meant, fixed before
//! parsing and reported so contributors can fix their sources.
//!
//! Every fix replaces bytes with the same number of bytes, so offsets into the text (and so every
//! diagnostic's line and column) stay exact.

use std::borrow::Cow;

/// What [`lenient_body`] changed, as byte offsets in the body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Leniencies {
    /// `##\u{a0}Title`: an ATX heading marker followed by a non-breaking space (typed with a
    /// French keyboard), which CommonMark reads as a paragraph starting with `##`.
    pub nbsp_headings: Vec<usize>,
}

/// The body as it should be parsed. Borrowed unchanged in the common case.
pub fn lenient_body(body: &str) -> (Cow<'_, str>, Leniencies) {
    let mut leniencies = Leniencies::default();
    if !body.contains("#\u{a0}") {
        return (Cow::Borrowed(body), leniencies);
    }
    let mut fence: Option<(char, usize)> = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if indent <= 3 {
            if let Some(marker) = fence_marker(trimmed) {
                fence = match fence {
                    None => Some(marker),
                    Some((c, n))
                        if marker.0 == c
                            && marker.1 >= n
                            && trimmed.trim_end()[marker.1..].trim().is_empty() =>
                    {
                        None
                    }
                    open => open,
                };
            } else if fence.is_none() {
                let hashes = trimmed.bytes().take_while(|b| *b == b'#').count();
                if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with('\u{a0}') {
                    leniencies.nbsp_headings.push(offset + indent + hashes);
                }
            }
        }
        offset += line.len();
    }
    if leniencies.nbsp_headings.is_empty() {
        return (Cow::Borrowed(body), leniencies);
    }
    let mut bytes = body.as_bytes().to_vec();
    for &at in &leniencies.nbsp_headings {
        // U+00A0 is two bytes in UTF-8; two spaces keep every later offset in place.
        bytes[at] = b' ';
        bytes[at + 1] = b' ';
    }
    let fixed = String::from_utf8(bytes).unwrap_or_else(|_| body.to_string());
    (Cow::Owned(fixed), leniencies)
}

/// The fence character and run length when `line` opens or closes a fenced code block.
fn fence_marker(line: &str) -> Option<(char, usize)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nbsp_after_hashes_becomes_spaces_of_the_same_length() {
        let body = "##\u{a0}Amazon S3\n\ntext #\u{a0}not a heading\n";
        let (fixed, found) = lenient_body(body);
        assert_eq!(fixed.len(), body.len());
        assert!(fixed.starts_with("##  Amazon S3\n"));
        assert_eq!(found.nbsp_headings, [2]);
        assert!(fixed.contains("text #\u{a0}not"));
    }

    #[test]
    fn code_fences_are_left_alone() {
        let body = "```md\n##\u{a0}in code\n```\n##\u{a0}after\n";
        let (fixed, found) = lenient_body(body);
        assert!(fixed.contains("##\u{a0}in code"));
        assert_eq!(found.nbsp_headings.len(), 1);
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(lenient_body("## Title\n").0, Cow::Borrowed(_)));
    }
}
