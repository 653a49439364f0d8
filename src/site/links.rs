//! Resolving what a page references against the site model.
//!
//! Authors write links the way GitBook exports them: to `.md` files, to folders (`../x/`), with
//! `#anchors`, percent-encoded or in `<angle brackets>`. Each becomes an `href` relative to the page
//! it is on; external links stay as written. What does not resolve is a warning at its line (GitBook
//! still renders the page) and the link is left as written. Content-ref cards and mentions show
//! their target's *current* title, as GitBook does; file cards show the file's size.

use std::fmt::Write;

use pulldown_cmark_escape::escape_html;

use super::assemble::find_page;
use super::spaces::gitbook_space_id;
use super::url::{decode_path, encode_path, is_external, join_path, parent_dir, relative_href};
use super::{PageId, Site};
use crate::config::RawHtml;
use crate::diagnostic::Diagnostic;
use crate::i18n::word;
use crate::markdown::{RefKind, Reference, UrlKind, markers};
use crate::paths::script_scheme;

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

/// What a reference's destination must contain to lead to the page at `rel`: the file's stem,
/// or, for a README, its folder's name (empty for the root README: anything may lead there).
fn link_token(rel: &str) -> &str {
    let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let stem = name.strip_suffix(".md").unwrap_or(name);
    if stem.eq_ignore_ascii_case("README") {
        folder.rsplit('/').next().unwrap_or("")
    } else {
        stem
    }
}

fn reference_dest(reference: &Reference) -> &str {
    match &reference.kind {
        RefKind::Url { dest, .. }
        | RefKind::ContentRef { dest, .. }
        | RefKind::Mention { dest, .. }
        | RefKind::FileCard { dest } => dest,
    }
}

/// A reference's final HTML and, when it does not resolve, what to tell the author.
type Filled = (String, Option<Diagnostic>);

impl Site {
    /// Resolves `dest`, written in the page `from`.
    pub fn resolve(&self, from: PageId, dest: &str) -> Target {
        let dest = dest.trim();
        if let Some(target) = self.resolve_other_space(dest) {
            return target;
        }
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

    /// The `src` of the page's front matter `cover`, when it names an image that exists.
    pub fn cover_href(&self, id: PageId) -> Option<String> {
        let page = &self.pages[id];
        let cover = page.doc.front_matter.cover.as_deref()?.trim();
        match self.resolve(id, cover) {
            Target::Asset { path, suffix } => {
                Some(relative_href(&page.href_path, &encode_path(&path)) + &suffix)
            }
            Target::External => Some(cover.to_string()),
            _ => None,
        }
    }

    /// `https://app.gitbook.com/s/<space>/<path>`: a link to another space, local when that space
    /// is in the tree (its id known from docs.yaml or .gitbook/vars.yaml) and the page exists;
    /// `None` (left external) otherwise.
    fn resolve_other_space(&self, dest: &str) -> Option<Target> {
        let id = gitbook_space_id(dest)?;
        let space = self
            .spaces
            .iter()
            .find(|s| s.spec.gitbook_ids.iter().any(|known| known == id))?;
        let rest = dest
            .split_once(id)
            .map_or("", |(_, rest)| rest)
            .trim_start_matches('/');
        let (path, fragment) = match rest.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment.to_string())),
            None => (rest, None),
        };
        let path = decode_path(path.trim_end_matches('/'));
        let url = if path.is_empty() {
            space.spec.url_prefix.clone()
        } else {
            format!("{}{path}/", space.spec.url_prefix)
        };
        let page = self.page_by_url(&url)?;
        Some(Target::Page { page, fragment })
    }

    /// The published pages with a reference to one of `targets`, or, where it no longer
    /// resolves, to one of the files `gone` (content-relative paths of deleted pages): the pages
    /// whose link findings change when those pages gain or lose anchors, are published or not,
    /// or disappear. A reference is resolved only when its text names the target's file (its
    /// stem, or its folder for a README), which keeps this a scan of strings.
    pub fn referrers(&self, targets: &[PageId], gone: &[String]) -> Vec<PageId> {
        use rayon::prelude::*;
        if targets.is_empty() && gone.is_empty() {
            return Vec::new();
        }
        let wanted: Vec<(&str, PageId)> = targets
            .iter()
            .map(|&id| (link_token(&self.pages[id].source.rel), id))
            .collect();
        let gone: Vec<&str> = gone.iter().map(|rel| link_token(rel)).collect();
        let published: Vec<PageId> = self.published().map(|(id, _)| id).collect();
        published
            .into_par_iter()
            .filter(|&from| {
                self.pages[from].fragment.refs.iter().any(|reference| {
                    let dest = reference_dest(reference);
                    let decoded = if dest.contains('%') {
                        std::borrow::Cow::Owned(decode_path(dest))
                    } else {
                        std::borrow::Cow::Borrowed(dest)
                    };
                    let names = |token: &str| decoded.contains(token);
                    let to_target = || match self.resolve(from, dest) {
                        Target::Page { page, .. } => wanted.iter().any(|(_, id)| *id == page),
                        _ => false,
                    };
                    let to_gone = || matches!(self.resolve(from, dest), Target::Missing { .. });
                    (wanted.iter().any(|(token, _)| names(token)) && to_target())
                        || (gone.iter().any(|token| names(token)) && to_gone())
                })
            })
            .collect()
    }

    /// The page's HTML with every marker filled in, and a diagnostic for each reference that
    /// does not resolve.
    pub fn resolve_page_html(&self, id: PageId) -> (String, Vec<Diagnostic>) {
        let page = &self.pages[id];
        let mut diagnostics = Vec::new();
        if let Some(cover) = &page.doc.front_matter.cover
            && self.cover_href(id).is_none()
        {
            let at = page.doc.text.find("cover:").unwrap_or(0);
            let message = format!("cover image `{cover}` not found");
            let diagnostic = Diagnostic::warning("missing-image", message).at(
                &page.display_path,
                &page.doc.lines,
                &page.doc.text,
                at..at + 6,
            );
            diagnostics.push(diagnostic);
        }
        let html = markers::fill_markers(&page.fragment.html, |index, out| {
            let Some(reference) = page.fragment.refs.get(index) else {
                return;
            };
            let (html, problem) = self.fill(id, reference);
            out.push_str(&html);
            diagnostics.extend(problem);
        });
        (html, diagnostics)
    }

    fn fill(&self, from: PageId, reference: &Reference) -> Filled {
        match &reference.kind {
            RefKind::Url { dest, kind } => {
                let (href, problem) = self.href(from, reference, dest, *kind);
                (escaped(&href), problem)
            }
            RefKind::ContentRef { dest, label } => {
                self.content_ref_card(from, reference, dest, label)
            }
            RefKind::Mention { dest, fallback } => self.mention(from, reference, dest, fallback),
            RefKind::FileCard { dest } => self.file_card(from, reference, dest),
        }
    }

    fn warn(
        &self,
        from: PageId,
        reference: &Reference,
        code: &'static str,
        message: String,
    ) -> Diagnostic {
        let page = &self.pages[from];
        Diagnostic::warning(code, message).at(
            &page.display_path,
            &page.doc.lines,
            &page.doc.text,
            reference.span.clone(),
        )
    }

    /// The `href` for `dest` and, when it does not resolve, a warning.
    fn href(
        &self,
        from: PageId,
        reference: &Reference,
        dest: &str,
        kind: UrlKind,
    ) -> (String, Option<Diagnostic>) {
        let page = &self.pages[from];
        let dest = dest.trim();
        match self.resolve(from, dest) {
            Target::External if kind == UrlKind::HtmlAttr && self.sanitizes_script_url(dest) => {
                let message = format!("`{dest}` would run script; raw_html: sanitize removes it",);
                (
                    String::new(),
                    Some(self.warn(from, reference, "unsafe-url", message)),
                )
            }
            Target::External => (dest.to_string(), None),
            Target::SamePage { fragment } => {
                let problem = (!page.has_anchor(&decode_path(&fragment))).then(|| {
                    self.warn(
                        from,
                        reference,
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
                    problem = Some(self.warn(from, reference, "link-to-unpublished", message));
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
                        problem = Some(self.warn(from, reference, "missing-anchor", message));
                    }
                    href.push('#');
                    href.push_str(&fragment);
                }
                (href, problem)
            }
            Target::Missing { reason } => {
                let (code, what) = match kind {
                    UrlKind::Image => ("missing-image", "image"),
                    UrlKind::Link | UrlKind::HtmlAttr => ("broken-link", "link target"),
                };
                (
                    dest.to_string(),
                    Some(self.warn(from, reference, code, format!("{what} `{dest}` {reason}"))),
                )
            }
        }
    }

    /// Whether `dest`, a URL of raw HTML, runs script and the site sanitizes raw HTML. (The
    /// sanitizer sees raw HTML's URLs as markers; their values are checked here.)
    fn sanitizes_script_url(&self, dest: &str) -> bool {
        self.config.raw_html == RawHtml::Sanitize && script_scheme(dest, false).is_some()
    }

    /// A content-ref card with its target's current title and description; for a target that does
    /// not resolve, the inner label marked "page not available" and no link that would 404.
    fn content_ref_card(
        &self,
        from: PageId,
        reference: &Reference,
        dest: &str,
        label: &str,
    ) -> Filled {
        let target = self.resolve(from, dest);
        let (title, description) = match &target {
            Target::Page { page, .. } if self.pages[*page].published => (
                self.pages[*page].title.as_str(),
                self.pages[*page].description(),
            ),
            Target::External => (if label.is_empty() { dest } else { label }, None),
            Target::Page { .. }
            | Target::SamePage { .. }
            | Target::Asset { .. }
            | Target::Missing { .. } => {
                let reason = match target {
                    Target::Missing { reason } => reason,
                    Target::Page { .. } => "is not published (not in SUMMARY.md)".to_string(),
                    _ => "is not a page".to_string(),
                };
                let message = format!(
                    "content-ref target `{dest}` {reason}; the card is shown without a link"
                );
                let mut html = String::from(
                    "<div class=\"content-ref content-ref-missing\"><span class=\"content-ref-title\">",
                );
                let _ = escape_html(&mut html, if label.is_empty() { dest } else { label });
                let _ = writeln!(
                    html,
                    "</span> <span class=\"content-ref-note\">({})</span></div>",
                    word(&self.config.language, "page_not_available")
                );
                return (
                    html,
                    Some(self.warn(from, reference, "broken-link", message)),
                );
            }
        };
        let (href, problem) = self.href(from, reference, dest, UrlKind::Link);
        let mut html = String::from("<a class=\"content-ref\" href=\"");
        let _ = escape_html(&mut html, &href);
        html.push_str("\"><span class=\"content-ref-title\">");
        let _ = escape_html(&mut html, title);
        html.push_str("</span>");
        if let Some(description) = description {
            html.push_str("<span class=\"content-ref-description\">");
            let _ = escape_html(&mut html, description);
            html.push_str("</span>");
        }
        html.push_str("</a>\n");
        (html, problem)
    }

    /// A mention: a link whose text is its target's current title (the written text when the
    /// target is external or missing).
    fn mention(&self, from: PageId, reference: &Reference, dest: &str, fallback: &str) -> Filled {
        let (href, problem) = self.href(from, reference, dest, UrlKind::Link);
        if problem.as_ref().is_some_and(|p| p.code == "broken-link") {
            return (escaped(fallback), problem);
        }
        let title = match self.resolve(from, dest) {
            Target::Page { page, .. } => self.pages[page].title.as_str(),
            _ if fallback.is_empty() => dest,
            _ => fallback,
        };
        (
            format!("<a href=\"{}\">{}</a>", escaped(&href), escaped(title)),
            problem,
        )
    }

    /// A `file` block's download card: name, type and size of the file.
    fn file_card(&self, from: PageId, reference: &Reference, dest: &str) -> Filled {
        let name = decode_path(dest.rsplit('/').next().unwrap_or(dest));
        let Target::Asset { path, .. } = self.resolve(from, dest) else {
            let message = format!("file `{dest}` not found");
            let html = format!(
                "<span class=\"file-card file-missing\"><span class=\"file-name\">{}</span></span>",
                escaped(&name)
            );
            return (
                html,
                Some(self.warn(from, reference, "missing-file", message)),
            );
        };
        let (href, _) = self.href(from, reference, dest, UrlKind::Link);
        let kind = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_uppercase())
            .unwrap_or_default();
        let size = self.asset_size(&path).map(human_size).unwrap_or_default();
        let meta = [kind, size]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        let html = format!(
            "<a class=\"file-card\" href=\"{}\" download><span class=\"file-name\">{}</span><span class=\"file-meta\">{}</span></a>",
            escaped(&href),
            escaped(&name),
            escaped(&meta)
        );
        (html, None)
    }
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}

/// 1234567 → `1.2 MB`.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit + 1 < UNITS.len() {
        size /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_human() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1_234_567), "1.2 MB");
    }
}
