//! The analysis views as tantivy tokenizers, used by the index writer. Each receives the
//! original text (held once per document, see `crate::index::document`), folds it in one
//! pass (`fold.rs`) and cuts it: no filter chain, no re-normalising.

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::chars::{Unit, UnitCursor, GAP};
use super::fold::fold;
use super::words::{chunk_end, for_each_word_in};

/// Name under which [`WordTokenizer`] is registered.
pub(crate) const WORDS: &str = "sou_words";
/// Name under which [`CharTokenizer`] is registered.
pub(crate) const CHARS: &str = "sou_chars";

/// Fills `token` with the span `s..e` of `text` at `position`.
fn set(token: &mut Token, text: &str, s: usize, e: usize, position: usize) {
    token.offset_from = s;
    token.offset_to = e;
    token.position = position;
    token.position_length = 1;
    token.text.clear();
    token.text.push_str(&text[s..e]);
}

/// jieba words (the word view).
#[derive(Clone)]
pub(crate) struct WordTokenizer(pub Arc<Jieba>);

/// The word view of one folded text, segmented one chunk at a time.
pub(crate) struct WordStream {
    jieba: Arc<Jieba>,
    text: String,
    /// Where the next chunk starts.
    next_chunk: usize,
    /// Words of the current chunk.
    spans: Vec<(usize, usize)>,
    next_span: usize,
    position: usize,
    token: Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        WordStream {
            jieba: Arc::clone(&self.0),
            text: fold(text),
            next_chunk: 0,
            spans: Vec::new(),
            next_span: 0,
            position: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        while self.next_span >= self.spans.len() {
            if self.next_chunk >= self.text.len() {
                return false;
            }
            let start = self.next_chunk;
            let end = chunk_end(&self.text, start);
            self.spans.clear();
            self.next_span = 0;
            for_each_word_in(&self.jieba, &self.text, start, end, |_, s, e| self.spans.push((s, e)));
            self.next_chunk = end;
        }
        let (s, e) = self.spans[self.next_span];
        self.next_span += 1;
        set(&mut self.token, &self.text, s, e, self.position);
        self.position += 1;
        true
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The character view: every unit (CJK character, letter/digit word) at its position, a
/// [`GAP`] at every empty position between two units.
#[derive(Clone)]
pub(crate) struct CharTokenizer;

/// The character view of one folded text, walked unit by unit.
pub(crate) struct CharStream {
    text: String,
    cursor: UnitCursor,
    token: Token,
    /// The position after the last unit returned.
    next_pos: Option<u32>,
    /// A unit read while the gaps before it are still being returned.
    waiting: Option<Unit>,
}

impl Tokenizer for CharTokenizer {
    type TokenStream<'a> = CharStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> CharStream {
        CharStream {
            text: fold(text),
            cursor: UnitCursor::default(),
            token: Token::default(),
            next_pos: None,
            waiting: None,
        }
    }
}

impl TokenStream for CharStream {
    fn advance(&mut self) -> bool {
        let Some(u) = self.waiting.take().or_else(|| self.cursor.next(&self.text)) else {
            return false;
        };
        match self.next_pos {
            Some(p) if p < u.pos => {
                // An empty position before this unit: its gap first.
                self.token.offset_from = u.start;
                self.token.offset_to = u.start;
                self.token.position = p as usize;
                self.token.position_length = 1;
                self.token.text.clear();
                self.token.text.push_str(GAP);
                self.next_pos = Some(p + 1);
                self.waiting = Some(u);
            }
            _ => {
                set(&mut self.token, &self.text, u.start, u.end, u.pos as usize);
                self.next_pos = Some(u.pos + 1);
            }
        }
        true
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::chars::for_each_token;

    #[test]
    fn the_character_stream_is_the_units_with_a_gap_at_every_empty_position() {
        let text = "“路，发”  AI芯片。。C++ 上海😀\n\n國家";
        let mut want = Vec::new();
        for_each_token(&fold(text), |t, p| want.push((t.to_string(), p as usize)));
        let mut got = Vec::new();
        let mut tok = CharTokenizer;
        let mut s = tok.token_stream(text);
        while s.advance() {
            got.push((s.token().text.clone(), s.token().position));
        }
        assert_eq!(got, want);
        let gaps: Vec<usize> = got.iter().filter(|(t, _)| t == GAP).map(|(_, p)| *p).collect();
        // ， between 路 and 发; ” and the spaces before AI; 。。; the space after C++; \n\n.
        assert_eq!(gaps, vec![2, 4, 5, 9, 10, 14, 18], "{got:?}");
        assert!(got.windows(2).all(|w| w[1].1 == w[0].1 + 1), "consecutive positions: {got:?}");
    }
}
