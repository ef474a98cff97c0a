//! What `sou index` prints: a progress bar over the input bytes on a terminal, problems
//! above it as they come, the files skipped or gone, and one summary line per pass.

use std::io::Write;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use sou::index::writer::Moved;
use sou::ingest::{Lost, Problem};
use sou::update::{Pass, Progress, Tally};

use super::count_of;

/// Progress on a terminal: a bar over the input bytes; problems printed above it.
pub struct Bar {
    bar: ProgressBar,
    show: bool,
    quiet: bool,
    files: usize,
    /// Moved ids told so far: after [`MOVED_TOLD`], one line says the rest are counted.
    moved: usize,
}

/// How many ids that moved between files are named one by one: a file that repeats
/// another one's ids would otherwise print a line per record.
const MOVED_TOLD: usize = 20;

impl Bar {
    /// A bar drawn when `show`; problems printed unless `quiet`.
    pub fn new(show: bool, quiet: bool) -> Bar {
        Bar { bar: ProgressBar::hidden(), show, quiet, files: 0, moved: 0 }
    }
}

impl Bar {
    fn message(&self, n: usize, added: usize) -> String {
        format!("file {n}/{} · {}", self.files, count_of(added, "document"))
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
            self.bar.set_message(count_of(added, "document"));
        }
    }
    fn read(&mut self, read: u64) {
        self.bar.set_position(read);
    }
    fn problem(&mut self, p: &Problem) {
        self.say(format!("sou: {}{p}", if p.lost == Lost::Nothing { "warning: " } else { "" }));
    }
    fn moved(&mut self, path: &str, line: usize, m: &Moved) {
        self.moved += 1;
        if self.moved <= MOVED_TOLD {
            self.say(format!("sou: warning: {path}:{line}: id {} was also in {}; replaced", m.id, m.from));
        } else if self.moved == MOVED_TOLD + 1 {
            self.say(format!(
                "sou: warning: {path}:{line}: more ids were also in other files; replaced (the summary counts them)"
            ));
        }
    }
    fn done(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Prints the warnings of paths skipped whole and of files gone.
pub fn report_paths(pass: &Pass, strict: bool, prune: bool) {
    let prefix = if strict { "" } else { "warning: " };
    for u in &pass.tally.unreadable {
        eprintln!("sou: {prefix}{u}; skipped");
    }
    let mut dirs: Vec<&str> = pass.gone.iter().map(|g| g.dir.as_str()).collect();
    dirs.dedup();
    for dir in dirs {
        let (files, docs) =
            pass.gone.iter().filter(|g| g.dir == dir).fold((0, 0), |(f, d), g| (f + 1, d + g.documents));
        let (is, them) = if files == 1 { ("is", "it") } else { ("are", "them") };
        let (files, docs) = (count_of(files, "file"), count_of(docs as usize, "document"));
        if prune {
            eprintln!("sou: removed {files} under {dir} that {is} gone ({docs})");
        } else {
            eprintln!("sou: {files} under {dir} {is} gone ({docs}); --prune removes {them}");
        }
    }
}

/// The summary line of a pass.
pub fn summary(pass: &Pass, secs: f64, index_dir: &Path) -> String {
    let t = &pass.tally;
    let mut notes = Vec::new();
    if pass.replaced > 0 {
        notes.push(format!("{} replaced by a later record with the same id", pass.replaced));
    }
    if t.moved > 0 {
        notes.push(format!("{} moved from another file", count_of(t.moved, "id")));
    }
    let mut skipped = vec![format!("{} skipped", t.skipped)];
    if t.unknown_loss {
        skipped.push("an unknown number lost after an error, see above".into());
    }
    if !t.unreadable.is_empty() {
        skipped.push(format!("{} unreadable", count_of(t.unreadable.len(), "path")));
    }
    let notes: String = notes.iter().map(|n| format!(", {n}")).collect();
    let (new, changed, same) = pass.counts;
    let files: Vec<String> = [(new, "new"), (changed, "changed"), (same, "unchanged")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    let formats = formats(&t.formats);
    let files = match (files.is_empty(), formats.is_empty()) {
        (true, _) => " (no files)".to_string(),
        (false, true) => format!(" ({})", files.join(", ")),
        (false, false) => format!(" ({}; {formats})", files.join(", ")),
    };
    let mb = t.bytes as f64 / 1e6;
    format!(
        "sou: indexed {} ({}{notes}) from {}{files}, {mb:.1} MB in {secs:.2} s ({:.1} MB/s) into {}",
        count_of(pass.added, "document"),
        skipped.join(", "),
        count_of(new + changed, "file"),
        mb / secs.max(1e-9),
        index_dir.display()
    )
}

/// The formats worth naming, e.g. `2 gzip, 1 zip with 30 members, 3 html`; empty when
/// every input was JSON, CSV or plain text.
fn formats(counts: &std::collections::BTreeMap<&'static str, (usize, usize)>) -> String {
    counts
        .iter()
        .map(|(&name, &(n, parts))| match name {
            "zip" | "tar" => format!("{n} {name} with {}", count_of(parts, "member")),
            "warc" => format!("{n} {name} with {}", count_of(parts, "page")),
            "feed" => format!("{} with {}", count_of(n, "feed"), count_of(parts, "item")),
            _ => format!("{n} {name}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What `--strict` refuses, in words.
pub fn strict_failure(t: &Tally) -> String {
    match (t.skipped + usize::from(t.unknown_loss), t.unreadable.len()) {
        (0, n) => count_of(n, "unreadable path"),
        (_, 0) if t.unknown_loss => "malformed input".to_string(),
        (_, 0) => count_of(t.skipped, "malformed record"),
        (_, n) => format!("malformed records and {}", count_of(n, "unreadable path")),
    }
}
