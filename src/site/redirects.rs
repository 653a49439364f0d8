//! `.gitbook.yaml` redirects: old paths that must keep working after pages moved.
//!
//! Keys are written the GitBook way (no leading slash, no `.md`, sometimes with a `#fragment`,
//! sometimes with zero-width characters pasted around them); targets are files, with or without
//! `.md` or `./`. Each old path becomes an HTML page (for any static host) and a `_redirects`
//! line (for hosts that read it, as a real 301).

use std::collections::BTreeMap;

use super::{PageId, Site};
use crate::diagnostic::{Diagnostic, LineIndex, display_path};
use crate::paths::{Unwritable, decode_path, join_path, url_path};

/// One old path and where it now leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The old path as a site folder (`old/page/`).
    pub from: String,
    /// Targets by `#fragment` of the old URL (`""`: no fragment).
    pub targets: BTreeMap<String, RedirectTarget>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectTarget {
    pub page: PageId,
    /// A `#fragment` to land on in the target page.
    pub fragment: Option<String>,
}

const ZERO_WIDTH: &[char] = &['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

impl Site {
    /// The site's redirects, grouped by old path, and what is wrong with the others.
    pub fn redirects(&self) -> (Vec<Redirect>, Vec<Diagnostic>) {
        let mut grouped: BTreeMap<String, BTreeMap<String, RedirectTarget>> = BTreeMap::new();
        let mut diagnostics = Vec::new();
        for (key, target) in &self.config.gitbook.redirects {
            let warn =
                |code: &'static str, message: String| self.gitbook_yaml_warning(code, message, key);
            if key.contains(ZERO_WIDTH) || target.contains(ZERO_WIDTH) {
                diagnostics.push(warn(
                    "redirect",
                    format!(
                        "redirect `{}` has invisible zero-width characters; they are ignored",
                        key.trim_matches(ZERO_WIDTH)
                    ),
                ));
            }
            let key = key.trim_matches(|c: char| c.is_whitespace() || ZERO_WIDTH.contains(&c));
            let (path, fragment) = key.split_once('#').unwrap_or((key, ""));
            let from = match folder_path(path) {
                Ok(from) => from,
                Err(why) => {
                    diagnostics.push(warn(
                        "redirect",
                        format!("redirect `{key}` is ignored: {why}"),
                    ));
                    continue;
                }
            };
            if from.is_empty() {
                diagnostics.push(warn(
                    "redirect",
                    format!("redirect `{key}` has no path to redirect from; it is ignored"),
                ));
                continue;
            }
            let resolved = match self.redirect_target(
                target.trim_matches(|c: char| c.is_whitespace() || ZERO_WIDTH.contains(&c)),
            ) {
                Ok(resolved) => resolved,
                Err(why) => {
                    diagnostics.push(warn(
                        "broken-redirect",
                        format!("redirect `{key}` → `{target}`: the target {why}"),
                    ));
                    continue;
                }
            };
            if self
                .page_by_url(&from)
                .is_some_and(|p| self.pages[p].published)
            {
                diagnostics.push(warn(
                    "redirect",
                    format!("redirect `{key}` would hide the page at /{from}; the page is kept"),
                ));
                continue;
            }
            grouped
                .entry(from)
                .or_default()
                .insert(fragment.to_string(), resolved);
        }
        let redirects = grouped
            .into_iter()
            .map(|(from, targets)| Redirect { from, targets })
            .collect();
        (redirects, diagnostics)
    }

    /// The page a redirect leads to, or why it leads nowhere.
    fn redirect_target(&self, target: &str) -> Result<RedirectTarget, &'static str> {
        const MISSING: &str = "does not exist";
        let (path, fragment) = match target.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment.to_string())),
            None => (target, None),
        };
        let path = join_path("", &decode_path(path.trim_start_matches("./"))).ok_or(MISSING)?;
        let stem = path.trim_end_matches('/').trim_end_matches(".md");
        let page = self
            .page_by_source(&path)
            .or_else(|| self.page_by_source(&format!("{stem}.md")))
            .or_else(|| self.page_by_source(&format!("{stem}/README.md")))
            .or_else(|| {
                folder_path(stem)
                    .ok()
                    .and_then(|path| self.page_by_url(&path))
            })
            .ok_or(MISSING)?;
        if !self.pages[page].published {
            return Err("exists but is not published (it is not in SUMMARY.md)");
        }
        Ok(RedirectTarget { page, fragment })
    }

    /// A warning located at `key`'s line in `.gitbook.yaml`.
    fn gitbook_yaml_warning(&self, code: &'static str, message: String, key: &str) -> Diagnostic {
        let diagnostic = Diagnostic::warning(code, message);
        let Some((path, text)) = &self.config.gitbook.file else {
            return diagnostic;
        };
        let shown = display_path(path, &self.config.site_dir);
        match text.find(key) {
            Some(at) => diagnostic.at(shown, &LineIndex::new(text), text, at..at + key.len()),
            None => diagnostic.in_file(shown),
        }
    }
}

/// `/old/page.md`, `old/page`, `old/page/` → `old/page/`; `a%20b` → `a b/` (the folder a server
/// serves `/a%20b/` from). Refused when it would be written outside the output folder
/// (`../x`, `%2e%2e/x`, `..\x`).
fn folder_path(path: &str) -> Result<String, Unwritable> {
    let clean = url_path(path.trim())?;
    let clean = clean.strip_suffix(".md").unwrap_or(&clean);
    Ok(if clean.is_empty() {
        String::new()
    } else {
        format!("{clean}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_paths_become_folders() {
        assert_eq!(folder_path("/old/page.md").as_deref(), Ok("old/page/"));
        assert_eq!(folder_path("old/page").as_deref(), Ok("old/page/"));
        assert_eq!(folder_path("a%20b").as_deref(), Ok("a b/"));
        assert_eq!(folder_path("/").as_deref(), Ok(""));
        assert_eq!(folder_path("../../x"), Err(Unwritable::LeavesOutput));
    }
}
