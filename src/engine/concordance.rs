//! Concordance (keyword in context): every occurrence of a query's literals in the
//! matching documents' stored text, one line each, with the text just left and right of
//! it — what corpus linguists read to see how a word is used (AntConc, CQPweb).
//!
//! Occurrences are found with the snippets' matcher (the character view's rules on the
//! folded text, mapped back onto the original), so the match is the text as written:
//! traditional stays traditional when the query was simplified. Documents are read one
//! at a time in rank (or date) order and their lines handed to the caller as they come.

use jiff::civil::Date;

use crate::article::Field;
use crate::sanitize::clean;
use crate::snippet;

/// One occurrence in its context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The document's id.
    pub id: String,
    /// Its day.
    pub date: Option<Date>,
    /// Its source.
    pub source: Option<String>,
    /// Up to the context width of characters before the match, on one line.
    pub left: String,
    /// The occurrence, as written in the document.
    pub matched: String,
    /// Up to the context width of characters after the match, on one line.
    pub right: String,
    /// Characters from the start of the article's text to the match.
    pub offset: usize,
}

/// How much context a line shows.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// Characters on each side.
    pub width: usize,
    /// Whether a context may run across a paragraph break (a line break).
    pub cross_paragraphs: bool,
}

/// The lines of one article's `text`, in text order; with `whole`, only occurrences of
/// Chinese text that are whole words of `text`'s segmentation (`-w`).
pub(crate) fn lines_of(
    text: &str,
    literals: &[String],
    ctx: Context,
    meta: (&str, Option<Date>, Option<&str>),
    whole: Option<&jieba_rs::Jieba>,
) -> Vec<Line> {
    let hits = occurrences_in(text, literals, whole);
    let mut out = Vec::with_capacity(hits.len());
    // Character offsets, counted incrementally from one hit to the next.
    let (mut at_byte, mut at_char) = (0, 0);
    for (s, e) in hits {
        at_char += text[at_byte..s].chars().count();
        at_byte = s;
        let stop = |c: char| !ctx.cross_paragraphs && c == '\n';
        let left: String = {
            let mut v: Vec<char> = text[..s].chars().rev().take_while(|&c| !stop(c)).take(ctx.width).collect();
            v.reverse();
            v.into_iter().collect()
        };
        let right: String = text[e..].chars().take_while(|&c| !stop(c)).take(ctx.width).collect();
        out.push(Line {
            id: meta.0.to_string(),
            date: meta.1,
            source: meta.2.map(str::to_string),
            left: one_line(&left),
            matched: one_line(&text[s..e]),
            right: one_line(&right),
            offset: at_char,
        });
    }
    out
}

/// The byte ranges of the literals' occurrences in `text` that a concordance shows, in
/// text order (overlapping ones merged); with `whole`, only those of Chinese text that
/// are whole words of `text`'s segmentation (`-w`).
pub(crate) fn occurrences_in(text: &str, literals: &[String], whole: Option<&jieba_rs::Jieba>) -> Vec<(usize, usize)> {
    let mut hits = snippet::find_hits(text, literals);
    if let Some(jieba) = whole {
        let (folded, map) = crate::analysis::fold::fold_mapped(text);
        let bounds = super::whole_words::boundaries(jieba, &folded);
        // The folded offset an original offset maps to (the first folded byte from it).
        let at = |orig: usize| map.partition_point(|&o| o < orig);
        hits.retain(|&(s, e)| {
            let cjk = text[s..e].chars().any(crate::analysis::chars::is_cjk);
            !cjk || (bounds.binary_search(&at(s)).is_ok() && bounds.binary_search(&at(e)).is_ok())
        });
    }
    hits
}

/// `s` on one line: line breaks and tabs as spaces, control characters removed.
fn one_line(s: &str) -> String {
    clean(&s.replace(['\n', '\r', '\t'], " "))
}

/// Orders concordance lines by the words just left of the match (read leftwards) or
/// just right of it: the classic sorts that bring collocations together.
pub fn sort_lines(lines: &mut [Line], by_left: bool) {
    let fold = crate::analysis::fold::fold;
    if by_left {
        lines.sort_by_cached_key(|l| fold(&l.left).chars().rev().collect::<String>());
    } else {
        lines.sort_by_cached_key(|l| fold(&l.right));
    }
}

/// The text occurrences are looked for in: the article's content.
pub(crate) fn text_of(a: &crate::article::Article) -> &str {
    a.text(Field::Content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_occurrence_with_its_context_and_offset() {
        let text = "第一段讲孵化器。\n第二段：國家孵化器和孵化器。";
        let ctx = Context { width: 4, cross_paragraphs: false };
        let lines = lines_of(text, &["孵化器".to_string()], ctx, ("d", None, None), None);
        let shown: Vec<(&str, &str, &str)> =
            lines.iter().map(|l| (l.left.as_str(), l.matched.as_str(), l.right.as_str())).collect();
        assert_eq!(
            shown,
            vec![("第一段讲", "孵化器", "。"), ("段：國家", "孵化器", "和孵化器"), ("孵化器和", "孵化器", "。")]
        );
        for l in &lines {
            let sliced: String = text.chars().skip(l.offset).take(3).collect();
            assert_eq!(sliced, l.matched);
        }
        let across = lines_of(
            text,
            &["孵化器".to_string()],
            Context { width: 4, cross_paragraphs: true },
            ("d", None, None),
            None,
        );
        assert_eq!(across[0].right, "。 第二");
        let mut sorted = lines.clone();
        sort_lines(&mut sorted, false);
        assert_eq!(sorted[0].right, "。");
    }
}
