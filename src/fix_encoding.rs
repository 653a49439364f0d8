//! `carnet fix-encoding`: repair damaged encodings in the sources themselves, for good.
//!
//! A build repairs mojibake on the fly and warns; this command is how contributors stop the
//! warnings: it reports every repair with its place, and with `--write` rewrites the files that
//! need it. Only the damaged sequences change (see [`crate::text::fix_bytes`]); a file is replaced
//! atomically (a temporary file in the same folder, renamed over it, with its permissions), so an
//! interrupted run never leaves half a file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::paths::temp::{TempLock, sweep_abandoned, temp_prefix};
use crate::text::{FixedBytes, fix_bytes};

/// What happened to one file (or to standard input).
#[derive(Debug)]
pub struct FileOutcome {
    /// The file as the user named it, or `<stdin>`.
    pub path: PathBuf,
    pub fixed: FixedBytes,
    /// The repaired bytes were written over the file.
    pub written: bool,
    /// Reading or writing failed.
    pub error: Option<String>,
}

impl FileOutcome {
    /// The file needs repair (whether or not it was written).
    pub fn needs_repair(&self) -> bool {
        self.fixed.bytes.is_some()
    }
}

/// The files `paths` name: files as given, folders searched recursively for `.md` files (hidden
/// folders skipped), in a stable order.
pub fn collect_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker.flatten() {
                let is_md = entry.path().extension().is_some_and(|e| e == "md");
                if entry.file_type().is_file() && is_md {
                    files.push(entry.into_path());
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    files
}

/// Checks (and with `write`, repairs) one file.
pub fn fix_file(path: &Path, write: bool) -> FileOutcome {
    let mut outcome = FileOutcome {
        path: path.to_path_buf(),
        fixed: FixedBytes::default(),
        written: false,
        error: None,
    };
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            outcome.error = Some(format!("cannot read: {err}"));
            return outcome;
        }
    };
    outcome.fixed = fix_bytes(&bytes);
    if write {
        sweep_beside(path);
    }
    if let (true, Some(repaired)) = (write, outcome.fixed.bytes.as_deref()) {
        match write_atomically(path, repaired) {
            Ok(()) => outcome.written = true,
            Err(err) => outcome.error = Some(format!("cannot write: {err}")),
        }
    }
    outcome
}

/// Removes the temporary files a killed `--write` left beside `path` (its link's target).
fn sweep_beside(path: &Path) {
    let Ok(target) = fs::canonicalize(path) else {
        return;
    };
    if let (Some(dir), Some(name)) = (target.parent(), target.file_name()) {
        sweep_abandoned(dir, &temp_prefix(&name.to_string_lossy()));
    }
}

/// The filter: repairs `input` and returns what to write to standard output (the input itself
/// when it needs nothing).
pub fn fix_stream(input: &[u8]) -> (Vec<u8>, FileOutcome) {
    let fixed = fix_bytes(input);
    let output = fixed.bytes.clone().unwrap_or_else(|| input.to_vec());
    let outcome = FileOutcome {
        path: PathBuf::from("<stdin>"),
        fixed,
        written: false,
        error: None,
    };
    (output, outcome)
}

/// Replaces `path` with `bytes`: a temporary file beside it, with its permissions, renamed over
/// it. A symbolic link is followed, so the link stays a link. The temporary file is carnet's
/// (`.<name>.carnet-tmp-…`, locked while written; see [`sweep_beside`]).
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let permissions = fs::metadata(&target)?.permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = temp_prefix(&name);
    let mut tmp = tempfile::Builder::new().prefix(&prefix).tempfile_in(dir)?;
    let _lock = TempLock::hold(tmp.path());
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(&target).map_err(|err| err.error)?;
    Ok(())
}

/// The report on one file for people: a status line, then one line per repair.
pub fn render_human(outcome: &FileOutcome) -> String {
    let path = outcome.path.display();
    if let Some(error) = &outcome.error {
        return format!("{path}: error: {error}\n");
    }
    let fixed = &outcome.fixed;
    if !outcome.needs_repair() {
        let mut out = format!("{path}: clean ({})", fixed.encoding);
        if !fixed.possible.is_empty() {
            let count = fixed.possible.len();
            let s = if count == 1 { "" } else { "s" };
            out.push_str(&format!(
                "; {count} place{s} that may be mojibake, left as written"
            ));
        }
        out.push('\n');
        push_possible(&mut out, outcome);
        return out;
    }
    let mut parts = Vec::new();
    if let Some(encoding) = fixed.converted_from {
        parts.push(format!("{encoding}, converted to UTF-8"));
    }
    if !fixed.repairs.is_empty() {
        let mut pages: Vec<&str> = fixed.repairs.iter().map(|r| r.code_page).collect();
        pages.sort_unstable();
        pages.dedup();
        let count = fixed.repairs.len();
        parts.push(format!(
            "{count} damaged sequence{} ({})",
            if count == 1 { "" } else { "s" },
            pages.join(", ")
        ));
    }
    let status = if outcome.written {
        "repaired"
    } else {
        "needs repair"
    };
    let mut out = format!("{path}: {status}: {}\n", parts.join("; "));
    for repair in &fixed.repairs {
        out.push_str(&format!(
            "  {path}:{}:{}: `{}` → `{}`",
            repair.line, repair.column, repair.damaged, repair.repaired
        ));
        if !repair.alternatives.is_empty() {
            let others: Vec<String> = repair.alternatives.iter().map(|c| c.to_string()).collect();
            out.push_str(&format!(" (ambiguous: {} fit as well)", others.join(" ")));
        }
        out.push('\n');
    }
    push_possible(&mut out, outcome);
    out
}

/// The lines of a human report for the possible mojibake of `outcome`: left as written, for a
/// person to look at.
fn push_possible(out: &mut String, outcome: &FileOutcome) {
    let path = outcome.path.display();
    for possible in &outcome.fixed.possible {
        out.push_str(&format!(
            "  {path}:{}:{}: note: `{}` may be `{}` ({}); left as written\n",
            possible.line, possible.column, possible.damaged, possible.repaired, possible.code_page
        ));
    }
}

/// The report on one file as one JSON object (one line).
pub fn render_json(outcome: &FileOutcome) -> String {
    let repair = |r: &crate::text::Repair| {
        serde_json::json!({
            "line": r.line,
            "column": r.column,
            "damaged": r.damaged,
            "repaired": r.repaired,
            "code_page": r.code_page,
            "restored_lost_byte": r.restored,
            "alternatives": r.alternatives.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        })
    };
    let repairs: Vec<serde_json::Value> = outcome.fixed.repairs.iter().map(repair).collect();
    let possible: Vec<serde_json::Value> = outcome.fixed.possible.iter().map(repair).collect();
    serde_json::json!({
        "file": outcome.path.to_string_lossy().replace('\\', "/"),
        "encoding": outcome.fixed.encoding,
        "converted_from": outcome.fixed.converted_from,
        "needs_repair": outcome.needs_repair(),
        "written": outcome.written,
        "error": outcome.error,
        "repairs": repairs,
        "possible": possible,
    })
    .to_string()
}
