//! `sou search`: ask the engine — the local index, or with `--engine` a cluster holding
//! an export of it — and hand the result to the printer; also the counting views of a
//! result set: `--count`, `--histogram`, `--by`; `-i` hands over to the TUI.

use anyhow::Result;

use sou::engine::{Backend, Page, Selection, Sort};
use sou::names::Named;

use crate::app::cli::{By, Globals, SearchArgs};
use crate::app::output::{printer, svg, Format, Out};
use crate::app::settings;

/// Runs `sou search`: whether anything matched.
pub fn run(globals: &Globals, args: &SearchArgs) -> Result<bool> {
    if args.interactive {
        // The query may be unfinished: the TUI shows what is wrong with it as it is edited.
        let sel = settings::selection(None, &args.filters)?;
        let query = args.query.as_deref().unwrap_or("");
        let ids_from = args.filters.ids_from.as_ref().map(|f| f.display().to_string());
        return crate::app::tui::run(
            globals,
            query,
            &sel,
            if args.reverse { args.sort.reversed() } else { args.sort },
            args.print,
            ids_from,
        );
    }
    if args.query.is_none() && !args.filters.selects() {
        anyhow::bail!(
            "give a query, or filters to list what they select (--since, --until, --source, --author, --title, --ids-from): e.g. `sou search 人工智能` or `sou search --source 新华社 --since 2019-12`"
        );
    }
    let sel = settings::selection(args.query.as_deref(), &args.filters)?;
    if let Some(path) = &args.plot {
        svg::check_target(path)?;
    }
    if let Some(remote) = super::remote(globals, &args.engine)? {
        if args.explain {
            eprintln!("sou: note: --explain describes the local index only; the cluster is not asked");
        }
        return answer(remote.as_ref(), &sel, globals, args);
    }
    let engine = super::open_for(globals, &sel)?;
    let found = answer(&engine, &sel, globals, args)?;
    if args.explain {
        let e = engine.explain(&sel)?;
        let looked = match e.candidates {
            Some(c) => format!("{c} candidates from the index, their text checked"),
            None => "the index answered alone (no text checked)".to_string(),
        };
        eprintln!("sou: explain: {looked}; {} matching of {} documents", e.matches, e.documents);
    }
    super::release_at_exit(engine);
    Ok(found)
}

/// Asks `engine` what the arguments ask and prints it.
fn answer(engine: &dyn Backend, sel: &Selection, globals: &Globals, args: &SearchArgs) -> Result<bool> {
    let config = settings::output(globals, args.format, args.json, engine.tz());
    let columns = args.fields.clone().map(|f| f.0).or_else(|| config.collapsed_columns().filter(|_| sel.collapse));
    let config = settings::with_columns(config, columns);
    let table = config.format == Format::Table;
    let fields = config.fields_needed();
    let occurrences = config.wants_occurrences();
    let stories = config.wants_stories();
    let mut p = printer(Out::stdout(config));
    // --histogram and --by are counts already: with --count they still break it down.
    let found = if let Some(period) = args.histogram {
        let h = engine.histogram(sel, Some(period))?;
        p.histogram(&h)?;
        if let Some(path) = &args.plot {
            let periods: Vec<String> = h.buckets.iter().map(|b| b.key.clone().unwrap_or_default()).collect();
            let values: Vec<f64> = h.buckets.iter().map(|b| b.count as f64).collect();
            let name = args.query.clone().unwrap_or_default();
            let title = format!("{name} — by {}", period.name());
            let drawing = svg::chart(&title, "matching documents", &periods, &[(name, values)], svg::Kind::Bars);
            svg::write(path, &drawing)?;
        }
        h.dated > 0
    } else if let Some(by) = args.by {
        let rows = match by {
            By::Field(f) => engine.breakdown(sel, f)?,
            By::FirstSource => engine.first_sources(sel)?,
        };
        p.counts(by.name(), &rows)?;
        !rows.is_empty()
    } else if args.count {
        let n = engine.count(sel)?;
        p.count(n)?;
        n > 0
    } else {
        // Without a query nothing is more relevant than anything else: newest first.
        let sort = if args.query.is_none() && args.sort == Sort::Score { Sort::Date } else { args.sort };
        let sort = if args.reverse { sort.reversed() } else { sort };
        let page = Page { limit: args.limit, offset: args.offset, sort, fields, occurrences, stories };
        let mut hits = engine.search(sel, page, table)?;
        if hits.hits.is_empty() && hits.total.is_none() {
            hits.total = Some(engine.count(sel)?);
        }
        p.hits(&hits)?;
        hits.total.unwrap_or(hits.hits.len()) > 0
    };
    p.finish()?;
    Ok(found)
}
