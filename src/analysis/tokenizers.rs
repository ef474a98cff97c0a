//! The analysis views as tantivy tokenizers, used by the index writer. Each receives the
//! original text (held once per document, see `crate::index::document`), folds it in one
//! pass (`fold.rs`) and cuts it: no filter chain, no re-normalising.

use std::cell::RefCell;
use std::collections::VecDeque;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::chars::{Unit, UnitCursor, GAP};
use super::fold::{fold, fold_shifted, unshift, Shifts};
use super::nouns::{word_key, Nouns};
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

/// jieba words (the word view); while it cuts a text it also gathers the text's nouns
/// (see [`take_nouns`]).
#[derive(Clone)]
pub struct WordTokenizer {
    /// The index's segmenter.
    pub jieba: Arc<Jieba>,
    /// Which of its words are keyword candidates.
    pub nouns: Arc<Nouns>,
}

/// The word view of one folded text, segmented one chunk at a time.
pub struct WordStream<'a> {
    jieba: Arc<Jieba>,
    nouns: Arc<Nouns>,
    original: &'a str,
    text: String,
    /// Where the folded text's offsets stop matching the original's.
    shifts: Shifts,
    /// Where the next chunk starts.
    next_chunk: usize,
    /// Words of the current chunk.
    spans: Vec<(usize, usize)>,
    next_span: usize,
    position: usize,
    token: Token,
    /// The text's nouns as written: by [`word_key`], where first written and how often.
    found: FxHashMap<u64, NounCount>,
    /// Whether the nouns were left for the index (once, at the end).
    published: bool,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        let (folded, shifts) = fold_shifted(text);
        WordStream {
            jieba: Arc::clone(&self.jieba),
            nouns: Arc::clone(&self.nouns),
            original: text,
            shifts,
            text: folded,
            next_chunk: 0,
            spans: Vec::new(),
            next_span: 0,
            position: 0,
            token: Token::default(),
            found: FxHashMap::default(),
            published: false,
        }
    }
}

impl WordStream<'_> {
    /// Counts the noun at folded `s..e` in the form the text writes it.
    fn count_noun(&mut self, s: usize, e: usize) {
        let (start, end) = (unshift(&self.shifts, s), unshift(&self.shifts, e));
        let key = word_key(&self.original[start..end]);
        self.found.entry(key).or_insert(NounCount { key, start: start as u32, end: end as u32, count: 0 }).count += 1;
    }

    /// Segments the next chunk.
    fn next_chunk(&mut self) {
        let start = self.next_chunk;
        let end = chunk_end(&self.text, start);
        self.spans.clear();
        self.next_span = 0;
        let jieba = Arc::clone(&self.jieba);
        let mut spans = std::mem::take(&mut self.spans);
        for_each_word_in(&jieba, &self.text, start, end, |_, s, e| spans.push((s, e)));
        let nouns = Arc::clone(&self.nouns);
        let text = std::mem::take(&mut self.text);
        nouns.nouns_among(&text, &spans, |s, e| self.count_noun(s, e));
        self.text = text;
        self.spans = spans;
        self.next_chunk = end;
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        while self.next_span >= self.spans.len() {
            if self.next_chunk >= self.text.len() {
                if !self.published {
                    self.published = true;
                    let (nouns, folded) = (std::mem::take(&mut self.found), std::mem::take(&mut self.text));
                    publish(self.original, nouns, folded);
                }
                return false;
            }
            self.next_chunk();
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

/// A noun of a text: its form as written (`text[start..end]` where first written, and
/// its [`word_key`]) and how often the text writes it.
#[derive(Clone, Copy, Debug)]
pub struct NounCount {
    pub key: u64,
    pub start: u32,
    pub end: u32,
    pub count: u32,
}

/// A text's nouns as written, with how often each occurs.
pub type NounCounts = Vec<NounCount>;

/// Texts remembered per indexing thread: the document being indexed has at most a
/// title, a text and an author.
const RECENT: usize = 4;

/// What the word tokenizer leaves of a text for the tokenizers and writers after it.
struct Left {
    len: usize,
    hash: u64,
    nouns: Option<NounCounts>,
    folded: Option<String>,
}

thread_local! {
    /// What was left of the texts this thread cut last.
    static LEFT: RefCell<VecDeque<Left>> = const { RefCell::new(VecDeque::new()) };
}

fn text_key(text: &str) -> (usize, u64) {
    (text.len(), twox_hash::XxHash3_64::oneshot(text.as_bytes()))
}

/// Leaves the nouns and the folded form of `text` for [`take_nouns`] and the character
/// tokenizer.
fn publish(text: &str, found: FxHashMap<u64, NounCount>, folded: String) {
    let (len, hash) = text_key(text);
    let nouns = Some(found.into_values().collect());
    LEFT.with(|l| {
        let mut l = l.borrow_mut();
        if l.len() >= RECENT {
            l.pop_front();
        }
        l.push_back(Left { len, hash, nouns, folded: Some(folded) });
    });
}

/// Takes what was left of `text` with `pick`, if this thread's word tokenizer cut it
/// last (of a few).
fn take_left<T>(text: &str, pick: impl Fn(&mut Left) -> Option<T>) -> Option<T> {
    let (len, hash) = text_key(text);
    LEFT.with(|l| {
        let mut l = l.borrow_mut();
        let e = l.iter_mut().rev().find(|e| e.len == len && e.hash == hash)?;
        pick(e)
    })
}

/// The nouns of `text`, if this thread's word tokenizer cut it last (of a few): the
/// forward index of a document (`crate::index::nouns`) takes them as the document is
/// indexed, without segmenting its texts again.
pub fn take_nouns(text: &str) -> Option<NounCounts> {
    take_left(text, |e| e.nouns.take())
}

/// The nouns of `text` (with the index's segmenter): what [`WordTokenizer`] gathers.
pub fn nouns_of(jieba: &Arc<Jieba>, nouns: &Arc<Nouns>, text: &str) -> NounCounts {
    let mut t = WordTokenizer { jieba: Arc::clone(jieba), nouns: Arc::clone(nouns) };
    let mut stream = t.token_stream(text);
    while stream.advance() {}
    drop(stream);
    take_nouns(text).unwrap_or_default()
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
        // The word tokenizer folded the text just before (its field comes first).
        let folded = take_left(text, |e| e.folded.take()).unwrap_or_else(|| fold(text));
        CharStream {
            text: folded,
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
