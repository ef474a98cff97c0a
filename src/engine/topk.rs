//! The best `k` hits without scoring every match. A literal's score is its BM25 over
//! jieba words plus a weighted match on the character view; the character match is what
//! costs (a phrase of two common characters checks positions in most documents), and it
//! is bounded: at most its weight × its BM25 maximum. So:
//!
//! 1. score the word clauses alone — postings of a few words, cheap — giving every
//!    document an upper bound `W(d) + C` (`C`: the sum of the character maxima);
//! 2. score exactly, with the real query, the documents of the best bounds until `k`
//!    of them match: the `k`-th exact score is a threshold `T`;
//! 3. score exactly every other document whose bound reaches `T`;
//! 4. when `T ≤ C`, documents without any word match could reach it through the
//!    characters alone: bound each by its rarest character's frequency (a phrase occurs
//!    no more often) and score exactly the few that reach `T`.
//!
//! No document left out can beat the `k`-th hit found. When fewer than `k` documents
//! match words at all, or step 2 or 4 would score too many, the caller scores every
//! match instead. The hits, their scores
//! and their order (score, then newest first, then index order) are exactly those of
//! scoring every match; `tests/corpus.rs` compares both on the corpora.

use anyhow::Result;
use rustc_hash::FxHashSet as HashSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::postings::Postings;
use tantivy::query::{Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, Term, TERMINATED};

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
pub(crate) fn best_of_groups<G: Copy + Eq + std::hash::Hash>(
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
    let mut phrase_weights = Vec::with_capacity(parts.phrases.len());
    let mut chars_max: Score = 0.0;
    for (weight, terms) in &parts.phrases {
        let bm25 = Bm25Weight::for_terms(searcher, terms)?;
        chars_max += weight * bm25.max_score();
        phrase_weights.push(bm25.boost_by(*weight));
    }
    let reaches = |b: Score, threshold: Score| b * (1.0 + MARGIN) + MARGIN >= threshold;
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
    // Phase 1: the best bounds, in growing batches, one document per group not found
    // yet, until k groups match; the other copies wait for phase 2.
    let mut found: Vec<Scored> = Vec::new();
    let mut groups: HashSet<G> = HashSet::default();
    let mut waiting: Vec<(Score, DocAddress)> = Vec::new();
    let (mut taken, mut evaluated) = (0, 0);
    let mut batch = k.max(16);
    while groups.len() < k && taken < candidates.len() {
        // The words' documents mostly lack the literal: scoring every match is cheaper.
        if evaluated >= 4 * k + 64 {
            return Ok(None);
        }
        let end = (taken + batch).min(candidates.len());
        let rest = &mut candidates[taken..];
        if end - taken < rest.len() {
            rest.select_nth_unstable_by(end - taken - 1, |a, b| b.0.total_cmp(&a.0));
        }
        let chunk = &mut candidates[taken..end];
        chunk.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        let mut chosen: Vec<(Score, DocAddress)> = Vec::new();
        let mut new_groups: HashSet<G> = HashSet::default();
        for &c in chunk.iter() {
            let g = group(c.1);
            if groups.contains(&g) || !new_groups.insert(g) {
                waiting.push(c);
            } else {
                chosen.push(c);
            }
        }
        let scored = exact.score(&chosen)?;
        groups.extend(scored.iter().map(|h| group(h.2)));
        found.extend(scored);
        evaluated += chosen.len();
        taken = end;
        batch *= 2;
    }
    if groups.len() < k {
        return Ok(None);
    }
    sort(&mut found);
    // The k-th group's best among the hits scored (no more than its real best, so a
    // safe threshold): the score of the hit that brings the k-th new group.
    groups.clear();
    let Some(threshold) = found.iter().find(|h| groups.insert(group(h.2)) && groups.len() == k).map(|h| h.0) else {
        return Ok(None);
    };
    // Phase 2: every other document whose bound reaches the threshold — by the words'
    // scores and the characters' maxima, or, when that leaves many, with each
    // character's frequency in the document.
    waiting.extend_from_slice(&candidates[taken..]);
    waiting.retain(|(w, _)| reaches(w + chars_max, threshold));
    let chars_only_may_reach = reaches(chars_max, threshold);
    let chars = if chars_only_may_reach || waiting.len() as u64 * WALK_PER_SCORE > walk_size(searcher, parts)? {
        let chars = CharBounds::new(searcher, parts, &phrase_weights)?;
        waiting.retain(|&(w, a)| reaches(w + chars.of(a), threshold));
        Some(chars)
    } else {
        None
    };
    found.extend(exact.score(&waiting)?);
    // Phase 3: documents with no word match whose characters alone may reach it.
    if let (Some(chars), true) = (chars, chars_only_may_reach) {
        let words: HashSet<DocAddress> = candidates.iter().map(|(_, a)| *a).collect();
        let Some(more) = chars.reaching(searcher, threshold, &words, reaches) else { return Ok(None) };
        found.extend(exact.score(&more)?);
    }
    sort(&mut found);
    Ok(Some(found))
}

/// About how many documents of a character's postings are walked in the time one
/// document is scored exactly (positions decoded): phase 2 bounds documents with their
/// characters' frequencies when that walk costs less than scoring them all.
const WALK_PER_SCORE: u64 = 100;

/// How many postings [`CharBounds::new`] walks: each phrase's rarest character's.
fn walk_size(searcher: &Searcher, parts: &ScoreParts) -> Result<u64> {
    let mut size = 0;
    for (_, terms) in &parts.phrases {
        let mut rarest = u64::MAX;
        for term in terms {
            rarest = rarest.min(searcher.doc_freq(term)?);
        }
        size += rarest.saturating_mul(terms.len() as u64);
    }
    Ok(size)
}

/// Most documents scored in phase 3 before scoring every match is cheaper.
const CHARS_ONLY_BUDGET: usize = 4096;

/// Per segment and document, the most the character phrases can add to its score: a
/// phrase occurs in a document no more often than its rarest character, so it scores
/// there at most its BM25 at that frequency.
struct CharBounds(Vec<Vec<Score>>);

impl CharBounds {
    /// `weights`: each phrase's BM25, boosted by its weight.
    fn new(searcher: &Searcher, parts: &ScoreParts, weights: &[Bm25Weight]) -> Result<CharBounds> {
        let mut all = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let mut bounds = vec![0.0 as Score; reader.max_doc() as usize];
            for ((_, terms), weight) in parts.phrases.iter().zip(weights) {
                add_phrase_bounds(reader, terms, weight, &mut bounds)?;
            }
            all.push(bounds);
        }
        Ok(CharBounds(all))
    }

    fn of(&self, a: DocAddress) -> Score {
        self.0[a.segment_ord as usize][a.doc_id as usize]
    }

    /// The alive documents outside `words` whose bound reaches `threshold`; `None`
    /// past [`CHARS_ONLY_BUDGET`].
    fn reaching(
        &self,
        searcher: &Searcher,
        threshold: Score,
        words: &HashSet<DocAddress>,
        reaches: impl Fn(Score, Score) -> bool,
    ) -> Option<Vec<(Score, DocAddress)>> {
        let mut out = Vec::new();
        for (ord, bounds) in self.0.iter().enumerate() {
            let alive = searcher.segment_reader(ord as SegmentOrdinal).alive_bitset();
            for (doc, &b) in bounds.iter().enumerate() {
                let addr = DocAddress::new(ord as SegmentOrdinal, doc as DocId);
                if b > 0.0
                    && reaches(b, threshold)
                    && alive.is_none_or(|a| a.is_alive(doc as DocId))
                    && !words.contains(&addr)
                {
                    out.push((b, addr));
                    if out.len() > CHARS_ONLY_BUDGET {
                        return None;
                    }
                }
            }
        }
        Some(out)
    }
}

/// Adds to `bounds[doc]` the score `weight` gives the phrase of `terms` at the
/// frequency of its rarest character in `doc`, for every document holding them all.
fn add_phrase_bounds(reader: &SegmentReader, terms: &[Term], weight: &Bm25Weight, bounds: &mut [Score]) -> Result<()> {
    let Some(field) = terms.first().map(|t| t.field()) else { return Ok(()) };
    let index = reader.inverted_index(field)?;
    let mut postings = Vec::with_capacity(terms.len());
    for term in terms {
        match index.read_postings(term, IndexRecordOption::WithFreqs)? {
            Some(p) => postings.push(p),
            None => return Ok(()),
        }
    }
    postings.sort_by_key(|p| p.doc_freq());
    // As tantivy scores a field indexed without norms: every document of length one.
    let norms = match reader.fieldnorms_readers().get_field(field)? {
        Some(norms) => norms,
        None => tantivy::fieldnorm::FieldNormReader::constant(reader.max_doc(), 1),
    };
    let Some((lead, rest)) = postings.split_first_mut() else { return Ok(()) };
    let mut doc = lead.doc();
    'docs: while doc != TERMINATED {
        let mut tf = lead.term_freq();
        for p in rest.iter_mut() {
            let at = p.seek(doc);
            if at != doc {
                doc = lead.seek(at);
                continue 'docs;
            }
            tf = tf.min(p.term_freq());
        }
        bounds[doc as usize] += weight.score(norms.fieldnorm_id(doc), tf);
        doc = lead.advance();
    }
    Ok(())
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
