//! `carnet serve` (watch, dev server, live reload) and `carnet build --watch` (watch, rebuild
//! to disk).
//!
//! The server renders from an in-memory snapshot of the site ([`live`]); a watcher thread
//! reloads what each save touched and swaps the snapshot; browsers are told over server-sent
//! events and reload only when the page they show changed ([`http`], `live.js`). Start, rebuild
//! and stop are [`lifecycle`]'s, Ctrl-C is [`signals`]'s, and what the user is told goes through
//! [`Events`]: nothing here prints.

pub mod connections;
pub mod events;
pub mod guard;
pub mod http;
mod lifecycle;
pub mod live;
mod llms_full;
mod loading;
pub mod mirror;
mod signals;
pub mod snapshot;
pub mod watch;

use std::net::IpAddr;
use std::time::Duration;

use crate::build::BuildOptions;

pub use events::{Events, Mode, Quiet, Rebuild, Written};
pub use lifecycle::{serve, watch_build};

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    pub open: bool,
    pub poll: bool,
    pub debounce: Duration,
    /// Names (or addresses) besides localhost and the bound address that requests may call the
    /// server by (`--allowed-host`, for LAN use with `--bind`).
    pub allowed_hosts: Vec<String>,
}
