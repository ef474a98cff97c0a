//! The word view: jieba's segmentation of the folded text, minus tokens that hold no
//! letter, digit or CJK character. BM25 ranking is computed on this view.

use jieba_rs::Jieba;

/// Whether a jieba token is a word worth indexing (not space or punctuation).
#[inline]
pub fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Calls `f` with each word of `text` (already folded) and its byte range.
pub fn for_each_word<'a>(jieba: &Jieba, text: &'a str, mut f: impl FnMut(&'a str, usize, usize)) {
    for t in jieba.cut(text, true) {
        if is_word(t.word) {
            f(t.word, t.byte_start, t.byte_end);
        }
    }
}

/// The words of `text` (already folded), in order.
pub fn words(jieba: &Jieba, text: &str) -> Vec<String> {
    let mut v = Vec::new();
    for_each_word(jieba, text, |w, _, _| v.push(w.to_string()));
    v
}
