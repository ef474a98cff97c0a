//! `sou search`: parse, compile, run, print; exit 0 when something matched, 1 otherwise.
//! Also the counting views of a result set: `--count`, `--histogram`, `--by source`.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::{anyhow, Result};
use jiff::tz::TimeZone;
use serde_json::json;
use tantivy::{ReloadPolicy, Searcher};

use crate::aggregate;
use crate::analysis::dictionary::Dictionary;
use crate::cli::{By, FilterArgs, SearchArgs};
use crate::index::{self, SouIndex};
use crate::ingest::dates;
use crate::output::{self, columns::Column, Format};
use crate::query::build::{compile, query_segmenter, Compiled, Filters};
use crate::query::parse::parse;
use crate::search;

/// Parses the filter flags into filters over instants in `tz`.
pub fn filters(args: &FilterArgs, tz: &TimeZone) -> Result<Filters> {
    let mut f = Filters::default();
    if let Some(s) = &args.since {
        let (first, _) = dates::parse_day_range(s).map_err(|e| anyhow!("--since: {e}"))?;
        f.since = Some(dates::start_of_day(first, tz));
        f.first_day = Some(first);
    }
    if let Some(u) = &args.until {
        let (_, last) = dates::parse_day_range(u).map_err(|e| anyhow!("--until: {e}"))?;
        f.before = last.tomorrow().ok().map(|d| dates::start_of_day(d, tz));
        f.last_day = Some(last);
    }
    f.sources = args.source.clone();
    f.title = args.title.clone();
    Ok(f)
}

/// An opened index with a searcher and the query compiled against it.
pub struct Prepared {
    pub index: SouIndex,
    pub searcher: Searcher,
    pub compiled: Compiled,
    pub filters: Filters,
}

/// Opens the index in `dir` and compiles `query` (None = every document) with `filters`.
pub fn prepare(
    dir: &Path,
    query: Option<&str>,
    filter_args: &FilterArgs,
    tz: &TimeZone,
    ranked: bool,
) -> Result<Prepared> {
    let parsed = match query {
        Some(q) => parse(q)?,
        None => Default::default(),
    };
    let filters = filters(filter_args, tz)?;
    let index = index::open(dir)?;
    let words = if ranked { Some(query_segmenter(&parsed, &Dictionary::load(dir)?)) } else { None };
    let compiled = compile(&parsed, &filters, &index.fields, words.as_ref())?;
    let reader = index.index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    Ok(Prepared { index, searcher, compiled, filters })
}

/// The format counting views print in.
fn count_format(args: &SearchArgs) -> Format {
    match (args.json, args.format) {
        (true, _) => Format::Jsonl,
        (false, Some(f)) => f,
        (false, None) if io::stdout().is_terminal() => Format::Table,
        _ => Format::Tsv,
    }
}

/// Prints (label, count) rows as bars, TSV or JSON Lines (`key` names the label).
fn print_counts(out: &mut dyn Write, rows: &[(String, u64)], key: &str, args: &SearchArgs) -> Result<()> {
    match count_format(args) {
        Format::Jsonl => {
            for (label, count) in rows {
                serde_json::to_writer(&mut *out, &json!({ key: label, "count": count }))?;
                out.write_all(b"\n")?;
            }
        }
        Format::Table => {
            let width = output::table::terminal_width() as usize;
            output::chart::write(out, rows, width, args.color.enabled())?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([key, "count"])?;
            for (label, count) in rows {
                w.write_record([label.as_str(), &count.to_string()])?;
            }
            w.flush()?;
        }
        Format::Tsv | Format::Ids => {
            for (label, count) in rows {
                writeln!(out, "{}\t{count}", output::sanitize::clean(label))?;
            }
        }
    }
    Ok(())
}

/// Runs `sou search`.
pub fn run(index_dir: &Path, args: &SearchArgs) -> Result<i32> {
    let tz = dates::default_tz();
    let ranked = !args.count && args.histogram.is_none() && args.by.is_none();
    let p = prepare(index_dir, Some(&args.query), &args.filters, &tz, ranked)?;
    let query = p.compiled.query.as_ref();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let found = |n: usize| if n > 0 { super::FOUND } else { super::NOT_FOUND };

    if args.count {
        let n = search::count(&p.searcher, query)?;
        writeln!(out, "{n}")?;
        out.flush()?;
        super::release_at_exit(p);
        return Ok(found(n));
    }
    if let Some(period) = args.histogram {
        let days = aggregate::per_day(&p.searcher, query, &tz)?;
        let rows = aggregate::histogram(&days, period, p.filters.first_day, p.filters.last_day);
        print_counts(&mut out, &rows, "period", args)?;
        if count_format(args) == Format::Table {
            let dated: u64 = days.iter().map(|d| d.1).sum();
            let undated = search::count(&p.searcher, query)? as u64 - dated;
            if undated > 0 {
                writeln!(out, "({undated} matching documents without a date are not counted)")?;
            }
        }
        out.flush()?;
        return Ok(found(days.iter().map(|d| d.1 as usize).sum()));
    }
    if let Some(By::Source) = args.by {
        let rows = aggregate::per_source(&p.searcher, query)?;
        print_counts(&mut out, &rows, "source", args)?;
        out.flush()?;
        return Ok(found(rows.len()));
    }

    let format = count_format(args);
    let hits = search::top(&p.searcher, &p.index.fields, query, args.limit, args.offset, args.sort)?;
    let total =
        if format == Format::Table || hits.is_empty() { search::count(&p.searcher, query)? } else { hits.len() };
    let literals = &p.compiled.highlights;
    let cols = |default: &[Column]| args.fields.as_ref().map_or(default.to_vec(), |f| f.0.clone());
    match format {
        Format::Table => {
            if total == 0 {
                writeln!(out, "no matching documents")?;
            } else {
                let style = output::table::Look { color: args.color.enabled(), width: output::table::terminal_width() };
                output::table::write(&mut out, &hits, &cols(&output::table::DEFAULT), literals, &tz, &style, total)?;
            }
        }
        Format::Tsv => output::tsv::write(&mut out, &hits, &cols(&output::tsv::DEFAULT), literals, &tz)?,
        Format::Csv => output::tsv::write_csv(&mut out, &hits, &cols(&output::tsv::DEFAULT), literals, &tz)?,
        Format::Ids => output::tsv::write(&mut out, &hits, &[Column::Id], literals, &tz)?,
        Format::Jsonl => output::jsonl::write(&mut out, &hits, literals, &tz)?,
    }
    out.flush()?;
    super::release_at_exit(p);
    Ok(found(total))
}
