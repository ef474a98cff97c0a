//! Which files a run reads: each listed file is new, changed, or unchanged (same size
//! and modification time: not even opened; or the same content hash: touched, not read
//! again), and files the index knows under a listed directory that no longer exist are
//! gone.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::index::files::{Fingerprint, Fingerprints};
use crate::{ingest, paths};

/// What to do with one listed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Standard input: always read, no file identity.
    Stdin,
    /// Read it: new to the index (`known` false) or changed; `print` is its new
    /// fingerprint, taken before it is read.
    Read { path: PathBuf, canonical: String, print: Fingerprint, known: bool },
    /// The same content as when indexed: only the fingerprint is updated (when touched).
    Same { canonical: String, print: Option<Fingerprint> },
    /// JSON Lines that grew: only the lines after byte `from` are read, when the first
    /// `from` bytes still hash to `prefix` (else the file is read whole). With
    /// `whole_lines`, a last line without its newline waits (the file is still being
    /// written). `from` 0: a new file still being written, read up to its last line.
    Append { path: PathBuf, canonical: String, from: u64, prefix: u64, mtime_ns: i128, whole_lines: bool, known: bool },
}

/// The run's plan.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// One step per distinct file, in listing order.
    pub steps: Vec<Step>,
    /// Files that could not be read, with why.
    pub unreadable: Vec<String>,
    /// Known files under a listed directory that no longer exist: (listed directory as
    /// given, canonical path).
    pub gone: Vec<(String, String)>,
    /// Files left for later because they changed too recently (`--watch`: possibly
    /// still being written).
    pub unsettled: Vec<PathBuf>,
}

impl Plan {
    /// How many files are new, changed and unchanged.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for s in &self.steps {
            match s {
                Step::Read { known: false, .. } | Step::Append { known: false, .. } => c.0 += 1,
                Step::Read { known: true, .. } | Step::Append { known: true, .. } => c.1 += 1,
                Step::Same { .. } => c.2 += 1,
                Step::Stdin => {}
            }
        }
        c
    }
}

/// Decides what to do with `listed` (the files of the paths given) against the
/// fingerprints the index holds; `rebuild` reads everything. With `settle`, a file
/// modified less than that long ago is left for a later plan, unless it is JSON Lines
/// (its complete lines are read now). Known files are looked for as gone only below the
/// paths of `scope` (all of them when `None`).
pub(crate) fn plan(
    listed: &[PathBuf],
    given: &[PathBuf],
    known: &Fingerprints,
    rebuild: bool,
    settle: Option<std::time::Duration>,
    scope: Option<&[PathBuf]>,
) -> Plan {
    let now_ns = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
    let mut plan = Plan::default();
    let mut seen = BTreeSet::new();
    for path in listed {
        if path.as_os_str() == "-" {
            plan.steps.push(Step::Stdin);
            continue;
        }
        let canonical = match paths::canonical(path) {
            Ok(c) => c.to_string_lossy().into_owned(),
            Err(e) => {
                plan.unreadable.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        // The same file named twice (seeds and /abs/seeds) is read once.
        if !seen.insert(canonical.clone()) {
            continue;
        }
        let Some((size, mtime_ns)) = paths::stat(path) else {
            plan.unreadable.push(format!("{}: cannot read its size and time", path.display()));
            continue;
        };
        let before = known.get(&canonical).filter(|_| !rebuild);
        if let Some(b) = before {
            if b.size == size && b.mtime_ns == mtime_ns {
                plan.steps.push(Step::Same { canonical, print: None });
                continue;
            }
        }
        let unsettled = settle.is_some_and(|s| now_ns - mtime_ns < s.as_nanos() as i128);
        // JSON Lines that grew: only the new lines are read (the prefix is checked then).
        let grown = before.filter(|b| size > b.size && b.size > 0);
        if (grown.is_some() || (unsettled && before.is_none())) && ingest::is_json_lines(path) {
            let (from, prefix) = grown.map_or((0, 0), |b| (b.size, b.hash));
            let whole_lines = unsettled;
            let (path, known) = (path.clone(), before.is_some());
            plan.steps.push(Step::Append { path, canonical, from, prefix, mtime_ns, whole_lines, known });
            continue;
        }
        if unsettled {
            plan.unsettled.push(path.clone());
            continue;
        }
        let hash = match paths::hash_file(path) {
            Ok(h) => h,
            Err(e) => {
                plan.unreadable.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let print = Fingerprint { size, mtime_ns, hash };
        match before {
            Some(b) if b.hash == hash => plan.steps.push(Step::Same { canonical, print: Some(print) }),
            _ => plan.steps.push(Step::Read { path: path.clone(), canonical, print, known: before.is_some() }),
        }
    }
    for dir in given.iter().filter(|p| p.is_dir()) {
        let Ok(root) = paths::canonical(dir) else { continue };
        for f in known.keys() {
            let under = Path::new(f).strip_prefix(&root).is_ok_and(|rel| !rel.as_os_str().is_empty());
            let in_scope = scope.is_none_or(|s| s.iter().any(|c| Path::new(f).starts_with(c)));
            if under && in_scope && !seen.contains(f) && !Path::new(f).exists() {
                plan.gone.push((dir.display().to_string(), f.clone()));
            }
        }
    }
    plan.gone.dedup_by(|a, b| a.1 == b.1);
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_touched_changed_new_and_gone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).expect("write");
            p
        };
        let (a, b, c) = (write("a.txt", "甲"), write("b.txt", "乙"), write("c.txt", "丙"));
        let print = |p: &Path| {
            let (size, mtime_ns) = paths::stat(p).expect("stat");
            Fingerprint { size, mtime_ns, hash: paths::hash_file(p).expect("hash") }
        };
        let canon = |p: &Path| paths::canonical(p).expect("canonical").to_string_lossy().into_owned();
        let mut known = Fingerprints::new();
        known.insert(canon(&a), print(&a));
        // b: same content, other time.
        known.insert(canon(&b), Fingerprint { mtime_ns: 1, ..print(&b) });
        // c: other content.
        known.insert(canon(&c), Fingerprint { hash: 7, size: 99, ..print(&c) });
        let gone = canon(&write("gone.txt", "丁"));
        known.insert(gone.clone(), Fingerprint { size: 1, mtime_ns: 1, hash: 1 });
        std::fs::remove_file(&gone).expect("remove");
        let d = write("d.txt", "戊");
        let listed = vec![a.clone(), b.clone(), c.clone(), d.clone(), dir.path().join(".").join("a.txt")];
        let p = plan(&listed, &[dir.path().to_path_buf()], &known, false, None, None);
        assert_eq!(p.counts(), (1, 1, 2), "{p:?}");
        assert!(matches!(&p.steps[0], Step::Same { print: None, .. }));
        assert!(matches!(&p.steps[1], Step::Same { print: Some(_), .. }));
        assert!(matches!(&p.steps[2], Step::Read { known: true, .. }));
        assert!(matches!(&p.steps[3], Step::Read { known: false, .. }));
        assert_eq!(p.gone.len(), 1);
        assert_eq!(p.gone[0].1, gone);
        let all = plan(&listed, &[], &known, true, None, None);
        assert_eq!(all.counts(), (4, 0, 0));
        // Just written: left for later when settling.
        let fresh = plan(&[d], &[], &Fingerprints::new(), false, Some(std::time::Duration::from_secs(60)), None);
        assert_eq!((fresh.counts(), fresh.unsettled.len()), ((0, 0, 0), 1));
    }
}
