//! How the command line shows what the library reports. The library never prints: it returns
//! values (a build's findings) and reports through traits (`serve::Events`, `deploy::Progress`);
//! these modules, with `main.rs`, are the only code that writes to the console.

pub mod deploy;
pub mod events;
pub mod report;
