//! Which words name what a text is about — the candidates of keywords: jieba words of two
//! or more characters, all letters (no digits), not a stop word (stopwords-iso's Chinese
//! list), tagged as a noun (`n…`), a verbal noun (`vn`) or a foreign word (`eng`) as
//! jieba's `tag` would tag them: the user dictionary's tag (nouns by default), else the
//! default dictionary's, else for a word jieba found by its HMM its guess — `eng` for
//! Latin letters, the part-of-speech model's for Chinese, which only jieba's tagger runs:
//! it is asked once per such word, on the block of text the word was cut from (a word's
//! tag depends on the word alone), and remembered.

use std::cell::RefCell;
use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

use fst::Set;
use jieba_rs::Jieba;

use super::dictionary::Dictionary;

/// stopwords-iso's Chinese list (MIT), one word a line.
const STOP_WORDS: &str = include_str!("../../data/stopwords-zh.txt");

static NOUNS_FST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba_nouns.fst"));

/// Most guessed words a thread remembers.
const REMEMBERED: usize = 1 << 20;

thread_local! {
    /// The tags jieba's model guessed for words outside the dictionaries (true: a noun),
    /// per thread; the first number is the [`Nouns`] they were guessed for.
    static GUESSED: RefCell<(u64, FxHashMap<Box<str>, bool>)> = RefCell::new((0, FxHashMap::default()));
}

/// Every word of two characters or more of jieba's default dictionary and every stop
/// word, and whether it is a candidate (a noun, not a stop word), as an open-addressed
/// table of 64-bit hashes (with the word's length) whose two low bits hold the answer:
/// one probe, one cache line, per word while indexing — the FSTs and a map of strings
/// cost a cache miss or more each, and a table of keys beside a table of tags two. Two
/// different words of one length with one 64-bit hash are not expected in a
/// dictionary's lifetime.
struct WordTable {
    slots: Vec<u64>,
    mask: usize,
}

/// A slot's two low bits: empty, a word that is not a candidate, a noun.
const EMPTY: u64 = 0;
const OTHER: u64 = 1;
const NOUN: u64 = 2;
const TAG: u64 = 3;

/// A word's 64-bit hash, with its length mixed in: its key in tables of words.
pub fn word_key(w: &str) -> u64 {
    twox_hash::XxHash3_64::oneshot(w.as_bytes()) ^ (w.len() as u64).rotate_left(56)
}

impl WordTable {
    fn with_capacity(n: usize) -> WordTable {
        // At most three quarters full: a hit is about two probes, a miss eight, in one or two
        // cache lines (8 slots a line); jieba's ~350,000 words fill 512 Ki slots (4 MB) to 0.68.
        let size = (n * 4 / 3).next_power_of_two().max(16);
        WordTable { slots: vec![EMPTY; size], mask: size - 1 }
    }

    fn insert(&mut self, w: &str, noun: bool) {
        let key = word_key(w) & !TAG;
        let mut i = key as usize & self.mask;
        while self.slots[i] != EMPTY && self.slots[i] & !TAG != key {
            i = (i + 1) & self.mask;
        }
        self.slots[i] = key | if noun { NOUN } else { OTHER };
    }

    /// Whether the word of `key` is a candidate (`None`: not a word of the table).
    fn get(&self, key: u64) -> Option<bool> {
        let key = key & !TAG;
        let mut i = key as usize & self.mask;
        loop {
            let slot = self.slots[i];
            if slot == EMPTY {
                return None;
            }
            if slot & !TAG == key {
                return Some(slot & TAG == NOUN);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Asks the processor to bring the slot of `key` into its cache: a chunk's words
    /// are looked up after all their slots were asked for, so the misses overlap.
    fn prefetch(&self, key: u64) {
        let i = (key & !TAG) as usize & self.mask;
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is a hint that never faults; the address is in the table.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(self.slots.as_ptr().add(i).cast());
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = i;
    }
}

fn default_words() -> &'static WordTable {
    static TABLE: OnceLock<WordTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        // Both lists are sorted: walked side by side.
        use fst::Streamer;
        let nouns = Set::new(NOUNS_FST).expect("the nouns FST is built by build.rs");
        let mut nouns = nouns.stream();
        let mut next_noun: Option<Vec<u8>> = nouns.next().map(<[u8]>::to_vec);
        let stops = stop_words();
        let mut table = WordTable::with_capacity(super::dictionary::DEFAULT_WORDS as usize + stops.len());
        super::dictionary::for_each_default_word(|w| {
            while next_noun.as_deref().is_some_and(|n| n < w.as_bytes()) {
                next_noun = nouns.next().map(<[u8]>::to_vec);
            }
            if w.chars().nth(1).is_some() && !stops.contains(w) {
                table.insert(w, next_noun.as_deref() == Some(w.as_bytes()));
            }
        });
        for w in stops {
            table.insert(w, false);
        }
        table
    })
}

/// The stop words.
pub fn stop_words() -> &'static FxHashSet<&'static str> {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.lines().collect())
}

/// Whether a part-of-speech tag names a thing: nouns (n, nr, ns, nt, nz, …), verbal
/// nouns (vn), foreign words (eng). Verbs and function words say how, not what.
pub fn is_noun_tag(tag: &str) -> bool {
    tag.starts_with('n') || tag == "vn" || tag == "eng"
}

/// Whether `w` (folded) has the shape of a keyword: two characters or more, letters
/// only, not a stop word.
pub fn is_candidate(w: &str) -> bool {
    has_candidate_shape(w) && !stop_words().contains(w)
}

/// Two characters or more, letters only.
fn has_candidate_shape(w: &str) -> bool {
    let mut n = 0;
    for c in w.chars() {
        // Common Han characters and ASCII letters are letters, not numbers: decided
        // without Unicode's tables.
        let letter = matches!(c, '\u{4E00}'..='\u{9FFF}') || c.is_ascii_alphabetic();
        if !letter && (!c.is_alphanumeric() || c.is_numeric()) {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// jieba's block characters (its `RE_HAN_DEFAULT`): CJK, ASCII letters and digits,
/// `+#&._%-`. jieba segments each run of them on its own.
fn is_block_char(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
        || c.is_ascii_alphanumeric()
        || matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-')
}

/// Tells keyword candidates from other words, with the dictionaries an index was built with.
pub struct Nouns {
    /// This instance, among those of the process (each remembers its own guesses).
    id: u64,
    user: HashMap<String, bool>,
    jieba: std::sync::Arc<Jieba>,
}

impl Nouns {
    /// For the default dictionary and `dict`'s user words, segmenting with `jieba` (the
    /// index's segmenter, for the tags it guesses).
    pub fn new(dict: &Dictionary, jieba: std::sync::Arc<Jieba>) -> Nouns {
        let user = dict.user_tags().map(|(w, t)| (w.to_string(), is_noun_tag(t))).collect();
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Nouns { id, user, jieba }
    }

    /// Whether the word `text[start..end]` (folded), a token of jieba's segmentation of
    /// `text`, is a keyword candidate.
    pub fn is_noun(&self, text: &str, start: usize, end: usize) -> bool {
        let word = &text[start..end];
        has_candidate_shape(word) && self.is_noun_keyed(text, start, end, word_key(word))
    }

    /// The words of `spans` (of `text`, folded) that are keyword candidates, in order:
    /// [`Nouns::is_noun`] for a chunk of words at once, their table lookups overlapped.
    pub fn nouns_among(&self, text: &str, spans: &[(usize, usize)], mut found: impl FnMut(usize, usize)) {
        const BATCH: usize = 32;
        let table = default_words();
        let mut keys = [(0usize, 0usize, 0u64); BATCH];
        for batch in spans.chunks(BATCH) {
            let mut n = 0;
            for &(s, e) in batch {
                let word = &text[s..e];
                if has_candidate_shape(word) {
                    let key = word_key(word);
                    table.prefetch(key);
                    keys[n] = (s, e, key);
                    n += 1;
                }
            }
            for &(s, e, key) in &keys[..n] {
                if self.is_noun_keyed(text, s, e, key) {
                    found(s, e);
                }
            }
        }
    }

    /// [`Nouns::is_noun`] of a word of candidate shape whose [`word_key`] is `key`.
    fn is_noun_keyed(&self, text: &str, start: usize, end: usize, key: u64) -> bool {
        let word = &text[start..end];
        if !self.user.is_empty() {
            if stop_words().contains(word) {
                return false;
            }
            if let Some(&noun) = self.user.get(word) {
                return noun;
            }
        }
        // Stop words are in the table, as not candidates.
        if let Some(noun) = default_words().get(key) {
            return noun;
        }
        // Not in a dictionary: jieba guesses. Latin letters are `eng` (digits were left
        // out); Chinese is what its part-of-speech model says, asked once per word.
        if word.chars().any(|c| c.is_ascii_alphabetic()) {
            return true;
        }
        let known = GUESSED.with(|g| {
            let mut g = g.borrow_mut();
            if g.0 != self.id {
                *g = (self.id, FxHashMap::default());
            }
            g.1.get(word).copied()
        });
        if let Some(noun) = known {
            return noun;
        }
        let noun = self.guess(text, start, end);
        GUESSED.with(|g| {
            let mut g = g.borrow_mut();
            if g.1.len() >= REMEMBERED {
                g.1.clear();
            }
            g.1.insert(word.into(), noun);
        });
        noun
    }

    /// jieba's tag of the token `text[start..end]`, from tagging the block it is in.
    fn guess(&self, text: &str, start: usize, end: usize) -> bool {
        let from =
            text[..start].char_indices().rev().take_while(|(_, c)| is_block_char(*c)).last().map_or(start, |(i, _)| i);
        let to =
            end + text[end..].char_indices().find(|(_, c)| !is_block_char(*c)).map_or(text.len() - end, |(i, _)| i);
        let block = &text[from..to];
        self.jieba
            .tag(block, true)
            .iter()
            .find(|t| t.byte_start == start - from && t.byte_end == end - from)
            .is_some_and(|t| is_noun_tag(t.tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_tagged_as_jieba_tags_them_in_context() {
        let dict = Dictionary::default();
        let jieba = std::sync::Arc::new(dict.full_jieba());
        let nouns = Nouns::new(&dict, jieba.clone());
        let text = "华为发布芯片，张小明说iphone很好，我们快速发展了2025年的ai。";
        let mut found = Vec::new();
        for t in jieba.tag(text, true) {
            let want = is_candidate(t.word) && is_noun_tag(t.tag);
            assert_eq!(nouns.is_noun(text, t.byte_start, t.byte_end), want, "{} {}", t.word, t.tag);
            if want {
                found.push(t.word);
            }
        }
        assert!(found.contains(&"芯片") && found.contains(&"iphone"), "{found:?}");
        assert!(!found.contains(&"我们") && !found.contains(&"快速"), "{found:?}");
    }
}
