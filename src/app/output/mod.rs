//! Printers: one per output format (table, TSV, CSV, JSON Lines, ids), each turning
//! the engine's results into bytes and knowing nothing about searching (after
//! ripgrep's printer/searcher split). A command asks the engine and hands the result
//! to [`printer`]'s printer.

pub mod chart;
pub mod columns;
mod delimited;
pub mod jsonl;
pub mod kwic;
pub mod progress;
pub mod stories;
pub mod svg;
mod table;
pub mod text;
pub mod trend;

use std::io::{self, Write};

use sou::article::{Article, Field, FieldSet, FIELDS};
use sou::engine::{Bucket, Copy, Dup, Histogram, Hits, Keywords, Line, Stats, Trend};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people (the default on a terminal).
    Table,
    /// Tab-separated `id, date, source, score, title`, no header (the default in a pipe).
    Tsv,
    /// One JSON object per hit.
    Jsonl,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// CSV for a spreadsheet: a UTF-8 byte order mark first (Excel reads Chinese right),
    /// and cells starting `= + - @` prefixed with `'` (never run as formulas).
    ExcelCsv,
    /// One document id a line.
    Ids,
}

/// An error already told to the user on stderr, in its own words: `main` exits with the
/// error status without printing it again.
#[derive(Debug)]
pub struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("reported above")
    }
}

impl std::error::Error for Reported {}

/// `n` and the noun, singular for one: "1 document", "2 documents".
pub fn count_of(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    // story → stories, day → days.
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// The label of the documents without a value in a breakdown (`--by source`); JSON
/// prints `null`.
pub const NONE: &str = "(none)";

/// Display columns of the snippet in TSV, CSV and JSON output.
pub const SNIPPET_WIDTH: usize = 160;

/// How printers print: resolved once from the arguments (`crate::app::settings`) and
/// the engine's time zone.
#[derive(Clone, Debug)]
pub struct Config {
    /// Output format.
    pub format: Format,
    /// Whether to colour standard output.
    pub color: bool,
    /// Width of the terminal (or `COLUMNS`, or 100).
    pub width: usize,
    /// The zone dates are shown in.
    pub tz: jiff::tz::TimeZone,
    /// Columns of table, TSV and CSV output (`None`: the format's default).
    pub columns: Option<Vec<columns::Column>>,
    /// Characters of context on each side of a concordance line.
    pub context: usize,
}

impl Config {
    /// The fields printing hits reads: those of the columns shown (the text, from the
    /// document store, only for a snippet); JSON's keys; the id alone for ids.
    pub fn fields_needed(&self) -> FieldSet {
        let of = |cols: &[columns::Column]| {
            cols.iter().fold(FieldSet::NONE, |set, c| match c {
                columns::Column::Field(f) => set.with(*f),
                columns::Column::Snippet => set.with(Field::Content),
                _ => set,
            })
        };
        match self.format {
            Format::Jsonl => FIELDS
                .iter()
                .filter(|s| s.in_hit_json)
                .fold(FieldSet::of(&[Field::Content]), |set, s| set.with(s.field)),
            Format::Table => of(self.columns.as_deref().unwrap_or(&table::DEFAULT)),
            Format::Tsv | Format::Csv | Format::ExcelCsv => of(self.columns.as_deref().unwrap_or(&delimited::DEFAULT)),
            Format::Ids => FieldSet::of(&[Field::Id]),
        }
    }

    /// Whether hits are to carry their occurrence counts: `--fields …,occurrences` (in
    /// JSON too, as the key `occurrences`).
    pub fn wants_occurrences(&self) -> bool {
        self.columns.as_ref().is_some_and(|c| c.contains(&columns::Column::Occurrences))
    }

    /// The default columns of a collapsed result (`--collapse`): the format's own with
    /// each story's copies (and, in TSV/CSV, its id and first copy); `None` for formats
    /// without columns.
    pub fn collapsed_columns(&self) -> Option<Vec<columns::Column>> {
        use columns::Column;
        match self.format {
            Format::Table => {
                let mut cols = table::DEFAULT.to_vec();
                cols.insert(1, Column::Copies);
                Some(cols)
            }
            Format::Tsv | Format::Csv | Format::ExcelCsv => {
                let extra = [Column::Story, Column::Copies, Column::FirstDate, Column::FirstSource];
                Some(delimited::DEFAULT.iter().copied().chain(extra).collect())
            }
            Format::Jsonl | Format::Ids => None,
        }
    }

    /// Whether hits are to say which story they belong to: `--fields …,story`.
    pub fn wants_stories(&self) -> bool {
        self.columns.as_ref().is_some_and(|c| c.contains(&columns::Column::Story))
    }
}

/// Where a printer writes, and how.
pub struct Out {
    /// Standard output, buffered.
    pub w: Box<dyn Write>,
    /// How to print.
    pub config: Config,
}

impl Out {
    /// Buffered standard output.
    pub fn stdout(config: Config) -> Out {
        Out { w: Box::new(io::BufWriter::new(io::stdout().lock())), config }
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
        text::stats(&mut out.w, s, &out.config.tz)
    }

    /// The other copies of a document's story.
    fn copies(&mut self, copies: &[Copy]) -> io::Result<()> {
        let out = self.out();
        stories::copies_tsv(&mut out.w, copies, &out.config.tz)
    }

    /// The largest stories of a selection.
    fn dups(&mut self, dups: &[Dup]) -> io::Result<()> {
        let out = self.out();
        stories::dups_tsv(&mut out.w, dups, &out.config.tz)
    }

    /// One whole article.
    fn article(&mut self, a: &Article) -> io::Result<()> {
        let out = self.out();
        text::article(&mut out.w, &out.config.tz, a, &text::Marks::none())
    }

    /// Before the first concordance line (a header, for formats that have one).
    fn kwic_start(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// One concordance line: TSV `id, date, source, left, match, right`.
    fn kwic_line(&mut self, l: &Line) -> io::Result<()> {
        kwic::tsv(&mut self.out().w, l)
    }

    /// The number of concordance lines and of documents they are in.
    fn kwic_count(&mut self, lines: usize, docs: usize) -> io::Result<()> {
        writeln!(self.out().w, "{lines}\t{docs}")
    }

    /// Several queries over time (`names` are the queries); `share` divides each count by
    /// all documents of its period: TSV with a header row.
    fn trend(&mut self, t: &Trend, names: &[String], share: bool) -> io::Result<()> {
        trend::tsv(&mut self.out().w, t, names, share)
    }
}

/// The printer of the configured format, writing to `out`.
pub fn printer(out: Out) -> Box<dyn Printer> {
    match out.config.format {
        Format::Table => Box::new(table::Table(out)),
        Format::Tsv => Box::new(delimited::Tsv(out)),
        Format::Csv => Box::new(delimited::Csv::new(out, false)),
        Format::ExcelCsv => Box::new(delimited::Csv::new(out, true)),
        Format::Jsonl => Box::new(jsonl::Jsonl(out)),
        Format::Ids => Box::new(delimited::Ids(out)),
    }
}
