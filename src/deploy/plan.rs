//! The plan: which files to upload, which to skip, which stale objects to delete, in which order.
//!
//! Pure: it compares the local scan with the bucket's listing and the manifest, touches nothing,
//! and is what `--dry-run` prints. The order is what keeps the published site whole at every
//! moment: assets (CSS, JS, images) before the pages that use them, pages before the manifest,
//! and deletions of objects nothing links to any more only at the very end.

use std::collections::{BTreeMap, BTreeSet};

use super::headers::{cache_control, content_type, is_page_like};
use super::local::LocalFile;
use super::manifest::{MANIFEST_NAME, Manifest, ManifestEntry};

/// What the bucket holds at one key under the prefix, as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteObject {
    pub size: u64,
    /// ETag without quotes, lower case; `None` when the host gave none.
    pub etag: Option<String>,
}

/// Why a file is uploaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    New,
    Changed,
}

/// Upload phases, in the order they run; a phase starts when the previous one has finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Everything pages refer to.
    Assets,
    /// HTML and the lists of pages (navigation, sitemap, redirects).
    Pages,
}

/// One file to upload, with the headers it gets.
#[derive(Clone, Debug)]
pub struct Upload {
    pub file: LocalFile,
    pub reason: Reason,
    pub phase: Phase,
    pub content_type: String,
    pub cache_control: &'static str,
}

/// One file already in the bucket as it should be.
#[derive(Clone, Debug)]
pub struct Skip {
    pub file: LocalFile,
    /// The ETag the bucket holds for it, carried into the new manifest.
    pub etag: String,
}

/// An object under the prefix that the output no longer has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    pub rel: String,
    pub size: u64,
}

/// What a deploy will do.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Sorted by phase, then path.
    pub uploads: Vec<Upload>,
    pub skips: Vec<Skip>,
    /// Stale objects; deleted only with `--delete`.
    pub stale: Vec<Stale>,
    /// Whether `stale` will be deleted.
    pub delete: bool,
}

impl Plan {
    pub fn upload_bytes(&self) -> u64 {
        self.uploads.iter().map(|u| u.file.size).sum()
    }

    pub fn skip_bytes(&self) -> u64 {
        self.skips.iter().map(|s| s.file.size).sum()
    }

    pub fn stale_bytes(&self) -> u64 {
        self.stale.iter().map(|s| s.size).sum()
    }

    /// The manifest entries of skipped files; uploads add theirs as they succeed.
    pub fn manifest_of_skips(&self) -> Manifest {
        let mut manifest = Manifest::new();
        for skip in &self.skips {
            let rel = &skip.file.rel;
            manifest.files.insert(
                rel.clone(),
                ManifestEntry {
                    md5: skip.file.md5.clone(),
                    size: skip.file.size,
                    etag: skip.etag.clone(),
                    content_type: content_type(rel, skip.file.kind),
                    cache_control: cache_control(rel, skip.file.kind).to_string(),
                },
            );
        }
        manifest
    }
}

/// Compares the output with the bucket. `remote` is keyed by output-relative path.
pub fn make_plan(
    local: &[LocalFile],
    remote: &BTreeMap<String, RemoteObject>,
    manifest: Option<&Manifest>,
    delete: bool,
) -> Plan {
    let mut plan = Plan {
        delete,
        ..Plan::default()
    };
    for file in local {
        let wanted_type = content_type(&file.rel, file.kind);
        let wanted_cache = cache_control(&file.rel, file.kind);
        let entry = manifest.and_then(|m| m.files.get(&file.rel));
        let reason = match remote.get(&file.rel) {
            None => Reason::New,
            Some(object) => {
                if is_unchanged(file, object, entry, &wanted_type, wanted_cache) {
                    plan.skips.push(Skip {
                        file: file.clone(),
                        etag: object.etag.clone().unwrap_or_default(),
                    });
                    continue;
                }
                Reason::Changed
            }
        };
        let phase = if is_page_like(&file.rel, file.kind) {
            Phase::Pages
        } else {
            Phase::Assets
        };
        plan.uploads.push(Upload {
            file: file.clone(),
            reason,
            phase,
            content_type: wanted_type,
            cache_control: wanted_cache,
        });
    }
    plan.uploads
        .sort_by(|a, b| (a.phase, &a.file.rel).cmp(&(b.phase, &b.file.rel)));

    let local_rels: BTreeSet<&str> = local.iter().map(|f| f.rel.as_str()).collect();
    plan.stale = remote
        .iter()
        .filter(|(rel, _)| *rel != MANIFEST_NAME && !local_rels.contains(rel.as_str()))
        .map(|(rel, object)| Stale {
            rel: rel.clone(),
            size: object.size,
        })
        .collect();
    plan
}

/// Whether the bucket's object already is `file` with the right headers.
///
/// The manifest is trusted only while the listed ETag is the one it recorded: an entry left from
/// an earlier deploy for an object replaced since (by an interrupted deploy, or by hand) does not
/// match and is ignored. Without a usable entry, an ETag equal to the MD5 proves the content.
fn is_unchanged(
    file: &LocalFile,
    object: &RemoteObject,
    entry: Option<&ManifestEntry>,
    wanted_type: &str,
    wanted_cache: &str,
) -> bool {
    if object.size != file.size {
        return false;
    }
    if let Some(entry) = entry {
        if entry.content_type != wanted_type || entry.cache_control != wanted_cache {
            return false;
        }
        if entry.md5 == file.md5 && object.etag.as_deref() == Some(entry.etag.as_str()) {
            return true;
        }
    }
    object.etag.as_deref() == Some(file.md5.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(rel: &str, md5: &str) -> LocalFile {
        LocalFile {
            rel: rel.into(),
            path: PathBuf::from(rel),
            size: 10,
            md5: md5.into(),
            kind: None,
        }
    }

    fn object(etag: &str) -> RemoteObject {
        RemoteObject {
            size: 10,
            etag: Some(etag.into()),
        }
    }

    fn entry(rel: &str, md5: &str, etag: &str) -> ManifestEntry {
        ManifestEntry {
            md5: md5.into(),
            size: 10,
            etag: etag.into(),
            content_type: content_type(rel, None),
            cache_control: cache_control(rel, None).into(),
        }
    }

    fn rels(plan: &Plan) -> Vec<&str> {
        plan.uploads.iter().map(|u| u.file.rel.as_str()).collect()
    }

    #[test]
    fn an_empty_bucket_gets_everything_assets_first() {
        let local = [
            file("a/index.html", "1"),
            file("assets/style.0123456789.css", "2"),
            file("img/x.png", "3"),
            file("nav.json", "4"),
        ];
        let plan = make_plan(&local, &BTreeMap::new(), None, false);
        assert_eq!(
            rels(&plan),
            [
                "assets/style.0123456789.css",
                "img/x.png",
                "a/index.html",
                "nav.json"
            ]
        );
        assert!(plan.uploads.iter().all(|u| u.reason == Reason::New));
        assert_eq!(plan.upload_bytes(), 40);
    }

    #[test]
    fn matching_etags_are_skipped_and_others_changed() {
        let local = [file("index.html", "aa"), file("b.html", "bb")];
        let remote = BTreeMap::from([
            ("index.html".to_string(), object("aa")),
            ("b.html".to_string(), object("old")),
        ]);
        let plan = make_plan(&local, &remote, None, false);
        assert_eq!(rels(&plan), ["b.html"]);
        assert_eq!(plan.uploads[0].reason, Reason::Changed);
        assert_eq!(plan.skips.len(), 1);
    }

    #[test]
    fn the_manifest_vouches_for_hosts_whose_etag_is_not_the_md5() {
        let local = [file("index.html", "aa")];
        let remote = BTreeMap::from([("index.html".to_string(), object("kms-1"))]);
        let mut manifest = Manifest::new();
        manifest
            .files
            .insert("index.html".into(), entry("index.html", "aa", "kms-1"));
        let plan = make_plan(&local, &remote, Some(&manifest), false);
        assert!(plan.uploads.is_empty());
        assert_eq!(plan.manifest_of_skips().files["index.html"].etag, "kms-1");
    }

    #[test]
    fn a_stale_manifest_entry_does_not_hide_an_object_replaced_since() {
        // The manifest says index.html is "aa" with ETag kms-1; an interrupted deploy replaced
        // the object (ETag kms-2) with content that is neither the manifest's nor the local one.
        let local = [file("index.html", "aa")];
        let remote = BTreeMap::from([("index.html".to_string(), object("kms-2"))]);
        let mut manifest = Manifest::new();
        manifest
            .files
            .insert("index.html".into(), entry("index.html", "aa", "kms-1"));
        let plan = make_plan(&local, &remote, Some(&manifest), false);
        assert_eq!(rels(&plan), ["index.html"]);
    }

    #[test]
    fn a_manifest_entry_for_an_older_version_does_not_force_a_reupload() {
        // An interrupted deploy uploaded the new version (ETag = its MD5) but not the manifest.
        let local = [file("index.html", "new")];
        let remote = BTreeMap::from([("index.html".to_string(), object("new"))]);
        let mut manifest = Manifest::new();
        manifest
            .files
            .insert("index.html".into(), entry("index.html", "old", "old"));
        let plan = make_plan(&local, &remote, Some(&manifest), false);
        assert!(plan.uploads.is_empty());
    }

    #[test]
    fn changed_headers_or_size_force_an_upload() {
        let local = [file("index.html", "aa")];
        let remote = BTreeMap::from([("index.html".to_string(), object("aa"))]);
        let mut manifest = Manifest::new();
        let mut e = entry("index.html", "aa", "aa");
        e.cache_control = "no-cache".into();
        manifest.files.insert("index.html".into(), e);
        assert_eq!(
            rels(&make_plan(&local, &remote, Some(&manifest), false)),
            ["index.html"]
        );

        let bigger = BTreeMap::from([(
            "index.html".to_string(),
            RemoteObject {
                size: 11,
                etag: Some("aa".into()),
            },
        )]);
        assert_eq!(
            rels(&make_plan(&local, &bigger, None, false)),
            ["index.html"]
        );
    }

    #[test]
    fn objects_the_output_no_longer_has_are_stale_but_not_the_manifest() {
        let local = [file("index.html", "aa")];
        let remote = BTreeMap::from([
            ("index.html".to_string(), object("aa")),
            ("old/index.html".to_string(), object("x")),
            (MANIFEST_NAME.to_string(), object("m")),
        ]);
        let plan = make_plan(&local, &remote, None, true);
        assert_eq!(
            plan.stale,
            [Stale {
                rel: "old/index.html".into(),
                size: 10
            }]
        );
        assert!(plan.delete);
    }
}
