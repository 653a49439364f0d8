//! GitBook's blocks as the plain Markdown that says the same, for readers with no GitBook
//! renderer: a hint is a GitHub alert of its style, a tab a heading over its content, an embed
//! or a file a link, a stepper a numbered list, an update a heading with its date, an API block
//! its method, path, parameters and responses as text. Content-ref cards are markers the site
//! fills with a link titled as the target page is now.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, LinkType, Tag, TagEnd};

use super::super::blocks::api::{is_operation, is_response};
use super::super::tree::Node;
use super::Writer;
use crate::gitbook::blocks::{Attrs, BlockKind, BlockMarker};
use crate::markdown::refs::{RefKind, UrlKind};

/// The block of opening marker `marker` around `children`.
pub(super) fn block<'a>(w: &mut Writer<'_, 'a>, marker: usize, children: &[Node<'a>]) {
    let settings = w.settings;
    let Some(BlockMarker::Open { kind, attrs, .. }) = settings.markers.get(marker) else {
        return w.nodes(children);
    };
    if w.inline > 0 {
        // Only text can stand here (a block opened inside a paragraph or a table cell).
        return w.nodes(children);
    }
    match kind {
        BlockKind::Hint => {
            w.block_seen = true;
            w.wrap(Tag::BlockQuote(Some(alert_kind(attrs))), children);
        }
        BlockKind::Tab => {
            w.subheading(attrs.get("title").unwrap_or("").trim().to_string());
            w.nodes(children);
        }
        BlockKind::Code => {
            let title = attrs
                .get("title")
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            let outer = std::mem::replace(&mut w.code_title, title);
            w.nodes(children);
            w.code_title = outer;
        }
        BlockKind::Embed => {
            let url = attrs.get("url").unwrap_or("").trim();
            let text = attrs
                .get("caption")
                .filter(|c| !c.trim().is_empty())
                .unwrap_or(url);
            if !url.is_empty() {
                let link = link(w, url, text.to_string());
                w.paragraph(link);
            }
            w.nodes(children);
        }
        BlockKind::File => {
            let dest = attrs.get("src").unwrap_or("").trim().to_string();
            let marker = w.marker(RefKind::FileCard { dest });
            let mut line = vec![Event::Text(marker.into())];
            if let Some(caption) = attrs.get("caption").filter(|c| !c.trim().is_empty()) {
                line.push(Event::Text(format!(": {}", caption.trim()).into()));
            }
            w.paragraph(line);
            w.nodes(children);
        }
        BlockKind::Stepper => stepper(w, children),
        BlockKind::Update => {
            let date = attrs.get("date").unwrap_or("").trim();
            let tags = attrs.get("tags").unwrap_or("").trim();
            let heading = match (date.is_empty(), tags.is_empty()) {
                (_, true) => date.to_string(),
                (true, false) => tags.to_string(),
                (false, false) => format!("{date} · {tags}"),
            };
            if !heading.is_empty() {
                w.subheading(heading);
            }
            w.nodes(children);
        }
        BlockKind::Prompt => {
            if let Some(description) = attrs.get("description").filter(|d| !d.trim().is_empty()) {
                w.paragraph(emphasis(description.trim().to_string()));
            }
            w.nodes(children);
        }
        BlockKind::Api(name) => api(w, name, attrs, children),
        // Containers whose content says it all: tabs, columns, updates, adaptive content.
        _ => w.nodes(children),
    }
}

/// A marker that stands alone (`index` of the page's markers).
pub(super) fn standalone(w: &mut Writer<'_, '_>, index: usize) {
    let settings = w.settings;
    match settings.markers.get(index) {
        Some(BlockMarker::ContentRef { url, label, .. }) => {
            let marker = w.marker(RefKind::ContentRef {
                dest: url.clone(),
                label: label.clone(),
            });
            w.paragraph(vec![Event::Text(marker.into())]);
        }
        Some(BlockMarker::Open {
            kind: BlockKind::Integration(name),
            ..
        }) => {
            let note = format!("{} (@{name})", w.word("interactive_unavailable"));
            w.paragraph(emphasis(note));
        }
        Some(BlockMarker::Else) => {
            let otherwise = w.word("adaptive_else");
            w.paragraph(emphasis(otherwise));
        }
        Some(BlockMarker::RemoteInclude { url }) => {
            let note = format!("{} ({url})", w.word("remote_include"));
            w.paragraph(emphasis(note));
        }
        _ => {}
    }
}

/// A hint's style as the alert that says the same.
fn alert_kind(attrs: &Attrs) -> BlockQuoteKind {
    match attrs
        .get("style")
        .unwrap_or("info")
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "success" => BlockQuoteKind::Tip,
        "warning" => BlockQuoteKind::Warning,
        "danger" => BlockQuoteKind::Caution,
        _ => BlockQuoteKind::Note,
    }
}

/// `{% stepper %}`: a numbered list, a step per item.
fn stepper<'a>(w: &mut Writer<'_, 'a>, children: &[Node<'a>]) {
    w.block_seen = true;
    w.events.push(Event::Start(Tag::List(Some(1))));
    let settings = w.settings;
    let mut item_open = false;
    let mut i = 0;
    while i < children.len() {
        let step = match &children[i] {
            Node::Block {
                marker, children, ..
            } => matches!(
                settings.markers.get(*marker),
                Some(BlockMarker::Open {
                    kind: BlockKind::Step,
                    ..
                })
            )
            .then_some(children),
            _ => None,
        };
        match step {
            Some(content) => {
                if item_open {
                    w.events.push(Event::End(TagEnd::Item));
                }
                w.events.push(Event::Start(Tag::Item));
                w.nodes(content);
                w.events.push(Event::End(TagEnd::Item));
                item_open = false;
                i += 1;
            }
            None => {
                // Something between steps: in an item of its own, if it writes anything.
                let before = w.events.len();
                i = w.node(children, i);
                if !item_open && w.events.len() > before {
                    w.events.insert(before, Event::Start(Tag::Item));
                    item_open = true;
                }
            }
        }
    }
    if item_open {
        w.events.push(Event::End(TagEnd::Item));
    }
    w.events.push(Event::End(TagEnd::List(true)));
}

/// An API block's static text: an operation's method and path (with its summary, description
/// and specification), a parameter's name and what it is, a response's status.
fn api<'a>(w: &mut Writer<'_, 'a>, name: &str, attrs: &Attrs, children: &[Node<'a>]) {
    let text = |key: &str| attrs.get(key).map(str::trim).filter(|t| !t.is_empty());
    if name.ends_with("-parameter") {
        let mut about: Vec<String> = Vec::new();
        let location = text("in")
            .map(str::to_string)
            .or_else(|| w.api_location.clone());
        about.extend(location);
        about.extend(text("type").map(str::to_string));
        if attrs.flag("required") {
            about.push(w.word("api_required").to_string());
        }
        let mut line = vec![Event::Code(text("name").unwrap_or("").to_string().into())];
        if !about.is_empty() {
            line.push(Event::Text(format!(" ({})", about.join(", ")).into()));
        }
        if let Some(description) = text("description") {
            line.push(Event::Text(format!(": {description}").into()));
        }
        w.paragraph(line);
        return w.nodes(children);
    }
    if is_response(name) {
        let status = text("status").or_else(|| text("httpCode")).unwrap_or("");
        let mut line = vec![Event::Code(status.to_string().into())];
        if let Some(description) = text("description") {
            line.push(Event::Text(format!(" {description}").into()));
        }
        w.paragraph(line);
        return w.nodes(children);
    }
    if is_operation(name) {
        operation(w, attrs);
        return w.nodes(children);
    }
    let location = crate::markdown::blocks::api::group_location(name);
    let outer = match location {
        Some(location) => w.api_location.replace(location),
        None => w.api_location.clone(),
    };
    w.nodes(children);
    w.api_location = outer;
}

/// An operation's method and path, summary, description and specification.
fn operation(w: &mut Writer<'_, '_>, attrs: &Attrs) {
    let text = |key: &str| attrs.get(key).map(str::trim).filter(|t| !t.is_empty());
    let method = text("method").unwrap_or("").to_ascii_uppercase();
    let base = text("baseUrl").or_else(|| text("host")).unwrap_or("");
    let path = text("path").unwrap_or("");
    let mut line = Vec::new();
    if !method.is_empty() {
        line.push(Event::Start(Tag::Strong));
        line.push(Event::Text(method.into()));
        line.push(Event::End(TagEnd::Strong));
        line.push(Event::Text(" ".into()));
    }
    if !base.is_empty() || !path.is_empty() {
        line.push(Event::Code(format!("{base}{path}").into()));
    }
    w.paragraph(line);
    for key in ["summary", "description"] {
        if let Some(text) = text(key) {
            w.paragraph(vec![Event::Text(text.to_string().into())]);
        }
    }
    if let Some(spec) = text("src").or_else(|| text("spec")) {
        let mut line = vec![Event::Text(format!("{}: ", w.word("api_spec")).into())];
        line.extend(link(w, spec, spec.to_string()));
        w.paragraph(line);
    }
}

/// A link to `dest` (as written in a block's attributes, which the pre-pass has already made
/// relative to the page) reading `text`.
fn link<'a>(w: &mut Writer<'_, 'a>, dest: &str, text: String) -> Vec<Event<'a>> {
    let marker = w.marker(RefKind::Url {
        dest: dest.to_string(),
        kind: UrlKind::Link,
    });
    vec![
        Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: marker.into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }),
        Event::Text(text.into()),
        Event::End(TagEnd::Link),
    ]
}

fn emphasis<'a>(text: String) -> Vec<Event<'a>> {
    vec![
        Event::Start(Tag::Emphasis),
        Event::Text(text.into()),
        Event::End(TagEnd::Emphasis),
    ]
}
