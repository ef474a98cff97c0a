//! Concordance lines: the shared pieces of each format's form — TSV `id, date, source,
//! left, match, right`, and the terminal's aligned columns (the left context
//! right-aligned against the match, in display columns). The printers
//! ([`super::Printer::kwic_line`]) choose among them.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};

use sou::engine::Line;

use crate::app::wrap::{char_width, fit, width};

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

/// How many characters of context each side fits a terminal of `width` columns.
pub fn fitting_chars(width: usize) -> usize {
    width.saturating_sub(meta_width(width) + 4 + 8) / 4
}

/// The line's date and source as printed (empty when it has none).
pub fn date_and_source(l: &Line) -> (String, String) {
    (l.date.map(|d| d.to_string()).unwrap_or_default(), l.source.clone().unwrap_or_default())
}

/// One TSV line.
pub fn tsv(w: &mut dyn Write, l: &Line) -> io::Result<()> {
    let (date, source) = date_and_source(l);
    let tab = |s: &str| s.replace(['\t', '\n'], " ");
    writeln!(w, "{}\t{date}\t{}\t{}\t{}\t{}", tab(&l.id), tab(&source), tab(&l.left), tab(&l.matched), tab(&l.right))
}

/// One terminal line `width` columns wide with `context` characters asked for on each
/// side (display columns are twice that, at most what the width allows): the match in
/// one column, contexts fitted around it.
pub fn aligned(w: &mut dyn Write, l: &Line, width_cols: usize, context: usize, color: bool) -> io::Result<()> {
    let free = width_cols.saturating_sub(meta_width(width_cols) + 4 + 8);
    let columns = (context * 2).min(free / 2).max(8);
    let pad = |s: String, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(&s))));
    let left = tail(&l.left, columns);
    let left = format!("{}{left}", " ".repeat(columns.saturating_sub(width(&left))));
    let right = head(&l.right, columns);
    if meta_width(width_cols) == 0 {
        return if color {
            writeln!(w, "{left} {MATCH}{}{MATCH:#} {right}", l.matched)
        } else {
            writeln!(w, "{left} {} {right}", l.matched)
        };
    }
    let (date, source) = date_and_source(l);
    let meta = format!(
        "{} {} {}",
        pad(fit(&date, META.0), META.0),
        pad(fit(&source, META.1), META.1),
        pad(fit(&l.id, META.2), META.2)
    );
    if color {
        writeln!(w, "{DIM}{meta}{DIM:#}  {left} {MATCH}{}{MATCH:#} {right}", l.matched)
    } else {
        writeln!(w, "{meta}  {left} {} {right}", l.matched)
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
