//! Resolving what a page references against the site model: the site answers "what does this
//! link point to" ([`Target`]) and "what is wrong with it" (a warning at its line: GitBook still
//! renders the page); `render` writes the markup.
//!
//! Authors write links the way GitBook exports them: to `.md` files, to folders (`../x/`), with
//! `#anchors`, percent-encoded or in `<angle brackets>`.

use super::assemble::find_joined_page;
use super::spaces::gitbook_space_id;
use super::{PageId, Site};
use crate::config::RawHtml;
use crate::diagnostic::Diagnostic;
use crate::gitbook::is_lost_link;
use crate::markdown::{RefKind, Reference, UrlKind};
use crate::paths::{decode_path, is_external, join_clamped, parent_dir, script_scheme};

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
    /// A URL of raw HTML that would run script, on a site whose raw HTML is sanitized: written
    /// as nothing.
    Dropped,
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

/// The page whose HTML another generator wrote at `joined` (`page.html` for `page.md`,
/// `index.html` for a folder's README): Sphinx, HonKit and the legacy GitBook published pages
/// there, and texts moved from them keep such links. GitBook does not read them; a reader
/// still deserves the page rather than a dead link, and [`Site::check_link`] tells the author.
fn html_output_page(site: &Site, joined: &str) -> Option<PageId> {
    let stem = html_stem(joined)?;
    let (dir, name) = stem.rsplit_once('/').unwrap_or(("", stem));
    if name == "index" {
        let folder = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        if let Some(page) = find_joined_page(site, &folder) {
            return Some(page);
        }
    }
    find_joined_page(site, &format!("{stem}.md"))
}

/// `joined` without its `.html` (or `.htm`) extension, when it has one.
fn html_stem(joined: &str) -> Option<&str> {
    let (stem, extension) = joined.rsplit_once('.')?;
    let is_html = extension.eq_ignore_ascii_case("html") || extension.eq_ignore_ascii_case("htm");
    (is_html && !stem.is_empty() && !stem.ends_with('/')).then_some(stem)
}

fn reference_dest(reference: &Reference) -> &str {
    match &reference.kind {
        RefKind::Url { dest, .. }
        | RefKind::ContentRef { dest, .. }
        | RefKind::Mention { dest, .. }
        | RefKind::Link { dest, .. }
        | RefKind::FileCard { dest } => dest,
        RefKind::Word { .. } => "",
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
        // `..` above the root stays at the root, as a browser reads it; `check_link` warns.
        let (mut joined, climbed) = join_clamped(base_dir, &decode_path(path));
        if path.starts_with('/') {
            if let Some(in_space) = self.within_space(from, &joined) {
                joined = in_space;
            } else if let Some(within) = self.within_content_root(&joined) {
                joined = within;
            }
        }
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
        match find_joined_page(self, &joined).or_else(|| html_output_page(self, &joined)) {
            Some(page) => Target::Page { page, fragment },
            None if is_lost_link(dest) => Target::Missing {
                reason: "was lost by GitBook (its target was deleted)".to_string(),
            },
            None if climbed => Target::Missing {
                reason: "climbs above the site root and is not found there".to_string(),
            },
            None => Target::Missing {
                reason: "not found".to_string(),
            },
        }
    }

    /// A path written from the root of the page's space (`/developers/api` in a space published
    /// at its own root on GitBook), as a content path: the space's file or folder, or the page
    /// at that URL in the space. `None` when the space is the site's root or names nothing there.
    fn within_space(&self, from: PageId, joined: &str) -> Option<String> {
        let space = &self.spaces[self.pages[from].space].spec;
        if space.content_dir.is_empty() || self.has_asset(joined) {
            return None;
        }
        if find_joined_page(self, joined).is_some() {
            return None;
        }
        let candidate = format!("{}{joined}", space.content_dir);
        if self.has_asset(&candidate) || find_joined_page(self, &candidate).is_some() {
            return Some(candidate);
        }
        let url = format!("{}{}/", space.url_prefix, joined.trim_end_matches('/'));
        let page = self.page_by_url(&url)?;
        Some(self.pages[page].source.rel.clone())
    }

    /// A path written from the repository's top (`/docs/setup.md` when `.gitbook.yaml` says
    /// `root: ./docs/`) as a content path, when it names nothing from the content root itself.
    fn within_content_root(&self, joined: &str) -> Option<String> {
        if self.has_asset(joined) || find_joined_page(self, joined).is_some() {
            return None;
        }
        let root = self
            .config
            .content_dir
            .strip_prefix(&self.config.site_dir)
            .ok()?;
        let root = root.to_str()?.replace('\\', "/");
        let root = root.trim_matches('/');
        if root.is_empty() {
            return None;
        }
        joined
            .strip_prefix(root)
            .and_then(|rest| rest.strip_prefix('/'))
            .map(str::to_string)
    }

    /// Whether `dest`, written in the page `from`, climbs above the site root (`../../x/` from
    /// a top-level page): it still resolves from the root, as a browser reads it, but the author
    /// should know.
    pub fn climbs_above_root(&self, from: PageId, dest: &str) -> bool {
        let path = dest.trim().split(['#', '?']).next().unwrap_or("");
        !path.is_empty()
            && !is_external(path)
            && join_clamped(parent_dir(&self.pages[from].source.rel), &decode_path(path)).1
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
        self.pages[from].diagnostic_at(
            &self.config.root,
            Diagnostic::warning(code, message),
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
        let target = match self.resolve(from, dest) {
            Target::External if kind == UrlKind::HtmlAttr && self.sanitizes_script_url(dest) => {
                Target::Dropped
            }
            target => target,
        };
        let problem = match &target {
            Target::External | Target::Asset { .. } => None,
            Target::Dropped => {
                let message = format!("`{dest}` would run script; raw_html: sanitize removes it");
                Some(self.warn_at(from, reference, "unsafe-url", message))
            }
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
        let path = dest.split(['#', '?']).next().unwrap_or("");
        if let (None, Target::Page { page: to, .. }) = (&problem, &target)
            && html_stem(path).is_some()
        {
            let message = format!(
                "`{dest}` names the HTML another generator wrote for `{}`; GitBook does not \
                 read it: link to the `.md` file",
                self.pages[*to].source.rel
            );
            return (
                target,
                Some(self.warn_at(from, reference, "link-to-html", message)),
            );
        }
        if problem.is_none() && self.climbs_above_root(from, dest) {
            let message = format!(
                "`{dest}` climbs above the site root; it is read from the root, as a browser reads it"
            );
            return (
                target,
                Some(self.warn_at(from, reference, "link-above-root", message)),
            );
        }
        (target, problem)
    }

    /// Whether `dest`, a URL of raw HTML, runs script and the site sanitizes raw HTML. (The
    /// sanitizer sees raw HTML's URLs as markers; their values are checked here.)
    fn sanitizes_script_url(&self, dest: &str) -> bool {
        self.config.raw_html == RawHtml::Sanitize && script_scheme(dest, false).is_some()
    }
}
