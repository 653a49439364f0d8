//! The `output` stage: writing a site so that readers and hosts never see half of one.
//!
//! A build writes into a fresh folder beside the output folder and swaps it in at the end (on Linux
//! with one atomic `renameat2(RENAME_EXCHANGE)`). A failed build, an error in the sources or a
//! crash leaves the previous output exactly as it was, and the staging folder is removed (by the
//! next build, when the crash was a kill). Every path written is checked to stay inside the
//! staging folder ([`output_path`]); which folders may be replaced at all is [`guard`]'s part.

mod compare;
mod guard;
mod manifest;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub use guard::{MARKER, prepare_output};
pub use manifest::Hash;

use crate::diagnostic::Diagnostic;
use crate::paths::output_path;
use crate::paths::temp::{TempLock, gone_is_fine, sweep_abandoned, temp_prefix};
use compare::{Compare, holds, open_plain, same_bytes};
use manifest::{Identity, Manifest, Written};

/// A folder being filled with the next version of the output.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// The output being replaced, when carnet wrote it: a file whose bytes it already holds is
    /// linked from there instead of written again (see [`Staging::write`]).
    previous: Option<PathBuf>,
    committed: bool,
    /// Folders of the staging folder already created: a site's files share a few hundred
    /// folders, and asking the system again for each of 30,000 files (a `mkdir` that fails,
    /// then a `stat`) was a twentieth of a warm build.
    /// Keyed by the folder's output-relative path as bytes: hashing a `Path` goes component
    /// by component.
    made: Mutex<rustc_hash::FxHashSet<Box<[u8]>>>,
    /// What the output folder held when carnet last put it in place ([`Staging::use_manifest`]).
    manifest: Option<Manifest>,
    /// Where the manifest of this output is recorded once it is in place (the build cache);
    /// `None` records none, and then no output's bytes are hashed.
    record: Option<PathBuf>,
    /// The hash of every output file, by its output-relative path, and the identity of the
    /// file written for it when it was written through a handle of this build (see
    /// [`Staging::written`]).
    hashes: Mutex<rustc_hash::FxHashMap<Box<str>, Written>>,
    /// Outputs found in place, unchanged: linked into the staging folder only if something
    /// else changed ([`Staging::swap`]).
    in_place: Mutex<Vec<Box<str>>>,
    /// How many outputs were found in place.
    found: AtomicUsize,
    /// Whether any output was written or linked (not found in place).
    changed: AtomicBool,
    /// The staging folder, open: files and folders are made relative to it, not by a path
    /// from the root again (the staging folder's own path was walked for each of 40,000).
    handle: std::os::fd::OwnedFd,
    /// Held while the folder is in use, so a concurrent build's sweep leaves it alone.
    _lock: Option<TempLock>,
}

impl Staging {
    /// Creates the staging folder next to `target` (same file system, so the swap is a rename),
    /// after removing the staging folders killed builds left there, and marks it as carnet's
    /// output ([`MARKER`]). `target` is the real folder ([`prepare_output`] resolves a link).
    pub fn new(target: &Path) -> io::Result<Self> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("public");
        let prefix = temp_prefix(name);
        sweep_abandoned(&parent, &prefix);
        let dir = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(&parent)?
            .keep();
        let ours = std::fs::symlink_metadata(target.join(MARKER)).is_ok_and(|m| m.is_file());
        let handle = open_folder(&dir);
        let handle = match handle {
            Ok(handle) => handle,
            Err(err) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(err);
            }
        };
        let staging = Staging {
            handle,
            _lock: TempLock::hold(&dir),
            dir,
            target: target.to_path_buf(),
            previous: ours.then(|| target.to_path_buf()),
            committed: false,
            made: Mutex::default(),
            manifest: None,
            record: None,
            hashes: Mutex::default(),
            in_place: Mutex::default(),
            found: AtomicUsize::new(0),
            changed: AtomicBool::new(false),
        };
        std::fs::write(staging.dir.join(MARKER), guard::MARKER_TEXT)?;
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Records what this build puts in place in the build cache folder `cache_dir` (the output
    /// manifest), and uses what the last build recorded there: an output whose new bytes are
    /// those of the previous file, unchanged since, is taken as it is, and when every output is
    /// and the output folder holds nothing else, [`Staging::swap`] leaves it alone. What the
    /// manifest cannot vouch for is compared and written as without it. A damaged manifest is a
    /// warning.
    pub fn use_manifest(&mut self, cache_dir: &Path) -> Option<Diagnostic> {
        self.record = Some(cache_dir.to_path_buf());
        let mut warning = None;
        if self.previous.is_some() {
            let (manifest, found) = Manifest::load(cache_dir, &self.target);
            (self.manifest, warning) = (manifest, found);
        }
        warning
    }

    /// Whether the output at `rel`, whose bytes hash to `hash`, is already in the output
    /// folder, found so by the manifest without reading the file (a file changed too recently
    /// to tell is not). Then nothing more is to be done for it; otherwise it must be written.
    pub fn found_in_place(&self, rel: &str, hash: &Hash) -> bool {
        self.record.is_some()
            && clean_path(rel).is_ok_and(|clean| self.settle(&clean, hash, |_| false))
    }

    /// Records `hash` as the hash of the output at `rel` (the cleaned path), and whether the
    /// previous output's file at `rel` holds those bytes by the manifest: its hash is the same
    /// and its identity is as recorded (when it changed too recently for its identity to tell,
    /// `verify` reads it). Such a file is left where it is for now.
    fn settle(&self, clean: &str, hash: &Hash, verify: impl FnOnce(std::fs::File) -> bool) -> bool {
        lock(&self.hashes).insert(clean.into(), (*hash, None));
        let (Some(manifest), Some(previous)) = (&self.manifest, &self.previous) else {
            return false;
        };
        let Some(entry) = manifest.get(clean).filter(|entry| entry.hash == *hash) else {
            return false;
        };
        let old = previous.join(clean);
        let in_place = if entry.racy {
            open_plain(&old).is_ok_and(|file| {
                let identity = file.metadata().ok().as_ref().and_then(Identity::of);
                identity == Some(entry.identity) && verify(file)
            })
        } else {
            Identity::at(&old) == Some(entry.identity)
        };
        if in_place {
            self.found.fetch_add(1, Ordering::Relaxed);
            lock(&self.in_place).push(clean.into());
        }
        in_place
    }

    /// Notes the identity of the file just written for the output `clean` through `file`
    /// (`fstat` of its handle), for the manifest, rather than asking it of the path again once
    /// the output is in place (30,000 `lstat`s after the commit, 3 % of a second process
    /// without the previous output).
    ///
    /// Why it holds until the manifest is recorded: nothing this build does afterwards moves a
    /// freshly written file's change time (renaming the staging folder, or exchanging it with
    /// the output folder, renames a folder, not its files; files linked from the previous
    /// output, whose link count moves, are not noted here and are looked up by path). A change
    /// by someone else after this point moves its change time, so the manifest's record no
    /// longer matches it; only a change within the same tick of the clock as the write could
    /// leave it looking the same, and one within the tick of the recording is caught by the
    /// racy rule as before. Looking a file up after the commit, as before, was weaker: a
    /// change between the write and the lookup was recorded as carnet's bytes.
    fn written(&self, clean: Option<&str>, file: &std::fs::File) {
        let Some(clean) = clean else { return };
        let identity = file.metadata().ok().as_ref().and_then(Identity::of);
        if let Some(entry) = lock(&self.hashes).get_mut(clean) {
            entry.1 = identity;
        }
    }

    /// Whether recording the manifest needs `rel`'s hash, and the cleaned `rel`.
    fn hashing(&self, rel: &str) -> io::Result<Option<String>> {
        match self.record {
            Some(_) => clean_path(rel).map(Some),
            None => Ok(None),
        }
    }

    /// Where `rel` goes in the staging folder, its folders created; refused (an error of kind
    /// `InvalidInput`) when `rel` is not a plain relative path. The output has changed.
    /// `clean`: `rel` cleaned ([`clean_path`]), when the caller has it already.
    fn place(&self, rel: &str, clean: Option<&str>) -> io::Result<Placed> {
        self.changed.store(true, Ordering::Relaxed);
        let clean = match clean {
            Some(clean) => clean.to_owned(),
            None => clean_path(rel)?,
        };
        if let Some((parent, _)) = clean.rsplit_once('/')
            && !lock(&self.made).contains(parent.as_bytes())
        {
            self.make_folders(Path::new(parent))?;
            lock(&self.made).insert(Box::from(parent.as_bytes()));
        }
        Ok(Placed {
            path: self.dir.join(&clean),
            clean,
        })
    }

    /// Makes the folder `rel` of the staging folder and the missing ones above it.
    fn make_folders(&self, rel: &Path) -> io::Result<()> {
        use rustix::fs::{Mode, mkdirat};
        use rustix::io::Errno;
        let mode = Mode::from_raw_mode(0o777);
        match mkdirat(&self.handle, rel, mode) {
            Ok(()) | Err(Errno::EXIST) => Ok(()),
            Err(Errno::NOENT) => {
                if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
                    self.make_folders(parent)?;
                }
                match mkdirat(&self.handle, rel, mode) {
                    Ok(()) | Err(Errno::EXIST) => Ok(()),
                    Err(err) => Err(err.into()),
                }
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Creates (or truncates) the file `placed` of the staging folder, for writing.
    fn create(&self, placed: &Placed) -> io::Result<std::fs::File> {
        use rustix::fs::{Mode, OFlags, openat};
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let fd = openat(
            &self.handle,
            &placed.clean,
            flags,
            Mode::from_raw_mode(0o666),
        )?;
        Ok(std::fs::File::from(fd))
    }

    /// Writes `bytes` at the output-relative path `rel`, creating folders as needed.
    ///
    /// When the output being replaced has the same bytes at `rel`, that file is hard-linked
    /// instead: a rebuild of an unchanged site then writes almost nothing (on a 10,000-page site
    /// the kernel's clearing of new pages for 240 MB of files was a fifth of a warm build), and
    /// unchanged files keep their modification time. It stays atomic: the previous output is
    /// only read, and the staging folder is still swapped in whole.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_hashed(rel, bytes, None)
    }

    /// [`Staging::write`], `hash` being the hash of `bytes` when the caller knows it.
    pub fn write_hashed(&self, rel: &str, bytes: &[u8], hash: Option<&Hash>) -> io::Result<()> {
        let clean = self.hashing(rel)?;
        if let Some(clean) = &clean {
            let hash = hash
                .copied()
                .unwrap_or_else(|| *blake3::hash(bytes).as_bytes());
            if self.settle(clean, &hash, |file| holds(file, bytes).unwrap_or(false)) {
                return Ok(());
            }
        }
        let placed = self.place(rel, clean.as_deref())?;
        if let Some((old, file)) = self.previous_file(rel, bytes.len() as u64)
            && holds(file, bytes).unwrap_or(false)
            && std::fs::hard_link(&old, &placed.path).is_ok()
        {
            return Ok(());
        }
        let mut file = self.create(&placed)?;
        io::Write::write_all(&mut file, bytes)?;
        self.written(clean.as_deref(), &file);
        Ok(())
    }

    /// Writes the file at `rel` through `write`, buffered: for a file too large to hold whole
    /// (`llms-full.txt`), made piece by piece.
    ///
    /// When the previous output has a file of that name, `write` is first run against it,
    /// comparing rather than writing, and the file is linked when every byte is the same (as
    /// [`Staging::write`] does): writing `llms-full.txt` again (47 MB for 10,000 pages) was the
    /// longest job of the end of a warm build. The comparison stops at the first difference,
    /// and `write` is run again to write the file.
    pub fn write_with(
        &self,
        rel: &str,
        write: impl Fn(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let clean = self.hashing(rel)?;
        // Hashed first when the manifest may show the file in place: it is then not read.
        if let Some(clean) = &clean
            && self
                .manifest
                .as_ref()
                .is_some_and(|m| m.get(clean).is_some())
        {
            let mut hasher = blake3::Hasher::new();
            write(&mut hasher)?;
            let hash = *hasher.finalize().as_bytes();
            let verify = |file| compare_with(file, &write);
            if self.settle(clean, &hash, verify) {
                return Ok(());
            }
        }
        let placed = self.place(rel, clean.as_deref())?;
        let mut hasher = clean.as_ref().map(|_| blake3::Hasher::new());
        let settle = |hasher: Option<blake3::Hasher>| {
            if let (Some(clean), Some(hasher)) = (&clean, hasher) {
                let hash = *hasher.finalize().as_bytes();
                lock(&self.hashes).insert(clean.as_str().into(), (hash, None));
            }
        };
        if let Some(old) = self.previous_any(rel)
            && let Ok(file) = open_plain(&old)
            && file.metadata().is_ok_and(|m| m.is_file())
        {
            let mut compare = Tee(Compare::new(file), hasher.as_mut());
            let same = match write(&mut compare) {
                Ok(()) => compare.0.at_end(),
                // Different, or the previous file unreadable: written afresh.
                Err(_) if compare.0.differs => false,
                Err(err) => return Err(err),
            };
            if same && std::fs::hard_link(&old, &placed.path).is_ok() {
                settle(hasher);
                return Ok(());
            }
            hasher = clean.as_ref().map(|_| blake3::Hasher::new());
        }
        let mut file = Tee(io::BufWriter::new(self.create(&placed)?), hasher.as_mut());
        write(&mut file)?;
        let file = file
            .0
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        settle(hasher);
        self.written(clean.as_deref(), &file);
        Ok(())
    }

    /// An unnamed file in the staging folder for a build's intermediate pieces: it has no
    /// name, so it is never part of the output, and it goes away with its handle, whatever
    /// happens to the build.
    pub fn scratch_file(&self) -> io::Result<std::fs::File> {
        tempfile::tempfile_in(&self.dir)
    }

    /// Copies the file `from` to the output-relative path `rel` (linked from the previous output
    /// when it holds the same bytes, as [`Staging::write`]).
    pub fn copy_file(&self, rel: &str, from: &Path) -> io::Result<()> {
        if let Some(clean) = self.hashing(rel)? {
            let mut hasher = blake3::Hasher::new();
            hasher.update_reader(std::fs::File::open(from)?)?;
            let hash = *hasher.finalize().as_bytes();
            if self.settle(&clean, &hash, |file| {
                same_bytes(from, file).unwrap_or(false)
            }) {
                return Ok(());
            }
        }
        let path = self.place(rel, None)?.path;
        let len = std::fs::metadata(from)?.len();
        if let Some((old, file)) = self.previous_file(rel, len)
            && same_bytes(from, file).unwrap_or(false)
            && std::fs::hard_link(&old, &path).is_ok()
        {
            return Ok(());
        }
        std::fs::copy(from, path).map(|_| ())
    }

    /// Where the previous output's file at `rel` would be.
    fn previous_any(&self, rel: &str) -> Option<PathBuf> {
        Some(self.previous.as_ref()?.join(output_path(rel).ok()?))
    }

    /// The previous output's plain file at `rel`, opened, when it is `len` bytes long. Opened
    /// first and asked its length after (one lookup of the path, not two: a twentieth of a
    /// warm build went to `statx`); a link is not followed and a FIFO does not block.
    fn previous_file(&self, rel: &str, len: u64) -> Option<(PathBuf, std::fs::File)> {
        let old = self.previous_any(rel)?;
        let file = open_plain(&old).ok()?;
        let meta = file.metadata().ok()?;
        (meta.is_file() && meta.len() == len).then_some((old, file))
    }

    /// Puts the staged output in place of the target and removes the previous output.
    pub fn commit(self) -> io::Result<()> {
        self.swap()?.remove()
    }

    /// Puts the staged output in place of the target; what is left to remove, the previous
    /// output, comes back. From here on the new output is in place whatever happens to the
    /// previous one: its removal can run beside the rest of the build's ending (freeing the
    /// site model), which it used to wait for on one core.
    ///
    /// When every output was found in place by the manifest and the output folder holds nothing
    /// else, it is already byte for byte what this build made: nothing is swapped, linked or
    /// removed (the staging folder goes, with nothing in it but its made folders).
    pub fn swap(mut self) -> io::Result<Previous> {
        let target_is_link =
            std::fs::symlink_metadata(&self.target).is_ok_and(|m| m.file_type().is_symlink());
        if target_is_link {
            // Swapping would move the link and empty what it points to.
            let message = "the output folder became a symbolic link during the build";
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
        if self.unchanged() {
            return Ok(Previous {
                dir: None,
                record: None,
            });
        }
        self.link_in_place()?;
        let previous = if !self.target.exists() {
            std::fs::rename(&self.dir, &self.target)?;
            None
        } else if exchange(&self.dir, &self.target).is_ok() {
            // The staging path now holds the previous output.
            Some(self.dir.clone())
        } else {
            let old = self.dir.with_extension("old");
            std::fs::rename(&self.target, &old)?;
            if let Err(err) = std::fs::rename(&self.dir, &self.target) {
                // The previous output goes back where it was: nothing is lost.
                let _ = std::fs::rename(&old, &self.target);
                return Err(err);
            }
            Some(old)
        };
        self.committed = true;
        let hashes = std::mem::take(&mut *lock(&self.hashes))
            .into_iter()
            .collect();
        let record = self.record.take().map(|cache_dir| Record {
            cache_dir,
            target: self.target.clone(),
            hashes,
        });
        Ok(Previous {
            dir: previous,
            record,
        })
    }

    /// Whether the output folder is already what this build made: every output found in
    /// place, none written, and no other file or folder there.
    fn unchanged(&self) -> bool {
        self.manifest.as_ref().is_some_and(|manifest| {
            !self.changed.load(Ordering::Relaxed)
                && self.found.load(Ordering::Relaxed) == manifest.len()
                && manifest.tree_is_exact(&self.target)
        })
    }

    /// Links the outputs found in place into the staging folder, as they are to be swapped in
    /// with the rest. A file that cannot be linked is copied, when it still has its bytes.
    fn link_in_place(&self) -> io::Result<()> {
        use rayon::prelude::*;
        let Some(previous) = &self.previous else {
            return Ok(());
        };
        let in_place = std::mem::take(&mut *lock(&self.in_place));
        let hashes = lock(&self.hashes);
        in_place.par_iter().try_for_each(|rel| {
            let path = self.place(rel, Some(rel))?.path;
            let old = previous.join(&**rel);
            // The marker is there from the start; the plan file takes its place at the end.
            if rel.as_ref() == MARKER {
                gone_is_fine(std::fs::remove_file(&path))?;
            }
            if std::fs::hard_link(&old, &path).is_ok() {
                return Ok(());
            }
            let bytes = std::fs::read(&old)?;
            if hashes
                .get(rel)
                .is_some_and(|(h, _)| h == blake3::hash(&bytes).as_bytes())
            {
                std::fs::write(&path, bytes)
            } else {
                let message = format!("`{rel}` changed in the output folder during the build");
                Err(io::Error::other(message))
            }
        })
    }
}

/// A file's place in the staging folder: its path, and its cleaned output-relative path.
struct Placed {
    path: PathBuf,
    clean: String,
}

/// The folder `dir`, open for making files and folders in it.
fn open_folder(dir: &Path) -> io::Result<std::os::fd::OwnedFd> {
    use rustix::fs::{Mode, OFlags, open};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    Ok(open(dir, flags, Mode::empty())?)
}

/// The cleaned output-relative path of `rel` (see [`output_path`]), as the manifest keys it.
fn clean_path(rel: &str) -> io::Result<String> {
    let refused = |why: String| io::Error::new(io::ErrorKind::InvalidInput, why);
    let clean = output_path(rel).map_err(|why| refused(format!("not written: {why}")))?;
    clean
        .into_os_string()
        .into_string()
        .map_err(|_| refused(format!("not written: `{rel}` is not UTF-8")))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether `file` holds what `write` writes.
fn compare_with(file: std::fs::File, write: &dyn Fn(&mut dyn io::Write) -> io::Result<()>) -> bool {
    let mut compare = Compare::new(file);
    write(&mut compare).is_ok() && compare.at_end()
}

/// A writer that also hashes what it writes (when it has a hasher).
struct Tee<'a, W>(W, Option<&'a mut blake3::Hasher>);

impl<W: io::Write> io::Write for Tee<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.0.write(bytes)?;
        if let Some(hasher) = &mut self.1 {
            hasher.update(&bytes[..n]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// The previous output once the new one is in place ([`Staging::swap`]): removed by
/// [`Previous::remove`], or when dropped.
#[derive(Debug)]
#[must_use = "the previous output is removed when this is dropped; `remove` reports failures"]
pub struct Previous {
    dir: Option<PathBuf>,
    /// The manifest to record once the previous output is gone: the cache folder, the output
    /// folder, and every output file's hash.
    record: Option<Record>,
}

/// A manifest to record: the cache folder, the output folder, every output file's hash.
#[derive(Debug)]
struct Record {
    cache_dir: PathBuf,
    target: PathBuf,
    hashes: Vec<(Box<str>, Written)>,
}

impl Previous {
    /// Removes the previous output, then records the new one's manifest (if asked). A manifest
    /// that cannot be recorded is no problem of this build: the next one compares its files
    /// with the new ones, as without a manifest.
    pub fn remove(mut self) -> io::Result<()> {
        if let Some(dir) = self.dir.take() {
            remove_tree(&dir)?;
        }
        if let Some(record) = self.record.take() {
            let _ = manifest::record(&record.cache_dir, &record.target, record.hashes);
        }
        Ok(())
    }
}

impl Drop for Previous {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = remove_tree(&dir);
        }
    }
}

/// Removes a folder, its top-level entries in parallel: a site's previous output is thousands of
/// folders, and unlinking them one core at a time is a visible part of a rebuild. A link is
/// removed, never followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    if std::fs::symlink_metadata(dir)?.file_type().is_symlink() {
        return std::fs::remove_file(dir);
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries
        .par_iter()
        .try_for_each(|path| match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => gone_is_fine(std::fs::remove_dir_all(path)),
            Ok(_) => gone_is_fine(std::fs::remove_file(path)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(err),
        })?;
    gone_is_fine(std::fs::remove_dir_all(dir))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

#[cfg(test)]
mod tests;
