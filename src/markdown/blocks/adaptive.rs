//! `{% if … %}` … `{% else %}` … `{% endif %}`: adaptive content has no visitor on a static
//! site, so every branch is shown, the other ones labelled.

use super::super::context::Context;

pub const OPEN: &str = "<div class=\"adaptive-content\">\n";

/// `{% else %}`: the first branch ends, the next starts.
pub fn otherwise(ctx: &mut Context<'_>) -> String {
    format!(
        "</div>\n<div class=\"adaptive-content adaptive-else\"><p class=\"adaptive-label\">{}</p>\n",
        ctx.word("adaptive_else")
    )
}

pub const CLOSE: &str = "</div>\n";
