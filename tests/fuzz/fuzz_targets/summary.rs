//! The SUMMARY.md parser on arbitrary text: never panic, never loop, output linear in the input.
#![no_main]

use carnet::gitbook::{SummaryEntry, SummaryItem, parse_summary};
use libfuzzer_sys::fuzz_target;

fn count(entries: &[SummaryEntry]) -> usize {
    entries.iter().map(|e| 1 + count(&e.children)).sum()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let summary = parse_summary(&text);
    let mut entries = 0;
    for item in &summary.items {
        entries += match item {
            SummaryItem::Entry(entry) => count(std::slice::from_ref(entry)),
            SummaryItem::Group { entries, .. } => count(entries),
        };
    }
    // Every entry is a list item, and a list item takes at least two bytes (`*` and a space or
    // a line end).
    assert!(entries <= text.len() / 2 + 1, "{entries} entries from {} bytes", text.len());
});
