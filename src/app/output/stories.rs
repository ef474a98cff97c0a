//! Stories printed: the copies of one document's story (`sou show ID --copies`) and the
//! largest stories of a selection (`sou dups`), as aligned text for a terminal, TSV, and
//! JSON objects.

use std::io::{self, Write};

use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

use sou::engine::{Copy, Dup};
use sou::sanitize::clean;

use crate::app::wrap::{fit, width};

fn day(t: Option<Timestamp>, tz: &TimeZone) -> String {
    t.map(|t| t.to_zoned(tz.clone()).date().to_string()).unwrap_or_default()
}

fn outlets(d: &Dup) -> String {
    d.sources.iter().map(|(s, n)| if *n > 1 { format!("{s}×{n}") } else { s.clone() }).collect::<Vec<_>>().join("、")
}

/// A copy as a JSON object: `id`, `date`, `source`, `title`, `similarity`.
pub fn copy_value(c: &Copy, tz: &TimeZone) -> Value {
    let date = c.date.map(|_| day(c.date, tz));
    json!({"id": c.id, "date": date, "source": c.source, "title": c.title, "similarity": (c.similarity * 1000.0).round() / 1000.0})
}

/// A story as a JSON object.
pub fn dup_value(d: &Dup, tz: &TimeZone) -> Value {
    json!({
        "story": d.story,
        "copies": d.copies,
        "first_date": d.first_date.map(|_| day(d.first_date, tz)),
        "last_date": d.last_date.map(|_| day(d.last_date, tz)),
        "first_source": d.first_source,
        "sources": d.sources.iter().map(|(s, n)| json!({"source": s, "copies": n})).collect::<Vec<_>>(),
        "title": d.title,
    })
}

/// Copies as TSV: id, date, source, similarity, title.
pub fn copies_tsv(w: &mut dyn Write, copies: &[Copy], tz: &TimeZone) -> io::Result<()> {
    for c in copies {
        let (source, title) = (c.source.as_deref().unwrap_or(""), c.title.as_deref().unwrap_or(""));
        writeln!(w, "{}\t{}\t{}\t{:.3}\t{}", clean(&c.id), day(c.date, tz), clean(source), c.similarity, clean(title))?;
    }
    Ok(())
}

/// Stories as TSV: story, copies, first date, last date, first source, outlets, title.
pub fn dups_tsv(w: &mut dyn Write, dups: &[Dup], tz: &TimeZone) -> io::Result<()> {
    for d in dups {
        let first = d.first_source.as_deref().unwrap_or("");
        writeln!(
            w,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            clean(&d.story),
            d.copies,
            day(d.first_date, tz),
            day(d.last_date, tz),
            clean(first),
            clean(&outlets(d)),
            clean(&d.title)
        )?;
    }
    Ok(())
}

/// Left-aligned cells in columns `width` wide (display columns), the last cut to what is
/// left of `total`.
fn row(w: &mut dyn Write, cells: &[String], widths: &[usize], total: usize) -> io::Result<()> {
    let mut used = 0;
    let mut line = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i + 1 == cells.len() {
            line.push_str(&fit(c, total.saturating_sub(used).max(10)));
        } else {
            let c = fit(c, widths[i]);
            line.push_str(&c);
            line.push_str(&" ".repeat(widths[i] - width(&c) + 2));
            used += widths[i] + 2;
        }
    }
    writeln!(w, "{}", line.trim_end())
}

fn widths(rows: &[Vec<String>], caps: &[usize]) -> Vec<usize> {
    caps.iter().enumerate().map(|(i, &cap)| rows.iter().map(|r| width(&r[i])).max().unwrap_or(0).min(cap)).collect()
}

/// Copies as a table for a terminal `total` columns wide.
pub fn copies_text(w: &mut dyn Write, copies: &[Copy], tz: &TimeZone, total: usize) -> io::Result<()> {
    if copies.is_empty() {
        return writeln!(w, "no other copy: this document is a story of its own");
    }
    let mut rows = vec![["date", "source", "similarity", "id", "title"].map(String::from).to_vec()];
    rows.extend(copies.iter().map(|c| {
        vec![
            day(c.date, tz),
            clean(c.source.as_deref().unwrap_or("")),
            format!("{:.2}", c.similarity),
            clean(&c.id),
            clean(c.title.as_deref().unwrap_or("")),
        ]
    }));
    let widths = widths(&rows, &[10, 16, 10, 28, 0]);
    for r in &rows {
        row(w, r, &widths, total)?;
    }
    writeln!(w, "{} other {}", copies.len(), if copies.len() == 1 { "copy" } else { "copies" })
}

/// Stories as a table for a terminal `total` columns wide.
pub fn dups_text(w: &mut dyn Write, dups: &[Dup], tz: &TimeZone, total: usize) -> io::Result<()> {
    if dups.is_empty() {
        return writeln!(w, "no story with two copies or more among the matching documents");
    }
    let mut rows = vec![["copies", "first", "last", "outlets", "title"].map(String::from).to_vec()];
    rows.extend(dups.iter().map(|d| {
        vec![d.copies.to_string(), day(d.first_date, tz), day(d.last_date, tz), clean(&outlets(d)), clean(&d.title)]
    }));
    let widths = widths(&rows, &[6, 10, 10, 30, 0]);
    for r in &rows {
        row(w, r, &widths, total)?;
    }
    Ok(())
}
