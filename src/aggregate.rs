//! Counting without listing: documents per day and per source, and the date range of a
//! result set, computed by tantivy's aggregations over the fast fields (no loop over
//! every hit in sou).

use anyhow::{anyhow, Result};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector};
use tantivy::query::Query;
use tantivy::Searcher;

fn run(searcher: &Searcher, query: &dyn Query, aggs: Value) -> Result<Value> {
    let aggs: Aggregations = serde_json::from_value(aggs)?;
    let collector = AggregationCollector::from_aggs(aggs, AggContextParams::default());
    let result = searcher.search(query, &collector)?;
    Ok(serde_json::to_value(result)?)
}

/// Offset of `tz` from UTC in hours, for day buckets that start at local midnight.
fn offset_hours(tz: &TimeZone) -> i64 {
    tz.to_offset(Timestamp::now()).seconds() as i64 / 3600
}

/// Matching documents per local day, for the days that have any.
pub fn per_day(searcher: &Searcher, query: &dyn Query, tz: &TimeZone) -> Result<Vec<(Date, u64)>> {
    let hours = offset_hours(tz);
    let v = run(
        searcher,
        query,
        json!({"days": {"date_histogram": {"field": "date", "fixed_interval": "1d", "offset": format!("{}h", -hours)}}}),
    )?;
    let mut out = Vec::new();
    for b in v["days"]["buckets"].as_array().ok_or_else(|| anyhow!("unexpected aggregation result"))? {
        let count = b["doc_count"].as_u64().unwrap_or(0);
        let key = b["key"].as_f64().unwrap_or(0.0) as i64;
        if count == 0 {
            continue;
        }
        // The bucket starts at local midnight: shift into the zone to read the day.
        let ts = Timestamp::from_millisecond(key).map_err(|e| anyhow!("bad bucket key: {e}"))?;
        out.push((ts.to_zoned(tz.clone()).date(), count));
    }
    Ok(out)
}

/// Matching documents per source, largest first (ties by name).
pub fn per_source(searcher: &Searcher, query: &dyn Query) -> Result<Vec<(String, u64)>> {
    let v = run(searcher, query, json!({"sources": {"terms": {"field": "source", "size": 65000}}}))?;
    let mut out: Vec<(String, u64)> = v["sources"]["buckets"]
        .as_array()
        .ok_or_else(|| anyhow!("unexpected aggregation result"))?
        .iter()
        .map(|b| (b["key"].as_str().unwrap_or("").to_string(), b["doc_count"].as_u64().unwrap_or(0)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

/// Earliest and latest date among matching documents, and how many are dated.
pub fn date_range(searcher: &Searcher, query: &dyn Query) -> Result<(Option<Timestamp>, Option<Timestamp>, u64)> {
    let v = run(searcher, query, json!({"dates": {"stats": {"field": "date"}}}))?;
    let s = &v["dates"];
    // The stats of a date field come in nanoseconds.
    let ts = |x: &Value| x.as_f64().and_then(|ns| Timestamp::from_second((ns / 1e9).round() as i64).ok());
    Ok((ts(&s["min"]), ts(&s["max"]), s["count"].as_u64().unwrap_or(0)))
}

/// A period of a histogram (`--histogram`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Period {
    Day,
    /// Monday to Sunday, labelled by its Monday.
    Week,
    Month,
    Year,
}

impl Period {
    /// The first day of the period containing `d`.
    pub fn start(self, d: Date) -> Date {
        match self {
            Period::Day => d,
            Period::Week => {
                d.checked_sub(jiff::Span::new().days(d.weekday().to_monday_zero_offset() as i64)).unwrap_or(d)
            }
            Period::Month => d.first_of_month(),
            Period::Year => d.first_of_year(),
        }
    }

    /// The first day of the next period.
    fn next(self, start: Date) -> Option<Date> {
        let span = match self {
            Period::Day => jiff::Span::new().days(1),
            Period::Week => jiff::Span::new().weeks(1),
            Period::Month => jiff::Span::new().months(1),
            Period::Year => jiff::Span::new().years(1),
        };
        start.checked_add(span).ok()
    }

    /// The label of the period starting at `start`: `YYYY-MM-DD` for days and weeks,
    /// `YYYY-MM` for months, `YYYY` for years.
    pub fn label(self, start: Date) -> String {
        match self {
            Period::Day | Period::Week => start.to_string(),
            Period::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Period::Year => format!("{:04}", start.year()),
        }
    }
}

/// Rolls day counts up into periods covering `first..=last` (or the days' own range),
/// every period present, empty ones with 0.
pub fn histogram(days: &[(Date, u64)], period: Period, first: Option<Date>, last: Option<Date>) -> Vec<(String, u64)> {
    let (Some(lo), Some(hi)) = (first.or(days.first().map(|d| d.0)), last.or(days.last().map(|d| d.0))) else {
        return Vec::new();
    };
    if lo > hi {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = period.start(lo);
    let mut i = days.partition_point(|(d, _)| *d < start);
    // Bounded: a histogram wider than this would not be read anyway.
    while start <= hi && out.len() < 100_000 {
        let Some(next) = period.next(start) else { break };
        let mut count = 0;
        while i < days.len() && days[i].0 < next {
            if days[i].0 >= lo && days[i].0 <= hi {
                count += days[i].1;
            }
            i += 1;
        }
        out.push((period.label(start), count));
        start = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_cover_the_range_with_zeros() {
        let days = vec![(date(2025, 12, 12), 2), (date(2025, 12, 15), 1), (date(2026, 1, 2), 4)];
        let by_month = histogram(&days, Period::Month, None, None);
        assert_eq!(by_month, vec![("2025-12".into(), 3), ("2026-01".into(), 4)]);
        let by_day = histogram(&days, Period::Day, Some(date(2025, 12, 11)), Some(date(2025, 12, 13)));
        assert_eq!(by_day, vec![("2025-12-11".into(), 0), ("2025-12-12".into(), 2), ("2025-12-13".into(), 0)]);
        let by_week = histogram(&days, Period::Week, None, Some(date(2025, 12, 21)));
        // 2025-12-12 is a Friday: its week starts on Monday the 8th.
        assert_eq!(by_week, vec![("2025-12-08".into(), 2), ("2025-12-15".into(), 1)]);
        assert_eq!(histogram(&days, Period::Year, None, None), vec![("2025".into(), 3), ("2026".into(), 4)]);
    }
}
