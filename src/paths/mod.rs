//! Paths every stage shares, below all of them: how a link's path is joined, rebased, decoded
//! and told apart from an external URL, and what keeps a build inside its folders.
//!
//! [`confine`] — every path read from content or configuration resolves (symlinks included)
//! inside the site folder; [`normalise`] — every path written is a plain relative path inside the
//! output folder; [`temp`] — what a killed run left aside is found and removed by the next;
//! [`scheme`] — URLs that run script. The promise and its limits are stated in `SECURITY.md`;
//! this is the one place that keeps it.

pub mod confine;
pub mod normalise;
mod relative;
pub mod scheme;
pub mod temp;

pub use confine::{Escape, SiteRoot, outside_warning};
pub use normalise::{Unwritable, output_path, url_path};
pub use relative::{decode_path, is_external, join_clamped, join_path, parent_dir, rebase_path};
pub use scheme::script_scheme;
