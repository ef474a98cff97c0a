//! TSV: `id, date, source, score, title`, one hit a line, no header — for `cut`, `sort`,
//! `awk`. Fields are sanitised so a tab or newline inside a title cannot shift columns.

use std::io::{self, Write};

use jiff::tz::TimeZone;

use super::{day, sanitize::clean};
use crate::search::Hit;

/// Writes one TSV line per hit.
pub fn write(out: &mut dyn Write, hits: &[Hit], tz: &TimeZone) -> io::Result<()> {
    for h in hits {
        writeln!(
            out,
            "{}\t{}\t{}\t{:.4}\t{}",
            clean(&h.doc.id),
            day(h.doc.date, tz).unwrap_or_default(),
            clean(h.doc.source.as_deref().unwrap_or("")),
            h.score,
            clean(&h.doc.title)
        )?;
    }
    Ok(())
}
