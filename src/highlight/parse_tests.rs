//! carnet's parser against syntect's: the same scope operations, line by line.

use std::path::Path;

use super::*;

/// Parses `text` with both parsers; the first difference, if any.
fn compare(index: usize, text: &str) -> Result<usize, String> {
    let h = highlighter();
    let syntax = &h.syntaxes.syntaxes()[index];
    let mut theirs = syntect::parsing::ParseState::new(syntax);
    let Some(mut ours) = ParseState::new(&h.grammars, index) else {
        return Err(format!("{}: carnet cannot read this grammar", syntax.name));
    };
    let mut scratch = Scratch::default();
    let mut lines = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let got = ours.parse_line(line, &h.grammars, &mut scratch);
        if got == Err(super::grammar::GrammarError::Looping) {
            // carnet gives up on lines where syntect loops forever (see `MAX_STALLED_MATCHES`),
            // so syntect cannot be asked.
            break;
        }
        let expected = theirs.parse_line(line, h.syntaxes).ok();
        let got = got.ok();
        if expected != got {
            return Err(format!(
                "{}, line {}: {line:?}\n syntect: {expected:?}\n carnet:  {got:?}",
                syntax.name,
                number + 1
            ));
        }
        if expected.is_none() {
            break;
        }
        lines += 1;
    }
    Ok(lines)
}

/// The first `bytes` of `text`, cut at a character boundary.
fn head(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The samples of `tests/data/highlight/`, by file name, sorted.
fn samples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/highlight");
    let mut samples: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("tests/data/highlight exists")
        .map(|entry| {
            let path = entry.expect("readable folder").path();
            let text = std::fs::read_to_string(&path).expect("UTF-8 sample");
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                text,
            )
        })
        .collect();
    samples.sort();
    assert!(samples.len() >= 10);
    samples
}

/// `text` with non-ASCII characters in most lines, where code, strings and comments have
/// them in real documentation, and where case folding and Unicode classes make Oniguruma
/// differ from ASCII rules: accents, `ß` and `ﬃ` (which `(?i)ss` and `(?i)ffi` match), the
/// Kelvin sign (`(?i)k`), no-break spaces (`\s`), CJK and emoji (`\w` and not).
fn non_ascii(text: &str) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| match i % 6 {
            0 => line.replace('e', "é"),
            1 => line.replacen(' ', "\u{a0}", 2),
            2 => line
                .replacen("ss", "ß", 1)
                .replacen("ffi", "ﬃ", 1)
                .replace('k', "\u{212a}"),
            3 => line.replacen('a', "日本", 1),
            4 => line.replacen(' ', " 🦀 ", 1),
            _ => line.to_string(),
        })
        .collect()
}

/// Real code in many languages (`tests/data/highlight/`), each file with its own grammar and
/// with every other grammar carnet ships: a grammar run on foreign text still goes through
/// most of its contexts.
#[test]
fn carnet_parses_like_syntect() {
    compare_samples(&samples());
}

/// The same with non-ASCII text in most lines (searched under Unicode's rules, without the
/// prefilters).
#[test]
fn carnet_parses_non_ascii_text_like_syntect() {
    let samples: Vec<(String, String)> = samples()
        .into_iter()
        .map(|(name, text)| (name, non_ascii(&text)))
        .collect();
    compare_samples(&samples);
}

fn compare_samples(samples: &[(String, String)]) {
    let h = highlighter();
    let mut failures = Vec::new();
    for (name, text) in samples {
        let extension = name.rsplit('.').next().unwrap_or_default();
        let (index, _) = h
            .syntax(extension)
            .unwrap_or_else(|| panic!("{name}: no grammar"));
        if let Err(failure) = compare(index, text) {
            failures.push(format!("{name}: {failure}"));
        }
    }
    let mixed: String = samples.iter().map(|(_, text)| head(text, 800)).collect();
    for index in 0..h.syntaxes.syntaxes().len() {
        if let Err(failure) = compare(index, &mixed) {
            failures.push(format!("mixed sample: {failure}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The same comparison on any folder of code (`CARNET_HIGHLIGHT_DIFF=/usr/lib/python3 cargo
/// test --release --lib -- --ignored parses_a_folder`): files by extension, at most 2,000.
#[test]
#[ignore = "reads a folder named by CARNET_HIGHLIGHT_DIFF"]
fn carnet_parses_a_folder_like_syntect() {
    let Some(dir) = std::env::var_os("CARNET_HIGHLIGHT_DIFF") else {
        return;
    };
    let h = highlighter();
    let mut failures = Vec::new();
    let mut files = 0;
    let mut lines = 0;
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if files >= 2_000 || !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let Some(extension) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        let Some((index, _)) = h.syntax(extension) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if text.len() > 200_000 {
            continue;
        }
        files += 1;
        match compare(index, &text) {
            Ok(n) => lines += n,
            Err(failure) => failures.push(format!("{}: {failure}", path.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{files} files, {lines} lines compared, {} differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(lines > 0, "no code of a known language in the folder");
}

/// A prefilter never rules out a position where Oniguruma finds a match: for every pattern of
/// the sample languages' grammars, on their ASCII lines, from the line start and from its middle.
#[test]
fn prefilters_never_skip_a_match() {
    let h = highlighter();
    let (syntaxes, lines) = sample_lines(h, |text| text.to_owned(), true);
    let mut searches = 0;
    let (filtered, patterns) = prefiltered(h, &syntaxes, &prefilter::AtomSets::default());
    for (source, regex, prefilter) in &filtered {
        let mut cache = prefilter.cache();
        let mut region = onig::Region::new();
        let mut after = Vec::new();
        for line in &lines {
            prefilter::bytes_after(line, &mut after);
            for start in [0, line.len() / 2] {
                searches += 1;
                let found = regex.search_with_param(
                    line,
                    start,
                    line.len(),
                    onig::SearchOptions::SEARCH_OPTION_NONE,
                    Some(&mut region),
                    onig::MatchParam::default(),
                );
                let Ok(Some(at)) = found else { continue };
                match prefilter.candidate(&mut cache, line, &after, start) {
                    prefilter::Candidate::At(candidate) if candidate <= at => {}
                    prefilter::Candidate::Exact { start: s, end: e }
                        if (s, e) == region.pos(0).unwrap() => {}
                    _ => panic!(
                        "{source:?} matches {line:?} at {at} (from {start}); the prefilter says otherwise"
                    ),
                }
            }
        }
    }
    assert!(searches > 0);
    let filtered = filtered.len();
    assert!(
        filtered * 10 >= patterns * 8,
        "{filtered} of {patterns} patterns have a prefilter"
    );
}

/// On lines with non-ASCII text (where no DFA runs), a prefilter's needed bytes never rule out
/// a search Oniguruma finds a match for: every pattern of the sample languages' grammars, on
/// the samples with accents, `ß`, `ﬃ`, the Kelvin sign, no-break spaces, CJK and emoji.
#[test]
fn prefilters_never_rule_out_a_match_on_non_ascii_text() {
    let h = highlighter();
    let (syntaxes, lines) = sample_lines(h, non_ascii, false);
    let (mut ruled_out, mut matched) = (0, 0);
    let mut after = Vec::new();
    let (filtered, _) = prefiltered(h, &syntaxes, &prefilter::AtomSets::default());
    for (source, regex, prefilter) in &filtered {
        for line in &lines {
            prefilter::ascii_bytes_after(line, &mut after);
            for start in [0, middle(line)] {
                let may_match = prefilter.may_match_any_text(after[start]);
                if let Some(at) = onig_search_from(regex, line, start) {
                    matched += 1;
                    assert!(
                        may_match,
                        "{source:?} matches {line:?} at {at} (from {start}); the prefilter rules it out"
                    );
                } else if !may_match {
                    ruled_out += 1;
                }
            }
        }
    }
    assert!(matched > 0);
    // The check does rule searches out (most patterns need punctuation a line lacks).
    assert!(
        ruled_out > matched,
        "{ruled_out} ruled out, {matched} matched"
    );
}

/// The bit tests the parse loop runs before searching a pattern (`Scratch::ruled_out`) never
/// rule out a search Oniguruma finds a match for: every pattern of the sample languages'
/// grammars, on their ASCII lines and on the samples made non-ASCII, from the line start, its
/// middle and its end (where only patterns that may match empty text can match).
#[test]
fn bit_tests_never_rule_out_a_match() {
    let h = highlighter();
    let sets = prefilter::AtomSets::default();
    let (mut ruled_out, mut matched) = (0, 0);
    let mut after = Vec::new();
    for ascii in [true, false] {
        let (syntaxes, lines) = if ascii {
            sample_lines(h, |text| text.to_owned(), true)
        } else {
            sample_lines(h, non_ascii, false)
        };
        let (filtered, _) = prefiltered(h, &syntaxes, &sets);
        for (source, regex, prefilter) in &filtered {
            let tests = prefilter.bit_tests();
            for line in &lines {
                if ascii {
                    prefilter::bytes_after(line, &mut after);
                } else {
                    prefilter::ascii_bytes_after(line, &mut after);
                }
                for start in [0, middle(line), line.len()] {
                    let out = tests.rule_out(after[start], ascii);
                    if let Some(at) = onig_search_from(regex, line, start) {
                        matched += 1;
                        assert!(
                            !out,
                            "{source:?} matches {line:?} at {at} (from {start}); the bit tests rule it out"
                        );
                    } else if out {
                        ruled_out += 1;
                    }
                }
            }
        }
    }
    assert!(matched > 0);
    assert!(
        ruled_out > matched,
        "{ruled_out} ruled out, {matched} matched"
    );
}

/// The char boundary nearest the middle of `line`, at or before it.
fn middle(line: &str) -> usize {
    (0..=line.len() / 2)
        .rev()
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(0)
}

/// Where Oniguruma finds `regex` in `line` searching from `start`, as the parse loop asks.
fn onig_search_from(regex: &onig::Regex, line: &str, start: usize) -> Option<usize> {
    regex
        .search_with_param(
            line,
            start,
            line.len(),
            onig::SearchOptions::SEARCH_OPTION_NONE,
            None,
            onig::MatchParam::default(),
        )
        .ok()
        .flatten()
}

/// Each pattern of `syntaxes` that has a prefilter: its source, its regex and its prefilter;
/// and how many patterns there are in all.
fn prefiltered<'h>(
    h: &'h Highlighter,
    syntaxes: &[usize],
    sets: &prefilter::AtomSets,
) -> (Vec<(&'h str, onig::Regex, prefilter::Prefilter)>, usize) {
    let sources: Vec<&str> = syntaxes
        .iter()
        .flat_map(|&syntax| h.grammars.patterns_of(syntax))
        .map(|pattern| pattern.regex.regex_str())
        .collect();
    let filtered = sources
        .iter()
        .filter_map(|&source| {
            Some((
                source,
                grammar::compile_regex(source)?,
                prefilter::Prefilter::new(source, sets)?,
            ))
        })
        .collect();
    (filtered, sources.len())
}

/// The syntaxes of the sample files and every 25th of their lines, each sample's text first
/// made by `text`, keeping the lines that are ASCII (`ascii`) or those that are not.
fn sample_lines(
    h: &Highlighter,
    text: impl Fn(&str) -> String,
    ascii: bool,
) -> (Vec<usize>, Vec<String>) {
    let mut lines: Vec<String> = Vec::new();
    let mut syntaxes = Vec::new();
    for (name, sample) in samples() {
        let extension = name.rsplit('.').next().unwrap_or_default();
        syntaxes.extend(h.syntax(extension).map(|(index, _)| index));
        let sample = text(&sample);
        let kept: Vec<&str> = sample
            .split_inclusive('\n')
            .filter(|l| l.is_ascii() == ascii)
            .collect();
        lines.extend(kept.iter().step_by(25).map(|l| l.to_string()));
    }
    syntaxes.sort();
    syntaxes.dedup();
    (syntaxes, lines)
}
