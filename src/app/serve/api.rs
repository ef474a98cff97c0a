//! The JSON API: `/api/search` (`collapse=true`: one hit per story), `/api/doc/{id}` (with
//! the other copies of its story), `/api/keywords`, `/api/stats`. Keys are
//! those of the CLI's `--json` wherever the same thing is returned; highlights are
//! character (not byte) ranges. Every request runs on the blocking pool within a time
//! limit; a client's mistake is a 400 (with the column of a bad query), an unknown id a
//! 404, and nothing a client sends reaches a panic.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use sou::article::{Field, FieldSet};
use sou::engine::{Bucket, Engine, Page, Period, Selection, Sort};
use sou::names::Named;
use sou::query::build::QueryError;
use sou::query::parse::ParseError;
use sou::snippet;

use super::{AppState, REQUEST_TIME};
use crate::app::output::{jsonl, stories};

/// Longest query accepted, in characters.
const MAX_QUERY_CHARS: usize = 1000;
/// Most hits a page may hold.
const MAX_LIMIT: usize = 1000;
/// Furthest a page may start.
const MAX_OFFSET: usize = 100_000;
/// Longest list of sources or authors returned with a search.
const MAX_FACETS: usize = 100;

/// A JSON response.
fn json_response(status: StatusCode, v: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], v.to_string()).into_response()
}

/// A JSON error `{"error": message}`.
pub fn error(status: StatusCode, message: String) -> Response {
    json_response(status, &json!({ "error": message }))
}

/// A client's mistake, as a 400.
struct BadRequest {
    message: String,
    column: Option<usize>,
}

impl BadRequest {
    fn new(message: impl Into<String>) -> BadRequest {
        BadRequest { message: message.into(), column: None }
    }

    fn response(self) -> Response {
        let mut v = json!({ "error": self.message });
        if let Some(c) = self.column {
            v["column"] = json!(c);
        }
        json_response(StatusCode::BAD_REQUEST, &v)
    }
}

/// What went wrong answering: the client's mistake or the server's.
enum Failure {
    Bad(BadRequest),
    NotFound(String),
    Internal(String),
}

impl From<BadRequest> for Failure {
    fn from(b: BadRequest) -> Failure {
        Failure::Bad(b)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        if let Some(p) = e.downcast_ref::<ParseError>() {
            return Failure::Bad(BadRequest { message: p.message.clone(), column: Some(p.column) });
        }
        if let Some(q) = e.downcast_ref::<QueryError>() {
            return Failure::Bad(BadRequest::new(q.0.clone()));
        }
        Failure::Internal(format!("{e:#}"))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Bad(b) => b.response(),
            Failure::NotFound(m) => error(StatusCode::NOT_FOUND, m),
            Failure::Internal(m) => {
                eprintln!("sou: error: {m}");
                error(StatusCode::INTERNAL_SERVER_ERROR, m)
            }
        }
    }
}

/// The query string's parameters, in order (repeated keys kept).
struct Params(Vec<(String, String)>);

impl Params {
    fn of(raw: Option<String>) -> Params {
        Params(form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect())
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    fn number(&self, key: &str, default: usize, max: usize) -> Result<usize, BadRequest> {
        let Some(v) = self.get(key) else { return Ok(default) };
        match v.parse::<usize>() {
            Ok(n) if n <= max => Ok(n),
            _ => Err(BadRequest::new(format!("{key}: '{v}' is not a number from 0 to {max}"))),
        }
    }

    fn named<T: Named>(&self, key: &str) -> Result<Option<T>, BadRequest> {
        self.get(key)
            .map(|v| {
                T::from_name(v).ok_or_else(|| BadRequest::new(format!("{key}: '{v}' is not one of {}", T::names())))
            })
            .transpose()
    }

    /// The documents the parameters select: `q` and the filters every front-end shares
    /// (`since`, `until`, `source`, `author`, `title`, `word`), built by the library.
    fn selection(&self) -> Result<Selection, Failure> {
        let q = self.get("q").map(str::trim).filter(|q| !q.is_empty());
        if let Some(q) = q {
            let n = q.chars().count();
            if n > MAX_QUERY_CHARS {
                return Err(BadRequest::new(format!("the query has {n} characters; at most {MAX_QUERY_CHARS}")).into());
            }
        }
        let filters = self.0.iter().filter(|(k, _)| !OWN.contains(&k.as_str())).map(|(k, v)| (k.as_str(), v.as_str()));
        Selection::build(q, filters).map_err(|e| {
            let column = e.parse.as_ref().map(|p| p.column);
            let message = if e.parse.is_some() { e.message } else { format!("{}: {}", e.name, e.message) };
            BadRequest { message, column }.into()
        })
    }
}

/// Parameters of the requests themselves, not filters of the selection.
const OWN: [&str; 7] = ["q", "limit", "offset", "sort", "period", "token", "doc"];

/// Runs `work` on the blocking pool within [`REQUEST_TIME`].
async fn answer(
    state: Arc<AppState>,
    work: impl FnOnce(&Engine) -> Result<Value, Failure> + Send + 'static,
) -> Response {
    let job = tokio::task::spawn_blocking(move || work(&state.engine));
    match tokio::time::timeout(REQUEST_TIME, job).await {
        Ok(Ok(Ok(v))) => json_response(StatusCode::OK, &v),
        Ok(Ok(Err(f))) => f.into_response(),
        Ok(Err(_)) => error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed".into()),
        Err(_) => {
            error(StatusCode::SERVICE_UNAVAILABLE, format!("the request took longer than {} s", REQUEST_TIME.as_secs()))
        }
    }
}

/// Byte ranges of `text` as character ranges.
fn char_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<[usize; 2]> {
    let at = |b: usize| text[..b].chars().count();
    ranges.iter().map(|&(a, b)| [at(a), at(b)]).collect()
}

/// `text` escaped for HTML with the ranges in `<mark>`.
fn marked_html(text: &str, ranges: &[(usize, usize)]) -> String {
    fn escape(s: &str, out: &mut String) {
        for c in s.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                _ => out.push(c),
            }
        }
    }
    let mut out = String::new();
    let mut at = 0;
    for &(a, b) in ranges {
        escape(&text[at..a], &mut out);
        out.push_str("<mark>");
        escape(&text[a..b], &mut out);
        out.push_str("</mark>");
        at = b;
    }
    escape(&text[at..], &mut out);
    out
}

fn buckets(key: &str, rows: &[Bucket]) -> Vec<Value> {
    rows.iter().take(MAX_FACETS).map(|b| json!({ key: b.key, "count": b.count })).collect()
}

/// `/api/search`: a page of hits with snippets, the total, per-source and per-author
/// counts and the date histogram of the matching documents.
pub async fn search(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    answer(state, move |engine| {
        let started = Instant::now();
        let params = Params::of(raw);
        let sel = params.selection()?;
        let limit = params.number("limit", 20, MAX_LIMIT)?;
        let offset = params.number("offset", 0, MAX_OFFSET)?;
        let sort = params.named::<Sort>("sort")?.unwrap_or(Sort::Score);
        let period = params.named::<Period>("period")?;
        let hits = engine.search(&sel, Page { limit, offset, sort, fields: FieldSet::ALL, occurrences: false, stories: sel.collapse }, false)?;
        let overview = engine.overview(&sel, period)?;
        let histogram = &overview.histogram;
        let list: Vec<Value> = hits
            .hits
            .iter()
            .map(|h| {
                let snip = jsonl::hit_snippet(h, &hits.literals);
                let mut m = jsonl::hit_object(engine.tz(), h, &snip.text);
                let title = h.article.text(Field::Title);
                let title_hits = snippet::find_hits(title, &hits.literals);
                m.insert("snippet_highlights".into(), json!(char_ranges(&snip.text, &snip.highlights)));
                m.insert("snippet_html".into(), json!(marked_html(&snip.text, &snip.highlights)));
                m.insert("title_highlights".into(), json!(char_ranges(title, &title_hits)));
                Value::Object(m)
            })
            .collect();
        // The date filters as the days they are today (7d → 2026-11-26), for the page's
        // URL and fields.
        let today = sou::dates::today(engine.tz());
        let since = sel.since.as_ref().map(|d| d.absolute(false, today));
        let until = sel.until.as_ref().map(|d| d.absolute(true, today));
        Ok(json!({
            "query": params.get("q").unwrap_or(""),
            "notes": sel.query.as_ref().map_or(&[][..], |q| q.notes.as_slice()),
            "since": since,
            "until": until,
            "total": overview.total(),
            "took_ms": (started.elapsed().as_secs_f64() * 1e5).round() / 100.0,
            "hits": list,
            "sources": buckets("source", overview.by(Field::Source)),
            "authors": buckets("author", overview.by(Field::Author)),
            "histogram": {
                "period": histogram.period.name(),
                "buckets": histogram.buckets.iter().map(|b| json!({"period": b.key, "count": b.count})).collect::<Vec<_>>(),
                "undated": histogram.undated,
            },
        }))
    })
    .await
}

/// `/api/doc/{id}`: the whole article, with the character ranges of the literals of an
/// optional `q` in its title and content.
pub async fn doc(State(state): State<Arc<AppState>>, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Response {
    answer(state, move |engine| {
        let params = Params::of(raw);
        let sel = params.selection()?;
        let literals = if sel.query.is_some() { engine.literals(&sel)? } else { Vec::new() };
        let Some(a) = engine.show(&id)? else {
            return Err(Failure::NotFound(format!("no document with id '{id}'")));
        };
        let mut m: Map<String, Value> = jsonl::article_object(engine.tz(), &a, |_| true);
        let mut highlights = Map::new();
        for f in [Field::Title, Field::Content] {
            let text = a.text(f);
            highlights.insert(f.name().into(), json!(char_ranges(text, &snippet::find_hits(text, &literals))));
        }
        m.insert("highlights".into(), Value::Object(highlights));
        // The other copies of its story (reposts), oldest first, as `sou show --copies --json`.
        let copies = engine.copies(&id)?.unwrap_or_default();
        let copies: Vec<Value> = copies.iter().map(|c| stories::copy_value(c, engine.tz())).collect();
        m.insert("copies".into(), json!(copies));
        Ok(Value::Object(m))
    })
    .await
}

/// `/api/keywords`: the most distinctive words of the selected documents.
pub async fn keywords(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    answer(state, move |engine| {
        let params = Params::of(raw);
        let sel = params.selection()?;
        let limit = params.number("limit", 20, 200)?;
        let k = engine.keywords(&sel, limit)?;
        Ok(json!({"docs": k.docs, "keywords": k.words.iter().map(jsonl::keyword_value).collect::<Vec<_>>()}))
    })
    .await
}

/// `/api/stats`: what the index holds, as `sou stats --json`.
pub async fn stats(State(state): State<Arc<AppState>>) -> Response {
    answer(state, move |engine| Ok(jsonl::stats_value(&engine.stats()?, engine.tz()))).await
}

/// Anything else: 404.
pub async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such page".into())
}
