//! One table of the persistent cache: a file of entries (key → bytes), read whole at the start
//! of a build (mapped, not copied) and written whole, under a new name then renamed over the old
//! one, at its end.
//!
//! Why this shape: a build looks up every entry once, so one sequential read beats thousands of
//! small files; a file is replaced only by a rename, so a reader (another carnet running at the
//! same time) sees the old file or the new one, never half of one, and two writers cannot corrupt
//! each other (the last rename wins, both files are whole); carnet never changes a table file in
//! place, so the file a build maps is not truncated under it. Nothing read is trusted before it
//! is checked: the identity of the carnet that wrote the file and the BLAKE3 hash of its header
//! and index when it is opened, each entry's CRC-32 when it is looked up. A foreign file is an
//! empty table; a damaged one is a warning and an empty table; a damaged entry is a miss and a
//! warning ([`Table::damaged`]).
//!
//! Why a checksum per entry rather than one over the whole file: a warm build of a 10,000-page
//! site opened 200 MB of fragments by hashing all of it first, a sixth of the build; CRC-32
//! (SIMD) of the entries as they are used costs a tenth of that, and still catches any damage to
//! what is used (an entry is never trusted unchecked).
//!
//! Layout: `MAGIC`, the writer's identity (32 bytes), the payloads one after the other, the
//! index (count, then key, day last used, offset, length, CRC-32 for each entry), the index's
//! offset, and the BLAKE3 hash of the header, the index and its offset.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A cache key: the BLAKE3 hash of everything the entry depends on.
pub type Key = [u8; 32];

const MAGIC: &[u8; 8] = b"CARNETC2";
/// What every format of the cache file starts with, the last byte being its version: a file of
/// another version was written by another carnet (an older one, restored by CI after an
/// upgrade) and is replaced without a warning, like a file of this format with another identity.
const MAGIC_FAMILY: &[u8; 7] = b"CARNETC";
const HEADER: usize = 8 + 32;
const INDEX_ENTRY: usize = 32 + 4 + 8 + 4 + 4;
const FOOTER: usize = 8 + 32;

/// Where an entry of the file read is, and when it was last used.
#[derive(Clone, Copy)]
struct Slot {
    offset: usize,
    len: usize,
    day: u32,
    crc: u32,
}

/// One table: the entries of the file as it was read, and those added by this build.
pub struct Table {
    path: PathBuf,
    identity: Key,
    /// Days since 1970: the stamp of every entry this build adds or uses.
    today: u32,
    max_bytes: u64,
    /// The file as read (none when there was none, or it was not trusted).
    bytes: Option<memmap2::Mmap>,
    slots: HashMap<Key, Slot>,
    used: Mutex<HashSet<Key>>,
    /// Entries whose bytes failed their checksum: not used, not kept.
    damaged: Mutex<HashSet<Key>>,
    /// The next file, written as entries are added (a build's new entries are not held in
    /// memory): created on the first one.
    next: Mutex<Next>,
}

#[derive(Default)]
struct Next {
    writer: Option<std::io::Result<Writer>>,
    temp: PathBuf,
    added: HashSet<Key>,
}

/// Why a table file was not used.
#[derive(Debug, PartialEq, Eq)]
pub enum Distrust {
    /// Written by another carnet (another version or build): expected after an upgrade.
    Foreign,
    /// Truncated, garbage, or altered.
    Corrupt(String),
}

impl Table {
    /// The table at `path`, for entries written by `identity`, to hold at most `max_bytes`. A
    /// missing file is an empty table; a file that cannot be trusted is an empty table and the
    /// reason.
    pub fn open(
        path: PathBuf,
        identity: Key,
        today: u32,
        max_bytes: u64,
    ) -> (Table, Option<Distrust>) {
        let mut table = Table::empty(path, identity, today, max_bytes);
        let file = match File::open(&table.path) {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return (table, None),
            Err(err) => return (table, Some(Distrust::Corrupt(err.to_string()))),
        };
        // SAFETY: the map is only read; carnet replaces a table file by renaming a new one
        // over it, never by writing it in place, so the mapped file keeps its length.
        let bytes = match unsafe { memmap2::Mmap::map(&file) } {
            Ok(bytes) => bytes,
            Err(err) => return (table, Some(Distrust::Corrupt(err.to_string()))),
        };
        match parse(&bytes, &identity) {
            Ok(slots) => {
                table.slots = slots;
                table.bytes = Some(bytes);
                (table, None)
            }
            Err(distrust) => (table, Some(distrust)),
        }
    }

    /// A table that reads nothing from `path` and writes over it when saved: the build after
    /// one that found an entry it could not use.
    pub fn empty(path: PathBuf, identity: Key, today: u32, max_bytes: u64) -> Table {
        Table {
            next: Mutex::new(Next {
                temp: temp_path(&path),
                ..Next::default()
            }),
            path,
            identity,
            today,
            max_bytes,
            bytes: None,
            slots: HashMap::new(),
            used: Mutex::default(),
            damaged: Mutex::default(),
        }
    }

    /// The bytes stored under `key`, if the file read had them and they pass their checksum
    /// (entries added by this build are not looked up: each is computed once).
    pub fn get(&self, key: &Key) -> Option<&[u8]> {
        let slot = self.slots.get(key)?;
        let bytes = self.stored(slot)?;
        if crc32fast::hash(bytes) != slot.crc {
            lock(&self.damaged).insert(*key);
            return None;
        }
        lock(&self.used).insert(*key);
        Some(bytes)
    }

    /// Marks the entry under `key` used without reading it (so it is kept like the entries
    /// looked up): a build that found the output on disk already holding it has no need of it.
    pub fn touch(&self, key: &Key) {
        if self.slots.contains_key(key) {
            lock(&self.used).insert(*key);
        }
    }

    /// The table's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many entries looked up were damaged (not used: computed again).
    pub fn damaged(&self) -> usize {
        lock(&self.damaged).len()
    }

    fn stored(&self, slot: &Slot) -> Option<&[u8]> {
        self.bytes
            .as_deref()?
            .get(slot.offset..slot.offset + slot.len)
    }

    /// Keeps `bytes` under `key` for the next build (written at once to the next file; past
    /// the size bound, dropped).
    pub fn put(&self, key: Key, bytes: &[u8]) {
        let mut next = lock(&self.next);
        if !next.added.insert(key) {
            return;
        }
        let temp = next.temp.clone();
        let writer = next
            .writer
            .get_or_insert_with(|| Writer::create(&temp, &self.identity));
        if let Ok(out) = writer
            && !out.over(self.max_bytes, bytes.len())
            && let Err(err) = out.entry(&key, self.today, bytes)
        {
            *writer = Err(err);
        }
    }

    /// Finishes the next file and puts it in place of the old one: after the entries added by
    /// this build, those it used, then the others, most recently used first, while the total
    /// stays under the bound and they were used in the last `max_days`, never a damaged one.
    /// Nothing is written when nothing was added or found damaged and every entry used was
    /// already stamped today.
    pub fn write(mut self, max_days: u32) -> std::io::Result<()> {
        if self.unchanged() {
            return Ok(());
        }
        let mut next = std::mem::take(&mut *lock(&self.next));
        let used = std::mem::take(&mut *lock(&self.used));
        let damaged = std::mem::take(&mut *lock(&self.damaged));
        let today = self.today;
        let temp = next.temp.clone();
        let written = (|| {
            let mut out = match next.writer.take() {
                Some(writer) => writer?,
                None => Writer::create(&temp, &self.identity)?,
            };
            let mut others: Vec<(&Key, &Slot)> = Vec::new();
            let mut used_now: Vec<(&Key, &Slot)> = Vec::new();
            for (key, slot) in &self.slots {
                if next.added.contains(key) || damaged.contains(key) {
                    continue;
                }
                if used.contains(key) {
                    used_now.push((key, slot));
                } else if today.saturating_sub(slot.day) <= max_days {
                    others.push((key, slot));
                }
            }
            used_now.sort_by_key(|(key, _)| **key);
            others.sort_by(|a, b| b.1.day.cmp(&a.1.day).then(a.0.cmp(b.0)));
            let used_now = used_now.into_iter().map(|(key, slot)| (key, today, slot));
            let others = others.into_iter().map(|(key, slot)| (key, slot.day, slot));
            for (key, day, slot) in used_now.chain(others) {
                if out.over(self.max_bytes, slot.len) {
                    break;
                }
                // An entry never looked up is copied unchecked: the next build checks it.
                if let Some(bytes) = self.stored(slot) {
                    out.entry_checked(key, day, bytes, slot.crc)?;
                }
            }
            out.finish()
        })();
        // The map is let go before the rename (some systems refuse to replace a mapped file).
        let Table { path, bytes, .. } = &mut self;
        drop(bytes.take());
        let written = written.and_then(|()| std::fs::rename(&temp, &*path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }
}

impl Table {
    /// Whether [`Table::write`] has nothing to write: nothing added or found damaged, and every
    /// entry used already stamped today.
    pub fn unchanged(&self) -> bool {
        lock(&self.next).writer.is_none()
            && lock(&self.damaged).is_empty()
            && lock(&self.used)
                .iter()
                .all(|key| self.slots.get(key).is_none_or(|s| s.day == self.today))
    }
}

impl Drop for Table {
    /// A table dropped unwritten (a build that stopped) leaves no temporary file.
    fn drop(&mut self) {
        let next = lock(&self.next);
        if next.writer.is_some() {
            let _ = std::fs::remove_file(&next.temp);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A name beside `path` no other process or thread uses.
fn temp_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// The entries of a table file, once its identity, header and index have been checked (each
/// entry's bytes are checked when it is looked up).
fn parse(bytes: &[u8], identity: &Key) -> Result<HashMap<Key, Slot>, Distrust> {
    let corrupt = |why: &str| Distrust::Corrupt(why.to_owned());
    if bytes.len() >= MAGIC.len() && bytes.starts_with(MAGIC_FAMILY) && &bytes[..8] != MAGIC {
        return Err(Distrust::Foreign);
    }
    if bytes.len() < HEADER + 8 + FOOTER || &bytes[..8] != MAGIC {
        return Err(corrupt("not a carnet cache file"));
    }
    // Another carnet's file is not read further: it is replaced whatever its state.
    if &bytes[8..HEADER] != identity {
        return Err(Distrust::Foreign);
    }
    let body = bytes.len() - 32;
    let index_at = read_u64(bytes, body - 8) as usize;
    let index_end = body - 8;
    if index_at < HEADER || index_at + 8 > index_end {
        return Err(corrupt("index out of bounds (truncated or damaged)"));
    }
    let mut hasher = blake3::Hasher::new();
    hasher.update(&bytes[..HEADER]);
    hasher.update(&bytes[index_at..body]);
    if hasher.finalize().as_bytes() != &bytes[body..] {
        return Err(corrupt("checksum mismatch (truncated or damaged)"));
    }
    let count = read_u64(bytes, index_at) as usize;
    if count.checked_mul(INDEX_ENTRY) != Some(index_end - index_at - 8) {
        return Err(corrupt("index length mismatch"));
    }
    let mut slots = HashMap::with_capacity(count);
    for i in 0..count {
        let at = index_at + 8 + i * INDEX_ENTRY;
        let mut key = [0; 32];
        key.copy_from_slice(&bytes[at..at + 32]);
        let day = read_u32(bytes, at + 32);
        let offset = read_u64(bytes, at + 36) as usize;
        let len = read_u32(bytes, at + 44) as usize;
        let crc = read_u32(bytes, at + 48);
        if offset < HEADER || offset.checked_add(len).is_none_or(|end| end > index_at) {
            return Err(corrupt("entry out of bounds"));
        }
        slots.insert(
            key,
            Slot {
                offset,
                len,
                day,
                crc,
            },
        );
    }
    Ok(slots)
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}

/// A table file being written: payloads as they come, the index and checksum at the end.
struct Writer {
    out: BufWriter<File>,
    /// Of the header, then of the index and its offset (the payloads have their CRC-32).
    hasher: blake3::Hasher,
    offset: u64,
    index: Vec<u8>,
    count: u64,
}

impl Writer {
    fn create(path: &Path, identity: &Key) -> std::io::Result<Writer> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut writer = Writer {
            out: BufWriter::with_capacity(1 << 20, File::create(path)?),
            hasher: blake3::Hasher::new(),
            offset: 0,
            index: Vec::new(),
            count: 0,
        };
        writer.hasher.update(MAGIC);
        writer.hasher.update(identity);
        writer.raw(MAGIC)?;
        writer.raw(identity)?;
        Ok(writer)
    }

    fn raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.offset += bytes.len() as u64;
        self.out.write_all(bytes)
    }

    /// Whether adding `len` more bytes would pass `max_bytes`.
    fn over(&self, max_bytes: u64, len: usize) -> bool {
        self.offset + self.index.len() as u64 + (len + INDEX_ENTRY) as u64 > max_bytes
    }

    fn entry(&mut self, key: &Key, day: u32, bytes: &[u8]) -> std::io::Result<()> {
        self.entry_checked(key, day, bytes, crc32fast::hash(bytes))
    }

    /// An entry whose checksum is known (copied from the file read).
    fn entry_checked(
        &mut self,
        key: &Key,
        day: u32,
        bytes: &[u8],
        crc: u32,
    ) -> std::io::Result<()> {
        let Ok(len) = u32::try_from(bytes.len()) else {
            return Ok(());
        };
        self.index.extend_from_slice(key);
        self.index.extend_from_slice(&day.to_le_bytes());
        self.index.extend_from_slice(&self.offset.to_le_bytes());
        self.index.extend_from_slice(&len.to_le_bytes());
        self.index.extend_from_slice(&crc.to_le_bytes());
        self.count += 1;
        self.raw(bytes)
    }

    fn finish(mut self) -> std::io::Result<()> {
        let index_at = self.offset;
        let index = std::mem::take(&mut self.index);
        let count = self.count.to_le_bytes();
        let at = index_at.to_le_bytes();
        for part in [&count[..], &index, &at] {
            self.hasher.update(part);
            self.raw(part)?;
        }
        let checksum = *self.hasher.finalize().as_bytes();
        self.out.write_all(&checksum)?;
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u32 = 100;

    fn key(n: u8) -> Key {
        [n; 32]
    }

    fn open(path: &Path, identity: u8, day: u32, max: u64) -> (Table, Option<Distrust>) {
        Table::open(path.to_path_buf(), key(identity), day, max)
    }

    #[test]
    fn entries_written_are_read_back() {
        let dir = tempfile::tempdir().unwrap();
        // The cache folder does not exist yet.
        let path = dir.path().join("cache/t");
        let (table, distrust) = open(&path, 9, DAY, u64::MAX);
        assert_eq!(distrust, None);
        table.put(key(1), b"one");
        table.put(key(2), b"two");
        table.write(30).unwrap();
        let (table, distrust) = open(&path, 9, DAY, u64::MAX);
        assert_eq!(distrust, None);
        assert_eq!(table.get(&key(1)), Some(&b"one"[..]));
        assert_eq!(table.get(&key(2)), Some(&b"two"[..]));
        assert_eq!(table.get(&key(3)), None);
        let files = std::fs::read_dir(dir.path().join("cache")).unwrap().count();
        assert_eq!(files, 1, "no temporary file left");
    }

    #[test]
    fn another_identity_truncation_and_garbage_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t");
        let (table, _) = open(&path, 9, DAY, u64::MAX);
        table.put(key(1), b"one");
        table.write(30).unwrap();
        assert_eq!(open(&path, 8, DAY, u64::MAX).1, Some(Distrust::Foreign));
        let bytes = std::fs::read(&path).unwrap();
        // A file of an earlier format (an older carnet's, restored by CI after an upgrade).
        let mut older = bytes.clone();
        older[7] = b'1';
        std::fs::write(&path, &older).unwrap();
        assert_eq!(open(&path, 9, DAY, u64::MAX).1, Some(Distrust::Foreign));
        std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        assert!(matches!(
            open(&path, 9, DAY, u64::MAX).1,
            Some(Distrust::Corrupt(_))
        ));
        // A damaged index: the file is not used.
        let mut flipped = bytes.clone();
        let index_entry = bytes.len() - FOOTER - INDEX_ENTRY;
        flipped[index_entry] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        let (table, distrust) = open(&path, 9, DAY, u64::MAX);
        assert!(matches!(distrust, Some(Distrust::Corrupt(_))));
        assert_eq!(table.get(&key(1)), None);
        drop(table);
        std::fs::write(&path, b"garbage").unwrap();
        assert!(matches!(
            open(&path, 9, DAY, u64::MAX).1,
            Some(Distrust::Corrupt(_))
        ));
    }

    #[test]
    fn a_damaged_entry_is_a_miss_counted_and_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t");
        let (table, _) = open(&path, 9, DAY, u64::MAX);
        table.put(key(1), b"one");
        table.put(key(2), b"two");
        table.write(30).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        // The first payload, "one".
        bytes[HEADER] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let (table, distrust) = open(&path, 9, DAY, u64::MAX);
        assert_eq!(
            distrust, None,
            "the index holds: the other entries are used"
        );
        assert_eq!(table.get(&key(1)), None);
        assert_eq!(table.get(&key(2)), Some(&b"two"[..]));
        assert_eq!(table.damaged(), 1);
        table.write(30).unwrap();
        let (table, distrust) = open(&path, 9, DAY, u64::MAX);
        assert_eq!(distrust, None);
        assert_eq!(table.get(&key(1)), None, "the damaged entry was dropped");
        assert_eq!(table.get(&key(2)), Some(&b"two"[..]));
        assert_eq!(table.damaged(), 0);
    }

    #[test]
    fn pruning_keeps_what_was_used_and_drops_the_old_and_the_oversized() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t");
        let (table, _) = open(&path, 9, 10, u64::MAX);
        table.put(key(1), &[1; 100]);
        table.put(key(2), &[2; 100]);
        table.write(30).unwrap();
        let (table, _) = open(&path, 9, 50, u64::MAX);
        table.put(key(3), &[3; 100]);
        table.write(30).unwrap();
        // Keys 1 and 2 were last used 40 days before: gone.
        let (table, _) = open(&path, 9, 50, u64::MAX);
        assert!(table.get(&key(1)).is_none() && table.get(&key(2)).is_none());
        assert!(table.get(&key(3)).is_some());
        drop(table);
        // Room for one entry of 100 bytes (with the file's own overhead).
        let (table, _) = open(&path, 9, 51, 300);
        table.put(key(4), &[4; 100]);
        table.write(30).unwrap();
        let (table, _) = open(&path, 9, 51, u64::MAX);
        assert!(table.get(&key(4)).is_some(), "added entries first");
        assert!(table.get(&key(3)).is_none(), "over the size bound");
    }

    #[test]
    fn two_writers_leave_one_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t");
        let (first, _) = open(&path, 9, DAY, u64::MAX);
        let (second, _) = open(&path, 9, DAY, u64::MAX);
        first.put(key(1), b"first");
        second.put(key(2), b"second");
        second.write(30).unwrap();
        first.write(30).unwrap();
        let (table, distrust) = open(&path, 9, DAY, u64::MAX);
        assert_eq!(distrust, None);
        assert_eq!(table.get(&key(1)), Some(&b"first"[..]));
    }
}
