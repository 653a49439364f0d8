//! The stage order of `DESIGN.md`, checked on the sources: a module may use the modules below it
//! in [`ORDER`], never one above it, and the files of one folder never import each other in a
//! circle. Every `crate::…` and `super::…` path of `src/**` counts, in `use` lines and inline,
//! test modules included (comments and strings do not).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules of the library, lowest first: shared ground, then the pipeline's
/// stages in the order data flows through them, then the commands built on them.
const ORDER: &[&str] = &[
    // Shared ground: what every stage needs, borrowed from no stage.
    "diagnostic",
    // The numbers that bound every input (sizes, depths, expansion), read by all below.
    "limits",
    "paths",
    "yaml",
    "html",
    "commonmark",
    "i18n",
    "highlight",
    "net",
    "report",
    // The pipeline.
    "text",
    "config",
    "source",
    // Dates of the pages' sources from git history, for render.
    "git_dates",
    "document",
    "gitbook",
    "markdown",
    // What a build keeps for the next one (fragments, highlighted code).
    "cache",
    "site",
    "search",
    "render",
    "external",
    "output",
    // Commands.
    "build",
    "serve",
    "deploy",
    "fix_encoding",
];

/// Folders whose files still import each other in a circle, each with why it is left (to be
/// emptied, not grown).
const KNOWN_CYCLES: &[(&str, &str)] = &[];

#[test]
fn no_module_imports_one_above_it() {
    let sources = library_sources();
    let mut upward = Vec::new();
    for (file, module) in &sources {
        let from = rank(&module[0], file);
        for target in imports(file, module) {
            let Some(top) = target.first() else { continue };
            if *top == module[0] || !ORDER.contains(&top.as_str()) {
                continue;
            }
            if rank(top, file) > from {
                upward.push(format!(
                    "{} ({}) uses `{}` ({})",
                    file.display(),
                    module[0],
                    target.join("::"),
                    top
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports against the stage order:\n{}",
        upward.join("\n")
    );
}

#[test]
fn every_library_module_has_a_place_in_the_order() {
    let tops: BTreeSet<String> = library_sources()
        .into_iter()
        .map(|(_, module)| module[0].clone())
        .collect();
    let missing: Vec<_> = tops
        .iter()
        .filter(|m| !ORDER.contains(&m.as_str()))
        .collect();
    assert!(missing.is_empty(), "not in ORDER: {missing:?}");
}

#[test]
fn files_of_one_folder_import_each_other_in_no_circle() {
    // folder module path → sibling → siblings it imports.
    let mut graphs: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (file, module) in library_sources() {
        if module.len() < 2 {
            continue;
        }
        let parent = module[..module.len() - 1].to_vec();
        let me = module[module.len() - 1].clone();
        for target in imports(&file, &module) {
            if target.len() > parent.len()
                && target[..parent.len()] == parent[..]
                && target[parent.len()] != me
                && is_module(&parent, &target[parent.len()])
            {
                graphs
                    .entry(parent.clone())
                    .or_default()
                    .entry(me.clone())
                    .or_default()
                    .insert(target[parent.len()].clone());
            }
        }
    }
    let mut cycles = Vec::new();
    for (folder, graph) in &graphs {
        if let Some(cycle) = find_cycle(graph)
            && !KNOWN_CYCLES
                .iter()
                .any(|(known, _)| *known == folder.join("::"))
        {
            cycles.push(format!("{}: {}", folder.join("::"), cycle.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_sees_grouped_inline_and_relative_paths() {
    let text = "use crate::{site::Site, markdown::{Fragment, RefKind}};\n\
                // crate::serve::x in a comment\n\
                let s = \"crate::build::y\";\n\
                fn f() { super::super::render::page(); super::sibling::g(); }\n";
    let module = ["a".to_string(), "b".to_string(), "c".to_string()];
    let found: BTreeSet<String> = paths_in(text, &module)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    let expected: BTreeSet<String> = [
        "site::Site",
        "markdown::Fragment",
        "markdown::RefKind",
        "a::render::page",
        "a::b::sibling::g",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(found, expected);
}

fn rank(module: &str, file: &Path) -> usize {
    ORDER
        .iter()
        .position(|m| *m == module)
        .unwrap_or_else(|| panic!("{}: module `{module}` is not in ORDER", file.display()))
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file of the library (not `main.rs` and `cli/`, the command line on top of
/// everything) with its module path (`src/site/links.rs` → `["site", "links"]`).
fn library_sources() -> Vec<(PathBuf, Vec<String>)> {
    let src = src_dir();
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.expect("readable src");
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).expect("under src");
        let mut module: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module.first().is_some_and(|top| top == "cli") {
            continue;
        }
        let last = module.pop().expect("a file name");
        match last.as_str() {
            "lib.rs" | "main.rs" if module.is_empty() => continue,
            "mod.rs" => {}
            name => module.push(name.trim_end_matches(".rs").to_string()),
        }
        found.push((path.to_path_buf(), module));
    }
    found
}

/// Whether `name` is a module in the folder of module `parent` (a file or a folder).
fn is_module(parent: &[String], name: &str) -> bool {
    let mut dir = src_dir();
    for part in parent {
        dir.push(part);
    }
    dir.join(format!("{name}.rs")).is_file() || dir.join(name).join("mod.rs").is_file()
}

fn imports(file: &Path, module: &[String]) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(file).expect("readable source");
    paths_in(&text, module)
}

/// The crate-absolute paths that `crate::` and `super::` paths of `text` (the source of module
/// `module`, which is a folder's `mod.rs` when `module` names a folder… either way the rule of
/// Rust: `super` is the parent of the module) lead to.
fn paths_in(text: &str, module: &[String]) -> Vec<Vec<String>> {
    let tokens = tokens(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let start_of_path = i == 0 || tokens[i - 1] != "::";
        let base: Option<Vec<String>> = match tokens[i].as_str() {
            "crate" if start_of_path => Some(Vec::new()),
            "super" if start_of_path => Some(module.to_vec()),
            _ => None,
        };
        let Some(mut base) = base else {
            i += 1;
            continue;
        };
        let mut j = i;
        if tokens[j] == "super" {
            while tokens.get(j).is_some_and(|t| t == "super") {
                base.pop();
                j += 1;
                if tokens.get(j).is_some_and(|t| t == "::") {
                    j += 1;
                }
            }
        } else {
            j += 1;
            if tokens.get(j).is_some_and(|t| t == "::") {
                j += 1;
            }
        }
        let (paths, end) = use_tree(&tokens, j);
        for path in paths {
            let mut full = base.clone();
            full.extend(path);
            if !full.is_empty() {
                found.push(full);
            }
        }
        i = end.max(i + 1);
    }
    found
}

/// Reads a path or a `{…}` group of paths at `tokens[at]`: the paths, and where they end.
fn use_tree(tokens: &[String], mut at: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    while let Some(token) = tokens.get(at) {
        if token == "{" {
            let mut paths = Vec::new();
            at += 1;
            loop {
                match tokens.get(at).map(String::as_str) {
                    None => break,
                    Some("}") => {
                        at += 1;
                        break;
                    }
                    Some(",") => at += 1,
                    Some(_) => {
                        let (inner, end) = use_tree(tokens, at);
                        for path in inner {
                            let mut full = prefix.clone();
                            full.extend(path);
                            paths.push(full);
                        }
                        at = end.max(at + 1);
                    }
                }
            }
            return (paths, at);
        }
        if !is_identifier(token) {
            break;
        }
        prefix.push(token.clone());
        at += 1;
        if tokens.get(at).is_some_and(|t| t == "::") {
            at += 1;
        } else {
            break;
        }
    }
    (vec![prefix], at)
}

fn is_identifier(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Identifiers, `::` and single punctuation characters of Rust source, without comments,
/// string and character literals.
fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('#') || next == Some('"'))
            && raw_string_end(&chars, i).is_some()
        {
            i = raw_string_end(&chars, i).unwrap_or(chars.len());
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{..}'), or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && next == Some(':') {
            tokens.push("::".to_string());
            i += 2;
        } else if c.is_whitespace() {
            i += 1;
        } else {
            tokens.push(c.to_string());
            i += 1;
        }
    }
    tokens
}

/// Where the raw string starting at `chars[at]` (`r"…"`, `r#"…"#`) ends, if it is one.
fn raw_string_end(chars: &[char], at: usize) -> Option<usize> {
    let mut i = at + 1;
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    if chars.get(i) != Some(&'"') {
        return None;
    }
    i += 1;
    while i < chars.len() {
        if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(chars.len())
}

/// A cycle in `graph`, as the list of its nodes, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// Site resolves, render writes: no string of `src/site/` holds markup.
#[test]
fn the_site_stage_writes_no_markup() {
    let mut found = Vec::new();
    for (file, module) in library_sources() {
        if module[0] != "site" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let markup = code.match_indices("\"<").any(|(at, _)| {
                code[at + 2..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
            });
            if markup {
                found.push(format!("{}:{}: {}", file.display(), number + 1, code));
            }
        }
    }
    assert!(found.is_empty(), "markup in site/:\n{}", found.join("\n"));
}

/// What writes to the console or ends the process: print macros, the standard streams, a
/// progress bar's own printing (indicatif draws on the terminal and `bar.println` prints above
/// it), `process::exit`.
const CONSOLE: &[&str] = &[
    "println!",
    "eprintln!",
    "print!(",
    "eprint!(",
    "dbg!(",
    "process::exit",
    "stdout()",
    "stderr()",
    "io::stdout",
    "io::stderr",
    "indicatif",
    ".println(",
];

/// Whether a line of Rust source writes to the console or exits (a comment does not).
fn prints(line: &str) -> bool {
    let code = line.trim_start();
    !code.starts_with("//") && CONSOLE.iter().any(|call| code.contains(call))
}

#[test]
fn the_checker_sees_every_way_of_printing() {
    for line in [
        "    println!(\"{x}\");",
        "let _ = writeln!(std::io::stderr(), \"{text}\");",
        "use std::io::stdout;",
        "let out = io::stdout().lock();",
        "use indicatif::{ProgressBar, HumanBytes};",
        "            Some(bar) => bar.println(text),",
        "std::process::exit(2);",
    ] {
        assert!(prints(line), "{line}");
    }
    for line in [
        "// println! in a comment",
        "let text = format!(\"{x}\");",
        "out.push_str(&line);",
    ] {
        assert!(!prints(line), "{line}");
    }
}

/// The library reports through values and traits (`deploy::Progress`, `serve::Events`): only
/// `main.rs` and `cli/`, the command line, print or exit.
#[test]
fn only_main_prints_or_exits() {
    let mut found = Vec::new();
    for (file, _) in library_sources() {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (number, line) in text.lines().enumerate() {
            if prints(line) {
                found.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the library prints or exits:\n{}",
        found.join("\n")
    );
}
