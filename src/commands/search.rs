//! `sou search`: parse, compile, run, print; exit 0 when something matched, 1 otherwise.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::{anyhow, Result};
use tantivy::ReloadPolicy;

use crate::analysis::dictionary::Dictionary;
use crate::cli::SearchArgs;
use crate::index;
use crate::ingest::dates;
use crate::output::{self, Format};
use crate::query::build::{compile, Filters};
use crate::query::parse::parse;
use crate::search;

/// Parses `--since`/`--until` into a half-open range of instants.
pub fn date_filters(
    since: Option<&str>,
    until: Option<&str>,
    tz: &jiff::tz::TimeZone,
) -> Result<Filters> {
    let mut f = Filters::default();
    if let Some(s) = since {
        let (first, _) = dates::parse_day_range(s).map_err(|e| anyhow!("--since: {e}"))?;
        f.since = Some(dates::start_of_day(first, tz));
    }
    if let Some(u) = until {
        let (_, last) = dates::parse_day_range(u).map_err(|e| anyhow!("--until: {e}"))?;
        f.before = last.tomorrow().ok().map(|d| dates::start_of_day(d, tz));
    }
    Ok(f)
}

/// Runs `sou search`.
pub fn run(index_dir: &Path, args: &SearchArgs) -> Result<i32> {
    let tz = dates::default_tz();
    let parsed = parse(&args.query)?;
    let mut filters = date_filters(args.since.as_deref(), args.until.as_deref(), &tz)?;
    filters.sources = args.source.clone();
    filters.title = args.title.clone();
    let idx = index::open(index_dir)?;
    let dict = Dictionary::load(index_dir)?;
    let compiled = compile(&parsed, &filters, &idx.fields, &dict)?;
    let reader = idx
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.count {
        let n = search::count(&searcher, compiled.query.as_ref())?;
        writeln!(out, "{n}")?;
        out.flush()?;
        return Ok(if n > 0 {
            super::FOUND
        } else {
            super::NOT_FOUND
        });
    }
    let format = match (args.json, args.format) {
        (true, _) => Format::Jsonl,
        (false, Some(f)) => f,
        (false, None) if io::stdout().is_terminal() => Format::Table,
        _ => Format::Tsv,
    };
    let hits = search::top(
        &searcher,
        &idx.fields,
        compiled.query.as_ref(),
        args.limit,
        args.offset,
        args.sort,
    )?;
    let total = if format == Format::Table || hits.is_empty() {
        search::count(&searcher, compiled.query.as_ref())?
    } else {
        hits.len()
    };
    match format {
        Format::Table => {
            if total == 0 {
                writeln!(out, "no matching documents")?;
            } else {
                let color = args.color.enabled();
                let width = output::table::terminal_width();
                output::table::write(
                    &mut out,
                    &hits,
                    &compiled.highlights,
                    &tz,
                    color,
                    width,
                    total,
                )?;
            }
        }
        Format::Tsv => output::tsv::write(&mut out, &hits, &tz)?,
        Format::Jsonl => output::jsonl::write(&mut out, &hits, &compiled.highlights, &tz)?,
    }
    out.flush()?;
    Ok(if total > 0 {
        super::FOUND
    } else {
        super::NOT_FOUND
    })
}
