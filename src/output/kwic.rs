//! Concordance lines in every format: aligned columns on a terminal (the left context
//! right-aligned against the match, in display columns), TSV `id, date, source, left,
//! match, right`, CSV with a header, JSON Lines with the character offset.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use serde_json::json;

use sou::engine::Line;

use super::Out;
use crate::cli::Format;
use crate::wrap::{char_width, fit, width};

const MATCH: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red))).effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);

/// Display columns of the date, source and id before the contexts on a terminal.
const META: (usize, usize, usize) = (10, 8, 14);

/// Below this terminal width the date, source and id are left out: the contexts need the
/// room.
const META_MIN_WIDTH: usize = 72;

/// Display columns the date, source and id take on a terminal `width` wide.
fn meta_width(width: usize) -> usize {
    if width < META_MIN_WIDTH {
        0
    } else {
        META.0 + META.1 + META.2 + 3
    }
}

/// Writes concordance lines as they come.
pub struct KwicPrinter {
    out: Out,
    /// Display columns of each context on a terminal.
    columns: usize,
    /// Whether the CSV header is still to be written.
    csv_header: bool,
}

impl KwicPrinter {
    /// A printer; `context_chars` is the context asked for on each side (display
    /// columns on a terminal are twice that, at most what the width allows).
    pub fn new(out: Out, context_chars: usize) -> KwicPrinter {
        let free = out.settings.width.saturating_sub(meta_width(out.settings.width) + 4 + 8);
        let columns = (context_chars * 2).min(free / 2).max(8);
        let csv_header = out.settings.format == Format::Csv;
        KwicPrinter { out, columns, csv_header }
    }

    /// How many characters of context each side fits a terminal of `width` columns.
    pub fn fitting_chars(width: usize) -> usize {
        width.saturating_sub(meta_width(width) + 4 + 8) / 4
    }

    /// One line.
    pub fn line(&mut self, l: &Line) -> io::Result<()> {
        let date = l.date.map(|d| d.to_string()).unwrap_or_default();
        let source = l.source.clone().unwrap_or_default();
        match self.out.settings.format {
            Format::Jsonl => {
                let v = json!({"id": l.id, "date": l.date.map(|d| d.to_string()), "source": l.source,
                    "left": l.left, "match": l.matched, "right": l.right, "offset": l.offset});
                writeln!(self.out.w, "{v}")
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                if std::mem::take(&mut self.csv_header) {
                    w.write_record(["id", "date", "source", "left", "match", "right"]).map_err(io::Error::other)?;
                }
                w.write_record([&l.id, &date, &source, &l.left, &l.matched, &l.right]).map_err(io::Error::other)?;
                let bytes = w.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
                self.out.w.write_all(&bytes)
            }
            Format::Table => self.aligned(l, &date, &source),
            Format::Ids => writeln!(self.out.w, "{}", l.id),
            Format::Tsv => {
                let tab = |s: &str| s.replace(['\t', '\n'], " ");
                writeln!(
                    self.out.w,
                    "{}\t{date}\t{}\t{}\t{}\t{}",
                    tab(&l.id),
                    tab(&source),
                    tab(&l.left),
                    tab(&l.matched),
                    tab(&l.right)
                )
            }
        }
    }

    /// A terminal line: the match in one column, contexts fitted around it.
    fn aligned(&mut self, l: &Line, date: &str, source: &str) -> io::Result<()> {
        let color = self.out.settings.color;
        let pad = |s: String, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(&s))));
        let left = tail(&l.left, self.columns);
        let left = format!("{}{left}", " ".repeat(self.columns.saturating_sub(width(&left))));
        let right = head(&l.right, self.columns);
        if meta_width(self.out.settings.width) == 0 {
            return if color {
                writeln!(self.out.w, "{left} {MATCH}{}{MATCH:#} {right}", l.matched)
            } else {
                writeln!(self.out.w, "{left} {} {right}", l.matched)
            };
        }
        let meta = format!(
            "{} {} {}",
            pad(fit(date, META.0), META.0),
            pad(fit(source, META.1), META.1),
            pad(fit(&l.id, META.2), META.2)
        );
        if color {
            writeln!(self.out.w, "{DIM}{meta}{DIM:#}  {left} {MATCH}{}{MATCH:#} {right}", l.matched)
        } else {
            writeln!(self.out.w, "{meta}  {left} {} {right}", l.matched)
        }
    }

    /// The number of occurrences and documents (`--count`).
    pub fn count(&mut self, lines: usize, docs: usize) -> io::Result<()> {
        match self.out.settings.format {
            Format::Jsonl => writeln!(self.out.w, "{}", json!({"occurrences": lines, "documents": docs})),
            Format::Table => writeln!(self.out.w, "{lines} occurrences in {docs} documents"),
            _ => writeln!(self.out.w, "{lines}\t{docs}"),
        }
    }

    /// Writes out what is buffered.
    pub fn finish(&mut self) -> io::Result<()> {
        self.out.w.flush()
    }
}

/// The end of `s` that fits `cols` display columns.
fn tail(s: &str, cols: usize) -> String {
    let mut w = 0;
    let mut start = s.len();
    for (i, c) in s.char_indices().rev() {
        w += char_width(c);
        if w > cols {
            break;
        }
        start = i;
    }
    s[start..].to_string()
}

/// The start of `s` that fits `cols` display columns.
fn head(s: &str, cols: usize) -> String {
    let mut w = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        w += char_width(c);
        if w > cols {
            break;
        }
        end = i + c.len_utf8();
    }
    s[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_are_cut_by_display_columns() {
        assert_eq!(tail("上海人工智能", 5), "智能");
        assert_eq!(head("人工智能abc", 9), "人工智能a");
        assert_eq!(tail("ab", 10), "ab");
    }
}
