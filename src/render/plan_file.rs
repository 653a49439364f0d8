//! The output plan written into the output: `.carnet-output`, at its root, lists every file the
//! build wrote with what it is (`page`, `page-markdown`, `navigation`, `asset`…).
//!
//! `carnet deploy` reads the output, not the sources: this file tells it what each file is
//! without guessing from names (a space's `nav.json` is a list of pages like the root's, an
//! `.md` is a page's text, `llms.txt` a list of pages), so content types, cache lifetimes and
//! upload order come from the job that made the file. It is also what marks a folder as
//! carnet's output. An output without it (an older build) is classified by file name.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The file's name, at the root of the output.
pub const PLAN_FILE: &str = ".carnet-output";

/// Version of the format below; a file of another version is not read (names decide).
const FORMAT: u32 = 1;

const ABOUT: &str = "This folder is the output of carnet: `carnet build` replaces all of it on every build. `files` says what each file is, for `carnet deploy`.";

/// What an output file is, as the job that made it says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputKind {
    Page,
    PageMarkdown,
    /// A file of the sources, copied.
    Asset,
    /// The theme's CSS, JavaScript and vendored libraries (content-hashed names).
    Theme,
    /// A space's `nav.json`.
    Navigation,
    /// The HTML page of an old URL.
    Redirect,
    Robots,
    Sitemap,
    /// `_redirects`.
    Redirects,
    SpacesHome,
    NotFound,
    Llms,
    LlmsFull,
    /// A file of the search index.
    Search,
}

impl OutputKind {
    /// Pages and what lists pages or leads to them: published after everything they refer to.
    pub fn is_page_like(self) -> bool {
        !matches!(
            self,
            OutputKind::Asset | OutputKind::Theme | OutputKind::Search
        )
    }
}

/// The contents of [`PLAN_FILE`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFile {
    /// What the file is, for whoever opens the folder.
    pub carnet: String,
    pub format: u32,
    /// Output path → what it is.
    pub files: BTreeMap<String, OutputKind>,
}

impl PlanFile {
    /// The file listing `files` (output path, what it is).
    pub fn new(files: impl IntoIterator<Item = (String, OutputKind)>) -> PlanFile {
        PlanFile {
            carnet: ABOUT.to_string(),
            format: FORMAT,
            files: files.into_iter().collect(),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("strings and names serialize");
        bytes.push(b'\n');
        bytes
    }

    /// The plan file of the output folder `dir`; `None` when it has none, or one this version
    /// of carnet cannot read (file names then decide, which is never worse than before it).
    pub fn read(dir: &Path) -> Option<PlanFile> {
        let bytes = std::fs::read(dir.join(PLAN_FILE)).ok()?;
        serde_json::from_slice::<PlanFile>(&bytes)
            .ok()
            .filter(|file| file.format == FORMAT)
    }

    /// What the file at `path` is.
    pub fn kind(&self, path: &str) -> Option<OutputKind> {
        self.files.get(path).copied()
    }
}
