//! `carnet deploy`: publishing a built site to S3-compatible storage, changed files only, in an
//! order that never shows readers a broken site.
//!
//! The deploy builds nothing: it scans the output folder `carnet build` wrote (`local`), lists
//! the bucket and reads carnet's manifest there (`remote`, `manifest`), compares them into a plan
//! (`plan`: upload, skip, delete), and carries it out (`upload`): new and changed assets, then
//! pages, then the manifest, then, with `--delete`, the objects the site no longer has. Headers
//! come from `headers`, credentials from the environment or a profile (`credentials`).
//!
//! Nothing here prints; a [`Progress`] is told what happens and the caller decides how to show it
//! (the command line's is `cli/deploy.rs`, beside `main.rs`).

pub mod credentials;
pub mod headers;
pub mod local;
pub mod manifest;
pub mod plan;
pub mod remote;
pub mod target;
pub mod upload;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use credentials::{Env, process_env};
pub use plan::Plan;
pub use remote::Connection;
pub use target::{Target, parse_target};

use crate::config::{Overrides, load_config};

/// What to deploy where.
#[derive(Clone, Debug)]
pub struct DeployOptions {
    pub target: Target,
    /// The built site (see [`resolve_output_dir`]).
    pub output_dir: PathBuf,
    pub connection: Connection,
    /// Print the plan, touch nothing.
    pub dry_run: bool,
    /// Delete objects under the prefix that the output no longer has.
    pub delete: bool,
    /// Requests in flight at once.
    pub jobs: usize,
}

/// What a deploy did (or, with `--dry-run`, would do).
#[derive(Clone, Debug)]
pub struct DeployReport {
    pub plan: Plan,
    pub dry_run: bool,
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub deleted: usize,
    pub elapsed: Duration,
}

/// Why a deploy stopped: the object concerned (when there is one) and a cause a user can act on.
#[derive(Clone, Debug)]
pub struct DeployError {
    /// The object key, or the bucket URL for listing.
    pub key: Option<String>,
    pub kind: ErrorKind,
    pub message: String,
}

/// The causes a deploy tells apart, because each calls for a different fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command was wrong: no built site, no credentials, a bad endpoint.
    Usage,
    /// A local file could not be read.
    Local,
    /// The host does not accept the credentials (unknown key, wrong secret, expired token).
    CredentialsRefused,
    /// The credentials are valid but may not do this.
    AccessDenied,
    NoSuchBucket,
    /// Connection refused, DNS failure, timeout.
    Unreachable,
    /// Any other answer from the host.
    Remote,
}

impl DeployError {
    pub fn usage(message: impl Into<String>) -> Self {
        DeployError {
            key: None,
            kind: ErrorKind::Usage,
            message: message.into(),
        }
    }
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(key) => write!(f, "{key}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DeployError {}

/// Told about each step as it completes; methods do nothing by default.
pub trait Progress: Sync {
    /// The plan is known and about to be carried out (not called for dry runs).
    fn planned(&self, _plan: &Plan) {}
    fn uploaded(&self, _rel: &str, _size: u64) {}
    fn deleted(&self, _rel: &str) {}
    /// The deploy ended, successfully or not.
    fn finished(&self) {}
}

/// A [`Progress`] that shows nothing, for tests and library callers.
pub struct Silent;

impl Progress for Silent {}

/// The output folder of the site in `site_dir`, as `carnet build` resolves it (`-o OUT`, else
/// `output_dir` of carnet.yaml, else `SITE/public`), so both commands agree without repeating it.
pub fn resolve_output_dir(
    site_dir: &Path,
    output: Option<PathBuf>,
) -> Result<PathBuf, DeployError> {
    if let Some(output) = output {
        return Ok(output);
    }
    let overrides = Overrides::default();
    match load_config(site_dir, &overrides) {
        Ok((config, _)) => Ok(config.output_dir),
        Err(errors) => {
            let messages: Vec<_> = errors.iter().map(|d| d.message.clone()).collect();
            Err(DeployError::usage(format!(
                "cannot find the output folder: {}",
                messages.join("; ")
            )))
        }
    }
}

/// Deploys `options.output_dir` to `options.target` with the credentials `env` holds.
pub fn deploy(
    options: &DeployOptions,
    env: &Env,
    progress: &dyn Progress,
) -> Result<DeployReport, DeployError> {
    let started = Instant::now();
    local::check_output_dir(&options.output_dir).map_err(DeployError::usage)?;
    let credentials = credentials::find_credentials(env).map_err(DeployError::usage)?;
    let files = local::scan_output(&options.output_dir).map_err(|message| DeployError {
        key: None,
        kind: ErrorKind::Local,
        message,
    })?;
    crate::net::install_tls_provider();
    let remote = remote::Remote::connect(&options.target, &options.connection, &credentials, env)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| DeployError {
            key: None,
            kind: ErrorKind::Local,
            message: format!("cannot start the network runtime: {err}"),
        })?;
    let result = runtime.block_on(async {
        let listing = remote.list().await?;
        let manifest = remote.read_manifest().await?;
        let plan = plan::make_plan(&files, &listing, manifest.as_ref(), options.delete);
        if options.dry_run {
            return Ok((plan, upload::Done::default()));
        }
        progress.planned(&plan);
        let done =
            upload::execute(&remote, &plan, manifest.as_ref(), options.jobs, progress).await?;
        Ok((plan, done))
    });
    progress.finished();
    let (plan, done) = result?;
    Ok(DeployReport {
        plan,
        dry_run: options.dry_run,
        uploaded: done.uploaded,
        uploaded_bytes: done.uploaded_bytes,
        deleted: done.deleted,
        elapsed: started.elapsed(),
    })
}
