//! The text stage on arbitrary bytes: never panic, never change the number of lines, never
//! grow text without bound; and `fix_bytes` on UTF-8 never touches a line break and never
//! makes the file longer (a repair always replaces several characters by one).
#![no_main]

use carnet::text::{decode_source, fix_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = decode_source(data);
    // Legacy decoding turns a byte into at most three; nothing else grows.
    assert!(decoded.text.len() <= 3 * data.len() + 3);
    assert!(!decoded.text.contains('\r'));
    for repair in &decoded.repairs {
        assert!(repair.repaired.len() <= repair.damaged.len(), "{repair:?}");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        // UTF-16 sniffing only looks at NUL bytes; without any, the text stays UTF-8.
        if !body.contains('\0') {
            // CRLF, lone CR and lone LF each end one line.
            let breaks = body.matches('\n').count() + body.matches('\r').count()
                - body.matches("\r\n").count();
            assert_eq!(decoded.text.matches('\n').count(), breaks);
            let fixed = fix_bytes(data);
            if let Some(bytes) = fixed.bytes {
                assert!(bytes.len() <= data.len());
                let newlines = |b: &[u8]| b.iter().filter(|c| **c == b'\n' || **c == b'\r').count();
                assert_eq!(newlines(&bytes), newlines(data));
            }
        }
    }
});
