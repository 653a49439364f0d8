//! The one HTML tokenizer of the crate, for the raw HTML that Markdown pages and GitBook exports
//! carry: every stage that reads HTML (URLs and ids to rewrite, card tables, plain text for search,
//! anchors in SUMMARY.md headings) reads it through [`tokens`], so they all agree on where a tag
//! starts, what an attribute holds and what `&eacute;` means.
//!
//! Tokenizing is html5gum's: WHATWG's tokenizer, the one browsers run, with byte spans, so a tag
//! is read exactly as a reader's browser will read it and an attribute can be rewritten in place
//! while everything around it is copied as written. It decodes character references (the whole
//! named table, numeric ones, the legacy forms without `;`) in text and attribute values, once.
//! (lol_html rewrites streams through CSS selectors and re-serialises the tags it touches;
//! html5ever's tokenizer gives no byte offsets: neither fits rewriting one attribute in place.)

use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

/// One attribute of a start tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    /// Lower case, as HTML compares names.
    pub name: String,
    /// Character references decoded.
    pub value: String,
    /// The whole `name="value"` in the HTML, quotes included.
    pub span: Range<usize>,
}

/// A start tag with its attributes, in the order they are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartTag {
    /// Lower case.
    pub name: String,
    pub attrs: Vec<Attr>,
    /// From `<` to `>`.
    pub span: Range<usize>,
    /// Written `<x … />`, or an element that has no content (`img`, `br`…).
    pub self_closing: bool,
}

impl StartTag {
    /// The value of the first attribute called `name` (lower case).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    pub fn has_attr(&self, name: &str) -> bool {
        self.attrs.iter().any(|a| a.name == name)
    }
}

/// What an HTML snippet is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Start(StartTag),
    End {
        /// Lower case.
        name: String,
        span: Range<usize>,
    },
    /// Text between tags, character references decoded.
    Text {
        text: String,
        span: Range<usize>,
    },
    Comment {
        span: Range<usize>,
    },
}

/// The tokens of `html`. Text inside `<script>`, `<style>`, `<textarea>` and `<title>` is text,
/// as in a browser; what is not HTML (a lone `<`) is text too, and a tag left open at the end of
/// the snippet is dropped.
pub fn tokens(html: &str) -> Vec<Token> {
    let mut building: Option<StartTag> = None;
    let callback = |event: CallbackEvent<'_>, span: Span<usize>| -> Option<Token> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                building = Some(StartTag {
                    name: text_of(name),
                    attrs: Vec::new(),
                    span: span.start..span.end,
                    self_closing: false,
                });
                None
            }
            CallbackEvent::AttributeName { name } => {
                if let Some(tag) = &mut building {
                    tag.attrs.push(Attr {
                        name: text_of(name),
                        value: String::new(),
                        span: span.start..span.end,
                    });
                }
                None
            }
            CallbackEvent::AttributeValue { value } => {
                if let Some(attr) = building.as_mut().and_then(|t| t.attrs.last_mut()) {
                    attr.value = text_of(value);
                }
                None
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                let mut tag = building.take()?;
                tag.span.end = span.end;
                tag.self_closing = self_closing || is_void(&tag.name);
                for attr in &mut tag.attrs {
                    attr.span.end = attribute_end(html, attr.span.end, tag.span.end);
                }
                Some(Token::Start(tag))
            }
            CallbackEvent::EndTag { name } => Some(Token::End {
                name: text_of(name),
                span: span.start..span.end,
            }),
            CallbackEvent::String { value } => Some(Token::Text {
                text: text_of(value),
                span: span.start..span.end,
            }),
            CallbackEvent::Comment { .. } => Some(Token::Comment {
                span: span.start..span.end,
            }),
            CallbackEvent::Doctype { .. } | CallbackEvent::Error(_) => None,
        }
    };
    let mut emitter = CallbackEmitter::new(callback);
    emitter.naively_switch_states(true);
    Tokenizer::new_with_emitter(html, emitter)
        .filter_map(Result::ok)
        .collect()
}

/// The start tags of `html`, in order.
pub fn start_tags(html: &str) -> impl Iterator<Item = StartTag> {
    tokens(html).into_iter().filter_map(|token| match token {
        Token::Start(tag) => Some(tag),
        _ => None,
    })
}

/// The first start tag of `html` (an inline HTML event is one tag).
pub fn first_start_tag(html: &str) -> Option<StartTag> {
    start_tags(html).next()
}

/// The decoded value of the first attribute `name` (any case) of any start tag in `html`.
pub fn html_attr(html: &str, name: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    start_tags(html).find_map(|tag| tag.attr(&name).map(str::to_string))
}

/// The text of an HTML snippet: tags and comments dropped, character references decoded,
/// whitespace collapsed to single spaces.
pub fn plain_text(html: &str) -> String {
    let text: String = tokens(html)
        .into_iter()
        .filter_map(|token| match token {
            Token::Text { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How an attribute carries URLs, for the attributes that do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlAttr {
    /// One URL (`href`, `src`, `poster`, `data-src`).
    Single,
    /// A list of image candidates with descriptors (`srcset`, `data-srcset`).
    Srcset,
}

/// Whether attribute `name` (lower case) holds URLs a site must resolve. `data-src` and
/// `data-srcset` are where lazy-loading scripts keep the real image.
pub fn url_attribute(name: &str) -> Option<UrlAttr> {
    match name {
        "href" | "src" | "poster" | "data-src" => Some(UrlAttr::Single),
        "srcset" | "data-srcset" => Some(UrlAttr::Srcset),
        _ => None,
    }
}

/// One image candidate of a `srcset`: its URL and its descriptor (`2x`, `480w`, or empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate<'v> {
    pub url: &'v str,
    pub descriptor: &'v str,
}

/// The candidates of a (decoded) `srcset` value, as browsers split it: a URL runs to the next
/// whitespace (commas inside it belong to it, trailing ones end the candidate), its descriptors
/// to the next comma.
pub fn srcset_candidates(value: &str) -> Vec<Candidate<'_>> {
    let is_space = |c: char| c.is_ascii_whitespace();
    let mut candidates = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| is_space(c) || c == ',');
        if rest.is_empty() {
            return candidates;
        }
        let word_end = |from: usize| rest[from..].find(is_space).map_or(rest.len(), |i| from + i);
        // The URL runs to whitespace; GitBook writes file names with spaces (`icon dark.png`),
        // so it runs on while what follows is neither a descriptor nor the candidate's end.
        let mut url_end = word_end(0);
        while !rest[..url_end].ends_with(',') {
            let next = url_end + (rest[url_end..].len() - rest[url_end..].trim_start().len());
            let word = rest[next..word_end(next)].split(',').next().unwrap_or("");
            if next >= rest.len() || word.is_empty() || is_descriptor(word) {
                break;
            }
            url_end = word_end(next);
        }
        let url = &rest[..url_end];
        if url.ends_with(',') {
            candidates.push(Candidate {
                url: url.trim_end_matches(','),
                descriptor: "",
            });
            rest = &rest[url_end..];
            continue;
        }
        let after = &rest[url_end..];
        let descriptor_end = after.find(',').unwrap_or(after.len());
        candidates.push(Candidate {
            url,
            descriptor: after[..descriptor_end].trim(),
        });
        rest = &after[descriptor_end..];
    }
}

/// `2x`, `1.5x`, `480w`, `300h`: a srcset candidate's descriptor.
fn is_descriptor(word: &str) -> bool {
    let Some(number) = word.strip_suffix(['w', 'x', 'h']) else {
        return false;
    };
    !number.is_empty() && number.parse::<f64>().is_ok_and(|n| n > 0.0)
}

/// Elements with no content (HTML's void elements): never closed, never holding text.
pub fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Where the attribute whose name ends at `name_end` ends: after its value and closing quote,
/// or after its name when it has no value. The tokenizer has already said it is an attribute of
/// the tag ending at `tag_end`; this only finds how far its text goes.
fn attribute_end(html: &str, name_end: usize, tag_end: usize) -> usize {
    let bytes = html.as_bytes();
    let tag_end = tag_end.min(bytes.len());
    let skip_space = |mut i: usize| {
        while i < tag_end && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let equals = skip_space(name_end);
    if bytes.get(equals) != Some(&b'=') {
        return name_end;
    }
    let value = skip_space(equals + 1);
    match bytes.get(value) {
        Some(&quote @ (b'"' | b'\'')) => bytes[value + 1..tag_end]
            .iter()
            .position(|b| *b == quote)
            .map_or(tag_end, |at| value + 1 + at + 1),
        _ => bytes[value..tag_end]
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'>')
            .map_or(tag_end, |at| value + at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(html: &str) -> Vec<(String, String, String)> {
        start_tags(html)
            .flat_map(|tag| {
                let name = tag.name.clone();
                tag.attrs
                    .into_iter()
                    .map(move |a| (name.clone(), a.name, html[a.span].to_string()))
            })
            .collect()
    }

    #[test]
    fn finds_attributes_in_all_quoting_styles_with_their_spans() {
        let html = r#"<figure><IMG src="a b.png" alt='x > y' data-size=line hidden><figcaption>c</figcaption></figure>"#;
        assert_eq!(
            attrs(html),
            [
                ("img".into(), "src".into(), r#"src="a b.png""#.into()),
                ("img".into(), "alt".into(), "alt='x > y'".into()),
                ("img".into(), "data-size".into(), "data-size=line".into()),
                ("img".into(), "hidden".into(), "hidden".into()),
            ]
        );
        assert_eq!(html_attr(html, "ALT").as_deref(), Some("x > y"));
    }

    #[test]
    fn empty_values_and_spaces_around_equals() {
        let html = "<a href=\"\" title = 'T' id=x>";
        assert_eq!(
            attrs(html)
                .into_iter()
                .map(|(_, _, text)| text)
                .collect::<Vec<_>>(),
            ["href=\"\"", "title = 'T'", "id=x"]
        );
    }

    #[test]
    fn comments_and_end_tags_have_no_attributes() {
        assert!(start_tags("<!-- <a href=x> --></a>").next().is_none());
    }

    #[test]
    fn character_references_are_decoded_once_everywhere() {
        assert_eq!(
            html_attr(r#"<img src="d&#x27;export &amp; co.png">"#, "src").as_deref(),
            Some("d'export & co.png")
        );
        assert_eq!(
            plain_text("<td>R&eacute;sum&eacute; &unknown; &#233;t&eacute;&nbsp;x</td>"),
            "Résumé &unknown; été x"
        );
    }

    #[test]
    fn script_text_is_text_not_tags() {
        let html = "<script>if (a<b) x='</p>'</script><p>t</p>";
        let starts: Vec<String> = start_tags(html).map(|t| t.name).collect();
        assert_eq!(starts, ["script", "p"]);
    }

    #[test]
    fn an_unterminated_tag_is_not_a_tag() {
        assert!(start_tags(r#"<a href="oops>text"#).next().is_none());
    }

    #[test]
    fn srcset_candidates_keep_commas_inside_urls_and_their_descriptors() {
        let found = srcset_candidates(" a.png 1x,\n b@2x.png 2x , c.png?w=1,2 480w,d.png, e.png");
        let pairs: Vec<(&str, &str)> = found.iter().map(|c| (c.url, c.descriptor)).collect();
        assert_eq!(
            pairs,
            [
                ("a.png", "1x"),
                ("b@2x.png", "2x"),
                ("c.png?w=1,2", "480w"),
                ("d.png", ""),
                ("e.png", "")
            ]
        );
    }

    #[test]
    fn srcset_urls_with_spaces_as_gitbook_writes_them() {
        let found = srcset_candidates("../.gitbook/assets/icon dark.png");
        let pairs: Vec<(&str, &str)> = found.iter().map(|c| (c.url, c.descriptor)).collect();
        assert_eq!(pairs, [("../.gitbook/assets/icon dark.png", "")]);
        let found = srcset_candidates("a b.png 2x, c d e.png 480w, f.png");
        let pairs: Vec<(&str, &str)> = found.iter().map(|c| (c.url, c.descriptor)).collect();
        assert_eq!(
            pairs,
            [("a b.png", "2x"), ("c d e.png", "480w"), ("f.png", "")]
        );
    }
}
