//! Text for the terminal, shared by the TUI's preview and the table's list layout:
//! wrapped to a width in display columns (a Chinese character is two), with the
//! literals' occurrences as highlighted spans and the line each occurrence starts on
//! (so the preview can scroll to it). Styles are applied to whole spans, so an escape
//! sequence is never split.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// A wrapped text and where its occurrences are.
#[derive(Default)]
pub struct Wrapped {
    /// The lines, at most the width asked for.
    pub lines: Vec<Line<'static>>,
    /// For each occurrence, in order, the line it starts on.
    pub occurrences: Vec<usize>,
}

/// Display width of `c` (control characters, which the sanitiser removed, count 0).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Display width of `s`.
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` cut to at most `max` display columns, with `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Whether `c` may not start a line (closing punctuation: ，。」” and the like).
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '」'
            | '』'
            | '”'
            | '’'
            | '）'
            | '》'
            | '】'
            | ','
            | '.'
            | ')'
    )
}

/// Wraps `text` (already sanitised; `\n` separates paragraphs) to `max` columns, with
/// the byte ranges `hits` (sorted, disjoint) in `mark` style.
pub fn wrap(text: &str, hits: &[(usize, usize)], max: usize, plain: Style, mark: Style) -> Wrapped {
    let max = max.max(4);
    let mut out = Wrapped::default();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    let mut w = 0;
    let mut next_hit = 0;
    let flush_run = |line: &mut Vec<Span<'static>>, run: &mut String, marked: bool| {
        if !run.is_empty() {
            line.push(Span::styled(std::mem::take(run), if marked { mark } else { plain }));
        }
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        while next_hit < hits.len() && hits[next_hit].1 <= i {
            next_hit += 1;
        }
        let marked = hits.get(next_hit).is_some_and(|h| h.0 <= i);
        if c == '\n' {
            flush_run(&mut line, &mut run, run_marked);
            out.lines.push(Line::from(std::mem::take(&mut line)));
            w = 0;
            continue;
        }
        let cw = char_width(c);
        // Wrap before this character when it does not fit, or when the closing
        // punctuation after it would have to start the next line: the two go together.
        let next = chars.peek().map(|&(_, n)| n).filter(|&n| n != '\n');
        let pushes_punct =
            next.is_some_and(|n| no_line_start(n) && w + cw + char_width(n) > max) && !no_line_start(c) && w > 0;
        if w > 0 && (w + cw > max || pushes_punct) {
            flush_run(&mut line, &mut run, run_marked);
            out.lines.push(Line::from(std::mem::take(&mut line)));
            w = 0;
        }
        if marked != run_marked {
            flush_run(&mut line, &mut run, run_marked);
            run_marked = marked;
        }
        if marked && hits[next_hit].0 == i {
            out.occurrences.push(out.lines.len());
        }
        run.push(c);
        w += cw;
        if chars.peek().is_none() {
            flush_run(&mut line, &mut run, run_marked);
        }
    }
    flush_run(&mut line, &mut run, run_marked);
    if !line.is_empty() {
        out.lines.push(Line::from(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(w: &Wrapped) -> Vec<String> {
        w.lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn wraps_by_display_columns_and_finds_occurrences() {
        let text = "上海人工智能实验室发布新模型\n第二段也讲人工智能";
        let a = text.find("人工智能").unwrap_or(0);
        let b = text.rfind("人工智能").unwrap_or(0);
        let hits = [(a, a + 12), (b, b + 12)];
        let w = wrap(text, &hits, 10, Style::default(), Style::default().bold());
        assert_eq!(texts(&w), vec!["上海人工智", "能实验室发", "布新模型", "第二段也讲", "人工智能"]);
        assert!(w.lines.iter().all(|l| width(&l.to_string()) <= 10));
        assert_eq!(w.occurrences, vec![0, 4]);
    }

    #[test]
    fn closing_punctuation_does_not_start_a_line() {
        let w = wrap("一二三四五，六", &[], 10, Style::default(), Style::default());
        assert_eq!(texts(&w), vec!["一二三四", "五，六"]);
    }

    #[test]
    fn fit_cuts_at_display_width() {
        assert_eq!(fit("人工智能实验室", 9), "人工智能…");
        assert_eq!(fit("abc", 9), "abc");
        assert!(width(&fit("人工智能实验室", 8)) <= 8);
    }
}
