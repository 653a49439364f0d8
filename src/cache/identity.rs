//! The running carnet's identity: the BLAKE3 hash of its program file (and its version), part of
//! every cache key, so another version, another build or other grammars all miss.
//!
//! Why a memo: the program file is 130 MB with its debug information, and hashing it was about
//! a twentieth of a second process's CPU time, on every build, for the same answer. The memo
//! (`program` in the cache folder) keeps the hash with what identifies the file it was made from:
//! its device, inode, size, modification time and change time. The change time is set by the
//! system on any write, `chmod`, `touch` or link of the file, and no call sets it to a chosen
//! value, so a file changed in place since the memo was written never matches it; a file copied
//! or restored elsewhere (another machine, CI) has another inode and change time. A memo that
//! does not match, is damaged or is missing is replaced after hashing the file again, as before.
//! The program is read through `/proc/self/exe` where there is one: the image this process
//! runs, even when a new build replaced the file at its path since it started.

use std::path::Path;

use super::table::Key;

/// The memo's file name in the cache folder.
const MEMO: &str = "program";
/// The memo format, first in the file.
const MEMO_FORMAT: &[u8; 8] = b"CARNETP1";

/// The identity of the running program: from the memo in `dir` when it still describes the
/// program file, else by hashing it (and the memo written for the next process). `None` when
/// the program file cannot be read.
pub(super) fn program_identity(dir: &Path) -> Option<Key> {
    let file = open_program()?;
    let stamp = stamp_of(&file.metadata().ok()?);
    let memo = dir.join(MEMO);
    if let Some(key) = std::fs::read(&memo)
        .ok()
        .and_then(|b| read_memo(&b, &stamp))
    {
        return Some(key);
    }
    let key = hash_program(&file)?;
    // Kept only for a file that did not change while it was hashed and whose last change is
    // older than the clock's coarse granularity: a change in the same tick keeps the change
    // time (the "racy" case git's index knows). A memo that cannot be written costs the next
    // process the hash, nothing else.
    let after = file.metadata().ok()?;
    if stamp_of(&after) == stamp && settled(&after) {
        let _ = write_memo(&memo, &stamp, &key);
    }
    Some(key)
}

/// The program file this process runs.
fn open_program() -> Option<std::fs::File> {
    #[cfg(target_os = "linux")]
    if let Ok(file) = std::fs::File::open("/proc/self/exe") {
        return Some(file);
    }
    std::fs::File::open(std::env::current_exe().ok()?).ok()
}

/// Hashes the version and the program's bytes.
fn hash_program(file: &std::fs::File) -> Option<Key> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    // Read through a buffer, not mapped: a mapped program file (130 MB with its debug
    // information) would count whole in the process's peak resident memory.
    let mut reader = std::io::BufReader::with_capacity(256 * 1024, file);
    std::io::copy(&mut reader, &mut hasher).ok()?;
    Some(*hasher.finalize().as_bytes())
}

/// What identifies the program file's current state: device, inode, size, modification and
/// change times (seconds and nanoseconds), and the version.
fn stamp_of(meta: &std::fs::Metadata) -> Vec<u8> {
    let mut stamp = Vec::with_capacity(80);
    stamp.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    stamp.push(0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        for n in [meta.dev(), meta.ino(), meta.size()] {
            stamp.extend_from_slice(&n.to_le_bytes());
        }
        for n in [
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec(),
        ] {
            stamp.extend_from_slice(&n.to_le_bytes());
        }
    }
    #[cfg(not(unix))]
    {
        // Without a change time nothing tells a file changed in place: never matches.
        let _ = meta;
        stamp.extend_from_slice(b"no stamp");
    }
    stamp
}

/// Whether the file's last change is at least two seconds old.
fn settled(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        meta.ctime() <= now - 2
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// The key in memo `bytes` when they are whole and were made for `stamp`.
fn read_memo(bytes: &[u8], stamp: &[u8]) -> Option<Key> {
    if !cfg!(unix) {
        return None;
    }
    let (body, checksum) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
    if blake3::hash(body).as_bytes() != checksum {
        return None;
    }
    let rest = body.strip_prefix(MEMO_FORMAT)?;
    let (key, stored) = rest.split_first_chunk::<32>()?;
    (stored == stamp).then_some(*key)
}

/// Writes the memo under a new name, then renames it over the old one: a reader sees a whole
/// memo or none.
fn write_memo(path: &Path, stamp: &[u8], key: &Key) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(MEMO_FORMAT.len() + 32 + stamp.len() + 32);
    bytes.extend_from_slice(MEMO_FORMAT);
    bytes.extend_from_slice(key);
    bytes.extend_from_slice(stamp);
    let checksum = *blake3::hash(&bytes).as_bytes();
    bytes.extend_from_slice(&checksum);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temp = path.with_file_name(format!(".{MEMO}.tmp-{}", std::process::id()));
    std::fs::write(&temp, &bytes)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memo_gives_the_hash_back_only_for_its_own_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MEMO);
        let key = [7; 32];
        write_memo(&path, b"stamp", &key).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        if cfg!(unix) {
            assert_eq!(read_memo(&bytes, b"stamp"), Some(key));
        }
        assert_eq!(read_memo(&bytes, b"other"), None);
        for cut in 0..bytes.len() {
            assert_eq!(read_memo(&bytes[..cut], b"stamp"), None, "cut at {cut}");
        }
        for at in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1;
            assert_eq!(read_memo(&flipped, b"stamp"), None, "flipped at {at}");
        }
    }

    #[test]
    fn a_file_changed_in_place_has_another_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("program");
        std::fs::write(&path, b"one").unwrap();
        let before = stamp_of(&std::fs::metadata(&path).unwrap());
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        // Same size, and the modification time put back as it was: the change time moves.
        // Past the system clock's tick (a few milliseconds), so the change time can move.
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::write(&path, b"two").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(modified).unwrap();
        let after = stamp_of(&std::fs::metadata(&path).unwrap());
        if cfg!(unix) {
            assert_ne!(before, after);
        }
    }
}
