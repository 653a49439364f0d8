//! Paths every stage shares, below all of them: how a link's path is joined, rebased, decoded
//! and told apart from an external URL.

mod relative;

pub use relative::{decode_path, is_external, join_clamped, join_path, parent_dir, rebase_path};
