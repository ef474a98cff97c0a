//! JSON Lines: one object per hit with the keys `rank`, `score`, `id`, `title`, `date`
//! (`YYYY-MM-DD` or null), `source`, `url`, `path`, `snippet` — for `jq`.

use std::io::{self, Write};

use jiff::tz::TimeZone;
use serde_json::json;

use super::day;
use crate::search::Hit;
use crate::snippet;

/// Display columns of a JSON snippet.
pub const SNIPPET_WIDTH: usize = 160;

/// Writes one JSON object per hit.
pub fn write(out: &mut dyn Write, hits: &[Hit], literals: &[String], tz: &TimeZone) -> io::Result<()> {
    for h in hits {
        let snip = snippet::make(&h.doc.content, literals, SNIPPET_WIDTH);
        let v = json!({
            "rank": h.rank,
            "score": h.score,
            "id": h.doc.id,
            "title": h.doc.title,
            "date": day(h.doc.date, tz),
            "source": h.doc.source,
            "url": h.doc.url,
            "path": h.doc.path,
            "snippet": snip.text,
        });
        serde_json::to_writer(&mut *out, &v)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
