//! Running a compiled query: the top hits (by score, newest first on ties, or by date),
//! the number of matches, and the stored record of each hit.

use anyhow::{Context, Result};
use jiff::Timestamp;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, Score, Searcher, SegmentReader, TantivyDocument};

use crate::index::Fields;

/// Result order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// Most relevant first (BM25), newest first among equals.
    Score,
    /// Newest first; undated documents last.
    Date,
}

/// A stored article, as returned by a search.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub id: String,
    pub title: String,
    pub content: String,
    pub date: Option<Timestamp>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    pub path: Option<String>,
}

/// One search result.
#[derive(Clone, Debug)]
pub struct Hit {
    /// 1-based rank, counting the offset.
    pub rank: usize,
    pub score: Score,
    pub doc: Doc,
}

/// Reads the stored fields of a document.
pub fn load_doc(searcher: &Searcher, fields: &Fields, addr: DocAddress) -> Result<Doc> {
    let d: TantivyDocument = searcher.doc(addr).context("cannot read a stored document")?;
    let text = |f| d.get_first(f).and_then(|v| v.as_str()).map(str::to_string);
    Ok(Doc {
        id: text(fields.id).unwrap_or_default(),
        title: text(fields.title).unwrap_or_default(),
        content: text(fields.content).unwrap_or_default(),
        date: d
            .get_first(fields.date)
            .and_then(|v| v.as_datetime())
            .and_then(|dt| Timestamp::from_second(dt.into_timestamp_secs()).ok()),
        source: text(fields.source),
        url: text(fields.url),
        author: text(fields.author),
        path: text(fields.path),
    })
}

/// The date of each document of a segment as seconds (`i64::MIN` when undated).
fn date_key(reader: &SegmentReader) -> impl Fn(tantivy::DocId) -> i64 {
    let column = reader.fast_fields().date("date").ok();
    move |doc| column.as_ref().and_then(|c| c.first(doc)).map_or(i64::MIN, |d| d.into_timestamp_secs())
}

/// The hits ranked `offset+1 ..= offset+limit`.
pub fn top(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    limit: usize,
    offset: usize,
    sort: Sort,
) -> Result<Vec<Hit>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let collector = TopDocs::with_limit(limit).and_offset(offset);
    let found: Vec<(Score, DocAddress)> = match sort {
        Sort::Score => searcher
            .search(
                query,
                &collector.tweak_score(|reader: &SegmentReader| {
                    let date = date_key(reader);
                    move |doc, score: Score| (score, date(doc))
                }),
            )?
            .into_iter()
            .map(|((score, _), addr)| (score, addr))
            .collect(),
        Sort::Date => searcher
            .search(query, &collector.order_by_fast_field::<tantivy::DateTime>("date", Order::Desc))?
            .into_iter()
            .map(|(_, addr)| (0.0, addr))
            .collect(),
    };
    let mut hits = Vec::with_capacity(found.len());
    for (i, (score, addr)) in found.into_iter().enumerate() {
        hits.push(Hit { rank: offset + i + 1, score, doc: load_doc(searcher, fields, addr)? });
    }
    Ok(hits)
}

/// The number of matching documents.
pub fn count(searcher: &Searcher, query: &dyn Query) -> Result<usize> {
    Ok(searcher.search(query, &Count)?)
}
