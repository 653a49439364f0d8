//! Placeholders for what a page cannot know while it is rendered alone.
//!
//! Pages are parsed and rendered to HTML once, in parallel, before the site's URL index exists. A
//! link's final `href` depends on that index (and on where the target ended up), so the renderer
//! writes a marker `U+FDD0 index U+FDD1` where the value belongs and records the destination; the
//! site stage later fills every marker in one linear pass. U+FDD0 and U+FDD1 are Unicode
//! noncharacters: they never appear in real text, and `sanitize` removes them from sources just in
//! case, so a marker can never be forged by content.

pub const OPEN: char = '\u{FDD0}';
pub const CLOSE: char = '\u{FDD1}';

/// Appends the marker for reference `index`.
pub fn push_marker(out: &mut String, index: usize) {
    out.push(OPEN);
    use std::fmt::Write;
    let _ = write!(out, "{index}");
    out.push(CLOSE);
}

/// Replaces every marker of `html` with what `fill` writes for its index; text between markers is
/// copied unchanged.
pub fn fill_markers(html: &str, mut fill: impl FnMut(usize, &mut String)) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(open) = rest.find(OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + OPEN.len_utf8()..];
        match after
            .find(CLOSE)
            .and_then(|close| after[..close].parse::<usize>().ok().map(|i| (i, close)))
        {
            Some((index, close)) => {
                fill(index, &mut out);
                rest = &after[close + CLOSE.len_utf8()..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// Replaces marker characters in source text with U+FFFD so content cannot forge a marker.
pub fn sanitize(text: &mut String) {
    if text.contains([OPEN, CLOSE]) {
        *text = text.replace([OPEN, CLOSE], "\u{FFFD}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip() {
        let mut html = String::from("<a href=\"");
        push_marker(&mut html, 12);
        html.push_str("\">x</a>");
        push_marker(&mut html, 3);
        let filled = fill_markers(&html, |i, out| out.push_str(&format!("[{i}]")));
        assert_eq!(filled, "<a href=\"[12]\">x</a>[3]");
    }

    #[test]
    fn forged_markers_are_neutralised() {
        let mut text = format!("a{OPEN}1{CLOSE}b");
        sanitize(&mut text);
        assert_eq!(text, "a\u{FFFD}1\u{FFFD}b");
    }
}
