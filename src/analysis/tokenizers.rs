//! The analysis views as tantivy tokenizers, used by the index writer. Each receives the
//! original text (held once per document, see `crate::index::document`), folds it in one
//! pass (`fold.rs`) and cuts it: no filter chain, no re-normalising.

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::chars::for_each_unit;
use super::fold::fold;
use super::words::for_each_word;

/// Name under which [`WordTokenizer`] is registered.
pub const WORDS: &str = "sou_words";
/// Name under which [`CharTokenizer`] is registered.
pub const CHARS: &str = "sou_chars";

/// Token stream over precomputed (start, end, position) spans of a folded text.
pub struct SpanStream {
    text: String,
    spans: std::vec::IntoIter<(usize, usize, u32)>,
    token: Token,
}

impl SpanStream {
    fn new(text: String, spans: Vec<(usize, usize, u32)>) -> Self {
        SpanStream { text, spans: spans.into_iter(), token: Token::default() }
    }
}

impl TokenStream for SpanStream {
    fn advance(&mut self) -> bool {
        let Some((s, e, p)) = self.spans.next() else {
            return false;
        };
        self.token.offset_from = s;
        self.token.offset_to = e;
        self.token.position = p as usize;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[s..e]);
        true
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// jieba words (the word view).
#[derive(Clone)]
pub struct WordTokenizer(pub Arc<Jieba>);

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = SpanStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanStream {
        let text = fold(text);
        let mut spans = Vec::with_capacity(text.len() / 5);
        let mut pos = 0;
        for_each_word(&self.0, &text, |_, s, e| {
            spans.push((s, e, pos));
            pos += 1;
        });
        SpanStream::new(text, spans)
    }
}

/// The character view: every unit (CJK character, letter/digit word) at its position.
#[derive(Clone)]
pub struct CharTokenizer;

impl Tokenizer for CharTokenizer {
    type TokenStream<'a> = SpanStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanStream {
        let text = fold(text);
        let mut spans = Vec::with_capacity(text.len() / 3);
        for_each_unit(&text, |u| spans.push((u.start, u.end, u.pos)));
        SpanStream::new(text, spans)
    }
}
