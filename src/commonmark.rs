//! The CommonMark dialect every stage parses with, and where code is in a text: one definition,
//! so a `{% tag %}` is found outside code exactly where the page's own parse sees code.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

/// The CommonMark extensions carnet enables: GitHub's, heading attributes (`{#id}`) and `$$` math.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

/// Byte ranges of code (code blocks and code spans) in Markdown `text`, as CommonMark itself
/// reads them (a fence inside a list, an indented line that is a list continuation…).
pub fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_and_spans_are_code() {
        let text = "Un `x` ici.\n\n* a\n\n  ```\n  y\n  ```\n";
        let ranges = code_ranges(text);
        assert_eq!(ranges.len(), 2);
        assert_eq!(&text[ranges[0].clone()], "`x`");
        assert!(text[ranges[1].clone()].contains('y'));
    }
}
