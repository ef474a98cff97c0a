//! `sou search`: ask the engine — the local index, or with `--engine` a cluster holding
//! an export of it — and hand the result to the printer; exit 0 when something matched,
//! 1 otherwise. Also the counting views of a result set: `--count`, `--histogram`,
//! `--by`.

use anyhow::{Context, Result};

use sou::engine::{Backend, Engine, Page, Selection};

use crate::cli::{Cli, Format, SearchArgs};
use crate::output::{printer, svg, Out};
use crate::settings::{selection, Settings};

/// Runs `sou search`.
pub fn run(cli: &Cli, args: &SearchArgs) -> Result<i32> {
    let settings = Settings::resolve(cli, args.format, args.json).with_columns(args.fields.clone().map(|f| f.0));
    if args.interactive {
        return crate::tui::run(cli, args);
    }
    let sel = selection(args.query.as_deref(), &args.filters)?;
    if let Some(remote) = super::remote(cli, &args.engine)? {
        return answer(remote.as_ref(), &sel, args, settings);
    }
    let engine = Engine::open(&cli.index, cli.tz.clone())?;
    let code = answer(&engine, &sel, args, settings)?;
    super::release_at_exit(engine);
    Ok(code)
}

/// Asks `engine` what the arguments ask and prints it.
fn answer(engine: &dyn Backend, sel: &Selection, args: &SearchArgs, settings: Settings) -> Result<i32> {
    let settings = settings.in_zone(engine.tz());
    let table = settings.format == Format::Table;
    let mut p = printer(Out::stdout(settings));
    let found = |n: usize| if n > 0 { super::FOUND } else { super::NOT_FOUND };

    let code = if args.count {
        let n = engine.count(sel)?;
        p.count(n)?;
        found(n)
    } else if let Some(period) = args.histogram {
        let h = engine.histogram(sel, Some(period))?;
        p.histogram(&h)?;
        if let Some(path) = &args.plot {
            let periods: Vec<String> = h.buckets.iter().map(|b| b.key.clone().unwrap_or_default()).collect();
            let values: Vec<f64> = h.buckets.iter().map(|b| b.count as f64).collect();
            let name = args.query.clone().unwrap_or_default();
            let title = format!("{name} — by {}", sou::names::Named::name(period));
            let drawing = svg::chart(&title, "matching documents", &periods, &[(name, values)], svg::Kind::Bars);
            std::fs::write(path, drawing).with_context(|| format!("cannot write '{}'", path.display()))?;
        }
        found(h.dated as usize)
    } else if let Some(by) = args.by {
        let rows = engine.breakdown(sel, by)?;
        p.counts(by.name(), &rows)?;
        found(rows.len())
    } else {
        let page = Page { limit: args.limit, offset: args.offset, sort: args.sort };
        let mut hits = engine.search(sel, page, table)?;
        if hits.hits.is_empty() && hits.total.is_none() {
            hits.total = Some(engine.count(sel)?);
        }
        p.hits(&hits)?;
        found(hits.total.unwrap_or(hits.hits.len()))
    };
    p.finish()?;
    Ok(code)
}
