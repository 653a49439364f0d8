//! The arguments of a tag: `key="value"`, `key='value'`, `key=value`, and bare `"value"`
//! (`include "path"`). GitBook writes names in any case (`formId`, `formid`), sometimes twice, and
//! once in a while a value without its closing quote: all of it is read, and the missing quote is
//! reported.

/// A tag's arguments, looked up case-insensitively; the first of a repeated name wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attrs {
    pairs: Vec<(String, String)>,
    /// Values given without a name, in order.
    pub positional: Vec<String>,
}

impl Attrs {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A boolean flag: `true` for `name="true"`, `name=true` or a bare `name`.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.is_empty() || v.eq_ignore_ascii_case("true"))
    }

    /// Sets `name` (replacing any value of any case), for defaults decided after parsing.
    pub fn set(&mut self, name: &str, value: &str) {
        self.pairs.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.pairs.push((name.to_string(), value.to_string()));
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// What went wrong reading arguments, with the byte offset in the argument text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrProblem {
    pub offset: usize,
    pub message: String,
}

/// Reads the argument text of a tag (everything after its name).
pub fn parse_attrs(args: &str) -> (Attrs, Vec<AttrProblem>) {
    let mut attrs = Attrs::default();
    let mut problems = Vec::new();
    let mut rest = args;
    let offset_of = |rest: &str| args.len() - rest.len();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if rest.starts_with(['"', '\'']) {
            let (value, after, closed) = quoted(rest);
            if !closed {
                problems.push(missing_quote(offset_of(rest)));
            }
            attrs.positional.push(value.to_string());
            rest = after;
            continue;
        }
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let key = &rest[..key_end];
        let after_key = rest[key_end..].trim_start();
        let Some(value_text) = after_key.strip_prefix('=') else {
            attrs.pairs.push((key.to_string(), String::new()));
            rest = after_key;
            continue;
        };
        let value_text = value_text.trim_start();
        let (value, after) = if value_text.starts_with(['"', '\'']) {
            let (value, after, closed) = quoted(value_text);
            if !closed {
                problems.push(missing_quote(offset_of(value_text)));
            }
            (value, after)
        } else {
            let end = value_text
                .find(char::is_whitespace)
                .unwrap_or(value_text.len());
            (&value_text[..end], &value_text[end..])
        };
        if attrs.get(key).is_none() {
            attrs.pairs.push((key.to_string(), value.to_string()));
        }
        rest = after;
    }
    (attrs, problems)
}

/// A quoted value: its text, what follows, and whether the closing quote was there. Without a
/// closing quote the value runs to the next `key=` or to the end, which is how GitBook itself
/// reads its own mistake.
fn quoted(text: &str) -> (&str, &str, bool) {
    let quote = text.chars().next().unwrap_or('"');
    let body = &text[1..];
    if let Some(end) = body.find(quote) {
        // `url="a caption="b"`: the quote found closes the *next* value; this one lost its own.
        match next_key_start(&body[..end]).filter(|_| body[..end].ends_with('=')) {
            Some(key) => return (body[..key].trim_end(), &body[key..], false),
            None => return (&body[..end], &body[end + 1..], true),
        }
    }
    let end = next_key_start(body).unwrap_or(body.len());
    (body[..end].trim_end(), &body[end..], false)
}

/// Start of the next ` name=` in `text`, if any.
fn next_key_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some((space, c)) = text[i..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map(|(p, c)| (p + i, c))
    {
        // Whitespace may be wider than a byte (a no-break space is two).
        let word_start = space + c.len_utf8();
        let word_end = text[word_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .map_or(text.len(), |p| p + word_start);
        if word_end > word_start && bytes.get(word_end) == Some(&b'=') {
            return Some(space);
        }
        i = word_start;
    }
    None
}

fn missing_quote(offset: usize) -> AttrProblem {
    AttrProblem {
        offset,
        message: "this value has no closing quote; it is read up to the next attribute".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_any_order_and_case() {
        let (attrs, problems) =
            parse_attrs(r#" title='Étape 1' style="info" formId=42 lineNumbers="true" wrap"#);
        assert!(problems.is_empty());
        assert_eq!(attrs.get("style"), Some("info"));
        assert_eq!(attrs.get("TITLE"), Some("Étape 1"));
        assert_eq!(attrs.get("formid"), Some("42"));
        assert!(attrs.flag("linenumbers"));
        assert!(attrs.flag("wrap"));
        assert!(!attrs.flag("expandable"));
    }

    #[test]
    fn unclosed_value_with_a_no_break_space_does_not_split_a_character() {
        // Found by fuzzing: a no-break space in an unclosed value.
        let (attrs, problems) = parse_attrs("src=\"../guid\u{a0}e.pdf");
        assert_eq!(attrs.get("src"), Some("../guid\u{a0}e.pdf"));
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn repeated_names_keep_the_first() {
        let (attrs, _) = parse_attrs(r#"formId="1" formid="2""#);
        assert_eq!(attrs.get("formId"), Some("1"));
    }

    #[test]
    fn positional_values() {
        let (attrs, _) = parse_attrs(r#" ".gitbook/includes/note.md" "#);
        assert_eq!(attrs.positional, [".gitbook/includes/note.md"]);
    }

    #[test]
    fn a_missing_closing_quote_is_recovered_and_reported() {
        let (attrs, problems) = parse_attrs(r#"url="https://example.org/video caption="Démo""#);
        assert_eq!(attrs.get("url"), Some("https://example.org/video"));
        assert_eq!(attrs.get("caption"), Some("Démo"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].offset, 4);
        let (attrs, problems) = parse_attrs(r#"url="https://example.org"#);
        assert_eq!(attrs.get("url"), Some("https://example.org"));
        assert_eq!(problems.len(), 1);
    }
}
