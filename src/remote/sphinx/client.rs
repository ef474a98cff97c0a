//! `sou search --engine sphinx://HOST:PORT/INDEX`: the search requests over SphinxQL
//! (the MySQL protocol, `mysql` crate), answered as the local engine answers them.
//!
//! Hits come in two steps: the page's document numbers in rank order, then their
//! attributes in batches, so no reply grows with the page beyond a batch of articles.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, Row};

use super::query::{translate, Translated};
use super::{attr, view_field, Address};
use crate::analysis::dictionary::Dictionary;
use crate::article::{Article, Field, Kind, FIELDS};
use crate::engine::aggregate::{buckets, dated};
use crate::engine::{self, Backend, Bucket, Histogram, Hit, Hits, Page, Period, Selection, Sort};
use crate::query::build::{highlights, Filters};
use crate::query::parse;

/// Articles fetched per request in the second step of a search.
const BATCH: usize = 500;

/// Most groups (days, sources) a counting request returns.
const MAX_GROUPS: usize = 1_000_000;

/// A Sphinx (or Manticore) cluster answering sou's requests.
pub struct Sphinx {
    address: Address,
    conn: RefCell<Conn>,
    tz: TimeZone,
    dictionary: Dictionary,
}

/// A text value of a SphinxQL row (Sphinx answers in the text protocol).
fn text(row: &Row, i: usize) -> String {
    match row.as_ref(i) {
        Some(mysql::Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        Some(mysql::Value::Int(n)) => n.to_string(),
        Some(mysql::Value::UInt(n)) => n.to_string(),
        Some(mysql::Value::Float(x)) => x.to_string(),
        Some(mysql::Value::Double(x)) => x.to_string(),
        _ => String::new(),
    }
}

fn number(row: &Row, i: usize) -> Result<i64> {
    let t = text(row, i);
    t.parse().map_err(|_| anyhow!("Sphinx returned '{t}' where a number was expected"))
}

/// The `field_weights` option: the field table's boosts, the character view at 0.3 of
/// the word view, as the local engine weighs them (Sphinx wants integers).
fn field_weights() -> String {
    Field::texts()
        .flat_map(|(f, boost)| {
            [
                format!("{}={}", view_field(f, "words"), (boost * 10.0).round() as i64),
                format!("{}={}", view_field(f, "chars"), (boost * 3.0).round() as i64),
            ]
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stored fields, in the order the second step selects them.
fn stored() -> Vec<Field> {
    FIELDS.iter().filter(|s| s.kind != Kind::Date).map(|s| s.field).collect()
}

impl Sphinx {
    /// Connects to the cluster; dates are filtered and shown in `tz` (the zone of the
    /// index the export came from), queries segmented with `dictionary`'s words.
    /// `token`, if any, is `USER:PASSWORD` for a server that checks them (Sphinx does not).
    pub fn connect(address: Address, token: Option<&str>, tz: TimeZone, dictionary: Dictionary) -> Result<Sphinx> {
        let (user, password) = match token.map(|t| t.split_once(':').unwrap_or((t, ""))) {
            Some((u, p)) => (Some(u.to_string()), Some(p.to_string())),
            None => (None, None),
        };
        let opts = OptsBuilder::new()
            .user(user)
            .pass(password)
            .ip_or_hostname(Some(address.host.clone()))
            .tcp_port(address.port)
            .prefer_socket(false)
            // Sphinx answers no `SELECT @@max_allowed_packet`: say it instead of asking.
            .max_allowed_packet(Some(64 << 20))
            .stmt_cache_size(Some(0))
            .tcp_connect_timeout(Some(Duration::from_secs(10)))
            .read_timeout(Some(Duration::from_secs(300)));
        let conn = Conn::new(opts)
            .with_context(|| format!("cannot connect to Sphinx at {}:{}", address.host, address.port))?;
        Ok(Sphinx { address, conn: RefCell::new(conn), tz, dictionary })
    }

    fn rows(&self, sql: &str) -> Result<Vec<Row>> {
        let mut conn = self.conn.borrow_mut();
        conn.query(sql).with_context(|| {
            let shown: String = sql.chars().take(200).collect();
            let more = if shown.len() < sql.len() { "…" } else { "" };
            format!("Sphinx at {}:{} refused: {shown}{more}", self.address.host, self.address.port)
        })
    }

    /// `total_found` of the last query.
    fn total_found(&self) -> Result<usize> {
        for row in self.rows("SHOW META")? {
            if text(&row, 0) == "total_found" {
                return Ok(number(&row, 1)?.max(0) as usize);
            }
        }
        Err(anyhow!("Sphinx's SHOW META has no total_found"))
    }

    fn translated(&self, sel: &Selection, ranked: bool) -> Result<(Translated, Filters, parse::Query)> {
        let (q, filters, words) = crate::remote::prepared(sel, &self.tz, &self.dictionary, ranked)?;
        Ok((translate(&q, &filters, words.as_ref())?, filters, q))
    }

    fn select(&self, what: &str, t: &Translated, extra: &[&str], tail: &str) -> String {
        let w = t.where_clause(extra);
        let w = if w.is_empty() { String::new() } else { format!(" WHERE {w}") };
        format!("SELECT {what} FROM {}{w} {tail}", self.address.index)
    }

    /// The number of documents matching `t` and `extra`.
    fn count_of(&self, t: &Translated, extra: &[&str]) -> Result<usize> {
        self.rows(&self.select("id", t, extra, "LIMIT 0,1 OPTION ranker=none"))?;
        self.total_found()
    }

    /// The articles of these Sphinx document numbers, by number, a batch at a time.
    fn articles(&self, ids: &[u64]) -> Result<HashMap<u64, Article>> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            let list: Vec<String> = chunk.iter().map(u64::to_string).collect();
            let sql = format!(
                "SELECT id, {} FROM {} WHERE id IN ({}) LIMIT 0,{n} OPTION max_matches={n}",
                article_columns(),
                self.address.index,
                list.join(","),
                n = chunk.len().max(1)
            );
            for row in self.rows(&sql)? {
                out.insert(number(&row, 0)? as u64, article(&row, 1)?);
            }
        }
        Ok(out)
    }
}

/// The attributes an article is read from, in the order [`article`] reads them.
fn article_columns() -> String {
    let mut columns: Vec<&str> = stored().iter().map(|f| attr(*f)).collect();
    columns.extend(["date", "dated"]);
    columns.join(", ")
}

/// The article in the columns of `row` from `first` on ([`article_columns`]).
fn article(row: &Row, first: usize) -> Result<Article> {
    let fields = stored();
    let mut a = Article::default();
    for (i, f) in fields.iter().enumerate() {
        let v = text(row, first + i);
        a.set(*f, (!v.is_empty() || f.spec().always).then_some(v));
    }
    let n = first + fields.len();
    if number(row, n + 1)? == 1 {
        a.date = Timestamp::from_second(number(row, n)?).ok();
    }
    Ok(a)
}

impl Backend for Sphinx {
    fn search(&self, sel: &Selection, page: Page, with_total: bool) -> Result<Hits> {
        crate::remote::check_page(&page)?;
        let (t, _, q) = self.translated(sel, page.sort.is_scored())?;
        let literals = highlights(&q);
        let n = page.offset.saturating_add(page.limit).max(1);
        let order = match page.sort {
            Sort::Score | Sort::Occurrences | Sort::OccurrencesAsc => "ORDER BY w DESC, date DESC",
            Sort::ScoreAsc => "ORDER BY w ASC, dated DESC, date ASC",
            Sort::Date => "ORDER BY dated DESC, date DESC",
            Sort::DateAsc => "ORDER BY dated DESC, date ASC",
        };
        let options = match page.sort {
            Sort::Score | Sort::ScoreAsc | Sort::Occurrences | Sort::OccurrencesAsc => {
                format!("OPTION max_matches={n}, field_weights=({}), global_idf=1", field_weights())
            }
            Sort::Date | Sort::DateAsc => format!("OPTION max_matches={n}, ranker=none"),
        };
        let tail = format!("{order} LIMIT {},{} {options}", page.offset, page.limit.max(1));
        // A page of one batch comes with its articles; a larger one in a second step.
        let whole = page.limit <= BATCH;
        let what = if whole { format!("id, WEIGHT() AS w, {}", article_columns()) } else { "id, WEIGHT() AS w".into() };
        let ranked = self.rows(&self.select(&what, &t, &[], &tail))?;
        // An empty page needs the total to tell "nothing matched" from "past the end".
        let total = if with_total || ranked.is_empty() { Some(self.total_found()?) } else { None };
        let ranked = &ranked[..ranked.len().min(page.limit)];
        let mut articles = if whole {
            ranked.iter().map(|r| Ok((number(r, 0)? as u64, article(r, 2)?))).collect::<Result<HashMap<_, _>>>()?
        } else {
            self.articles(&ranked.iter().map(|r| number(r, 0).map(|n| n as u64)).collect::<Result<Vec<_>>>()?)?
        };
        let mut hits = Vec::with_capacity(ranked.len());
        for (i, row) in ranked.iter().enumerate() {
            let Some(article) = articles.remove(&(number(row, 0)? as u64)) else { continue };
            let score = page.sort.is_scored().then_some(number(row, 1)? as f32);
            hits.push(Hit { rank: page.offset + i + 1, score, article, occurrences: None, story: None });
        }
        Ok(Hits { hits, total, literals })
    }

    fn count(&self, sel: &Selection) -> Result<usize> {
        let (t, _, _) = self.translated(sel, false)?;
        self.count_of(&t, &[])
    }

    fn ids(&self, sel: &Selection) -> Result<Vec<String>> {
        let (t, _, _) = self.translated(sel, false)?;
        let n = self.count_of(&t, &[])?.max(1);
        let rows = self.rows(&self.select(
            super::ID_ATTR,
            &t,
            &[],
            &format!("LIMIT 0,{n} OPTION max_matches={n}, ranker=none"),
        ))?;
        Ok(rows.iter().map(|r| text(r, 0)).collect())
    }

    fn histogram(&self, sel: &Selection, period: Option<Period>) -> Result<Histogram> {
        let (t, filters, _) = self.translated(sel, false)?;
        let tail =
            format!("GROUP BY day ORDER BY day ASC LIMIT 0,{MAX_GROUPS} OPTION max_matches={MAX_GROUPS}, ranker=none");
        let mut days = HashMap::new();
        for row in self.rows(&self.select("day, COUNT(*) AS n", &t, &["dated=1"], &tail))? {
            days.insert(number(&row, 0)?, number(&row, 1)?.max(0) as u64);
        }
        if filters.since.is_none() && filters.before.is_none() {
            days.insert(i64::MIN, self.count_of(&t, &["dated=0"])? as u64);
        }
        engine::histogram(dated(days), &filters, period)
    }

    fn breakdown(&self, sel: &Selection, field: Field) -> Result<Vec<Bucket>> {
        let (t, _, _) = self.translated(sel, false)?;
        let a = attr(field);
        let tail = format!("GROUP BY {a} LIMIT 0,{MAX_GROUPS} OPTION max_matches={MAX_GROUPS}, ranker=none");
        let mut counts: HashMap<Option<String>, u64> = HashMap::new();
        for row in self.rows(&self.select(&format!("{a}, COUNT(*) AS n"), &t, &[], &tail))? {
            let v = text(&row, 0);
            *counts.entry((!v.is_empty()).then_some(v)).or_default() += number(&row, 1)?.max(0) as u64;
        }
        Ok(buckets(counts))
    }

    fn tz(&self) -> &TimeZone {
        &self.tz
    }
}
