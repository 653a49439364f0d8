//! carnet: a static documentation site generator that reads GitBook exports as they are.
//!
//! The crate is a one-way pipeline of stages around a site model (see `DESIGN.md` in the shared
//! folder): `source` walks the files, `text` makes clean text of their bytes, `document` splits
//! front matter from body, `gitbook` reads GitBook's own syntax, `markdown` turns bodies into HTML
//! fragments, `site` is the model that resolves links and navigation, `render` applies the theme
//! and `output` writes the result atomically. Every command is a library function; `main.rs` only
//! parses the command line.
//!
//! What every stage needs sits below all of them and borrows from none: `diagnostic`, `paths`,
//! `yaml` (errors as diagnostics), `html` (the one HTML tokenizer), `commonmark` (the dialect and
//! where code is), `i18n`, `highlight`, `net` (the one HTTP/TLS stack), `report`. A module only uses modules below it; the order
//! is written down, and checked, in `tests/suite/layering.rs`.

pub mod build;
pub mod commonmark;
pub mod config;
pub mod deploy;
pub mod diagnostic;
pub mod document;
pub mod external;
pub mod fix_encoding;
pub mod git_dates;
pub mod gitbook;
pub mod highlight;
pub mod html;
pub mod i18n;
pub mod limits;
pub mod markdown;
pub mod net;
pub mod output;
pub mod paths;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
pub mod site;
pub mod source;
pub mod text;
pub mod yaml;
