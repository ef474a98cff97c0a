//! TSV and CSV: one hit a line. TSV (default `id, date, source, score, title`, no header)
//! is for `cut`, `sort`, `awk`: fields are sanitised so a tab or newline in a title
//! cannot shift columns. CSV is RFC 4180 with a header row, for spreadsheets.

use std::io::{self, Write};

use jiff::tz::TimeZone;

use super::columns::Column;
use crate::search::Hit;
use crate::snippet;

/// Default TSV/CSV columns.
pub const DEFAULT: [Column; 5] = [Column::Id, Column::Date, Column::Source, Column::Score, Column::Title];

fn snippet_for(h: &Hit, cols: &[Column], literals: &[String]) -> String {
    if cols.contains(&Column::Snippet) {
        snippet::make(&h.doc.content, literals, super::jsonl::SNIPPET_WIDTH).text
    } else {
        String::new()
    }
}

/// Writes one TSV line per hit.
pub fn write(out: &mut dyn Write, hits: &[Hit], cols: &[Column], literals: &[String], tz: &TimeZone) -> io::Result<()> {
    for h in hits {
        let snip = snippet_for(h, cols, literals);
        let line: Vec<String> = cols.iter().map(|c| c.value(h, tz, &snip)).collect();
        writeln!(out, "{}", line.join("\t"))?;
    }
    Ok(())
}

/// Writes a CSV header and one record per hit.
pub fn write_csv(
    out: &mut dyn Write,
    hits: &[Hit],
    cols: &[Column],
    literals: &[String],
    tz: &TimeZone,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(cols.iter().map(|c| c.name()))?;
    for h in hits {
        let snip = snippet_for(h, cols, literals);
        w.write_record(cols.iter().map(|c| c.value(h, tz, &snip)))?;
    }
    w.flush()?;
    Ok(())
}
