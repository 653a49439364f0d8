//! The `text` stage: a source file's bytes become clean text that every later stage can trust.
//!
//! Sources reach us through editors, exports and copy-paste that damage them: byte order marks,
//! UTF-16, Windows line endings, files saved in a legacy code page, and mojibake (UTF-8 read with
//! the wrong code page and saved again). This stage undoes that before anything else reads the
//! file, and reports what it changed so contributors can fix their sources for good.
//! Invariant: the returned text uses `\n` line endings and has exactly as many lines as the input,
//! so line numbers computed on it are the line numbers of the file on disk.
//!
//! Each step is a module with one job: [`bom`], [`legacy`] (UTF-16 and legacy code pages),
//! [`mojibake`], `line_endings`. [`fix_bytes`] applies the same repairs to a file's own bytes, for
//! `carnet fix-encoding`.

pub mod bom;
pub mod legacy;
mod line_endings;
pub mod mojibake;

use bom::Bom;
pub use mojibake::{Findings, Repair};

/// Clean text decoded from a source file, with what had to be done to get it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecodedText {
    pub text: String,
    /// Set when the bytes were not UTF-8 and their encoding had to be guessed.
    pub fallback: Option<Fallback>,
    /// The encoding the bytes were read as: `UTF-8`, `UTF-16LE`, `UTF-16BE`, or a guessed one.
    pub encoding: &'static str,
    /// Mojibake repaired, in order; ranges refer to the text before repair, lines to both.
    pub repairs: Vec<Repair>,
    /// What looks like mojibake without being clearly so: not repaired, reported for a person
    /// to decide (`possible-mojibake`). Ranges refer to the text before repair.
    pub possible: Vec<Repair>,
    /// The word around the first repair, damaged and repaired: what a report quotes.
    pub example: Option<(String, String)>,
}

/// How bytes that were not valid UTF-8 were turned into text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Decoded from a legacy encoding guessed from the bytes; `first_line` is the 1-based line of
    /// the first byte that is not valid UTF-8.
    Legacy {
        encoding: &'static str,
        first_line: usize,
    },
}

/// Decodes a source file: BOMs and UTF-16, legacy encodings, CRLF and lone CR line endings, and
/// mojibake, in that order.
pub fn decode_source(bytes: &[u8]) -> DecodedText {
    let decoded = decode_unicode(bytes);
    let text = line_endings::normalize(decoded.text);
    let Findings { repairs, possible } = mojibake::analyze(&text);
    let example = repairs
        .first()
        .map(|first| mojibake::word_example(&text, &repairs, first));
    let text = if repairs.is_empty() {
        text
    } else {
        mojibake::apply_repairs(&text, &repairs)
    };
    DecodedText {
        text,
        fallback: decoded.fallback,
        encoding: decoded.encoding,
        repairs,
        possible,
        example,
    }
}

/// Text decoded from bytes, before line endings and mojibake are seen to.
struct Unicode {
    text: String,
    encoding: &'static str,
    fallback: Option<Fallback>,
    /// The byte order mark the file had.
    bom: Option<Bom>,
}

fn decode_unicode(bytes: &[u8]) -> Unicode {
    let bom = bom::sniff(bytes);
    let body = &bytes[bom.map_or(0, |b| b.bytes().len())..];
    let utf16 = match bom {
        Some(Bom::Utf16Le) => Some(false),
        Some(Bom::Utf16Be) => Some(true),
        Some(Bom::Utf8) => None,
        None => legacy::sniff_utf16(body),
    };
    if let Some(big_endian) = utf16 {
        return Unicode {
            text: legacy::decode_utf16(body, big_endian),
            encoding: if big_endian { "UTF-16BE" } else { "UTF-16LE" },
            fallback: None,
            bom,
        };
    }
    // Same answer and error position as `std::str::from_utf8`, checked 32 or 64 bytes at a time:
    // text in other scripts than Latin is mostly multi-byte characters, which std checks one by
    // one, and this check reads every byte of every file.
    match simdutf8::compat::from_utf8(body) {
        Ok(text) => Unicode {
            text: text.to_owned(),
            encoding: "UTF-8",
            fallback: None,
            bom,
        },
        Err(err) => {
            let first_line = 1 + memchr::memchr_iter(b'\n', &body[..err.valid_up_to()]).count();
            let decoded = legacy::decode_legacy(body);
            Unicode {
                text: decoded.text,
                encoding: decoded.encoding,
                fallback: Some(Fallback::Legacy {
                    encoding: decoded.encoding,
                    first_line,
                }),
                bom,
            }
        }
    }
}

/// A file's bytes with its damage repaired in place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FixedBytes {
    /// The repaired file, or `None` when it needs no change.
    pub bytes: Option<Vec<u8>>,
    /// The encoding the file was read as.
    pub encoding: &'static str,
    /// Set when the file was in a legacy encoding and is converted to UTF-8 as a whole.
    pub converted_from: Option<&'static str>,
    /// Mojibake repaired; lines count from 1 in the file as it is.
    pub repairs: Vec<Repair>,
    /// What may be mojibake but is not clearly so: left as it is, listed for a person.
    pub possible: Vec<Repair>,
}

/// Repairs a file's own bytes: only the damaged sequences change; line endings, the BOM and every
/// other byte stay as they were (the repairs are found on the text with its original line
/// endings, and applied to it). A legacy file is converted to UTF-8 as a whole, since that is the
/// repair it needs; a UTF-16 file stays UTF-16.
pub fn fix_bytes(bytes: &[u8]) -> FixedBytes {
    let decoded = decode_unicode(bytes);
    let Findings { repairs, possible } = mojibake::analyze(&decoded.text);
    let converted_from = decoded.fallback.as_ref().map(|f| match f {
        Fallback::Legacy { encoding, .. } => *encoding,
    });
    if repairs.is_empty() && converted_from.is_none() {
        return FixedBytes {
            bytes: None,
            encoding: decoded.encoding,
            converted_from,
            repairs,
            possible,
        };
    }
    let text = mojibake::apply_repairs(&decoded.text, &repairs);
    let mut out = Vec::with_capacity(bytes.len());
    match decoded.bom {
        Some(bom @ (Bom::Utf16Le | Bom::Utf16Be)) => {
            out.extend_from_slice(bom.bytes());
            out.extend(legacy::encode_utf16(&text, bom == Bom::Utf16Be));
        }
        None if decoded.encoding.starts_with("UTF-16") => {
            out.extend(legacy::encode_utf16(&text, decoded.encoding == "UTF-16BE"));
        }
        bom => {
            if bom == Some(Bom::Utf8) {
                out.extend_from_slice(Bom::Utf8.bytes());
            }
            out.extend_from_slice(text.as_bytes());
        }
    }
    FixedBytes {
        bytes: Some(out),
        encoding: decoded.encoding,
        converted_from,
        repairs,
        possible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_removed_without_changing_line_count() {
        let decoded = decode_source(b"\xEF\xBB\xBFa\r\nb\rc\n");
        assert_eq!(decoded.text, "a\nb\nc\n");
        assert_eq!(decoded.fallback, None);
        assert_eq!(decoded.encoding, "UTF-8");
    }

    #[test]
    fn legacy_bytes_are_decoded_with_the_guessed_encoding() {
        let decoded = decode_source(b"ok\nL'\xE9quipe g\xE8re son h\xE9bergement\n");
        assert_eq!(decoded.text, "ok\nL'équipe gère son hébergement\n");
        assert_eq!(
            decoded.fallback,
            Some(Fallback::Legacy {
                encoding: "windows-1252",
                first_line: 2
            })
        );
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = b"\xFF\xFE".to_vec();
        bytes.extend(legacy::encode_utf16("a\r\nhé\n", false));
        let decoded = decode_source(&bytes);
        assert_eq!(decoded.text, "a\nhé\n");
        assert_eq!(decoded.encoding, "UTF-16LE");
    }

    #[test]
    fn mojibake_is_repaired_and_reported() {
        let decoded = decode_source("a\r\nL'Ã©quipe\r\n".as_bytes());
        assert_eq!(decoded.text, "a\nL'équipe\n");
        assert_eq!(decoded.repairs.len(), 1);
        assert_eq!(decoded.repairs[0].line, 2);
    }

    #[test]
    fn fixing_bytes_keeps_bom_and_crlf() {
        let fixed = fix_bytes("\u{FEFF}a\r\nL'Ã©quipe\r\nfin".as_bytes());
        assert_eq!(
            fixed.bytes.as_deref(),
            Some("\u{FEFF}a\r\nL'équipe\r\nfin".as_bytes())
        );
        assert_eq!(fix_bytes(b"clean\r\n").bytes, None);
    }
}
