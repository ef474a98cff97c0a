//! The segmentation dictionary: jieba's default dictionary plus the user's words, which
//! are stored with the index so that every later run segments the same way.
//!
//! Indexing uses jieba-rs's full trie, built from its embedded copy of `dict.txt`
//! (~110 ms, once per run). That is too much for a query. Jieba's segmentation of a
//! text only ever consults the words that occur in that text and the dictionary's total
//! frequency, so queries look words up in an FST of the same `dict.txt`, compiled into
//! the binary by `build.rs` (see `segment.rs`; [`Dictionary::jieba_for`] builds a tiny
//! `Jieba` of just those words when the HMM is needed): the same result, in microseconds.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use fst::raw::{Fst, Output};
use jieba_rs::Jieba;

include!(concat!(env!("OUT_DIR"), "/jieba_total.rs"));

/// Number of words in jieba's default dictionary.
pub(crate) const DEFAULT_WORDS: u64 = DEFAULT_WORD_COUNT;

static DEFAULT_FST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba_dict.fst"));

/// File in the index directory holding the user dictionary (`word freq tag` lines).
pub(crate) const USER_DICT_FILE: &str = "sou-dict.txt";

/// A word that no query can contain, carrying the frequency mass of the words a query
/// does not contain.
const PLACEHOLDER: &str = "\u{0}\u{0}";

/// An index's segmenter, built when first needed: the ~100 ms and ~30 MB of jieba's
/// dictionary are not paid by a query the index answers alone.
pub struct LazyJieba {
    dict: Dictionary,
    jieba: std::sync::OnceLock<std::sync::Arc<Jieba>>,
}

impl LazyJieba {
    /// The segmenter of `dict`, not built yet.
    pub fn new(dict: Dictionary) -> LazyJieba {
        LazyJieba { dict, jieba: std::sync::OnceLock::new() }
    }

    /// The segmenter (built on the first call).
    pub fn get(&self) -> &std::sync::Arc<Jieba> {
        self.jieba.get_or_init(|| std::sync::Arc::new(self.dict.full_jieba()))
    }
}

/// The dictionary an index was built with.
#[derive(Debug, Default, Clone)]
pub struct Dictionary {
    /// User words with their resolved frequencies, in the order they were added.
    user: BTreeMap<String, u64>,
    /// Their part-of-speech tags (`n` when the user gave none: a user's word names a
    /// thing, and `keywords` keeps nouns).
    tags: BTreeMap<String, String>,
}

/// The tag of a user word given without one.
const DEFAULT_TAG: &str = "n";

fn default_fst() -> Fst<&'static [u8]> {
    Fst::new(DEFAULT_FST).expect("the dictionary FST is built by build.rs")
}

/// Calls `f` with every word of jieba's default dictionary.
pub(crate) fn for_each_default_word(mut f: impl FnMut(&str)) {
    use fst::Streamer;
    let map = fst::Map::from(default_fst());
    let mut stream = map.stream();
    while let Some((w, _)) = stream.next() {
        if let Ok(w) = std::str::from_utf8(w) {
            f(w);
        }
    }
}

/// Frequency of `word` in the default dictionary.
fn default_freq(fst: &Fst<&'static [u8]>, word: &str) -> Option<u64> {
    fst.get(word.as_bytes()).map(|o| o.value())
}

impl Dictionary {
    /// Loads the user dictionary stored in `index_dir`, if any.
    pub fn load(index_dir: &Path) -> Result<Self> {
        let path = index_dir.join(USER_DICT_FILE);
        let mut user = BTreeMap::new();
        let mut tags = BTreeMap::new();
        if let Ok(text) = fs::read_to_string(&path) {
            for (n, line) in text.lines().enumerate() {
                let mut it = line.split_whitespace();
                let (Some(w), Some(f)) = (it.next(), it.next()) else {
                    continue;
                };
                let f = f.parse().with_context(|| format!("{}:{}: bad frequency", path.display(), n + 1))?;
                user.insert(w.to_string(), f);
                tags.insert(w.to_string(), it.next().unwrap_or(DEFAULT_TAG).to_string());
            }
        }
        Ok(Dictionary { user, tags })
    }

    /// Writes the user dictionary into `index_dir` (atomically: temp file + rename).
    pub(crate) fn save(&self, index_dir: &Path) -> Result<()> {
        if self.user.is_empty() {
            return Ok(());
        }
        let tmp = index_dir.join(format!("{USER_DICT_FILE}.tmp"));
        let mut f = fs::File::create(&tmp)?;
        for (w, freq) in &self.user {
            writeln!(f, "{w} {freq} {}", self.tag(w))?;
        }
        f.sync_all()?;
        fs::rename(&tmp, index_dir.join(USER_DICT_FILE))?;
        Ok(())
    }

    /// Number of user words.
    pub fn user_words(&self) -> usize {
        self.user.len()
    }

    /// Reads a jieba-format user dictionary (`word [freq] [tag]` per line) and adds its
    /// words. A word without a frequency gets the one jieba suggests to keep it whole.
    /// Words are folded like all text, so 繁體 and full-width entries work too.
    pub(crate) fn add_user_file(&mut self, path: &Path) -> Result<usize> {
        let raw = fs::read(path).with_context(|| format!("cannot read dictionary {}", path.display()))?;
        let text =
            String::from_utf8(raw).map_err(|_| anyhow::anyhow!("{}: dictionary is not UTF-8", path.display()))?;
        let mut jieba = self.full_jieba();
        let mut added = 0;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_start_matches('\u{feff}');
            let mut it = line.split_whitespace();
            let Some(word) = it.next() else { continue };
            if word.starts_with('#') {
                continue;
            }
            let word = super::fold::fold(word);
            let freq = match it.next() {
                Some(f) => match f.parse::<u64>() {
                    Ok(f) => Some(f),
                    Err(_) => bail!("{}:{}: frequency '{f}' is not a whole number", path.display(), n + 1),
                },
                None => None,
            };
            let tag = it.next().unwrap_or(DEFAULT_TAG).to_string();
            let freq = jieba.add_word(&word, freq.map(|f| f as usize), Some(&tag)) as u64;
            self.user.insert(word.clone(), freq);
            self.tags.insert(word, tag);
            added += 1;
        }
        Ok(added)
    }

    /// Total frequency of the dictionary, as jieba computes it.
    fn total(&self, fst: &Fst<&'static [u8]>) -> u64 {
        let mut total = DEFAULT_TOTAL;
        for (w, f) in &self.user {
            total = total - default_freq(fst, w).unwrap_or(0) + f;
        }
        total
    }

    /// The full segmenter, for indexing: default dictionary plus user words. jieba-rs's
    /// own loader of its embedded dictionary (the same `dict.txt` that `build.rs` turns
    /// into the query-time FST) is the fastest way to build it: ~110 ms, against ~210 ms
    /// through `Jieba::with_dict`, which checks every word for a duplicate.
    pub fn full_jieba(&self) -> Jieba {
        let mut jieba = Jieba::new();
        for (w, f) in &self.user {
            jieba.add_word(w, Some(*f as usize), Some(self.tag(w)));
        }
        jieba
    }

    /// The user words with their tags.
    pub(crate) fn user_tags(&self) -> impl Iterator<Item = (&str, &str)> {
        self.user.keys().map(|w| (w.as_str(), self.tag(w)))
    }

    /// The tag of user word `w`.
    fn tag(&self, w: &str) -> &str {
        self.tags.get(w).map_or(DEFAULT_TAG, String::as_str)
    }

    /// The dictionary words occurring anywhere in `text`, with their frequencies (user
    /// words override default ones): all that segmenting `text` ever looks up.
    pub(crate) fn words_in<'t>(&self, text: &'t str) -> BTreeMap<&'t str, u64> {
        let fst = default_fst();
        let mut found: BTreeMap<&str, u64> = BTreeMap::new();
        let bytes = text.as_bytes();
        for (start, _) in text.char_indices() {
            let mut node = fst.root();
            let mut out = Output::zero();
            for (k, &b) in bytes[start..].iter().enumerate() {
                let Some(i) = node.find_input(b) else { break };
                let t = node.transition(i);
                out = out.cat(t.out);
                node = fst.node(t.addr);
                let end = start + k + 1;
                if node.is_final() && text.is_char_boundary(end) {
                    found.insert(&text[start..end], out.cat(node.final_output()).value());
                }
            }
        }
        for (w, f) in &self.user {
            if let Some(i) = text.find(w.as_str()) {
                found.insert(&text[i..i + w.len()], *f);
            }
        }
        found
    }

    /// Total frequency of the dictionary (default and user words), as jieba computes it.
    pub(crate) fn total_freq(&self) -> u64 {
        self.total(&default_fst())
    }

    /// A segmenter that cuts `text` exactly as [`Dictionary::full_jieba`] would, built
    /// from the dictionary words that occur in `text` only.
    pub fn jieba_for(&self, text: &str) -> Jieba {
        let found = self.words_in(text);
        let mut jieba = Jieba::empty();
        let mut sum = 0;
        for (w, f) in &found {
            jieba.add_word(w, Some(*f as usize), None);
            sum += f;
        }
        let rest = self.total_freq().saturating_sub(sum);
        if rest > 0 {
            jieba.add_word(PLACEHOLDER, Some(rest as usize), None);
        }
        jieba
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_words_without_frequency_stay_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("user.txt");
        fs::write(&path, "模速空间\n无问芯穹 10 nz\n").unwrap();
        let mut dict = Dictionary::default();
        assert_eq!(dict.add_user_file(&path).unwrap(), 2);
        let text = "模速空间里的无问芯穹";
        let words: Vec<_> = dict.jieba_for(text).cut(text, true).iter().map(|t| t.word.to_string()).collect();
        assert!(words.contains(&"模速空间".to_string()), "{words:?}");
        dict.save(dir.path()).unwrap();
        let again = Dictionary::load(dir.path()).unwrap();
        let full: Vec<_> = again.full_jieba().cut(text, true).iter().map(|t| t.word.to_string()).collect();
        assert_eq!(words, full);
    }
}
