//! `sou trend`: several queries over time, printed and (with `--plot`) drawn.

use anyhow::{Context, Result};

use sou::engine::{Engine, Selection};

use crate::cli::{Cli, TrendArgs};
use crate::output::{svg, trend, Out};
use crate::settings::{selection, Settings};

/// Runs `sou trend`; exit 1 when no query matched anything.
pub fn run(cli: &Cli, args: &TrendArgs) -> Result<i32> {
    let settings = Settings::resolve(cli, args.format, args.json);
    let base = selection(None, &args.filters)?;
    let queries: Vec<Selection> =
        args.queries.iter().map(|q| selection(Some(q), &args.filters)).collect::<Result<_>>()?;
    let engine = Engine::open(&cli.index, cli.tz.clone())?;
    let settings = settings.in_zone(engine.tz());
    let t = engine.trend(&base, &queries, args.by)?;
    let mut out = Out::stdout(settings);
    trend::write(&mut out, &t, &args.queries, args.share)?;
    out.w.flush()?;
    if let Some(path) = &args.plot {
        let series: Vec<(String, Vec<f64>)> = args
            .queries
            .iter()
            .enumerate()
            .map(|(q, name)| (name.clone(), (0..t.periods.len()).map(|p| trend::value(&t, q, p, args.share)).collect()))
            .collect();
        let unit = sou::names::Named::name(t.period);
        let y = if args.share { "share of all documents" } else { "matching documents" };
        let title = format!("{} — by {unit}", args.queries.join(" · "));
        let drawing = svg::chart(&title, y, &t.periods, &series, svg::Kind::Lines);
        std::fs::write(path, drawing).with_context(|| format!("cannot write '{}'", path.display()))?;
    }
    let any = t.series.iter().any(|s| s.iter().any(|&c| c > 0));
    Ok(if any { super::FOUND } else { super::NOT_FOUND })
}
