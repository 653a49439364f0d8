//! The manifest: what carnet last uploaded under a prefix, stored as an object beside the site.
//!
//! Not every S3-compatible host reports an object's MD5 as its ETag (server-side encryption with
//! KMS, some vendors' own schemes), so comparing ETags alone would upload everything every time
//! there. The manifest records, for each key, the MD5 and headers carnet sent and the ETag the
//! host answered; an object is known unchanged when its listed ETag is still that one.
//!
//! It is written after every upload has succeeded, so it never claims more than the bucket holds.
//! A deploy interrupted before that leaves the previous manifest, whose entries for objects that
//! were replaced since no longer match their listed ETag: they are not trusted, and the re-run
//! compares those objects by ETag alone or uploads them again.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The manifest's key under the prefix. The leading dot keeps it out of the way of pages.
pub const MANIFEST_NAME: &str = ".carnet-manifest.json";

/// Version of the format below; a manifest of another version is ignored (everything is then
/// compared by ETag), never misread.
const FORMAT: u32 = 1;

/// What carnet uploaded under one prefix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// Output-relative path → what was uploaded there.
    pub files: BTreeMap<String, ManifestEntry>,
}

/// One uploaded object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub md5: String,
    pub size: u64,
    /// The ETag the host gave the object (without quotes).
    pub etag: String,
    pub content_type: String,
    pub cache_control: String,
}

impl Manifest {
    pub fn new() -> Self {
        Manifest {
            format: FORMAT,
            files: BTreeMap::new(),
        }
    }

    /// Reads a manifest; anything unreadable counts as no manifest, because the worst that can
    /// do is upload files again.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice::<Manifest>(bytes)
            .ok()
            .filter(|m| m.format == FORMAT)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("a manifest of strings and numbers serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_ignores_other_formats_and_garbage() {
        let mut m = Manifest::new();
        m.files.insert(
            "index.html".into(),
            ManifestEntry {
                md5: "a".into(),
                size: 1,
                etag: "b".into(),
                content_type: "text/html".into(),
                cache_control: "no-cache".into(),
            },
        );
        assert_eq!(Manifest::from_bytes(&m.to_bytes()), Some(m));
        assert_eq!(
            Manifest::from_bytes(br#"{"format": 99, "files": {}}"#),
            None
        );
        assert_eq!(Manifest::from_bytes(b"<html>"), None);
    }
}
