//! ftfy's own test cases run through carnet's encoding repair: how many of its negative cases
//! (text that must stay as it is) carnet changes, and how many of its positive cases (mojibake)
//! it repairs exactly as ftfy's `fix_encoding` does.
//!
//! The cases are read from python-ftfy's repository, not kept here:
//!
//! ```text
//! git clone https://github.com/rspeer/python-ftfy
//! FTFY_CASES=python-ftfy/tests/test-cases cargo bench --bench ftfy_cases [-- --verbose]
//! ```
//!
//! Without `FTFY_CASES` it says so and passes: `cargo bench` runs it with the others, and the
//! cases are not part of this repository.
//!
//! A case is negative when its expected `fix_encoding` result (`fixed-encoding`, else `fixed`)
//! is its `original`; positive otherwise. Cases ftfy itself marks `"expect": "fail"`
//! (`known-failures.json`) are excluded, as ftfy's test suite excludes them, and counted apart.
//! carnet's result is `fix_bytes` on the case's text, what `carnet fix-encoding --write` does.
//! carnet restores bytes the damage lost where ftfy leaves U+FFFD (`Ру��кий` → `Русский`):
//! such a case counts apart, as repaired with its lost bytes restored.
//! Exits 1 when a negative case is changed or fewer than 95 % of the positive ones are repaired
//! (counting those).

use std::path::{Path, PathBuf};

use carnet::text::fix_bytes;
use serde_json::Value;

struct Case {
    file: String,
    label: String,
    original: String,
    expected: String,
    known_failure: bool,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut folder = None;
    let mut verbose = false;
    for arg in args.by_ref() {
        match arg.as_str() {
            "--verbose" | "-v" => verbose = true,
            // What `cargo bench` passes to every bench binary.
            "--bench" => {}
            _ => folder = Some(PathBuf::from(arg)),
        }
    }
    let Some(folder) = folder.or_else(|| std::env::var_os("FTFY_CASES").map(PathBuf::from)) else {
        println!(
            "ftfy_cases: skipped, FTFY_CASES is not set (the path of python-ftfy's tests/test-cases)"
        );
        return;
    };
    let cases = read_cases(&folder).unwrap_or_else(|err| {
        eprintln!("cannot read the cases in {}: {err}", folder.display());
        std::process::exit(2)
    });
    let (mut negative, mut negative_changed) = (0, 0);
    let (mut positive, mut positive_repaired, mut restored) = (0, 0, 0);
    let (mut known, mut known_repaired) = (0, 0);
    for case in &cases {
        let fixed = repaired(&case.original);
        let right = fixed == case.expected;
        let kind = if case.known_failure {
            known += 1;
            known_repaired += usize::from(right);
            "known failure"
        } else if case.original == case.expected {
            negative += 1;
            negative_changed += usize::from(!right);
            "negative changed"
        } else {
            positive += 1;
            positive_repaired += usize::from(right);
            let better = !right && restores_what_ftfy_lost(&case.expected, &fixed);
            restored += usize::from(better);
            if better {
                "positive repaired, lost bytes restored"
            } else {
                "positive missed"
            }
        };
        if !right && (verbose || !case.known_failure) {
            println!("{kind}: {} ({})", case.label, case.file);
            println!("  original: {:?}", case.original);
            println!("  expected: {:?}", case.expected);
            println!("  carnet:   {fixed:?}");
        }
    }
    let percent = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
    println!(
        "negative cases changed: {negative_changed} of {negative}\n\
         positive cases repaired as ftfy does: {positive_repaired} of {positive} ({:.1} %)\n\
         positive cases repaired, counting lost bytes restored where ftfy leaves U+FFFD: \
         {} of {positive} ({:.1} %)\n\
         known failures (excluded) repaired anyway: {known_repaired} of {known}",
        percent(positive_repaired, positive),
        positive_repaired + restored,
        percent(positive_repaired + restored, positive)
    );
    if negative_changed > 0 || percent(positive_repaired + restored, positive) < 95.0 {
        std::process::exit(1);
    }
}

/// Whether `fixed` is `expected` but where ftfy could only write U+FFFD for a byte the
/// damage lost: there, one character (carnet restores lost bytes, ftfy does not).
fn restores_what_ftfy_lost(expected: &str, fixed: &str) -> bool {
    expected.contains('\u{FFFD}')
        && expected.chars().count() == fixed.chars().count()
        && expected
            .chars()
            .zip(fixed.chars())
            .all(|(e, f)| e == f || (e == '\u{FFFD}' && f != '\u{FFFD}'))
}

/// The case's text as `carnet fix-encoding --write` would leave it.
fn repaired(original: &str) -> String {
    match fix_bytes(original.as_bytes()).bytes {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => original.to_owned(),
    }
}

fn read_cases(folder: &Path) -> Result<Vec<Case>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|err| err.to_string())?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err("no .json file".into());
    }
    let mut cases = Vec::new();
    for path in files {
        let file = path
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        let text = std::fs::read_to_string(&path).map_err(|err| format!("{file}: {err}"))?;
        let list: Vec<Value> =
            serde_json::from_str(&text).map_err(|err| format!("{file}: {err}"))?;
        for value in list {
            let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
            let (Some(original), Some(fixed)) = (field("original"), field("fixed")) else {
                return Err(format!("{file}: a case without `original` or `fixed`"));
            };
            cases.push(Case {
                label: field("label").unwrap_or_default(),
                expected: field("fixed-encoding").unwrap_or(fixed),
                known_failure: field("expect").as_deref() == Some("fail"),
                original,
                file: file.clone(),
            });
        }
    }
    Ok(cases)
}
