//! The integration suite: every whole-site test in one binary, so CI compiles and links it once.
//! (The browser tests are their own target, `tests/browser.rs`: they need Chromium.)

mod common;

mod block_snapshots;
mod build_cache;
mod build_cache_manifest;
mod build_cache_outputs;
mod build_front_matter;
mod build_headings;
mod build_links;
mod build_memory;
mod build_navigation;
mod build_output;
mod build_theme;
mod build_watch;
mod bundled_content;
mod check;
mod cli;
mod confinement_reads;
mod confinement_writes;
mod deploy;
mod dev_server;
mod docs_site;
mod encoding_repair;
mod external_links;
mod fix_encoding;
mod gitbook_errors;
mod gitbook_export;
mod html_injection;
mod layering;
mod live_rebuild;
mod outputs_llms;
mod outputs_markdown;
mod page_meta;
mod raw_html;
mod raw_html_sanitize;
mod reader;
mod real_exports;
mod search_index;
mod serve;
mod slow_inputs;
mod space_languages;
mod spaces;
