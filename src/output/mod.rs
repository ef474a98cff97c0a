//! Printers: one per output format (table, TSV, CSV, JSON Lines, ids), each turning
//! the engine's results into bytes and knowing nothing about searching (after
//! ripgrep's printer/searcher split). A command asks the engine and hands the result
//! to [`printer`]'s printer.

pub mod chart;
pub mod columns;
mod delimited;
pub mod jsonl;
pub mod kwic;
pub mod svg;
mod table;
pub mod text;
pub mod trend;

use std::io::{self, Write};

use sou::article::Article;
use sou::engine::{Bucket, Histogram, Hits, Keywords, Stats};

use crate::cli::Format;
use crate::settings::Settings;

/// The label of the documents without a value in a breakdown (`--by source`); JSON
/// prints `null`.
pub const NONE: &str = "(none)";

/// Display columns of the snippet in TSV, CSV and JSON output.
pub const SNIPPET_WIDTH: usize = 160;

/// Where a printer writes, and how.
pub struct Out {
    /// Standard output, buffered.
    pub w: Box<dyn Write>,
    /// The resolved settings.
    pub settings: Settings,
}

impl Out {
    /// Buffered standard output.
    pub fn stdout(settings: Settings) -> Out {
        Out { w: Box::new(io::BufWriter::new(io::stdout().lock())), settings }
    }
}

/// Writes results in one format. The defaults are the plain-text forms that several
/// formats share.
pub trait Printer {
    /// Where it writes.
    fn out(&mut self) -> &mut Out;

    /// Writes out what is buffered.
    fn finish(&mut self) -> io::Result<()> {
        self.out().w.flush()
    }

    /// A page of hits.
    fn hits(&mut self, hits: &Hits) -> io::Result<()>;

    /// A number of matching documents.
    fn count(&mut self, n: usize) -> io::Result<()> {
        writeln!(self.out().w, "{n}")
    }

    /// Counts per key (`key` names the key: "period", "source").
    fn counts(&mut self, key: &str, rows: &[Bucket]) -> io::Result<()> {
        let _ = key;
        delimited::counts_tsv(&mut self.out().w, rows)
    }

    /// Matching documents per period.
    fn histogram(&mut self, h: &Histogram) -> io::Result<()> {
        self.counts("period", &h.buckets)
    }

    /// Keywords.
    fn keywords(&mut self, k: &Keywords) -> io::Result<()> {
        delimited::keywords_tsv(&mut self.out().w, k)
    }

    /// What the index holds.
    fn stats(&mut self, s: &Stats) -> io::Result<()> {
        let out = self.out();
        text::stats(&mut out.w, s, &out.settings.tz)
    }

    /// One whole article.
    fn article(&mut self, a: &Article) -> io::Result<()> {
        let out = self.out();
        text::article(&mut out.w, &out.settings.tz, a)
    }
}

/// The printer of the settings' format, writing to `out`.
pub fn printer(out: Out) -> Box<dyn Printer> {
    match out.settings.format {
        Format::Table => Box::new(table::Table(out)),
        Format::Tsv => Box::new(delimited::Tsv(out)),
        Format::Csv => Box::new(delimited::Csv(out)),
        Format::Jsonl => Box::new(jsonl::Jsonl(out)),
        Format::Ids => Box::new(delimited::Ids(out)),
    }
}
