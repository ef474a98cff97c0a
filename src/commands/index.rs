//! `sou index`: read the inputs, upsert every record, commit, report one summary line.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{anyhow, Result};

use crate::analysis::dictionary::Dictionary;
use crate::cli::IndexArgs;
use crate::index::{self, writer::Indexer};
use crate::ingest::{self, dates, Item, Options};

/// Runs `sou index`.
pub fn run(index_dir: &Path, args: &IndexArgs) -> Result<i32> {
    let started = Instant::now();
    let tz = dates::default_tz();
    let default_date = match &args.date {
        Some(d) => Some(
            dates::parse_timestamp(d, &tz)
                .or_else(|| dates::parse_day_range(d).ok().map(|(a, _)| dates::start_of_day(a, &tz)))
                .ok_or_else(|| anyhow!("--date: '{d}' is not a date (e.g. 2025-04-30)"))?,
        ),
        None => None,
    };
    let opts = Options { default_source: args.source.clone(), default_date, tz, ..Options::default() };
    let files = ingest::list_files(&args.paths)?;
    if args.rebuild {
        index::remove(index_dir)?;
    }
    let idx = index::open_or_create(index_dir)?;
    let mut dict = Dictionary::load(index_dir)?;
    if let Some(path) = &args.dict {
        let n = dict.add_user_file(path)?;
        dict.save(index_dir)?;
        if !args.quiet {
            eprintln!("sou: {n} words from {} added to the index's dictionary", path.display());
        }
    }
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1);
    let memory = args.memory.max(16 * threads) << 20;
    let mut indexer = Indexer::new(&idx, &dict, threads, memory)?;
    let mut skipped = 0usize;
    let mut bytes = 0u64;
    let mut stderr = std::io::stderr().lock();
    let mut failure: Option<anyhow::Error> = None;
    for file in &files {
        let size = ingest::read_file(file, &opts, &mut |item| match item {
            Item::Record(r) => {
                if failure.is_none() {
                    let share = (r.content.len() + r.title.len()) as u64;
                    if let Err(e) = indexer.add(&r, share) {
                        failure = Some(e);
                    }
                }
            }
            Item::Problem(p) => {
                if !p.warning_only {
                    skipped += 1;
                }
                let _ = writeln!(stderr, "sou: {}{p}", if p.warning_only { "warning: " } else { "" });
            }
        })?;
        bytes += size;
        if let Some(e) = failure.take() {
            return Err(e);
        }
    }
    let added = indexer.added;
    let replaced = indexer.replaced;
    indexer.finish()?;
    let secs = started.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    if !args.quiet || skipped > 0 {
        let replaced = if replaced > 0 {
            format!(", {replaced} replaced by a later record with the same id")
        } else {
            String::new()
        };
        eprintln!(
            "sou: indexed {added} documents ({skipped} skipped{replaced}) from {} files, {mb:.1} MB in {secs:.2} s ({:.1} MB/s) into {}",
            files.len(),
            mb / secs.max(1e-9),
            index_dir.display()
        );
    }
    Ok(super::FOUND)
}
