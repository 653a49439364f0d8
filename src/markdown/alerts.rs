//! GitHub's alerts (`> [!WARNING]`): a block quote with its kind as a class and a title in the
//! site's language.

use pulldown_cmark::BlockQuoteKind;

use super::context::Context;

pub fn open(ctx: &mut Context<'_>, kind: BlockQuoteKind) -> String {
    let (class, key) = match kind {
        BlockQuoteKind::Note => ("note", "alert_note"),
        BlockQuoteKind::Tip => ("tip", "alert_tip"),
        BlockQuoteKind::Important => ("important", "alert_important"),
        BlockQuoteKind::Warning => ("warning", "alert_warning"),
        BlockQuoteKind::Caution => ("caution", "alert_caution"),
    };
    format!(
        "<blockquote class=\"markdown-alert markdown-alert-{class}\">\n<p class=\"markdown-alert-title\">{}</p>\n",
        ctx.word(key)
    )
}

pub const CLOSE: &str = "</blockquote>\n";
