//! `sou index --watch`: after the first pass, keep the writer and watch the paths given;
//! when files change (events debounced by notify-debouncer-mini), run another pass —
//! which reads only what changed, by the fingerprints — and commit, one line on stderr
//! per commit. Files still being written (modified within the settle time) wait for the
//! next pass. Ctrl-C or SIGTERM ends the watch after the pass in progress, committed,
//! with exit 0.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::RecursiveMode;
use sou::index::writer::Indexer;
use sou::ingest::{self, Options};

use crate::cli::IndexArgs;

/// Quiet time after the last event before a pass.
const DEBOUNCE: Duration = Duration::from_millis(500);

/// A file modified less than this long ago may still be growing: it waits.
const SETTLE: Duration = Duration::from_secs(1);

/// Watches `args.paths` until a signal; every batch of changes is one pass and one commit.
pub fn run(mut indexer: Indexer, args: &IndexArgs, opts: &Options, index_dir: &Path) -> Result<i32> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).context("cannot handle signals")?;
    }
    let (tx, rx) = channel();
    let mut debouncer = notify_debouncer_mini::new_debouncer(DEBOUNCE, tx).context("cannot watch files")?;
    let watched: Vec<&Path> = args.paths.iter().filter(|p| p.as_os_str() != "-").map(|p| p.as_path()).collect();
    for p in &watched {
        debouncer
            .watcher()
            .watch(p, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch '{}'", p.display()))?;
    }
    let index_dir = std::fs::canonicalize(index_dir).unwrap_or_else(|_| index_dir.to_path_buf());
    if !args.quiet {
        let names: Vec<String> = watched.iter().map(|p| p.display().to_string()).collect();
        eprintln!("sou: watching {}; Ctrl-C stops", names.join(", "));
    }
    // A pass is due after events (outside the index itself), or again while a file settles.
    let mut due: Option<Instant> = None;
    while !stop.load(Ordering::Relaxed) {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(events)) => {
                if events.iter().any(|e| !e.path.starts_with(&index_dir)) {
                    due = Some(Instant::now());
                }
            }
            Ok(Err(e)) => eprintln!("sou: warning: watching: {e}"),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if due.is_some_and(|t| t <= Instant::now()) && !stop.load(Ordering::Relaxed) {
            due = None;
            let started = Instant::now();
            let listing = ingest::list_files(&args.paths, &args.glob, Some(&index_dir))?;
            let quiet = args.quiet;
            let mut done = super::pass(&mut indexer, &listing.files, args, opts, quiet, Some(SETTLE))?;
            done.tally.unreadable.extend(listing.unreadable);
            super::report_paths(&done, args, quiet);
            if done.unsettled > 0 {
                due = Some(Instant::now() + SETTLE);
            }
            let (new, changed, _) = done.counts;
            if new + changed > 0 || (args.prune && !done.gone.is_empty()) {
                indexer.commit()?;
                if !quiet {
                    eprintln!("{}", super::summary(&done, started.elapsed().as_secs_f64(), &index_dir));
                }
            }
        }
    }
    indexer.finish()?;
    if !args.quiet {
        eprintln!("sou: stopped watching; everything read is committed");
    }
    Ok(crate::commands::FOUND)
}
