//! `sou index`: the library's update use case ([`sou::update`]) with a progress bar on a
//! terminal, problems on stderr as they come, one summary line per pass; with `--watch`,
//! until Ctrl-C or SIGTERM.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use sou::index::writer::Moved;
use sou::ingest::{Lost, Problem};
use sou::update::watch::{self, Event};
use sou::update::{self, Pass, Progress, Request, Updater};

use crate::app::cli::{Globals, IndexArgs};

/// Progress on a terminal: a bar over the input bytes; problems printed above it.
struct Bar {
    bar: ProgressBar,
    show: bool,
    quiet: bool,
    files: usize,
}

impl Bar {
    fn message(&self, n: usize, added: usize) -> String {
        format!("file {n}/{} · {}", self.files, super::count_of(added, "document"))
    }

    fn say(&self, line: String) {
        if !self.quiet {
            self.bar.suspend(|| {
                let _ = writeln!(std::io::stderr(), "{line}");
            });
        }
    }
}

impl Progress for Bar {
    fn start(&mut self, bytes: u64, files: usize) {
        self.files = files;
        self.bar = if self.show {
            let bar = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr_with_hz(8));
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        } else {
            ProgressBar::hidden()
        };
    }
    fn file(&mut self, n: usize, added: usize) {
        self.bar.set_message(self.message(n, added));
    }
    fn record(&mut self, bytes: u64, added: usize) {
        self.bar.inc(bytes);
        if added % 1000 == 0 {
            self.bar.set_message(format!("{} documents", added));
        }
    }
    fn read(&mut self, read: u64) {
        self.bar.set_position(read);
    }
    fn problem(&mut self, p: &Problem) {
        self.say(format!("sou: {}{p}", if p.lost == Lost::Nothing { "warning: " } else { "" }));
    }
    fn moved(&mut self, path: &str, line: usize, m: &Moved) {
        self.say(format!("sou: warning: {path}:{line}: id {} was also in {}; replaced", m.id, m.from));
    }
    fn done(&mut self) {
        self.bar.finish_and_clear();
    }
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

/// The library's request of the arguments.
fn request(globals: &Globals, args: &IndexArgs) -> Request {
    Request {
        paths: args.paths.clone(),
        globs: args.glob.clone(),
        format: args.format,
        keys: args.field.clone(),
        default_source: args.source.clone(),
        default_date: args.date.clone(),
        tz: globals.tz.clone(),
        dict: args.dict.clone(),
        rebuild: args.rebuild,
        prune: args.prune,
        strict: args.strict,
        commit_every: args.commit_every,
        memory_mb: args.memory,
        threads: args.threads,
    }
}

/// Prints the warnings of paths skipped whole and of files gone.
fn report_paths(pass: &Pass, args: &IndexArgs) {
    let prefix = if args.strict { "" } else { "warning: " };
    for u in &pass.tally.unreadable {
        eprintln!("sou: {prefix}{u}; skipped");
    }
    let mut dirs: Vec<&str> = pass.gone.iter().map(|g| g.dir.as_str()).collect();
    dirs.dedup();
    for dir in dirs {
        let (files, docs) =
            pass.gone.iter().filter(|g| g.dir == dir).fold((0, 0), |(f, d), g| (f + 1, d + g.documents));
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
    let t = &pass.tally;
    let mut notes = Vec::new();
    if pass.replaced > 0 {
        notes.push(format!("{} replaced by a later record with the same id", pass.replaced));
    }
    if t.moved > 0 {
        notes.push(format!("{} moved from another file", super::count_of(t.moved, "id")));
    }
    let mut skipped = vec![format!("{} skipped", t.skipped)];
    if t.unknown_loss {
        skipped.push("an unknown number lost after an error, see above".into());
    }
    if !t.unreadable.is_empty() {
        skipped.push(format!("{} unreadable", super::count_of(t.unreadable.len(), "path")));
    }
    let notes: String = notes.iter().map(|n| format!(", {n}")).collect();
    let (new, changed, same) = pass.counts;
    let files: Vec<String> = [(new, "new"), (changed, "changed"), (same, "unchanged")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    let files = if files.is_empty() { " (no files)".to_string() } else { format!(" ({})", files.join(", ")) };
    let mb = t.bytes as f64 / 1e6;
    format!(
        "sou: indexed {} ({}{notes}) from {}{files}, {mb:.1} MB in {secs:.2} s ({:.1} MB/s) into {}",
        super::count_of(pass.added, "document"),
        skipped.join(", "),
        super::count_of(new + changed, "file"),
        mb / secs.max(1e-9),
        index_dir.display()
    )
}

/// What `--strict` refuses, in words.
fn strict_failure(t: &update::Tally) -> String {
    match (t.skipped + usize::from(t.unknown_loss), t.unreadable.len()) {
        (0, n) => super::count_of(n, "unreadable path"),
        (_, 0) if t.unknown_loss => "malformed input".to_string(),
        (_, 0) => format!("{} malformed records", t.skipped),
        (_, n) => format!("malformed records and {}", super::count_of(n, "unreadable path")),
    }
}

/// Runs `sou index`.
pub fn run(globals: &Globals, args: &IndexArgs) -> Result<bool> {
    let started = std::time::Instant::now();
    limit_heap_growth();
    let request = request(globals, args);
    // Bad options are reported before the index is touched.
    update::options(&request, sou::dates::default_tz()).context("--date")?;
    let index_dir = &globals.index;
    let mut updater = Updater::open(index_dir, request)?;
    if let (Some(n), Some(path), false) = (updater.dict_words, &args.dict, args.quiet) {
        eprintln!("sou: {n} words from {} added to the index's dictionary", path.display());
    }
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
    let mut bar = Bar { bar: ProgressBar::hidden(), show, quiet, files: 0 };
    let mut pass = updater.pass(&listing.files, None, &mut bar)?;
    pass.tally.unreadable.splice(0..0, listing.unreadable);
    if !quiet {
        report_paths(&pass, args);
    }
    if args.strict && pass.tally.lost_anything() {
        updater.rollback()?;
        bail!("--strict: {} (listed above); nothing was committed", strict_failure(&pass.tally));
    }
    if !args.watch {
        updater.finish()?;
        if !args.quiet {
            eprintln!("{}", summary(&pass, started.elapsed().as_secs_f64(), index_dir));
        }
        return Ok(true);
    }
    updater.commit()?;
    if !args.quiet {
        eprintln!("{}", summary(&pass, started.elapsed().as_secs_f64(), index_dir));
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).context("cannot handle signals")?;
    }
    watch::run(updater, &stop, &mut bar, &mut |event| match event {
        Event::Watching(paths) if !args.quiet => {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            eprintln!("sou: watching {}; Ctrl-C stops", names.join(", "));
        }
        Event::Warning(w) => eprintln!("sou: warning: {w}"),
        Event::Pass { pass, committed, took } if !args.quiet => {
            report_paths(pass, args);
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
