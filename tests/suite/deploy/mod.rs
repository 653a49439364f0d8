//! `carnet deploy` against a real S3 server on 127.0.0.1: moto's `moto_server`, started by each
//! test on a port of its own (`.ci/run` installs it; see the README).
//!
//! Without `moto_server` these tests fail, naming what to install; `CARNET_SKIP_S3=1` skips them
//! on a machine where it cannot be installed.

mod failures;
mod harness;
mod publishing;
