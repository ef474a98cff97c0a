//! `sou search --engine opensearch+http://HOST:PORT/INDEX`: the search requests as query
//! DSL over HTTP (`ureq`), answered as the local engine answers them. Searches use
//! `dfs_query_then_fetch` (global term statistics: the local order) and
//! `track_total_hits`; pages deeper than OpenSearch's window continue with
//! `search_after`.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use base64::Engine as _;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

use super::query::{breakdown_body, count_body, histogram_body, query, search_body, WINDOW};
use super::Address;
use crate::analysis::dictionary::Dictionary;
use crate::article::{Article, Field, Kind, FIELDS};
use crate::engine::aggregate::{buckets, dated, day_number, offset_seconds};
use crate::engine::{self, Backend, Bucket, Histogram, Hit, Hits, Page, Period, Selection, Sort};
use crate::query::build::{highlights, Filters};

/// The largest answer read: a page of 10,000 whole articles is tens of megabytes.
const MAX_ANSWER: u64 = 1 << 30;

/// An OpenSearch (or Elasticsearch) index answering sou's requests.
pub struct OpenSearch {
    address: Address,
    agent: ureq::Agent,
    authorization: Option<String>,
    tz: TimeZone,
    dictionary: Dictionary,
}

/// The `Authorization` header of a token: `USER:PASSWORD` is basic, anything else bearer.
pub fn authorization(token: &str) -> String {
    if token.contains(':') {
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(token))
    } else {
        format!("Bearer {token}")
    }
}

/// The article of a hit's `_source`.
pub(crate) fn article_of(source: &Value) -> Article {
    let mut a = Article::default();
    for spec in &FIELDS {
        let v = &source[spec.name];
        if spec.kind == Kind::Date {
            a.date = v.as_i64().and_then(|s| Timestamp::from_second(s).ok());
        } else {
            let text = v.as_str().map(str::to_string);
            a.set(spec.field, if spec.always { Some(text.unwrap_or_default()) } else { text });
        }
    }
    a
}

impl OpenSearch {
    /// A client of the index at `address`; dates are filtered and shown in `tz`, queries
    /// segmented with `dictionary`'s words. Nothing is sent until the first request.
    pub fn new(address: Address, token: Option<&str>, tz: TimeZone, dictionary: Dictionary) -> Result<OpenSearch> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(300)))
            .timeout_connect(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(OpenSearch { address, agent, authorization: token.map(authorization), tz, dictionary })
    }

    /// POSTs `body` to `path` of the index and returns the answer, or the cluster's error.
    fn post(&self, path: &str, body: &Value) -> Result<Value> {
        let url = format!("{}/{}/{path}", self.address.base, self.address.index);
        let mut request = self.agent.post(&url).header("Content-Type", "application/json");
        if let Some(a) = &self.authorization {
            request = request.header("Authorization", a);
        }
        let mut response =
            request.send(body.to_string()).with_context(|| format!("cannot reach OpenSearch at {url}"))?;
        let status = response.status();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_string()
            .with_context(|| format!("cannot read the answer of {url}"))?;
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if !status.is_success() {
            let reason = answer["error"]["reason"].as_str().map(str::to_string).unwrap_or_else(|| answer.to_string());
            return Err(anyhow!(
                "OpenSearch at {url} answered {status}: {}",
                reason.chars().take(500).collect::<String>()
            ));
        }
        Ok(answer)
    }

    fn search_path(&self) -> &'static str {
        "_search?search_type=dfs_query_then_fetch"
    }

    /// The query of `sel` (with its word clauses when `ranked`) and its filters.
    fn translated(&self, sel: &Selection, ranked: bool) -> Result<(Value, Filters)> {
        let (q, filters, words) = crate::remote::prepared(sel, &self.tz, &self.dictionary, ranked)?;
        Ok((query(&q, &filters, words.as_ref())?, filters))
    }

    fn total(answer: &Value) -> usize {
        answer["hits"]["total"]["value"].as_u64().unwrap_or(0) as usize
    }

    /// Hits in sort order from the first, `n` of them, page after page, with these
    /// fields of `_source` (`None`: all).
    fn hits(&self, q: &Value, order: Sort, n: usize, fields: Option<&[&str]>) -> Result<(Vec<Value>, usize)> {
        let mut out = Vec::with_capacity(n.min(WINDOW));
        let mut after: Option<Value> = None;
        loop {
            let mut body = search_body(q, order, n - out.len(), after.as_ref());
            if let Some(f) = fields {
                body["_source"] = json!(f);
            }
            let answer = self.post(self.search_path(), &body)?;
            let total = Self::total(&answer);
            let page = answer["hits"]["hits"].as_array().cloned().unwrap_or_default();
            let last = page.last().map(|h| h["sort"].clone());
            let full = page.len() == (n - out.len()).min(WINDOW);
            out.extend(page);
            if out.len() >= n || !full || last.is_none() {
                return Ok((out, total));
            }
            after = last;
        }
    }
}

impl Backend for OpenSearch {
    fn search(&self, sel: &Selection, page: Page, with_total: bool) -> Result<Hits> {
        crate::remote::check_page(&page)?;
        let (q, _) = self.translated(sel, page.sort.is_scored())?;
        let literals = highlights(sel.query.as_ref().unwrap_or(&Default::default()));
        let (found, total) = self.hits(&q, page.sort, page.offset.saturating_add(page.limit).max(1), None)?;
        let hits: Vec<Hit> = found
            .iter()
            .skip(page.offset)
            .take(page.limit)
            .enumerate()
            .map(|(i, h)| Hit {
                rank: page.offset + i + 1,
                score: if page.sort.is_scored() { h["_score"].as_f64().map(|s| s as f32) } else { None },
                article: article_of(&h["_source"]),
                occurrences: None,
                story: None,
            })
            .collect();
        let known = with_total || hits.is_empty();
        Ok(Hits { hits, total: known.then_some(total), literals })
    }

    fn count(&self, sel: &Selection) -> Result<usize> {
        let (q, _) = self.translated(sel, false)?;
        Ok(Self::total(&self.post("_search", &count_body(&q))?))
    }

    fn ids(&self, sel: &Selection) -> Result<Vec<String>> {
        let (q, _) = self.translated(sel, false)?;
        // Pages until a short one: no count first.
        let id = [Field::Id.name()];
        let (found, _) = self.hits(&json!({"constant_score": {"filter": q}}), Sort::Date, usize::MAX, Some(&id))?;
        Ok(found.iter().filter_map(|h| h["_source"][Field::Id.name()].as_str().map(str::to_string)).collect())
    }

    fn histogram(&self, sel: &Selection, period: Option<Period>) -> Result<Histogram> {
        let (q, filters) = self.translated(sel, false)?;
        let answer = self.post("_search", &histogram_body(&q, &self.tz))?;
        let offset = offset_seconds(&self.tz);
        let mut days = HashMap::new();
        for b in answer["aggregations"]["days"]["buckets"].as_array().into_iter().flatten() {
            let ms = b["key"].as_i64().ok_or_else(|| anyhow!("a histogram bucket without a key: {b}"))?;
            days.insert(day_number(ms.div_euclid(1000), offset), b["doc_count"].as_u64().unwrap_or(0));
        }
        let undated = answer["aggregations"]["undated"]["doc_count"].as_u64().unwrap_or(0);
        if undated > 0 {
            days.insert(i64::MIN, undated);
        }
        engine::histogram(dated(days), &filters, period)
    }

    fn breakdown(&self, sel: &Selection, field: Field) -> Result<Vec<Bucket>> {
        let (q, _) = self.translated(sel, false)?;
        let answer = self.post("_search", &breakdown_body(&q, field))?;
        let mut counts: HashMap<Option<String>, u64> = HashMap::new();
        for b in answer["aggregations"]["values"]["buckets"].as_array().into_iter().flatten() {
            let key = b["key"].as_str().map(str::to_string);
            *counts.entry(key).or_default() += b["doc_count"].as_u64().unwrap_or(0);
        }
        let none = answer["aggregations"]["none"]["doc_count"].as_u64().unwrap_or(0);
        if none > 0 {
            counts.insert(None, none);
        }
        Ok(buckets(counts))
    }

    fn tz(&self) -> &TimeZone {
        &self.tz
    }
}
