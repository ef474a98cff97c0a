//! `sou trend`: several queries over time, printed and (with `--plot`) drawn.

use anyhow::Result;

use sou::engine::Selection;
use sou::names::Named;

use crate::app::cli::{Globals, TrendArgs};
use crate::app::output::{printer, svg, trend, Out};
use crate::app::settings;

/// Runs `sou trend`: whether any query matched anything.
pub fn run(globals: &Globals, args: &TrendArgs) -> Result<bool> {
    if let Some(path) = &args.plot {
        svg::check_target(path)?;
    }
    let base = settings::selection(None, &args.filters)?;
    let queries: Vec<Selection> =
        args.queries.iter().map(|q| settings::selection(Some(q), &args.filters)).collect::<Result<_>>()?;
    let engine = super::open_for(globals, &base)?;
    let t = engine.trend(&base, &queries, args.by)?;
    let mut p = printer(Out::stdout(settings::output(globals, args.format, args.json, engine.tz())));
    p.trend(&t, &args.queries, args.share)?;
    p.finish()?;
    if let Some(path) = &args.plot {
        let series: Vec<(String, Vec<f64>)> = args
            .queries
            .iter()
            .enumerate()
            .map(|(q, name)| (name.clone(), (0..t.periods.len()).map(|p| trend::value(&t, q, p, args.share)).collect()))
            .collect();
        let y = if args.share { "share of all documents" } else { "matching documents" };
        let title = format!("{} — by {}", args.queries.join(" · "), t.period.name());
        let drawing = svg::chart(&title, y, &t.periods, &series, svg::Kind::Lines);
        svg::write(path, &drawing)?;
    }
    Ok(t.series.iter().any(|s| s.iter().any(|&c| c > 0)))
}
