//! `llms.txt` and `llms-full.txt`, as llmstxt.org proposes them: the site for language models
//! and the tools that feed them, without HTML to take apart.
//!
//! `llms.txt` is the site's title as a `#` heading, its description (the home page's) as a `>`
//! quote, then the
//! pages in SUMMARY.md's order, one `- [Title](url): description` line each, under a `##`
//! heading per SUMMARY.md group (and per space). Links lead to each page's `.md` when the site
//! publishes them, to its HTML otherwise; absolute from `base_url` when there is one (the file
//! is often read apart from the site), else relative to the site root, where the file is.
//! `llms-full.txt` holds every listed page's Markdown, in the same order. A page readers do
//! not find in the navigation (`hidden`) or that asks not to be indexed (`noIndex`) is
//! published as the HTML is, but listed in neither, as the sitemap and search leave it out.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Write};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use super::linker::Linker;
use super::markdown::{escaped_text, markdown_from, markdown_with, page_markdown_href_path};
use crate::markdown::PageMarkdown;
use crate::site::{NavNode, NavTarget, PageId, Site};

/// `llms.txt`.
pub fn llms_txt(site: &Site) -> String {
    let linker = site_linker(site);
    let mut out = format!("# {}\n", escaped_text(&site.title));
    if let Some(description) = site.home.and_then(|home| description(site, home)) {
        out.push_str(&format!("\n> {}\n", escaped_text(description)));
    }
    for section in sections(site) {
        out.push_str(&format!("\n## {}\n\n", escaped_text(&section.title)));
        for id in section.pages {
            let page = &site.pages[id];
            let path = if site.config.outputs.markdown {
                page_markdown_href_path(page)
            } else {
                page.href_path.clone()
            };
            out.push_str(&format!(
                "- [{}]({})",
                escaped_text(&page.title),
                linker.href(&path)
            ));
            if let Some(description) = description(site, id) {
                out.push_str(": ");
                out.push_str(&escaped_text(description));
            }
            out.push('\n');
        }
    }
    out
}

/// `llms-full.txt`: the Markdown of every page `llms.txt` lists, in its order.
pub fn llms_full(site: &Site) -> String {
    // Sized once from the Markdown the model holds (links and title blocks add a little):
    // grown by doubling, the buffer's last copy held the old half and the new whole at once,
    // about 80 MB for the 47 MB of a 10,000-page site, the peak of a `serve` that is asked
    // for it. Capacity never touched costs address space, not memory.
    let held: usize = site
        .pages
        .iter()
        .filter_map(|page| page.fragment.markdown_len())
        .map(|len| len + 256)
        .sum();
    let mut out = Vec::with_capacity(held + held / 4);
    write_llms_full(site, &mut out).expect("writing into memory cannot fail");
    String::from_utf8(out).expect("pages' Markdown is UTF-8")
}

/// The pages of `llms-full.txt`, in its order.
pub fn llms_full_pages(site: &Site) -> Vec<PageId> {
    sections(site).into_iter().flat_map(|s| s.pages).collect()
}

/// The piece of `llms-full.txt` that page `id` gives (its Markdown, links from the site root).
pub fn llms_full_piece(site: &Site, id: PageId) -> String {
    markdown_with(site, id, site_linker(site))
}

/// `llms-full.txt` from its pieces in order ([`llms_full_piece`]), as a build writes it.
pub fn write_llms_pieces(
    pieces: impl IntoIterator<Item = impl AsRef<[u8]>>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut joined = Joined {
        out,
        breaks: LlmsBreaks::default(),
    };
    for piece in pieces {
        joined.push(piece.as_ref())?;
    }
    Ok(())
}

/// [`llms_full`] written to `out` page by page: the file holds the whole site's Markdown, so a
/// build streams it to disk rather than holding it (tens of megabytes on a large site) whole.
fn write_llms_full(site: &Site, out: &mut dyn Write) -> io::Result<()> {
    let linker = site_linker(site);
    let pieces = llms_full_pages(site)
        .into_iter()
        .map(|id| markdown_with(site, id, linker));
    write_llms_pieces(pieces, out)
}

/// Where `llms-full.txt` has its line breaks: pages separated by a blank line (a line break
/// before a piece when a piece with bytes came before it), nothing before the file's first
/// bytes. The one rule of every writer of the file: a build, the watch's pieces and serve's
/// stream, which must all give the same bytes.
#[derive(Default)]
pub struct LlmsBreaks {
    written: bool,
}

impl LlmsBreaks {
    /// Whether a line break goes before the next piece, `len` bytes long.
    pub fn before(&mut self, len: usize) -> bool {
        let line_break = self.written;
        self.written |= len > 0;
        line_break
    }
}

/// The pages of `llms-full.txt` written to `out`, with their line breaks.
struct Joined<'a> {
    out: &'a mut dyn Write,
    breaks: LlmsBreaks,
}

impl Joined<'_> {
    fn push(&mut self, piece: &[u8]) -> io::Result<()> {
        if self.breaks.before(piece.len()) {
            self.out.write_all(b"\n")?;
        }
        self.out.write_all(piece)
    }
}

/// `llms-full.txt` made from pieces: a build writes each listed page's piece in its page loop,
/// in whatever order the threads finish, to an unnamed scratch file, and joins them in
/// `llms.txt`'s order at the end. No page's Markdown then has to stay in the site model until
/// the file is written (47 MB on a 10,000-page site), and the file is never held whole.
pub struct LlmsPieces {
    /// Where each listed page's piece goes in the file, by page.
    slots: FxHashMap<PageId, usize>,
    order: Vec<PageId>,
    store: Mutex<PieceStore>,
}

struct PieceStore {
    file: File,
    end: u64,
    /// Offset and length of each slot's piece, once written.
    spans: Vec<Option<(u64, usize)>>,
}

impl LlmsPieces {
    /// Pieces for the pages `llms.txt` lists, kept in `scratch` (an empty file).
    pub fn new(site: &Site, scratch: File) -> Self {
        let order: Vec<PageId> = sections(site).into_iter().flat_map(|s| s.pages).collect();
        let slots = order
            .iter()
            .enumerate()
            .map(|(slot, &id)| (id, slot))
            .collect();
        let spans = vec![None; order.len()];
        LlmsPieces {
            slots,
            order,
            store: Mutex::new(PieceStore {
                file: scratch,
                end: 0,
                spans,
            }),
        }
    }

    /// Writes the piece of page `id` from its Markdown (taken out of the model), when
    /// `llms-full.txt` lists the page.
    pub fn add(&self, site: &Site, id: PageId, markdown: Option<&PageMarkdown>) -> io::Result<()> {
        let Some(&slot) = self.slots.get(&id) else {
            return Ok(());
        };
        let piece = markdown_from(site, id, markdown, site_linker(site));
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        store.file.write_all(piece.as_bytes())?;
        let at = store.end;
        store.end += piece.len() as u64;
        store.spans[slot] = Some((at, piece.len()));
        Ok(())
    }

    /// `llms-full.txt`, as [`write_llms_full`] writes it, from the pieces. A listed page
    /// without a piece is made from the model.
    pub fn write_to(&self, site: &Site, out: &mut dyn Write) -> io::Result<()> {
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let PieceStore { file, spans, .. } = &mut *store;
        let mut piece = Vec::new();
        let mut joined = Joined {
            out,
            breaks: LlmsBreaks::default(),
        };
        for (&id, &span) in self.order.iter().zip(spans.iter()) {
            piece.clear();
            match span {
                Some((at, len)) => {
                    piece.resize(len, 0);
                    // One `pread`, not a seek and a read: ten thousand calls fewer.
                    std::os::unix::fs::FileExt::read_exact_at(file, &mut piece, at)?;
                }
                None => {
                    piece.extend_from_slice(markdown_with(site, id, site_linker(site)).as_bytes())
                }
            }
            joined.push(&piece)?;
        }
        Ok(())
    }
}

/// The page's `description` (its front matter's, as GitBook's `llms.txt` gives it: a first
/// paragraph is no summary).
fn description(site: &Site, id: PageId) -> Option<&str> {
    site.pages[id]
        .description()
        .map(str::trim)
        .filter(|d| !d.is_empty())
}

/// Links from the site root: absolute from the base URL when there is one.
fn site_linker(site: &Site) -> Linker<'_> {
    match site.config.base_url.as_deref() {
        Some(base) => Linker::Absolute { base_path: base },
        None => Linker::Relative { from: "" },
    }
}

/// A `##` section of `llms.txt`: a SUMMARY.md group, or a space's pages outside any group.
struct Section {
    title: String,
    pages: Vec<PageId>,
}

/// The listed pages by section, in navigation order, each page once.
fn sections(site: &Site) -> Vec<Section> {
    let mut seen = HashSet::new();
    let mut sections = Vec::new();
    for (index, space) in site.spaces.iter().enumerate() {
        let mut outside = Section {
            title: space.title.clone(),
            pages: Vec::new(),
        };
        let mut groups = Vec::new();
        for node in &space.nav.roots {
            match &node.target {
                NavTarget::Group { .. } => {
                    let title = if index == 0 {
                        node.label.clone()
                    } else {
                        format!("{}: {}", space.title, node.label)
                    };
                    let mut group = Section {
                        title,
                        pages: Vec::new(),
                    };
                    collect(site, &node.children, &mut seen, &mut group.pages);
                    groups.push(group);
                }
                _ => collect(
                    site,
                    std::slice::from_ref(node),
                    &mut seen,
                    &mut outside.pages,
                ),
            }
        }
        sections.push(outside);
        sections.extend(groups);
    }
    sections.retain(|s| !s.pages.is_empty());
    sections
}

/// The listed pages of `nodes` and their children, depth first.
fn collect(site: &Site, nodes: &[NavNode], seen: &mut HashSet<PageId>, into: &mut Vec<PageId>) {
    for node in nodes {
        if let NavTarget::Page(id) = node.target {
            let page = &site.pages[id];
            if page.published
                && !page.hidden()
                && !page.doc.front_matter.no_index
                && seen.insert(id)
            {
                into.push(id);
            }
        }
        collect(site, &node.children, seen, into);
    }
}
