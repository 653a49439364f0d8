//! The one linker of the render stage: every `href` carnet writes (page links, sidebar,
//! breadcrumbs, cards, assets) is made here from a site path, relative to the page it appears on
//! (any base path, any static host), or absolute from the base path for the 404 page.

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::url::encode_path;

    #[test]
    fn absolute_linker_encodes_and_prefixes() {
        let linker = Linker::Absolute {
            base_path: "/docs/",
        };
        assert_eq!(linker.href(&encode_path("a b/")), "/docs/a%20b/");
        assert_eq!(linker.root(), "/docs/");
    }
}
