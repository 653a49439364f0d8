//! Words into index terms: the one definition of "the same word" that the indexer and the
//! reader's browser share.
//!
//! The browser side (`themes/default/static/search.js`) repeats these steps exactly: split on
//! anything that is neither a letter nor a digit, lower-case, drop stop words, then emit two
//! terms per word — the stem of the word folded to base letters, and the stem of the folded word.
//! Two terms, because Snowball stemmers read accents (`hébergement` and `hebergement` may stem
//! differently) and a reader who types without accents must still find the page. Stop words and
//! the stemmer's language travel in the index's metadata so both sides always agree.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

pub use crate::markdown::words;

/// How one language turns words into terms.
pub struct Analyzer {
    stemmer: Option<Stemmer>,
    /// Snowball name of the stemmer (`french`), for the browser.
    pub stemmer_name: Option<&'static str>,
    pub stop_words: &'static [&'static str],
}

impl Analyzer {
    /// French and English get stemming and stop words; other languages are matched on folded
    /// words only, which still makes search accent- and case-insensitive.
    pub fn for_language(language: &str) -> Self {
        let primary = language
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Analyzer {
                stemmer: Some(Stemmer::create(Algorithm::French)),
                stemmer_name: Some("french"),
                stop_words: FRENCH_STOP_WORDS,
            },
            "en" => Analyzer {
                stemmer: Some(Stemmer::create(Algorithm::English)),
                stemmer_name: Some("english"),
                stop_words: ENGLISH_STOP_WORDS,
            },
            _ => Analyzer {
                stemmer: None,
                stemmer_name: None,
                stop_words: &[],
            },
        }
    }

    /// The terms of one word (one or two), or none for a stop word. `word` must be one token from
    /// [`words`].
    pub fn terms(&self, word: &str) -> Terms {
        let lower = word.to_lowercase();
        let folded = fold(&lower);
        if folded.chars().count() < 2 || self.stop_words.contains(&folded.as_str()) {
            return Terms::default();
        }
        let Some(stemmer) = &self.stemmer else {
            return Terms {
                first: Some(folded),
                second: None,
            };
        };
        let stem_then_fold = fold(&stemmer.stem(&lower));
        let fold_then_stem = stemmer.stem(&folded).into_owned();
        let second = (fold_then_stem != stem_then_fold).then_some(fold_then_stem);
        Terms {
            first: Some(stem_then_fold),
            second,
        }
    }
}

/// The index terms of one word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Terms {
    pub first: Option<String>,
    pub second: Option<String>,
}

impl Terms {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.first
            .iter()
            .chain(self.second.iter())
            .map(String::as_str)
    }
}

/// Lower-case text without its accents: canonical decomposition, combining marks removed, and
/// the letters that do not decompose spelled out (`œ` → `oe`, `ß` → `ss`).
pub fn fold(lower: &str) -> String {
    if lower.is_ascii() {
        return lower.to_owned();
    }
    let mut out = String::with_capacity(lower.len());
    for c in lower.nfd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            'ø' => out.push('o'),
            'đ' => out.push('d'),
            'ł' => out.push('l'),
            'ı' => out.push('i'),
            _ => out.push(c),
        }
    }
    out
}

/// Words too common to tell pages apart, folded as [`fold`] does.
const FRENCH_STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "elles",
    "en", "et", "eux", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais",
    "me", "meme", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas",
    "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton",
    "tu", "un", "une", "vos", "votre", "vous", "ete", "etre", "est", "sont", "ai", "as", "avons",
    "avez", "ont", "suis", "es", "sommes", "etes", "etait", "etaient", "fut", "sera", "seront",
    "aussi", "comme", "donc", "ni", "or", "car", "si", "ainsi", "cela", "ceci", "ca", "ici",
    "lors", "dont", "tout", "tous", "toute", "toutes", "plus", "tres", "sans", "sous", "entre",
    "vers",
];

const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "he", "her", "his", "if", "in", "into", "is", "it", "its", "of", "on", "or", "our",
    "she", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "to", "was", "we", "were", "which", "while", "who", "will", "with", "would", "you",
    "your", "do", "does", "did", "not", "no", "can", "all", "any", "each", "such", "only", "own",
    "same", "too", "very", "just", "also", "about", "over", "under", "again", "more", "most",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::MAX_WORD_CHARS;

    fn all_terms(analyzer: &Analyzer, word: &str) -> Vec<String> {
        analyzer.terms(word).iter().map(str::to_owned).collect()
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        let fr = Analyzer::for_language("fr");
        let accented = all_terms(&fr, "Hébergement");
        let plain = all_terms(&fr, "hebergement");
        assert!(
            plain.iter().any(|t| accented.contains(t)),
            "{accented:?} vs {plain:?}"
        );
    }

    #[test]
    fn french_plurals_and_derived_forms_share_a_stem() {
        let fr = Analyzer::for_language("fr-FR");
        let a = all_terms(&fr, "hébergeurs");
        let b = all_terms(&fr, "hébergeur");
        assert!(a.iter().any(|t| b.contains(t)), "{a:?} vs {b:?}");
    }

    #[test]
    fn stop_words_and_single_letters_have_no_terms() {
        let fr = Analyzer::for_language("fr");
        assert!(fr.terms("Les").first.is_none());
        assert!(fr.terms("d").first.is_none());
        assert!(fr.terms("été").first.is_none());
        let en = Analyzer::for_language("en");
        assert!(en.terms("The").first.is_none());
        assert_eq!(all_terms(&en, "running"), vec!["run".to_owned()]);
    }

    #[test]
    fn unknown_languages_fold_without_stemming() {
        let de = Analyzer::for_language("de");
        assert_eq!(all_terms(&de, "Größe"), vec!["grosse".to_owned()]);
    }

    #[test]
    fn words_split_on_punctuation_and_apostrophes_but_not_inside_letters() {
        let found: Vec<&str> = words("d’information, l'hébergement: x86_64 Ñandú 日本語 🇫🇷")
            .map(|(_, w)| w)
            .collect();
        assert_eq!(
            found,
            [
                "d",
                "information",
                "l",
                "hébergement",
                "x86",
                "64",
                "Ñandú",
                "日本語"
            ]
        );
    }

    #[test]
    fn overlong_words_are_skipped() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        let text = format!("avant {long} après");
        let found: Vec<&str> = words(&text).map(|(_, w)| w).collect();
        assert_eq!(found, ["avant", "après"]);
    }

    #[test]
    fn folding_spells_out_ligatures() {
        assert_eq!(fold("cœur"), "coeur");
        assert_eq!(fold("straße"), "strasse");
        assert_eq!(fold("ça"), "ca");
    }
}
