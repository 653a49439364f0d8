//! GitBook's own structure and syntax: `.gitbook.yaml`, `SUMMARY.md` and (later) the `{% %}` blocks.
//!
//! Exports from GitBook are read as they are: this module knows GitBook's conventions so the rest
//! of the pipeline deals with a plain site model.

pub mod blocks;
mod config;
mod lost;
pub mod summary;

pub use config::{GITBOOK_FILE, GitbookConfig, content_root, load_gitbook_config, load_vars};

pub use lost::is_lost_link;
pub use summary::{Summary, SummaryEntry, SummaryItem, parse_summary};
