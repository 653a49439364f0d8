//! GitBook blocks as HTML: what a reader on GitBook would see, without JavaScript frameworks and
//! without requests to other hosts.
//!
//! Every block renders readably with JavaScript off (tabs are titled sections the theme's script
//! turns into a tab list, embeds are link cards rather than third-party iframes). What depends on
//! the rest of the site (a content-ref's current title, a file's size) is a reference marker
//! resolved once the site is assembled.

use std::ops::Range;

use pulldown_cmark_escape::escape_html;

use super::fragment::{Builder, OpenBlock, RefKind, UrlKind};
use super::markers::push_marker;
use crate::gitbook::blocks::{Attrs, BlockKind, BlockMarker};

impl Builder<'_> {
    /// Renders block marker `index`.
    pub(super) fn block_marker(&mut self, index: usize) {
        let Some(marker) = self.block_markers.get(index).cloned() else {
            return;
        };
        match marker {
            BlockMarker::Open {
                kind,
                attrs,
                ordinal,
                span,
            } => {
                if let Some(parent) = self.open_blocks.last_mut() {
                    parent.empty = false;
                }
                let span = self.body_span(span);
                let html = self.open_html(&kind, &attrs, ordinal, span);
                self.push_html(html);
                if !kind.is_void() {
                    self.open_blocks.push(OpenBlock {
                        kind,
                        attrs,
                        empty: true,
                    });
                }
            }
            BlockMarker::Close { kind } => {
                if let Some(position) = self.open_blocks.iter().rposition(|b| b.kind == kind) {
                    self.open_blocks.truncate(position);
                }
                self.push_html(close_html(&kind).to_string());
            }
            BlockMarker::ContentRef { url, label, span } => {
                let span = self.body_span(span);
                if self.refuses_url(&span, &url, "a content-ref") {
                    let text = if label.is_empty() { &url } else { &label };
                    let html = format!(
                        "<div class=\"content-ref content-ref-missing\"><span class=\"content-ref-title\">{}</span></div>\n",
                        esc(text)
                    );
                    return self.push_html(html);
                }
                let index = self.add_ref(span, RefKind::ContentRef { dest: url, label });
                self.push_marker_html(index);
            }
            BlockMarker::Else => {
                let html = format!(
                    "</div>\n<div class=\"adaptive-content adaptive-else\"><p class=\"adaptive-label\">{}</p>\n",
                    self.word("adaptive_else")
                );
                self.push_html(html);
            }
            BlockMarker::ParametersOpen => {
                let html = format!(
                    "<table class=\"api-parameters\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
                    self.word("api_name"),
                    self.word("api_in"),
                    self.word("api_type"),
                    self.word("api_description")
                );
                self.push_html(html);
            }
            BlockMarker::ParametersClose => self.push_html("</tbody></table>\n".to_string()),
            BlockMarker::RemoteInclude { url } => {
                let mut html = format!(
                    "<div class=\"include-remote\" role=\"note\"><p>{} (",
                    self.word("remote_include")
                );
                let _ = escape_html(&mut html, &url);
                html.push_str(")</p></div>\n");
                self.push_html(html);
            }
        }
    }

    fn open_html(
        &mut self,
        kind: &BlockKind,
        attrs: &Attrs,
        ordinal: usize,
        span: Range<usize>,
    ) -> String {
        match kind {
            BlockKind::Hint => {
                let style = attrs.get("style").unwrap_or("info").to_ascii_lowercase();
                // Only a known style reaches the class attribute (the rest is shown as info).
                let (style, label) = match style.as_str() {
                    "success" => ("success", self.word("hint_success")),
                    "warning" => ("warning", self.word("hint_warning")),
                    "danger" => ("danger", self.word("hint_danger")),
                    _ => ("info", self.word("hint_info")),
                };
                format!("<div class=\"hint hint-{style}\" role=\"note\" aria-label=\"{label}\">\n")
            }
            BlockKind::Tabs => "<div class=\"tabs\">\n".to_string(),
            BlockKind::Tab => {
                let title = esc(attrs.get("title").unwrap_or(""));
                format!(
                    "<section class=\"tab-panel\" data-tab=\"{ordinal}\" data-title=\"{title}\">\n<p class=\"tab-title\">{title}</p>\n"
                )
            }
            BlockKind::Embed => self.embed_open(attrs, span),
            BlockKind::Code => code_open(attrs),
            BlockKind::File => {
                let dest = attrs.get("src").unwrap_or("").trim().to_string();
                let index = self.add_ref(span, RefKind::FileCard { dest });
                let mut html = String::from("<figure class=\"file\">");
                push_marker(&mut html, index);
                html.push_str("<figcaption>");
                if let Some(caption) = attrs.get("caption") {
                    html.push_str(&esc(caption));
                }
                html
            }
            BlockKind::Stepper => "<ol class=\"stepper\">\n".to_string(),
            BlockKind::Step => "<li class=\"step\">\n".to_string(),
            BlockKind::Columns => "<div class=\"columns\">\n".to_string(),
            BlockKind::Column => {
                let width = attrs.get("width").and_then(percentage);
                match width {
                    Some(w) => format!("<div class=\"column\" style=\"flex-basis: {w}%\">\n"),
                    None => "<div class=\"column\">\n".to_string(),
                }
            }
            BlockKind::Updates => "<div class=\"updates\">\n".to_string(),
            BlockKind::Update => update_open(attrs),
            BlockKind::Prompt => {
                let mut html = String::from("<div class=\"prompt\">");
                if let Some(description) = attrs.get("description") {
                    html.push_str(&format!(
                        "<p class=\"prompt-description\">{}</p>",
                        esc(description)
                    ));
                }
                html.push_str("<div class=\"prompt-body\">\n");
                html
            }
            BlockKind::Api(name) => self.api_open(name, attrs, span),
            BlockKind::Integration(name) => {
                format!(
                    "<div class=\"integration\" role=\"note\"><p>{} (<code>@{}</code>)</p></div>\n",
                    self.word("interactive_unavailable"),
                    esc(name)
                )
            }
            BlockKind::AdaptiveIf => "<div class=\"adaptive-content\">\n".to_string(),
            BlockKind::ContentRef | BlockKind::PageRef | BlockKind::Include => String::new(),
        }
    }

    fn embed_open(&mut self, attrs: &Attrs, span: Range<usize>) -> String {
        let url = attrs.get("url").unwrap_or("").trim().to_string();
        if self.refuses_url(&span, &url, "an embed") {
            let mut html = String::from(
                "<figure class=\"embed\"><span class=\"embed-card\"><span class=\"embed-url\">",
            );
            html.push_str(&esc(&url));
            html.push_str("</span></span><figcaption>");
            if let Some(caption) = attrs.get("caption") {
                html.push_str(&esc(caption));
            }
            return html;
        }
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', '?', '#']).next())
            .unwrap_or(&url)
            .to_string();
        let index = self.add_ref(
            span,
            RefKind::Url {
                dest: url.clone(),
                kind: UrlKind::Link,
            },
        );
        let mut html = String::from("<figure class=\"embed\"><a class=\"embed-card\" href=\"");
        push_marker(&mut html, index);
        html.push_str("\" rel=\"noopener\"><span class=\"embed-host\">");
        html.push_str(&esc(host.trim_start_matches("www.")));
        html.push_str("</span><span class=\"embed-url\">");
        html.push_str(&esc(&url));
        html.push_str("</span></a><figcaption>");
        if let Some(caption) = attrs.get("caption") {
            html.push_str(&esc(caption));
        }
        html
    }

    fn api_open(&mut self, name: &str, attrs: &Attrs, span: Range<usize>) -> String {
        if name.ends_with("-parameter") {
            let mut html = String::from("<tr><td><code>");
            html.push_str(&esc(attrs.get("name").unwrap_or("")));
            html.push_str("</code>");
            if attrs.flag("required") {
                html.push_str(&format!(
                    " <span class=\"api-required\">{}</span>",
                    self.word("api_required")
                ));
            }
            let location = attrs
                .get("in")
                .map(str::to_string)
                .or_else(|| self.parameter_group_location())
                .unwrap_or_default();
            html.push_str(&format!(
                "</td><td>{}</td><td>{}</td><td>\n",
                esc(&location),
                esc(attrs.get("type").unwrap_or(""))
            ));
            if let Some(description) = attrs.get("description").filter(|d| !d.is_empty()) {
                html.push_str(&format!("<p>{}</p>\n", esc(description)));
            }
            return html;
        }
        if is_response(name) {
            let status = attrs
                .get("status")
                .or_else(|| attrs.get("httpCode"))
                .unwrap_or("");
            let description = attrs.get("description").unwrap_or("");
            return format!(
                "<details class=\"api-response\"><summary><code>{}</code> {}</summary>\n",
                esc(status),
                esc(description)
            );
        }
        if is_operation(name) {
            return self.api_operation_open(name, attrs, span);
        }
        let part = name.rsplit('-').next().unwrap_or(name);
        let class = if part == "parameters" {
            "parameter-group"
        } else {
            part
        };
        format!("<div class=\"api-{}\">\n", esc(class))
    }

    /// Legacy `api-method-parameter`s say where they go by their group
    /// (`api-method-path-parameters`…), not by an `in` attribute.
    fn parameter_group_location(&self) -> Option<String> {
        let group = self.open_blocks.iter().rev().find_map(|b| match &b.kind {
            BlockKind::Api(name) if name.ends_with("-parameters") || name.ends_with("-headers") => {
                Some(name.as_str())
            }
            _ => None,
        })?;
        Some(
            match group
                .trim_start_matches("api-method-")
                .trim_end_matches("-parameters")
            {
                "path" => "path",
                "query" => "query",
                "headers" => "header",
                "body" => "body",
                "form-data" => "formData",
                other => other,
            }
            .to_string(),
        )
    }

    fn api_operation_open(&mut self, name: &str, attrs: &Attrs, span: Range<usize>) -> String {
        let method = attrs.get("method").unwrap_or("").to_ascii_uppercase();
        let base = attrs
            .get("baseUrl")
            .or_else(|| attrs.get("host"))
            .unwrap_or("");
        let path = attrs.get("path").unwrap_or("");
        let mut html = format!(
            "<section class=\"api-operation api-{}\"><header class=\"api-header\">",
            esc(name)
        );
        if !method.is_empty() {
            html.push_str(&format!(
                "<span class=\"api-method api-method-{}\">{}</span> ",
                esc(&method.to_ascii_lowercase()),
                esc(&method)
            ));
        }
        html.push_str(&format!(
            "<code class=\"api-path\">{}{}</code></header>\n",
            esc(base),
            esc(path)
        ));
        for key in ["summary", "description"] {
            if let Some(text) = attrs.get(key).filter(|t| !t.is_empty()) {
                html.push_str(&format!("<p class=\"api-{key}\">{}</p>\n", esc(text)));
            }
        }
        if let Some(spec) = attrs.get("src").or_else(|| attrs.get("spec")) {
            if self.refuses_url(&span, spec, "an API specification link") {
                html.push_str(&format!(
                    "<p class=\"api-spec\">{} : {}</p>\n",
                    self.word("api_spec"),
                    esc(spec)
                ));
                return html;
            }
            let index = self.add_ref(
                span,
                RefKind::Url {
                    dest: spec.to_string(),
                    kind: UrlKind::Link,
                },
            );
            let mut link = format!(
                "<p class=\"api-spec\">{} : <a href=\"",
                self.word("api_spec")
            );
            push_marker(&mut link, index);
            link.push_str(&format!("\">{}</a></p>\n", esc(spec)));
            html.push_str(&link);
        }
        html
    }
}

fn close_html(kind: &BlockKind) -> &'static str {
    match kind {
        BlockKind::Hint
        | BlockKind::Tabs
        | BlockKind::Columns
        | BlockKind::Column
        | BlockKind::Updates => "</div>\n",
        BlockKind::Code | BlockKind::AdaptiveIf => "</div>\n",
        BlockKind::Tab => "</section>\n",
        BlockKind::Embed | BlockKind::File => "</figcaption></figure>\n",
        BlockKind::Stepper => "</ol>\n",
        BlockKind::Step => "</li>\n",
        BlockKind::Update => "</article>\n",
        BlockKind::Prompt => "</div></div>\n",
        BlockKind::Api(name) if name.ends_with("-parameter") => "</td></tr>\n",
        BlockKind::Api(name)
            if name.ends_with("-response") || name.ends_with("-response-example") =>
        {
            "</details>\n"
        }
        BlockKind::Api(name) if is_operation(name) => "</section>\n",
        BlockKind::Api(_) => "</div>\n",
        BlockKind::ContentRef
        | BlockKind::PageRef
        | BlockKind::Include
        | BlockKind::Integration(_) => "",
    }
}

/// The blocks shown as one collapsible response.
fn is_response(name: &str) -> bool {
    name == "swagger-response" || name.ends_with("-response-example")
}

/// The blocks that describe a whole API operation.
fn is_operation(name: &str) -> bool {
    matches!(
        name,
        "swagger"
            | "openapi"
            | "api-method"
            | "openapi-operation"
            | "openapi-webhook"
            | "openapi-schemas"
    )
}

fn code_open(attrs: &Attrs) -> String {
    let mut classes = String::from("code-block");
    if attrs
        .get("overflow")
        .is_some_and(|o| o.eq_ignore_ascii_case("wrap"))
    {
        classes.push_str(" code-wrap");
    }
    if attrs.flag("lineNumbers") {
        classes.push_str(" code-line-numbers");
    }
    if attrs.flag("expandable") {
        classes.push_str(" code-expandable");
    }
    let mut html = format!("<div class=\"{classes}\">");
    if let Some(title) = attrs.get("title").filter(|t| !t.trim().is_empty()) {
        html.push_str(&format!("<div class=\"code-title\">{}</div>", esc(title)));
    }
    html.push('\n');
    html
}

fn update_open(attrs: &Attrs) -> String {
    let date = attrs.get("date").unwrap_or("").trim();
    let mut html = String::from("<article class=\"update\"><header class=\"update-header\">");
    if !date.is_empty() {
        html.push_str(&format!("<time datetime=\"{0}\">{0}</time>", esc(date)));
    }
    if let Some(tags) = attrs.get("tags").filter(|t| !t.trim().is_empty()) {
        for tag in tags.split(',') {
            html.push_str(&format!(
                " <span class=\"update-tag\">{}</span>",
                esc(tag.trim())
            ));
        }
    }
    html.push_str("</header>\n");
    html
}

/// `50%`, `"33.3"`: a percentage between 1 and 100, digits and one dot only.
fn percentage(value: &str) -> Option<String> {
    let number = value.trim().trim_end_matches('%');
    let parsed: f32 = number.parse().ok()?;
    (number.chars().all(|c| c.is_ascii_digit() || c == '.') && (1.0..=100.0).contains(&parsed))
        .then(|| number.to_string())
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_widths_are_sanitised() {
        assert_eq!(percentage("50%").as_deref(), Some("50"));
        assert_eq!(percentage("33.3").as_deref(), Some("33.3"));
        assert_eq!(percentage("100%; background:red"), None);
        assert_eq!(percentage("0"), None);
    }
}
