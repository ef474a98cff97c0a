//! Snippets: the passage of an article that best shows the query's literals, with each
//! literal occurrence highlighted as one span. Matching is done on the folded text with
//! the character view's rules (so 國家 highlights for 国家, and AI not inside email), and
//! mapped back onto the original text; no jieba is involved.
//!
//! A snippet costs one pass over the article (fold, walk the units, compare them with the
//! literals' last units) plus work proportional to the passage: it is computed for every
//! hit a query prints, in a process that lives a few milliseconds.

use unicode_segmentation::GraphemeCursor;
use unicode_width::UnicodeWidthChar;

use crate::analysis::chars::{classify, units, Class, Unit, UnitCursor};
use crate::analysis::fold::fold_char;

/// A passage with highlighted byte ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snippet {
    /// The passage, white space collapsed, `…` where it was cut.
    pub text: String,
    /// Byte ranges of `text` to highlight, sorted and disjoint.
    pub highlights: Vec<(usize, usize)>,
}

/// One stretch of the original text where literals occur: its byte range, and which
/// literals (bit `i` for literal `i`, the first 64) occur there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Hit {
    start: usize,
    end: usize,
    literals: u64,
}

/// For each folded character: its byte offset in the folded text and the byte range of
/// the original character it came from.
type Origins = Vec<(usize, usize, usize)>;

/// The folded form of `text`, and where each folded character came from when folding
/// moved any byte offset (None: every folded character sits at its original offset,
/// the usual case for Chinese text).
fn fold_mapped(text: &str) -> (String, Option<Origins>) {
    let mut folded = String::with_capacity(text.len());
    let mut moved = false;
    for c in text.chars() {
        let before = folded.len();
        let mut n = 0;
        fold_char(c, |f| {
            folded.push(f);
            n += 1;
        });
        moved |= n != 1 || folded.len() - before != c.len_utf8();
    }
    if !moved {
        return (folded, None);
    }
    // Rare: record (folded offset, original range) of every folded character.
    let mut origin = Vec::with_capacity(text.len() / 2);
    let mut at = 0;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        fold_char(c, |f| {
            origin.push((at, i, end));
            at += f.len_utf8();
        });
    }
    (folded, Some(origin))
}

/// The literals' occurrences in `text`, in text order, overlapping ones merged.
/// Marks a highlight that is a regular expression (its source follows), not a literal:
/// the query's expressions travel with its literals to every printer that highlights.
pub const PATTERN_MARK: char = '\u{1}';

/// The compiled expression of a highlight, compiled once per thread.
fn compiled(source: &str) -> Option<regex::Regex> {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, Option<regex::Regex>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    CACHE.with(|c| {
        c.borrow_mut()
            .entry(source.to_string())
            .or_insert_with(|| crate::analysis::pattern::compile(source).ok())
            .clone()
    })
}

fn hits(text: &str, literals: &[String]) -> Vec<Hit> {
    // Each literal as its units' texts and positions relative to its first unit.
    let patterns: Vec<Vec<(u32, &str)>> = literals
        .iter()
        .map(|l| {
            if l.starts_with(PATTERN_MARK) {
                return Vec::new();
            }
            let us = units(l);
            let base = us.first().map_or(0, |u| u.pos);
            us.iter().map(|u| (u.pos - base, &l[u.start..u.end])).collect()
        })
        .collect();
    let expressions: Vec<(usize, regex::Regex)> =
        literals.iter().enumerate().filter_map(|(i, l)| Some((i, compiled(l.strip_prefix(PATTERN_MARK)?)?))).collect();
    let longest = patterns.iter().map(Vec::len).max().unwrap_or(0);
    if (longest == 0 && expressions.is_empty()) || text.is_empty() {
        return Vec::new();
    }
    let (folded, origin) = fold_mapped(text);
    let to_original = |start: usize, end: usize| -> (usize, usize) {
        let Some(origin) = &origin else { return (start, end) };
        let at = |b: usize| origin.partition_point(|o| o.0 <= b).saturating_sub(1);
        (origin[at(start)].1, origin[at(end - 1)].2)
    };
    let mut found = Vec::new();
    for (i, p) in patterns.iter().enumerate() {
        find_pattern(&folded, p, |s, e| {
            let (start, end) = to_original(s, e);
            found.push(Hit { start, end, literals: 1u64.checked_shl(i as u32).unwrap_or(0) });
        });
    }
    for (i, re) in &expressions {
        for m in re.find_iter(&folded).filter(|m| !m.is_empty()) {
            let (start, end) = to_original(m.start(), m.end());
            found.push(Hit { start, end, literals: 1u64.checked_shl(*i as u32).unwrap_or(0) });
        }
    }
    found.sort_unstable_by_key(|h| (h.start, h.end));
    let mut merged: Vec<Hit> = Vec::with_capacity(found.len());
    for h in found {
        match merged.last_mut() {
            Some(last) if h.start <= last.end => {
                last.end = last.end.max(h.end);
                last.literals |= h.literals;
            }
            _ => merged.push(h),
        }
    }
    merged
}

/// Calls `f` with the byte range of every occurrence in `folded` of the literal whose
/// units (texts, with positions relative to the first) are `p`, in text order,
/// overlapping ones included.
///
/// A literal starts where its first unit's text occurs: only there are the units
/// walked, from the start of the word the occurrence is in (units never span a
/// character that is not part of a word, so the walk cuts them as a walk of the whole
/// text would), for as many units as the literal has.
fn find_pattern(folded: &str, p: &[(u32, &str)], mut f: impl FnMut(usize, usize)) {
    let Some(&(_, head)) = p.first() else { return };
    let finder = memchr::memmem::Finder::new(head.as_bytes());
    let mut from = 0;
    while let Some(at) = finder.find(&folded.as_bytes()[from..]) {
        let c = from + at;
        from = c + folded[c..].chars().next().map_or(1, char::len_utf8);
        let w = folded[..c]
            .char_indices()
            .rev()
            .take_while(|(_, ch)| classify(*ch) == Class::Word)
            .last()
            .map_or(c, |(j, _)| j);
        let window = &folded[w..];
        let mut cursor = UnitCursor::default();
        let mut units: Vec<Unit> = Vec::with_capacity(p.len());
        while let Some(u) = cursor.next(window) {
            if w + u.start < c {
                continue;
            }
            if w + u.start > c && units.is_empty() {
                break;
            }
            units.push(u);
            if units.len() == p.len() {
                break;
            }
        }
        let Some(first) = units.first().copied() else { continue };
        let matches = units.len() == p.len()
            && p.iter().zip(&units).all(|(&(pos, t), d)| d.pos - first.pos == pos && &window[d.start..d.end] == t);
        if matches {
            f(w + first.start, w + units[units.len() - 1].end);
        }
    }
}

/// Byte ranges of the folded text `folded` where the folded `literal` occurs (by the
/// character view's rules, as a search matches it), in text order, overlapping ones
/// included: what proximity operators measure between.
pub fn occurrences_in_folded(folded: &str, literal: &str) -> Vec<(usize, usize)> {
    let us = units(literal);
    let base = us.first().map_or(0, |u| u.pos);
    let p: Vec<(u32, &str)> = us.iter().map(|u| (u.pos - base, &literal[u.start..u.end])).collect();
    let mut out = Vec::new();
    find_pattern(folded, &p, |s, e| out.push((s, e)));
    out
}

/// Byte ranges of `text` where any of the folded `literals` occurs, sorted and disjoint.
pub fn find_hits(text: &str, literals: &[String]) -> Vec<(usize, usize)> {
    hits(text, literals).iter().map(|h| (h.start, h.end)).collect()
}

fn width(c: char) -> usize {
    c.width().unwrap_or(0)
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n')
}

/// Punctuation inside a sentence, after which a passage may start or before which it
/// may end without cutting a word.
fn is_clause_break(c: char) -> bool {
    matches!(c, '，' | '、' | '：' | '；' | ',' | ':' | ';' | '）' | ')' | '」' | '”') || c.is_whitespace()
}

/// `at` moved to a grapheme cluster boundary of `text` (back when `back`, else on), so a
/// flag or an emoji family is never cut. Only the cut is checked, not every character.
fn snap(text: &str, at: usize, back: bool) -> usize {
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    if cursor.is_boundary(text, 0).unwrap_or(true) {
        return at;
    }
    let moved = if back { cursor.prev_boundary(text, 0) } else { cursor.next_boundary(text, 0) };
    moved.ok().flatten().unwrap_or(at)
}

/// Where a passage showing byte `at` begins: at the start of its sentence when that is
/// at most half of `max_width` columns back; else after the farthest clause break (，、：)
/// within a third; else a third back. Always at a grapheme boundary.
fn passage_start(text: &str, at: usize, max_width: usize) -> usize {
    let mut back = 0;
    let mut after_break = None;
    let mut limit = at;
    for (i, c) in text[..at].char_indices().rev() {
        if is_sentence_end(c) {
            return i + c.len_utf8();
        }
        back += width(c);
        if back > max_width / 2 {
            break;
        }
        if back <= max_width / 3 {
            limit = i;
            if is_clause_break(c) {
                after_break = Some(i + c.len_utf8());
            }
        }
        if i == 0 {
            return 0;
        }
    }
    snap(text, after_break.unwrap_or(limit), false)
}

/// End of the passage of at most `max_width` columns starting at byte `start`: at a
/// clause break when one is in the last sixth, and at a grapheme boundary.
fn passage_end(text: &str, start: usize, max_width: usize) -> usize {
    let mut w = 0;
    let mut last_break = None;
    for (i, c) in text[start..].char_indices() {
        let cw = width(c);
        if w + cw > max_width {
            let end = match last_break {
                Some((b, bw)) if bw * 6 >= max_width * 5 => b,
                _ => start + i,
            };
            return snap(text, end, true).max(start);
        }
        w += cw;
        if is_clause_break(c) || is_sentence_end(c) {
            last_break = Some((start + i + c.len_utf8(), w));
        }
    }
    text.len()
}

/// The passage of `text` (at most `max_width` display columns) showing the most
/// distinct literals, starting at a sentence start where it can.
pub fn make(text: &str, literals: &[String], max_width: usize) -> Snippet {
    let text: &str = &crate::sanitize::strip_escapes(text);
    let hits = hits(text, literals);
    let max_width = max_width.max(10);
    // Candidate passages start before each hit; pick the one covering most literals.
    let mut best: Option<(u32, usize, usize, usize)> = None; // (distinct, count, start, end) in bytes
    for h in hits.iter().take(200) {
        let start = passage_start(text, h.start, max_width);
        let end = passage_end(text, start, max_width);
        let first = hits.partition_point(|x| x.start < start);
        let inside = hits[first..].iter().take_while(|x| x.end <= end);
        let (mask, count) = inside.fold((0u64, 0usize), |(m, n), x| (m | x.literals, n + 1));
        let cand = (mask.count_ones(), count, start, end);
        if best.is_none_or(|b| (cand.0, cand.1) > (b.0, b.1)) {
            best = Some(cand);
        }
    }
    let (start, mut end) = match best {
        Some((_, _, s, e)) => (s, e),
        None => (0, passage_end(text, 0, max_width)),
    };
    // End at a sentence end after the last highlight when one is in the last third.
    if end < text.len() {
        let last_hit_end =
            hits.iter().filter(|h| h.start >= start && h.end <= end).map(|h| h.end).max().unwrap_or(start);
        let chars: Vec<(usize, char)> = text[start..end].char_indices().map(|(i, c)| (start + i, c)).collect();
        let floor = chars.len() * 2 / 3;
        if let Some(&(b, c)) = chars[floor..].iter().rev().find(|&&(b, c)| is_sentence_end(c) && b >= last_hit_end) {
            end = b + c.len_utf8();
        }
    }
    build(text, start, end, &hits)
}

/// The snippets of many texts, in their order: [`make`] of each, on every core when
/// there are enough of them to pay for the threads (listing every match with its
/// snippet is work proportional to the matches, and it divides).
pub fn make_many(texts: &[&str], literals: &[String], max_width: usize) -> Vec<Snippet> {
    const PER_THREAD: usize = 32;
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(texts.len() / PER_THREAD).max(1);
    if threads == 1 {
        return texts.iter().map(|t| make(t, literals, max_width)).collect();
    }
    let chunk = texts.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = texts
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|t| make(t, literals, max_width)).collect::<Vec<_>>()))
            .collect();
        // A thread that panicked is a bug in `make`: its texts get no passage rather
        // than the process aborting.
        let mut out = Vec::with_capacity(texts.len());
        for (part, handle) in texts.chunks(chunk).zip(parts) {
            match handle.join() {
                Ok(v) => out.extend(v),
                Err(_) => out.extend(part.iter().map(|_| Snippet::default())),
            }
        }
        out
    })
}

/// Builds the snippet text for bytes `start..end` of `text`: white space collapsed,
/// control characters dropped, `…` where text was cut, highlights moved along.
fn build(text: &str, start: usize, end: usize, hits: &[Hit]) -> Snippet {
    let mut out = String::new();
    let mut spans = Vec::new();
    if start > 0 {
        out.push('…');
    }
    let mut open: Option<usize> = None;
    let mut last_space = true;
    let mut next_hit = hits.partition_point(|h| h.end <= start);
    for (i, c) in text[start..end].char_indices() {
        let b = start + i;
        while next_hit < hits.len() && hits[next_hit].end <= b {
            next_hit += 1;
        }
        let in_hit = hits.get(next_hit).is_some_and(|h| h.start <= b);
        match (in_hit, open) {
            (true, None) => open = Some(out.len()),
            (false, Some(s)) => {
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
    // A highlight cut by the passage's end may end in white space that is trimmed here.
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    for span in &mut spans {
        span.1 = span.1.min(trimmed);
    }
    if end < text.len() {
        out.push('…');
    }
    spans.retain(|(s, e)| s < e);
    Snippet { text: out, highlights: spans }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_segmentation::UnicodeSegmentation;

    /// The literals' occurrences found by walking every unit of the text (what `hits`
    /// did before it looked only where a literal's first unit occurs), unmerged.
    fn walked(text: &str, literals: &[String]) -> Vec<(usize, usize)> {
        let folded = crate::analysis::fold::fold(text);
        let all = units(&folded);
        let mut out = Vec::new();
        for l in literals {
            let p = units(l);
            let Some(base) = p.first().map(|u| u.pos) else { continue };
            for k in 0..all.len() {
                let window = all.get(k..k + p.len());
                let Some(window) = window else { break };
                let first = window[0].pos;
                if window
                    .iter()
                    .zip(&p)
                    .all(|(d, u)| d.pos - first == u.pos - base && folded[d.start..d.end] == l[u.start..u.end])
                {
                    out.push((window[0].start, window[p.len() - 1].end));
                }
            }
        }
        out.sort_unstable();
        out
    }

    proptest::proptest! {
        /// Looking only where a literal's first unit occurs finds what walking every
        /// unit finds (texts already folded, so byte offsets agree).
        #[test]
        fn hits_equal_a_walk_of_every_unit(
            text in "[上海a-c1 ,+.]{0,40}",
            lits in proptest::collection::vec("[上海a-c1 ,+]{1,4}", 1..3),
        ) {
            let lits: Vec<String> = lits.iter().map(|l| crate::analysis::fold::fold(l)).collect();
            let mut want = walked(&text, &lits);
            // Merged as `hits` merges overlapping occurrences.
            let mut merged: Vec<(usize, usize)> = Vec::new();
            for (s, e) in want.drain(..) {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            proptest::prop_assert_eq!(find_hits(&text, &lits), merged);
        }
    }

    #[test]
    fn passages_start_at_a_sentence_or_clause_and_never_cut_a_grapheme() {
        // The sentence start is near: the passage starts there, not inside 近日.
        let text =
            "前面的一句话说了很多很多的事情。近日，上海启动建设新一轮高质量孵化器，在后摩尔时代的产业竞逐中继续前行。";
        let s = make(text, &["孵化器".to_string()], 80);
        assert!(s.text.starts_with("…近日") || s.text.starts_with("近日"), "{}", s.text);
        // Far from any sentence start: after a clause break, not mid-word.
        let long = format!("{}，高质量孵化器。", "很长的句子".repeat(20));
        let s = make(&long, &["孵化器".to_string()], 40);
        assert!(s.text.starts_with("…高质量孵化器"), "{}", s.text);
        // A flag and a ZWJ family are whole at either end of a passage.
        for emoji in ["🇨🇳", "👨\u{200d}👩\u{200d}👧\u{200d}👦"] {
            for n in 1..30 {
                let text = format!(
                    "{}{emoji}{}人工智能{}{emoji}{}",
                    "字".repeat(n),
                    "字".repeat(n % 7),
                    "字".repeat(n % 5),
                    "字".repeat(n)
                );
                let s = make(&text, &["人工智能".to_string()], 12 + n % 9);
                let body = s.text.trim_matches('…');
                for g in body.graphemes(true) {
                    assert!(g == emoji || g.chars().count() == 1, "{emoji} cut in {:?}", s.text);
                }
                assert!(!body.starts_with('\u{200d}') && !body.ends_with('\u{200d}'), "{:?}", s.text);
                assert!(!body.starts_with('🇳') || emoji != "🇨🇳" || body.starts_with("🇨🇳"), "{:?}", s.text);
            }
        }
    }

    #[test]
    fn highlights_literals_as_whole_spans_on_the_original_text() {
        let text = "前言。國家主席出席了會議，討論人工智能與 AI 發展，email 不算。";
        let lits = vec!["国家主席".to_string(), "ai".to_string()];
        let hits = find_hits(text, &lits);
        let shown: Vec<&str> = hits.iter().map(|(s, e)| &text[*s..*e]).collect();
        assert_eq!(shown, vec!["國家主席", "AI"]);
    }

    #[test]
    fn a_highlight_cut_at_the_end_of_the_passage_stays_inside_the_text() {
        // The hit "13-45- or" is cut after "45- " by the width; the space is trimmed.
        let s = make("人工智能-13-45- OR ", &["-13-45\" or ".to_string()], 0);
        for &(a, b) in &s.highlights {
            assert!(b <= s.text.len() && s.text.is_char_boundary(a) && s.text.is_char_boundary(b), "{s:?}");
        }
        assert_eq!(s.highlights.len(), 1, "{s:?}");
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
