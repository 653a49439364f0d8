//! The whole-site test harness: copy a fixture site (`tests/fixtures/<case>/`) or a handful of
//! files into a temporary folder, build it with the library, and read the output as parsed HTML.
#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};

use carnet::build::{BuildOptions, BuildReport, build};
use carnet::diagnostic::{Diagnostic, Severity};
use scraper::{ElementRef, Html, Selector};
use tempfile::TempDir;

/// A site built into a temporary folder.
pub struct Built {
    pub tmp: TempDir,
    pub site: PathBuf,
    pub out: PathBuf,
    pub report: BuildReport,
}

pub fn fixture_path(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
}

/// Copies `tests/fixtures/<case>/` into a fresh temporary folder.
pub fn copy_fixture(case: &str) -> TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture_path(case), tmp.path());
    tmp
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("fixture entry");
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy file");
        }
    }
}

/// Writes `files` (path, contents) into a fresh temporary folder.
pub fn site_with(files: &[(&str, &str)]) -> TempDir {
    site_from(files.iter().copied())
}

/// [`site_with`] for files a test generates (owned paths and contents).
pub fn site_with_owned(files: &[(String, String)]) -> TempDir {
    site_from(
        files
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
}

fn site_from<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    for (path, contents) in files {
        write(tmp.path(), path, contents.as_bytes());
    }
    tmp
}

pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
    std::fs::write(path, bytes).expect("write file");
}

/// Writes into `site` a copy of the default theme's page template with one attribute added to
/// its `<article>`: a theme change that alters every page, for the cache tests.
pub fn mark_page_template(site: &Path) {
    let page = include_str!("../../../themes/default/templates/page.html");
    let marked = page.replacen(
        "<article class=\"page\">",
        "<article class=\"page\" data-marque=\"1\">",
        1,
    );
    assert_ne!(page, marked, "the template has the tag the test marks");
    write(
        site,
        "themes/default/templates/page.html",
        marked.as_bytes(),
    );
}

pub fn options(site: &Path) -> BuildOptions {
    BuildOptions {
        site_dir: site.to_path_buf(),
        ..BuildOptions::default()
    }
}

/// Builds the site in `tmp` with default options.
pub fn build_tmp(tmp: TempDir) -> Built {
    let opts = options(tmp.path());
    build_tmp_with(tmp, opts)
}

pub fn build_tmp_with(tmp: TempDir, opts: BuildOptions) -> Built {
    let report = build(&opts);
    let out = report
        .output_dir
        .clone()
        .unwrap_or_else(|| tmp.path().join("public"));
    Built {
        site: tmp.path().to_path_buf(),
        tmp,
        out,
        report,
    }
}

pub fn build_fixture(case: &str) -> Built {
    build_tmp(copy_fixture(case))
}

impl Built {
    /// The page at site URL `url` (`""` for the home page, `guide/` for a folder page).
    pub fn page(&self, url: &str) -> Html {
        let path = self.out.join(url).join("index.html");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Html::parse_document(&text)
    }

    pub fn file(&self, rel: &str) -> String {
        let path = self.out.join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).exists()
    }

    /// Diagnostics with `code`.
    pub fn with_code(&self, code: &str) -> Vec<&Diagnostic> {
        self.report
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .collect()
    }

    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    /// Fails with every diagnostic shown when the build had errors.
    pub fn assert_no_errors(&self) {
        let errors = self.errors();
        assert!(errors.is_empty(), "unexpected errors:\n{}", list(&errors));
        assert!(self.report.written, "output not written");
    }
}

pub fn list(diagnostics: &[&Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("  {d}\n")).collect()
}

pub fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
    html.select(&selector).collect()
}

pub fn select_one<'a>(html: &'a Html, css: &str) -> ElementRef<'a> {
    let found = select(html, css);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one `{css}`, found {}",
        found.len()
    );
    found[0]
}

pub fn text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn attr<'a>(element: ElementRef<'a>, name: &str) -> &'a str {
    element
        .value()
        .attr(name)
        .unwrap_or_else(|| panic!("no `{name}` on {:?}", element.value()))
}

/// The `href` of the link whose text is exactly `label` in the page's content (headings' links
/// to themselves aside).
pub fn link_href(html: &Html, label: &str) -> String {
    let links: Vec<_> = select(html, ".content a")
        .into_iter()
        .filter(|a| text(*a) == label)
        .filter(|a| {
            let in_heading = a.parent().and_then(ElementRef::wrap).is_some_and(|p| {
                matches!(p.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
            });
            !(in_heading && attr(*a, "href").starts_with('#'))
        })
        .collect();
    assert_eq!(
        links.len(),
        1,
        "expected one link `{label}`, found {}",
        links.len()
    );
    attr(links[0], "href").to_string()
}

/// Every file under `dir` (output-relative path with `/` → bytes), for comparing whole outputs.
pub fn tree_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            (rel, std::fs::read(entry.path()).unwrap_or_default())
        })
        .collect()
}

/// What a clean `carnet build` of the site as it is now writes: the site (but its output
/// folder, which a watcher may be writing to, and its build cache: clean means from nothing) is
/// copied first, so the original is left alone.
pub fn clean_build_files(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().expect("temp dir");
    let output = site.join("public");
    for entry in walkdir::WalkDir::new(site)
        .into_iter()
        .filter_entry(|e| {
            e.path() != output
                && e.file_name() != ".carnet-cache"
                && !e.file_name().to_string_lossy().contains(".carnet-tmp-")
        })
        .flatten()
    {
        let rel = entry.path().strip_prefix(site).expect("inside the site");
        let dest = copy.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy file");
        }
    }
    let built = build_tmp(copy);
    assert!(
        built.report.written,
        "the clean build failed: {}",
        list(&built.report.diagnostics.iter().collect::<Vec<_>>())
    );
    // The marker says whose folder it is; it is not part of the site a server shows.
    let mut files = tree_files(&built.out);
    files.remove(carnet::output::MARKER);
    files
}

/// Sends SIGINT (what Ctrl-C sends) and waits up to `limit` for the process to end: its exit
/// status, or `None` if it still runs.
pub fn interrupt(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> Option<std::process::ExitStatus> {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(sent, "kill -INT failed");
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    None
}
