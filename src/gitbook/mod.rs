//! GitBook's own syntax: `SUMMARY.md`, `.gitbook/vars.yaml` and the `{% %}` blocks (`.gitbook.yaml`
//! is configuration: `config` reads it).
//!
//! Exports from GitBook are read as they are: this module knows GitBook's conventions so the rest
//! of the pipeline deals with a plain site model.

pub mod blocks;
mod lost;
pub mod summary;
mod vars;

pub use vars::load_vars;

pub use lost::is_lost_link;
pub use summary::{Summary, SummaryEntry, SummaryItem, parse_summary};
