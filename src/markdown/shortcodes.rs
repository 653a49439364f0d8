//! `:rocket:` shortcodes, as GitHub and GitBook write emoji in text: the emoji they name.
//!
//! The table is GitHub's (gemoji), from the `emojis` crate, not a hand-made list. A shortcode is
//! only a shortcode when it stands apart from letters and digits on both sides, so times
//! (`10:30:00`), ratios (`1:100:5`), C++ scopes and URLs stay as written, and only names the table
//! knows are replaced: `:not-an-emoji:` is text.

use std::borrow::Cow;

/// `text` with every known shortcode replaced by its emoji (borrowed when there is none).
pub fn replace_shortcodes(text: &str) -> Cow<'_, str> {
    if !text.contains(':') {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some((start, end, emoji)) = next_shortcode(text, from) {
        out.push_str(&text[copied..start]);
        out.push_str(emoji);
        copied = end;
        from = end;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The next shortcode at or after byte `from`: its range (colons included) and its emoji.
fn next_shortcode(text: &str, from: usize) -> Option<(usize, usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut open = from + text[from..].find(':')?;
    loop {
        let name_start = open + 1;
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-'))
            .count();
        let close = name_start + name_len;
        if bytes.get(close) != Some(&b':') {
            open = close + text[close..].find(':')?;
            continue;
        }
        let apart_before = text[..open]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let apart_after = text[close + 1..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if name_len > 0
            && apart_before
            && apart_after
            && let Some(emoji) = emojis::get_by_shortcode(&text[name_start..close])
        {
            return Some((open, close + 1, emoji.as_str()));
        }
        // The closing colon may open the next shortcode (`:x::rocket:`).
        open = close;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_shortcodes_become_emoji() {
        assert_eq!(replace_shortcodes(":rocket: Launch"), "🚀 Launch");
        assert_eq!(replace_shortcodes("Done :white_check_mark:."), "Done ✅.");
        assert_eq!(replace_shortcodes(":x::heavy_check_mark:"), "❌✔️");
        assert_eq!(replace_shortcodes("a :+1: b"), "a 👍 b");
    }

    #[test]
    fn other_colons_stay_as_written() {
        for text in [
            "10:30:00",
            "ratio 1:100:5",
            "std::vector",
            "https://example.org:8080/x",
            ":not-a-known-emoji:",
            "key: value: other",
            "::",
            ":",
        ] {
            assert!(
                matches!(replace_shortcodes(text), Cow::Borrowed(_)),
                "{text}"
            );
        }
    }
}
