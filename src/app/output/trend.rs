//! A trend's shared pieces: each query's value per period (a count, or a share of all
//! documents), the TSV form (period, then one column per query, with a header row) and
//! the terminal's sparklines (one row per query, each scaled to its own peak: small
//! multiples). The printers ([`super::Printer::trend`]) choose among them.

use std::io::{self, Write};

use sou::engine::Trend;
use sou::names::Named;

use crate::app::wrap::{fit, width};

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A query's value in a period: its count, or its share of all documents.
pub fn value(t: &Trend, q: usize, p: usize, share: bool) -> f64 {
    let count = t.series[q][p] as f64;
    if !share {
        return count;
    }
    match t.totals[p] {
        0 => 0.0,
        all => count / all as f64,
    }
}

/// A value as a table cell: a count, or a share with six decimals.
pub fn cell(v: f64, share: bool) -> String {
    if share {
        format!("{v:.6}")
    } else {
        format!("{v:.0}")
    }
}

/// The rows of `t` as cells: the period, then one value per query.
pub fn rows(t: &Trend, queries: usize, share: bool) -> impl Iterator<Item = Vec<String>> + '_ {
    t.periods.iter().enumerate().map(move |(p, period)| {
        std::iter::once(period.clone()).chain((0..queries).map(|q| cell(value(t, q, p, share), share))).collect()
    })
}

/// TSV with a header row.
pub fn tsv(w: &mut dyn Write, t: &Trend, names: &[String], share: bool) -> io::Result<()> {
    writeln!(w, "period\t{}", names.iter().map(|n| n.replace('\t', " ")).collect::<Vec<_>>().join("\t"))?;
    for row in rows(t, names.len(), share) {
        writeln!(w, "{}", row.join("\t"))?;
    }
    Ok(())
}

/// One sparkline per query in `width` columns; periods are summed in groups when there
/// are more than the terminal holds.
pub fn sparklines(w: &mut dyn Write, t: &Trend, names: &[String], share: bool, width_cols: usize) -> io::Result<()> {
    let (Some(first), Some(last)) = (t.periods.first(), t.periods.last()) else {
        return writeln!(w, "no dated documents in the range");
    };
    let label_w = names.iter().map(|n| width(n)).max().unwrap_or(4).min(16);
    let room = width_cols.saturating_sub(label_w + 40).max(10);
    let group = t.periods.len().div_ceil(room).max(1);
    let unit = t.period.name();
    let what = if share { "share of all documents" } else { "matching documents" };
    let grouped = if group > 1 { format!(", {group} {unit}s a character") } else { String::new() };
    writeln!(w, "{first} … {last}, by {unit}{grouped}; {what}, each line scaled to its peak:")?;
    for (q, name) in names.iter().enumerate() {
        let values: Vec<f64> = (0..t.periods.len()).map(|p| value(t, q, p, share)).collect();
        let cells: Vec<f64> =
            values.chunks(group).map(|c| c.iter().sum::<f64>() / if share { c.len() as f64 } else { 1.0 }).collect();
        let peak = cells.iter().copied().fold(0.0, f64::max);
        let line: String = cells
            .iter()
            .map(|&v| if peak <= 0.0 || v <= 0.0 { ' ' } else { SPARKS[((v / peak) * 7.0).round() as usize] })
            .collect();
        let (best, top) = values.iter().enumerate().fold((0, 0.0), |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc });
        let total: u64 = t.series[q].iter().sum();
        let peak_text = if share { format!("{:.2}%", top * 100.0) } else { format!("{top:.0}") };
        let name = fit(name, label_w);
        let pad = " ".repeat(label_w.saturating_sub(width(&name)));
        writeln!(w, "{name}{pad}  {line}  {total} in all, peak {} ({peak_text})", t.periods[best])?;
    }
    Ok(())
}
