//! How `href`s are written from one page: the sidebar and the page's context both need it, so it
//! sits below them.

use crate::site::url::relative_href;

/// How `href`s are written: relative to the page (every page), or absolute from the site's base
/// path (the 404 page, which hosts serve at any depth).
#[derive(Clone, Copy, Debug)]
pub enum Linker<'a> {
    Relative { from: &'a str },
    Absolute { base_path: &'a str },
}

impl Linker<'_> {
    /// The `href` of the site path `to` (a page URL or a file path), already percent-encoded.
    pub fn href(&self, to: &str) -> String {
        match self {
            Linker::Relative { from } => relative_href(from, to),
            Linker::Absolute { base_path } => format!("{base_path}{to}"),
        }
    }

    /// The prefix that leads to the site root (`../../`, `/docs/`).
    pub fn root(&self) -> String {
        self.href("")
    }
}
