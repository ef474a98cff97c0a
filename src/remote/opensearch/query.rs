//! The query tree and filters as OpenSearch query DSL, and the request bodies of the
//! search requests.
//!
//! The structure is the local engine's (`crate::query::build`): a literal must match its
//! character-view phrase on one of its fields (boosted as the field, times
//! [`LITERAL_WEIGHT`]) and ranks on `term` clauses of its words (`should`); OR is a
//! `should` with one required; exclusions are `must_not`; filters are `filter` clauses,
//! which never score. With `dfs_query_then_fetch` the shards share their statistics, so
//! the order is the local one too.

use anyhow::Result;
use jiff::tz::TimeZone;
use serde_json::{json, Value};

use super::is_keyword;
use crate::analysis::fold::fold;
use crate::analysis::segment::QuerySegmenter;
use crate::article::{Field, Kind, FIELDS};
use crate::engine::aggregate::offset_seconds;
use crate::engine::Sort;
use crate::query::build::{Filters, QueryError, LITERAL_WEIGHT};
use crate::query::parse::{self, Literal, Node, Scope};
use crate::remote::handoff::{self, view_field};

/// The most hits one request returns (OpenSearch's default `max_result_window`); deeper
/// pages are fetched with `search_after`.
pub(crate) const WINDOW: usize = 10_000;

/// The most values a breakdown returns (OpenSearch's default `search.max_buckets`).
pub(crate) const MAX_BUCKETS: usize = 65_536;

/// A boost as written in the DSL: the f32 product rounded to 4 decimals (0.9, not
/// 0.9000000357627869).
fn boost(x: f32) -> f64 {
    (f64::from(x) * 1e4).round() / 1e4
}

fn any(clauses: Vec<Value>) -> Value {
    if clauses.len() == 1 {
        return clauses.into_iter().next().unwrap_or(Value::Null);
    }
    json!({"bool": {"should": clauses, "minimum_should_match": 1}})
}

/// The character-view match of a folded literal in `scope`, each field boosted as
/// locally; `None` boosts: for a filter.
fn phrase(scope: Scope, folded: &str, original: &str, weight: Option<f32>) -> Result<Value> {
    let tokens = handoff::literal_chars(folded)
        .ok_or_else(|| QueryError(format!("'{original}' has nothing to search for (only punctuation or spaces)")))?;
    let text = tokens.join(" ");
    let clauses = Field::texts()
        .filter(|(f, _)| scope == Scope::Any || scope == Scope::Field(*f))
        .map(|(f, b)| match weight {
            Some(w) => json!({"match_phrase": {view_field(f, "chars"): {"query": text, "boost": boost(b * w)}}}),
            None => json!({"match_phrase": {view_field(f, "chars"): {"query": text}}}),
        })
        .collect();
    Ok(any(clauses))
}

fn literal(lit: &Literal, words: Option<&QuerySegmenter>) -> Result<Value> {
    if let Scope::Field(f) = lit.scope {
        if f == Field::Url {
            return Err(QueryError(
                "url: is not translated for an OpenSearch engine yet: search the local index for it".into(),
            )
            .into());
        }
        if matches!(f.spec().kind, Kind::Keyword | Kind::Id) {
            let test = if lit.prefix { "prefix" } else { "term" };
            return Ok(json!({"bool": {"filter": [{test: {f.name(): lit.text.trim()}}]}}));
        }
    }
    let folded = fold(&lit.text);
    let Some(words) = words else { return phrase(lit.scope, &folded, &lit.text, Some(1.0)) };
    let matching = phrase(lit.scope, &folded, &lit.text, Some(LITERAL_WEIGHT))?;
    let mut ranking = Vec::new();
    for token in handoff::literal_words(words, &folded) {
        for (f, b) in Field::texts().filter(|(f, _)| lit.scope == Scope::Any || lit.scope == Scope::Field(*f)) {
            ranking.push(json!({"term": {view_field(f, "words"): {"value": token, "boost": boost(b)}}}));
        }
    }
    if ranking.is_empty() {
        return Ok(json!({"bool": {"must": [matching]}}));
    }
    Ok(json!({"bool": {"must": [matching], "should": ranking}}))
}

/// The `must` and `must_not` clauses of an AND.
fn and_clauses(children: &[Node], words: Option<&QuerySegmenter>) -> Result<(Vec<Value>, Vec<Value>)> {
    let (mut must, mut must_not) = (Vec::new(), Vec::new());
    for c in children {
        match c {
            Node::Not(inner) => must_not.push(node(inner, None)?),
            _ => must.push(node(c, words)?),
        }
    }
    Ok((must, must_not))
}

fn node(n: &Node, words: Option<&QuerySegmenter>) -> Result<Value> {
    Ok(match n {
        Node::Literal(l) => literal(l, words)?,
        Node::Any(children) => any(children.iter().map(|c| node(c, words)).collect::<Result<Vec<_>>>()?),
        Node::All(children) => {
            let (must, must_not) = and_clauses(children, words)?;
            if must.len() == 1 && must_not.is_empty() {
                must.into_iter().next().unwrap_or(Value::Null)
            } else {
                json!({"bool": {"must": must, "must_not": must_not}})
            }
        }
        Node::Not(inner) => json!({"bool": {"must_not": [node(inner, None)?]}}),
        Node::Regex(p) => {
            return Err(QueryError(format!(
                "the regular expression /{}/ is not translated for an OpenSearch engine: search the local index for it",
                p.source
            ))
            .into())
        }
        Node::Near { links, .. } => {
            return Err(QueryError(format!(
                "{} is not translated for an OpenSearch engine yet: search the local index for it",
                links[0].name()
            ))
            .into())
        }
    })
}

/// The query of a parsed query and its filters. `words` is the query's segmenter when
/// hits are ranked (counts leave the word clauses out).
pub fn query(q: &parse::Query, filters: &Filters, words: Option<&QuerySegmenter>) -> Result<Value> {
    let Node::All(top) = &q.root else {
        return Err(QueryError("internal: the query tree has no top-level AND".into()).into());
    };
    let (must, must_not) = and_clauses(top, words)?;
    let mut filter = Vec::new();
    if filters.since.is_some() || filters.before.is_some() {
        let mut range = serde_json::Map::new();
        if let Some(t) = filters.since {
            range.insert("gte".into(), json!(t.as_second()));
        }
        if let Some(t) = filters.before {
            range.insert("lt".into(), json!(t.as_second()));
        }
        filter.push(json!({"range": {"date": range}}));
    }
    for (field, values) in filters.values.iter().filter(|(_, v)| !v.is_empty()) {
        filter.push(json!({"terms": {field.name(): values}}));
    }
    if let Some(t) = &filters.title {
        filter.push(phrase(Scope::Field(Field::Title), &fold(t), t, None)?);
    }
    if let Some(ids) = &filters.ids {
        filter.push(json!({"terms": {Field::Id.name(): ids}}));
    }
    if must.is_empty() && must_not.is_empty() && filter.is_empty() {
        return Ok(json!({"match_all": {}}));
    }
    let mut b = serde_json::Map::new();
    for (k, v) in [("must", must), ("must_not", must_not), ("filter", filter)] {
        if !v.is_empty() {
            b.insert(k.into(), Value::Array(v));
        }
    }
    Ok(json!({ "bool": b }))
}

/// The stored fields a hit carries.
pub(crate) fn source_fields() -> Vec<&'static str> {
    FIELDS.iter().map(|s| s.name).collect()
}

/// The sort of a page: by score then date, or by date; the id last, so that pages
/// continue exactly with `search_after`.
pub fn sort(order: Sort) -> Value {
    let date = json!({"date": {"order": "desc", "missing": "_last"}});
    let id = json!({Field::Id.name(): "asc"});
    match order {
        // Occurrences are refused before a request is made.
        Sort::Score | Sort::Occurrences | Sort::OccurrencesAsc => json!(["_score", date, id]),
        Sort::ScoreAsc => json!([{"_score": "asc"}, {"date": {"order": "asc", "missing": "_last"}}, id]),
        Sort::Date => json!([date, id]),
        Sort::DateAsc => json!([{"date": {"order": "asc", "missing": "_last"}}, id]),
    }
}

/// A search request for `size` hits (at most [`WINDOW`]) after the sort values `after`.
pub fn search_body(q: &Value, order: Sort, size: usize, after: Option<&Value>) -> Value {
    let mut body = json!({
        "query": q,
        "size": size.min(WINDOW),
        "track_total_hits": true,
        "sort": sort(order),
        "_source": source_fields()
    });
    if let Some(a) = after {
        body["search_after"] = a.clone();
    }
    body
}

/// A request for the number of matching documents.
pub(crate) fn count_body(q: &Value) -> Value {
    json!({"query": q, "size": 0, "track_total_hits": true})
}

/// `tz` as OpenSearch writes a fixed offset: `+08:00`.
pub fn offset(tz: &TimeZone) -> String {
    let s = offset_seconds(tz);
    let sign = if s < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", s.abs() / 3600, s.abs() % 3600 / 60)
}

/// A request for matching documents per local day (and undated).
pub fn histogram_body(q: &Value, tz: &TimeZone) -> Value {
    json!({
        "query": q,
        "size": 0,
        "aggs": {
            "days": {"date_histogram": {"field": "date", "calendar_interval": "day", "time_zone": offset(tz), "min_doc_count": 1}},
            "undated": {"missing": {"field": "date"}}
        }
    })
}

/// A request for matching documents per value of `field` (and without one).
pub fn breakdown_body(q: &Value, field: Field) -> Value {
    debug_assert!(is_keyword(field));
    json!({
        "query": q,
        "size": 0,
        "aggs": {
            "values": {"terms": {"field": field.name(), "size": MAX_BUCKETS}},
            "none": {"missing": {"field": field.name()}}
        }
    })
}
