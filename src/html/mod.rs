//! Just enough of an HTML tag reader to find and rewrite attribute values in the raw HTML that
//! GitBook exports carry (`<img src>`, `<a href>`, `<a id>`), without a second HTML parser.

use std::ops::Range;

/// One attribute of a tag: its name and the byte range of its whole `name="value"` text and of
/// its raw (undecoded) value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr<'h> {
    pub name: &'h str,
    pub raw_value: &'h str,
    pub whole: Range<usize>,
}

/// The attributes of every start tag in `html`, in order, with the tag name they belong to.
pub fn start_tag_attrs(html: &str) -> Vec<(&str, Attr<'_>)> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|p| p + i) {
        i = lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |p| i + p + 3);
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(html.len(), |p| i + p);
        if name_end == i {
            continue;
        }
        let tag = &html[i..name_end];
        i = name_end;
        while i < bytes.len() && bytes[i] != b'>' {
            match parse_attr(html, i) {
                Some((attr, next)) => {
                    out.push((tag, attr));
                    i = next;
                }
                None => i += html[i..].chars().next().map_or(1, char::len_utf8),
            }
        }
    }
    out
}

/// Parses one attribute starting at or after whitespace at `start`; returns it and the offset
/// just past it, or `None` when no attribute name starts here.
fn parse_attr(html: &str, start: usize) -> Option<(Attr<'_>, usize)> {
    let bytes = html.as_bytes();
    let mut i = start;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len()
        && !matches!(bytes[i], b'=' | b'>' | b'/' | b'"' | b'\'')
        && !bytes[i].is_ascii_whitespace()
    {
        i += 1;
    }
    if i == name_start {
        return None;
    }
    let name = &html[name_start..i];
    let mut j = i;
    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
        j += 1;
    }
    if j >= bytes.len() || bytes[j] != b'=' {
        let attr = Attr {
            name,
            raw_value: "",
            whole: name_start..i,
        };
        return Some((attr, i));
    }
    j += 1;
    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
        j += 1;
    }
    let (value, end) = match bytes.get(j) {
        Some(&q @ (b'"' | b'\'')) => {
            let close = html[j + 1..]
                .find(q as char)
                .map_or(html.len(), |p| j + 1 + p);
            (&html[j + 1..close], (close + 1).min(html.len()))
        }
        _ => {
            let end = html[j..]
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .map_or(html.len(), |p| j + p);
            (&html[j..end], end)
        }
    };
    Some((
        Attr {
            name,
            raw_value: value,
            whole: name_start..end,
        },
        end,
    ))
}

/// The decoded value of the first attribute `name` (case-insensitive) in `html`.
pub fn html_attr(html: &str, name: &str) -> Option<String> {
    start_tag_attrs(html)
        .into_iter()
        .find(|(_, a)| a.name.eq_ignore_ascii_case(name))
        .map(|(_, a)| decode_entities(a.raw_value))
}

/// Decodes the character references that appear in attribute values of real exports
/// (`&#x27;`, `&#39;`, `&amp;`, `&quot;`…). Unknown named references stay as written.
pub fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let entity = &rest[1..semi];
            decode_entity(entity).map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(entity: &str) -> Option<char> {
    if let Some(num) = entity.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match entity {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_attributes_in_all_quoting_styles() {
        let html = r#"<figure><img src="a b.png" alt='x > y' data-size=line><figcaption>c</figcaption></figure>"#;
        let attrs: Vec<_> = start_tag_attrs(html)
            .into_iter()
            .map(|(t, a)| (t, a.name, a.raw_value))
            .collect();
        assert_eq!(
            attrs,
            [
                ("img", "src", "a b.png"),
                ("img", "alt", "x > y"),
                ("img", "data-size", "line")
            ]
        );
    }

    #[test]
    fn skips_comments_and_closing_tags() {
        assert!(start_tag_attrs("<!-- <a href=x> --></a>").is_empty());
    }

    #[test]
    fn decodes_entities_in_values() {
        assert_eq!(
            html_attr(r#"<img src="d&#x27;export &amp; co.png">"#, "SRC").as_deref(),
            Some("d'export & co.png")
        );
        assert_eq!(
            decode_entities("a &unknown; b &#0; c"),
            "a &unknown; b &#0; c"
        );
    }

    #[test]
    fn unterminated_quotes_do_not_panic() {
        let attrs = start_tag_attrs(r#"<a href="oops>text"#);
        assert_eq!(attrs[0].1.raw_value, "oops>text");
    }
}
