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

use rustc_hash::FxHashMap;

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::{DocAddress, Searcher, Term};

use crate::analysis::fold::fold;
use crate::article::Field;
use crate::index::nouns::{sort_and_merge, NounsFile};
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

/// A weight, ordered (never NaN: logarithms of positive ratios).
#[derive(PartialEq)]
struct OrdF64(f64);
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The nouns of the documents read, counted by number: words (folded) and the forms
/// they were written in, each numbered once across segments.
#[derive(Default)]
struct Counts {
    /// Word (folded) → number.
    word_ids: FxHashMap<String, u32>,
    /// The words, by number.
    words: Vec<String>,
    /// Per word, the sum over documents of its saturated frequency.
    tf: Vec<f64>,
    /// Per word, the documents holding it.
    docs: Vec<u64>,
    /// Form (as written) → number; per form its word and how often it was written.
    form_ids: FxHashMap<String, u32>,
    forms: Vec<(String, u32, u64)>,
}

impl Counts {
    /// Counts the nouns of `docs` (in increasing order) of a segment.
    fn add_segment(&mut self, file: &NounsFile, docs: impl Iterator<Item = tantivy::DocId>) {
        // Each form of the segment numbered (and folded) once.
        let mut local: Vec<u32> = vec![u32::MAX; file.forms as usize];
        if self.forms.is_empty() {
            // Most of the forms of the first segment will be seen.
            let n = file.forms as usize / 2;
            self.form_ids.reserve(n);
            self.word_ids.reserve(n);
        }
        let mut entries: Vec<(u32, u32)> = Vec::new();
        let mut per_word: Vec<(u32, u32)> = Vec::new();
        for doc in docs {
            entries.clear();
            file.for_each(doc, |id, count| entries.push((id, count)));
            per_word.clear();
            for &(id, count) in &entries {
                let form = match local[id as usize] {
                    u32::MAX => {
                        let f = self.form_id(file.form(id));
                        local[id as usize] = f;
                        f
                    }
                    f => f,
                };
                let entry = &mut self.forms[form as usize];
                entry.2 += u64::from(count);
                per_word.push((entry.1, count));
            }
            // A word's count in the document: the sum of its forms'.
            sort_and_merge(&mut per_word);
            for &(w, c) in &per_word {
                let c = f64::from(c);
                self.tf[w as usize] += c * (K1 + 1.0) / (c + K1);
                self.docs[w as usize] += 1;
            }
        }
    }

    /// The number of `form` (and of its word, on first sight).
    fn form_id(&mut self, form: &str) -> u32 {
        if let Some(&f) = self.form_ids.get(form) {
            return f;
        }
        let word = fold(form);
        let w = match self.word_ids.get(&word) {
            Some(&w) => w,
            None => {
                let w = self.words.len() as u32;
                self.word_ids.insert(word.clone(), w);
                self.words.push(word);
                self.tf.push(0.0);
                self.docs.push(0);
                w
            }
        };
        let f = self.forms.len() as u32;
        self.form_ids.insert(form.to_string(), f);
        self.forms.push((form.to_string(), w, 0));
        f
    }

    /// Per word, the form written most often (ties: the smallest form).
    fn written(&self) -> Vec<&str> {
        let mut best: Vec<Option<usize>> = vec![None; self.words.len()];
        for (i, (form, w, n)) in self.forms.iter().enumerate() {
            let b = &mut best[*w as usize];
            if b.is_none_or(|j| {
                let (other, _, m) = &self.forms[j];
                (n, other) > (m, form)
            }) {
                *b = Some(i);
            }
        }
        best.iter().zip(&self.words).map(|(b, w)| b.map_or(w.as_str(), |i| self.forms[i].0.as_str())).collect()
    }
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
    let mut counts = Counts::default();
    for run in addrs.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
        if let Some(file) = NounsFile::open(searcher.segment_reader(run[0].segment_ord))? {
            counts.add_segment(&file, run.iter().map(|a| a.doc_id));
        }
    }
    let n_index = searcher.num_docs() as f64;
    let field = fields.views(Field::Content).map(|v| v.words);
    let doc_freq = |word: &str| field.map_or(0, |fd| searcher.doc_freq(&Term::from_field_text(fd, word)).unwrap_or(0));
    let read = hits.len().max(1) as f64;
    // The score of word `w`, `None` when it is no keyword.
    let score = |w: usize| -> Option<(f64, u64, Option<u64>)> {
        let (word, f, n) = (counts.words[w].as_str(), counts.tf[w], counts.docs[w]);
        match ranking {
            Ranking::Corpus => {
                let df = doc_freq(word) as f64;
                Some((f * (1.0 + (n_index - df + 0.5) / (df + 0.5)).ln(), n, None))
            }
            Ranking::Significant { matching, exclude } => {
                let support = min_support(hits.len());
                if n < support || exclude.iter().any(|l| l.contains(word)) {
                    return None;
                }
                // Counts over all matching documents, estimated from those read.
                let n1 = *matching as f64;
                let a = (n as f64 * n1 / read).round();
                let all = (doc_freq(word) as f64).max(a);
                let (b, n2) = ((all - a).max(0.0), (n_index - n1).max(1.0));
                if a / n1 <= b / n2 {
                    return None;
                }
                let enrichment = (a / n1) / (all / n_index);
                Some((log_likelihood(a, n1, b, n2) * enrichment.ln(), a as u64, Some(all as u64)))
            }
        }
    };
    let ids: Vec<usize> = match ranking {
        // A word's BM25 weight is at most its saturated frequency times the inverse
        // document frequency of a word no document's text holds (a noun of titles only
        // has none): words are scored from the highest such bound down, until it falls
        // below the `limit`-th weight found — the same words as scoring every one.
        Ranking::Corpus => {
            let most_idf = (1.0 + (n_index + 0.5) / 0.5).ln();
            let bound = |w: usize| counts.tf[w] * most_idf;
            let mut order: Vec<(f64, usize)> = (0..counts.words.len()).map(|w| (bound(w), w)).collect();
            order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
            let mut best: std::collections::BinaryHeap<std::cmp::Reverse<OrdF64>> = Default::default();
            let mut chosen = Vec::new();
            for (b, w) in order {
                if best.len() >= limit && best.peek().is_some_and(|k| b < k.0 .0) {
                    break;
                }
                if let Some((weight, ..)) = score(w) {
                    best.push(std::cmp::Reverse(OrdF64(weight)));
                    if best.len() > limit {
                        best.pop();
                    }
                }
                chosen.push(w);
            }
            chosen
        }
        Ranking::Significant { .. } => (0..counts.words.len()).collect(),
    };
    let written = counts.written();
    let mut words: Vec<Keyword> = ids
        .into_iter()
        .filter_map(|w| {
            let (weight, docs, docs_all) = score(w)?;
            Some(Keyword { word: written[w].to_string(), weight, docs, docs_all })
        })
        .collect();
    words.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.word.cmp(&b.word)));
    words.truncate(limit);
    Ok(Keywords { docs: hits.len(), words })
}
