//! The table for people: rank, date, source, title and a snippet with the literals
//! highlighted; sized to the terminal (Chinese characters count two columns).

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};
use jiff::tz::TimeZone;

use super::columns::Column;
use super::{day, sanitize::clean};
use crate::search::Hit;
use crate::snippet::{self, Snippet};

const HIGHLIGHT: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red))).effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);

/// Width of the terminal, or `COLUMNS`, or 100.
pub fn terminal_width() -> u16 {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return w;
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|w| *w >= 20).unwrap_or(100)
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

/// Default table columns.
pub const DEFAULT: [Column; 5] = [Column::Rank, Column::Date, Column::Source, Column::Title, Column::Snippet];

/// Layout and look of a table.
pub struct Look {
    pub color: bool,
    pub width: u16,
}

/// Writes the hits as a table `style.width` columns wide, followed by a line saying
/// which of `total` matching documents are shown.
pub fn write(
    out: &mut dyn Write,
    hits: &[Hit],
    cols: &[Column],
    literals: &[String],
    tz: &TimeZone,
    style: &Look,
    total: usize,
) -> io::Result<()> {
    let width = style.width.max(40);
    let color = style.color;
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_width(width);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(cols.iter().map(|c| c.name()));
    // Short columns keep their width; the title gets up to ~28% of the line; the snippet
    // takes the rest and is cut to two lines of it.
    let title_w = (width as usize * 28 / 100).max(12);
    let fixed: usize = cols
        .iter()
        .map(|c| match c {
            Column::Rank => 3,
            Column::Date => 10,
            Column::Score => 7,
            Column::Source | Column::Author => 12,
            Column::Title => title_w,
            Column::Snippet => 0,
            Column::Id | Column::Url | Column::Path => 24,
        } + 3)
        .sum::<usize>()
        + 1;
    let snippet_w = (width as usize).saturating_sub(fixed).max(10);
    table.set_constraints(cols.iter().map(|c| match c {
        Column::Source | Column::Author => ColumnConstraint::UpperBoundary(Width::Fixed(12)),
        Column::Title => ColumnConstraint::UpperBoundary(Width::Fixed(title_w as u16)),
        Column::Id | Column::Url | Column::Path => ColumnConstraint::UpperBoundary(Width::Fixed(24)),
        Column::Snippet => ColumnConstraint::LowerBoundary(Width::Fixed(10)),
        _ => ColumnConstraint::ContentWidth,
    }));
    for h in hits {
        let snip = if cols.contains(&Column::Snippet) {
            snippet::make(&h.doc.content, literals, snippet_w * 2 - 2)
        } else {
            Snippet::default()
        };
        let row: Vec<String> = cols
            .iter()
            .map(|c| match c {
                Column::Title => {
                    let title = clean(&h.doc.title);
                    paint(&Snippet { highlights: snippet::find_hits(&title, literals), text: title }, color)
                }
                Column::Snippet => paint(&snip, color),
                Column::Date => day(h.doc.date, tz).unwrap_or_else(|| "-".into()),
                other => other.value(h, tz, ""),
            })
            .collect();
        table.add_row(row);
    }
    writeln!(out, "{table}")?;
    let footer = match hits.first() {
        Some(first) => format!("{}–{} of {total} matching documents", first.rank, first.rank + hits.len() - 1),
        None => format!("{total} matching documents"),
    };
    if color {
        writeln!(out, "{DIM}{footer}{DIM:#}")
    } else {
        writeln!(out, "{footer}")
    }
}
