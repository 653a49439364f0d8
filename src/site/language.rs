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
use crate::markdown::Section;

/// The language when nothing says otherwise and nothing can be detected.
pub const DEFAULT_LANGUAGE: &str = "en";

/// How much of a page's text is read to detect its language: enough for whatlang to be sure,
/// little enough to cost nothing on a 10,000-page site.
const SAMPLE_BYTES: usize = 2_000;

/// Pages whose votes are counted together (in parallel) before the count is looked at.
const CHUNK: usize = 256;

/// At most this many pages vote, spread evenly over the space: a thousand samples of prose
/// name the language of a site written in one as surely as ten thousand, and detection was a
/// fifth of a warm build of a 10,000-page site. A space so mixed that which pages vote could
/// change the winner has no clear language anyway.
const MAX_VOTERS: usize = 1_000;

/// The language most of `pages` are written in, as a BCP 47 tag (`fr`, `zh`), when the text
/// says it clearly.
///
/// Detection is the costly part of assembling a big site (whatlang reads each sample's
/// trigrams), so at most [`MAX_VOTERS`] pages vote, in chunks, in parallel, and counting
/// stops as soon as the voters left could not change the winner even all voting for the
/// runner-up.
pub fn detect_language<'a>(pages: impl Iterator<Item = &'a Page>) -> Option<String> {
    use rayon::prelude::*;
    let pages: Vec<&Page> = pages.collect();
    let stride = pages.len().div_ceil(MAX_VOTERS).max(1);
    // Each voter's sample made once, in parallel: a page's sections are unpacked to make it.
    let samples: Vec<String> = pages
        .into_iter()
        .step_by(stride)
        .collect::<Vec<&Page>>()
        .par_iter()
        .map(|page| text_sample(page))
        .collect();
    // What the pages from each index on can still add, at most.
    let mut left: Vec<usize> = samples.iter().map(String::len).collect();
    let mut total = 0;
    for weight in left.iter_mut().rev() {
        total += *weight;
        *weight = total;
    }
    let mut votes: FxHashMap<whatlang::Lang, usize> = FxHashMap::default();
    for (n, chunk) in samples.chunks(CHUNK).enumerate() {
        let found: Vec<(whatlang::Lang, usize)> = chunk
            .par_iter()
            .filter_map(|sample| {
                let info = whatlang::detect(sample)?;
                info.is_reliable().then(|| (info.lang(), sample.len()))
            })
            .collect();
        for (lang, weight) in found {
            *votes.entry(lang).or_default() += weight;
        }
        let remaining = left.get((n + 1) * CHUNK).copied().unwrap_or(0);
        if decided(&votes, remaining) {
            break;
        }
    }
    let (lang, _) = votes
        .into_iter()
        .max_by_key(|(lang, weight)| (*weight, std::cmp::Reverse(lang.code())))?;
    Some(tag_of(lang))
}

/// Whether the leader of `votes` stays ahead whatever `remaining` more weight goes to.
fn decided(votes: &FxHashMap<whatlang::Lang, usize>, remaining: usize) -> bool {
    let mut weights: Vec<usize> = votes.values().copied().collect();
    weights.sort_unstable_by(|a, b| b.cmp(a));
    match weights.as_slice() {
        [] => remaining == 0,
        [leader] => *leader > remaining,
        [leader, second, ..] => *leader > second + remaining,
    }
}

/// The title and the first paragraphs of prose of a page.
fn text_sample(page: &Page) -> String {
    let sections = page.fragment.sections();
    let mut sample = String::with_capacity(sample_len_of(page, &sections));
    for part in sample_parts(page, &sections) {
        sample.push_str(part);
    }
    sample
}

fn sample_len_of(page: &Page, sections: &[Section]) -> usize {
    sample_parts(page, sections).map(str::len).sum()
}

/// The pieces [`text_sample`] is made of, in order, from the page's `sections`.
fn sample_parts<'a>(page: &'a Page, sections: &'a [Section]) -> impl Iterator<Item = &'a str> {
    let mut len = page.title.len();
    let sections = sections.iter().take_while(move |section| {
        let more = len < SAMPLE_BYTES;
        len += 2 + section.heading.len() + cut_at(&section.text);
        more
    });
    std::iter::once(page.title.as_str()).chain(sections.flat_map(|section| {
        let text = &section.text[..cut_at(&section.text)];
        ["\n", section.heading.as_str(), "\n", text]
    }))
}

/// Where a section's text is cut in a sample: at most [`SAMPLE_BYTES`], on a character.
fn cut_at(text: &str) -> usize {
    let mut cut = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    cut
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
    fn counting_stops_only_when_the_voters_left_cannot_change_the_winner() {
        let votes = |pairs: &[(whatlang::Lang, usize)]| pairs.iter().copied().collect();
        let fr_en = votes(&[(whatlang::Lang::Fra, 900), (whatlang::Lang::Eng, 300)]);
        assert!(decided(&fr_en, 599));
        assert!(!decided(&fr_en, 600), "a tie is still possible");
        assert!(decided(&votes(&[(whatlang::Lang::Fra, 10)]), 9));
        assert!(!decided(&votes(&[(whatlang::Lang::Fra, 10)]), 10));
        assert!(!decided(&FxHashMap::default(), 1));
        assert!(decided(&FxHashMap::default(), 0));
    }

    #[test]
    fn iso_639_1_tags() {
        assert_eq!(tag_of(whatlang::Lang::Fra), "fr");
        assert_eq!(tag_of(whatlang::Lang::Eng), "en");
        assert_eq!(tag_of(whatlang::Lang::Cmn), "zh");
        assert_eq!(tag_of(whatlang::Lang::Kor), "ko");
        assert_eq!(tag_of(whatlang::Lang::Jpn), "ja");
    }
}
