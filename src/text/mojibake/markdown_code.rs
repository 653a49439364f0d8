//! Where a Markdown file holds code: fenced blocks and inline code spans.
//!
//! A page that explains mojibake quotes it in code (`` `Ã©` ``). When nothing outside code is
//! damaged, those quotes are what the author meant and repair leaves them alone. This is a
//! cheap line scanner, not a Markdown parser: it only has to be right about fences (three backticks or
//! tildes, indented up to three spaces) and backtick spans within a line.

use std::ops::Range;

/// Byte ranges of `text` that are code, sorted and disjoint.
pub fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut fence: Option<(u8, usize, usize)> = None; // (char, length, start offset)
    let mut offset = 0;
    for line in lines(text) {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let marker = fence_marker(trimmed);
        match fence {
            Some((ch, len, fence_start)) => {
                if indent < 4
                    && marker.is_some_and(|(c, l)| c == ch && l >= len)
                    && trimmed.trim_start_matches(char::from(ch)).trim().is_empty()
                {
                    ranges.push(fence_start..offset);
                    fence = None;
                }
            }
            None => {
                if let Some((c, l)) = marker.filter(|_| indent < 4) {
                    fence = Some((c, l, start));
                } else {
                    spans_in_line(line, start, &mut ranges);
                }
            }
        }
    }
    if let Some((_, _, fence_start)) = fence {
        ranges.push(fence_start..text.len());
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// `text.split_inclusive('\n')`, with the line breaks found by `memchr`'s vector search.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        let (line, after) = rest.split_at(end);
        rest = after;
        Some(line)
    })
}

fn fence_marker(line: &str) -> Option<(u8, usize)> {
    let first = *line.as_bytes().first()?;
    if first != b'`' && first != b'~' {
        return None;
    }
    let len = line.bytes().take_while(|b| *b == first).count();
    (len >= 3).then_some((first, len))
}

/// Inline code spans of one line: a run of N backticks up to the next run of exactly N. Runs are
/// found with `memchr`: most lines have no backtick, and are passed over at its speed.
fn spans_in_line(line: &str, base: usize, ranges: &mut Vec<Range<usize>>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some((open, len)) = backtick_run(bytes, i) {
        i = open + len;
        let mut j = i;
        let mut closed = None;
        while let Some((run, run_len)) = backtick_run(bytes, j) {
            j = run + run_len;
            if run_len == len {
                closed = Some(j);
                break;
            }
        }
        if let Some(end) = closed {
            ranges.push(base + open..base + end);
            i = end;
        }
    }
}

/// The first run of backticks in `bytes` at or after `from`: where it starts, and its length.
fn backtick_run(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let start = from + memchr::memchr(b'`', bytes.get(from..)?)?;
    let len = bytes[start..].iter().take_while(|b| **b == b'`').count();
    Some((start, len))
}

/// The code ranges of a text, worked out the first time they are asked for.
pub struct LazyCode<'t> {
    text: &'t str,
    ranges: Option<Vec<Range<usize>>>,
}

impl<'t> LazyCode<'t> {
    pub fn new(text: &'t str) -> Self {
        LazyCode { text, ranges: None }
    }

    pub fn ranges(&mut self) -> &[Range<usize>] {
        self.ranges.get_or_insert_with(|| code_ranges(self.text))
    }
}

/// Whether `range` lies inside one of `code` (sorted, disjoint), for ranges asked in increasing
/// order: `at` remembers where the last answer was found, so a whole file's runs cost one pass
/// over `code`.
pub fn inside_sweep(code: &[Range<usize>], at: &mut usize, range: &Range<usize>) -> bool {
    while code.get(*at).is_some_and(|r| r.end <= range.start) {
        *at += 1;
    }
    code.get(*at)
        .is_some_and(|r| r.start <= range.start && range.end <= r.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fences_and_spans() {
        let text = "a `Ã©` b\n```\nÃ©\n```\nc ``x ` y`` d\n";
        let ranges = code_ranges(text);
        let pieces: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(pieces, ["`Ã©`", "```\nÃ©\n```\n", "``x ` y``"]);
        let mut at = 0;
        assert!(!inside_sweep(&ranges, &mut at, &(0..1)));
        assert!(inside_sweep(&ranges, &mut at, &(3..7)));
    }

    #[test]
    fn lines_are_those_of_split_inclusive() {
        for text in ["", "a", "a\n", "\n\n", "a\nb", "a\r\nb\n", "é\n`x`\n"] {
            let ours: Vec<&str> = lines(text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn backtick_runs_of_other_lengths_do_not_close_a_span() {
        let text = "a ``x ` y`` b `c` ```d``";
        let ranges = code_ranges(text);
        let pieces: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(pieces, ["``x ` y``", "`c`"]);
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end() {
        let text = "x\n~~~\ncode";
        assert_eq!(code_ranges(text), vec![2..text.len()]);
    }
}
