//! `sou keywords`: the most distinctive words of a set of documents.
//!
//! Weight of a word = the sum over the matching documents of its BM25 term weight:
//! saturated frequency in the document × inverse document frequency in the whole index.
//! A word counts more when many matching documents use it and few others do; one long
//! article repeating a word cannot dominate. Candidates are jieba words of at least two
//! characters, tagged as nouns by jieba, that are neither stop words (stopwords-iso's Chinese list) nor numbers.

use std::collections::{HashMap, HashSet};
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::Result;
use serde_json::json;
use tantivy::collector::TopDocs;
use tantivy::Term;

use crate::analysis::dictionary::Dictionary;
use crate::analysis::fold::fold;
use crate::cli::KeywordsArgs;
use crate::ingest::dates;
use crate::search::load_doc;

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
pub fn is_candidate(w: &str, stop: &HashSet<&str>) -> bool {
    w.chars().count() >= 2
        && w.chars().all(char::is_alphanumeric)
        && !w.chars().any(|c| c.is_numeric())
        && !stop.contains(w)
}

/// Runs `sou keywords`.
pub fn run(index_dir: &Path, args: &KeywordsArgs) -> Result<i32> {
    let tz = dates::default_tz();
    let p = super::search::prepare(index_dir, args.query.as_deref(), &args.filters, &tz, true)?;
    let hits = p.searcher.search(p.compiled.query.as_ref(), &TopDocs::with_limit(MAX_DOCS).order_by_score())?;
    let stop: HashSet<&str> = STOP_WORDS.lines().collect();
    let jieba = Dictionary::load(index_dir)?.full_jieba();
    let mut tf: HashMap<String, f64> = HashMap::new();
    let mut docs: HashMap<String, u64> = HashMap::new();
    for (_, addr) in &hits {
        let d = load_doc(&p.searcher, &p.index.fields, *addr)?;
        let text = fold(&format!("{}\n{}", d.title, d.content));
        let mut counts: HashMap<&str, u32> = HashMap::new();
        for t in jieba.tag(&text, true) {
            if is_noun_like(t.tag) && is_candidate(t.word, &stop) {
                *counts.entry(t.word).or_default() += 1;
            }
        }
        for (w, c) in counts {
            let c = c as f64;
            *tf.entry(w.to_string()).or_default() += c * (K1 + 1.0) / (c + K1);
            *docs.entry(w.to_string()).or_default() += 1;
        }
    }
    let n_index = p.searcher.num_docs() as f64;
    let field = p.index.fields.content_words;
    let mut scored: Vec<(String, f64, u64)> = tf
        .into_iter()
        .map(|(w, f)| {
            let df = p.searcher.doc_freq(&Term::from_field_text(field, &w)).unwrap_or(0) as f64;
            let idf = (1.0 + (n_index - df + 0.5) / (df + 0.5)).ln();
            let n = docs.get(&w).copied().unwrap_or(0);
            (w, f * idf, n)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.truncate(args.limit);
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        for (w, weight, n) in &scored {
            writeln!(out, "{}", json!({"word": w, "weight": (weight * 1000.0).round() / 1000.0, "docs": n}))?;
        }
    } else if io::stdout().is_terminal() {
        let rows: Vec<(String, u64)> = scored.iter().map(|(w, _, n)| (w.clone(), *n)).collect();
        writeln!(out, "{} documents; word, documents containing it, weight:", hits.len())?;
        let width = crate::output::table::terminal_width() as usize;
        let weights: Vec<String> = scored.iter().map(|s| format!("{:.2}", s.1)).collect();
        let labels: Vec<(String, u64)> =
            rows.iter().zip(&weights).map(|((w, n), wt)| (format!("{w}  {wt}"), *n)).collect();
        crate::output::chart::write(&mut out, &labels, width.min(100), crate::output::ColorChoice::Auto.enabled())?;
    } else {
        for (w, weight, n) in &scored {
            writeln!(out, "{w}\t{weight:.3}\t{n}")?;
        }
    }
    out.flush()?;
    Ok(if scored.is_empty() { super::NOT_FOUND } else { super::FOUND })
}
