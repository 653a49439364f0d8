//! Render writes what the site resolved: every reference marker of a page becomes its markup
//! (an `href`, a content-ref card, a mention, a file card), through the one [`Linker`] of the
//! page. The site says where a reference leads and what is wrong with it; nothing here decides
//! that, and nothing in `site` writes markup.

use std::fmt::Write;

use pulldown_cmark_escape::escape_html;

use super::linker::Linker;
use crate::diagnostic::Diagnostic;
use crate::i18n::word;
use crate::markdown::{RefKind, Reference, UrlKind, markers};
use crate::paths::decode_path;
use crate::site::links::Target;
use crate::site::url::encode_path;
use crate::site::{PageId, Site};

/// A reference's markup and, when it does not resolve, what to tell the author.
type Filled = (String, Option<Diagnostic>);

/// The page's content with every marker filled in, and a diagnostic for each reference that
/// does not resolve (and for a cover image that does not exist).
pub fn page_content(site: &Site, id: PageId) -> (String, Vec<Diagnostic>) {
    page_content_of(site, id, &site.pages[id].fragment.html())
}

/// [`page_content`] of the fragment HTML `html`, taken out of the site model by a build that
/// frees each page's fragment once the page is written.
pub fn page_content_of(site: &Site, id: PageId, html: &str) -> (String, Vec<Diagnostic>) {
    let page = &site.pages[id];
    let writer = Writer {
        site,
        from: id,
        linker: Linker::Relative {
            from: &page.href_path,
        },
    };
    let mut diagnostics = Vec::new();
    if let Some(cover) = &page.doc.front_matter.cover
        && cover_href(site, id).is_none()
    {
        let message = format!("cover image `{cover}` not found");
        let diagnostic = Diagnostic::warning("missing-image", message);
        diagnostics.push(match page.text(&site.config.root) {
            Some((lines, text)) => {
                let at = text.find("cover:").unwrap_or(0);
                diagnostic.at(&page.display_path, &lines, &text, at..at + 6)
            }
            None => diagnostic.in_file(&page.display_path),
        });
    }
    let html = markers::fill_markers(html, |index, out| {
        let Some(reference) = page.fragment.refs.get(index) else {
            return;
        };
        let (html, problem) = writer.fill(reference);
        out.push_str(&html);
        diagnostics.extend(problem);
    });
    (html, diagnostics)
}

/// The `src` of the page's front matter `cover`, when it names an image that exists.
pub fn cover_href(site: &Site, id: PageId) -> Option<String> {
    let page = &site.pages[id];
    let cover = page.doc.front_matter.cover.as_deref()?.trim();
    let linker = Linker::Relative {
        from: &page.href_path,
    };
    match site.resolve(id, cover) {
        Target::Asset { path, suffix } => Some(linker.href(&encode_path(&path)) + &suffix),
        Target::External => Some(cover.to_string()),
        _ => None,
    }
}

/// Writes the references of one page.
struct Writer<'s> {
    site: &'s Site,
    from: PageId,
    linker: Linker<'s>,
}

impl Writer<'_> {
    fn fill(&self, reference: &Reference) -> Filled {
        match &reference.kind {
            RefKind::Url { dest, kind } => {
                let (href, problem) = self.link(reference, dest, *kind);
                (escaped(&href), problem)
            }
            RefKind::ContentRef { dest, label } => self.content_ref_card(reference, dest, label),
            RefKind::Mention { dest, fallback } => self.mention(reference, dest, fallback),
            RefKind::FileCard { dest } => self.file_card(reference, dest),
            RefKind::Link { dest, title } => self.link_start(reference, dest, title),
            RefKind::Word { key } => (escaped(word(self.site.language_of(self.from), key)), None),
        }
    }

    /// A Markdown link's start tag. A link to a page that is not published, or climbing above
    /// the site root to nothing (a page of the site a guide was copied from), has nowhere to
    /// lead: it is shown as text (an `<a>` without `href`), never as a dead link.
    fn link_start(&self, reference: &Reference, dest: &str, title: &str) -> Filled {
        let (href, problem) = self.link(reference, dest, UrlKind::Link);
        let lost = problem.as_ref().is_some_and(|p| {
            p.code == "link-to-unpublished"
                || (p.code == "broken-link" && self.site.climbs_above_root(self.from, dest))
        });
        let mut html = if lost {
            String::from("<a class=\"link-lost\"")
        } else {
            format!("<a href=\"{}\"", escaped(&href))
        };
        if !title.is_empty() {
            let _ = write!(html, " title=\"{}\"", escaped(title));
        }
        html.push('>');
        (html, problem)
    }

    /// The `href` of `dest` (as written when it does not resolve), and what is wrong with it.
    fn link(
        &self,
        reference: &Reference,
        dest: &str,
        kind: UrlKind,
    ) -> (String, Option<Diagnostic>) {
        let (target, problem) = self.site.check_link(self.from, reference, dest, kind);
        (self.href(&target, dest.trim()), problem)
    }

    /// The `href` of a resolved target, written as `dest` when it leads nowhere known.
    fn href(&self, target: &Target, dest: &str) -> String {
        match target {
            Target::External | Target::Missing { .. } => dest.to_string(),
            Target::Dropped => String::new(),
            Target::SamePage { fragment } => format!("#{fragment}"),
            Target::Asset { path, suffix } => self.linker.href(&encode_path(path)) + suffix,
            Target::Page { page, fragment } => {
                let mut href = self.linker.href(&self.site.pages[*page].href_path);
                if let Some(fragment) = fragment {
                    href.push('#');
                    href.push_str(fragment);
                }
                href
            }
        }
    }

    /// A content-ref card with its target's current title and description; for a target that
    /// does not resolve, the inner label marked "page not available" and no link that would 404.
    fn content_ref_card(&self, reference: &Reference, dest: &str, label: &str) -> Filled {
        let site = self.site;
        let target = site.resolve(self.from, dest);
        let (title, description) = match &target {
            Target::Page { page, .. } if site.pages[*page].published => (
                site.pages[*page].title.as_str(),
                site.pages[*page].description(),
            ),
            Target::External => (if label.is_empty() { dest } else { label }, None),
            Target::Page { .. }
            | Target::SamePage { .. }
            | Target::Asset { .. }
            | Target::Missing { .. }
            | Target::Dropped => {
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
                    word(site.language_of(self.from), "page_not_available")
                );
                let problem = site.warn_at(self.from, reference, "broken-link", message);
                return (html, Some(problem));
            }
        };
        let (href, problem) = self.link(reference, dest, UrlKind::Link);
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
    fn mention(&self, reference: &Reference, dest: &str, fallback: &str) -> Filled {
        let (href, problem) = self.link(reference, dest, UrlKind::Link);
        if problem
            .as_ref()
            .is_some_and(|p| p.code == "broken-link" || p.code == "link-to-unpublished")
        {
            return (escaped(fallback), problem);
        }
        let title = match self.site.resolve(self.from, dest) {
            Target::Page { page, .. } => self.site.pages[page].title.as_str(),
            _ if fallback.is_empty() => dest,
            _ => fallback,
        };
        (
            format!("<a href=\"{}\">{}</a>", escaped(&href), escaped(title)),
            problem,
        )
    }

    /// A `file` block's download card: name, type and size of the file.
    fn file_card(&self, reference: &Reference, dest: &str) -> Filled {
        let name = decode_path(dest.rsplit('/').next().unwrap_or(dest));
        let Target::Asset { path, .. } = self.site.resolve(self.from, dest) else {
            let message = format!("file `{dest}` not found");
            let html = format!(
                "<span class=\"file-card file-missing\"><span class=\"file-name\">{}</span></span>",
                escaped(&name)
            );
            let problem = self
                .site
                .warn_at(self.from, reference, "missing-file", message);
            return (html, Some(problem));
        };
        let (href, _) = self.link(reference, dest, UrlKind::Link);
        let kind = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_uppercase())
            .unwrap_or_default();
        let size = self
            .site
            .asset_size(&path)
            .map(human_size)
            .unwrap_or_default();
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
