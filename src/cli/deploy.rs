//! How a deploy looks on a console: a progress bar on a terminal, one plain line per object
//! elsewhere (CI logs keep lines, not redraws), the plan for `--dry-run`, and a summary.
//!
//! The deploy itself never prints: it reports to the [`Progress`] it is handed, this
//! [`ConsoleProgress`] on the command line.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

use carnet::deploy::plan::{Plan, Reason};
use carnet::deploy::{DeployReport, Progress, Target};

/// Shows progress on stderr.
pub struct ConsoleProgress {
    /// Draw a bar (a terminal) rather than lines.
    bar_wanted: bool,
    /// Created when the plan is known and there is something to do.
    bar: OnceLock<ProgressBar>,
    /// Files uploaded so far and planned, for the bar's message (its position counts bytes).
    files_done: AtomicUsize,
    files_total: AtomicUsize,
}

impl ConsoleProgress {
    pub fn new(terminal: bool) -> Self {
        ConsoleProgress {
            bar_wanted: terminal,
            bar: OnceLock::new(),
            files_done: AtomicUsize::new(0),
            files_total: AtomicUsize::new(0),
        }
    }

    fn line(&self, text: &str) {
        match self.bar.get() {
            Some(bar) => bar.println(text),
            None => {
                let _ = writeln!(std::io::stderr(), "{text}");
            }
        }
    }
}

impl Progress for ConsoleProgress {
    fn planned(&self, plan: &Plan) {
        let total = plan.upload_bytes();
        if self.bar_wanted && !plan.uploads.is_empty() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {wide_msg}");
            if let Ok(style) = style {
                bar.set_style(style);
            }
            self.files_total
                .store(plan.uploads.len(), Ordering::Relaxed);
            let _ = self.bar.set(bar);
        }
    }

    fn uploaded(&self, rel: &str, size: u64) {
        match self.bar.get() {
            Some(bar) => {
                let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
                let total = self.files_total.load(Ordering::Relaxed);
                bar.inc(size);
                bar.set_message(format!("{done}/{total} files  {rel}"));
            }
            None => self.line(&format!("uploaded  {rel} ({})", HumanBytes(size))),
        }
    }

    fn deleted(&self, rel: &str) {
        self.line(&format!("deleted   {rel}"));
    }

    fn finished(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

/// The plan, one line per object, then totals: what `--dry-run` prints.
pub fn render_plan(plan: &Plan, target: &Target) -> String {
    let mut out = String::new();
    for upload in &plan.uploads {
        let reason = match upload.reason {
            Reason::New => "new",
            Reason::Changed => "changed",
        };
        let _ = writeln!(
            out,
            "upload  {reason:<7} {:>10}  {}",
            HumanBytes(upload.file.size).to_string(),
            target.key(&upload.file.rel)
        );
    }
    for skip in &plan.skips {
        let _ = writeln!(
            out,
            "skip    {:<7} {:>10}  {}",
            "same",
            HumanBytes(skip.file.size).to_string(),
            target.key(&skip.file.rel)
        );
    }
    let verb = if plan.delete { "delete" } else { "stale " };
    for stale in &plan.stale {
        let _ = writeln!(
            out,
            "{verb}  {:<7} {:>10}  {}",
            if plan.delete { "" } else { "kept" },
            HumanBytes(stale.size).to_string(),
            target.key(&stale.rel)
        );
    }
    let _ = write!(out, "{}", plan_totals(plan));
    out
}

/// `upload 3 files (4.6 KiB), skip 10 (56 KiB), delete 1 (1.0 KiB)`.
pub fn plan_totals(plan: &Plan) -> String {
    let stale = if plan.delete {
        format!(
            "delete {} ({})",
            plan.stale.len(),
            HumanBytes(plan.stale_bytes())
        )
    } else {
        format!("{} stale kept (--delete removes them)", plan.stale.len())
    };
    format!(
        "upload {} ({}), skip {} ({}), {stale}",
        plan.uploads.len(),
        HumanBytes(plan.upload_bytes()),
        plan.skips.len(),
        HumanBytes(plan.skip_bytes()),
    )
}

/// The last line of a deploy.
pub fn summary_line(report: &DeployReport, target: &Target) -> String {
    if report.dry_run {
        return format!("dry run: nothing sent to {target}");
    }
    format!(
        "deployed to {target} in {:.1} s: {} uploaded ({}), {} unchanged, {} deleted",
        report.elapsed.as_secs_f64(),
        report.uploaded,
        HumanBytes(report.uploaded_bytes),
        report.plan.skips.len(),
        report.deleted,
    )
}
