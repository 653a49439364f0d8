//! Path normalisation on arbitrary input: never panics, and what it accepts never leads outside
//! the folder it is joined to. `url_path` reads output paths written by content (redirect keys,
//! space paths); `output_path` is the last check before every write.
#![no_main]

use std::path::{Component, Path};

use carnet::paths::{output_path, script_scheme, url_path};
use libfuzzer_sys::fuzz_target;

/// Joined onto a root, `rel` stays under it: only plain names.
fn stays_inside(rel: &Path) -> bool {
    let root = Path::new("/srv/out");
    let joined = root.join(rel);
    joined.starts_with(root) && rel.components().all(|c| matches!(c, Component::Normal(_)))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(clean) = url_path(&text) {
        assert!(
            !clean.starts_with('/') && !clean.ends_with('/'),
            "{clean:?}"
        );
        for segment in clean.split('/').filter(|_| !clean.is_empty()) {
            assert!(
                !segment.is_empty() && segment != "." && segment != "..",
                "{clean:?}"
            );
            assert!(!segment.contains('\\') && !segment.chars().any(char::is_control));
        }
        if !clean.is_empty() {
            let rel = output_path(&clean).unwrap_or_else(|why| panic!("{clean:?}: {why}"));
            assert!(stays_inside(&rel), "{clean:?}");
        }
    }
    if let Ok(rel) = output_path(&text) {
        assert!(stays_inside(&rel), "{text:?} → {rel:?}");
    }
    let _ = script_scheme(&text, false);
    let _ = script_scheme(&text, true);
});
