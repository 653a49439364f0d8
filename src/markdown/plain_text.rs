//! The plain text of a page, by section, collected while the page renders: search indexes it
//! and shows excerpts of it, so a result can open at the heading its words are under.
//!
//! Markdown text arrives as parser events; raw HTML (blocks an author wrote) is reduced to its
//! text through the crate's HTML tokenizer, the one every stage reads HTML with.

use crate::html::{StartTag, Token, tokens};

/// Part of a page from one heading to the next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// The heading's `id` (empty for the text before the first heading).
    pub anchor: String,
    pub heading: String,
    pub text: String,
}

/// The page's text as the walk over its tree meets it: by section for search, the first
/// paragraph (a fallback description), and the text of the heading being read.
#[derive(Default)]
pub struct TextCollector {
    pub sections: Vec<Section>,
    pub first_paragraph: Option<String>,
    /// The first paragraph being read, while there is none yet.
    paragraph: Option<String>,
    /// The text of the heading being read: its words go to the heading, not to the section.
    heading: Option<String>,
}

impl TextCollector {
    /// Text of the page, as a reader reads it.
    pub fn text(&mut self, text: &str) {
        if let Some(heading) = &mut self.heading {
            heading.push_str(text);
            return;
        }
        if let Some(paragraph) = &mut self.paragraph {
            paragraph.push_str(text);
        }
        push_text(self.section_text(), text);
    }

    /// A block boundary: words on either side are different words.
    pub fn text_break(&mut self) {
        if self.heading.is_none() {
            push_space(self.section_text());
        }
    }

    /// Text set apart from what surrounds it (a code block, a small heading, raw HTML's text).
    pub fn apart(&mut self, text: &str) {
        let body = self.section_text();
        push_space(body);
        push_text(body, text);
        push_space(body);
    }

    /// Raw HTML's text, set apart.
    pub fn apart_html(&mut self, html: &str) {
        let body = self.section_text();
        push_space(body);
        push_html_text(body, html);
        push_space(body);
    }

    /// A heading starts a new section.
    pub fn section(&mut self, anchor: String, heading: String) {
        self.sections.push(Section {
            anchor,
            heading,
            text: String::new(),
        });
    }

    pub fn start_paragraph(&mut self) {
        if self.first_paragraph.is_none() && self.heading.is_none() {
            self.paragraph = Some(String::new());
        }
    }

    pub fn end_paragraph(&mut self) {
        if let Some(text) = self.paragraph.take() {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            self.first_paragraph = (!text.is_empty()).then_some(text);
        }
    }

    pub fn start_heading(&mut self) {
        self.heading = Some(String::new());
    }

    /// The heading's text, whitespace collapsed.
    pub fn end_heading(&mut self) -> String {
        let text = self.heading.take().unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The sections, trimmed, without the empty ones.
    pub fn finish(mut self) -> (Vec<Section>, Option<String>) {
        for section in &mut self.sections {
            let end = section.text.trim_end().len();
            section.text.truncate(end);
            section.text.shrink_to_fit();
        }
        self.sections
            .retain(|s| !s.text.is_empty() || !s.heading.is_empty());
        (self.sections, self.first_paragraph)
    }

    /// The text of the section being read (the one under the last heading).
    fn section_text(&mut self) -> &mut String {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last].text
    }
}

/// Elements whose content is not text a reader searches for.
fn is_skipped_element(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "template" | "svg" | "button" | "math"
    )
}

/// Elements that do not separate words: `hé<em>ber</em>gement` is one word.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "span"
            | "a"
            | "code"
            | "em"
            | "strong"
            | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "data"
            | "del"
            | "dfn"
            | "i"
            | "ins"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "var"
    )
}

/// Appends the text of an HTML snippet to `target`, entities decoded and whitespace collapsed.
pub fn push_html_text(target: &mut String, html: &str) {
    // The element being skipped (script, hidden parts…) and how deep its name is nested.
    let mut skipping: Option<(String, usize)> = None;
    for token in tokens(html) {
        if let Some((name, depth)) = &mut skipping {
            match &token {
                Token::Start(tag) if tag.name == *name && !tag.self_closing => *depth += 1,
                Token::End { name: end, .. } if end == name => {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                }
                _ => {}
            }
            continue;
        }
        match token {
            Token::Text { text, .. } => push_text(target, &text),
            Token::Start(tag) if !tag.self_closing && is_skipped(&tag) => {
                skipping = Some((tag.name, 1));
            }
            Token::Start(tag) if !is_inline(&tag.name) => push_space(target),
            Token::End { name, .. } if !is_inline(&name) => push_space(target),
            Token::Start(_) | Token::End { .. } | Token::Comment { .. } => {}
        }
    }
}

fn is_skipped(tag: &StartTag) -> bool {
    is_skipped_element(&tag.name)
        // As before the tokenizer: a hidden `<span>` (highlighted code is made of spans) is text.
        || (tag.name != "span" && tag.attr("aria-hidden") == Some("true"))
        || (tag.name == "pre" && tag.attr("class").is_some_and(|c| c.contains("mermaid")))
}

/// Appends text to `target` with runs of whitespace collapsed to one space.
pub fn push_text(target: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    let bytes = text.as_bytes();
    let mut pending_space = false;
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let space_len = if b < 0x80 {
            usize::from(b.is_ascii_whitespace())
        } else {
            // Non-ASCII: decode the character (non-breaking spaces count as spaces).
            let c = text[i..].chars().next().unwrap_or(' ');
            if c.is_whitespace() {
                c.len_utf8()
            } else {
                i += c.len_utf8();
                continue;
            }
        };
        if space_len == 0 {
            i += 1;
            continue;
        }
        if run_start < i {
            if pending_space {
                push_space(target);
            }
            target.push_str(&text[run_start..i]);
        }
        pending_space = true;
        i += space_len;
        run_start = i;
    }
    if run_start < text.len() {
        if pending_space {
            push_space(target);
        }
        target.push_str(&text[run_start..]);
    } else if pending_space {
        push_space(target);
    }
}

/// A space, unless the text is empty or already ends with one.
pub fn push_space(target: &mut String) {
    if !target.is_empty() && !target.ends_with(' ') {
        target.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        let mut out = String::new();
        push_html_text(&mut out, html);
        out.trim().to_owned()
    }

    #[test]
    fn scripts_styles_buttons_hidden_parts_and_diagrams_are_not_text() {
        let html = "<p>a</p><script>var x = '<p>';</script><style>p{}</style><button>Copy</button><pre class=\"mermaid\">graph TD</pre><svg><text>t</text></svg><a aria-hidden=\"true\">#</a><p>b</p>";
        assert_eq!(text_of(html), "a b");
    }

    #[test]
    fn inline_markup_does_not_split_words_and_blocks_do() {
        let html =
            "<p>hé<strong>ber</strong>gement</p><p>suite</p><ul><li>un</li><li>deux</li></ul>";
        assert_eq!(text_of(html), "hébergement suite un deux");
    }

    #[test]
    fn entities_are_decoded_and_whitespace_collapsed() {
        let html = "<td>Install &amp;\n   run&nbsp;&eacute;t&#233;</td>";
        assert_eq!(text_of(html), "Install & run été");
    }

    #[test]
    fn comments_and_lone_angle_brackets_are_handled() {
        let html = "<p>a <!-- <h2 id=\"x\">no</h2> --> 1 < 2</p><p>fin";
        assert_eq!(text_of(html), "a 1 < 2 fin");
    }

    #[test]
    fn nested_skipped_elements_end_at_their_own_close() {
        let html = "<svg><svg><g/></svg><text>x</text></svg><p>after</p>";
        assert_eq!(text_of(html), "after");
    }

    #[test]
    fn plain_text_collapses_whitespace_without_decoding() {
        let mut out = String::from("a");
        push_text(&mut out, "  b\n\tc &amp; ");
        assert_eq!(out, "a b c &amp; ");
    }
}
