//! The `output` stage: writing a site so that readers and hosts never see half of one.
//!
//! A build writes into a fresh folder beside the output folder and swaps it in at the end (on Linux
//! with one atomic `renameat2(RENAME_EXCHANGE)`). A failed build, an error in the sources or a
//! crash leaves the previous output exactly as it was, and the staging folder is removed (by the
//! next build, when the crash was a kill). Every path written is checked to stay inside the
//! staging folder ([`output_path`]); which folders may be replaced at all is [`guard`]'s part.

mod guard;

use std::io;
use std::path::{Path, PathBuf};

pub use guard::{MARKER, prepare_output};

use crate::paths::output_path;
use crate::paths::temp::{TempLock, gone_is_fine, sweep_abandoned, temp_prefix};

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
    /// Keyed by the folder's path as bytes: hashing a `Path` goes component by component.
    made: std::sync::Mutex<rustc_hash::FxHashSet<Box<[u8]>>>,
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
        let staging = Staging {
            _lock: TempLock::hold(&dir),
            dir,
            target: target.to_path_buf(),
            previous: ours.then(|| target.to_path_buf()),
            committed: false,
            made: std::sync::Mutex::default(),
        };
        std::fs::write(staging.dir.join(MARKER), guard::MARKER_TEXT)?;
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Where `rel` goes in the staging folder, its folders created; refused (an error of kind
    /// `InvalidInput`) when `rel` is not a plain relative path.
    fn place(&self, rel: &str) -> io::Result<PathBuf> {
        let clean = output_path(rel).map_err(|why| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("not written: {why}"))
        })?;
        let path = self.dir.join(clean);
        if let Some(parent) = path.parent() {
            let lock = || self.made.lock().unwrap_or_else(|e| e.into_inner());
            let key = parent.as_os_str().as_encoded_bytes();
            if !lock().contains(key) {
                std::fs::create_dir_all(parent)?;
                lock().insert(Box::from(key));
            }
        }
        Ok(path)
    }

    /// Writes `bytes` at the output-relative path `rel`, creating folders as needed.
    ///
    /// When the output being replaced has the same bytes at `rel`, that file is hard-linked
    /// instead: a rebuild of an unchanged site then writes almost nothing (on a 10,000-page site
    /// the kernel's clearing of new pages for 240 MB of files was a fifth of a warm build), and
    /// unchanged files keep their modification time. It stays atomic: the previous output is
    /// only read, and the staging folder is still swapped in whole.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.place(rel)?;
        if let Some((old, file)) = self.previous_file(rel, bytes.len() as u64)
            && holds(file, bytes).unwrap_or(false)
            && std::fs::hard_link(&old, &path).is_ok()
        {
            return Ok(());
        }
        std::fs::write(path, bytes)
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
        let path = self.place(rel)?;
        if let Some(old) = self.previous_any(rel)
            && let Ok(file) = open_plain(&old)
            && file.metadata().is_ok_and(|m| m.is_file())
        {
            let mut compare = Compare::new(file);
            let same = match write(&mut compare) {
                Ok(()) => compare.at_end(),
                // Different, or the previous file unreadable: written afresh.
                Err(_) if compare.differs => false,
                Err(err) => return Err(err),
            };
            if same && std::fs::hard_link(&old, &path).is_ok() {
                return Ok(());
            }
        }
        let mut file = io::BufWriter::new(std::fs::File::create(path)?);
        write(&mut file)?;
        io::Write::flush(&mut file)
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
        let path = self.place(rel)?;
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
    pub fn swap(mut self) -> io::Result<Previous> {
        let target_is_link =
            std::fs::symlink_metadata(&self.target).is_ok_and(|m| m.file_type().is_symlink());
        if target_is_link {
            // Swapping would move the link and empty what it points to.
            let message = "the output folder became a symbolic link during the build";
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
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
        Ok(Previous { dir: previous })
    }
}

/// The previous output once the new one is in place ([`Staging::swap`]): removed by
/// [`Previous::remove`], or when dropped.
#[derive(Debug)]
#[must_use = "the previous output is removed when this is dropped; `remove` reports failures"]
pub struct Previous {
    dir: Option<PathBuf>,
}

impl Previous {
    /// Removes the previous output.
    pub fn remove(mut self) -> io::Result<()> {
        match self.dir.take() {
            Some(dir) => remove_tree(&dir),
            None => Ok(()),
        }
    }
}

impl Drop for Previous {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = remove_tree(&dir);
        }
    }
}

/// Bytes compared per read. The two buffers of a size are kept by each thread: fresh ones per
/// file would cost a page fault per 4 KB on every output file of a rebuild.
const PIECE: usize = 64 * 1024;

fn with_pieces<T>(compare: impl FnOnce(&mut [u8], &mut [u8]) -> T) -> T {
    use std::cell::RefCell;
    thread_local! {
        static PIECES: RefCell<(Vec<u8>, Vec<u8>)> =
            RefCell::new((vec![0; PIECE], vec![0; PIECE]));
    }
    PIECES.with(|pieces| {
        let (left, right) = &mut *pieces.borrow_mut();
        compare(left, right)
    })
}

/// A writer that compares what it is given with a file instead of writing it: an error (kind
/// `Other`, `differs` set) at the first difference or when the file cannot be read, so the
/// writing stops there.
struct Compare {
    file: io::BufReader<std::fs::File>,
    differs: bool,
}

impl Compare {
    fn new(file: std::fs::File) -> Compare {
        Compare {
            file: io::BufReader::with_capacity(PIECE, file),
            differs: false,
        }
    }

    /// Whether the file has no more bytes than were compared (all of them the same).
    fn at_end(&mut self) -> bool {
        !self.differs && io::BufRead::fill_buf(&mut self.file).is_ok_and(|rest| rest.is_empty())
    }
}

impl io::Write for Compare {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_all(bytes).map(|()| bytes.len())
    }

    fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let held = io::BufRead::fill_buf(&mut self.file).unwrap_or_default();
            let n = held.len().min(bytes.len());
            if n == 0 || held[..n] != bytes[..n] {
                self.differs = true;
                return Err(io::Error::other("differs from the previous output"));
            }
            io::BufRead::consume(&mut self.file, n);
            bytes = &bytes[n..];
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Opens `path` for reading, failing on a symbolic link (the output's files are plain files)
/// and without waiting on a FIFO.
fn open_plain(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
    }
    options.open(path)
}

/// Whether `file` holds `bytes` (its length is known to be theirs).
fn holds(mut file: std::fs::File, bytes: &[u8]) -> io::Result<bool> {
    use std::io::Read;
    with_pieces(|piece, _| {
        for expected in bytes.chunks(PIECE) {
            let got = &mut piece[..expected.len()];
            file.read_exact(got)?;
            if *got != *expected {
                return Ok(false);
            }
        }
        // One more byte would mean the file grew since its length was read.
        Ok(file.read(&mut [0])? == 0)
    })
}

/// Whether the file at `a` and the file `b` hold the same bytes, read in pieces (an asset may
/// be large).
fn same_bytes(a: &Path, mut b: std::fs::File) -> io::Result<bool> {
    use std::io::Read;
    let mut a = std::fs::File::open(a)?;
    with_pieces(|left, right| {
        loop {
            let n = a.read(left)?;
            if n == 0 {
                return Ok(b.read(&mut right[..1])? == 0);
            }
            b.read_exact(&mut right[..n])?;
            if left[..n] != right[..n] {
                return Ok(false);
            }
        }
    })
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
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_previous_output_entirely() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir_all(target.join("stale")).unwrap();
        std::fs::write(target.join("stale/old.html"), "old").unwrap();
        let staging = Staging::new(&target).unwrap();
        staging.write("a/index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!target.join("stale").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
    }

    #[test]
    fn dropping_without_commit_leaves_the_old_output_and_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("index.html"), "old").unwrap();
        {
            let staging = Staging::new(&target).unwrap();
            staging.write("index.html", b"half").unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn unchanged_files_are_linked_from_the_previous_output_and_changed_ones_written() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let first = Staging::new(&target).unwrap();
        first.write("same.html", b"same").unwrap();
        first.write("changed.html", b"before").unwrap();
        first.write("grown.html", b"abc").unwrap();
        first.commit().unwrap();
        let inode = |rel: &str| std::fs::metadata(target.join(rel)).unwrap().ino();
        let (same, changed) = (inode("same.html"), inode("changed.html"));

        let second = Staging::new(&target).unwrap();
        second.write("same.html", b"same").unwrap();
        second.write("changed.html", b"after!").unwrap();
        second.write("grown.html", b"abd").unwrap();
        // Until the swap, the previous output is what it was.
        assert_eq!(
            std::fs::read(target.join("changed.html")).unwrap(),
            b"before"
        );
        assert_eq!(std::fs::read(target.join("grown.html")).unwrap(), b"abc");
        second.commit().unwrap();
        assert_eq!(inode("same.html"), same, "unchanged: linked, not written");
        assert_ne!(inode("changed.html"), changed);
        assert_eq!(std::fs::read(target.join("same.html")).unwrap(), b"same");
        assert_eq!(
            std::fs::read(target.join("changed.html")).unwrap(),
            b"after!"
        );
        assert_eq!(std::fs::read(target.join("grown.html")).unwrap(), b"abd");
    }

    #[test]
    fn a_file_written_piece_by_piece_is_linked_only_when_every_byte_is_the_same() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let pieces = |text: &'static str| {
            move |out: &mut dyn io::Write| {
                for piece in text.split_inclusive(' ') {
                    out.write_all(piece.as_bytes())?;
                }
                Ok(())
            }
        };
        let build = |text: &'static str| {
            let staging = Staging::new(&target).unwrap();
            staging.write_with("llms-full.txt", pieces(text)).unwrap();
            staging.commit().unwrap();
            let path = target.join("llms-full.txt");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
            std::fs::metadata(path).unwrap().ino()
        };
        let first = build("one two three");
        assert_eq!(build("one two three"), first, "the same bytes: linked");
        for changed in ["one TWO three", "one two three four", "one two", ""] {
            let before = build("one two three");
            assert_ne!(build(changed), before, "{changed:?}: written afresh");
        }
    }

    #[test]
    fn a_folder_carnet_did_not_write_lends_nothing() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("a.html"), "same").unwrap();
        let before = std::fs::metadata(target.join("a.html")).unwrap().ino();
        let staging = Staging::new(&target).unwrap();
        staging.write("a.html", b"same").unwrap();
        staging.commit().unwrap();
        assert_ne!(
            std::fs::metadata(target.join("a.html")).unwrap().ino(),
            before
        );
    }

    #[test]
    fn assets_are_linked_only_when_their_bytes_are_the_same() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let source = dir.path().join("logo.png");
        std::fs::write(&source, vec![7u8; 200_000]).unwrap();
        let first = Staging::new(&target).unwrap();
        first.copy_file("logo.png", &source).unwrap();
        first.commit().unwrap();
        let inode = || std::fs::metadata(target.join("logo.png")).unwrap().ino();
        let linked = inode();
        let again = Staging::new(&target).unwrap();
        again.copy_file("logo.png", &source).unwrap();
        again.commit().unwrap();
        assert_eq!(inode(), linked);
        let mut changed = vec![7u8; 200_000];
        changed[150_000] = 8;
        std::fs::write(&source, &changed).unwrap();
        let third = Staging::new(&target).unwrap();
        third.copy_file("logo.png", &source).unwrap();
        third.commit().unwrap();
        assert_ne!(inode(), linked);
        assert_eq!(std::fs::read(target.join("logo.png")).unwrap(), changed);
    }
}
