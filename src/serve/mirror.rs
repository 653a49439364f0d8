//! The output folder of `carnet build --watch`: kept byte for byte what a clean build would
//! write, by writing only the files whose bytes changed.
//!
//! The first build is written as `carnet build` writes it (a staging folder swapped in whole).
//! After that, each rebuild renders the outputs its [`Scope`] may have changed, compares each
//! with what was written (a hash kept in memory), writes those that differ — each through a
//! temporary file renamed over the old one, so a reader or a static server never sees half a
//! file — and removes the files no longer produced. Untouched files keep their modification
//! time: tools that look at the output (rsync, a deploy, a browser's cache) see only real
//! changes. A rebuild with errors writes nothing, as `carnet build` replaces nothing; the next
//! good rebuild catches up with everything.
//!
//! One exception to the temporary file: `llms-full.txt` (the whole site's Markdown, 47 MB on
//! 10,000 pages), which a save of one page changes by one piece. Writing it whole took 60 to
//! 265 ms on an ext4 disk (a new file allocated, and flushed when renamed over the old one), so
//! it is rewritten in place from the first piece that changed on ([`LlmsFull::rewrite`]), when
//! the file is still the one last written (same length and modification time). That is not
//! atomic: a reader can see old and new pieces mixed for the time of the write, and a crash or
//! a failed write leaves such a file. A failed write is reported and the file is then written
//! whole at the next save; after a crash, the next `carnet build --watch` (whose first write
//! is a whole new folder) or `carnet build` replaces it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use rayon::prelude::*;

use super::live::Scope;
use super::llms_full::{LlmsFull, Rewritten};
use super::snapshot::Snapshot;
use crate::build::BuildOptions;
use crate::diagnostic::Diagnostic;
use crate::output::{Staging, prepare_output};
use crate::render::{Job, Plan};

/// What is at an output path, as last written.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Written {
    /// A rendered file, by the hash of its bytes.
    Rendered(blake3::Hash),
    /// A copied asset, by its source as it was when copied.
    Copied {
        source: PathBuf,
        len: u64,
        modified: Option<SystemTime>,
    },
}

/// One file of the output: its path, and the job of the plan that makes it (`None`: a file of
/// the search index).
type Output = (String, Option<Job>);

/// An output path, what writing it gave, and what rendering it found.
type PathOutcome<T> = (String, Result<T, Diagnostic>, Vec<Diagnostic>);

/// What one update did.
#[derive(Debug, Default)]
pub struct Synced {
    /// Files written (new or changed).
    pub written: usize,
    /// Files removed (no longer produced).
    pub removed: usize,
    /// Whether the output now matches the snapshot (false: errors, nothing written).
    pub in_sync: bool,
    /// The errors that stopped it, and what rendering found (broken links of the pages
    /// rendered).
    pub diagnostics: Vec<Diagnostic>,
}

/// The output folder and what was written in it.
pub struct Mirror {
    dir: PathBuf,
    /// `--strict`, `--allow`, `--deny`, for what rendering finds (broken links).
    policy: BuildOptions,
    written: HashMap<String, Written>,
    /// The last snapshot was not written: the next update compares everything.
    behind: bool,
    /// `llms-full.txt` as last written, to rewrite it in place.
    llms: Option<LlmsWritten>,
}

/// `llms-full.txt` as last written, and how to recognise that file on disk.
struct LlmsWritten {
    path: String,
    full: std::sync::Arc<LlmsFull>,
    on_disk: (u64, Option<SystemTime>),
}

/// The length and modification time of the plain file at `path` (a symbolic link put there is
/// not the file last written, and is not written through).
fn on_disk(path: &Path) -> std::io::Result<(u64, Option<SystemTime>)> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        let message = "not a plain file";
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            message,
        ));
    }
    Ok((meta.len(), meta.modified().ok()))
}

impl Mirror {
    /// An output folder nothing was written to yet: the first [`Mirror::update`] writes it
    /// whole, atomically.
    pub fn new(dir: PathBuf, policy: BuildOptions) -> Self {
        Mirror {
            dir,
            policy,
            written: HashMap::new(),
            behind: true,
            llms: None,
        }
    }

    /// Brings the folder up to `snapshot`, which differs from the last one written by `scope`.
    pub fn update(&mut self, snapshot: &Snapshot, scope: &Scope) -> Synced {
        let mut synced = Synced::default();
        if let Some(error) = self.refusal(snapshot) {
            synced.diagnostics.push(error);
            self.behind = true;
            return synced;
        }
        if self.written.is_empty() {
            return self.write_whole(snapshot);
        }
        let scope = if self.behind { &Scope::Site } else { scope };
        let mut produced = HashSet::new();
        // The pages (and the rest of the plan) first, then what is made of every page (the
        // search index, `llms-full.txt`, the plan file, which lists the index's files): a saved
        // page reaches the disk without waiting for those. (They have no findings: nothing the
        // policy could refuse.)
        let (whole_site, pages): (Vec<Output>, Vec<Output>) = outputs_in(snapshot, scope)
            .into_iter()
            .partition(|(_, job)| matches!(job, Some(Job::LlmsFull | Job::PlanFile)));
        if !self.sync(snapshot, &pages, &mut synced, &mut produced) {
            self.behind = true;
            return synced;
        }
        // `llms-full.txt` (tens of megabytes to write) is written while the search index is
        // brought up to date, on the other core: neither waits for the other. The plan file,
        // which lists the index's files, comes after both.
        let (llms, mut whole_site): (Vec<Output>, Vec<Output>) = whole_site
            .into_iter()
            .partition(|(_, job)| matches!(job, Some(Job::LlmsFull)));
        let mut llms_synced = Synced::default();
        let mut llms_produced = HashSet::new();
        let (llms_done, search) = rayon::join(
            || self.sync_llms(snapshot, &llms, &mut llms_synced, &mut llms_produced),
            || search_outputs(snapshot, scope),
        );
        synced.written += llms_synced.written;
        synced.diagnostics.extend(llms_synced.diagnostics);
        produced.extend(llms_produced);
        if !llms_done {
            self.behind = true;
            return synced;
        }
        whole_site.extend(search);
        if !self.sync(snapshot, &whole_site, &mut synced, &mut produced) {
            self.behind = true;
            return synced;
        }
        // Stale files: anything no longer produced, among what this scope covers.
        let stale: Vec<String> = self
            .written
            .keys()
            .filter(|path| !produced.contains(*path))
            .filter(|path| *scope == Scope::Site || path.starts_with("search/"))
            .cloned()
            .collect();
        for path in stale {
            self.written.remove(&path);
            match remove_file(&self.dir, &path) {
                Ok(()) => synced.removed += 1,
                Err(err) => synced.diagnostics.push(write_error(&path, &err)),
            }
        }
        synced.in_sync = !synced.diagnostics.iter().any(Diagnostic::is_error);
        self.behind = !synced.in_sync;
        synced
    }

    /// Makes `outputs`, checks what rendering found against the policy, and writes those whose
    /// bytes changed; every path made goes into `produced`. `false` when an error stopped it
    /// (nothing of `outputs` was written then).
    fn sync(
        &mut self,
        snapshot: &Snapshot,
        outputs: &[Output],
        synced: &mut Synced,
        produced: &mut HashSet<String>,
    ) -> bool {
        // Everything is made and checked before anything is written: a finding that the
        // policy makes an error (`--strict`, `--deny`) leaves the folder as it was.
        let made = make_each(snapshot, outputs, |path, written, bytes| {
            Ok((self.written.get(path) != Some(&written)).then_some((written, bytes)))
        });
        let mut changed = Vec::new();
        let mut found = Vec::new();
        for (path, result, findings) in made {
            found.extend(findings);
            match result {
                Ok(Some(change)) => changed.push((path.clone(), change)),
                Ok(None) => {}
                Err(error) => found.push(error),
            }
            produced.insert(path);
        }
        self.policy.apply_policy(&mut found);
        let failed = found.iter().any(Diagnostic::is_error);
        synced.diagnostics.extend(found);
        if failed {
            return false;
        }
        let results: Vec<(String, Written, std::io::Result<()>)> = changed
            .into_par_iter()
            .map(|(path, (written, bytes))| {
                let done = replace_file(&self.dir, &path, bytes);
                (path, written, done)
            })
            .collect();
        for (path, written, done) in results {
            match done {
                Ok(()) => {
                    synced.written += 1;
                    self.written.insert(path, written);
                }
                Err(err) => {
                    synced.diagnostics.push(write_error(&path, &err));
                    // What is on disk is unknown now: compare it next time.
                    self.written.remove(&path);
                }
            }
        }
        true
    }

    /// [`Mirror::sync`] for `llms-full.txt` (`outputs` holds it, or nothing): rewritten in place
    /// when the file on disk is the one last written (see the module's comment), else written
    /// whole.
    fn sync_llms(
        &mut self,
        snapshot: &Snapshot,
        outputs: &[Output],
        synced: &mut Synced,
        produced: &mut HashSet<String>,
    ) -> bool {
        let Some((path, _)) = outputs.first() else {
            return true;
        };
        let full = snapshot.llms_full();
        let stamp = Written::Rendered(full.stamp());
        if self.written.get(path) == Some(&stamp) {
            produced.insert(path.clone());
            return true;
        }
        let file = checked(path).map(|rel| self.dir.join(rel));
        let before = self.llms.take().filter(|before| {
            &before.path == path
                && file
                    .as_ref()
                    .is_ok_and(|file| on_disk(file).is_ok_and(|now| now == before.on_disk))
        });
        let (Some(before), Ok(file)) = (before, file) else {
            let done = self.sync(snapshot, outputs, synced, produced);
            self.remember_llms(path, full);
            return done;
        };
        produced.insert(path.clone());
        let rewritten = std::fs::File::options()
            .write(true)
            .open(&file)
            .and_then(|mut open| full.rewrite(&before.full, &mut open));
        match rewritten {
            Ok(Rewritten { .. }) => {
                synced.written += 1;
                self.written.insert(path.clone(), stamp);
                self.remember_llms(path, full);
            }
            Err(err) => {
                synced.diagnostics.push(write_error(path, &err));
                // What is on disk is unknown now: written whole next time.
                self.written.remove(path);
            }
        }
        true
    }

    /// Keeps `full` as what is at `path`, when the file was written as it.
    fn remember_llms(&mut self, path: &str, full: std::sync::Arc<LlmsFull>) {
        let in_sync = self.written.get(path) == Some(&Written::Rendered(full.stamp()));
        let file = checked(path).map(|rel| self.dir.join(rel));
        self.llms = match (in_sync, file) {
            (true, Ok(file)) => on_disk(&file).ok().map(|on_disk| LlmsWritten {
                path: path.to_owned(),
                full,
                on_disk,
            }),
            _ => None,
        };
    }

    /// Why nothing may be written for `snapshot`: an error in it, an output folder that may not
    /// be replaced, two outputs at one path. The folder written is the one a link points to.
    fn refusal(&mut self, snapshot: &Snapshot) -> Option<Diagnostic> {
        if let Some(error) = snapshot.diagnostics.iter().find(|d| d.is_error()) {
            return Some(error.clone());
        }
        match prepare_output(&snapshot.site.config, self.policy.force) {
            Ok(target) => self.dir = target,
            Err(error) => return Some(error),
        }
        snapshot
            .plan()
            .collision(&snapshot.site, &snapshot.redirects)
    }

    /// The first write: everything into a staging folder swapped in whole, as `carnet build`.
    fn write_whole(&mut self, snapshot: &Snapshot) -> Synced {
        let mut synced = Synced::default();
        let staging = match Staging::new(&self.dir) {
            Ok(staging) => staging,
            Err(err) => {
                let message = format!(
                    "cannot create a staging folder beside `{}`: {err}",
                    self.dir.display()
                );
                synced
                    .diagnostics
                    .push(Diagnostic::error("output-failed", message));
                return synced;
            }
        };
        let mut outputs = outputs_in(snapshot, &Scope::Site);
        outputs.extend(search_outputs(snapshot, &Scope::Site));
        let results = make_each(snapshot, &outputs, |path, written, bytes| {
            match bytes {
                Bytes::Rendered(bytes) => staging.write(path, &bytes),
                Bytes::Search(snapshot) => staging.write(path, &search_bytes(snapshot, path)?),
                Bytes::Llms(llms) => staging.write_with(path, |out| llms.write_to(out)),
                Bytes::Copy(from) => staging.copy_file(path, from),
            }
            .map(|()| written)
        });
        let mut written = HashMap::with_capacity(results.len());
        for (path, result, found) in results {
            synced.diagnostics.extend(found);
            match result {
                Ok(stamp) => {
                    written.insert(path, stamp);
                }
                Err(error) => synced.diagnostics.push(error),
            }
        }
        self.policy.apply_policy(&mut synced.diagnostics);
        if synced.diagnostics.iter().any(Diagnostic::is_error) {
            return synced;
        }
        if let Err(err) = staging.commit() {
            let message = format!(
                "cannot replace `{}` with the new output: {err}",
                self.dir.display()
            );
            synced
                .diagnostics
                .push(Diagnostic::error("output-failed", message));
            return synced;
        }
        synced.written = written.len();
        synced.in_sync = true;
        self.written = written;
        self.behind = false;
        let llms = outputs.iter().find(|(_, job)| *job == Some(Job::LlmsFull));
        if let Some((path, _)) = llms {
            self.remember_llms(path, snapshot.llms_full());
        }
        synced
    }
}

/// The outputs of the plan `scope` may have changed: those of the pages it names, or the whole
/// plan.
fn outputs_in(snapshot: &Snapshot, scope: &Scope) -> Vec<Output> {
    match scope {
        Scope::Pages(ids) if ids.is_empty() => Vec::new(),
        Scope::Pages(ids) => Plan::for_pages(&snapshot.site, ids)
            .entries()
            .iter()
            .map(|(path, job)| (path.clone(), Some(*job)))
            .collect(),
        Scope::Site => snapshot
            .plan()
            .entries()
            .iter()
            .map(|(path, job)| (path.clone(), Some(*job)))
            .collect(),
    }
}

/// The files of the search index, unless `scope` changed nothing.
fn search_outputs(snapshot: &Snapshot, scope: &Scope) -> Vec<Output> {
    match scope {
        Scope::Pages(ids) if ids.is_empty() => Vec::new(),
        _ => snapshot
            .search_paths()
            .into_iter()
            .map(|path| (path, None))
            .collect(),
    }
}

/// Makes every output, in parallel, and hands it to `write` (which may find it unchanged): each
/// output path, what `write` gave, and what rendering found.
fn make_each<'a, T: Send>(
    snapshot: &'a Snapshot,
    outputs: &[Output],
    write: impl Fn(&str, Written, Bytes<'a>) -> std::io::Result<T> + Sync,
) -> Vec<PathOutcome<T>> {
    outputs
        .par_iter()
        .map(|(path, job)| {
            let path = path.clone();
            let (made, found) = make(snapshot, &path, *job);
            let result = made.and_then(|(written, bytes)| {
                write(&path, written, bytes).map_err(|err| write_error(&path, &err))
            });
            (path, result, found)
        })
        .collect()
}

/// The bytes of an output, or the source to copy it from.
enum Bytes<'a> {
    Rendered(Vec<u8>),
    /// A file of the search index of this snapshot (made when written).
    Search(&'a Snapshot),
    /// `llms-full.txt`, written from its pieces.
    Llms(std::sync::Arc<LlmsFull>),
    Copy(&'a Path),
}

/// What the output at `path` holds now (its stamp and bytes), and what rendering it found.
fn make<'a>(
    snapshot: &'a Snapshot,
    path: &str,
    job: Option<Job>,
) -> (Result<(Written, Bytes<'a>), Diagnostic>, Vec<Diagnostic>) {
    let rendered = |bytes: Vec<u8>| {
        (
            Written::Rendered(blake3::hash(&bytes)),
            Bytes::Rendered(bytes),
        )
    };
    match job {
        Some(Job::Page(id)) => {
            let (html, found) = snapshot.render_page(id);
            (html.map(rendered), found)
        }
        Some(Job::Asset(index)) => {
            let asset = &snapshot.site.assets[index];
            let made = std::fs::metadata(&asset.abs)
                .map(|meta| {
                    let stamp = Written::Copied {
                        source: asset.abs.clone(),
                        len: meta.len(),
                        modified: meta.modified().ok(),
                    };
                    (stamp, Bytes::Copy(asset.abs.as_path()))
                })
                .map_err(|err| {
                    Diagnostic::error(
                        "unreadable-file",
                        format!("cannot read `{}`: {err}", asset.rel),
                    )
                });
            (made, Vec::new())
        }
        Some(Job::LlmsFull) => {
            // Kept by pieces: a save makes the pieces of its pages, and the stamp (a hash of
            // the pieces' hashes) tells whether the file changed without hashing 47 MB.
            let llms = snapshot.llms_full();
            let made = (Written::Rendered(llms.stamp()), Bytes::Llms(llms));
            (Ok(made), Vec::new())
        }
        None => {
            // Its hash was taken when the index was made: unchanged files cost a comparison,
            // and a page file is made only to be written.
            let made = snapshot
                .search_hash(path)
                .map(|hash| (Written::Rendered(hash), Bytes::Search(snapshot)))
                .ok_or_else(|| {
                    Diagnostic::error("output-failed", format!("`{path}` has no content"))
                });
            (made, Vec::new())
        }
        job => {
            let made = match snapshot.render_uncached(path, job) {
                Some(result) => result.map(rendered),
                None => Err(Diagnostic::error(
                    "output-failed",
                    format!("`{path}` has no content"),
                )),
            };
            (made, Vec::new())
        }
    }
}

/// Replaces the file at `rel` under `dir` with `bytes` at once: written beside it, then
/// renamed over it.
fn replace_file(dir: &Path, rel: &str, bytes: Bytes<'_>) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let path = dir.join(checked(rel)?);
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = parent.join(format!(
        ".{name}.carnet-tmp-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let done = match bytes {
        Bytes::Rendered(bytes) => std::fs::write(&temp, bytes),
        Bytes::Search(snapshot) => {
            search_bytes(snapshot, rel).and_then(|bytes| std::fs::write(&temp, &*bytes))
        }
        Bytes::Llms(llms) => write_pieces(&temp, &llms),
        Bytes::Copy(from) => std::fs::copy(from, &temp).map(|_| ()),
    }
    .and_then(|()| std::fs::rename(&temp, &path));
    if done.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    done
}

/// The file of `snapshot`'s search index at `rel`.
fn search_bytes(snapshot: &Snapshot, rel: &str) -> std::io::Result<std::sync::Arc<Vec<u8>>> {
    let file = snapshot.search_file(rel).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, "no such file in the index")
    })?;
    Ok(file.bytes)
}

/// `llms-full.txt` written at `path` from its pieces, through a large buffer (the file is tens
/// of megabytes on a large site).
fn write_pieces(path: &Path, llms: &LlmsFull) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    llms.write_to(&mut out)?;
    std::io::Write::flush(&mut out)
}

/// Removes the file at `rel` under `dir`, and the folders it leaves empty.
fn remove_file(dir: &Path, rel: &str) -> std::io::Result<()> {
    let path = dir.join(checked(rel)?);
    match std::fs::remove_file(&path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
        _ => {}
    }
    let mut folder = path.parent();
    while let Some(current) = folder.filter(|f| *f != dir && f.starts_with(dir)) {
        if std::fs::remove_dir(current).is_err() {
            break;
        }
        folder = current.parent();
    }
    Ok(())
}

/// `rel` as a plain relative path, or an error: nothing is written or removed outside the
/// output folder.
fn checked(rel: &str) -> std::io::Result<PathBuf> {
    crate::paths::output_path(rel).map_err(|why| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("not written: {why}"),
        )
    })
}

fn write_error(rel: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error("output-failed", format!("cannot write `{rel}`: {err}"))
}
