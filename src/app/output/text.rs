//! Plain text for people, shared by the formats that have no form of their own for it:
//! the description of an index (`sou stats`) and one whole article (`sou show`).

use std::io::{self, Write};

use jiff::tz::TimeZone;

use sou::article::{Article, ColumnWidth, Field, Kind, FIELDS};
use sou::engine::Stats;
use sou::sanitize::{clean, strip_escapes};
use sou::snippet;

/// A time as `YYYY-MM-DDTHH:MM:SS+08:00` in `tz`.
pub fn local_time(t: jiff::Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// `sou stats` as aligned lines.
pub fn stats(out: &mut dyn Write, s: &Stats, tz: &TimeZone) -> io::Result<()> {
    let day = |d: Option<jiff::civil::Date>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
    writeln!(out, "index         {}", s.index)?;
    writeln!(out, "documents     {}", s.documents)?;
    writeln!(out, "dated         {} ({} undated)", s.documents - s.undated, s.undated)?;
    writeln!(out, "date range    {} … {}", day(s.earliest), day(s.latest))?;
    writeln!(
        out,
        "sources       {} ({} without one)",
        s.sources.len(),
        super::count_of(s.without_source as usize, "document")
    )?;
    for b in s.sources.iter().take(20) {
        writeln!(out, "  {:>8}  {}", b.count, clean(b.key.as_deref().unwrap_or("")))?;
    }
    if s.sources.len() > 20 {
        writeln!(out, "  … and {} more (sou stats --json lists all)", s.sources.len() - 20)?;
    }
    let share = if s.documents == 0 { 0.0 } else { s.copies as f64 * 100.0 / s.documents as f64 };
    writeln!(
        out,
        "stories       {} ({} copies of another's story, {share:.1}% of documents; similarity ≥ {})",
        s.stories, s.copies, s.dup_threshold
    )?;
    writeln!(out, "size          {:.1} MB", s.size_bytes as f64 / 1e6)?;
    writeln!(out, "tokenizer     {}", s.tokenizer)?;
    writeln!(out, "dictionary    {}", s.dictionary)?;
    let last = s.last_indexed.map_or_else(|| "-".to_string(), |t| local_time(t, tz));
    writeln!(out, "last indexed  {last}")
}

/// Whether a field is printed on the line under the title (short values) rather than
/// on a line of its own (links, paths).
fn on_meta_line(field: Field) -> bool {
    field == Field::Id || matches!(field.spec().column, Some(ColumnWidth::Natural(_) | ColumnWidth::Fixed(..=12)))
}

/// How the query's literals are marked in an article: the folded literals and what to
/// write around each occurrence (nothing: plain text).
pub struct Marks<'a> {
    /// The folded literals.
    pub literals: &'a [String],
    /// Written before an occurrence.
    pub open: &'a str,
    /// Written after it.
    pub close: &'a str,
}

impl Marks<'static> {
    /// No marks.
    pub fn none() -> Marks<'static> {
        Marks { literals: &[], open: "", close: "" }
    }
}

impl Marks<'_> {
    /// `text` with every occurrence of the literals between the marks.
    fn paint(&self, text: &str) -> String {
        if self.literals.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut at = 0;
        for (s, e) in snippet::find_hits(text, self.literals) {
            out.push_str(&text[at..s]);
            out.push_str(self.open);
            out.push_str(&text[s..e]);
            out.push_str(self.close);
            at = e;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// One article, as `sou show` and the TUI's pager print it: the title, a line of short
/// fields, a line per long field (every field the article has), then the text with runs
/// of blank lines folded to one; the literals of `marks` marked in title and text.
pub fn article(out: &mut dyn Write, tz: &TimeZone, a: &Article, marks: &Marks) -> io::Result<()> {
    writeln!(out, "{}", marks.paint(&clean(a.text(Field::Title))))?;
    let value = |f: Field| match f.spec().kind {
        Kind::Date => a.day_and_time(tz),
        _ => a.get(f).filter(|v| !v.trim().is_empty()).map(clean),
    };
    // Every field but the two printed as title and text.
    let shown = || FIELDS.iter().filter(|s| !matches!(s.field, Field::Title | Field::Content));
    let meta: Vec<String> = shown()
        .filter(|s| on_meta_line(s.field))
        .filter_map(|s| value(s.field).map(|v| format!("{}: {v}", s.name)))
        .collect();
    writeln!(out, "{}", meta.join("   "))?;
    for s in shown().filter(|s| !on_meta_line(s.field)) {
        if let Some(v) = value(s.field) {
            writeln!(out, "{}: {v}", s.name)?;
        }
    }
    writeln!(out)?;
    let body = marks.paint(&strip_escapes(a.text(Field::Content)));
    let mut blank = false;
    for line in body.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !blank {
                writeln!(out)?;
            }
            blank = true;
        } else {
            writeln!(out, "{line}")?;
            blank = false;
        }
    }
    Ok(())
}
