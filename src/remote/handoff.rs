//! The hand-off that keeps matching exact on another engine: sou does all the analysis
//! and sends each view as whitespace-separated ASCII tokens, so the engine only splits on
//! white space and never lower-cases, stems, stops or n-grams anything.
//!
//! - The character view ([`crate::analysis::chars`]): one token per unit and per gap, in
//!   order (the local index's own tokens, the gap written [`GAP`]), so a phrase of
//!   tokens matches exactly where sou's own phrase would.
//! - The word view ([`crate::analysis::words`]): one token per jieba word.
//! - Exact values (the outlet, the author, for `source:` and `--source`): one token each
//!   ([`value_token`]) where the engine has no keyword type (Sphinx).
//!
//! A unit or word is `x` followed by the hexadecimal code point of each character
//! (`中` → `x4e2d`, `ai` → `x61x69`): only `[0-9a-z]`, which every engine's default
//! character table keeps as one word. A token that would be longer than
//! [`MAX_TOKEN`] bytes (Sphinx truncates words past 42) is `h` and a 64-bit hash.

use std::fmt::Write;

use jieba_rs::Jieba;
use twox_hash::XxHash3_64;

use crate::analysis::chars::{self, for_each_token, plan_literal, LiteralPlan};
use crate::analysis::fold::fold;
use crate::analysis::segment::QuerySegmenter;
use crate::analysis::words::{for_each_word, is_word};

/// The token of a position where punctuation or white space stood ([`chars::GAP`]).
pub const GAP: &str = "g";

/// A token every exported document has, so that a query of exclusions only (`-广告`)
/// has something to exclude from: engines refuse a query that is only a NOT.
pub(crate) const EVERY: &str = "souall";

/// The longest token sent as hexadecimal code points; longer ones are hashed.
pub(crate) const MAX_TOKEN: usize = 32;

/// The engine field of one view (`"words"` or `"chars"`) of a text field:
/// `content_words`, `title_chars`.
pub(crate) fn view_field(f: crate::article::Field, view: &str) -> String {
    format!("{}_{view}", f.name())
}

/// Appends the token of one folded unit, word or [`chars::GAP`] to `out`.
pub(crate) fn push_token(out: &mut String, s: &str) {
    if s == chars::GAP {
        out.push_str(GAP);
        return;
    }
    let start = out.len();
    for c in s.chars() {
        // Writing to a String cannot fail.
        let _ = write!(out, "x{:x}", c as u32);
    }
    if out.len() - start > MAX_TOKEN {
        out.truncate(start);
        let _ = write!(out, "h{:016x}", XxHash3_64::oneshot(s.as_bytes()));
    }
}

/// The token of one folded unit or word.
pub fn token(s: &str) -> String {
    let mut t = String::new();
    push_token(&mut t, s);
    t
}

/// The token of an exact field value (an outlet's name), as typed: `k` and a 64-bit
/// hash of its bytes.
pub(crate) fn value_token(v: &str) -> String {
    format!("k{:016x}", XxHash3_64::oneshot(v.as_bytes()))
}

/// The character view of an (unfolded) text as tokens separated by spaces, with a
/// [`GAP`] for every empty position between two units.
pub(crate) fn chars_view(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len() * 2);
    for_each_token(&folded, |t, _| {
        push_token(&mut out, t);
        out.push(' ');
    });
    out.pop();
    out
}

/// The word view of an (unfolded) text, segmented by `jieba` exactly as the index's
/// word view was, as tokens separated by spaces.
pub(crate) fn words_view(jieba: &Jieba, text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    for_each_word(jieba, &folded, |w, _, _| {
        push_token(&mut out, w);
        out.push(' ');
    });
    out.pop();
    out
}

/// The phrase of tokens a folded query literal is looked up as in the character view
/// (gaps included); `None` when it holds nothing searchable (punctuation only).
pub fn literal_chars(folded: &str) -> Option<Vec<String>> {
    let LiteralPlan::Units(units) = plan_literal(folded) else { return None };
    Some(units.iter().map(|(_, unit)| token(unit)).collect())
}

/// The word-view tokens that rank documents for a folded query literal.
pub(crate) fn literal_words(words: &QuerySegmenter, folded: &str) -> Vec<String> {
    words.cut(folded).into_iter().filter(|w| is_word(w)).map(token).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_hex_code_points_and_gaps_fill_empty_positions() {
        assert_eq!(chars_view("中国"), "x4e2d x56fd");
        assert_eq!(chars_view("中，国"), "x4e2d g x56fd");
        // A run of spaces is one gap; punctuation then a space are two.
        assert_eq!(chars_view("AI  芯片"), "x61x69 g x82af x7247");
        assert_eq!(chars_view("a, b"), "x61 g g x62");
        // Folding first: traditional, full-width and case are the same tokens.
        assert_eq!(chars_view("國ＡＩ"), chars_view("国ai"));
        assert_eq!(chars_view("，。"), "");
    }

    #[test]
    fn a_literal_is_the_same_tokens_as_the_text_it_matches() {
        for lit in ["中，国", "a, b", "c++", "上海😀", "5g网络", "r-d"] {
            let phrase = literal_chars(&fold(lit)).unwrap_or_default().join(" ");
            assert!(!phrase.is_empty());
            assert!(chars_view(&format!("前{lit}后")).contains(&phrase), "{lit}: {phrase}");
        }
        assert_eq!(literal_chars("，"), None);
    }

    #[test]
    fn long_words_are_hashed_into_short_tokens() {
        let long = "internationalization";
        let t = token(long);
        assert!(t.starts_with('h') && t.len() == 17, "{t}");
        assert_ne!(t, token("internationalizatiom"));
        assert!(token("abcdefghij").len() <= MAX_TOKEN);
        assert!(chars_view("very internationalization").ends_with(&t));
    }
}
