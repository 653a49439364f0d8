//! API blocks (`swagger`, `openapi`, `api-method` and their parts): an operation's method and
//! path, its parameters as a table, its responses as collapsible sections. The interactive
//! "try it" part has no static equivalent (the site says so once).

use std::ops::Range;

use super::super::context::Context;
use super::super::refs::{RefKind, UrlKind};
use super::esc;
use crate::gitbook::blocks::{Attrs, BlockKind};

pub fn open(ctx: &mut Context<'_>, name: &str, attrs: &Attrs, span: Range<usize>) -> String {
    if name.ends_with("-parameter") {
        return parameter_open(ctx, attrs);
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
        return operation_open(ctx, name, attrs, span);
    }
    let part = name.rsplit('-').next().unwrap_or(name);
    let class = if part == "parameters" {
        "parameter-group"
    } else {
        part
    };
    format!("<div class=\"api-{}\">\n", esc(class))
}

pub fn close(name: &str) -> &'static str {
    if name.ends_with("-parameter") {
        "</td></tr>\n"
    } else if name.ends_with("-response") || name.ends_with("-response-example") {
        "</details>\n"
    } else if is_operation(name) {
        "</section>\n"
    } else {
        "</div>\n"
    }
}

/// A run of parameters starts: a table around them.
pub fn parameters_open(ctx: &mut Context<'_>) -> String {
    format!(
        "<table class=\"api-parameters\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        ctx.word("api_name"),
        ctx.word("api_in"),
        ctx.word("api_type"),
        ctx.word("api_description")
    )
}

pub const PARAMETERS_CLOSE: &str = "</tbody></table>\n";

fn parameter_open(ctx: &mut Context<'_>, attrs: &Attrs) -> String {
    let mut html = String::from("<tr><td><code>");
    html.push_str(&esc(attrs.get("name").unwrap_or("")));
    html.push_str("</code>");
    if attrs.flag("required") {
        html.push_str(&format!(
            " <span class=\"api-required\">{}</span>",
            ctx.word("api_required")
        ));
    }
    let location = attrs
        .get("in")
        .map(str::to_string)
        .or_else(|| parameter_group_location(ctx))
        .unwrap_or_default();
    html.push_str(&format!(
        "</td><td>{}</td><td>{}</td><td>\n",
        esc(&location),
        esc(attrs.get("type").unwrap_or(""))
    ));
    if let Some(description) = attrs.get("description").filter(|d| !d.is_empty()) {
        html.push_str(&format!("<p>{}</p>\n", esc(description)));
    }
    html
}

/// Legacy `api-method-parameter`s say where they go by their group
/// (`api-method-path-parameters`…), not by an `in` attribute.
fn parameter_group_location(ctx: &Context<'_>) -> Option<String> {
    ctx.blocks.open.iter().rev().find_map(|b| match &b.kind {
        BlockKind::Api(name) => group_location(name),
        _ => None,
    })
}

/// Where the parameters of a legacy group (`api-method-path-parameters`…) go; `None` for a
/// block that is not such a group. The HTML and the page's Markdown both read it here.
pub(in crate::markdown) fn group_location(name: &str) -> Option<String> {
    if !(name.ends_with("-parameters") || name.ends_with("-headers")) {
        return None;
    }
    Some(
        match name
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

fn operation_open(ctx: &mut Context<'_>, name: &str, attrs: &Attrs, span: Range<usize>) -> String {
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
    if let Some(src) = attrs.get("src") {
        // A URL (GitBook wraps some in `<…>`).
        let src = src.trim().trim_start_matches('<').trim_end_matches('>');
        if ctx
            .refs
            .refuses_url(&span, src, "an API specification link")
        {
            html.push_str(&format!(
                "<p class=\"api-spec\">{} : {}</p>\n",
                ctx.word("api_spec"),
                esc(src)
            ));
            return html;
        }
        let marker = ctx.refs.marker(
            span,
            RefKind::Url {
                dest: src.to_string(),
                kind: UrlKind::Link,
            },
        );
        let label = ctx.word("api_spec");
        html.push_str(&format!(
            "<p class=\"api-spec\">{label} : <a href=\"{marker}\">{}</a></p>\n",
            esc(src)
        ));
    } else if let Some(spec) = attrs.get("spec") {
        // The name of a spec uploaded to GitBook (`spec="petstore"`): not a URL.
        let label = ctx.word("api_spec");
        html.push_str(&format!(
            "<p class=\"api-spec\">{label} : <code>{}</code></p>\n",
            esc(spec)
        ));
    }
    html
}

/// The blocks shown as one collapsible response.
pub(in crate::markdown) fn is_response(name: &str) -> bool {
    name == "swagger-response" || name.ends_with("-response-example")
}

/// The blocks that describe a whole API operation.
pub(in crate::markdown) fn is_operation(name: &str) -> bool {
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
