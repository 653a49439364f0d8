//! The GitBook block pre-pass and the Markdown stage on arbitrary text: never panic, never loop
//! (libFuzzer's timeout), output linear in the input.
#![no_main]

use carnet::gitbook::blocks::{NoIncludes, expand_blocks};
use carnet::markdown::{PageInput, render_fragment};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(expansion) = expand_blocks(&text, "page.md", &NoIncludes) {
        assert!(expansion.text.len() <= 64 * text.len() + 1024, "expansion grew {} → {}", text.len(), expansion.text.len());
        for problem in &expansion.problems {
            assert!(problem.span.end <= text.len());
        }
    }
    let vars = Default::default();
    let fragment = render_fragment(&PageInput { text: &text, body_start: 0, path: "page.md", includes: &NoIncludes, vars: &vars, markdown: true, raw_html: carnet::config::RawHtml::Keep });
    assert!(fragment.html.len() <= 256 * text.len() + 4096, "html grew {} → {}", text.len(), fragment.html.len());
    for reference in &fragment.refs {
        assert!(reference.span.start <= reference.span.end && reference.span.end <= text.len());
    }
});
