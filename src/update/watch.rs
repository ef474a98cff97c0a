//! Keeping an index up to date as files change: after the first pass, watch the paths of
//! the request; when files change (events debounced by notify-debouncer-mini), run
//! another pass — which reads only what changed, by the fingerprints — and commit. Files
//! still being written (modified within the settle time) wait for the next pass. The
//! watch ends, with everything read committed, when `stop` is set.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::RecursiveMode;

use super::{Pass, Progress, Updater};

/// Quiet time after the last event before a pass.
const DEBOUNCE: Duration = Duration::from_millis(500);

/// A file modified less than this long ago may still be growing: it waits.
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

/// Watches the request's paths until `stop` is set; every batch of changes is one pass
/// and, when it changed anything, one commit. `report` hears of every pass.
pub fn run(
    mut updater: Updater,
    stop: &AtomicBool,
    progress: &mut dyn Progress,
    report: &mut dyn FnMut(Event),
) -> Result<()> {
    let (tx, rx) = channel();
    let mut debouncer = notify_debouncer_mini::new_debouncer(DEBOUNCE, tx).context("cannot watch files")?;
    let paths = updater.request().paths.clone();
    let watched: Vec<&Path> = paths.iter().filter(|p| p.as_os_str() != "-").map(|p| p.as_path()).collect();
    for p in &watched {
        debouncer
            .watcher()
            .watch(p, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch '{}'", p.display()))?;
    }
    let index_dir = std::fs::canonicalize(&updater.dir).unwrap_or_else(|_| updater.dir.clone());
    report(Event::Watching(&watched));
    // A pass is due after events (outside the index itself), or again while a file settles.
    let mut due: Option<Instant> = None;
    while !stop.load(Ordering::Relaxed) {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(events)) => {
                if events.iter().any(|e| !e.path.starts_with(&index_dir)) {
                    due = Some(Instant::now());
                }
            }
            Ok(Err(e)) => report(Event::Warning(format!("watching: {e}"))),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if due.is_some_and(|t| t <= Instant::now()) && !stop.load(Ordering::Relaxed) {
            due = None;
            let started = Instant::now();
            let listing = updater.list()?;
            let mut pass = updater.pass(&listing.files, Some(SETTLE), progress)?;
            pass.tally.unreadable.extend(listing.unreadable);
            if pass.unsettled > 0 {
                due = Some(Instant::now() + SETTLE);
            }
            let committed = pass.changed(updater.request.prune);
            if committed {
                updater.commit()?;
            }
            report(Event::Pass { pass: &pass, committed, took: started.elapsed() });
        }
    }
    updater.finish()
}
