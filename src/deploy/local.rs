//! The built output as a deploy sees it: every file with its size and MD5.
//!
//! MD5 because it is what S3 reports as the ETag of an object uploaded in one request, so a
//! bucket filled by an earlier deploy (or another tool) can be compared without downloading it.

use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use rayon::prelude::*;

use super::manifest::MANIFEST_NAME;
use crate::render::{OutputKind, PLAN_FILE, PlanFile};

/// One file of the output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalFile {
    /// Output-relative path with `/` separators (`guide/index.html`): the key under the prefix.
    pub rel: String,
    pub path: PathBuf,
    pub size: u64,
    /// Lower-case hex MD5 of the content.
    pub md5: String,
    /// What the build says the file is (`None` for an output without a plan file, or a file
    /// it did not write).
    pub kind: Option<OutputKind>,
}

/// Checks that `dir` is a built carnet site before anything is sent anywhere: deploying the
/// wrong folder (the sources, an empty folder) would publish garbage or, with `--delete`, wipe
/// the live site.
pub fn check_output_dir(dir: &Path) -> Result<(), String> {
    if !dir.is_dir() {
        return Err(format!(
            "`{}` does not exist or is not a folder; run `carnet build` first",
            dir.display()
        ));
    }
    if !dir.join("index.html").is_file() {
        return Err(format!(
            "`{}` has no index.html, so it is not a built site; run `carnet build` first",
            dir.display()
        ));
    }
    Ok(())
}

/// Lists and hashes every file under `dir`, sorted by path, each with what the output's plan
/// file says it is (carnet's own files, the plan file and a deploy manifest, are not the site's
/// and are left out). A file carnet cannot name as a key (a non-UTF-8 name) or cannot read is
/// an error naming it: skipping it would publish an incomplete site that looks complete.
pub fn scan_output(dir: &Path) -> Result<Vec<LocalFile>, String> {
    let plan = PlanFile::read(dir);
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|err| format!("cannot read the output folder: {err}"))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel
            .to_str()
            .ok_or_else(|| format!("`{}`: file name is not UTF-8", rel.display()))?
            .replace(std::path::MAIN_SEPARATOR, "/");
        // Carnet's own files, not the site's: the deploy manifest, the output plan and the
        // output's marker.
        if rel == MANIFEST_NAME || rel == PLAN_FILE || rel == crate::output::MARKER {
            continue;
        }
        paths.push((rel, entry.into_path()));
    }
    paths
        .into_par_iter()
        .map(|(rel, path)| {
            let bytes =
                std::fs::read(&path).map_err(|err| format!("cannot read `{rel}`: {err}"))?;
            Ok(LocalFile {
                md5: md5_hex(&bytes),
                size: bytes.len() as u64,
                kind: plan.as_ref().and_then(|plan| plan.kind(&rel)),
                rel,
                path,
            })
        })
        .collect()
}

/// Lower-case hex MD5 of `bytes`, the form S3 ETags take.
pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_the_known_digest() {
        assert_eq!(md5_hex(b"hi"), "49f68a5c8493ec2c0bf489821c21fc3b");
    }

    #[test]
    fn scan_lists_nested_files_with_slashes_and_skips_a_local_manifest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a b/c")).unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        std::fs::write(dir.path().join("a b/c/é.png"), "yy").unwrap();
        std::fs::write(dir.path().join(MANIFEST_NAME), "{}").unwrap();
        let files = scan_output(dir.path()).unwrap();
        let rels: Vec<_> = files.iter().map(|f| (f.rel.as_str(), f.size)).collect();
        assert_eq!(rels, [("a b/c/é.png", 2), ("index.html", 1)]);
        assert!(files.iter().all(|f| f.kind.is_none()), "no plan file");
    }

    #[test]
    fn the_plan_file_says_what_each_file_is_and_is_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("api")).unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        std::fs::write(dir.path().join("api/nav.json"), "[]").unwrap();
        std::fs::write(dir.path().join("extra.bin"), "?").unwrap();
        let plan = PlanFile::new([
            ("index.html".to_string(), OutputKind::Page),
            ("api/nav.json".to_string(), OutputKind::Navigation),
        ]);
        std::fs::write(dir.path().join(PLAN_FILE), plan.to_bytes()).unwrap();
        let files = scan_output(dir.path()).unwrap();
        let kinds: Vec<_> = files.iter().map(|f| (f.rel.as_str(), f.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("api/nav.json", Some(OutputKind::Navigation)),
                ("extra.bin", None),
                ("index.html", Some(OutputKind::Page)),
            ]
        );
    }

    #[test]
    fn a_folder_without_index_html_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = check_output_dir(dir.path()).unwrap_err();
        assert!(err.contains("no index.html"), "{err}");
        assert!(check_output_dir(&dir.path().join("missing")).is_err());
    }
}
