//! The table for people: rank, date, source, title and a snippet with the literals
//! highlighted; sized to the terminal (Chinese characters count two columns).

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};
use jiff::tz::TimeZone;

use super::{day, sanitize::clean};
use crate::search::Hit;
use crate::snippet::{self, Snippet};

const HIGHLIGHT: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);

/// Width of the terminal, or `COLUMNS`, or 100.
pub fn terminal_width() -> u16 {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return w;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 20)
        .unwrap_or(100)
}

fn paint(s: &Snippet, color: bool) -> String {
    if !color {
        return s.text.clone();
    }
    let mut out = String::new();
    let mut at = 0;
    for &(a, b) in &s.highlights {
        out.push_str(&s.text[at..a]);
        out.push_str(&format!("{HIGHLIGHT}{}{HIGHLIGHT:#}", &s.text[a..b]));
        at = b;
    }
    out.push_str(&s.text[at..]);
    out
}

/// Writes the hits as a table `width` columns wide.
pub fn write(
    out: &mut dyn Write,
    hits: &[Hit],
    literals: &[String],
    tz: &TimeZone,
    color: bool,
    width: u16,
    total: usize,
) -> io::Result<()> {
    let width = width.max(40);
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(vec!["#", "date", "source", "title", "snippet"]);
    // Fixed columns: rank 3, date 10, source up to 12, title ~28%; the snippet takes the
    // rest and is cut to two lines of it.
    let title_w = (width as usize * 28 / 100).max(12);
    let fixed = 3 + 10 + 12 + title_w + 16;
    let snippet_w = (width as usize).saturating_sub(fixed).max(10);
    table.set_constraints(vec![
        ColumnConstraint::ContentWidth,
        ColumnConstraint::ContentWidth,
        ColumnConstraint::UpperBoundary(Width::Fixed(12)),
        ColumnConstraint::UpperBoundary(Width::Fixed(title_w as u16)),
        ColumnConstraint::LowerBoundary(Width::Fixed(10)),
    ]);
    for h in hits {
        let title = clean(&h.doc.title);
        let title_snip = Snippet {
            highlights: snippet::find_hits(&title, literals),
            text: title,
        };
        let snip = snippet::make(&h.doc.content, literals, snippet_w * 2 - 2);
        table.add_row(vec![
            h.rank.to_string(),
            day(h.doc.date, tz).unwrap_or_else(|| "-".into()),
            clean(h.doc.source.as_deref().unwrap_or("-")),
            paint(&title_snip, color),
            paint(&snip, color),
        ]);
    }
    writeln!(out, "{table}")?;
    let shown = hits.first().map(|h| (h.rank, h.rank + hits.len() - 1));
    let footer = match shown {
        Some((a, b)) => format!("{a}–{b} of {total} matching documents"),
        None => format!("{total} matching documents"),
    };
    if color {
        writeln!(out, "{DIM}{footer}{DIM:#}")
    } else {
        writeln!(out, "{footer}")
    }
}
