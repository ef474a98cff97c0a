//! The code map holds: modules are layers, and code only uses the layers below its own
//! (README, "Code map"). Read from the sources' `crate::` paths (comments aside), so a
//! new import that runs up a layer, or between two modules of one layer, fails here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The library's layers, bottom first; modules of one layer do not use each other.
const LIBRARY: &[&[&str]] = &[
    &["names", "sanitize", "paths", "analysis"],
    &["dates"],
    &["article", "snippet"],
    &["ingest", "index"],
    &["query"],
    &["engine", "update"],
    &["remote"],
];

/// The binary's layers (under `src/app/`), bottom first; it may use the whole library.
const BINARY: &[&[&str]] = &[&["wrap"], &["output"], &["cli"], &["settings"], &["tui", "serve"], &["commands"]];

fn layer_of(layers: &[&[&str]], module: &str) -> Option<usize> {
    layers.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The modules a file names after `prefix` (`crate::` or `crate::app::`), code only.
fn used(text: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.starts_with("//")) {
        let mut rest = line;
        while let Some(i) = rest.find(prefix) {
            let after = &rest[i + prefix.len()..];
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push(name);
            }
            rest = after;
        }
    }
    out
}

#[test]
fn modules_only_use_the_layers_below_their_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut checked = 0;
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
        let text = std::fs::read_to_string(f).expect("read");
        let (layers, module, prefix) = match parts.as_slice() {
            [app, m, ..] if app == "app" && m != "mod" => (BINARY, m.clone(), "crate::app::"),
            [top] if top == "main" || top == "lib" => continue,
            [app, ..] if app == "app" => continue,
            [m, ..] => (LIBRARY, m.clone(), "crate::"),
            [] => continue,
        };
        let own =
            layer_of(layers, &module).unwrap_or_else(|| panic!("{}: module {module} has no layer", rel.display()));
        for other in used(&text, prefix) {
            if other == module || (prefix == "crate::" && other == "app") {
                continue;
            }
            checked += 1;
            match layer_of(layers, &other) {
                Some(l) if l < own => {}
                _ => wrong.entry(rel.display().to_string()).or_default().push(other),
            }
        }
        if prefix == "crate::app::" {
            // The binary reaches the library as `sou::…`, never the other way.
            continue;
        }
        if text.contains("crate::app") {
            wrong.entry(rel.display().to_string()).or_default().push("app".into());
        }
    }
    assert!(checked > 100, "only {checked} uses seen: is the scan reading the sources?");
    assert!(wrong.is_empty(), "imports that run up or across a layer: {wrong:#?}");
}
