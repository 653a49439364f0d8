//! The last step: the transformed page tree written as HTML. pulldown-cmark's own writer writes
//! it (lists, tables and footnotes keep its numbering and spacing), from the tree read back as
//! events, one at a time; what transforms made is written as it is.

use pulldown_cmark::{CowStr, Event};

use super::tree::Node;

/// The HTML of `nodes`.
pub fn to_html(nodes: Vec<Node<'_>>, capacity: usize) -> String {
    let mut html = String::with_capacity(capacity);
    pulldown_cmark::html::push_html(&mut html, events(nodes));
    html
}

/// The events of `nodes`, in order, for a writer (a heading writes its own content).
pub fn events(nodes: Vec<Node<'_>>) -> Events<'_> {
    Events {
        stack: vec![(nodes.into_iter(), None)],
    }
}

/// The tree as events, consumed as it is read.
pub struct Events<'a> {
    /// The children being read at each depth, with the event that closes their parent.
    stack: Vec<(std::vec::IntoIter<Node<'a>>, Option<Event<'a>>)>,
}

impl<'a> Iterator for Events<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            let (children, _) = self.stack.last_mut()?;
            let Some(node) = children.next() else {
                let (_, end) = self.stack.pop()?;
                match end {
                    Some(end) => return Some(end),
                    None => continue,
                }
            };
            match node {
                Node::Element { tag, children, .. } => {
                    let end = Event::End(tag.to_end());
                    self.stack.push((children.into_iter(), Some(end)));
                    return Some(Event::Start(tag));
                }
                Node::Leaf(event) => return Some(event),
                Node::Math { latex, .. } => return Some(Event::DisplayMath(latex)),
                Node::Html { html, .. } => return Some(Event::Html(html)),
                Node::CardTable { html, .. } | Node::Output(html) if !html.is_empty() => {
                    return Some(Event::Html(html.into()));
                }
                Node::CardTable { .. } | Node::Output(_) | Node::Marker(_) | Node::BlockText(_) => {
                }
                Node::Block { children, .. } => self.stack.push((children.into_iter(), None)),
                Node::Wrap {
                    open,
                    children,
                    close,
                } => {
                    let close = (!close.is_empty()).then_some(Event::Html(CowStr::Borrowed(close)));
                    self.stack.push((children.into_iter(), close));
                    if !open.is_empty() {
                        return Some(Event::Html(open.into()));
                    }
                }
            }
        }
    }
}
