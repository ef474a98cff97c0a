//! `sou index`: list the inputs, decide which changed since the index last read them
//! ([`plan`]), read those (a file at a time, each replacing its documents), commit,
//! report one summary line (and a progress bar while it runs, when stderr is a
//! terminal); with `--watch`, keep doing so as files change ([`watch`]).

mod plan;
mod setup;
mod watch;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Result};
use indicatif::ProgressBar;
use jiff::tz::TimeZone;

use sou::article::Field;
use sou::dates;
use sou::index::writer::Indexer;
use sou::ingest::{self, Item, Lost, Options};

use crate::cli::IndexArgs;
use plan::Step;

/// What a run read.
#[derive(Default)]
struct Tally {
    /// Input bytes.
    bytes: u64,
    /// Records not indexed.
    skipped: usize,
    /// Some input could not be read past an error: how many records it held is unknown.
    unknown_loss: bool,
    /// Paths skipped whole, with why.
    unreadable: Vec<String>,
    /// Records whose id a document of another file held.
    moved: usize,
}

/// Reads the files the plan says to read into `indexer`, each replacing its documents,
/// reporting problems on stderr above the progress bar (unless `quiet`: then they are
/// counted only).
fn read_steps(steps: &[Step], opts: &Options, indexer: &mut Indexer, bar: &ProgressBar, quiet: bool) -> Result<Tally> {
    let mut tally = Tally::default();
    let reads = steps.iter().filter(|s| !matches!(s, Step::Same { .. })).count();
    let mut n = 0;
    for step in steps {
        let (path, canonical, print) = match step {
            Step::Same { canonical, print } => {
                if let Some(p) = print {
                    indexer.touch_file(canonical, *p);
                }
                continue;
            }
            Step::Stdin => (PathBuf::from("-"), None, None),
            Step::Read { path, canonical, print, .. } => (path.clone(), Some(canonical.as_str()), Some(*print)),
        };
        n += 1;
        let message = |added: usize| format!("file {n}/{reads} · {}", super::count_of(added, "document"));
        bar.set_message(message(indexer.added));
        if let Some(c) = canonical {
            indexer.begin_file(c);
        }
        let mut failure: Option<anyhow::Error> = None;
        let read = ingest::read_file(&path, opts, &mut |item| match item {
            Item::Record(r) => {
                if failure.is_none() {
                    let share = (r.article.text(Field::Content).len() + r.article.text(Field::Title).len()) as u64;
                    bar.inc(share);
                    let (path, line) = (r.article.text(Field::Path).to_string(), r.line);
                    match indexer.add(r, share) {
                        Err(e) => failure = Some(e),
                        Ok(Some(moved)) => {
                            tally.moved += 1;
                            if !quiet {
                                bar.suspend(|| {
                                    let _ = writeln!(
                                        std::io::stderr(),
                                        "sou: warning: {path}:{line}: id {} was also in {}; replaced",
                                        moved.id,
                                        moved.from
                                    );
                                });
                            }
                        }
                        Ok(None) => {}
                    }
                    if indexer.added % 1000 == 0 {
                        bar.set_message(message(indexer.added));
                    }
                }
            }
            Item::Problem(p) => {
                match p.lost {
                    Lost::Nothing => {}
                    Lost::One => tally.skipped += 1,
                    Lost::Unknown => tally.unknown_loss = true,
                }
                if !quiet {
                    bar.suspend(|| {
                        let _ = writeln!(
                            std::io::stderr(),
                            "sou: {}{p}",
                            if p.lost == Lost::Nothing { "warning: " } else { "" }
                        );
                    });
                }
            }
        });
        if let Some(e) = failure.take() {
            return Err(e);
        }
        match read {
            Ok(size) => {
                tally.bytes += size;
                if let (Some(c), Some(p)) = (canonical, print) {
                    indexer.end_file(c, p)?;
                }
            }
            // An unreadable file is skipped (and read again next time); the others are
            // still read.
            Err(e) => tally.unreadable.push(format!("{e:#}")),
        }
        bar.set_position(tally.bytes);
    }
    Ok(tally)
}

/// What one pass over the inputs did.
struct Pass {
    tally: Tally,
    /// New, changed and unchanged files.
    counts: (usize, usize, usize),
    /// Files gone from a listed directory: (directory as given, canonical path, documents).
    gone: Vec<(String, String, u64)>,
    /// Documents added and records replaced during the pass.
    added: usize,
    replaced: usize,
    /// Files left for the next pass (still changing).
    unsettled: usize,
}

/// Plans and reads `files` (listed from `args.paths`), then handles the files that are
/// gone. Nothing is committed here but the batches the indexer commits by itself.
fn pass(
    indexer: &mut Indexer,
    files: &[PathBuf],
    args: &IndexArgs,
    opts: &Options,
    quiet: bool,
    settle: Option<std::time::Duration>,
) -> Result<Pass> {
    let (added, replaced) = (indexer.added, indexer.replaced);
    let plan = plan::plan(files, &args.paths, indexer.files(), args.rebuild && settle.is_none(), settle);
    let to_read: u64 = plan
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Read { print, .. } => Some(print.size),
            _ => None,
        })
        .sum();
    let bar = setup::progress(to_read, !args.quiet && std::io::stderr().is_terminal());
    let mut tally = read_steps(&plan.steps, opts, indexer, &bar, quiet)?;
    bar.finish_and_clear();
    tally.unreadable.extend(plan.unreadable.iter().cloned());
    let gone: Vec<(String, String, u64)> =
        plan.gone.iter().map(|(dir, f)| (dir.clone(), f.clone(), indexer.documents_of(f))).collect();
    if args.prune {
        for (_, f, _) in &gone {
            indexer.forget_file(f);
        }
    }
    Ok(Pass {
        tally,
        counts: plan.counts(),
        gone,
        added: indexer.added - added,
        replaced: indexer.replaced - replaced,
        unsettled: plan.unsettled,
    })
}

/// Prints the warnings of paths skipped whole and of files gone.
fn report_paths(pass: &Pass, args: &IndexArgs, quiet: bool) {
    if quiet {
        return;
    }
    let prefix = if args.strict { "" } else { "warning: " };
    for u in &pass.tally.unreadable {
        eprintln!("sou: {prefix}{u}; skipped");
    }
    let mut dirs: Vec<&str> = pass.gone.iter().map(|(d, _, _)| d.as_str()).collect();
    dirs.dedup();
    for dir in dirs {
        let (files, docs) = pass.gone.iter().filter(|g| g.0 == dir).fold((0, 0), |(f, d), g| (f + 1, d + g.2));
        let (is, them) = if files == 1 { ("is", "it") } else { ("are", "them") };
        let (files, docs) = (super::count_of(files, "file"), super::count_of(docs as usize, "document"));
        if args.prune {
            eprintln!("sou: removed {files} under {dir} that {is} gone ({docs})");
        } else {
            eprintln!("sou: {files} under {dir} {is} gone ({docs}); --prune removes {them}");
        }
    }
}

/// The summary line of a pass.
fn summary(pass: &Pass, secs: f64, index_dir: &Path) -> String {
    let Tally { bytes, skipped, unknown_loss, ref unreadable, moved } = pass.tally;
    let mut notes = Vec::new();
    if pass.replaced > 0 {
        notes.push(format!("{} replaced by a later record with the same id", pass.replaced));
    }
    if moved > 0 {
        notes.push(format!("{} moved from another file", super::count_of(moved, "id")));
    }
    let skipped = match (unknown_loss, unreadable.len()) {
        (false, 0) => format!("{skipped} skipped"),
        (true, 0) => format!("{skipped} skipped, and an unknown number lost after an error, see above"),
        (false, n) => format!("{skipped} skipped, {} unreadable", super::count_of(n, "path")),
        (true, n) => {
            format!(
                "{skipped} skipped, an unknown number lost after an error, {} unreadable",
                super::count_of(n, "path")
            )
        }
    };
    let notes: String = notes.iter().map(|n| format!(", {n}")).collect();
    let (new, changed, same) = pass.counts;
    let files: Vec<String> = [(new, "new"), (changed, "changed"), (same, "unchanged")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    let files = if files.is_empty() { " (no files)".to_string() } else { format!(" ({})", files.join(", ")) };
    let mb = bytes as f64 / 1e6;
    format!(
        "sou: indexed {} ({skipped}{notes}) from {}{files}, {mb:.1} MB in {secs:.2} s ({:.1} MB/s) into {}",
        super::count_of(pass.added, "document"),
        super::count_of(new + changed, "file"),
        mb / secs.max(1e-9),
        index_dir.display()
    )
}

/// Runs `sou index`.
pub fn run(index_dir: &Path, tz: Option<TimeZone>, args: &IndexArgs) -> Result<i32> {
    let started = Instant::now();
    setup::limit_heap_growth();
    // Bad options are reported before the index is touched.
    setup::options(args, tz.clone().unwrap_or_else(dates::default_tz))?;
    let listing = ingest::list_files(&args.paths, &args.glob, Some(index_dir))?;
    if listing.files.is_empty() && !args.watch {
        for u in &listing.unreadable {
            eprintln!("sou: {u}");
        }
        bail!(
            "no files to index in {}",
            args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    let (mut indexer, tz) = setup::writer(index_dir, args, tz)?;
    let opts = setup::options(args, tz)?;
    // With --strict the problems are errors: they are listed even with -q.
    let quiet = args.quiet && !args.strict;
    let mut done = pass(&mut indexer, &listing.files, args, &opts, quiet, None)?;
    done.tally.unreadable.splice(0..0, listing.unreadable);
    report_paths(&done, args, quiet);
    let t = &done.tally;
    if args.strict && (t.skipped > 0 || t.unknown_loss || !t.unreadable.is_empty()) {
        indexer.rollback()?;
        let what = match (t.skipped + usize::from(t.unknown_loss), t.unreadable.len()) {
            (0, n) => super::count_of(n, "unreadable path"),
            (_, 0) if t.unknown_loss => "malformed input".to_string(),
            (_, 0) => format!("{} malformed records", t.skipped),
            (_, n) => format!("malformed records and {}", super::count_of(n, "unreadable path")),
        };
        bail!("--strict: {what} (listed above); nothing was committed");
    }
    if args.watch {
        indexer.commit()?;
        if !args.quiet {
            eprintln!("{}", summary(&done, started.elapsed().as_secs_f64(), index_dir));
        }
        return watch::run(indexer, args, &opts, index_dir);
    }
    indexer.finish()?;
    if !args.quiet {
        eprintln!("{}", summary(&done, started.elapsed().as_secs_f64(), index_dir));
    }
    Ok(super::FOUND)
}
