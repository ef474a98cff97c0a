//! Settings resolved once from the parsed command line (after ripgrep's `HiArgs` and
//! fd's `Config`): output format, colour, width, time zone, columns, and the selection
//! of documents a command is about. Commands and printers read these, never the raw
//! arguments or the environment.

use std::io::IsTerminal;

use anyhow::{anyhow, Result};
use jiff::tz::TimeZone;

use sou::article::Field;
use sou::dates;
use sou::engine::Selection;

use crate::cli::{self, ColorChoice, FilterArgs, Format};
use crate::output::columns::Column;

/// How a command prints.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Output format.
    pub format: Format,
    /// Whether to colour standard output.
    pub color: bool,
    /// Width of the terminal (or `COLUMNS`, or 100).
    pub width: usize,
    /// The zone dates are shown and filtered in.
    pub tz: TimeZone,
    /// Columns of table, TSV and CSV output (`None`: the format's default).
    pub columns: Option<Vec<Column>>,
}

impl Settings {
    /// Settings from the global flags; `format` and `json` are the command's own flags.
    pub fn resolve(cli: &cli::Cli, format: Option<Format>, json: bool) -> Settings {
        let stdout_terminal = std::io::stdout().is_terminal();
        let format = match (json, format) {
            (true, _) => Format::Jsonl,
            (false, Some(f)) => f,
            (false, None) if stdout_terminal => Format::Table,
            _ => Format::Tsv,
        };
        let color = wants_color(cli.color, stdout_terminal);
        Settings { format, color, width: terminal_width(), tz: dates::default_tz(), columns: None }
    }

    /// The same settings showing dates in `tz` (the engine's zone).
    pub fn in_zone(mut self, tz: &TimeZone) -> Settings {
        self.tz = tz.clone();
        self
    }

    /// The same settings with these columns.
    pub fn with_columns(mut self, columns: Option<Vec<Column>>) -> Settings {
        self.columns = columns;
        self
    }
}

/// Whether to colour output that goes to a terminal (`terminal`) or not: `--color`,
/// then `NO_COLOR` and `TERM=dumb` for auto.
pub fn wants_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Width of the terminal, or `COLUMNS`, or 100.
fn terminal_width() -> usize {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return w as usize;
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|w| *w >= 20).unwrap_or(100)
}

/// The documents a command selects: the query (parsed) and the filter flags.
pub fn selection(query: Option<&str>, args: &FilterArgs) -> Result<Selection> {
    let mut sel = Selection::new(query)?;
    if let Some(s) = &args.since {
        sel.since = Some(dates::parse_day_range(s).map_err(|e| anyhow!("--since: {e}"))?.0);
    }
    if let Some(u) = &args.until {
        sel.until = Some(dates::parse_day_range(u).map_err(|e| anyhow!("--until: {e}"))?.1);
    }
    sel.values = vec![(Field::Source, args.source.clone()), (Field::Author, args.author.clone())];
    sel.title = args.title.clone();
    sel.whole_words = args.word;
    Ok(sel)
}
