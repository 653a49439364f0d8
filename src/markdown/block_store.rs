//! The hook through which a build cache keeps highlighted code between builds.

use std::sync::Arc;

/// Where highlighted code can be kept between builds (the build cache): highlighting is most of
/// a build with code, and a block's HTML depends only on its language and its code (and on the
/// carnet binary, which the store's keys include).
pub trait BlockStore: Sync {
    /// `code` highlighted as `language`: the stored HTML, else `highlight()`'s, stored.
    fn highlighted(
        &self,
        language: &str,
        code: &str,
        highlight: &dyn Fn() -> Option<Arc<str>>,
    ) -> Option<Arc<str>>;
}
