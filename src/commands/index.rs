//! `sou index`: read the inputs, upsert every record, commit, report one summary line
//! (and a progress bar while it runs, when stderr is a terminal).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use jiff::tz::TimeZone;
use sou::analysis::dictionary::Dictionary;
use sou::article::Field;
use sou::dates;
use sou::index::{self, meta::Meta, writer::Indexer};
use sou::ingest::{self, fields::KeyMap, Item, Lost, Options};

use crate::cli::IndexArgs;

/// A progress bar over the input bytes, or a hidden one.
fn progress(total: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(8));
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Serves every allocation of 256 KB or more from its own memory map, returned to the
/// system when freed. glibc's default threshold grows up to 32 MB as large blocks are
/// freed; then the indexing threads' buffers stay in the heap and fragment it, which
/// left `sou index` about 50 MB bigger on news×10.
fn limit_heap_growth() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// The reading options of `args`: key overrides, default source and date, time zone.
fn options(args: &IndexArgs, tz: TimeZone) -> Result<Options> {
    let default_date = match &args.date {
        Some(d) => Some(
            dates::parse_timestamp(d, &tz)
                .or_else(|| dates::parse_day_range(d).ok().map(|(a, _)| dates::start_of_day(a, &tz)))
                .ok_or_else(|| anyhow!("--date: '{d}' is not a date (e.g. 2025-04-30)"))?,
        ),
        None => None,
    };
    Ok(Options {
        format: args.format,
        keys: KeyMap::with_overrides(args.field.clone()),
        default_source: args.source.clone(),
        default_date,
        tz,
    })
}

/// Opens (or creates) the index and its dictionary, adding `--dict`'s words, and
/// prepares a writer with the run's threads, memory and commit policy.
/// Dates without a zone are read in `tz`, else in the zone the index was built in.
fn writer(index_dir: &Path, args: &IndexArgs, tz: Option<TimeZone>) -> Result<(Indexer, TimeZone)> {
    // --rebuild empties the index inside the run's own commit (a crash keeps the old
    // index); only an index of an incompatible schema is removed first.
    let idx = match index::open_or_create(index_dir) {
        Err(_) if args.rebuild && index::exists(index_dir) => {
            index::remove(index_dir)?;
            index::open_or_create(index_dir)?
        }
        other => other?,
    };
    let mut dict = Dictionary::load(index_dir)?;
    if let Some(path) = &args.dict {
        let n = dict.add_user_file(path)?;
        dict.save(index_dir)?;
        if !args.quiet {
            eprintln!("sou: {n} words from {} added to the index's dictionary", path.display());
        }
    }
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1);
    // tantivy gives each indexing thread a share of the budget, at most 4 GB.
    let most = 4095 * threads;
    if args.memory > most {
        bail!(
            "--memory {}: at most {most} MB with {threads} indexing threads (4,095 MB a thread); at least {} MB",
            args.memory,
            16 * threads
        );
    }
    let memory = args.memory.max(16 * threads) << 20;
    let tz =
        tz.or_else(|| idx.meta.as_ref().filter(|_| !args.rebuild).map(|m| m.tz())).unwrap_or_else(dates::default_tz);
    let mut indexer = Indexer::new(&idx, &dict, threads, memory, Meta::new(&tz))?;
    if args.rebuild {
        indexer.clear()?;
    }
    if let Some(mb) = args.commit_every {
        indexer.commit_every = mb.max(1) << 20;
    }
    if args.strict {
        // All or nothing: no intermediate commit.
        indexer.commit_every = u64::MAX;
    }
    Ok((indexer, tz))
}

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
}

/// Reads every file into `indexer`, reporting problems on stderr above the progress bar
/// (unless `quiet`: then they are counted only).
fn ingest_files(
    files: &[PathBuf],
    opts: &Options,
    indexer: &mut Indexer,
    bar: &ProgressBar,
    quiet: bool,
) -> Result<Tally> {
    let mut tally = Tally::default();
    let mut failure: Option<anyhow::Error> = None;
    for (n, file) in files.iter().enumerate() {
        let message = |added: usize| format!("file {}/{} · {}", n + 1, files.len(), super::count_of(added, "document"));
        bar.set_message(message(indexer.added));
        let read = ingest::read_file(file, opts, &mut |item| match item {
            Item::Record(r) => {
                if failure.is_none() {
                    let share = (r.article.text(Field::Content).len() + r.article.text(Field::Title).len()) as u64;
                    bar.inc(share);
                    if let Err(e) = indexer.add(r, share) {
                        failure = Some(e);
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
        let size = match read {
            Ok(size) => size,
            // An unreadable file is skipped; the others are still read.
            Err(e) => {
                tally.unreadable.push(format!("{e:#}"));
                0
            }
        };
        tally.bytes += size;
        bar.set_position(tally.bytes);
        if let Some(e) = failure.take() {
            return Err(e);
        }
    }
    Ok(tally)
}

/// Runs `sou index`.
pub fn run(index_dir: &Path, tz: Option<TimeZone>, args: &IndexArgs) -> Result<i32> {
    let started = Instant::now();
    limit_heap_growth();
    // Bad options are reported before the index is touched.
    options(args, tz.clone().unwrap_or_else(dates::default_tz))?;
    let listing = ingest::list_files(&args.paths, &args.glob, Some(index_dir))?;
    let files = listing.files;
    if files.is_empty() {
        for u in &listing.unreadable {
            eprintln!("sou: {u}");
        }
        bail!(
            "no files to index in {}",
            args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    let (mut indexer, tz) = writer(index_dir, args, tz)?;
    let opts = options(args, tz)?;
    let total_bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let bar = progress(total_bytes, !args.quiet && std::io::stderr().is_terminal());
    // With --strict the problems are errors: they are listed even with -q.
    let quiet = args.quiet && !args.strict;
    let mut tally = ingest_files(&files, &opts, &mut indexer, &bar, quiet)?;
    bar.finish_and_clear();
    tally.unreadable.splice(0..0, listing.unreadable);
    if !quiet {
        let prefix = if args.strict { "" } else { "warning: " };
        for u in &tally.unreadable {
            eprintln!("sou: {prefix}{u}; skipped");
        }
    }
    let Tally { bytes, skipped, unknown_loss, unreadable } = tally;
    if args.strict && (skipped > 0 || unknown_loss || !unreadable.is_empty()) {
        indexer.rollback()?;
        let what = match (skipped + usize::from(unknown_loss), unreadable.len()) {
            (0, n) => super::count_of(n, "unreadable path"),
            (_, 0) if unknown_loss => "malformed input".to_string(),
            (_, 0) => format!("{skipped} malformed records"),
            (_, n) => format!("malformed records and {}", super::count_of(n, "unreadable path")),
        };
        bail!("--strict: {what} (listed above); nothing was committed");
    }
    let added = indexer.added;
    let replaced = indexer.replaced;
    indexer.finish()?;
    let secs = started.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    if !args.quiet {
        let replaced = if replaced > 0 {
            format!(", {replaced} replaced by a later record with the same id")
        } else {
            String::new()
        };
        let skipped = match (unknown_loss, unreadable.len()) {
            (false, 0) => format!("{skipped} skipped"),
            (true, 0) => format!("{skipped} skipped, and an unknown number lost after an error, see above"),
            (false, n) => format!("{skipped} skipped, {} unreadable", super::count_of(n, "path")),
            (true, n) => format!(
                "{skipped} skipped, an unknown number lost after an error, {} unreadable",
                super::count_of(n, "path")
            ),
        };
        eprintln!(
            "sou: indexed {} ({skipped}{replaced}) from {}, {mb:.1} MB in {secs:.2} s ({:.1} MB/s) into {}",
            super::count_of(added, "document"),
            super::count_of(files.len(), "file"),
            mb / secs.max(1e-9),
            index_dir.display()
        );
    }
    Ok(super::FOUND)
}
