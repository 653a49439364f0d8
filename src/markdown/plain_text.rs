//! The plain text of a page, by section, collected while the page renders: search indexes it
//! and shows excerpts of it, so a result can open at the heading its words are under.
//!
//! Markdown text arrives as parser events; raw HTML (blocks an author wrote) is reduced to its
//! text by a small scanner, enough for HTML that was written by hand into Markdown.

/// Part of a page from one heading to the next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// The heading's `id` (empty for the text before the first heading).
    pub anchor: String,
    pub heading: String,
    pub text: String,
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
    let mut skip_depth: Option<(&str, usize)> = None;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) else {
            push_text(target, rest, true);
            break;
        };
        if skip_depth.is_none() {
            push_text(target, &rest[..lt], true);
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(tag) = Tag::parse(rest) else {
            // A lone `<` in text (should have been escaped): keep it as text.
            if skip_depth.is_none() {
                push_text(target, "<", false);
            }
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];
        if let Some((name, depth)) = &mut skip_depth {
            if tag.name.eq_ignore_ascii_case(name) && !tag.self_closing {
                if tag.closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skip_depth = None;
                    }
                } else {
                    *depth += 1;
                }
            }
            continue;
        }
        let lower;
        let name = if tag.name.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = tag.name.to_ascii_lowercase();
            lower.as_str()
        } else {
            tag.name
        };
        if !tag.closing && !tag.self_closing && is_skipped(name, tag.attrs) {
            skip_depth = Some((tag.name, 1));
            continue;
        }
        if !is_inline(name) {
            push_space(target);
        }
    }
}

fn is_skipped(name: &str, attrs: &str) -> bool {
    is_skipped_element(name)
        // Highlighted code is mostly `<span class>`: only other elements are worth the lookup.
        || (name != "span"
            && memchr::memmem::find(attrs.as_bytes(), b"aria-hidden").is_some()
            && attribute(attrs, "aria-hidden") == Some("true"))
        || (name == "pre" && attribute(attrs, "class").is_some_and(|c| c.contains("mermaid")))
}

/// Appends text to `target` with runs of whitespace collapsed to one space; `html` text has
/// its character references decoded first.
pub fn push_text(target: &mut String, raw: &str, html: bool) {
    if raw.is_empty() {
        return;
    }
    let decoded = if html && memchr::memchr(b'&', raw.as_bytes()).is_some() {
        html_escape::decode_html_entities(raw)
    } else {
        std::borrow::Cow::Borrowed(raw)
    };
    let text = decoded.as_ref();
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

struct Tag<'a> {
    name: &'a str,
    attrs: &'a str,
    closing: bool,
    self_closing: bool,
    /// Bytes from `<` to `>` included.
    len: usize,
}

impl<'a> Tag<'a> {
    fn parse(text: &'a str) -> Option<Tag<'a>> {
        let bytes = text.as_bytes();
        let mut i = 1;
        let closing = bytes.get(1) == Some(&b'/');
        if closing {
            i += 1;
        }
        let name_start = i;
        while bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric()) {
            i += 1;
        }
        if i == name_start || !bytes.get(name_start)?.is_ascii_alphabetic() {
            return None;
        }
        let name = &text[name_start..i];
        let attrs_start = i;
        let mut quote = None;
        while let Some(&b) = bytes.get(i) {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => break,
                _ => {}
            }
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let attrs = &text[attrs_start..i];
        Some(Tag {
            name,
            attrs,
            closing,
            self_closing: attrs.ends_with('/') || is_void(name),
            len: i + 1,
        })
    }
}

fn is_void(name: &str) -> bool {
    let lower;
    let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        lower = name.to_ascii_lowercase();
        lower.as_str()
    } else {
        name
    };
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

/// The value of a quoted attribute, as written (entities not decoded).
fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    while let Some(pos) = rest.find(name) {
        let before_ok = pos == 0 || rest.as_bytes()[pos - 1].is_ascii_whitespace();
        let after = &rest[pos + name.len()..];
        if before_ok && let Some(value) = after.strip_prefix('=') {
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let value = &value[1..];
                return value.find(quote).map(|end| &value[..end]);
            }
            let end = value
                .find(|c: char| c.is_ascii_whitespace() || c == '/')
                .unwrap_or(value.len());
            return Some(&value[..end]);
        }
        rest = after;
    }
    None
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
        push_text(&mut out, "  b\n\tc &amp; ", false);
        assert_eq!(out, "a b c &amp; ");
    }
}
