//! The `markdown` stage: a page body becomes an HTML fragment plus what the site needs to know
//! about it (headings and their ids, the references it makes, its title candidate, its text).
//!
//! A tree before HTML: events → [`tree`] → transforms in one walk ([`walk`]: `headings`,
//! `links`, `variables`, `code`, `math`, `alerts`, `raw_html`, `cards`, `blocks/*`), with one
//! recorder of references and anchors ([`refs`]) → [`serialize`]. The same tree, read before
//! the walk, is also written as plain Markdown ([`to_markdown`]) for the page's `.md` output.

mod alerts;
mod block_store;
mod blocks;
mod cards;
mod code;
mod context;
mod footnotes;
mod fragment;
mod headings;
mod icons;
mod leniency;
mod links;
pub mod markers;
mod math;
mod packed;
mod plain_text;
mod raw_html;
mod refs;
mod sanitize;
mod serialize;
mod shortcodes;
mod slug;
#[cfg(test)]
mod tests;
mod to_markdown;
mod too_deep;
mod tree;
mod unsafe_urls;
mod variables;
mod walk;
mod words;

pub use block_store::BlockStore;
pub use context::Heading;
pub use fragment::{Fragment, PageInput, render_fragment, render_fragment_with};
pub(crate) use packed::Packed;
pub use packed::PackedParts;
pub use plain_text::Section;
pub use refs::{RefKind, Reference, UrlKind};
pub use shortcodes::replace_shortcodes;
pub use slug::{IdSet, gitbook_slug};
pub use to_markdown::PageMarkdown;
pub use words::{HEADING_WEIGHT, MAX_PAGE_TEXT, MAX_WORD_CHARS, PageWords, Words, words};
