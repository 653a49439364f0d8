//! The output manifest (`output-manifest.bin` in the build cache): what the output folder held
//! when carnet last put it in place, so that the next build can tell, without opening a file,
//! that the file on disk still holds the bytes it is about to write.
//!
//! Why: on an unchanged site a build used to open every previous output file, compare it with
//! the new bytes, link it into a new tree, swap the trees and remove the old one: about a third
//! of a second process. With the manifest, a file is known unchanged from one `lstat`, and when
//! every output is and the folder holds nothing else, nothing is written at all.
//!
//! Why it is sound: for each file it records the BLAKE3 hash of the bytes carnet put there and
//! the file's identity (device, inode, size, modification and change times, plain file). Any
//! change of a file's bytes moves its change time (ctime), which no user can set to a chosen
//! value; a file replaced by another (even with the same inode number) has another change time
//! too. What a timestamp's granularity could hide is a change made within the same tick as the
//! recording: a file whose change time is not older than the recording ([`Entry::racy`], as
//! git's "racily clean" entries) is compared byte for byte instead. Which names each folder
//! holds is checked by reading the folders ([`Manifest::tree_is_exact`]). The file ends with the
//! BLAKE3 hash of the rest: a damaged manifest is a warning and is not used.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::Diagnostic;

/// The manifest's file in the cache folder.
pub const FILE: &str = "output-manifest.bin";
const MAGIC: &[u8; 8] = b"CARNETM1";
/// What every format of the manifest starts with: another version is ignored silently.
const MAGIC_FAMILY: &[u8; 7] = b"CARNETM";

/// A BLAKE3 hash of an output file's bytes.
pub type Hash = [u8; 32];

/// What a build knows of an output file it put in the output folder: the hash of its bytes,
/// and its identity when the build took it from the handle it wrote the file through (the
/// others are looked up by path when the manifest is recorded).
pub type Written = (Hash, Option<Identity>);

/// What `lstat` says of a file, as far as a change of its bytes shows in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Identity {
    /// The identity of a plain file; `None` for anything else (a symbolic link is never taken
    /// for the file it points to).
    pub fn of(meta: &std::fs::Metadata) -> Option<Identity> {
        meta.file_type().is_file().then(|| Identity {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        })
    }

    /// The identity of the file at `path`, not following a link.
    pub fn at(path: &Path) -> Option<Identity> {
        Identity::of(&std::fs::symlink_metadata(path).ok()?)
    }
}

/// One file of the output as it was recorded.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub hash: Hash,
    pub identity: Identity,
    /// Changed no earlier than the recording began: a change within the same tick of the clock
    /// could have left its identity as recorded, so its bytes are compared instead.
    pub racy: bool,
}

/// The output folder as the last build that put it in place left it.
#[derive(Debug, Default)]
pub struct Manifest {
    files: FxHashMap<Box<str>, Entry>,
    /// Every folder holding a file (`""` is the output folder), with how many names it holds.
    folders: FxHashMap<Box<str>, usize>,
}

impl Manifest {
    /// Reads the manifest of the output folder `target` from `cache_dir`. `None` when there is
    /// none, when it is of another format or another output folder (silently), and when it is
    /// damaged (with a warning).
    pub fn load(cache_dir: &Path, target: &Path) -> (Option<Manifest>, Option<Diagnostic>) {
        let path = cache_dir.join(FILE);
        let Ok(bytes) = std::fs::read(&path) else {
            return (None, None);
        };
        match parse(&bytes, target) {
            Ok(manifest) => (manifest, None),
            Err(why) => {
                let message = format!(
                    "the output manifest `{}` is not used: it is damaged ({why}); every output file is compared with the new one instead, and the manifest is written anew",
                    path.display()
                );
                (None, Some(Diagnostic::warning("cache-ignored", message)))
            }
        }
    }

    pub fn get(&self, rel: &str) -> Option<&Entry> {
        self.files.get(rel)
    }

    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the folder `target` holds exactly the manifest's files and folders: no other
    /// name, none missing, nothing of another kind (a link, a FIFO) in place of one. The
    /// files' own identities are checked one by one as the build reaches them.
    pub fn tree_is_exact(&self, target: &Path) -> bool {
        self.folders.par_iter().all(|(folder, &count)| {
            let Ok(entries) = std::fs::read_dir(target.join(&**folder)) else {
                return false;
            };
            let mut seen = 0;
            for entry in entries {
                let Ok(entry) = entry else { return false };
                let Ok(kind) = entry.file_type() else {
                    return false;
                };
                let name = entry.file_name();
                let Some(name) = name.to_str() else {
                    return false;
                };
                let rel = join(folder, name);
                let known = if kind.is_file() {
                    self.files.contains_key(rel.as_str())
                } else if kind.is_dir() {
                    self.folders.contains_key(rel.as_str())
                } else {
                    false
                };
                if !known {
                    return false;
                }
                seen += 1;
            }
            seen == count
        })
    }
}

/// `folder/name`, or `name` in the output folder itself.
fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_owned()
    } else {
        format!("{folder}/{name}")
    }
}

/// Records the output folder `target` as it is now, its files being `hashes` (output-relative
/// path, hash of the bytes written, and the file's identity when the build took it from the
/// handle it wrote through: the others are looked up by path), into `cache_dir`. Called once
/// the new output is in place and the previous one removed (linking and unlinking move a
/// file's change time).
/// Written under a new name and renamed over the old file, so a reader sees one or the other.
/// When a file cannot be identified (gone, or not a plain file), the old manifest is removed
/// and none is written: the next build then compares files, as without one.
pub fn record(cache_dir: &Path, target: &Path, hashes: Vec<(Box<str>, Written)>) -> io::Result<()> {
    let path = cache_dir.join(FILE);
    // A file carnet makes beside the output, on its file system, tells the time of that file
    // system's clock (at its granularity) before any file is looked at.
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty());
    let probe = tempfile::tempfile_in(parent.unwrap_or(Path::new(".")))?;
    let meta = probe.metadata()?;
    let began = (meta.ctime(), meta.ctime_nsec());
    drop(probe);
    let identities: Option<Vec<Identity>> = hashes
        .par_iter()
        .map(|(rel, (_, written))| written.or_else(|| Identity::at(&target.join(&**rel))))
        .collect();
    let Some(identities) = identities else {
        return crate::paths::temp::gone_is_fine(std::fs::remove_file(&path));
    };
    let mut out = Vec::with_capacity(64 + hashes.len() * 120);
    out.extend_from_slice(MAGIC);
    put_bytes(&mut out, target.as_os_str().as_encoded_bytes());
    put_time(&mut out, began);
    out.extend_from_slice(&(hashes.len() as u64).to_le_bytes());
    for ((rel, (hash, _)), identity) in hashes.iter().zip(&identities) {
        put_bytes(&mut out, rel.as_bytes());
        out.extend_from_slice(hash);
        for n in [identity.dev, identity.ino, identity.size] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        put_time(&mut out, identity.mtime);
        put_time(&mut out, identity.ctime);
    }
    let sum = blake3::hash(&out);
    out.extend_from_slice(sum.as_bytes());
    std::fs::create_dir_all(cache_dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(cache_dir)?;
    io::Write::write_all(&mut temp, &out)?;
    temp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn put_time(out: &mut Vec<u8>, (seconds, nanos): (i64, i64)) {
    out.extend_from_slice(&seconds.to_le_bytes());
    out.extend_from_slice(&nanos.to_le_bytes());
}

/// The manifest in `bytes` if it is of `target`; an error (the manifest is damaged) when it is
/// of this format and does not read.
fn parse(bytes: &[u8], target: &Path) -> Result<Option<Manifest>, &'static str> {
    if bytes.get(..7) != Some(&MAGIC_FAMILY[..]) {
        return Err("it does not start as a manifest");
    }
    if bytes.get(..8) != Some(&MAGIC[..]) {
        return Ok(None);
    }
    let Some(body_len) = bytes.len().checked_sub(32).filter(|&n| n >= 8) else {
        return Err("it is truncated");
    };
    let (body, sum) = bytes.split_at(body_len);
    if blake3::hash(body).as_bytes() != sum {
        return Err("its checksum does not match");
    }
    let mut reader = Reader(&body[8..]);
    let read = |reader: &mut Reader| -> Option<Option<Manifest>> {
        if reader.bytes()? != target.as_os_str().as_encoded_bytes() {
            return Some(None);
        }
        let began = reader.time()?;
        let count = usize::try_from(reader.u64()?).ok()?;
        let mut files = FxHashMap::default();
        files.reserve(count.min(reader.0.len() / 100));
        for _ in 0..count {
            let rel: Box<str> = std::str::from_utf8(reader.bytes()?).ok()?.into();
            let hash: Hash = reader.take(32)?.try_into().ok()?;
            let identity = Identity {
                dev: reader.u64()?,
                ino: reader.u64()?,
                size: reader.u64()?,
                mtime: reader.time()?,
                ctime: reader.time()?,
            };
            let racy = identity.ctime >= began;
            files.insert(
                rel,
                Entry {
                    hash,
                    identity,
                    racy,
                },
            );
        }
        let folders = folders_of(files.keys().map(|rel| &**rel));
        reader
            .0
            .is_empty()
            .then_some(Some(Manifest { files, folders }))
    };
    read(&mut reader).ok_or("its entries do not read")
}

/// Every folder of `files` (their ancestors, and `""`), with how many names each holds.
fn folders_of<'a>(files: impl Iterator<Item = &'a str>) -> FxHashMap<Box<str>, usize> {
    let mut folders: FxHashMap<Box<str>, usize> = FxHashMap::default();
    folders.insert("".into(), 0);
    let mut made: FxHashSet<&str> = FxHashSet::default();
    for rel in files {
        let mut child = rel;
        loop {
            let parent = child.rsplit_once('/').map_or("", |(parent, _)| parent);
            *folders.entry(parent.into()).or_default() += 1;
            if parent.is_empty() || !made.insert(parent) {
                break;
            }
            child = parent;
        }
    }
    folders
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn time(&mut self) -> Option<(i64, i64)> {
        let seconds = i64::from_le_bytes(self.take(8)?.try_into().ok()?);
        let nanos = i64::from_le_bytes(self.take(8)?.try_into().ok()?);
        Some((seconds, nanos))
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u64()?).ok()?;
        self.take(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_count_their_files_and_subfolders() {
        let folders =
            folders_of(["index.html", "a/b/x.html", "a/b/y.html", "a/z.html"].into_iter());
        assert_eq!(folders[""], 2, "index.html and a");
        assert_eq!(folders["a"], 2, "b and z.html");
        assert_eq!(folders["a/b"], 2);
        assert_eq!(folders.len(), 3);
    }

    #[test]
    fn a_recorded_folder_reads_back_and_any_damage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir_all(target.join("a")).unwrap();
        std::fs::write(target.join("a/x.html"), "x").unwrap();
        let cache = dir.path().join("cache");
        let hashes = vec![("a/x.html".into(), (*blake3::hash(b"x").as_bytes(), None))];
        record(&cache, &target, hashes).unwrap();
        let (manifest, warning) = Manifest::load(&cache, &target);
        let manifest = manifest.expect("read back");
        assert!(warning.is_none());
        assert_eq!(manifest.len(), 1);
        let entry = manifest.get("a/x.html").unwrap();
        assert_eq!(Some(entry.identity), Identity::at(&target.join("a/x.html")));
        assert!(manifest.tree_is_exact(&target));
        std::fs::write(target.join("a/extra"), "").unwrap();
        assert!(!manifest.tree_is_exact(&target));

        let (other, warning) = Manifest::load(&cache, &dir.path().join("elsewhere"));
        assert!(
            other.is_none() && warning.is_none(),
            "another folder's: silent"
        );
        let bytes = std::fs::read(cache.join(FILE)).unwrap();
        for cut in [0, 8, bytes.len() / 2, bytes.len() - 1] {
            std::fs::write(cache.join(FILE), &bytes[..cut]).unwrap();
            let (manifest, warning) = Manifest::load(&cache, &target);
            assert!(manifest.is_none() && warning.is_some(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        flipped[20] ^= 1;
        std::fs::write(cache.join(FILE), &flipped).unwrap();
        assert!(Manifest::load(&cache, &target).1.is_some());
    }
}
