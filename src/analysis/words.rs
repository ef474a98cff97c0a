//! The word view: jieba's segmentation of the folded text, minus tokens that hold no
//! letter, digit or CJK character. BM25 ranking is computed on this view.

use jieba_rs::Jieba;

/// Whether a jieba token is a word worth indexing (not space or punctuation).
#[inline]
pub(crate) fn is_word(token: &str) -> bool {
    // Most tokens hold a common Han character or an ASCII letter or digit: decided without
    // the Unicode tables.
    token.chars().any(|c| c.is_ascii_alphanumeric() || is_common_han(c) || (!c.is_ascii() && c.is_alphanumeric()))
}

/// The main block of CJK ideographs, every one of them a letter.
#[inline]
fn is_common_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}')
}

/// Longest piece of text handed to jieba at once. jieba returns every token of its input
/// in one vector, so a 100 MB article would otherwise need gigabytes.
pub(crate) const CHUNK_BYTES: usize = 64 * 1024;

/// The characters a chunk may end after: jieba starts afresh after each of them.
pub(crate) const SEPARATORS: [char; 7] = ['\n', '。', '！', '？', '；', '，', ' '];

/// End of the chunk of `text` starting at `start`: after the last line break or sentence
/// end within [`CHUNK_BYTES`]. jieba segments each run of Han characters (and letters,
/// digits) on its own, so cutting at such a character changes no word.
pub(crate) fn chunk_end(text: &str, start: usize) -> usize {
    let limit = start + CHUNK_BYTES;
    if limit >= text.len() {
        return text.len();
    }
    let mut cut = limit;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let window = &text[start..cut];
    window
        .rfind(SEPARATORS)
        .map(|i| start + i + window[i..].chars().next().map_or(1, char::len_utf8))
        .filter(|&end| end > start)
        .unwrap_or(cut)
}

/// Calls `f` with each word of `text[start..end]` (one chunk) and its byte range in `text`.
pub(crate) fn for_each_word_in<'a>(
    jieba: &Jieba,
    text: &'a str,
    start: usize,
    end: usize,
    mut f: impl FnMut(&'a str, usize, usize),
) {
    for t in jieba.cut(&text[start..end], true) {
        if is_word(t.word) {
            f(t.word, start + t.byte_start, start + t.byte_end);
        }
    }
}

/// Calls `f` with each word of `text` (already folded) and its byte range, segmenting
/// one chunk at a time (see [`chunk_end`]).
pub(crate) fn for_each_word<'a>(jieba: &Jieba, text: &'a str, mut f: impl FnMut(&'a str, usize, usize)) {
    let mut start = 0;
    while start < text.len() {
        let end = chunk_end(text, start);
        for_each_word_in(jieba, text, start, end, &mut f);
        start = end;
    }
}

/// The words of `text` (already folded), in order.
pub fn words(jieba: &Jieba, text: &str) -> Vec<String> {
    let mut v = Vec::new();
    for_each_word(jieba, text, |w, _, _| v.push(w.to_string()));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::dictionary::Dictionary;
    use crate::analysis::fold::fold;

    #[test]
    fn common_han_characters_are_letters() {
        assert!(('\u{4E00}'..='\u{9FFF}').all(|c| is_common_han(c) && c.is_alphanumeric()));
    }

    #[test]
    fn chunked_segmentation_equals_whole_text_segmentation() {
        let seed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/002_796d7d15a6c68fce.txt"))
            .unwrap_or_default();
        assert!(seed.len() > 1000, "a seed article to segment");
        // Several chunks, with cuts at line breaks, at commas and (a long run without
        // any) in the middle of Han text.
        let text = fold(&format!("{}{}{}", seed.repeat(20), "中".repeat(CHUNK_BYTES), seed.replace('\n', "，")));
        assert!(text.len() > 4 * CHUNK_BYTES);
        let jieba = Dictionary::default().full_jieba();
        let whole: Vec<(usize, usize)> =
            jieba.cut(&text, true).iter().filter(|t| is_word(t.word)).map(|t| (t.byte_start, t.byte_end)).collect();
        let mut chunked = Vec::new();
        for_each_word(&jieba, &text, |_, s, e| chunked.push((s, e)));
        // The forced cut inside the long Han run is the one place allowed to differ.
        let run = text.find(&"中".repeat(100)).unwrap_or(0)..text.rfind(&"中".repeat(100)).unwrap_or(0) + 300;
        let outside = |v: &[(usize, usize)]| v.iter().filter(|(s, _)| !run.contains(s)).copied().collect::<Vec<_>>();
        assert_eq!(outside(&whole), outside(&chunked));
        assert!(whole.len() > 10_000);
    }
}
