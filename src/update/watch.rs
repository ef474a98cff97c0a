//! Keeping an index up to date as files change: after the first pass, watch the paths of
//! the request (inotify and its peers, through `notify`) and, when files change, run a
//! pass over the changed paths only — a folder of 20,000 files costs nothing while
//! nothing changes, and a change costs the change. Reading a file is not a change (the
//! watcher's open/read events are ignored, or every pass would start the next one).
//!
//! A pass starts once changes have been quiet for [`DEBOUNCE`], and at the latest
//! [`MAX_DELAY`] after the first of them, but never sooner than [`MIN_INTERVAL`] after the
//! last commit: a JSON Lines file that gets a line every 0.3 s has its complete lines
//! indexed (appended, not read again) and committed about once a second. Other files
//! still being written (modified within [`SETTLE`]) wait for a later pass. The watch
//! ends, with everything read committed, when `stop` is set.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use super::{Pass, Progress, Updater};

/// Quiet time after the last change before a pass.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// Longest wait from the first change to a pass, however busy the files are.
const MAX_DELAY: Duration = Duration::from_secs(1);

/// Shortest time between two commits.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// A file modified less than this long ago may still be growing: it waits (JSON Lines
/// excepted: their complete lines are read).
pub(crate) const SETTLE: Duration = Duration::from_secs(1);

/// What the watch reports to its front-end.
pub enum Event<'a> {
    /// The paths are watched.
    Watching(&'a [&'a Path]),
    /// The watcher reported an error (the watch goes on).
    Warning(String),
    /// A pass ran; `committed` when it changed the index (then it was committed).
    Pass {
        /// What it did.
        pass: &'a Pass,
        /// Whether it was committed.
        committed: bool,
        /// How long it took.
        took: Duration,
    },
}

/// What the watcher said since the last pass.
#[derive(Default)]
struct Changes {
    /// Paths created, written, removed or renamed (canonical roots joined with names).
    paths: BTreeSet<PathBuf>,
    /// The watcher lost track (its queue overflowed): every path is listed again.
    rescan: bool,
    /// When the first and the last change arrived.
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    /// When a pass over these changes is due.
    fn due(&self) -> Option<Instant> {
        Some((self.last? + DEBOUNCE).min(self.first? + MAX_DELAY))
    }
}

/// Whether an event of this kind can change what a file holds or where it is: opening,
/// reading and closing a file unwritten cannot.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// A watch of some paths, started before the first pass over them: a file changed while
/// that pass runs (or just after it) is an event waiting in the queue, never missed.
pub struct Watch {
    /// Kept alive: dropping it ends the events.
    _watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// The paths as given (standard input aside).
    paths: Vec<PathBuf>,
}

impl Watch {
    /// Starts watching `paths` (recursively; `-` is not a path).
    pub fn start(paths: &[PathBuf]) -> Result<Watch> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(tx).context("cannot watch files")?;
        let paths: Vec<PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
        for p in &paths {
            // Watched by their canonical path, so that changes name files as the index does.
            let canonical = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            watcher
                .watch(&canonical, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch '{}'", p.display()))?;
        }
        Ok(Watch { _watcher: watcher, events, paths })
    }

    /// Runs passes over what changes until `stop` is set; every batch of changes is one
    /// pass and, when it changed anything, one commit. `report` hears of every pass.
    pub fn run(
        self,
        updater: Updater,
        stop: &AtomicBool,
        progress: &mut dyn Progress,
        report: &mut dyn FnMut(Event),
    ) -> Result<()> {
        let watched: Vec<&Path> = self.paths.iter().map(PathBuf::as_path).collect();
        run(updater, &self.events, &watched, stop, progress, report)
    }
}

/// [`Watch::run`].
fn run(
    mut updater: Updater,
    rx: &Receiver<notify::Result<notify::Event>>,
    watched: &[&Path],
    stop: &AtomicBool,
    progress: &mut dyn Progress,
    report: &mut dyn FnMut(Event),
) -> Result<()> {
    let index_dir = std::fs::canonicalize(&updater.dir).unwrap_or_else(|_| updater.dir.clone());
    report(Event::Watching(watched));
    let mut changes = Changes::default();
    let mut last_commit: Option<Instant> = None;
    while !stop.load(Ordering::Relaxed) {
        let wait = changes.due().map_or(Duration::from_millis(200), |d| {
            d.saturating_duration_since(Instant::now()).clamp(Duration::from_millis(10), Duration::from_millis(200))
        });
        match rx.recv_timeout(wait) {
            Ok(Ok(event)) => {
                let outside = event.paths.iter().any(|p| !p.starts_with(&index_dir));
                if event.need_rescan() || matches!(event.kind, EventKind::Other) && event.paths.is_empty() {
                    changes.rescan = true;
                } else if is_change(&event.kind) && outside {
                    changes.paths.extend(event.paths.into_iter().filter(|p| !p.starts_with(&index_dir)));
                } else {
                    continue;
                }
                let now = Instant::now();
                changes.first.get_or_insert(now);
                changes.last = Some(now);
            }
            Ok(Err(e)) => report(Event::Warning(format!("watching: {e}"))),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let now = Instant::now();
        let due = changes.due().is_some_and(|d| d <= now);
        let spaced = last_commit.is_none_or(|c| now.duration_since(c) >= MIN_INTERVAL);
        if !due || !spaced || changes.is_empty() || stop.load(Ordering::Relaxed) {
            continue;
        }
        let batch = std::mem::take(&mut changes);
        let started = Instant::now();
        let scope: Vec<PathBuf> = batch.paths.into_iter().collect();
        let listing = if batch.rescan { updater.list()? } else { updater.list_changed(&scope)? };
        let within = (!batch.rescan).then_some(scope.as_slice());
        let mut pass = updater.pass_within(&listing.files, Some(SETTLE), within, progress)?;
        pass.tally.unreadable.extend(listing.unreadable);
        if !pass.unsettled.is_empty() {
            // Files still being written are looked at again once they may have settled.
            changes.paths.extend(pass.unsettled.iter().cloned());
            let later = Instant::now() + SETTLE;
            changes.first.get_or_insert(later);
            changes.last = Some(changes.last.map_or(later, |l| l.max(later)));
        }
        let committed = pass.changed(updater.request.prune);
        if committed {
            updater.commit()?;
            last_commit = Some(Instant::now());
        }
        report(Event::Pass { pass: &pass, committed, took: started.elapsed() });
    }
    updater.finish()
}
