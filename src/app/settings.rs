//! The arguments resolved once (after ripgrep's `HiArgs`, fd's `Config`, uv's
//! `Settings::resolve`): the output [`Config`] a command prints with — format, colour,
//! width, columns and the zone of the engine that answers — and the library's
//! [`Selection`] of documents, built from the filter flags by their names. Commands and
//! printers read these, never the raw arguments or the environment.

use std::io::IsTerminal;

use anyhow::{anyhow, Result};
use jiff::tz::TimeZone;

use sou::article::Field;
use sou::engine::Selection;

use sou::update::Request;

use super::cli::{ColorChoice, FilterArgs, Globals, IndexArgs};
use super::output::columns::Column;
use super::output::{Config, Format};

/// The output of a command: `format` and `json` are its own flags, `columns` its
/// `--fields`, `tz` the zone of the engine that answers (the index's, or `--tz`).
pub fn output(globals: &Globals, format: Option<Format>, json: bool, tz: &TimeZone) -> Config {
    let stdout_terminal = std::io::stdout().is_terminal();
    let format = match (json, format) {
        (true, _) => Format::Jsonl,
        (false, Some(f)) => f,
        (false, None) if stdout_terminal => Format::Table,
        _ => Format::Tsv,
    };
    let color = wants_color(globals.color, stdout_terminal);
    Config { format, color, width: terminal_width(), tz: tz.clone(), columns: None, context: 0 }
}

/// The same output with these columns (`--fields`).
pub fn with_columns(config: Config, columns: Option<Vec<Column>>) -> Config {
    Config { columns, ..config }
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

/// The filter flags as the (name, value) pairs the library's selection is built from.
pub fn filter_pairs(args: &FilterArgs) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    for (name, value) in [("since", &args.since), ("until", &args.until), ("title", &args.title)] {
        if let Some(v) = value {
            pairs.push((name, v.clone()));
        }
    }
    for (field, values) in [(Field::Source, &args.source), (Field::Author, &args.author)] {
        pairs.extend(values.iter().map(|v| (field.name(), v.clone())));
    }
    if args.word {
        pairs.push(("word", "true".to_string()));
    }
    if args.variants {
        pairs.push(("variants", "true".to_string()));
    }
    if args.collapse {
        pairs.push(("collapse", "true".to_string()));
    }
    pairs
}

/// The documents a command selects: the query (parsed) and the filter flags. A bad
/// value names its flag (`--since: …`); a bad query points at its column.
/// What the parser read differently from what was typed is a note on stderr.
pub fn selection(query: Option<&str>, args: &FilterArgs) -> Result<Selection> {
    let pairs = filter_pairs(args);
    let mut sel = Selection::build(query, pairs.iter().map(|(n, v)| (*n, v.as_str()))).map_err(|e| match e.parse {
        Some(p) => anyhow::Error::new(p),
        None => anyhow!("--{}: {}", e.name, e.message),
    })?;
    for note in sel.query.iter().flat_map(|q| &q.notes) {
        eprintln!("sou: note: {note}");
    }
    if let Some(file) = &args.ids_from {
        sel.ids = Some(ids_from(file)?);
    }
    Ok(sel)
}

/// The ids a file (or standard input, `-`) lists: one a line, the first column of a TSV
/// line; blank lines skipped, repeats kept once.
fn ids_from(file: &std::path::Path) -> Result<Vec<String>> {
    use anyhow::Context;
    use std::io::Read;
    let mut text = String::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).context("--ids-from: cannot read standard input")?;
    } else {
        let bytes = std::fs::read(file).with_context(|| format!("--ids-from: cannot read '{}'", file.display()))?;
        text = String::from_utf8(bytes).map_err(|e| {
            anyhow!("--ids-from: '{}' is not UTF-8 text (byte {})", file.display(), e.utf8_error().valid_up_to() + 1)
        })?;
    }
    let mut seen = std::collections::HashSet::new();
    Ok(text
        .lines()
        .filter_map(|l| l.split('\t').next().map(str::trim))
        .filter(|id| !id.is_empty() && seen.insert(id.to_string()))
        .map(str::to_string)
        .collect())
}

/// The library's update request of `sou index`'s arguments.
pub fn update_request(globals: &Globals, args: &IndexArgs) -> Request {
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
        dup_threshold: args.dup_threshold,
    }
}
