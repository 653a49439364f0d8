//! The `text` stage: a source file's bytes become clean text that every later stage can trust.
//!
//! Sources reach us through editors, exports and copy-paste that damage them: byte order marks,
//! Windows line endings, files saved in a legacy code page. This stage undoes that before anything
//! else reads the file, and reports what it changed so contributors can fix their sources for good.
//! Invariant: the returned text uses `\n` line endings and has exactly as many lines as the input,
//! so line numbers computed on it are the line numbers of the file on disk.

/// Clean text decoded from a source file, with what had to be done to get it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecodedText {
    pub text: String,
    /// Set when the bytes were not UTF-8 and had to be decoded from another encoding (or lossily).
    pub fallback: Option<Fallback>,
}

/// How bytes that were not valid UTF-8 were turned into text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Invalid sequences were replaced by U+FFFD; `first_line` is the 1-based line of the first one.
    Lossy { first_line: usize },
}

/// Decodes a source file: strips a UTF-8 BOM, decodes UTF-8 (lossily if it must), and normalises
/// CRLF and lone CR line endings to LF.
pub fn decode_source(bytes: &[u8]) -> DecodedText {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, fallback) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(err) => {
            let first_line = 1 + bytes[..err.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            (
                String::from_utf8_lossy(bytes).into_owned(),
                Some(Fallback::Lossy { first_line }),
            )
        }
    };
    DecodedText {
        text: normalize_line_endings(text),
        fallback,
    }
}

/// CRLF → LF and lone CR → LF. Both keep the line count, so diagnostics keep their line numbers.
fn normalize_line_endings(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_removed_without_changing_line_count() {
        let decoded = decode_source(b"\xEF\xBB\xBFa\r\nb\rc\n");
        assert_eq!(decoded.text, "a\nb\nc\n");
        assert_eq!(decoded.fallback, None);
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_the_line_of_the_first_error() {
        let decoded = decode_source(b"ok\nbad \xFF here\n");
        assert_eq!(decoded.text, "ok\nbad \u{FFFD} here\n");
        assert_eq!(decoded.fallback, Some(Fallback::Lossy { first_line: 2 }));
    }
}
