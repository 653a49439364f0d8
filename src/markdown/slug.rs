//! Heading ids, computed the way GitBook computes them so that existing `page.md#anchor` links
//! (thousands of them in real exports) keep landing on the right heading.
//!
//! The rule, inferred from GitBook and checked against in-repo links: heading text → NFKD → drop
//! combining marks → lower case → delete `'` `’` `‘` → each run of characters outside
//! `[a-z0-9.]` becomes `-` → trim `-` → prefix `id-` when it starts with a digit → de-duplicate
//! with `-1`, `-2`.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The GitBook slug of a heading's plain text (before de-duplication). May be empty (a heading
/// made only of emoji or non-Latin letters).
pub fn gitbook_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        for c in c.to_lowercase() {
            match c {
                '\'' | '’' | '‘' => {}
                'a'..='z' | '0'..='9' | '.' => {
                    if pending_dash && !slug.is_empty() {
                        slug.push('-');
                    }
                    pending_dash = false;
                    slug.push(c);
                }
                _ => pending_dash = true,
            }
        }
    }
    if slug.starts_with(|c: char| c.is_ascii_digit()) {
        slug.insert_str(0, "id-");
    }
    slug
}

/// The ids already used on a page, so each new one is unique (`x`, `x-1`, `x-2`, …).
#[derive(Debug, Default)]
pub struct IdSet {
    taken: HashSet<String>,
    /// For each base, the suffix to try next: the search resumes where the last one ended, so
    /// 20,000 headings of one text cost 20,000 steps, not 200 million.
    next_suffix: HashMap<String, usize>,
}

impl IdSet {
    /// Reserves an id given explicitly by the author (`{#x}`, `<a id="x">`). Explicit ids win
    /// even when repeated, as GitBook keeps them.
    pub fn reserve(&mut self, id: &str) {
        self.taken.insert(id.to_string());
    }

    /// Returns `base` or the first free `base-N`.
    pub fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        let next = self.next_suffix.entry(base.to_string()).or_insert(1);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_from_gitbook() {
        assert_eq!(
            gitbook_slug("Les services partagés"),
            "les-services-partages"
        );
        assert_eq!(
            gitbook_slug("Comment faire une demande d'ops"),
            "comment-faire-une-demande-dops"
        );
        assert_eq!(gitbook_slug("L’équipe d‘ops"), "lequipe-dops");
        assert_eq!(gitbook_slug("🔐 Coffres"), "coffres");
        assert_eq!(gitbook_slug("2. Étape suivante"), "id-2.-etape-suivante");
        assert_eq!(gitbook_slug("Version 1.2 — notes"), "version-1.2-notes");
        assert_eq!(gitbook_slug("  --Trim--  "), "trim");
        assert_eq!(gitbook_slug("ﬁchier ½"), "fichier-1-2");
        assert_eq!(gitbook_slug("🚀"), "");
    }

    #[test]
    fn duplicates_get_numbered_suffixes_and_skip_taken_ones() {
        let mut ids = IdSet::default();
        ids.reserve("intro-1");
        assert_eq!(ids.unique("intro"), "intro");
        assert_eq!(ids.unique("intro"), "intro-2");
        assert_eq!(ids.unique("intro"), "intro-3");
        assert_eq!(ids.unique(""), "section");
    }
}
