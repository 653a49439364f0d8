//! `raw_html: sanitize`: a page's HTML through an allowlist, for sites that publish pages from
//! hands they do not trust.
//!
//! Raw HTML reaches a page as pieces between Markdown (`<details>`, a paragraph, `</details>`),
//! so no piece can be judged alone: the whole fragment is cleaned once it is rendered, before its
//! markers are filled (their values are carnet's: resolved links and cards, checked then). The
//! allowlist ([ammonia](https://docs.rs/ammonia)) keeps everything carnet writes — MathML, code
//! highlighting, blocks with their `data-` and `aria-` attributes — and what GitBook exports use
//! (`details`, `figure`, `picture`, tables, `mark`, ids and classes); it drops scripts, styles,
//! event handlers, `style` properties beyond a few harmless ones, and URLs other than
//! `http(s):`, `mailto:`, `tel:` and relative ones.

use std::sync::OnceLock;

use super::markers::{CLOSE, OPEN, fill_markers, push_marker};
use super::refs::{RefKind, Reference};

/// The attribute that carries a Markdown link's marker through the sanitizer.
const LINK_ATTR: &str = "<a data-carnet-link=\"";

/// A page's fragment (markers not yet filled; `refs` says what each stands for) with everything
/// that is not on the allowlist removed. A Markdown link's marker stands for its whole start tag,
/// which the sanitizer would not see (its `</a>` would look stray and be dropped): it goes
/// through as an `<a>` carrying the marker, and comes back as the marker.
pub fn sanitize_fragment(html: &str, refs: &[Reference]) -> String {
    let wrapped = fill_markers(html, |index, out| {
        let is_link = refs
            .get(index)
            .is_some_and(|r| matches!(r.kind, RefKind::Link { .. }));
        if is_link {
            out.push_str(LINK_ATTR);
        }
        push_marker(out, index);
        if is_link {
            out.push_str("\">");
        }
    });
    let clean = sanitize_html(&wrapped);
    let mut out = String::with_capacity(clean.len());
    let mut rest = clean.as_str();
    while let Some(at) = rest.find(LINK_ATTR) {
        out.push_str(&rest[..at]);
        let after = &rest[at + LINK_ATTR.len()..];
        let marker = after.find("\">").map(|end| &after[..end]);
        match marker.filter(|m| m.starts_with(OPEN) && m.ends_with(CLOSE)) {
            Some(marker) => {
                out.push_str(marker);
                rest = &after[marker.len() + 2..];
            }
            None => {
                out.push_str(LINK_ATTR);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `html` with everything that is not on the allowlist removed.
pub fn sanitize_html(html: &str) -> String {
    sanitizer().clean(html).to_string()
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .add_tags(HTML_TAGS)
            .add_tags(MATHML_TAGS)
            .add_generic_attributes([
                "id", "class", "role", "tabindex", "style", "hidden", "align",
            ])
            .add_generic_attribute_prefixes(["data-", "aria-"])
            .add_tag_attributes("a", ["download", "rel", "target"])
            .add_tag_attributes("img", ["loading", "srcset", "sizes", "decoding"])
            .add_tag_attributes("source", ["src", "srcset", "media", "type", "sizes"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("time", ["datetime"])
            .add_tag_attributes("details", ["open"])
            .add_tag_attributes("th", ["width", "align"])
            .add_tag_attributes("td", ["width", "align"])
            .add_tag_attributes("ol", ["start", "type", "reversed"])
            .add_tag_attributes("code", ["lang"])
            .add_generic_attributes(MATHML_ATTRIBUTES)
            .filter_style_properties(
                [
                    "color",
                    "background-color",
                    "text-align",
                    "vertical-align",
                    "width",
                    "height",
                    "flex-basis",
                ]
                .into(),
            )
            .url_schemes(["http", "https", "mailto", "tel"].into())
            .link_rel(None);
        builder
    })
}

/// Besides ammonia's defaults (text, lists, tables, `details`, `figure`, `mark`, `time`…).
const HTML_TAGS: [&str; 6] = ["picture", "source", "section", "article", "input", "main"];

/// What `$$…$$` formulas are made of.
const MATHML_TAGS: [&str; 27] = [
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "mspace",
    "msup",
    "msub",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "mover",
    "munder",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mstyle",
    "mpadded",
    "mphantom",
    "menclose",
    "merror",
];

const MATHML_ATTRIBUTES: [&str; 24] = [
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "separator",
    "lspace",
    "rspace",
    "movablelimits",
    "largeop",
    "displaystyle",
    "scriptlevel",
    "width",
    "height",
    "depth",
    "linethickness",
    "accent",
    "accentunder",
    "columnalign",
    "rowspacing",
    "columnspacing",
    "encoding",
    "notation",
    "minsize",
    "maxsize",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_and_what_gitbook_writes_stays() {
        let dirty = "<p onclick=\"x()\">a<script>alert(1)</script><img src=\"x.png\" onerror=\"alert(2)\"></p><a href=\"javascript:alert(3)\">j</a><div style=\"background:url(javascript:x);color:red\">c</div><iframe src=\"https://x\"></iframe>";
        let clean = sanitize_html(dirty);
        for gone in [
            "onclick",
            "<script",
            "alert",
            "onerror",
            "javascript",
            "<iframe",
            "url(",
        ] {
            assert!(!clean.contains(gone), "{gone} in {clean}");
        }
        assert!(clean.contains("color:red"), "{clean}");
        let gitbook = "<details><summary>S</summary><p id=\"x\" class=\"y\">t</p></details><figure><picture><source srcset=\"d.png\" media=\"(prefers-color-scheme: dark)\"><img src=\"l.png\" alt=\"a\"></picture><figcaption>c</figcaption></figure><table data-view=\"cards\"><tr><td><mark class=\"mark-red\">m</mark></td></tr></table>";
        let kept = sanitize_html(gitbook);
        for stays in [
            "<details>",
            "<summary>",
            "id=\"x\"",
            "class=\"y\"",
            "<picture>",
            "<source srcset=\"d.png\" media=\"(prefers-color-scheme: dark)\">",
            "<figcaption>",
            "data-view=\"cards\"",
            "<mark class=\"mark-red\">",
        ] {
            assert!(kept.contains(stays), "{stays} lost: {kept}");
        }
    }
}
