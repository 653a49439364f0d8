//! Carrying out a plan: uploads in phases, then the manifest, then deletions.
//!
//! Each phase runs a bounded number of requests at once and starts only when the previous phase
//! has completely succeeded, so at every moment the bucket holds a site whose pages find their
//! assets. The first failure stops the deploy before the manifest is written: the next run
//! compares against what the bucket really holds and finishes the job.

use std::time::Duration;

use futures_util::{StreamExt, stream};

use super::local::md5_hex;
use super::manifest::{MANIFEST_NAME, Manifest, ManifestEntry};
use super::plan::{Phase, Plan, Upload};
use super::remote::Remote;
use super::{DeployError, ErrorKind, Progress};

/// What was done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Done {
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub deleted: usize,
}

/// For the test suite only: after this many uploads the process stops making progress (as if
/// the machine froze), so a test can kill it at a known point of a deploy.
const PAUSE_HOOK: &str = "CARNET_TEST_PAUSE_AFTER_UPLOADS";

/// Runs `plan` against `remote` with at most `jobs` requests at once. `previous` is the manifest
/// the bucket holds: when nothing changed, it is not written again, so an up-to-date site costs
/// a listing and one read.
pub async fn execute(
    remote: &Remote,
    plan: &Plan,
    previous: Option<&Manifest>,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<Done, DeployError> {
    let pause_after: Option<usize> = std::env::var(PAUSE_HOOK).ok().and_then(|v| v.parse().ok());
    let mut manifest = plan.manifest_of_skips();
    let mut done = Done::default();
    for phase in [Phase::Assets, Phase::Pages] {
        let uploads = plan.uploads.iter().filter(|u| u.phase == phase);
        let mut results = stream::iter(uploads)
            .map(|upload| upload_one(remote, upload))
            .buffer_unordered(jobs.max(1));
        while let Some(result) = results.next().await {
            let (rel, entry) = result?;
            done.uploaded += 1;
            done.uploaded_bytes += entry.size;
            progress.uploaded(&rel, entry.size);
            manifest.files.insert(rel, entry);
            if pause_after == Some(done.uploaded) {
                loop {
                    std::thread::sleep(Duration::from_secs(3600));
                }
            }
        }
    }
    // Only now does the bucket hold everything the manifest will claim.
    if previous != Some(&manifest) {
        remote
            .put(
                MANIFEST_NAME,
                manifest.to_bytes(),
                "application/json; charset=utf-8",
                "no-cache",
            )
            .await?;
    }
    if plan.delete {
        let mut results = stream::iter(&plan.stale)
            .map(|stale| async move { remote.delete(&stale.rel).await.map(|()| &stale.rel) })
            .buffer_unordered(jobs.max(1));
        while let Some(result) = results.next().await {
            progress.deleted(result?);
            done.deleted += 1;
        }
    }
    Ok(done)
}

/// Reads and uploads one file. The manifest records the bytes actually sent (hashed again here),
/// so a file rewritten since the scan cannot leave a manifest that lies.
async fn upload_one(
    remote: &Remote,
    upload: &Upload,
) -> Result<(String, ManifestEntry), DeployError> {
    let rel = &upload.file.rel;
    let bytes = std::fs::read(&upload.file.path).map_err(|err| DeployError {
        key: Some(rel.clone()),
        kind: ErrorKind::Local,
        message: format!("cannot read {}: {err}", upload.file.path.display()),
    })?;
    let md5 = md5_hex(&bytes);
    let size = bytes.len() as u64;
    let etag = remote
        .put(rel, bytes, &upload.content_type, upload.cache_control)
        .await?;
    Ok((
        rel.clone(),
        ManifestEntry {
            md5,
            size,
            etag,
            content_type: upload.content_type.clone(),
            cache_control: upload.cache_control.to_string(),
        },
    ))
}
