//! The last step: the transformed page tree written as HTML. pulldown-cmark's own writer writes
//! it (lists, tables and footnotes keep its numbering and spacing), from the tree flattened back
//! into events; what transforms made is written as it is.

use pulldown_cmark::{CowStr, Event};

use super::tree::Node;

/// The HTML of `nodes`.
pub fn to_html(nodes: Vec<Node<'_>>, capacity: usize) -> String {
    let mut events = Vec::with_capacity(capacity / 16);
    flatten(nodes, &mut events);
    let mut html = String::with_capacity(capacity);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// The events of `nodes`, for a writer (a heading writes its own content).
pub fn events(nodes: Vec<Node<'_>>) -> Vec<Event<'_>> {
    let mut events = Vec::new();
    flatten(nodes, &mut events);
    events
}

fn flatten<'a>(nodes: Vec<Node<'a>>, into: &mut Vec<Event<'a>>) {
    for node in nodes {
        match node {
            Node::Element { tag, children, .. } => {
                let end = tag.to_end();
                into.push(Event::Start(tag));
                flatten(children, into);
                into.push(Event::End(end));
            }
            Node::Leaf(event) => into.push(event),
            Node::Html { html, .. } => into.push(Event::Html(html)),
            Node::CardTable { html, .. } | Node::Output(html) => push_html(html, into),
            Node::Block { children, .. } => flatten(children, into),
            Node::Marker(_) | Node::BlockText(_) => {}
            Node::Wrap {
                open,
                children,
                close,
            } => {
                push_html(open, into);
                flatten(children, into);
                if !close.is_empty() {
                    into.push(Event::Html(CowStr::Borrowed(close)));
                }
            }
        }
    }
}

fn push_html<'a>(html: String, into: &mut Vec<Event<'a>>) {
    if !html.is_empty() {
        into.push(Event::Html(html.into()));
    }
}
