//! `sou index`: the library's update use case ([`sou::update`]) with a progress bar on a
//! terminal, problems on stderr as they come, one summary line per pass; with `--watch`,
//! until Ctrl-C or SIGTERM.

use std::io::IsTerminal;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use sou::update::watch::{self, Event};
use sou::update::{self, Updater};

use crate::app::cli::{Globals, IndexArgs};
use crate::app::output::progress::{report_paths, strict_failure, summary, Bar};
use crate::app::settings;

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

/// Runs `sou index`.
pub fn run(globals: &Globals, args: &IndexArgs) -> Result<bool> {
    let started = std::time::Instant::now();
    limit_heap_growth();
    let request = settings::update_request(globals, args);
    // Bad options are reported before the index is touched.
    update::options(&request, sou::dates::default_tz()).context("--date")?;
    let index_dir = &globals.index;
    let mut updater = Updater::open(index_dir, request)?;
    if let (Some(n), Some(path), false) = (updater.dict_words, &args.dict, args.quiet) {
        eprintln!(
            "sou: {} from {} added to the index's dictionary",
            crate::app::output::count_of(n, "word"),
            path.display()
        );
    }
    // Watching starts before the first listing: what changes during the first pass is
    // then a change the watch sees.
    let watch = if args.watch { Some(watch::Watch::start(&updater.request().paths)?) } else { None };
    let listing = updater.list()?;
    if listing.files.is_empty() && !args.watch {
        for u in &listing.unreadable {
            eprintln!("sou: {u}");
        }
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        bail!("no files to index in {}", paths.join(", "));
    }
    // With --strict the problems are errors: they are listed even with -q.
    let quiet = args.quiet && !args.strict;
    let show = !args.quiet && std::io::stderr().is_terminal();
    let mut bar = Bar::new(show, quiet);
    let mut pass = updater.pass(&listing.files, None, &mut bar)?;
    pass.tally.unreadable.splice(0..0, listing.unreadable);
    if !quiet {
        report_paths(&pass, args.strict, args.prune);
    }
    if args.strict && pass.tally.lost_anything() {
        updater.rollback()?;
        bail!("--strict: {} (listed above); nothing was committed", strict_failure(&pass.tally));
    }
    let Some(watch) = watch else {
        updater.finish()?;
        if !args.quiet {
            eprintln!("{}", summary(&pass, started.elapsed().as_secs_f64(), index_dir));
        }
        return Ok(true);
    };
    updater.commit()?;
    if !args.quiet {
        eprintln!("{}", summary(&pass, started.elapsed().as_secs_f64(), index_dir));
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).context("cannot handle signals")?;
    }
    watch.run(updater, &stop, &mut bar, &mut |event| match event {
        Event::Watching(paths) if !args.quiet => {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            eprintln!("sou: watching {}; Ctrl-C stops", names.join(", "));
        }
        Event::Warning(w) => eprintln!("sou: warning: {w}"),
        Event::Pass { pass, committed, took } if !args.quiet => {
            report_paths(pass, args.strict, args.prune);
            if committed {
                eprintln!("{}", summary(pass, took.as_secs_f64(), index_dir));
            }
        }
        _ => {}
    })?;
    if !args.quiet {
        eprintln!("sou: stopped watching; everything read is committed");
    }
    Ok(true)
}
