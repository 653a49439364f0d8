//! What the transforms of one page share while the walk goes through its tree: the recorder of
//! references and anchors, the text collected for search, the GitBook blocks open around the
//! node being visited, and the page's settings.

use std::collections::BTreeMap;

use super::plain_text::TextCollector;
use super::refs::RefKind;
use super::refs::RefRecorder;
use crate::gitbook::blocks::{Attrs, BlockKind, BlockMarker};

/// The state of one page's walk.
pub struct Context<'p> {
    pub refs: RefRecorder,
    pub text: TextCollector,
    pub blocks: BlockStack,
    pub settings: Settings<'p>,
    /// Every heading with its id, in order (the title H1 excluded).
    pub headings: Vec<Heading>,
    /// Plain text of the first `#` heading, a title candidate.
    pub first_h1: Option<String>,
    pub has_mermaid: bool,
    pub has_math: bool,
    /// Footnote labels in the order they are first met (their numbers).
    pub footnotes: Vec<String>,
}

/// A heading of the page's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// What the page is rendered with.
pub struct Settings<'p> {
    /// `.gitbook/vars.yaml`: the values of `space.vars.NAME` expressions.
    pub vars: &'p BTreeMap<String, String>,
    /// What each GitBook marker line of the page stands for.
    pub markers: &'p [BlockMarker],
}

impl Context<'_> {
    /// A word of carnet's own (a hint's label, a table header): a marker, since the page's
    /// language is settled with its space, once every page is rendered.
    pub fn word(&mut self, key: &'static str) -> String {
        self.refs.marker(0..0, RefKind::Word { key })
    }
}

/// The GitBook blocks open around the node being visited, innermost last, in the order their
/// markers were met (a block may outlive the CommonMark container it opened in).
#[derive(Default)]
pub struct BlockStack {
    pub open: Vec<OpenBlock>,
    /// A non-HTML block has started: a `#` heading after this is not the page title.
    pub block_seen: bool,
}

pub struct OpenBlock {
    pub kind: BlockKind,
    pub attrs: Attrs,
    /// Nothing rendered inside yet: a heading here is the hint's title.
    pub empty: bool,
}

impl BlockStack {
    /// A block-level element starts: the page title can no longer follow, and the innermost
    /// open GitBook block is no longer empty.
    pub fn block_starts(&mut self) {
        self.block_seen = true;
        if let Some(block) = self.open.last_mut() {
            block.empty = false;
        }
    }

    /// A GitBook block opens inside the innermost one.
    pub fn push(&mut self, kind: BlockKind, attrs: Attrs) {
        if let Some(parent) = self.open.last_mut() {
            parent.empty = false;
        }
        if !kind.is_void() {
            self.open.push(OpenBlock {
                kind,
                attrs,
                empty: true,
            });
        }
    }

    /// The innermost open block of `kind` closes, with the blocks opened inside it.
    pub fn close(&mut self, kind: &BlockKind) {
        if let Some(position) = self.open.iter().rposition(|b| &b.kind == kind) {
            self.open.truncate(position);
        }
    }

    pub fn innermost(&self) -> Option<&OpenBlock> {
        self.open.last()
    }
}
