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

/// Where languages detected by earlier builds are kept (the build cache's output table), each
/// under the hash of the samples it was detected from ([`samples_hash`]).
///
/// Why: detection reads every sample's trigrams (whatlang), the same on every build of an
/// unchanged site: about 4 % of a second build of a 10,000-page site. Its answer is a function
/// of the samples alone (and of the carnet binary, which the cache's keys hold), so equal
/// samples give the same answer.
pub trait LanguageMemo: Sync {
    /// The language detected from the samples hashing to `samples`, if an earlier build kept
    /// it: `Some(None)` when their text named none clearly.
    fn recall(&self, samples: &[u8; 32]) -> Option<Option<String>>;

    /// Keeps what the samples hashing to `samples` were detected to be written in.
    fn remember(&self, samples: &[u8; 32], language: Option<&str>);
}

impl LanguageMemo for crate::cache::OutputCache {
    fn recall(&self, samples: &[u8; 32]) -> Option<Option<String>> {
        self.language(samples)
    }

    fn remember(&self, samples: &[u8; 32], language: Option<&str>) {
        self.keep_language(samples, language);
    }
}

/// The language most of `pages` are written in, as a BCP 47 tag (`fr`, `zh`), when the text
/// says it clearly; taken from `memo` when an earlier build detected it from the same samples.
///
/// Detection is the costly part of assembling a big site (whatlang reads each sample's
/// trigrams), so at most [`MAX_VOTERS`] pages vote, in chunks, in parallel, and counting
/// stops as soon as the voters left could not change the winner even all voting for the
/// runner-up.
pub fn detect_language<'a>(
    pages: impl Iterator<Item = &'a Page>,
    memo: Option<&dyn LanguageMemo>,
) -> Option<String> {
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
    match memo {
        Some(memo) => recall_or_detect(&samples, memo),
        None => detect_in(&samples),
    }
}

/// The language of `samples` as `memo` kept it, else detected and kept.
fn recall_or_detect(samples: &[String], memo: &dyn LanguageMemo) -> Option<String> {
    let hash = samples_hash(samples);
    if let Some(known) = memo.recall(&hash) {
        return known;
    }
    let found = detect_in(samples);
    memo.remember(&hash, found.as_deref());
    found
}

/// The BLAKE3 hash of `samples`, each one's length before it: all that [`detect_in`] reads.
fn samples_hash(samples: &[String]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&(samples.len() as u64).to_le_bytes());
    for sample in samples {
        hasher.update(&(sample.len() as u64).to_le_bytes());
        hasher.update(sample.as_bytes());
    }
    *hasher.finalize().as_bytes()
}

/// The language `samples` are written in, voting by their length (see [`detect_language`]).
fn detect_in(samples: &[String]) -> Option<String> {
    use rayon::prelude::*;
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

    /// What the memo in memory holds, and how many times it was told to keep something.
    type Kept = (FxHashMap<[u8; 32], Option<String>>, usize);

    /// A memo in memory that counts what it was asked to keep.
    #[derive(Default)]
    struct Memo(std::sync::Mutex<Kept>);

    impl LanguageMemo for Memo {
        fn recall(&self, samples: &[u8; 32]) -> Option<Option<String>> {
            self.0.lock().expect("not poisoned").0.get(samples).cloned()
        }
        fn remember(&self, samples: &[u8; 32], language: Option<&str>) {
            let mut inner = self.0.lock().expect("not poisoned");
            inner.0.insert(*samples, language.map(str::to_owned));
            inner.1 += 1;
        }
    }

    #[test]
    fn a_language_detected_once_is_recalled_for_the_same_samples_only() {
        let french = vec![
            "Le chat dort sur le canapé pendant que la pluie tombe doucement sur la ville."
                .to_owned();
            3
        ];
        let memo = Memo::default();
        assert_eq!(recall_or_detect(&french, &memo).as_deref(), Some("fr"));
        assert_eq!(memo.0.lock().expect("not poisoned").1, 1, "kept once");
        // What the memo holds is what comes back, without detecting again: a planted answer
        // shows it.
        memo.0
            .lock()
            .expect("not poisoned")
            .0
            .insert(samples_hash(&french), Some("xx".into()));
        assert_eq!(recall_or_detect(&french, &memo).as_deref(), Some("xx"));
        assert_eq!(memo.0.lock().expect("not poisoned").1, 1, "not kept again");
        // One sample fewer is other samples: detected and kept under its own hash.
        assert_eq!(recall_or_detect(&french[..2], &memo).as_deref(), Some("fr"));
        assert_eq!(memo.0.lock().expect("not poisoned").1, 2);
        assert_ne!(samples_hash(&french[..2]), samples_hash(&french));
        // Samples cut differently hash differently (each one's length goes in).
        let joined = vec![french[..2].concat()];
        assert_ne!(samples_hash(&joined), samples_hash(&french[..2]));
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
