//! What `serve` and `build --watch` report, shown on the console.

use carnet::report::render_human;

/// What `serve` and `build --watch` tell the user, on the console: findings and warnings on
/// stderr, progress on stdout.
pub struct ConsoleEvents;

impl carnet::serve::Events for ConsoleEvents {
    fn diagnostics(&self, diagnostics: &[carnet::diagnostic::Diagnostic]) {
        for diagnostic in diagnostics {
            eprintln!("{}\n", render_human(diagnostic, false));
        }
    }

    fn exposed(&self, bind: std::net::IpAddr) {
        eprintln!(
            "warning: serving on {bind} — other machines on the network can read this site; they must call it by this address{} (--allowed-host NAME adds a name)",
            if bind.is_unspecified() {
                ", which 0.0.0.0 is not: use --allowed-host"
            } else {
                ""
            }
        );
    }

    fn polling(&self, note: &str) {
        println!("{note}");
    }

    fn serving(&self, site: &std::path::Path, url: &str, pages: usize) {
        crate::allocator::purge_at_once();
        println!(
            "serving {} at {url} ({pages} pages; Ctrl-C to stop)",
            site.display()
        );
    }

    fn watching(&self, site: &std::path::Path) {
        crate::allocator::purge_at_once();
        println!("watching {} (Ctrl-C to stop)", site.display());
    }

    fn rebuilt(&self, rebuild: &carnet::serve::Rebuild) {
        let line = format!(
            "rebuilt {} page{} in {} ms",
            rebuild.pages,
            if rebuild.pages == 1 { "" } else { "s" },
            rebuild.took.as_millis()
        );
        match rebuild.written {
            None => println!("{line}"),
            Some(written) if written.in_sync => println!(
                "{line}; wrote {} file{}, removed {}",
                written.files,
                if written.files == 1 { "" } else { "s" },
                written.removed
            ),
            Some(_) => println!("{line}; not written: fix the errors above"),
        }
    }

    fn rebuild_failed(&self, mode: carnet::serve::Mode) {
        match mode {
            carnet::serve::Mode::Serve => {
                println!("rebuild failed: still serving the last good version")
            }
            carnet::serve::Mode::Watch => println!("rebuild failed: the output is left as it was"),
        }
    }

    fn browser_unavailable(&self, url: &str) {
        eprintln!("could not open a browser: open {url} yourself");
    }

    fn stopped(&self) {
        println!("stopped");
    }
}
