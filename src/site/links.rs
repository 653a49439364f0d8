//! Resolving the URLs a page references against the site model.
//!
//! Authors write links the way GitBook exports them: to `.md` files, to folders (`../x/`), with
//! `#anchors`, percent-encoded or in `<angle brackets>`. Each becomes an `href` relative to the page
//! it is on; external links stay as written. What does not resolve is a warning at its line (GitBook
//! still renders the page) and the link is left as written.

use pulldown_cmark_escape::escape_html;

use super::assemble::find_page;
use super::url::{decode_path, encode_path, is_external, join_path, parent_dir, relative_href};
use super::{PageId, Site};
use crate::diagnostic::Diagnostic;
use crate::markdown::{UrlKind, UrlRef, markers};

/// Where a written destination leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Left as written: external, empty, or mail/phone.
    External,
    /// A page (and maybe an anchor on it).
    Page {
        page: PageId,
        fragment: Option<String>,
    },
    /// A file copied to the output.
    Asset {
        path: String,
        suffix: String,
    },
    /// An anchor on the page itself.
    SamePage {
        fragment: String,
    },
    Missing {
        reason: String,
    },
}

impl Site {
    /// Resolves `dest`, written in the page `from`.
    pub fn resolve(&self, from: PageId, dest: &str) -> Target {
        let dest = dest.trim();
        if dest.is_empty() || is_external(dest) {
            return Target::External;
        }
        let (before_fragment, fragment) = match dest.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment.to_string())),
            None => (dest, None),
        };
        let (path, query) = match before_fragment.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (before_fragment, None),
        };
        if path.is_empty() {
            return match fragment {
                Some(fragment) if query.is_none() => Target::SamePage { fragment },
                _ => Target::External,
            };
        }
        let base_dir = parent_dir(&self.pages[from].source.rel);
        let Some(joined) = join_path(base_dir, &decode_path(path)) else {
            return Target::Missing {
                reason: "points outside the site".to_string(),
            };
        };
        if self.has_asset(&joined) {
            let mut suffix = query.map(|q| format!("?{q}")).unwrap_or_default();
            if let Some(fragment) = fragment {
                suffix.push('#');
                suffix.push_str(&fragment);
            }
            return Target::Asset {
                path: joined,
                suffix,
            };
        }
        match find_page(self, base_dir, path) {
            Some(page) => Target::Page { page, fragment },
            None => Target::Missing {
                reason: "not found".to_string(),
            },
        }
    }

    /// The page's HTML with every marker filled in, and a diagnostic for each reference that
    /// does not resolve.
    pub fn resolve_page_html(&self, id: PageId) -> (String, Vec<Diagnostic>) {
        let page = &self.pages[id];
        let mut diagnostics = Vec::new();
        let html = markers::fill_markers(&page.fragment.html, |index, out| {
            let Some(url_ref) = page.fragment.refs.get(index) else {
                return;
            };
            let (href, problem) = self.href_for(id, url_ref);
            let _ = escape_html(&mut *out, &href);
            diagnostics.extend(problem);
        });
        (html, diagnostics)
    }

    fn href_for(&self, from: PageId, url_ref: &UrlRef) -> (String, Option<Diagnostic>) {
        let page = &self.pages[from];
        let warn = |code: &'static str, message: String| {
            Diagnostic::warning(code, message).at(
                &page.display_path,
                &page.doc.lines,
                &page.doc.text,
                url_ref.span.clone(),
            )
        };
        let dest = url_ref.dest.trim();
        match self.resolve(from, dest) {
            Target::External => (dest.to_string(), None),
            Target::SamePage { fragment } => {
                let problem = (!page.has_anchor(&decode_path(&fragment))).then(|| {
                    warn(
                        "missing-anchor",
                        format!("`#{fragment}` is not an anchor of this page"),
                    )
                });
                (format!("#{fragment}"), problem)
            }
            Target::Asset { path, suffix } => (
                relative_href(&page.href_path, &encode_path(&path)) + &suffix,
                None,
            ),
            Target::Page {
                page: target,
                fragment,
            } => {
                let target_page = &self.pages[target];
                let mut href = relative_href(&page.href_path, &target_page.href_path);
                let mut problem = None;
                if !target_page.published {
                    let message = format!(
                        "`{dest}` leads to `{}`, which is not in SUMMARY.md and not published",
                        target_page.source.rel
                    );
                    problem = Some(warn("link-to-unpublished", message));
                }
                if let Some(fragment) = fragment {
                    if problem.is_none()
                        && !fragment.is_empty()
                        && !target_page.has_anchor(&decode_path(&fragment))
                    {
                        let message = format!(
                            "`{dest}`: `#{fragment}` is not an anchor of `{}`",
                            target_page.source.rel
                        );
                        problem = Some(warn("missing-anchor", message));
                    }
                    href.push('#');
                    href.push_str(&fragment);
                }
                (href, problem)
            }
            Target::Missing { reason } => {
                let (code, what) = match url_ref.kind {
                    UrlKind::Image => ("missing-image", "image"),
                    UrlKind::Link | UrlKind::HtmlAttr => ("broken-link", "link target"),
                };
                (
                    dest.to_string(),
                    Some(warn(code, format!("{what} `{dest}` {reason}"))),
                )
            }
        }
    }
}
