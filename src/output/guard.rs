//! Which folder a build may replace.
//!
//! A build replaces its output folder whole, so a mistyped `-o` must not be able to replace
//! anything else: the folder is refused when it is, holds or sits inside something the build
//! reads (the site folder, the content folder, `themes/`, `.git/`, `.gitbook/`), and when it
//! is not empty but carries no [`MARKER`] (carnet did not write it) unless `--force` says to
//! replace it anyway. An output folder that is a symbolic link is built into the folder it
//! points to; the link stays a link.

use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::paths::confine::resolve_existing as resolved;
use crate::source::is_skipped_folder;

/// The file that marks a folder as carnet's output (published with it; `deploy` skips it).
pub const MARKER: &str = ".carnet-output";

pub(super) const MARKER_TEXT: &str =
    "This folder is the output of carnet: `carnet build` replaces all of it on every build.\n";

/// The folder a build writes into: `config.output_dir`, or the folder it points to when it is a
/// symbolic link. Refused with an `invalid-output` error (nothing is touched) when replacing it
/// would destroy what the build reads, or a folder carnet did not write (unless `force`).
pub fn prepare_output(config: &SiteConfig, force: bool) -> Result<PathBuf, Diagnostic> {
    let target = follow_link(&config.output_dir)?;
    if target.exists() && !target.is_dir() {
        return Err(refusal(format!(
            "the output path `{}` exists and is not a folder",
            config.output_dir.display()
        )));
    }
    check_not_read(config, &target)?;
    if !force {
        check_marker(config, &target)?;
    }
    Ok(target)
}

fn refusal(message: String) -> Diagnostic {
    Diagnostic::error("invalid-output", message)
}

/// `out`, or the folder it points to when it is a symbolic link (which must exist).
fn follow_link(out: &Path) -> Result<PathBuf, Diagnostic> {
    let is_link = std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(out.to_path_buf());
    }
    out.canonicalize().map_err(|err| {
        refusal(format!(
            "the output folder `{}` is a symbolic link to nothing that can be written ({err}); create its target or remove the link",
            out.display()
        ))
    })
}

/// Refuses an output folder that is, holds, or is inside a folder the build reads.
fn check_not_read(config: &SiteConfig, out: &Path) -> Result<(), Diagnostic> {
    let out = resolved(out);
    let site = config.root.path().to_path_buf();
    let content = resolved(&config.content_dir);
    let never_inside = [
        site.join("themes"),
        site.join(".git"),
        content.join(".git"),
        content.join(".gitbook"),
    ];
    let shown = config.output_dir.display();
    for read in [&site, &content].into_iter().chain(&never_inside) {
        if read.starts_with(&out) {
            return Err(refusal(format!(
                "the output folder `{shown}` is or holds `{}`, which the build reads; building would replace it. Choose another output folder",
                read.display()
            )));
        }
    }
    let inside = never_inside.iter().find(|read| out.starts_with(read));
    let in_content = out.strip_prefix(&content).is_ok_and(|rel| !walk_skips(rel));
    if let Some(read) = inside.or(in_content.then_some(&content)) {
        return Err(refusal(format!(
            "the output folder `{shown}` is inside `{}`, which the build reads; its output would become sources. Choose a folder outside it (`public/` is never read)",
            read.display()
        )));
    }
    Ok(())
}

/// Whether the walk of the content folder never enters the folder at `rel` (under a hidden
/// folder, `node_modules/`, or a top-level `public/` or `target/`).
fn walk_skips(rel: &Path) -> bool {
    rel.components().enumerate().any(|(depth, component)| {
        component
            .as_os_str()
            .to_str()
            .is_some_and(|name| name != ".git" && is_skipped_folder(name, depth == 0))
    })
}

/// Refuses a non-empty folder without carnet's marker.
fn check_marker(config: &SiteConfig, out: &Path) -> Result<(), Diagnostic> {
    let Ok(mut entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    let marked = std::fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file());
    if marked || entries.next().is_none() {
        return Ok(());
    }
    Err(refusal(format!(
        "the output folder `{}` is not empty and was not written by carnet (it has no `{MARKER}` file); a build replaces all of it. Choose an empty or new folder, or pass --force to replace it",
        config.output_dir.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_the_walk_skips_may_hold_the_output() {
        assert!(walk_skips(Path::new("public")));
        assert!(walk_skips(Path::new("guide/.out")));
        assert!(walk_skips(Path::new("a/node_modules/x")));
        assert!(!walk_skips(Path::new("guide/public")));
        assert!(!walk_skips(Path::new(".git/x")));
        assert!(!walk_skips(Path::new(".gitbook/x")));
    }
}
