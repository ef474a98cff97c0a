//! Keywords: the most distinctive words of a set of documents.
//!
//! Weight of a word = the sum over the matching documents of its BM25 term weight:
//! saturated frequency in the document × inverse document frequency in the whole index.
//! A word counts more when many matching documents use it and few others do; one long
//! article repeating a word cannot dominate. Candidates are jieba words of at least two
//! characters, tagged as nouns by jieba, that are neither stop words (stopwords-iso's Chinese list) nor numbers.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::{Searcher, Term};

use crate::analysis::dictionary::Dictionary;
use crate::analysis::fold::fold_mapped;
use crate::article::Field;
use crate::index::Fields;

/// stopwords-iso's Chinese list (MIT), one word a line.
const STOP_WORDS: &str = include_str!("../../data/stopwords-zh.txt");

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;

/// At most this many documents (the best-ranked) are read.
const MAX_DOCS: usize = 5_000;

/// Nouns (n, nr, ns, nt, nz, …), verbal nouns (vn) and foreign words (eng): what a
/// topic is named with. Verbs and function words say how, not what.
fn is_noun_like(tag: &str) -> bool {
    tag.starts_with('n') || tag == "vn" || tag == "eng"
}

/// Whether `w` (folded) can be a keyword.
fn is_candidate(w: &str, stop: &HashSet<&str>) -> bool {
    w.chars().count() >= 2
        && w.chars().all(char::is_alphanumeric)
        && !w.chars().any(|c| c.is_numeric())
        && !stop.contains(w)
}

/// One keyword.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    /// The word, in the form the matching documents write it most often (traditional
    /// stays traditional, `AI` stays upper-case).
    pub word: String,
    /// Its weight: the sum of its BM25 term weights over the documents read.
    pub weight: f64,
    /// Documents read that contain it.
    pub docs: u64,
}

/// The keywords of a selection.
#[derive(Clone, Debug, PartialEq)]
pub struct Keywords {
    /// Documents read (the best-ranked matches, at most 5,000).
    pub docs: usize,
    /// The words, heaviest first.
    pub words: Vec<Keyword>,
}

/// The `limit` most distinctive words of the documents `query` matches.
pub fn distinctive(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    dict: &Dictionary,
    limit: usize,
) -> Result<Keywords> {
    let hits = searcher.search(query, &TopDocs::with_limit(MAX_DOCS).order_by_score())?;
    let stop: HashSet<&str> = STOP_WORDS.lines().collect();
    let jieba = dict.full_jieba();
    let mut tf: HashMap<String, f64> = HashMap::new();
    let mut docs: HashMap<String, u64> = HashMap::new();
    // How each (folded) word was written: keywords are printed in their most frequent form.
    let mut forms: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for (_, addr) in &hits {
        let a = super::search::load(searcher, fields, *addr)?;
        let original = format!("{}\n{}", a.text(Field::Title), a.text(Field::Content));
        let (text, origin) = fold_mapped(&original);
        let mut counts: HashMap<&str, u32> = HashMap::new();
        let mut at = 0;
        for t in jieba.tag(&text, true) {
            let (start, end) = (at, at + t.word.len());
            at = end;
            if is_noun_like(t.tag) && is_candidate(t.word, &stop) {
                *counts.entry(t.word).or_default() += 1;
                let form = &original[origin[start]..origin[end]];
                *forms.entry(t.word.to_string()).or_default().entry(form.to_string()).or_default() += 1;
            }
        }
        for (w, c) in counts {
            let c = c as f64;
            *tf.entry(w.to_string()).or_default() += c * (K1 + 1.0) / (c + K1);
            *docs.entry(w.to_string()).or_default() += 1;
        }
    }
    let n_index = searcher.num_docs() as f64;
    let field = fields.views(Field::Content).map(|v| v.words);
    let mut words: Vec<Keyword> = tf
        .into_iter()
        .map(|(word, f)| {
            let df = field.map_or(0, |fd| searcher.doc_freq(&Term::from_field_text(fd, &word)).unwrap_or(0)) as f64;
            let idf = (1.0 + (n_index - df + 0.5) / (df + 0.5)).ln();
            let n = docs.get(&word).copied().unwrap_or(0);
            let word = forms
                .get(&word)
                .and_then(|f| f.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))))
                .map_or(word, |(form, _)| form.clone());
            Keyword { word, weight: f * idf, docs: n }
        })
        .collect();
    words.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.word.cmp(&b.word)));
    words.truncate(limit);
    Ok(Keywords { docs: hits.len(), words })
}
