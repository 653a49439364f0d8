//! The `markdown` stage: a page body becomes an HTML fragment plus what the site needs to know
//! about it (headings and their ids, the URLs it references, its title candidate).

mod fragment;
mod html_attrs;
mod leniency;
pub mod markers;
mod slug;

pub use fragment::{Fragment, Heading, UrlKind, UrlRef, render_fragment};
pub use html_attrs::{decode_entities, html_attr};
pub use slug::{IdSet, gitbook_slug};
