//! A trend in every format: sparklines on a terminal (one row per query, each scaled to
//! its own peak: small multiples), TSV and CSV with a header row (period, then one
//! column per query), JSON Lines `{"period", "query", "count", "share"}`.

use std::io::{self, Write};

use serde_json::json;

use sou::engine::Trend;

use super::Out;
use crate::cli::Format;
use crate::wrap::{fit, width};

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

/// Writes `t` for the queries `names`.
pub fn write(out: &mut Out, t: &Trend, names: &[String], share: bool) -> io::Result<()> {
    let fmt = |v: f64| if share { format!("{v:.6}") } else { format!("{v:.0}") };
    match out.settings.format {
        Format::Jsonl => {
            for (p, period) in t.periods.iter().enumerate() {
                for (q, name) in names.iter().enumerate() {
                    let mut v = json!({"period": period, "query": name, "count": t.series[q][p]});
                    if share {
                        v["share"] = json!(value(t, q, p, true));
                    }
                    writeln!(out.w, "{v}")?;
                }
            }
            Ok(())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out.w);
            let mut header = vec!["period".to_string()];
            header.extend(names.iter().cloned());
            w.write_record(&header)?;
            for (p, period) in t.periods.iter().enumerate() {
                let mut row = vec![period.clone()];
                row.extend((0..names.len()).map(|q| fmt(value(t, q, p, share))));
                w.write_record(&row)?;
            }
            w.flush()
        }
        Format::Table => sparklines(out, t, names, share),
        Format::Tsv | Format::Ids => {
            writeln!(out.w, "period\t{}", names.iter().map(|n| n.replace('\t', " ")).collect::<Vec<_>>().join("\t"))?;
            for (p, period) in t.periods.iter().enumerate() {
                let row: Vec<String> = (0..names.len()).map(|q| fmt(value(t, q, p, share))).collect();
                writeln!(out.w, "{period}\t{}", row.join("\t"))?;
            }
            Ok(())
        }
    }
}

/// One sparkline per query; periods are summed in groups when there are more than the
/// terminal holds.
fn sparklines(out: &mut Out, t: &Trend, names: &[String], share: bool) -> io::Result<()> {
    let (Some(first), Some(last)) = (t.periods.first(), t.periods.last()) else {
        return writeln!(out.w, "no dated documents in the range");
    };
    let label_w = names.iter().map(|n| width(n)).max().unwrap_or(4).min(16);
    let room = out.settings.width.saturating_sub(label_w + 40).max(10);
    let group = t.periods.len().div_ceil(room).max(1);
    let unit = sou::names::Named::name(t.period);
    let what = if share { "share of all documents" } else { "matching documents" };
    let grouped = if group > 1 { format!(", {group} {unit}s a character") } else { String::new() };
    writeln!(out.w, "{first} … {last}, by {unit}{grouped}; {what}, each line scaled to its peak:")?;
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
        writeln!(out.w, "{name}{pad}  {line}  {total} in all, peak {} ({peak_text})", t.periods[best])?;
    }
    Ok(())
}
