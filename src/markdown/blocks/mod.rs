//! GitBook blocks as HTML: what a reader on GitBook would see, without JavaScript frameworks and
//! without requests to other hosts.
//!
//! Every block renders readably with JavaScript off (tabs are titled sections the theme's script
//! turns into a tab list, embeds are link cards rather than third-party iframes). What depends on
//! the rest of the site (a content-ref's current title, a file's size) is a reference marker
//! resolved once the site is assembled. Each kind's file holds its opening and its closing
//! markup together; this module only dispatches.

mod adaptive;
pub(super) mod api;
mod code_options;
mod content_ref;
mod embed;
mod file;
mod hint;
mod layout;
mod notes;
mod players;
mod prompt;
mod tabs;
mod updates;

use std::ops::Range;

use pulldown_cmark_escape::escape_html;

use super::context::Context;
use crate::gitbook::blocks::{Attrs, BlockKind, BlockMarker};

/// Opens the block of marker `index` (an opening marker): its opening markup, and its kind.
pub fn open(ctx: &mut Context<'_>, index: usize) -> Option<(String, BlockKind)> {
    let Some(BlockMarker::Open {
        kind,
        attrs,
        ordinal,
        span,
    }) = ctx.settings.markers.get(index)
    else {
        return None;
    };
    let span = ctx.refs.body_span(span.clone());
    // Made before the block is pushed: an API parameter looks at the group around it.
    let html = open_html(ctx, kind, attrs, *ordinal, span);
    ctx.blocks.push(kind.clone(), attrs.clone());
    Some((html, kind.clone()))
}

/// Closes the innermost open block of `kind`: its closing markup.
pub fn close(ctx: &mut Context<'_>, kind: &BlockKind) -> &'static str {
    ctx.blocks.close(kind);
    close_html(kind)
}

/// The markup of a marker that stands alone (`index` of the page's markers).
pub fn standalone(ctx: &mut Context<'_>, index: usize) -> String {
    let Some(marker) = ctx.settings.markers.get(index) else {
        return String::new();
    };
    match marker {
        BlockMarker::Open { .. } => open(ctx, index).map(|(html, _)| html).unwrap_or_default(),
        BlockMarker::Close { kind } => close(ctx, kind).to_string(),
        BlockMarker::ContentRef { url, label, span } => {
            let span = ctx.refs.body_span(span.clone());
            content_ref::card(ctx, url, label, span)
        }
        BlockMarker::Else => adaptive::otherwise(ctx),
        BlockMarker::ParametersOpen => api::parameters_open(ctx),
        BlockMarker::ParametersClose => api::PARAMETERS_CLOSE.to_string(),
        BlockMarker::RemoteInclude { url } => notes::remote_include(ctx, url),
    }
}

fn open_html(
    ctx: &mut Context<'_>,
    kind: &BlockKind,
    attrs: &Attrs,
    ordinal: usize,
    span: Range<usize>,
) -> String {
    match kind {
        BlockKind::Hint => hint::open(ctx, attrs),
        BlockKind::Tabs => tabs::TABS_OPEN.to_string(),
        BlockKind::Tab => tabs::tab_open(ctx, attrs, ordinal),
        BlockKind::Embed => embed::open(ctx, attrs, span),
        BlockKind::Code => code_options::open(attrs),
        BlockKind::File => file::open(ctx, attrs, span),
        BlockKind::Stepper => layout::STEPPER_OPEN.to_string(),
        BlockKind::Step => layout::STEP_OPEN.to_string(),
        BlockKind::Columns => layout::COLUMNS_OPEN.to_string(),
        BlockKind::Column => layout::column_open(attrs),
        BlockKind::Updates => updates::UPDATES_OPEN.to_string(),
        BlockKind::Update => updates::update_open(attrs),
        BlockKind::Prompt => prompt::open(attrs),
        BlockKind::Api(name) => api::open(ctx, name, attrs, span),
        BlockKind::Integration(name) => notes::integration(ctx, name),
        BlockKind::AdaptiveIf => adaptive::OPEN.to_string(),
        BlockKind::ContentRef | BlockKind::PageRef | BlockKind::Include => String::new(),
    }
}

fn close_html(kind: &BlockKind) -> &'static str {
    match kind {
        BlockKind::Hint => hint::CLOSE,
        BlockKind::Tabs => tabs::TABS_CLOSE,
        BlockKind::Tab => tabs::TAB_CLOSE,
        BlockKind::Embed => embed::CLOSE,
        BlockKind::File => file::CLOSE,
        BlockKind::Code => code_options::CLOSE,
        BlockKind::AdaptiveIf => adaptive::CLOSE,
        BlockKind::Stepper => layout::STEPPER_CLOSE,
        BlockKind::Step => layout::STEP_CLOSE,
        BlockKind::Columns => layout::COLUMNS_CLOSE,
        BlockKind::Column => layout::COLUMN_CLOSE,
        BlockKind::Updates => updates::UPDATES_CLOSE,
        BlockKind::Update => updates::UPDATE_CLOSE,
        BlockKind::Prompt => prompt::CLOSE,
        BlockKind::Api(name) => api::close(name),
        BlockKind::ContentRef
        | BlockKind::PageRef
        | BlockKind::Include
        | BlockKind::Integration(_) => "",
    }
}

/// Text escaped for HTML (content and attribute values alike).
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}
