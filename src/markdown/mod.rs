//! The `markdown` stage: a page body becomes an HTML fragment plus what the site needs to know
//! about it (headings and their ids, the references it makes, its title candidate).

mod blocks;
mod cards;
mod code;
mod fragment;
mod html_attrs;
mod leniency;
pub mod markers;
mod math;
mod plain_text;
mod raw_html;
mod sanitize;
mod slug;
#[cfg(test)]
mod tests;
mod too_deep;
mod unsafe_urls;

pub use fragment::{
    Fragment, Heading, PageInput, RefKind, Reference, UrlKind, markdown_options, render_fragment,
};
pub use html_attrs::{decode_entities, html_attr};
pub use plain_text::Section;
pub use slug::{IdSet, gitbook_slug};
