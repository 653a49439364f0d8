//! The index brought up to date save after save is the index made from scratch, file for
//! file, whatever the edits: words added and removed, terms appearing and vanishing, terms
//! crossing [`HEAD_POSTINGS`], shards splitting, the rounded average moving.

use super::super::{HEAD_POSTINGS, Section, best_first, page_terms};
use super::*;
use crate::markdown::PageWords;
use crate::search::packed::PackedTerms;

/// A small deterministic generator (xorshift), so a failure replays.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A made-up word: consonant-vowel syllables, so stemmers keep most of it.
    fn word(&mut self) -> String {
        let syllables = 1 + self.below(4);
        (0..syllables)
            .map(|_| {
                let c = b"bcdfglmnprstvz"[self.below(14)] as char;
                let v = ["a", "e", "i", "o", "u", "é", "ou"][self.below(7)];
                format!("{c}{v}")
            })
            .collect()
    }
}

struct Corpus {
    analyzers: Vec<(String, Analyzer)>,
    vocabulary: Vocabulary,
    /// The words every page draws from; the first ten are in nearly every page.
    words: Vec<String>,
}

impl Corpus {
    fn new(languages: &[&str], random: &mut Random) -> Corpus {
        let mut words: Vec<String> = (0..3000).map(|_| random.word()).collect();
        words.sort();
        words.dedup();
        Corpus {
            analyzers: languages
                .iter()
                .map(|l| (l.to_string(), Analyzer::for_language(l)))
                .collect(),
            vocabulary: Vocabulary::default(),
            words,
        }
    }

    fn text(&self, random: &mut Random, count: usize) -> String {
        let mut text: Vec<&str> = self.words[..10].iter().map(String::as_str).collect();
        text.extend((0..count).map(|_| self.words[random.below(self.words.len())].as_str()));
        text.join(" ")
    }

    fn page(&self, id: u32, text: &str) -> PageTerms {
        let sections = vec![Section {
            text: text.to_owned(),
            ..Section::default()
        }];
        let (_, analyzer) = &self.analyzers[id as usize % self.analyzers.len()];
        let mut page = page_terms(
            analyzer,
            &self.vocabulary,
            id,
            "Titre",
            None,
            &PageWords::of_sections(&sections),
        );
        page.file_hash = *blake3::hash(text.as_bytes()).as_bytes();
        page
    }

    fn context(&self) -> Context<'_> {
        Context {
            analyzers: &self.analyzers,
            vocabulary: &self.vocabulary,
        }
    }
}

fn files(index: &TermIndex) -> Vec<(String, Vec<u8>)> {
    index
        .shared_files()
        .into_iter()
        .map(|(path, file)| (path, file.bytes.to_vec()))
        .collect()
}

/// Edits pages one or two at a time and compares the updated index with one made again.
/// `packed`: the index is made and updated from the pages packed, as `serve` keeps them.
fn updates_equal_a_fresh_index(languages: &[&str], seed: u64, packed: bool) {
    let random = &mut Random(seed);
    let corpus = Corpus::new(languages, random);
    let mut pages: Vec<PageTerms> = (0..(HEAD_POSTINGS as u32 + 300))
        .map(|id| {
            let count = 30 + random.below(90);
            corpus.page(id, &corpus.text(random, count))
        })
        .collect();
    let context = corpus.context();
    let refs: Vec<&PageTerms> = pages.iter().collect();
    let pack =
        |pages: &[PageTerms]| -> Vec<PackedTerms> { pages.iter().map(PackedTerms::pack).collect() };
    let mut index = if packed {
        TermIndex::new(&context, &pack(&pages), true)
    } else {
        TermIndex::new(&context, &refs, false)
    };
    let mut same_average = 0;
    let mut rounds = 0;
    for round in 0..40 {
        let edited = if round % 7 == 3 { 2 } else { 1 };
        let mut olds = Vec::new();
        for _ in 0..edited {
            let mut id = random.below(pages.len());
            while olds.iter().any(|(edited, _)| *edited == id) {
                id = random.below(pages.len());
            }
            let count = 20 + random.below(60);
            let mut text = corpus.text(random, count);
            match round % 5 {
                // A word no page had.
                0 => text.push_str(&format!(" zuzuzu{round}")),
                // A long page: the average moves a step or more.
                1 if round % 10 == 1 => text.push_str(&" lorem".repeat(3000)),
                // A common word taken out of many pages in turn: it falls under the head size.
                2 => text = text.replace(&corpus.words[0], ""),
                _ => {}
            }
            let new = corpus.page(id as u32, &text);
            olds.push((id, std::mem::replace(&mut pages[id], new)));
        }
        let before = index.average;
        let refs: Vec<&PageTerms> = pages.iter().collect();
        let changes: Vec<Change<'_>> = olds
            .iter()
            .map(|(id, old)| (Some(old), Some(&pages[*id])))
            .collect();
        if packed {
            index.update(&context, &pack(&pages), &changes);
        } else {
            index.update(&context, &refs, &changes);
        }
        // What a clean build writes for these pages.
        let fresh = super::super::term_files(&corpus.analyzers, &corpus.vocabulary, refs.clone());
        let expected: Vec<(String, Vec<u8>)> = fresh
            .files
            .into_iter()
            .map(|file| (file.path, file.bytes))
            .collect();
        let got = files(&index);
        let paths = |f: &[(String, Vec<u8>)]| f.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&got), paths(&expected), "round {round}");
        let differ: Vec<&String> = got
            .iter()
            .zip(&expected)
            .filter(|(a, b)| a.1 != b.1)
            .map(|(a, _)| &a.0)
            .collect();
        assert!(differ.len() <= 1, "round {round}: {differ:?}");
        for ((path, a), (_, b)) in got.iter().zip(&expected) {
            assert!(
                a == b,
                "round {round}: {path} differs:\n{}\n{}",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            );
        }
        assert_eq!(index.version, fresh.version, "round {round}");
        same_average += usize::from(before == index.average);
        rounds += 1;
    }
    // Most saves took the incremental road (the average stayed on its step).
    assert!(same_average * 2 > rounds, "{same_average} of {rounds}");
    // The corpus is big enough to exercise splits and tails.
    let all = files(&index);
    assert!(all.iter().any(|(p, _)| p.starts_with("search/x/")));
    assert!(
        all.iter()
            .filter(|(p, _)| p.starts_with("search/t/"))
            .count()
            > 14
    );
}

#[test]
fn an_updated_index_is_the_fresh_one_with_one_language() {
    updates_equal_a_fresh_index(&["fr"], 0x5eed_0001, false);
}

#[test]
fn an_updated_index_read_from_packed_pages_is_the_fresh_one() {
    updates_equal_a_fresh_index(&["fr"], 0x5eed_0004, true);
    updates_equal_a_fresh_index(&["fr", "en"], 0x5eed_0005, true);
}

#[test]
fn an_updated_index_is_the_fresh_one_with_two_stemming_languages() {
    updates_equal_a_fresh_index(&["fr", "en"], 0x5eed_0002, false);
}

#[test]
fn an_updated_index_is_the_fresh_one_without_stemmer() {
    updates_equal_a_fresh_index(&["ja"], 0x5eed_0003, false);
}

#[test]
fn the_average_is_rounded_to_steps_of_about_two_percent() {
    let page = |length: f32| PageTerms {
        length,
        ..PageTerms::default()
    };
    let (a, b) = (page(100.0), page(100.5));
    assert_eq!(quantised_average(&[&a]), quantised_average(&[&b]));
    let c = page(103.0);
    assert_ne!(quantised_average(&[&a]), quantised_average(&[&c]));
    let rounded = quantised_average(&[&a]);
    assert!((rounded - 100.0).abs() <= 100.0 * 0.011, "{rounded}");
}

#[test]
fn a_score_changed_in_place_reads_as_the_list_encoded_again() {
    // Tails as a build holds them, and packed as serve does.
    scores_changed_in_place(false);
    scores_changed_in_place(true);
}

fn scores_changed_in_place(pack: bool) {
    let count = 2_000;
    // 700 pages: 500 in the head, 200 in the tail; weights spread, some equal.
    let list: Vec<(u32, f32)> = (0..700u32)
        .map(|page| (page * 2 + 1, 0.5 + ((page * 37) % 101) as f32 / 50.0))
        .collect();
    let old = encode(&list, count, pack);
    let cut = old
        .tail
        .as_ref()
        .expect("a list past the head size has a tail")
        .cut;
    let mut patched_tail = 0;
    let mut patched_head = 0;
    for (i, &(page, before)) in list.iter().enumerate().step_by(7) {
        for after in [before * 0.9, before * 1.01, before + 0.3, 0.01, 9.0] {
            let mut changed = list.clone();
            changed[i].1 = after;
            let moved = [(page, Some(before), Some(after))];
            let fresh = encode(&changed, count, pack);
            match patched(&old, &changed, &moved, count) {
                Some(patch) => {
                    assert_eq!(patch.head, fresh.head, "page {page} {before} → {after}");
                    // The tail's text, the head's pages and its worst posting.
                    assert_eq!(patch.tail, fresh.tail, "page {page} {before} → {after}");
                    patched_tail += 1;
                }
                None => {
                    // Only a page in the head, or one crossing the cut, is encoded again.
                    let in_tail = |w: f32| best_first(&(page, w), &cut).is_gt();
                    assert!(!(in_tail(before) && in_tail(after)), "page {page}");
                    patched_head += 1;
                }
            }
        }
    }
    assert!(
        patched_tail > 50 && patched_head > 50,
        "{patched_tail} {patched_head}"
    );
    // A short list (no tail): any score is patched.
    let short: Vec<(u32, f32)> = list[..300].to_vec();
    let old = encode(&short, count, pack);
    for i in [0, 1, 150, 299] {
        let mut changed = short.clone();
        changed[i].1 += 0.7;
        let moved = [(short[i].0, Some(short[i].1), Some(changed[i].1))];
        let patch = patched(&old, &changed, &moved, count).map(|p| p.head);
        assert_eq!(patch, Some(encode(&changed, count, pack).head));
    }
}
