//! Redirect pages and the `_redirects` file.
//!
//! A redirect page works on any static host: a meta refresh, a canonical link to the new page, a
//! visible link for readers whose browser does not follow, and (when the old URL's `#fragment`
//! chose the target) a one-line script. `_redirects` gives hosts that read it (Netlify, Cloudflare
//! Pages) a real 301 for every plain old path.

use pulldown_cmark_escape::escape_html;

use crate::site::Site;
use crate::site::redirects::{Redirect, RedirectTarget};
use crate::site::url::encode_path;

use super::linker::Linker;

/// The HTML page written at `redirect.from`.
pub fn redirect_page(site: &Site, redirect: &Redirect) -> String {
    let from = encode_path(&redirect.from);
    let href = |target: &RedirectTarget| {
        let mut href = Linker::Relative { from: &from }.href(&site.pages[target.page].href_path);
        if let Some(fragment) = &target.fragment {
            href.push('#');
            href.push_str(fragment);
        }
        href
    };
    let Some(default) = redirect
        .targets
        .get("")
        .or_else(|| redirect.targets.values().next())
    else {
        return String::new();
    };
    let default_href = esc(&href(default));
    let title = esc(&site.pages[default.page].title);
    let canonical = match &site.config.base_url {
        Some(base) => esc(&format!("{base}{}", site.pages[default.page].href_path)),
        None => default_href.clone(),
    };
    let by_fragment: serde_json::Map<String, serde_json::Value> = redirect
        .targets
        .iter()
        .filter(|(fragment, _)| !fragment.is_empty())
        .map(|(fragment, target)| (format!("#{fragment}"), href(target).into()))
        .collect();
    let script = if by_fragment.is_empty() {
        String::new()
    } else {
        format!(
            "<script>var t={}[location.hash];if(t)location.replace(t);</script>\n",
            script_json(&serde_json::Value::Object(by_fragment))
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n{script}<meta http-equiv=\"refresh\" content=\"0; url={default_href}\">\n</head>\n<body>\n<p><a href=\"{default_href}\">{title}</a></p>\n</body>\n</html>\n",
        lang = esc(&site.language),
    )
}

/// `_redirects`: one `old new 301` line per old path (fragments are not sent to servers).
pub fn redirects_file(site: &Site, redirects: &[Redirect]) -> String {
    let base = site.config.base_path();
    let mut out = String::new();
    for redirect in redirects {
        let Some(target) = redirect.targets.get("") else {
            continue;
        };
        let from = encode_path(redirect.from.trim_end_matches('/'));
        out.push_str(&format!(
            "{base}{from} {base}{} 301\n",
            site.pages[target.page].href_path
        ));
    }
    out
}

/// JSON to write inside `<script>`: `<`, `>` and `&` as `\u` escapes, so no string in it can
/// close the element (`</script>`) or open a comment (`<!--`); the value read is the same.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}
