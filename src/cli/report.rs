//! A build's findings on the console: for people on stderr (with source excerpts), or for
//! machines on stdout (JSON lines, GitHub workflow commands, a GitLab report); then the summary
//! line and, when asked, the time of each phase.

use std::io::{IsTerminal, Write};

use carnet::build::BuildReport;
use carnet::diagnostic::Severity;
use carnet::report::{github_command, gitlab_report, json_line, render_human, summary_line};

use crate::{Format, SiteArgs};

pub fn print_report(report: &BuildReport, args: &SiteArgs, check_only: bool) {
    let shown: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| !args.quiet || d.severity == Severity::Error)
        .collect();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    match args.format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            for diagnostic in &shown {
                let _ = writeln!(stderr, "{}\n", render_human(diagnostic, color));
            }
        }
        Format::Json => shown
            .iter()
            .for_each(|d| drop(writeln!(stdout, "{}", json_line(d)))),
        Format::Github => shown
            .iter()
            .for_each(|d| drop(writeln!(stdout, "{}", github_command(d)))),
        Format::Gitlab => {
            let owned: Vec<_> = shown.iter().map(|d| (*d).clone()).collect();
            let _ = writeln!(stdout, "{}", gitlab_report(&owned));
        }
    }
    if !args.quiet || !report.succeeded() {
        let line = summary_line(
            report.pages,
            report.tally(),
            report.elapsed,
            report.output_dir.as_deref(),
            report.written,
            check_only,
        );
        let _ = writeln!(stderr, "{line}");
    }
    if args.timings {
        let phases: Vec<String> = report
            .phases
            .iter()
            .map(|(name, took)| format!("{name} {:.3} s", took.as_secs_f64()))
            .collect();
        let _ = writeln!(stderr, "phases: {}", phases.join(", "));
    }
}
