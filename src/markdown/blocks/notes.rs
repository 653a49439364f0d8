//! What a static site cannot show, said where it would be: an integration's interactive part
//! (`{% @marketo/form %}`), an include that lives on GitBook's servers.

use pulldown_cmark_escape::escape_html;

use super::super::context::Context;
use super::esc;

pub fn integration(ctx: &mut Context<'_>, name: &str) -> String {
    format!(
        "<div class=\"integration\" role=\"note\"><p>{} (<code>@{}</code>)</p></div>\n",
        ctx.word("interactive_unavailable"),
        esc(name)
    )
}

pub fn remote_include(ctx: &mut Context<'_>, url: &str) -> String {
    let mut html = format!(
        "<div class=\"include-remote\" role=\"note\"><p>{} (",
        ctx.word("remote_include")
    );
    let _ = escape_html(&mut html, url);
    html.push_str(")</p></div>\n");
    html
}
