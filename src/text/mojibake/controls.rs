//! C1 controls that stand for Windows-1252 punctuation: text written in Windows-1252 and read
//! as Latin-1, where the bytes 0x80–0x9F (`…`, `“`, `”`, `’`, `–`, `€`…) became the control
//! characters of the same value (`parlé\u{85}` for `parlé…`).
//!
//! A C1 control has no use in a Markdown page, and Windows-1252 is what browsers and editors
//! take those bytes for, so the repair is certain, but for the five bytes Windows-1252 leaves
//! undefined. A control that is part of a UTF-8 window (mojibake through Latin-1, handled by
//! the runs) is left to the runs; and as with mojibake, controls in Markdown code are what the
//! author meant (a table of characters) unless the file has some outside code too.

use std::ops::Range;

use super::code_pages::CODE_PAGES;
use super::markdown_code::{LazyCode, inside_sweep};

/// The C1 controls of `text` at which `taken` says no (offsets asked in increasing order), each
/// with the Windows-1252 character of its byte, in order; those in `code` only when some are
/// outside.
pub fn control_repairs(
    text: &str,
    taken: impl FnMut(usize) -> bool,
    code: &mut LazyCode<'_>,
) -> Vec<(Range<usize>, char)> {
    let mut found = controls(text, taken);
    if found.is_empty() {
        return found;
    }
    let code = code.ranges();
    let mut at = 0;
    let in_code: Vec<bool> = found
        .iter()
        .map(|(range, _)| inside_sweep(code, &mut at, range))
        .collect();
    if in_code.iter().all(|inside| *inside) {
        found.clear();
    }
    found
}

fn controls(text: &str, mut taken: impl FnMut(usize) -> bool) -> Vec<(Range<usize>, char)> {
    let bytes = text.as_bytes();
    let windows_1252 = &CODE_PAGES[0];
    memchr::memchr_iter(0xC2, bytes)
        .filter_map(|i| {
            let second = *bytes.get(i + 1)?;
            if !(0x80..=0x9F).contains(&second) || taken(i) {
                return None;
            }
            let c = windows_1252.decode_byte(second)?;
            Some((i..i + 2, c))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_windows_1252_punctuation() {
        let text = "parlé\u{85} \u{84}oui\u{93} \u{81}";
        let found = control_repairs(text, |_| false, &mut LazyCode::new(text));
        let chars: Vec<char> = found.iter().map(|(_, c)| *c).collect();
        // 0x81 is undefined in Windows-1252: left as it is.
        assert_eq!(chars, ['…', '„', '“']);
    }

    #[test]
    fn controls_inside_taken_ranges_are_left_alone() {
        let text = "a\u{85}b\u{85}";
        let first = text.find('\u{85}').unwrap_or(0);
        let found = control_repairs(text, |at| at == first, &mut LazyCode::new(text));
        assert_eq!(found.len(), 1);
        assert!(found[0].0.start > first);
    }

    #[test]
    fn controls_in_code_stay_when_there_are_none_outside() {
        let quoted = "a table: `\u{80}\u{81}\u{82}`\n";
        assert!(control_repairs(quoted, |_| false, &mut LazyCode::new(quoted)).is_empty());
        let both = "parlé\u{85}\n`\u{85}`\n";
        assert_eq!(
            control_repairs(both, |_| false, &mut LazyCode::new(both)).len(),
            2
        );
    }
}
