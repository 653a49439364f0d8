//! The shards' files as an index holds them: plain in a build's, packed in a kept one.

use std::sync::Arc;

use super::IndexedFile;
use crate::markdown::Packed;

/// A shard's file as the index holds it: as it is in a build's index (written once, then the
/// index is dropped), LZ4-packed in an index kept for a session (`serve`, `build --watch`),
/// where the shards and tails (12 MB on the usual 10,000-page corpus, mostly digits) are
/// asked for now and then and unpacked then (about 30 µs a shard).
#[derive(Clone)]
pub struct HeldFile {
    pub hash: blake3::Hash,
    bytes: Held,
}

#[derive(Clone)]
enum Held {
    Plain(Arc<Vec<u8>>),
    Packed(Arc<Packed>),
}

impl HeldFile {
    pub(super) fn hold(file: IndexedFile, packed: bool) -> HeldFile {
        let bytes = if packed {
            Held::Packed(Arc::new(Packed::pack(&file.bytes)))
        } else {
            Held::Plain(file.bytes)
        };
        HeldFile {
            hash: file.hash,
            bytes,
        }
    }

    /// A shard split anew, whose bytes are not written yet.
    pub(super) fn unwritten() -> HeldFile {
        HeldFile::hold(IndexedFile::new(Vec::new()), false)
    }

    pub(super) fn is_unwritten(&self) -> bool {
        matches!(&self.bytes, Held::Plain(bytes) if bytes.is_empty())
    }

    /// The file, unpacked when it is held packed.
    pub fn file(&self) -> IndexedFile {
        let bytes = match &self.bytes {
            Held::Plain(bytes) => bytes.clone(),
            Held::Packed(packed) => Arc::new(packed.unpack()),
        };
        IndexedFile {
            bytes,
            hash: self.hash,
        }
    }

    /// The file's bytes, moved out when nothing else holds them (unpacked when held packed).
    pub fn into_bytes(self) -> Vec<u8> {
        match self.bytes {
            Held::Plain(bytes) => Arc::try_unwrap(bytes).unwrap_or_else(|b| b.to_vec()),
            Held::Packed(packed) => packed.unpack(),
        }
    }
}
