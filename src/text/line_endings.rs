//! Line endings: CRLF and lone CR become LF for parsing.
//!
//! Both replacements keep the number of lines, so a line number computed on the normalised text
//! is the line number of the file on disk.

/// CRLF → LF and lone CR → LF. Carriage returns are looked for with `memchr`'s vector search:
/// every file is read through once, and most have none.
pub fn normalize(text: String) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = memchr::memchr(b'\r', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        out.push('\n');
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('\n') {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lone_cr_become_lf() {
        assert_eq!(normalize("a\r\nb\rc\n\r\n".into()), "a\nb\nc\n\n");
        assert_eq!(normalize("plain\n".into()), "plain\n");
    }
}
