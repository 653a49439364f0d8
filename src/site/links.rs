//! Resolving what a page references against the site model: the site answers "what does this
//! link point to" ([`Target`]) and "what is wrong with it" (a warning at its line: GitBook still
//! renders the page); `render` writes the markup.
//!
//! Authors write links the way GitBook exports them: to `.md` files, to folders (`../x/`), with
//! `#anchors`, percent-encoded or in `<angle brackets>`.

use super::assemble::find_page;
use super::spaces::gitbook_space_id;
use super::{PageId, Site};
use crate::diagnostic::Diagnostic;
use crate::markdown::{RefKind, Reference, UrlKind};
use crate::paths::{decode_path, is_external, join_path, parent_dir};

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

    /// A warning about `reference`, written in the page `from`, at its place in the page.
    pub fn warn_at(
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

    /// Resolves the link `dest` of `reference` in the page `from` and checks it: an unpublished
    /// target, an anchor the target does not have, a target that does not exist (a
    /// `missing-image` for an image) are warnings.
    pub fn check_link(
        &self,
        from: PageId,
        reference: &Reference,
        dest: &str,
        kind: UrlKind,
    ) -> (Target, Option<Diagnostic>) {
        let page = &self.pages[from];
        let dest = dest.trim();
        let target = self.resolve(from, dest);
        let problem = match &target {
            Target::External | Target::Asset { .. } => None,
            Target::SamePage { fragment } => {
                (!page.has_anchor(&decode_path(fragment))).then(|| {
                    self.warn_at(
                        from,
                        reference,
                        "missing-anchor",
                        format!("`#{fragment}` is not an anchor of this page"),
                    )
                })
            }
            Target::Page {
                page: target,
                fragment,
            } => {
                let target_page = &self.pages[*target];
                if !target_page.published {
                    let message = format!(
                        "`{dest}` leads to `{}`, which is not in SUMMARY.md and not published",
                        target_page.source.rel
                    );
                    Some(self.warn_at(from, reference, "link-to-unpublished", message))
                } else {
                    fragment
                        .as_deref()
                        .filter(|f| !f.is_empty() && !target_page.has_anchor(&decode_path(f)))
                        .map(|fragment| {
                            let message = format!(
                                "`{dest}`: `#{fragment}` is not an anchor of `{}`",
                                target_page.source.rel
                            );
                            self.warn_at(from, reference, "missing-anchor", message)
                        })
                }
            }
            Target::Missing { reason } => {
                let (code, what) = match kind {
                    UrlKind::Image => ("missing-image", "image"),
                    UrlKind::Link | UrlKind::HtmlAttr => ("broken-link", "link target"),
                };
                let message = format!("{what} `{dest}` {reason}");
                Some(self.warn_at(from, reference, code, message))
            }
        };
        (target, problem)
    }
}
