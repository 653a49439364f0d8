//! What `carnet serve` and `carnet build --watch` tell their user, as values: the library never
//! prints; the command line implements [`Events`] (as `deploy::Progress` for deploys).

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use crate::diagnostic::Diagnostic;

/// Told what happens while serving or watching; every method does nothing by default.
pub trait Events: Send + Sync {
    /// Findings to show: the first build's, then each rebuild's errors and the warnings of the
    /// files it looked at again.
    fn diagnostics(&self, _diagnostics: &[Diagnostic]) {}
    /// The server listens on an address other machines can reach.
    fn exposed(&self, _bind: IpAddr) {}
    /// Saves are found by polling (native events are unavailable or were not asked for).
    fn polling(&self, _note: &str) {}
    /// The server is up, and watching: a save from now on is never missed.
    fn serving(&self, _site: &Path, _url: &str, _pages: usize) {}
    /// `build --watch`: the first build is done and saves are watched.
    fn watching(&self, _site: &Path) {}
    /// A save was rebuilt (and, for `build --watch`, written or not).
    fn rebuilt(&self, _rebuild: &Rebuild) {}
    /// A save could not be rebuilt: the last good version stays (served, or on disk).
    fn rebuild_failed(&self, _mode: Mode) {}
    /// `--open`: no browser could be started.
    fn browser_unavailable(&self, _url: &str) {}
    /// Ctrl-C (or SIGTERM) was honoured.
    fn stopped(&self) {}
}

/// Which command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Watch,
}

/// What one save cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rebuild {
    /// Pages read and parsed again.
    pub pages: usize,
    pub took: Duration,
    /// `build --watch`: what was written (`None` while serving).
    pub written: Option<Written>,
}

/// What a `build --watch` rebuild did to the output folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// The output matches the sources (false: errors, nothing written).
    pub in_sync: bool,
    pub files: usize,
    pub removed: usize,
}

/// Tells nothing, for tests and library callers.
pub struct Quiet;

impl Events for Quiet {}
