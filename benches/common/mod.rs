//! What the benchmarks share: where the corpus generator is, and the files under a folder.
//! Each bench includes this file (`#[path]`) and uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `gen_corpus.py`: `CARNET_CORPUS_GEN`, else the shared tools beside the repository. Exits with
/// a message naming the variable when it is not there: no corpus, no benchmark.
pub fn corpus_generator() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generator = std::env::var_os("CARNET_CORPUS_GEN")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared/tools/gen_corpus.py"));
    if !generator.exists() {
        eprintln!(
            "corpus generator not found at {} (set CARNET_CORPUS_GEN)",
            generator.display()
        );
        std::process::exit(1);
    }
    generator
}

/// Every file under `dir` (links not followed into folders they name twice: a plain walk).
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}
