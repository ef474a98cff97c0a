//! Plain-text articles (`.txt`, `.md`, files cut from newspaper PDFs): title = first
//! non-empty line (without Markdown's `#`); source, author and date from header lines
//! near the top (`信息来源:文汇报`, `【来源：新华社】`, `作者：张三`, `发布时间:2025-04-30`,
//! `２０２５年５月７日`); hard wraps inside Chinese text are repaired.

use std::sync::OnceLock;

use regex::Regex;
use unicode_width::UnicodeWidthStr;

use super::{finish, Item, Lost, Options, Problem, Record};
use crate::analysis::chars::is_cjk;
use crate::article::Field;
use crate::dates;

/// How many non-empty lines at the top are searched for source and date.
const HEADER_LINES: usize = 8;

/// `来源：新华社`, `【来源：新华社】`, `來源：中央社`, `来 源：经济日报`, `稿源：`.
fn source_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?:信\s*息\s*)?(?:[来來]\s*源|稿\s*源|出\s*[处處]|[来來]\s*自)\s*[:：]\s*([^\s|｜，,;；】」』)）\]]+)",
        )
        .expect("valid regex")
    })
}

/// `作者：张三`, `记者：李四`, `本报记者 王五`, `記者 陳六`.
fn author_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:作\s*者|[记記]\s*者)(?:\s*[:：]\s*|\s+)([^\s|｜，,;；】」』)）\]:：]+)").expect("valid regex")
    })
}

fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\d{4}\s*(?:[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
            .expect("valid regex")
    })
}

/// Reads a plain-text article.
pub fn read(path: &str, text: &str, opts: &Options, emit: &mut dyn FnMut(Item)) {
    let text = super::normalize_newlines(text);
    let body = unwrap_hard_wraps(&text);
    let mut lines = body.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(title) = lines.next() else { return };
    let mut r = Record::at(path, 1, 1, true);
    let a = &mut r.article;
    a.set(Field::Title, Some(short_title(title)));
    let mut date_seen = false;
    for (n, line) in body.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).take(HEADER_LINES) {
        let line = dates::half_width(line.trim());
        if a.get(Field::Source).is_none() {
            if let Some(c) = source_re().captures(&line) {
                a.set(Field::Source, Some(c[1].to_string()));
            }
        }
        if a.get(Field::Author).is_none() {
            if let Some(c) = author_re().captures(&line) {
                a.set(Field::Author, Some(c[1].to_string()));
            }
        }
        if !date_seen {
            if let Some(m) = date_re().find(&line) {
                date_seen = true;
                let s: String = m.as_str().chars().filter(|c| !c.is_whitespace() || *c == ' ').collect();
                a.date = dates::parse_timestamp(&s.replace(' ', ""), &opts.tz)
                    .or_else(|| dates::parse_timestamp(&s, &opts.tz));
                if a.date.is_none() {
                    emit(Item::Problem(Problem {
                        path: path.into(),
                        line: n + 1,
                        message: format!("unreadable date '{}'; kept without a date", m.as_str()),
                        lost: Lost::Nothing,
                    }));
                }
            }
        }
    }
    a.set(Field::Content, Some(body));
    emit(Item::Record(finish(r, opts)));
}

/// A title from the first line: a hard-wrapped first paragraph can be long, so it is cut
/// after its first sentence, or at 80 characters.
fn short_title(line: &str) -> String {
    const MAX: usize = 80;
    // A Markdown heading's marks are not part of the title.
    let line = match line.trim_start_matches('#') {
        rest if rest.len() < line.len() && rest.starts_with([' ', '\t']) => rest.trim(),
        _ => line,
    };
    if line.chars().count() <= MAX {
        return line.to_string();
    }
    let mut out = String::new();
    for (i, c) in line.chars().enumerate() {
        out.push(c);
        if matches!(c, '。' | '！' | '？' | '!' | '?') || i + 1 >= MAX {
            break;
        }
    }
    out
}

/// Whether a line ends a sentence (so a wrap after it is a real paragraph break).
fn ends_sentence(line: &str) -> bool {
    line.chars()
        .last()
        .is_some_and(|c| matches!(c, '。' | '！' | '？' | '!' | '?' | '…' | '”' | '」' | '』' | '：' | ':'))
}

/// Joins lines that a fixed-width layout (a newspaper column cut from a PDF) broke in the
/// middle of Chinese text, so that 国家 / 主席 on two lines reads 国家主席 again.
///
/// A file is hard-wrapped when most of its lines have about the same display width; a
/// line at least that wide that does not end a sentence continues on the next non-empty
/// line when either side of the break is a CJK character. Short lines (titles, headings)
/// are never joined, nor are the header lines at the top naming a source, an author or
/// a date, to the line above or below (so a title stays apart from them), however wide
/// they are; files of free-length paragraphs are left alone.
pub(crate) fn unwrap_hard_wraps(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let widths: Vec<usize> = lines.iter().map(|l| l.trim().width()).collect();
    let Some(column) = column_width(&widths) else {
        return text.to_string();
    };
    let header = header_lines(&lines);
    let full = column.saturating_sub(column / 6 + 1);
    let mut out = String::with_capacity(text.len());
    let mut joining = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            if !joining {
                out.push('\n');
            }
            continue;
        }
        if joining {
            let prev = out.chars().last();
            let next = t.chars().next();
            let cjk_join = prev.is_some_and(is_cjk) || next.is_some_and(is_cjk);
            if !cjk_join {
                out.push(' ');
            }
            out.push_str(t);
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(line.trim_end());
        }
        let next = (i + 1..lines.len()).find(|&j| !lines[j].trim().is_empty());
        let next_starts = next.map(|j| lines[j].trim());
        joining = widths[i] >= full
            && !ends_sentence(t)
            && !header[i]
            && !next.is_some_and(|j| header[j])
            && next_starts
                .is_some_and(|n| t.chars().last().is_some_and(is_cjk) || n.chars().next().is_some_and(is_cjk));
        if !joining {
            out.push('\n');
        }
    }
    out
}

/// Which lines are header lines, never joined to a neighbour: among the first
/// [`HEADER_LINES`] non-empty ones, those naming a source, an author or a date
/// (`来源：人民日报`, `2025年5月7日`). A title above them is kept apart by them; a
/// first line that simply starts a wrapped body (`…中共中央总书记、国家` / `主席…`) is
/// still joined.
fn header_lines(lines: &[&str]) -> Vec<bool> {
    let mut header = vec![false; lines.len()];
    let top = lines.iter().enumerate().filter(|(_, l)| !l.trim().is_empty()).take(HEADER_LINES);
    for (i, line) in top {
        let line = dates::half_width(line.trim());
        header[i] = source_re().is_match(&line)
            || author_re().is_match(&line)
            || date_re().find(&line).is_some_and(|m| m.start() < 12);
    }
    header
}

/// The column width of a hard-wrapped text: the most common line width, when at least
/// 40% of the non-empty lines (and at least 5) are within a few columns of it.
fn column_width(widths: &[usize]) -> Option<usize> {
    let lines: Vec<usize> = widths.iter().copied().filter(|w| *w > 0).collect();
    let mut counts = std::collections::HashMap::new();
    for w in lines.iter().filter(|w| **w >= 16) {
        *counts.entry(*w).or_insert(0usize) += 1;
    }
    let (&mode, _) = counts.iter().max_by_key(|(w, c)| (**c, **w))?;
    let near = lines.iter().filter(|w| **w + 6 >= mode && **w <= mode + 2).count();
    (near >= 5 && near * 10 >= lines.len() * 4).then_some(mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_wrapped_chinese_lines_but_not_headings() {
        let col = "一二三四五六七八九十一二三四五六七八";
        let mut text = String::from("标题在这里\n\n");
        for _ in 0..6 {
            text.push_str(col);
            text.push_str("\n\n");
        }
        text.push_str("中共中央总书记、国家一二三四五六七八\n\n主席、中央军委主席习近平在浦东新区。\n\n小标题\n");
        text.push_str(col);
        text.push('\n');
        let out = unwrap_hard_wraps(&text);
        assert!(out.contains("国家一二三四五六七八主席"), "{out}");
        assert!(out.starts_with("标题在这里\n"), "{out}");
        assert!(out.contains("\n小标题\n"), "{out}");
    }

    #[test]
    fn header_lines_are_never_joined() {
        let col = "一二三四五六七八九十一二三四五六七八";
        let mut text = String::from("国务院会见外国代表团一二三四五六七八\n来源：人民日报一二三四五六七八九十一\n2025年5月7日一二三四五六七八九十一二\n");
        for _ in 0..6 {
            text.push_str(col);
            text.push('\n');
        }
        text.push_str("中共中央总书记、国家一二三四五六七八\n主席、中央军委主席习近平在浦东新区。\n");
        let out = unwrap_hard_wraps(&text);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "国务院会见外国代表团一二三四五六七八", "{out}");
        assert_eq!(lines[1], "来源：人民日报一二三四五六七八九十一", "{out}");
        assert!(lines[2].starts_with("2025年5月7日"), "{out}");
        // The body is still repaired.
        assert!(out.contains("国家一二三四五六七八主席"), "{out}");
    }

    #[test]
    fn leaves_free_paragraphs_alone() {
        let text = "标题\n\n第一段很长的文字，没有换行。\n\n第二段。\n";
        assert_eq!(unwrap_hard_wraps(text), text);
    }
}
