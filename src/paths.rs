//! How files are named and recognised: the same file reached by a relative path, an
//! absolute one or a symbolic link is one file (its canonical path), shown relative to
//! the directory the index was first written from (its base) when below it, wherever
//! sou runs; and the hashes that identify a file's content
//! and a record without an id. Shared by reading (`ingest`), writing (`index`) and the
//! update use case (`update`), so none of them imports another for it.

use std::hash::Hasher;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The name standard input is read under (`sou index -`).
pub const STDIN: &str = "<stdin>";

/// Size and modification time (nanoseconds since the Unix epoch) of `path`, or `None`
/// when it cannot be read.
pub(crate) fn stat(path: &Path) -> Option<(u64, i128)> {
    let m = std::fs::metadata(path).ok()?;
    let mtime = m.modified().ok()?;
    let ns = match mtime.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    };
    Some((m.len(), ns))
}

/// XXH3-64 of the content of `path`, read in 1 MB blocks.
pub(crate) fn hash_file(path: &Path) -> std::io::Result<u64> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = twox_hash::XxHash3_64::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finish());
        }
        hasher.write(&buf[..n]);
    }
}

/// XXH3-64 of `parts` separated by a zero byte: the identity of a record without an id.
pub(crate) fn hash_parts(parts: &[&str]) -> u64 {
    let mut hasher = twox_hash::XxHash3_64::new();
    for p in parts {
        hasher.write(p.as_bytes());
        hasher.write(&[0]);
    }
    hasher.finish()
}

/// The path shown for a file and used in the ids of its records: relative to `base`
/// (the index's base directory; the working directory when there is none) when the file
/// is below it, else absolute; symbolic links resolved either way, so that every way of
/// naming a file, from any directory, names it the same.
pub fn display(canonical: &Path, base: Option<&Path>) -> String {
    let here = || std::env::current_dir().ok().and_then(|d| std::fs::canonicalize(d).ok());
    let base = base.map(Path::to_path_buf).or_else(here);
    match base.as_deref().and_then(|d| canonical.strip_prefix(d).ok()) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
        _ => canonical.to_string_lossy().into_owned(),
    }
}

/// The working directory, canonical: the base of a new index.
pub(crate) fn here() -> Option<String> {
    let d = std::env::current_dir().ok()?;
    Some(std::fs::canonicalize(d).ok()?.to_string_lossy().into_owned())
}

/// The id a plain-text file named by `typed` (from here) has in an index whose base is
/// `base`: its canonical path when it exists, else the path made absolute by hand (a
/// file since removed is still named by its old path).
pub fn id_of_path(typed: &str, base: Option<&Path>) -> Option<String> {
    let p = Path::new(typed);
    let absolute = match canonical(p) {
        Ok(c) => c,
        Err(_) => {
            let joined = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().ok()?.join(p) };
            let mut out = PathBuf::new();
            for c in joined.components() {
                match c {
                    std::path::Component::CurDir => {}
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    other => out.push(other),
                }
            }
            out
        }
    };
    Some(display(&absolute, base))
}

/// The canonical path of `path` (absolute, symbolic links resolved).
pub(crate) fn canonical(path: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(path)
}

/// A path as typed, without a leading `./`: how a file that cannot be resolved is shown.
pub(crate) fn as_typed(p: &Path) -> String {
    let s = p.to_string_lossy();
    let mut s: &str = &s;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// How `file` is shown: relative to `base` (else here) when below it, else absolute,
/// however it was named; as typed when it cannot be resolved.
pub fn shown(file: &Path, base: Option<&Path>) -> String {
    canonical(file).map(|c| display(&c, base)).unwrap_or_else(|_| as_typed(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_of_a_file_is_one_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "标题\n正文").expect("write");
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&file, &link).expect("symlink");
        let dotted = dir.path().join(".").join("a.txt");
        let c = canonical(&file).expect("canonical");
        assert_eq!(canonical(&link).expect("link"), c);
        assert_eq!(canonical(&dotted).expect("dotted"), c);
        assert!(display(&c, None).ends_with("a.txt"));
        let base = canonical(dir.path()).expect("base");
        assert_eq!(display(&c, Some(&base)), "a.txt");
        assert_eq!(id_of_path(&file.to_string_lossy(), Some(&base)).as_deref(), Some("a.txt"));
        let removed = dir.path().join("sub").join("..").join("gone.txt");
        assert_eq!(id_of_path(&removed.to_string_lossy(), Some(&base)).as_deref(), Some("gone.txt"));
        assert_eq!(hash_file(&link).expect("hash"), hash_file(&file).expect("hash"));
        assert_ne!(hash_parts(&["a", "bc"]), hash_parts(&["ab", "c"]));
        assert_eq!(as_typed(Path::new("././x/y.txt")), "x/y.txt");
    }
}
