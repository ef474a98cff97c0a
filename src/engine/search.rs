//! Running a compiled query: the top hits (by score, newest first on ties, or by date),
//! the number of matches, and the stored article of each hit.

use crate::names::Named;
use anyhow::Result;
use tantivy::collector::{Count, TopDocs};
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
}

impl Named for Sort {
    const VALUES: &'static [(Self, &'static str, &'static str)] = &[
        (Self::Score, "score", "Most relevant first (BM25), newest first among equals"),
        (Self::Date, "date", "Newest first; undated documents last"),
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
        Some((_, addr)) => Ok(super::columns::load(searcher, fields, &[*addr], true)?.pop()),
        None => Ok(None),
    }
}

/// The date of each document of a segment as seconds (`i64::MIN` when undated).
fn date_key(reader: &SegmentReader) -> impl Fn(tantivy::DocId) -> i64 {
    let column = reader.fast_fields().date(Field::Date.name()).ok();
    move |doc| column.as_ref().and_then(|c| c.first(doc)).map_or(i64::MIN, |d| d.into_timestamp_secs())
}

/// The hits ranked `offset+1 ..= offset+limit`, with their text when the page asks.
pub(crate) fn top(searcher: &Searcher, fields: &Fields, query: &dyn Query, page: Page) -> Result<Vec<Hit>> {
    let found = addresses(searcher, query, page)?;
    let addrs: Vec<DocAddress> = found.iter().map(|(_, a)| *a).collect();
    let articles = super::columns::load(searcher, fields, &addrs, page.text)?;
    Ok(found
        .into_iter()
        .zip(articles)
        .enumerate()
        .map(|(i, ((score, _), article))| Hit { rank: page.offset + i + 1, score, article })
        .collect())
}

/// The addresses (and scores) of the hits of `page`, in order, nothing loaded.
pub(crate) fn addresses(
    searcher: &Searcher,
    query: &dyn Query,
    page: Page,
) -> Result<Vec<(Option<Score>, DocAddress)>> {
    let Page { limit, offset, sort, .. } = page;
    if limit == 0 {
        return Ok(Vec::new());
    }
    let collector = TopDocs::with_limit(limit).and_offset(offset);
    let found: Vec<(Option<Score>, DocAddress)> = match sort {
        Sort::Score => searcher
            .search(
                query,
                &collector.tweak_score(|reader: &SegmentReader| {
                    let date = date_key(reader);
                    move |doc, score: Score| (score, date(doc))
                }),
            )?
            .into_iter()
            .map(|((score, _), addr)| (Some(score), addr))
            .collect(),
        Sort::Date => searcher
            .search(query, &collector.order_by_fast_field::<tantivy::DateTime>(Field::Date.name(), Order::Desc))?
            .into_iter()
            .map(|(_, addr)| (None, addr))
            .collect(),
    };
    Ok(found)
}

/// The number of matching documents.
pub fn count(searcher: &Searcher, query: &dyn Query) -> Result<usize> {
    Ok(searcher.search(query, &Count)?)
}
