//! Which language a space is written in: the interface words, `<html lang>` and the search
//! stemmer follow it.
//!
//! In order: `language` of `carnet.yaml` (the whole site), else the space's `content.language`
//! in `docs.yaml`, else what its pages are written in, detected by whatlang (trigram statistics
//! over some text of each page, the pages voting by how much text they have), else English.
//! whatlang rather than lingua: a space gives pages of prose, on which its accuracy is all that
//! is needed, and it is small and fast (no models to load, a few microseconds a page), where
//! lingua's models weigh tens of megabytes for the same answer here.

use rustc_hash::FxHashMap;

use super::Page;

/// The language when nothing says otherwise and nothing can be detected.
pub const DEFAULT_LANGUAGE: &str = "en";

/// How much of a page's text is read to detect its language: enough for whatlang to be sure,
/// little enough to cost nothing on a 10,000-page site.
const SAMPLE_BYTES: usize = 2_000;

/// The language most of `pages` are written in, as a BCP 47 tag (`fr`, `zh`), when the text
/// says it clearly.
pub fn detect_language<'a>(pages: impl Iterator<Item = &'a Page>) -> Option<String> {
    let mut votes: FxHashMap<whatlang::Lang, usize> = FxHashMap::default();
    for page in pages {
        let sample = text_sample(page);
        let Some(info) = whatlang::detect(&sample) else {
            continue;
        };
        if info.is_reliable() {
            *votes.entry(info.lang()).or_default() += sample.len();
        }
    }
    let (lang, _) = votes
        .into_iter()
        .max_by_key(|(lang, weight)| (*weight, std::cmp::Reverse(lang.code())))?;
    Some(tag_of(lang))
}

/// The title and the first paragraphs of prose of a page.
fn text_sample(page: &Page) -> String {
    let mut sample = page.title.clone();
    for section in &page.fragment.sections {
        if sample.len() >= SAMPLE_BYTES {
            break;
        }
        sample.push('\n');
        sample.push_str(&section.heading);
        sample.push('\n');
        let mut cut = section.text.len().min(SAMPLE_BYTES);
        while !section.text.is_char_boundary(cut) {
            cut -= 1;
        }
        sample.push_str(&section.text[..cut]);
    }
    sample
}

/// whatlang's ISO 639-3 code as the shortest tag: ISO 639-1 where there is one.
fn tag_of(lang: whatlang::Lang) -> String {
    let code = lang.code();
    // Mandarin is `cmn`; pages and browsers know Chinese as `zh`, its macrolanguage.
    if code == "cmn" {
        return "zh".to_string();
    }
    isolang::Language::from_639_3(code)
        .and_then(|l| l.to_639_1())
        .unwrap_or(code)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_639_1_tags() {
        assert_eq!(tag_of(whatlang::Lang::Fra), "fr");
        assert_eq!(tag_of(whatlang::Lang::Eng), "en");
        assert_eq!(tag_of(whatlang::Lang::Cmn), "zh");
        assert_eq!(tag_of(whatlang::Lang::Kor), "ko");
        assert_eq!(tag_of(whatlang::Lang::Jpn), "ja");
    }
}
