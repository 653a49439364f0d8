//! Files that are not UTF-8: UTF-16 (with or without a BOM) and legacy code pages.
//!
//! A legacy file has no label saying what it is, so the encoding is guessed from its bytes by
//! chardetng (the detector Firefox uses, trained on real web text) and decoded by encoding_rs.
//! The guess is reported: a contributor should save the file as UTF-8 for good.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// Bytes decoded from a legacy encoding, and which one was guessed.
pub struct Legacy {
    pub text: String,
    /// The encoding's name as encoding_rs spells it (`windows-1252`, `Shift_JIS`…).
    pub encoding: &'static str,
}

/// Decodes bytes that are not valid UTF-8 with the encoding chardetng guesses for them.
pub fn decode_legacy(bytes: &[u8]) -> Legacy {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding: &'static Encoding = detector.guess(None, Utf8Detection::Deny);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Legacy {
        text: text.into_owned(),
        encoding: encoding.name(),
    }
}

/// Decodes UTF-16 without its BOM; unpaired surrogates become U+FFFD.
pub fn decode_utf16(bytes: &[u8], big_endian: bool) -> String {
    let encoding = if big_endian { UTF_16BE } else { UTF_16LE };
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// Encodes `text` as UTF-16 (no BOM): encoding_rs only encodes to UTF-8 for UTF-16 targets.
pub fn encode_utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for unit in text.encode_utf16() {
        let bytes = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        out.extend_from_slice(&bytes);
    }
    out
}

/// Whether BOM-less `bytes` are UTF-16, and which byte order: text in UTF-16 has a zero byte in
/// every ASCII character, all at even offsets (big-endian) or all at odd ones (little-endian),
/// which no 8-bit text has.
pub fn sniff_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    // One pass over byte pairs (the sample's length is even).
    let (zeros_even, zeros_odd) = sample.chunks_exact(2).fold((0, 0), |(even, odd), pair| {
        (
            even + usize::from(pair[0] == 0),
            odd + usize::from(pair[1] == 0),
        )
    });
    if zeros_odd * 10 >= pairs * 4 && zeros_even == 0 {
        Some(false)
    } else if zeros_even * 10 >= pairs * 4 && zeros_odd == 0 {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_french_is_detected() {
        let bytes = b"L'\xE9quipe g\xE8re son h\xE9bergement de fa\xE7on souveraine, \xE0 la fois.";
        let legacy = decode_legacy(bytes);
        assert_eq!(
            legacy.text,
            "L'équipe gère son hébergement de façon souveraine, à la fois."
        );
        assert_eq!(legacy.encoding, "windows-1252");
    }

    #[test]
    fn utf16_round_trips_and_is_sniffed() {
        let bytes = encode_utf16("# Titre\nhé\n", false);
        assert_eq!(sniff_utf16(&bytes), Some(false));
        assert_eq!(decode_utf16(&bytes, false), "# Titre\nhé\n");
        let bytes = encode_utf16("# Titre\n", true);
        assert_eq!(sniff_utf16(&bytes), Some(true));
        assert_eq!(sniff_utf16(b"plain ascii text"), None);
    }
}
