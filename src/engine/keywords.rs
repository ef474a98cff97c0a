//! Keywords: the most distinctive words of a set of documents.
//!
//! For a query or filters (a subset of the index): *significant terms*, scored by the
//! log-likelihood ratio G² (Dunning 1993) of the 2×2 table "documents of the subset /
//! of the rest of the index containing the word or not", times the logarithm of the
//! enrichment (share of subset documents containing it ÷ share of all documents), over
//! over-represented words with a minimum support ([`min_support`]). G² alone measures
//! evidence and favours words common everywhere (技术, 企业: a median enrichment of 6
//! for the top 20 of 芯片 on news); the enrichment factor brings the distinctive ones up
//! (半导体, 高通; median 18). The query's own words are left out.
//!
//! For the whole index: weight of a word = the sum over the documents of its BM25 term
//! weight (saturated frequency × inverse document frequency): the corpus's distinctive
//! words.
//!
//! Candidates are the nouns of `crate::analysis::nouns` (jieba words of at least two
//! characters tagged as nouns, neither stop words nor numbers), listed per document when
//! it was indexed (`crate::index::nouns`) and counted here, never read from the text;
//! each is printed in its most frequent original form.

use std::collections::HashMap;

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::{DocAddress, Searcher, Term};

use crate::analysis::fold::fold;
use crate::article::Field;
use crate::index::nouns::NounsFile;
use crate::index::Fields;

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;

/// At most this many documents (the best-ranked) are read.
const MAX_DOCS: usize = 5_000;

/// One keyword.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    /// The word, in the form the matching documents write it most often (traditional
    /// stays traditional, `AI` stays upper-case).
    pub word: String,
    /// Its score: G² for a subset, the sum of its BM25 term weights for the whole index.
    pub weight: f64,
    /// Matching documents containing it (estimated from those read, when more matched).
    pub docs: u64,
    /// Documents of the whole index containing it (significant terms only).
    pub docs_all: Option<u64>,
}

/// The keywords of a selection.
#[derive(Clone, Debug, PartialEq)]
pub struct Keywords {
    /// Documents read (the best-ranked matches, at most 5,000).
    pub docs: usize,
    /// The words, heaviest first.
    pub words: Vec<Keyword>,
}

/// How keywords are ranked.
#[derive(Clone, Debug)]
pub(crate) enum Ranking {
    /// The whole index: BM25 weights.
    Corpus,
    /// A subset of `matching` documents: G² against the rest; `exclude` are the query's
    /// own literals (folded).
    Significant {
        /// Documents of the subset.
        matching: usize,
        /// The query's literals, whose words are not keywords.
        exclude: Vec<String>,
    },
}

/// Matching documents (of `read`) a significant term must occur in: a tenth of them,
/// at least 3 and at most 30 (2 in a subset under ten documents). Keyword-stuffed pages
/// that match many queries cannot carry a word alone.
fn min_support(read: usize) -> u64 {
    if read < 10 {
        2
    } else {
        (read as u64).div_ceil(10).clamp(3, 30)
    }
}

/// G² of a word found in `a` of `n1` subset documents and `b` of the `n2` others.
pub(crate) fn log_likelihood(a: f64, n1: f64, b: f64, n2: f64) -> f64 {
    let total = n1 + n2;
    let with = a + b;
    let cells = [
        (a, n1 * with / total),
        (n1 - a, n1 * (total - with) / total),
        (b, n2 * with / total),
        (n2 - b, n2 * (total - with) / total),
    ];
    2.0 * cells.iter().filter(|(o, e)| *o > 0.0 && *e > 0.0).map(|(o, e)| o * (o / e).ln()).sum::<f64>()
}

/// The `limit` most distinctive words of the documents `query` matches (at most the
/// [`MAX_DOCS`] best-ranked): their nouns are read from each segment's list of them
/// (`crate::index::nouns`), not from their text.
pub(crate) fn distinctive(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    limit: usize,
    ranking: &Ranking,
) -> Result<Keywords> {
    let hits = searcher.search(query, &TopDocs::with_limit(MAX_DOCS).order_by_score())?;
    let mut addrs: Vec<DocAddress> = hits.iter().map(|(_, a)| *a).collect();
    addrs.sort_unstable();
    let mut tf: HashMap<String, f64> = HashMap::new();
    let mut docs: HashMap<String, u64> = HashMap::new();
    // How each (folded) word was written: keywords are printed in their most frequent form.
    let mut forms: HashMap<String, HashMap<String, u32>> = HashMap::new();
    let mut at = 0;
    while at < addrs.len() {
        let segment = addrs[at].segment_ord;
        let end = at + addrs[at..].iter().take_while(|a| a.segment_ord == segment).count();
        let Some(file) = NounsFile::open(searcher.segment_reader(segment))? else {
            at = end;
            continue;
        };
        // Each form of the segment folded once (the word it is a form of).
        let mut folded: HashMap<u32, String> = HashMap::new();
        let mut entries = Vec::new();
        for addr in &addrs[at..end] {
            entries.clear();
            file.for_each(addr.doc_id, |id, count| entries.push((id, count)));
            for &(id, count) in &entries {
                let form = file.form(id);
                let word = folded.entry(id).or_insert_with(|| fold(form));
                *forms.entry(word.clone()).or_default().entry(form.to_string()).or_default() += count;
            }
            // A word's count in the document: the sum of its forms'.
            let mut counts: HashMap<&str, u32> = HashMap::new();
            for &(id, count) in &entries {
                *counts.entry(folded[&id].as_str()).or_default() += count;
            }
            for (w, &c) in &counts {
                let c = c as f64;
                *tf.entry(w.to_string()).or_default() += c * (K1 + 1.0) / (c + K1);
                *docs.entry(w.to_string()).or_default() += 1;
            }
        }
        at = end;
    }
    let n_index = searcher.num_docs() as f64;
    let field = fields.views(Field::Content).map(|v| v.words);
    let doc_freq = |word: &str| field.map_or(0, |fd| searcher.doc_freq(&Term::from_field_text(fd, word)).unwrap_or(0));
    let read = hits.len().max(1) as f64;
    let mut words: Vec<Keyword> = tf
        .into_iter()
        .filter_map(|(word, f)| {
            let n = docs.get(&word).copied().unwrap_or(0);
            let (weight, docs, docs_all) = match ranking {
                Ranking::Corpus => {
                    let df = doc_freq(&word) as f64;
                    (f * (1.0 + (n_index - df + 0.5) / (df + 0.5)).ln(), n, None)
                }
                Ranking::Significant { matching, exclude } => {
                    let support = min_support(hits.len());
                    if n < support || exclude.iter().any(|l| l.contains(word.as_str())) {
                        return None;
                    }
                    // Counts over all matching documents, estimated from those read.
                    let n1 = *matching as f64;
                    let a = (n as f64 * n1 / read).round();
                    let all = (doc_freq(&word) as f64).max(a);
                    let (b, n2) = ((all - a).max(0.0), (n_index - n1).max(1.0));
                    if a / n1 <= b / n2 {
                        return None;
                    }
                    let enrichment = (a / n1) / (all / n_index);
                    (log_likelihood(a, n1, b, n2) * enrichment.ln(), a as u64, Some(all as u64))
                }
            };
            let word = forms
                .get(&word)
                .and_then(|f| f.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))))
                .map_or(word, |(form, _)| form.clone());
            Some(Keyword { word, weight, docs, docs_all })
        })
        .collect();
    words.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.word.cmp(&b.word)));
    words.truncate(limit);
    Ok(Keywords { docs: hits.len(), words })
}
