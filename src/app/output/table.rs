//! The table for people: rank, date, source, title and a snippet with the literals
//! highlighted; sized to the terminal (Chinese characters count two columns). Counts
//! and keywords are drawn as bar charts.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Width};

use sou::article::{ColumnWidth, Field};
use sou::engine::{Bucket, Histogram, Hits, Keywords, Line, Trend};
use sou::sanitize::clean;
use sou::snippet::{self, Snippet};

use super::columns::Column;
use super::{chart, Out, Printer};
use crate::app::wrap as wrap_text;

const HIGHLIGHT: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red))).effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);

/// Default table columns.
pub(super) const DEFAULT: [Column; 5] = [
    Column::Rank,
    Column::Field(Field::Date),
    Column::Field(Field::Source),
    Column::Field(Field::Title),
    Column::Snippet,
];

/// The width budget and the constraint of a column in a table `width` columns wide.
fn layout(c: Column, width: usize) -> (usize, ColumnConstraint) {
    let bounded = |w: usize| ColumnConstraint::UpperBoundary(Width::Fixed(w as u16));
    match c {
        Column::Rank => (3, ColumnConstraint::ContentWidth),
        Column::Score | Column::Occurrences | Column::Copies => (7, ColumnConstraint::ContentWidth),
        Column::FirstDate => (10, ColumnConstraint::ContentWidth),
        Column::Story | Column::FirstSource => (16, bounded(16)),
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

/// The narrowest a column can be and stay readable.
fn min_width(c: Column) -> usize {
    match c {
        Column::Rank => 4,
        Column::Score | Column::Occurrences | Column::Copies => 6,
        Column::Story | Column::FirstSource | Column::FirstDate => 10,
        Column::Snippet => 16,
        Column::Field(Field::Title) => 14,
        Column::Field(f) => match f.spec().column {
            Some(ColumnWidth::Natural(w)) => (w as usize).min(10),
            _ => 6,
        },
    }
}

/// Whether a table of `cols` fits in `width` terminal columns; below that, hits are
/// printed as a list.
fn fits(cols: &[Column], width: usize) -> bool {
    cols.iter().map(|&c| min_width(c) + 3).sum::<usize>() < width
}

/// The width of each column in a table `width` columns wide: each column as wide as
/// its content up to its budget; the snippet (or, without one, the columns whose
/// content is cut) takes what is left, so the table fills the terminal.
fn column_widths(cols: &[Column], cells: &[Cells], width: usize) -> Vec<usize> {
    let natural: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells.iter().map(|row| wrap_text::width(&row[i].0)).max().unwrap_or(0).max(wrap_text::width(c.name()))
        })
        .collect();
    let mut widths: Vec<usize> = cols
        .iter()
        .zip(&natural)
        .map(|(&c, &n)| {
            let header = wrap_text::width(c.name());
            if c == Column::Snippet {
                min_width(c).max(header)
            } else {
                n.min(layout(c, width).0.max(min_width(c))).max(header)
            }
        })
        .collect();
    let used = widths.iter().map(|w| w + 3).sum::<usize>() + 1;
    // Too wide: take from the columns with the most room above their minimum.
    let mut over = used.saturating_sub(width);
    while over > 0 {
        let Some(i) =
            (0..cols.len()).filter(|&i| widths[i] > min_width(cols[i])).max_by_key(|&i| widths[i] - min_width(cols[i]))
        else {
            break;
        };
        widths[i] -= 1;
        over -= 1;
    }
    let mut spare = width.saturating_sub(used);
    if let Some(i) = cols.iter().position(|&c| c == Column::Snippet) {
        widths[i] += spare;
    } else {
        for i in (0..cols.len()).rev() {
            let more = natural[i].saturating_sub(widths[i]).min(spare);
            widths[i] += more;
            spare -= more;
        }
    }
    widths
}

/// One hit's cells, as plain text with the byte ranges to highlight.
type Cells = Vec<(String, Vec<(usize, usize)>)>;

/// A table.
pub struct Table(pub Out);

impl Table {
    /// The text of column `c` for hit `h`, with its highlights (the snippet is made later,
    /// once its width is known).
    fn cell(
        &self,
        c: Column,
        h: &sou::engine::Hit,
        tz: &jiff::tz::TimeZone,
        literals: &[String],
    ) -> (String, Vec<(usize, usize)>) {
        match c {
            Column::Field(Field::Title) => {
                let title = clean(h.article.text(Field::Title));
                let marks = snippet::find_hits(&title, literals);
                (title, marks)
            }
            Column::Snippet => (String::new(), Vec::new()),
            Column::Field(Field::Date) => (h.article.day(tz).map_or_else(|| "-".into(), |d| d.to_string()), Vec::new()),
            other => (other.value(h, tz, ""), Vec::new()),
        }
    }

    /// The hits in a comfy-table `width` columns wide with these column widths; cells are wrapped here, not
    /// by comfy-table: by display width, without closing punctuation at a line start,
    /// and with every style closed before each line ends.
    fn table(
        &self,
        hits: &Hits,
        cols: &[Column],
        cells: Vec<Cells>,
        (widths, width): (&[usize], usize),
        content: &dyn Fn(&sou::engine::Hit, usize) -> Snippet,
    ) -> comfy_table::Table {
        let color = self.0.config.color;
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
        // comfy-table's absolute widths include the one-space padding on each side.
        table.set_constraints(widths.iter().map(|&w| ColumnConstraint::Absolute(Width::Fixed(w as u16 + 2))));
        let snippet_w = cols.iter().position(|&c| c == Column::Snippet).map_or(0, |i| widths[i]);
        for (h, row) in hits.hits.iter().zip(cells) {
            // Two lines of snippet.
            let snip = content(h, (snippet_w * 2).saturating_sub(4));
            let row: Vec<String> = cols
                .iter()
                .zip(row)
                .zip(widths)
                .map(|((&c, (text, marks)), &w)| {
                    let (text, marks) =
                        if c == Column::Snippet { (&snip.text, &snip.highlights) } else { (&text, &marks) };
                    styled_lines(text, marks, w, color).join("\n")
                })
                .collect();
            table.add_row(row);
        }
        table
    }

    /// The line saying which of the `total` matching documents are shown.
    fn footer(&mut self, hits: &Hits, total: usize) -> io::Result<()> {
        let footer = match hits.hits.first() {
            Some(first) => format!("{}–{} of {total} matching documents", first.rank, first.rank + hits.hits.len() - 1),
            None => format!("{total} matching documents"),
        };
        if self.0.config.color {
            writeln!(self.0.w, "{DIM}{footer}{DIM:#}")
        } else {
            writeln!(self.0.w, "{footer}")
        }
    }

    /// The hits one block each, for terminals too narrow for a table: rank and the short
    /// fields on one line, then the title and the snippet wrapped under them.
    fn list(&mut self, rows: Vec<(Cells, Snippet)>, cols: &[Column]) -> io::Result<()> {
        let width = self.0.config.width.max(20);
        let color = self.0.config.color;
        let indent = 3;
        for (cells, snip) in rows {
            let mut head = Vec::new();
            let mut body = Vec::new();
            for (&c, cell) in cols.iter().zip(cells) {
                match c {
                    Column::Field(Field::Title) | Column::Snippet | Column::Field(Field::Url) => body.push((c, cell)),
                    _ if !cell.0.is_empty() => head.push(cell.0),
                    _ => {}
                }
            }
            writeln!(self.0.w, "{}", wrap_text::fit(&head.join("  "), width))?;
            for (c, (text, marks)) in body {
                let (text, marks) =
                    if c == Column::Snippet { (snip.text.clone(), snip.highlights.clone()) } else { (text, marks) };
                if text.is_empty() {
                    continue;
                }
                for line in styled_lines(&text, &marks, width - indent, color) {
                    writeln!(self.0.w, "{}{line}", " ".repeat(indent))?;
                }
            }
            writeln!(self.0.w)?;
        }
        Ok(())
    }
}

/// `text` wrapped to `width` columns, each line with its highlights painted: styles open
/// and close inside a line, so no escape sequence is ever split.
fn styled_lines(text: &str, marks: &[(usize, usize)], width: usize, color: bool) -> Vec<String> {
    use ratatui::style::{Modifier, Style as TuiStyle};
    let mark = TuiStyle::default().add_modifier(Modifier::BOLD);
    let wrapped = wrap_text::wrap(text, marks, width, TuiStyle::default(), mark);
    wrapped
        .lines
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|sp| {
                    if color && sp.style == mark {
                        format!("{HIGHLIGHT}{}{HIGHLIGHT:#}", sp.content)
                    } else {
                        sp.content.to_string()
                    }
                })
                .collect()
        })
        .collect()
}

impl Printer for Table {
    fn out(&mut self) -> &mut Out {
        &mut self.0
    }

    /// The hits as a table as wide as the terminal (or, on a terminal too narrow for
    /// one, as a list), followed by a line saying which of the matching documents are
    /// shown.
    fn hits(&mut self, hits: &Hits) -> io::Result<()> {
        let total = hits.total.unwrap_or(hits.hits.len());
        if total == 0 {
            return writeln!(self.0.w, "no matching documents");
        }
        let config = &self.0.config;
        let cols = config.columns.clone().unwrap_or_else(|| DEFAULT.to_vec());
        let width = config.width.clamp(20, u16::MAX as usize);
        let cells: Vec<Cells> = hits
            .hits
            .iter()
            .map(|h| cols.iter().map(|&c| self.cell(c, h, &config.tz, &hits.literals)).collect())
            .collect();
        let has_snippet = cols.contains(&Column::Snippet);
        let content = |h: &sou::engine::Hit, w: usize| {
            if has_snippet {
                snippet::make(h.article.text(Field::Content), &hits.literals, w)
            } else {
                Snippet::default()
            }
        };
        if fits(&cols, width) {
            let widths = column_widths(&cols, &cells, width);
            let table = self.table(hits, &cols, cells, (&widths, width), &content);
            writeln!(self.0.w, "{table}")?;
        } else {
            let rows = hits.hits.iter().zip(cells).map(|(h, c)| (c, content(h, (width - 3) * 2 - 4))).collect();
            self.list(rows, &cols)?;
        }
        self.footer(hits, total)
    }

    fn counts(&mut self, _key: &str, rows: &[Bucket]) -> io::Result<()> {
        let rows: Vec<(String, u64)> =
            rows.iter().map(|b| (b.key.clone().unwrap_or_else(|| super::NONE.into()), b.count)).collect();
        chart::write(&mut self.0.w, &rows, self.0.config.width, self.0.config.color)
    }

    fn copies(&mut self, copies: &[sou::engine::Copy]) -> io::Result<()> {
        let c = &self.0.config;
        super::stories::copies_text(&mut self.0.w, copies, &c.tz, c.width)
    }

    fn dups(&mut self, dups: &[sou::engine::Dup]) -> io::Result<()> {
        let c = &self.0.config;
        super::stories::dups_text(&mut self.0.w, dups, &c.tz, c.width)
    }

    fn histogram(&mut self, h: &Histogram) -> io::Result<()> {
        self.counts("period", &h.buckets)?;
        if h.undated > 0 {
            writeln!(self.0.w, "({} matching documents without a date are not counted)", h.undated)?;
        }
        Ok(())
    }

    fn kwic_line(&mut self, l: &Line) -> io::Result<()> {
        let c = &self.0.config;
        super::kwic::aligned(&mut self.0.w, l, c.width, c.context, c.color)
    }

    fn kwic_count(&mut self, lines: usize, docs: usize) -> io::Result<()> {
        writeln!(self.0.w, "{} in {}", super::count_of(lines, "occurrence"), super::count_of(docs, "document"))
    }

    fn trend(&mut self, t: &Trend, names: &[String], share: bool) -> io::Result<()> {
        super::trend::sparklines(&mut self.0.w, t, names, share, self.0.config.width)
    }

    fn keywords(&mut self, k: &Keywords) -> io::Result<()> {
        let significant = k.words.iter().any(|kw| kw.docs_all.is_some());
        if significant {
            writeln!(
                self.0.w,
                "{} read; word, G² against the rest of the index, matching/all documents containing it:",
                super::count_of(k.docs, "document")
            )?;
        } else {
            writeln!(self.0.w, "{}; word, documents containing it, weight:", super::count_of(k.docs, "document"))?;
        }
        let labels: Vec<(String, u64)> = k
            .words
            .iter()
            .map(|kw| match kw.docs_all {
                Some(all) => (format!("{}  {:.0}  {}/{all}", kw.word, kw.weight, kw.docs), kw.docs),
                None => (format!("{}  {:.2}", kw.word, kw.weight), kw.docs),
            })
            .collect();
        chart::write(&mut self.0.w, &labels, self.0.config.width.min(100), self.0.config.color)
    }
}
