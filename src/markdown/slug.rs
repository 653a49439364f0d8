//! Heading ids, computed the way GitBook computes them so that existing `page.md#anchor` links
//! (tens of thousands of them in real exports) keep landing on the right heading.
//!
//! The rule, measured against the `#fragments` of 25,000 links in 21 public exports
//! (`benches/gitbook-corpus/`): shortcodes (`:rocket:`) dropped → `&` `|` `<` `>` spelt out
//! (`and`, `or`, `less than`, `greater than`) → NFKD → drop combining marks → lower case →
//! delete `'` `’` `‘` → each run of characters outside `[a-z0-9._]` becomes `-` → trim `-` →
//! prefix `id-` when it starts with a digit → de-duplicate with `-1`, `-2`. A heading with
//! letters of another script (CJK, Cyrillic, Greek…) keeps its letters as GitHub does: lower
//! case, punctuation and symbols dropped, each space a `-` (`错误包装`, `使用-timetime-表达瞬时时间`).

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::shortcodes::replace_shortcodes;

/// The GitBook slug of a heading's plain text (before de-duplication). May be empty (a heading
/// made only of emoji).
pub fn gitbook_slug(text: &str) -> String {
    let text = replace_shortcodes(text);
    if text.chars().any(is_non_latin_letter) {
        return github_slug(&text);
    }
    latin_slug(&text)
}

/// [`gitbook_slug`] of text in Latin script, after shortcodes. ASCII characters, which NFKD
/// leaves as they are, skip the decomposition (a character at a time, it was a tenth of a
/// page's load without highlighting).
fn latin_slug(text: &str) -> String {
    let mut slug = SlugWriter::with_capacity(text.len());
    for c in text.chars().flat_map(spelt_symbol) {
        if c.is_ascii() {
            slug.push(c.to_ascii_lowercase());
            continue;
        }
        for c in c.nfkd().filter(|&c| !is_combining_mark(c)) {
            c.to_lowercase().for_each(|c| slug.push(c));
        }
    }
    slug.finish()
}

/// A slug being written: kept characters, runs of others as one `-`.
struct SlugWriter {
    slug: String,
    pending_dash: bool,
}

impl SlugWriter {
    fn with_capacity(capacity: usize) -> Self {
        SlugWriter {
            slug: String::with_capacity(capacity),
            pending_dash: false,
        }
    }

    /// One character of the decomposed, lower-case text.
    fn push(&mut self, c: char) {
        match c {
            '\'' | '’' | '‘' => {}
            'a'..='z' | '0'..='9' | '.' | '_' => {
                if self.pending_dash && !self.slug.is_empty() {
                    self.slug.push('-');
                }
                self.pending_dash = false;
                self.slug.push(c);
            }
            _ => self.pending_dash = true,
        }
    }

    fn finish(mut self) -> String {
        if self.slug.starts_with(|c: char| c.is_ascii_digit()) {
            self.slug.insert_str(0, "id-");
        }
        self.slug
    }
}

/// The symbols GitBook spells out in ids (`Terminal User & MariaDB User` →
/// `terminal-user-and-mariadb-user`, `` `<buffer>` Section `` → `less-than-buffer-greater-than-section`).
fn spelt_symbol(c: char) -> SpeltSymbol {
    let word = match c {
        '&' => " and ",
        '|' => " or ",
        '<' => " less than ",
        '>' => " greater than ",
        _ => return SpeltSymbol::Char(Some(c)),
    };
    SpeltSymbol::Word(word.chars())
}

enum SpeltSymbol {
    Char(Option<char>),
    Word(std::str::Chars<'static>),
}

impl Iterator for SpeltSymbol {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        match self {
            SpeltSymbol::Char(c) => c.take(),
            SpeltSymbol::Word(chars) => chars.next(),
        }
    }
}

/// A letter of a script other than Latin (after compatibility decomposition: `ﬁ` and `Ａ` are
/// Latin).
fn is_non_latin_letter(c: char) -> bool {
    !c.is_ascii() && c.is_alphabetic() && !c.nfkd().all(is_latin)
}

fn is_latin(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{7F}'
        | '\u{AA}' | '\u{BA}'
        | '\u{C0}'..='\u{2AF}'
        | '\u{1D00}'..='\u{1DBF}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{2C60}'..='\u{2C7F}'
        | '\u{A720}'..='\u{A7FF}'
        | '\u{AB30}'..='\u{AB6F}')
        || is_combining_mark(c)
}

/// GitHub's heading id: lower case; letters, digits, marks, `-` and `_` kept; each space a `-`;
/// everything else dropped.
fn github_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || is_combining_mark(c) || c == '-' || c == '_' {
            slug.push(c);
        } else if c == ' ' {
            slug.push('-');
        }
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
    /// Reserves an id written in raw HTML (`<a id="x">`, a footnote): it is in the page as
    /// written, whatever came before.
    pub fn reserve(&mut self, id: &str) {
        self.taken.insert(id.to_string());
    }

    /// Returns `base` or the first free `base-N`. Explicit heading ids (`{#x}`, `<a id="x">` in
    /// the heading) go through here too: GitBook numbers a repeated one like a generated one.
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
    fn underscores_stay() {
        assert_eq!(gitbook_slug("max_size"), "max_size");
        assert_eq!(gitbook_slug("debug/debug_dbug"), "debug-debug_dbug");
        assert_eq!(
            gitbook_slug("`innodb_fast_shutdown`"),
            "innodb_fast_shutdown"
        );
    }

    /// `latin_slug` as it was written first: every character through NFKD.
    fn slug_a_character_at_a_time(text: &str) -> String {
        let mut slug = String::with_capacity(text.len());
        let mut pending_dash = false;
        for c in text.chars().flat_map(spelt_symbol).flat_map(|c| c.nfkd()) {
            if is_combining_mark(c) {
                continue;
            }
            for c in c.to_lowercase() {
                match c {
                    '\'' | '’' | '‘' => {}
                    'a'..='z' | '0'..='9' | '.' | '_' => {
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

    #[test]
    fn skipping_nfkd_for_ascii_changes_no_slug() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        let mut samples = vec![
            every_ascii.clone(),
            every_ascii.chars().rev().collect(),
            "1. Install & Run <fast> | 'Quoted' snake_case v2.0".to_string(),
            "Déployer l’agent : « étape 2 » — ﬁn, Ａ, e\u{301}té, Straße".to_string(),
            "--Already-Dashed--".to_string(),
            String::new(),
        ];
        samples.extend(every_ascii.chars().map(|c| format!("A{c}é {c}")));
        for sample in &samples {
            assert_eq!(
                latin_slug(sample),
                slug_a_character_at_a_time(sample),
                "{sample:?}"
            );
        }
    }

    #[test]
    fn symbols_are_spelt_out() {
        assert_eq!(
            gitbook_slug("Terminal User & MariaDB User"),
            "terminal-user-and-mariadb-user"
        );
        assert_eq!(
            gitbook_slug("IDENTIFIED {VIA|WITH} authentication_plugin"),
            "identified-via-or-with-authentication_plugin"
        );
        assert_eq!(
            gitbook_slug("<buffer> Section"),
            "less-than-buffer-greater-than-section"
        );
    }

    #[test]
    fn shortcodes_and_emoji_vanish() {
        assert_eq!(gitbook_slug(":rocket: Launch"), "launch");
        assert_eq!(gitbook_slug("Launch 🚀"), "launch");
        assert_eq!(gitbook_slug("Not :an-emoji:"), "not-an-emoji");
    }

    #[test]
    fn other_scripts_keep_their_letters() {
        assert_eq!(gitbook_slug("错误包装"), "错误包装");
        assert_eq!(
            gitbook_slug("使用 time.Time 表达瞬时时间"),
            "使用-timetime-表达瞬时时间"
        );
        assert_eq!(
            gitbook_slug("Table 9.62. Schema 可見性的查詢函數"),
            "table-962-schema-可見性的查詢函數"
        );
        assert_eq!(gitbook_slug("Привет, мир"), "привет-мир");
        // Compatibility forms of Latin letters are Latin.
        assert_eq!(gitbook_slug("ﬁchier Ａ"), "fichier-a");
    }

    #[test]
    fn duplicates_get_numbered_suffixes_and_skip_taken_ones() {
        let mut ids = IdSet::default();
        ids.reserve("intro-1");
        assert_eq!(ids.unique("intro"), "intro");
        assert_eq!(ids.unique("intro"), "intro-2");
        assert_eq!(ids.unique("intro"), "intro-3");
        assert_eq!(ids.unique(""), "section");
        let mut ids = IdSet::default();
        assert_eq!(ids.unique("note"), "note");
        assert_eq!(ids.unique("note"), "note-1");
    }
}
