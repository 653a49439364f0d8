//! The limits that keep any input from hanging a build or exhausting memory.
//!
//! Every stage is meant to be near-linear in its input; where a structure could still be made
//! to cost more than its size (nesting a parser walks recursively, includes that multiply a
//! page), a limit cuts it off with a diagnostic at the file and line, far above what real
//! documents use. `SECURITY.md` lists them; this is where they are.

/// A page (or an included file) larger than this is not read. Rendering holds a page's parse
/// and its events in memory, up to a few hundred bytes per byte of the densest Markdown, so
/// this bounds a page's memory to a few hundred MB; real pages are a few KB, the largest
/// generated references a few hundred.
pub const MAX_PAGE_BYTES: u64 = 2 * 1024 * 1024;

/// Any other text source carnet reads whole (SUMMARY.md of a very large site, a configuration
/// file): larger is not read.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// A page with its includes expanded is at most this large.
pub const MAX_EXPANDED_BYTES: usize = 2 * MAX_PAGE_BYTES as usize;

/// How deep block quotes and lists may nest on one line (`> > > …`, `* * * …`): every level is
/// a parse node and two events held at once, so a line of them is the most memory a byte of
/// Markdown can cost. Real documents nest a few levels.
pub const MAX_MARKDOWN_NESTING: usize = 64;

/// How deep `[` and `{` may nest in a YAML file or front matter (the YAML parser slows down
/// with the square of the depth). Real front matter nests two or three levels.
pub const MAX_YAML_DEPTH: usize = 64;

/// How deep `{…}` groups may nest in a `$$…$$` formula (the TeX parser slows down with the
/// square of the depth). Real formulas nest a handful of levels.
pub const MAX_MATH_DEPTH: usize = 64;

/// How much `{% include %}` may add to a page: this many times the page's own size, or
/// [`MIN_INCLUDE_BUDGET`] when that is more.
pub const INCLUDE_FACTOR: usize = 16;

/// The expansion every page may reach through includes, however small it is.
pub const MIN_INCLUDE_BUDGET: usize = 1024 * 1024;

/// How many includes one page may expand, nested ones counted.
pub const MAX_INCLUDES: usize = 1000;

/// How deep includes may nest (an include of an include of …).
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// What the reading of a text source too large says (as an I/O error, so every reader reports it
/// where it reports an unreadable file).
pub fn too_large(len: u64, limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "it is {:.1} MiB, more than the {} MiB carnet reads in such a file; split it",
            len as f64 / (1024.0 * 1024.0),
            limit / (1024 * 1024)
        ),
    )
}

/// The offset of the first line of Markdown `text` whose leading block quote and list markers
/// nest deeper than [`MAX_MARKDOWN_NESTING`], when there is one. A line of one repeated `*` or
/// `-` and spaces is a thematic break, not lists.
pub fn markdown_too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        if container_depth(&bytes[start..end]) > MAX_MARKDOWN_NESTING {
            return Some(start);
        }
        start = end + 1;
    }
    None
}

/// How many block quote and list markers start `line`.
fn container_depth(line: &[u8]) -> usize {
    let mut depth = 0;
    let mut i = 0;
    let mut bullets = [false; 2];
    let mut other = false;
    loop {
        while i < line.len() && matches!(line[i], b' ' | b'\t') {
            i += 1;
        }
        let rest = &line[i..];
        let spaced = |at: usize| rest.get(at).is_none_or(|b| matches!(b, b' ' | b'\t'));
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let marker = match rest.first() {
            Some(b'>') => 1,
            Some(b'*' | b'-' | b'+') if spaced(1) => 1,
            Some(_)
                if (1..=9).contains(&digits)
                    && matches!(rest.get(digits), Some(b'.' | b')'))
                    && spaced(digits + 1) =>
            {
                digits + 1
            }
            _ => break,
        };
        match rest[0] {
            b'*' => bullets[0] = true,
            b'-' => bullets[1] = true,
            _ => other = true,
        }
        depth += 1;
        i += marker;
    }
    let thematic_break =
        !other && bullets != [true, true] && line[i..].iter().all(u8::is_ascii_whitespace);
    if thematic_break { 0 } else { depth }
}

/// The offset in `text` where `open`/`close` pairs first nest deeper than `limit`, when they
/// do. Every opener counts (in strings and comments too): a false alarm needs that many
/// unbalanced brackets in one value, which real text never has.
pub fn nesting_beyond(text: &str, open: &[u8], close: &[u8], limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (at, byte) in text.bytes().enumerate() {
        if open.contains(&byte) {
            depth += 1;
            if depth > limit {
                return Some(at);
            }
        } else if close.contains(&byte) {
            depth = depth.saturating_sub(1);
        }
    }
    None
}

/// Whether a TeX formula nests groups (`{…}`, `\\left…\\right`, `\\begin…\\end`) deeper than
/// [`MAX_MATH_DEPTH`].
pub fn math_too_deep(latex: &str) -> bool {
    let mut depth = 0usize;
    let bytes = latex.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (step, change) = match rest[0] {
            b'\\' if rest.starts_with(b"\\left") => (5, 1),
            b'\\' if rest.starts_with(b"\\begin") => (6, 1),
            b'\\' if rest.starts_with(b"\\right") => (6, -1),
            b'\\' if rest.starts_with(b"\\end") => (4, -1),
            // An escaped character (`\{`) is text.
            b'\\' => (2, 0),
            b'{' => (1, 1),
            b'}' => (1, -1),
            _ => (1, 0),
        };
        depth = depth.saturating_add_signed(change);
        if depth > MAX_MATH_DEPTH {
            return true;
        }
        i += step;
    }
    false
}

/// Where YAML `text` nests flow collections deeper than [`MAX_YAML_DEPTH`], when it does.
pub fn yaml_too_deep(text: &str) -> Option<usize> {
    nesting_beyond(text, b"[{", b"]}", MAX_YAML_DEPTH)
}

/// What is said of YAML nested too deep (the file's own words come before it).
pub fn yaml_too_deep_message() -> String {
    format!("nested more than {MAX_YAML_DEPTH} levels deep, carnet's limit; it is not read")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn math_nesting_counts_groups_left_right_and_environments() {
        assert!(math_too_deep(&"{".repeat(65)));
        assert!(math_too_deep(&"\\left(".repeat(65)));
        assert!(math_too_deep(&"\\begin{a}".repeat(65)));
        assert!(!math_too_deep(&"\\{".repeat(1000)));
        assert!(!math_too_deep(&"{x}\\left(y\\right)".repeat(1000)));
    }

    #[test]
    fn markdown_nesting_is_counted_on_each_line() {
        let deep = format!("# T\n\ntext\n{}x\n", "> ".repeat(65));
        assert_eq!(markdown_too_deep(&deep), Some(10));
        assert_eq!(
            markdown_too_deep(&format!("{}x\n", "* ".repeat(65))),
            Some(0)
        );
        assert_eq!(
            markdown_too_deep(&format!("{}x\n", "1. ".repeat(65))),
            Some(0)
        );
        assert_eq!(
            markdown_too_deep(&format!("{}x\n", "> * 1) ".repeat(22))),
            Some(0)
        );
        // Thematic breaks, and what stays within the limit, are fine.
        assert_eq!(markdown_too_deep(&"* ".repeat(200)), None);
        assert_eq!(markdown_too_deep(&"- ".repeat(200)), None);
        assert_eq!(markdown_too_deep(&format!("{}x\n", "> ".repeat(64))), None);
        assert_eq!(markdown_too_deep("*emphasis* and 3.14 and -x\n"), None);
    }

    #[test]
    fn nesting_is_measured_where_it_goes_too_deep() {
        let deep = format!("x: {}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(yaml_too_deep(&deep), Some(3 + 64));
        let flat = "[a] [b] {c: [d]}".repeat(1000);
        assert_eq!(yaml_too_deep(&flat), None);
        assert_eq!(yaml_too_deep("]]]]"), None);
    }
}
