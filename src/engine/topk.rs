//! The best `k` hits without scoring every match. A literal's score is its BM25 over
//! jieba words plus a weighted match on the character view; the character match is what
//! costs (a phrase of two common characters checks positions in most documents), and it
//! is bounded: at most its weight × its BM25 maximum. So:
//!
//! 1. score the word clauses alone — postings of a few words, cheap — giving every
//!    document an upper bound `W(d) + C` (`C`: the sum of the character maxima);
//! 2. score exactly, with the real query, the documents of the best bounds until `k`
//!    of them match: the `k`-th exact score is a threshold `T`;
//! 3. score exactly every other document whose bound reaches `T`.
//!
//! No document left out can beat the `k`-th hit found. When the threshold is within
//! reach of documents without any word match (`T ≤ C`), or fewer than `k` documents
//! match words at all, the caller scores every match instead. The hits, their scores
//! and their order (score, then newest first, then index order) are exactly those of
//! scoring every match; `tests/corpus.rs` compares both on the corpora.

use anyhow::Result;
use rustc_hash::FxHashSet as HashSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::query::build::ScoreParts;

/// Relative margin on bounds: scores summed in another order differ in their last bits.
const MARGIN: f32 = 1e-4;

/// One scored hit: score, date key (seconds, `i64::MIN` undated), address.
type Scored = (Score, i64, DocAddress);

/// The best `k` hits of `query` by score (then newest, then index order), or `None`
/// when pruning cannot be sure and every match must be scored.
pub(crate) fn best(searcher: &Searcher, parts: &ScoreParts, k: usize) -> Result<Option<Vec<Scored>>> {
    let Some(mut found) = best_of_groups(searcher, parts, k, |a| a)? else { return Ok(None) };
    found.truncate(k);
    Ok(Some(found))
}

/// The hits that decide the best `k` groups of hits (a group ranked by its best hit;
/// `group` names each hit's group): every hit scoring at least the `k`-th group's best,
/// in order — the first hit of each group among them is its best, and their first `k`
/// groups are the best `k`. `None` when pruning cannot be sure (as [`best`]). Copies
/// of a group already found do not count against the budget of hits scored in vain.
pub(crate) fn best_of_groups<G: Eq + std::hash::Hash>(
    searcher: &Searcher,
    parts: &ScoreParts,
    k: usize,
    group: impl Fn(DocAddress) -> G,
) -> Result<Option<Vec<Scored>>> {
    // Only phrases cost enough to be worth it (a single character is a term, scanned
    // as fast as the words would be scored), and only literals that are one word each
    // find most of their matches among their word's documents (创中心's words, 创 and
    // 中心, would lead to thousands of documents without it).
    let phrases = parts.phrases.iter().any(|(_, terms)| terms.len() >= 2);
    if parts.words.is_empty() || k == 0 || !phrases || !parts.one_word_each {
        return Ok(None);
    }
    let mut chars_max: Score = 0.0;
    for (weight, terms) in &parts.phrases {
        chars_max += weight * Bm25Weight::for_terms(searcher, terms)?.max_score();
    }
    let bound = |w: Score| (w + chars_max) * (1.0 + MARGIN) + MARGIN;
    let words: Vec<(Occur, Box<dyn Query>)> = parts
        .words
        .iter()
        .map(|(weight, term)| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
            (Occur::Should, Box::new(BoostQuery::new(q, *weight)) as Box<dyn Query>)
        })
        .collect();
    let mut candidates: Vec<(Score, DocAddress)> = searcher.search(&BooleanQuery::new(words), &WordScores)?;
    let exact = Exact::new(searcher, parts.exact.as_ref())?;
    // Phase 1: the best bounds, in growing batches, until k groups match.
    let mut found: Vec<Scored> = Vec::new();
    let mut groups: HashSet<G> = HashSet::default();
    let mut evaluated = 0;
    let mut batch = k.max(16);
    while groups.len() < k && evaluated < candidates.len() {
        // The words' documents mostly lack the literal: scoring every match is cheaper.
        let copies = found.len() - groups.len();
        if evaluated >= 4 * k + 64 + copies {
            return Ok(None);
        }
        let end = (evaluated + batch).min(candidates.len());
        let rest = &mut candidates[evaluated..];
        let take = end - evaluated;
        if take < rest.len() {
            rest.select_nth_unstable_by(take - 1, |a, b| b.0.total_cmp(&a.0));
        }
        let scored = exact.score(&candidates[evaluated..end])?;
        groups.extend(scored.iter().map(|h| group(h.2)));
        found.extend(scored);
        evaluated = end;
        batch *= 4;
    }
    if groups.len() < k {
        return Ok(None);
    }
    sort(&mut found);
    // The k-th group's best: the score of the hit that brings the k-th new group.
    groups.clear();
    let Some(threshold) = found.iter().find(|h| groups.insert(group(h.2)) && groups.len() == k).map(|h| h.0) else {
        return Ok(None);
    };
    if bound(0.0) >= threshold {
        return Ok(None);
    }
    // Phase 2: every other document whose bound reaches the threshold.
    let more: Vec<(Score, DocAddress)> =
        candidates[evaluated..].iter().copied().filter(|(w, _)| bound(*w) >= threshold).collect();
    found.extend(exact.score(&more)?);
    sort(&mut found);
    Ok(Some(found))
}

/// Best first: score, then newest, then index order (as tantivy's top-k breaks ties).
fn sort(found: &mut [Scored]) {
    found.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
}

/// The real query's weight, scoring chosen documents by seeking to them.
struct Exact<'s> {
    searcher: &'s Searcher,
    weight: Box<dyn tantivy::query::Weight>,
}

impl<'s> Exact<'s> {
    fn new(searcher: &'s Searcher, query: &dyn Query) -> Result<Exact<'s>> {
        Ok(Exact { searcher, weight: query.weight(EnableScoring::enabled_from_searcher(searcher))? })
    }

    /// The documents of `docs` that match, with their exact scores and date keys.
    fn score(&self, docs: &[(Score, DocAddress)]) -> Result<Vec<Scored>> {
        let mut addrs: Vec<DocAddress> = docs.iter().map(|(_, a)| *a).collect();
        addrs.sort_unstable();
        let mut out = Vec::new();
        for run in addrs.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
            let reader = self.searcher.segment_reader(run[0].segment_ord);
            let date = super::search::date_key(reader);
            let mut scorer = self.weight.scorer(reader, 1.0)?;
            for addr in run {
                let doc = addr.doc_id;
                if scorer.doc() < doc {
                    scorer.seek(doc);
                }
                if scorer.doc() == doc {
                    out.push((scorer.score(), date(doc), *addr));
                }
            }
        }
        Ok(out)
    }
}

/// Collects every (alive) document the word clauses score, with that score.
struct WordScores;

struct SegmentWords {
    segment: SegmentOrdinal,
    found: Vec<(Score, DocAddress)>,
}

impl Collector for WordScores {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentWords;

    fn for_segment(&self, segment: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<SegmentWords> {
        Ok(SegmentWords { segment, found: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentWords {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.found.push((score, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}
