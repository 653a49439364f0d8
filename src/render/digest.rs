//! The digest of everything a page's HTML is rendered from besides its own resolved content,
//! and of everything the search index's term files are made from: what lets the build cache
//! keep rendered pages and term files (see [`crate::cache::OutputCache`]).
//!
//! A page's HTML is the theme's `page.html` over [`super::page_context`] and the theme's
//! globals ([`super::set_site_globals`]). Those read the page's resolved content (keyed
//! separately, per page) and, of the site: the configuration, every page's place, URL, titles,
//! front matter, outline and ids (the sidebar, breadcrumbs, previous/next, listings and
//! descriptions show other pages), the spaces and their navigation, the assets (covers,
//! images), the "last updated" dates, and the theme. All of it goes into the digest, so a
//! change anywhere in what a page shows of the rest of the site changes every page's key: a
//! body edit (same titles, same outline) keeps the others' entries, a new title or a moved
//! SUMMARY.md entry renders every page again. Values are hashed through their `Debug` form:
//! whatever a type holds, its form shows it (the types hashed hold
//! no hash map whose order could vary from one process to the next, which would only cost
//! misses).

use std::fmt::Write as _;

use rayon::prelude::*;

use serde::Serialize;

use super::Theme;
use crate::git_dates::PageDates;
use crate::markdown::{Fragment, PageWords};
use crate::site::{Page, PageId, Site};

/// Writes `bytes` into `hasher` with its length first, so no two lists of parts hash alike.
pub(super) fn part(hasher: &mut blake3::Hasher, bytes: &[u8]) {
    hasher.update(&(bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

/// Hashes the `Debug` form of `value` (with its length first). The form is written into
/// `buffer` first: BLAKE3 hashes a whole buffer several times faster than the many small
/// pieces a formatter writes.
fn debug(hasher: &mut blake3::Hasher, buffer: &mut String, value: &dyn std::fmt::Debug) {
    buffer.clear();
    // Writing into a `String` cannot fail.
    let _ = write!(buffer, "{value:?}");
    part(hasher, buffer.as_bytes());
}

/// The digest of `site`, `theme` and `dates` as rendering pages reads them.
pub fn render_digest(site: &Site, theme: &Theme, dates: Option<&PageDates>) -> [u8; 32] {
    let pages: Vec<[u8; 32]> = site
        .pages
        .par_iter()
        .map(|page| page_digest(page, dates))
        .collect();
    let mut hasher = blake3::Hasher::new();
    let mut buffer = String::new();
    hasher.update(b"carnet-render-digest-1");
    theme.digest_into(&mut hasher);
    debug(&mut hasher, &mut buffer, &site.config);
    debug(&mut hasher, &mut buffer, &site.assets);
    debug(&mut hasher, &mut buffer, &site.home);
    debug(&mut hasher, &mut buffer, &site.title);
    debug(&mut hasher, &mut buffer, &site.language);
    for space in site.spaces.iter() {
        let crate::site::Space {
            spec,
            nav,
            home,
            title,
            language,
        } = space;
        // `nav.positions` is derived from `nav.roots` (and is a hash map: its order varies).
        let crate::site::nav::Nav {
            roots,
            reading_order,
            positions: _,
        } = nav;
        debug(
            &mut hasher,
            &mut buffer,
            &(spec, roots, reading_order, home, title, language),
        );
    }
    hasher.update(&(pages.len() as u64).to_le_bytes());
    for page in &pages {
        hasher.update(page);
    }
    *hasher.finalize().as_bytes()
}

/// What one page shows of itself to the pages around it and to its own template, but its
/// body: every field of the page and of its fragment but the text that only its own outputs
/// and search use (its body is in each page's key as resolved content).
fn page_digest(page: &Page, dates: Option<&PageDates>) -> [u8; 32] {
    let Page {
        source,
        display_path,
        doc,
        fragment,
        url,
        href_path,
        title,
        nav_label,
        published,
        space,
    } = page;
    let Fragment {
        html: _,          // The page's own body: in its key as resolved content.
        refs: _,          // What `html`'s markers stand for: in the resolved content.
        problems: _,      // Diagnostics of the load, not shown.
        nbsp_headings: _, // Diagnostics of the load, not shown.
        sections: _,      // Search only.
        words: _,         // Search only.
        markdown: _,      // The page's `.md` and `llms-full.txt` only.
        packed: _,        // `html`, `markdown` and `sections`, compressed.
        headings,
        ids,
        first_h1,
        first_paragraph,
        interactive,
        has_mermaid,
        has_math,
    } = &**fragment;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = String::with_capacity(4096);
    let place = (
        source,
        display_path,
        url,
        href_path,
        title,
        nav_label,
        published,
        space,
    );
    debug(&mut hasher, &mut buffer, &place);
    let shown = (&doc.front_matter, headings, ids, first_h1, first_paragraph);
    debug(&mut hasher, &mut buffer, &shown);
    let date = dates.and_then(|d| d.get(&source.rel));
    debug(
        &mut hasher,
        &mut buffer,
        &(interactive, has_mermaid, has_math, date),
    );
    *hasher.finalize().as_bytes()
}

/// What the search index reads of one page, hashed for [`search_digest`] (field by field, in
/// the order of the struct, by postcard).
#[derive(Serialize)]
struct SearchInputs<'a> {
    id: u32,
    href: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    language: &'a str,
    /// The hash of the page's sections (of the packed parts holding them, when packed).
    sections: [u8; 32],
    words: &'a PageWords,
}

/// The digest of everything the search index's term files are made from, for `pages` (search
/// id, page) as the build indexes them, with `parts` (the text each page's fragment holds for
/// its outputs, taken out of the model: [`Fragment::take_output`]) in the same order: each indexed page's search id, URL, title,
/// description, language, sections and word counts, in order (pages search leaves out,
/// hidden or `noIndex`, are left out here too), and the site's languages (its analyzers, see
/// [`crate::search::SearchIndexer::for_site`]). `None` if a page could not be hashed (it
/// cannot happen: serializing into a hasher does not fail; then nothing is cached).
pub fn search_digest(site: &Site, pages: &[(u32, PageId)], parts: &[Fragment]) -> Option<[u8; 32]> {
    if pages.len() != parts.len() {
        return None;
    }
    let hashes: Vec<Option<[u8; 32]>> = pages
        .par_iter()
        .zip(parts)
        .map(|(&(id, page_id), parts)| {
            let page = &site.pages[page_id];
            if page.hidden() || page.doc.front_matter.no_index {
                return Ok(None);
            }
            let inputs = SearchInputs {
                id,
                href: &page.href_path,
                title: &page.title,
                description: page.description(),
                language: site.language_of(page_id),
                sections: sections_hash(parts)?,
                words: &parts.words,
            };
            // Serialized into a buffer, then hashed whole: BLAKE3 over the many small writes
            // of a serializer costs several times more.
            let bytes = postcard::to_stdvec(&inputs)?;
            Ok(Some(*blake3::hash(&bytes).as_bytes()))
        })
        .collect::<Result<_, postcard::Error>>()
        .ok()?;
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"carnet-search-digest-1");
    let spaces = site.spaces.iter().map(|s| s.language.as_str());
    for language in std::iter::once(site.language.as_str()).chain(spaces) {
        part(&mut hasher, language.as_bytes());
    }
    hasher.update(&(hashes.len() as u64).to_le_bytes());
    for hash in &hashes {
        match hash {
            Some(hash) => {
                hasher.update(&[1]);
                hasher.update(hash);
            }
            None => {
                hasher.update(&[0]);
            }
        }
    }
    Some(*hasher.finalize().as_bytes())
}

/// The hash of `parts`' sections: of the packed parts holding them (with the page's HTML and
/// Markdown: a change of either is a miss, never a wrong hit) without unpacking them, else of
/// the sections themselves.
fn sections_hash(parts: &Fragment) -> Result<[u8; 32], postcard::Error> {
    let mut hasher = blake3::Hasher::new();
    match &parts.packed {
        Some(packed) => {
            hasher.update(b"packed");
            packed.hash_into(&mut hasher);
        }
        None => {
            hasher.update(b"sections");
            hasher.update(&postcard::to_stdvec(&parts.sections)?);
        }
    }
    Ok(*hasher.finalize().as_bytes())
}
