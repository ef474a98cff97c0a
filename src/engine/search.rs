//! Running a compiled query: the top hits (by score, newest first on ties, or by date),
//! the number of matches, and the stored article of each hit.

use crate::names::Named;
use anyhow::Result;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Order, Score, Searcher, SegmentReader, Term};

use super::Page;
use crate::article::{Article, Field};
use crate::index::Fields;

/// Result order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Most relevant first (BM25), newest first among equals.
    Score,
    /// Newest first; undated documents last.
    Date,
    /// Oldest first; undated documents last.
    DateAsc,
    /// Least relevant first, oldest first among equals (`--reverse` of `score`).
    ScoreAsc,
    /// Most occurrences of the query's literals in the text first, most relevant first
    /// among equals.
    Occurrences,
    /// Fewest occurrences first, most relevant first among equals.
    OccurrencesAsc,
}

impl Sort {
    /// Whether hits are ranked by relevance (and carry a score).
    pub fn is_scored(self) -> bool {
        matches!(self, Sort::Score | Sort::ScoreAsc | Sort::Occurrences | Sort::OccurrencesAsc)
    }

    /// Whether hits are ordered by how often the query's literals occur in them.
    pub fn by_occurrences(self) -> bool {
        matches!(self, Sort::Occurrences | Sort::OccurrencesAsc)
    }

    /// The opposite order (`--reverse`); undated documents stay last.
    pub fn reversed(self) -> Sort {
        match self {
            Sort::Score => Sort::ScoreAsc,
            Sort::ScoreAsc => Sort::Score,
            Sort::Date => Sort::DateAsc,
            Sort::DateAsc => Sort::Date,
            Sort::Occurrences => Sort::OccurrencesAsc,
            Sort::OccurrencesAsc => Sort::Occurrences,
        }
    }
}

impl Named for Sort {
    const VALUES: &'static [(Self, &'static str, &'static str)] = &[
        (Self::Score, "score", "Most relevant first (BM25), newest first among equals"),
        (Self::Date, "date", "Newest first; undated documents last"),
        (Self::DateAsc, "date-asc", "Oldest first; undated documents last"),
        (Self::ScoreAsc, "score-asc", "Least relevant first, oldest first among equals"),
        (Self::Occurrences, "occurrences", "Most occurrences of the query's literals in the text first"),
        (Self::OccurrencesAsc, "occurrences-asc", "Fewest occurrences of the query's literals first"),
    ];
}

/// One search result.
#[derive(Clone, Debug)]
pub struct Hit {
    /// 1-based rank, counting the offset.
    pub rank: usize,
    /// Relevance (BM25 over words plus the literal matches); none when sorted by date
    /// (the date order computes no score).
    pub score: Option<Score>,
    /// The stored article.
    pub article: Article,
    /// How many times the query's literals occur in the article's text (the lines `kwic`
    /// prints for it), when the page asked for it or is ordered by it.
    pub occurrences: Option<usize>,
    /// The story the hit belongs to (see [`super::collapse`]), when the page asked for it
    /// or collapses stories.
    pub story: Option<super::StoryOf>,
}

/// A page of hits.
#[derive(Clone, Debug)]
pub struct Hits {
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// The number of matching documents, when asked for.
    pub total: Option<usize>,
    /// The query's literals, folded: what snippets show and highlight.
    pub literals: Vec<String>,
}

/// The document whose id is `id`, whole.
pub(crate) fn by_id(searcher: &Searcher, fields: &Fields, id: &str) -> Result<Option<Article>> {
    let q = TermQuery::new(Term::from_field_text(fields.get(Field::Id), id), IndexRecordOption::Basic);
    match searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?.first() {
        Some((_, addr)) => Ok(super::columns::load(searcher, fields, &[*addr], crate::article::FieldSet::ALL)?.pop()),
        None => Ok(None),
    }
}

/// The date of each document of a segment as seconds (`i64::MIN` when undated).
pub(crate) fn date_key(reader: &SegmentReader) -> impl Fn(tantivy::DocId) -> i64 {
    let column = reader.fast_fields().date(Field::Date.name()).ok();
    move |doc| column.as_ref().and_then(|c| c.first(doc)).map_or(i64::MIN, |d| d.into_timestamp_secs())
}

/// The hits at `found` (ranked from `page.offset + 1`), with the fields the page asks
/// for.
pub(crate) fn hits_at(searcher: &Searcher, fields: &Fields, found: Ranked, page: Page) -> Result<Vec<Hit>> {
    let addrs: Vec<DocAddress> = found.iter().map(|(_, a)| *a).collect();
    let articles = super::columns::load(searcher, fields, &addrs, page.fields)?;
    Ok(found
        .into_iter()
        .zip(articles)
        .enumerate()
        .map(|(i, ((score, _), article))| Hit {
            rank: page.offset + i + 1,
            score,
            article,
            occurrences: None,
            story: None,
        })
        .collect())
}

/// Hits by address, with their scores (none when sorted by date), in order.
pub(crate) type Ranked = Vec<(Option<Score>, DocAddress)>;

/// The addresses (and scores) of the hits of `page`, in order, nothing loaded; with
/// `count`, also the number of matching documents, counted in the same pass.
pub(crate) fn addresses(
    searcher: &Searcher,
    query: &dyn Query,
    page: Page,
    count: bool,
) -> Result<(Ranked, Option<usize>)> {
    let Page { limit, offset, sort, .. } = page;
    if limit == 0 {
        return Ok((Vec::new(), if count { Some(self::count(searcher, query)?) } else { None }));
    }
    let collector = TopDocs::with_limit(limit).and_offset(offset);
    let counter = count.then_some(Count);
    Ok(match sort {
        // The engine orders by occurrences itself, from every match by score.
        Sort::Score | Sort::Occurrences | Sort::OccurrencesAsc => {
            let ranked = collector.tweak_score(|reader: &SegmentReader| {
                let date = date_key(reader);
                move |doc, score: Score| (score, date(doc))
            });
            let (top, n) = searcher.search(query, &(ranked, counter))?;
            (top.into_iter().map(|((score, _), addr)| (Some(score), addr)).collect(), n)
        }
        Sort::Date => {
            let dated = collector.order_by_fast_field::<tantivy::DateTime>(Field::Date.name(), Order::Desc);
            let (top, n) = searcher.search(query, &(dated, counter))?;
            (top.into_iter().map(|(_, addr)| (None, addr)).collect(), n)
        }
        Sort::ScoreAsc => {
            // The greatest key first: the lowest score, then the oldest date.
            let least = collector.tweak_score(|reader: &SegmentReader| {
                let date = date_key(reader);
                move |doc, score: Score| (-score, oldest_first_key(date(doc)))
            });
            let (top, n) = searcher.search(query, &(least, counter))?;
            (top.into_iter().map(|((score, _), addr)| (Some(-score), addr)).collect(), n)
        }
        Sort::DateAsc => {
            // The greatest key first: the oldest date has the greatest negated date, and
            // an undated document (i64::MIN) stays last.
            let oldest = collector.tweak_score(|reader: &SegmentReader| {
                let date = date_key(reader);
                move |doc, _: Score| oldest_first_key(date(doc))
            });
            let (top, n) = searcher.search(query, &(oldest, counter))?;
            (top.into_iter().map(|(_, addr)| (None, addr)).collect(), n)
        }
    })
}

/// Every match, in `sort` order: the order [`addresses`] gives, from one pass that keeps
/// each match's sort key (a page reaching far keeps no heap of its size).
pub(crate) fn all(searcher: &Searcher, query: &dyn Query, sort: Sort) -> Result<Ranked> {
    let mut found = searcher.search(query, &AllMatches { scored: sort.is_scored() })?;
    if matches!(sort, Sort::DateAsc | Sort::ScoreAsc) {
        for f in &mut found {
            f.1 = oldest_first_key(f.1);
        }
    }
    let sign = if sort == Sort::ScoreAsc { -1.0 } else { 1.0 };
    // Greatest key first; ties by document address, as tantivy's top-k breaks them.
    found.sort_unstable_by(|a, b| (sign * b.0).total_cmp(&(sign * a.0)).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    Ok(found.into_iter().map(|(score, _, addr)| (sort.is_scored().then_some(score), addr)).collect())
}

/// The key that puts the oldest date first when the greatest key comes first, and an
/// undated document (`i64::MIN`) last.
fn oldest_first_key(date: i64) -> i64 {
    if date == i64::MIN {
        i64::MIN
    } else {
        -date
    }
}

/// Collects every match with its score (when `scored`) and date key.
struct AllMatches {
    scored: bool,
}

/// One segment's matches: score, date key, address.
struct SegmentMatches {
    segment: u32,
    date: Box<dyn Fn(tantivy::DocId) -> i64>,
    found: Vec<(Score, i64, DocAddress)>,
}

impl Collector for AllMatches {
    type Fruit = Vec<(Score, i64, DocAddress)>;
    type Child = SegmentMatches;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches { segment, date: Box::new(date_key(reader)), found: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        self.scored
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<(Score, i64, DocAddress)>;

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        self.found.push((score, (self.date)(doc), DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}

/// The number of matching documents.
pub(crate) fn count(searcher: &Searcher, query: &dyn Query) -> Result<usize> {
    Ok(searcher.search(query, &Count)?)
}
