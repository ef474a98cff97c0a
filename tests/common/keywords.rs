//! Keywords computed the way sou computed them before it kept each document's nouns in
//! the index: read the texts of the documents read, segment and tag them with jieba
//! here, count the candidate words, score them. An independent check of `sou keywords`.

use std::collections::{HashMap, HashSet};

use sou::analysis::fold::{fold, fold_mapped};

/// A keyword as the oracle scores it: word (most frequent form), score, documents read
/// holding it (scaled to the matches), documents of the index holding it.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub word: String,
    pub score: f64,
    pub docs: u64,
    pub docs_all: Option<u64>,
}

const K1: f64 = 1.2;

fn stop_words() -> HashSet<String> {
    let text = std::fs::read_to_string(super::root().join("data/stopwords-zh.txt")).expect("stop words");
    text.lines().map(str::to_string).collect()
}

fn is_noun_like(tag: &str) -> bool {
    tag.starts_with('n') || tag == "vn" || tag == "eng"
}

fn is_candidate(w: &str, stop: &HashSet<String>) -> bool {
    w.chars().count() >= 2
        && w.chars().all(char::is_alphanumeric)
        && !w.chars().any(|c| c.is_numeric())
        && !stop.contains(w)
}

fn min_support(read: usize) -> u64 {
    if read < 10 {
        2
    } else {
        (read as u64).div_ceil(10).clamp(3, 30)
    }
}

fn log_likelihood(a: f64, n1: f64, b: f64, n2: f64) -> f64 {
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

/// For every word, the documents whose text (content, folded) holds it as a jieba word:
/// what the index's word view counts.
pub fn content_doc_freq<'a>(jieba: &jieba_rs::Jieba, contents: impl Iterator<Item = &'a str>) -> HashMap<String, u64> {
    let mut df: HashMap<String, u64> = HashMap::new();
    for c in contents {
        let text = fold(c);
        let words: HashSet<&str> = jieba.cut(&text, true).into_iter().map(|t| t.word).collect();
        for w in words {
            *df.entry(w.to_string()).or_default() += 1;
        }
    }
    df
}

/// The keywords of `read` (title, content of each document read), out of `matching`
/// documents of an index of `n_index`; `significant`: against the rest (with the
/// query's folded `exclude` literals left out), else the whole index's weights.
#[allow(clippy::too_many_arguments)]
pub fn keywords(
    jieba: &jieba_rs::Jieba,
    read: &[(&str, &str)],
    matching: usize,
    n_index: u64,
    df: &HashMap<String, u64>,
    significant: bool,
    exclude: &[String],
    limit: usize,
) -> Vec<Expected> {
    let stop = stop_words();
    let mut tf: HashMap<String, f64> = HashMap::new();
    let mut docs: HashMap<String, u64> = HashMap::new();
    let mut forms: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for (title, content) in read {
        let original = format!("{title}\n{content}");
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
    let n_index = n_index as f64;
    let read_n = read.len().max(1) as f64;
    let mut out: Vec<Expected> = tf
        .into_iter()
        .filter_map(|(word, f)| {
            let n = docs[&word];
            let doc_freq = df.get(&word).copied().unwrap_or(0) as f64;
            let (score, docs, docs_all) = if significant {
                if n < min_support(read.len()) || exclude.iter().any(|l| l.contains(word.as_str())) {
                    return None;
                }
                let n1 = matching as f64;
                let a = (n as f64 * n1 / read_n).round();
                let all = doc_freq.max(a);
                let (b, n2) = ((all - a).max(0.0), (n_index - n1).max(1.0));
                if a / n1 <= b / n2 {
                    return None;
                }
                let enrichment = (a / n1) / (all / n_index);
                (log_likelihood(a, n1, b, n2) * enrichment.ln(), a as u64, Some(all as u64))
            } else {
                (f * (1.0 + (n_index - doc_freq + 0.5) / (doc_freq + 0.5)).ln(), n, None)
            };
            let shown = forms[&word]
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map_or(word.clone(), |(form, _)| form.clone());
            Some(Expected { word: shown, score, docs, docs_all })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.word.cmp(&b.word)));
    out.truncate(limit);
    out
}

/// `sou keywords` JSON lines as [`Expected`] values.
pub fn parse(jsonl: &str) -> Vec<Expected> {
    jsonl
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            Expected {
                word: v["word"].as_str().expect("word").to_string(),
                score: v["score"].as_f64().or_else(|| v["weight"].as_f64()).expect("score"),
                docs: v["docs"].as_u64().expect("docs"),
                docs_all: v["docs_all"].as_u64(),
            }
        })
        .collect()
}

/// Whether `got` (printed with three decimals) is `want`: the same words in the same
/// order (where scores differ by more than rounding), counts and scores.
pub fn same(got: &[Expected], want: &[Expected]) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!("{} words, expected {}: {got:?} vs {want:?}", got.len(), want.len()));
    }
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let close = (g.score - (w.score * 1000.0).round() / 1000.0).abs() < 0.0015;
        if g.word != w.word || g.docs != w.docs || g.docs_all != w.docs_all || !close {
            // Two words of equal score may come in either order only if their scores tie.
            let tie = want.iter().any(|o| o.word == g.word && (o.score - w.score).abs() < 1e-9);
            if !tie {
                return Err(format!("word {i}: got {g:?}, expected {w:?}"));
            }
        }
    }
    Ok(())
}
