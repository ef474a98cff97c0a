//! Setting a run up: the progress bar, the allocator, the reading options and the
//! writer with the run's threads, memory and commit policy.

use std::path::Path;

use anyhow::{anyhow, bail, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::tz::TimeZone;

use sou::analysis::dictionary::Dictionary;
use sou::dates;
use sou::index::{self, meta::Meta, writer::Indexer};
use sou::ingest::{fields::KeyMap, Options};

use crate::cli::IndexArgs;

/// A progress bar over the input bytes, or a hidden one.
pub fn progress(total: u64, show: bool) -> ProgressBar {
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
pub fn limit_heap_growth() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// The reading options of `args`: key overrides, default source and date, time zone.
pub fn options(args: &IndexArgs, tz: TimeZone) -> Result<Options> {
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
pub fn writer(index_dir: &Path, args: &IndexArgs, tz: Option<TimeZone>) -> Result<(Indexer, TimeZone)> {
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
    // The index's record (its files' fingerprints) carries over, in the run's zone.
    let meta = match idx.meta.clone().filter(|_| !args.rebuild) {
        Some(m) => Meta { tz_seconds: Meta::new(&tz).tz_seconds, ..m },
        None => Meta::new(&tz),
    };
    let mut indexer = Indexer::new(&idx, &dict, threads, memory, meta)?;
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
