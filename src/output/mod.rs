//! Printers: one per output format, each a sink for hits that knows nothing about
//! searching (after ripgrep's printer/searcher split).

pub mod chart;
pub mod columns;
pub mod jsonl;
pub mod sanitize;
pub mod table;
pub mod tsv;

use std::io::IsTerminal;

use jiff::tz::TimeZone;

use crate::ingest::dates::day_string;

/// Output format of `sou search`.
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
    /// One document id a line.
    Ids,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set or TERM is dumb.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour standard output.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        }
    }
}

/// A document's date as `YYYY-MM-DD` in the index's time zone.
pub fn day(ts: Option<jiff::Timestamp>, tz: &TimeZone) -> Option<String> {
    ts.map(|t| day_string(t, tz))
}
