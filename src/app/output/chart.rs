//! Horizontal bar charts for counts (histograms, per-source breakdowns): a label, the
//! count, and a bar of Unicode blocks scaled to the terminal width.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthStr;

use sou::sanitize::clean;

const BAR: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));

/// Eighths of a block, for the fractional end of a bar.
const PARTIAL: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// A bar of `value / max` of `width` columns, in eighths.
pub fn bar(value: u64, max: u64, width: usize) -> String {
    if max == 0 || width == 0 {
        return String::new();
    }
    let eighths = (value as u128 * width as u128 * 8 / max as u128) as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(PARTIAL[eighths % 8]);
    if s.is_empty() && value > 0 {
        s.push('▏');
    }
    s
}

/// Writes `label count bar` lines fitting `width` columns.
pub fn write(out: &mut dyn Write, rows: &[(String, u64)], width: usize, color: bool) -> io::Result<()> {
    let labels: Vec<String> = rows.iter().map(|(l, _)| clean(l)).collect();
    let label_w = labels.iter().map(|l| l.width()).max().unwrap_or(0).min(width / 3);
    let count_w = rows.iter().map(|(_, c)| c.to_string().len()).max().unwrap_or(1);
    let max = rows.iter().map(|(_, c)| *c).max().unwrap_or(0);
    let bar_w = width.saturating_sub(label_w + count_w + 3).max(1);
    for (label, (_, count)) in labels.iter().zip(rows) {
        let label = fit(label, label_w);
        let pad = " ".repeat(label_w.saturating_sub(label.width()));
        let b = bar(*count, max, bar_w);
        if color {
            writeln!(out, "{label}{pad}  {count:>count_w$} {BAR}{b}{BAR:#}")?;
        } else {
            writeln!(out, "{label}{pad}  {count:>count_w$} {b}")?;
        }
    }
    Ok(())
}

/// `s` cut to `width` display columns.
fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) + 1 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_count() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(1, 16, 2), "▏");
        assert_eq!(bar(0, 10, 4), "");
    }
}
