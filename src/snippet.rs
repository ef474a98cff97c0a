//! Snippets: the passage of an article that best shows the query's literals, with each
//! literal occurrence highlighted as one span. Matching is done on the folded text with
//! the character view's rules (so 國家 highlights for 国家, and AI not inside email), and
//! mapped back onto the original text; no jieba is involved.

use unicode_width::UnicodeWidthChar;

use crate::analysis::chars::{units, Unit};
use crate::analysis::fold::fold_char;

/// A passage with highlighted byte ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges of `text` to highlight, sorted and disjoint.
    pub highlights: Vec<(usize, usize)>,
}

/// Byte ranges of `text` where any of the folded `literals` occurs.
pub fn find_hits(text: &str, literals: &[String]) -> Vec<(usize, usize)> {
    if literals.is_empty() || text.is_empty() {
        return Vec::new();
    }
    // Fold, remembering where each folded character came from.
    let mut folded = String::with_capacity(text.len());
    let mut origin: Vec<(usize, usize, usize)> = Vec::with_capacity(text.len() / 2);
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        fold_char(c, |f| {
            origin.push((folded.len(), i, end));
            folded.push(f);
        });
    }
    let at = |fbyte: usize| -> usize {
        match origin.binary_search_by_key(&fbyte, |o| o.0) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    };
    let doc: Vec<Unit> = units(&folded);
    let mut hits = Vec::new();
    for lit in literals {
        let pat: Vec<Unit> = units(lit);
        let Some(first) = pat.first() else { continue };
        let ptext: Vec<&str> = pat.iter().map(|u| &lit[u.start..u.end]).collect();
        for i in 0..doc.len() {
            if i + pat.len() > doc.len() {
                break;
            }
            let ok = pat.iter().enumerate().all(|(k, p)| {
                let d = doc[i + k];
                &folded[d.start..d.end] == ptext[k] && d.pos - doc[i].pos == p.pos - first.pos
            });
            if ok {
                let s = origin[at(doc[i].start)].1;
                let e = origin[at(doc[i + pat.len() - 1].end - 1)].2;
                hits.push((s, e));
            }
        }
    }
    hits.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in hits {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn width(c: char) -> usize {
    c.width().unwrap_or(0)
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n')
}

/// The passage of `text` (at most `max_width` display columns) showing the most
/// distinct literals, starting at a sentence start where it can.
pub fn make(text: &str, literals: &[String], max_width: usize) -> Snippet {
    let text: &str = &crate::output::sanitize::strip_escapes(text);
    let hits = find_hits(text, literals);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let char_at = |byte: usize| chars.partition_point(|(b, _)| *b < byte);
    let max_width = max_width.max(10);
    // Candidate windows start before each hit; pick the one covering most literals.
    let mut best: Option<(usize, usize, usize, usize)> = None; // (distinct, count, start, end) in chars
    for &(hs, _) in hits.iter().take(200) {
        let h = char_at(hs);
        let mut start = h;
        let mut back = 0;
        while start > 0 && back < max_width / 3 {
            let c = chars[start - 1].1;
            if is_sentence_end(c) {
                break;
            }
            back += width(c);
            start -= 1;
        }
        let mut end = start;
        let mut w = 0;
        while end < chars.len() && w + width(chars[end].1) <= max_width {
            w += width(chars[end].1);
            end += 1;
        }
        let (sb, eb) = (chars[start].0, chars.get(end).map_or(text.len(), |c| c.0));
        let inside: Vec<&(usize, usize)> = hits.iter().filter(|(s, e)| *s >= sb && *e <= eb).collect();
        let distinct = literals
            .iter()
            .filter(|l| {
                inside.iter().any(|(s, e)| {
                    let mut f = String::new();
                    text[*s..*e].chars().for_each(|c| fold_char(c, |x| f.push(x)));
                    f.contains(l.as_str())
                })
            })
            .count();
        let cand = (distinct, inside.len(), start, end);
        if best.is_none_or(|b| (cand.0, cand.1) > (b.0, b.1)) {
            best = Some(cand);
        }
    }
    let (start, mut end) = match best {
        Some((_, _, s, e)) => (s, e),
        None => {
            let mut end = 0;
            let mut w = 0;
            while end < chars.len() && w + width(chars[end].1) <= max_width {
                w += width(chars[end].1);
                end += 1;
            }
            (0, end)
        }
    };
    // End at a sentence end after the last highlight when one is in the last third.
    if end < chars.len() {
        let sb = chars.get(start).map_or(text.len(), |c| c.0);
        let eb = chars.get(end).map_or(text.len(), |c| c.0);
        let last_hit_end = hits.iter().filter(|(s, e)| *s >= sb && *e <= eb).map(|h| h.1).max().unwrap_or(sb);
        let floor = start + (end - start) * 2 / 3;
        if let Some(k) = (floor..end).rev().find(|&k| is_sentence_end(chars[k].1) && chars[k].0 >= last_hit_end) {
            end = k + 1;
        }
    }
    build(&chars, start, end, &hits)
}

/// Builds the snippet text for chars `start..end`: white space collapsed, control
/// characters dropped, `…` where text was cut, highlights moved along.
fn build(chars: &[(usize, char)], start: usize, end: usize, hits: &[(usize, usize)]) -> Snippet {
    let mut out = String::new();
    let mut spans = Vec::new();
    if start > 0 {
        out.push('…');
    }
    let mut open: Option<usize> = None;
    let mut last_space = true;
    for &(b, c) in &chars[start..end] {
        let in_hit = hits.iter().find(|(s, e)| b >= *s && b < *e);
        match (in_hit, open) {
            (Some(_), None) => open = Some(out.len()),
            (None, Some(s)) => {
                spans.push((s, out.len()));
                open = None;
            }
            _ => {}
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        if c.is_control() {
            continue;
        }
        last_space = false;
        out.push(c);
    }
    if let Some(s) = open {
        spans.push((s, out.len()));
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    if end < chars.len() {
        out.push('…');
    }
    spans.retain(|(s, e)| s < e);
    Snippet { text: out, highlights: spans }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_literals_as_whole_spans_on_the_original_text() {
        let text = "前言。國家主席出席了會議，討論人工智能與 AI 發展，email 不算。";
        let lits = vec!["国家主席".to_string(), "ai".to_string()];
        let hits = find_hits(text, &lits);
        let shown: Vec<&str> = hits.iter().map(|(s, e)| &text[*s..*e]).collect();
        assert_eq!(shown, vec!["國家主席", "AI"]);
    }

    #[test]
    fn snippet_fits_width_and_starts_at_a_sentence() {
        let text = "第一句话很长很长很长很长很长很长。第二句讲人工智能。第三句也很长很长很长很长很长很长很长。";
        let s = make(text, &["人工智能".to_string()], 30);
        let w: usize = s.text.chars().map(width).sum();
        assert!(w <= 32, "{s:?}");
        assert!(s.text.starts_with("…第二句"), "{s:?}");
        let (a, b) = s.highlights[0];
        assert_eq!(&s.text[a..b], "人工智能");
    }
}
