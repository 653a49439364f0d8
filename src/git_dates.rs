//! "Last updated" dates (`last_updated: git`): for each page, the time of the last commit that
//! touched its source, read from the repository with gix in one walk of the history.
//!
//! One walk, not one `git log -1 -- path` per page: every commit's content folder is compared
//! with its parent's (skipped at once when the folder's tree is the same object), and each path a
//! commit changed takes that commit's time if it is the latest seen. The dates depend on the
//! commit checked out only, never on the clock or on file times, so a build stays reproducible.
//!
//! Merge commits are not read: a change is dated by the commit that made it on its branch. In a
//! shallow clone, the oldest commits fetched look as if they added every file; a page whose only
//! change is there gets no date (a date would be wrong) and the build warns, naming the fix.

use std::collections::HashSet;
use std::path::Path;

use rustc_hash::FxHashMap;

use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostic::Diagnostic;

/// The time of the last commit that touched each page source (content-relative path), in
/// seconds since the Unix epoch (the committer's time).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageDates {
    by_source: FxHashMap<String, i64>,
}

impl PageDates {
    pub fn get(&self, source: &str) -> Option<i64> {
        self.by_source.get(source).copied()
    }
}

/// Reads the dates of `sources` (paths relative to `content_dir`). Problems are warnings: pages
/// then show no date, and the build goes on.
pub fn page_dates<'a>(
    config: &SiteConfig,
    sources: impl IntoIterator<Item = &'a str>,
) -> (PageDates, Vec<Diagnostic>) {
    let wanted: HashSet<&str> = sources.into_iter().collect();
    let config_file = config.site_dir.join(CONFIG_FILE);
    let warning = |message: String| {
        Diagnostic::warning(
            "last-updated",
            format!("last_updated: git: {message}; pages show no date"),
        )
        .in_file(config_file.clone())
    };
    match read_dates(&config.content_dir, &wanted) {
        Ok((dates, left_by_shallow)) => {
            let mut diagnostics = Vec::new();
            if left_by_shallow > 0 {
                diagnostics.push(warning(format!(
                    "the repository is a shallow clone: {left_by_shallow} page(s) changed before its oldest commit show no date; fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout)"
                )));
            }
            (dates, diagnostics)
        }
        Err(message) => (PageDates::default(), vec![warning(message)]),
    }
}

/// The dates, and how many wanted paths only a shallow clone's boundary commits touched.
fn read_dates(content_dir: &Path, wanted: &HashSet<&str>) -> Result<(PageDates, usize), String> {
    let repo = gix::discover(content_dir)
        .map_err(|_| format!("`{}` is not inside a git repository", content_dir.display()))?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| "the repository has no work tree".to_string())?;
    let prefix = content_prefix(content_dir, workdir)?;
    let head = repo
        .head_id()
        .map_err(|_| "the repository has no commit yet".to_string())?;
    let boundary: HashSet<gix::ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|commits| commits.iter().copied().collect())
        .unwrap_or_default();

    let walk = repo
        .rev_walk([head.detach()])
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            gix::traverse::commit::simple::CommitTimeOrder::NewestFirst,
        ))
        .all()
        .map_err(|e| format!("cannot walk the history: {e}"))?;
    let mut by_source: FxHashMap<String, i64> = FxHashMap::default();
    let mut shallow_only: HashSet<String> = HashSet::new();
    for info in walk {
        let info = info.map_err(|e| format!("cannot walk the history: {e}"))?;
        if info.parent_ids.len() > 1 {
            continue;
        }
        let commit = info
            .object()
            .map_err(|e| format!("cannot read commit {}: {e}", info.id))?;
        let time = match info.commit_time {
            Some(time) => time,
            None => commit.time().map(|t| t.seconds).unwrap_or_default(),
        };
        let new = content_tree(&repo, commit.tree_id().ok().map(|id| id.detach()), &prefix)?;
        // A shallow clone's oldest commits keep their parents' ids, but not the parents.
        let is_boundary = boundary.contains(&info.id);
        let parent = info.parent_ids.first().filter(|_| !is_boundary);
        let old = match parent {
            Some(parent) => {
                let parent = repo
                    .find_commit(*parent)
                    .map_err(|e| format!("cannot read commit {parent}: {e}"))?;
                content_tree(&repo, parent.tree_id().ok().map(|id| id.detach()), &prefix)?
            }
            None => None,
        };
        if old.as_ref().map(|t| t.id) == new.as_ref().map(|t| t.id) {
            continue;
        }
        let changes = repo
            .diff_tree_to_tree(old.as_ref(), new.as_ref(), gix::diff::Options::default())
            .map_err(|e| format!("cannot compare commit {} with its parent: {e}", info.id))?;
        for change in changes {
            let location = change.location().to_string();
            if !wanted.contains(location.as_str()) {
                continue;
            }
            if is_boundary {
                if !by_source.contains_key(&location) {
                    shallow_only.insert(location);
                }
                continue;
            }
            shallow_only.remove(&location);
            let latest = by_source.entry(location).or_insert(time);
            *latest = (*latest).max(time);
        }
    }
    Ok((PageDates { by_source }, shallow_only.len()))
}

/// The content folder's path inside the work tree, with `/` separators ("" for the root).
fn content_prefix(content_dir: &Path, workdir: &Path) -> Result<String, String> {
    let canonical = |p: &Path| {
        p.canonicalize()
            .map_err(|e| format!("cannot resolve `{}`: {e}", p.display()))
    };
    let content = canonical(content_dir)?;
    let workdir = canonical(workdir)?;
    let relative = content
        .strip_prefix(&workdir)
        .map_err(|_| "the content folder is outside the repository's work tree".to_string())?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

/// The tree of the content folder in the commit whose root tree is `root` (`None`: the folder
/// does not exist there).
fn content_tree<'r>(
    repo: &'r gix::Repository,
    root: Option<gix::ObjectId>,
    prefix: &str,
) -> Result<Option<gix::Tree<'r>>, String> {
    let Some(root) = root else { return Ok(None) };
    let tree = repo
        .find_tree(root)
        .map_err(|e| format!("cannot read tree {root}: {e}"))?;
    if prefix.is_empty() {
        return Ok(Some(tree));
    }
    let entry = tree
        .lookup_entry_by_path(prefix)
        .map_err(|e| format!("cannot read tree {root}: {e}"))?;
    match entry {
        Some(entry) if entry.mode().is_tree() => repo
            .find_tree(entry.object_id())
            .map(Some)
            .map_err(|e| format!("cannot read tree of `{prefix}`: {e}")),
        _ => Ok(None),
    }
}

/// `2024-05-01T12:00:00Z`, for `datetime` attributes and the sitemap.
pub fn iso_datetime(seconds: i64) -> String {
    let (year, month, day) = civil_date(seconds);
    let time = seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

/// The UTC calendar date of a Unix time (Howard Hinnant's `civil_from_days`).
pub fn civil_date(seconds: i64) -> (i64, u32, u32) {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(iso_datetime(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_datetime(1_714_564_800), "2024-05-01T12:00:00Z");
        assert_eq!(civil_date(-1), (1969, 12, 31));
    }
}
