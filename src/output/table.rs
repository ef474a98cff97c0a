//! The table for people: rank, date, source, title and a snippet with the literals
//! highlighted; sized to the terminal (Chinese characters count two columns). Counts
//! and keywords are drawn as bar charts.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Width};

use sou::article::{ColumnWidth, Field};
use sou::engine::{Bucket, Engine, Histogram, Hits, Keywords};
use sou::sanitize::clean;
use sou::snippet::{self, Snippet};

use super::columns::Column;
use super::{chart, Out, Printer};

const HIGHLIGHT: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red))).effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);

/// Default table columns.
const DEFAULT: [Column; 5] = [
    Column::Rank,
    Column::Field(Field::Date),
    Column::Field(Field::Source),
    Column::Field(Field::Title),
    Column::Snippet,
];

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

/// The width budget and the constraint of a column in a table `width` columns wide.
fn layout(c: Column, width: usize) -> (usize, ColumnConstraint) {
    let bounded = |w: usize| ColumnConstraint::UpperBoundary(Width::Fixed(w as u16));
    match c {
        Column::Rank => (3, ColumnConstraint::ContentWidth),
        Column::Score => (7, ColumnConstraint::ContentWidth),
        Column::Snippet => (0, ColumnConstraint::LowerBoundary(Width::Fixed(10))),
        Column::Field(f) => match f.spec().column {
            Some(ColumnWidth::Natural(w)) => (w as usize, ColumnConstraint::ContentWidth),
            Some(ColumnWidth::Fixed(w)) => (w as usize, bounded(w as usize)),
            Some(ColumnWidth::Share(p)) => {
                let w = (width * p as usize / 100).max(12);
                (w, bounded(w))
            }
            None => (24, bounded(24)),
        },
    }
}

/// A table.
pub struct Table(pub Out);

impl Printer for Table {
    fn out(&mut self) -> &mut Out {
        &mut self.0
    }

    /// The hits as a table as wide as the terminal, followed by a line saying which of
    /// the matching documents are shown.
    fn hits(&mut self, engine: &Engine, hits: &Hits) -> io::Result<()> {
        let settings = &self.0.settings;
        let total = hits.total.unwrap_or(hits.hits.len());
        if total == 0 {
            return writeln!(self.0.w, "no matching documents");
        }
        let cols = settings.columns.clone().unwrap_or_else(|| DEFAULT.to_vec());
        let width = settings.width.clamp(40, u16::MAX as usize);
        let color = settings.color;
        let mut table = comfy_table::Table::new();
        table
            .load_style(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width as u16);
        if color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table.set_header(cols.iter().map(|c| c.name()));
        // Short columns keep their width; the title gets its share of the line; the
        // snippet takes the rest and is cut to two lines of it.
        let fixed: usize = cols.iter().map(|&c| layout(c, width).0 + 3).sum::<usize>() + 1;
        let snippet_w = width.saturating_sub(fixed).max(10);
        table.set_constraints(cols.iter().map(|&c| layout(c, width).1));
        for h in &hits.hits {
            let content = h.article.text(Field::Content);
            let snip = if cols.contains(&Column::Snippet) {
                snippet::make(content, &hits.literals, snippet_w * 2 - 2)
            } else {
                Snippet::default()
            };
            let row: Vec<String> = cols
                .iter()
                .map(|&c| match c {
                    Column::Field(Field::Title) => {
                        let title = clean(h.article.text(Field::Title));
                        paint(&Snippet { highlights: snippet::find_hits(&title, &hits.literals), text: title }, color)
                    }
                    Column::Snippet => paint(&snip, color),
                    Column::Field(Field::Date) => engine.day(&h.article).map_or_else(|| "-".into(), |d| d.to_string()),
                    other => other.value(h, engine, ""),
                })
                .collect();
            table.add_row(row);
        }
        writeln!(self.0.w, "{table}")?;
        let footer = match hits.hits.first() {
            Some(first) => format!("{}–{} of {total} matching documents", first.rank, first.rank + hits.hits.len() - 1),
            None => format!("{total} matching documents"),
        };
        if color {
            writeln!(self.0.w, "{DIM}{footer}{DIM:#}")
        } else {
            writeln!(self.0.w, "{footer}")
        }
    }

    fn counts(&mut self, _key: &str, rows: &[Bucket]) -> io::Result<()> {
        let rows: Vec<(String, u64)> =
            rows.iter().map(|b| (b.key.clone().unwrap_or_else(|| super::NONE.into()), b.count)).collect();
        chart::write(&mut self.0.w, &rows, self.0.settings.width, self.0.settings.color)
    }

    fn histogram(&mut self, h: &Histogram) -> io::Result<()> {
        self.counts("period", &h.buckets)?;
        if h.undated > 0 {
            writeln!(self.0.w, "({} matching documents without a date are not counted)", h.undated)?;
        }
        Ok(())
    }

    fn keywords(&mut self, k: &Keywords) -> io::Result<()> {
        writeln!(self.0.w, "{} documents; word, documents containing it, weight:", k.docs)?;
        let labels: Vec<(String, u64)> =
            k.words.iter().map(|kw| (format!("{}  {:.2}", kw.word, kw.weight), kw.docs)).collect();
        chart::write(&mut self.0.w, &labels, self.0.settings.width.min(100), self.0.settings.color)
    }
}
