//! Counting without listing: documents per local day and per value of a keyword field
//! (sources), by small collectors over the fast fields — no loop over the hits' stored
//! documents, no aggregation request written as JSON.

use crate::names::Named;
use std::collections::HashMap;

use anyhow::Result;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Query;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::article::Field;

/// A count of matching documents for one key (a period, a source).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// The period's label or the field's value; `None` for documents without one.
    pub key: Option<String>,
    /// Matching documents.
    pub count: u64,
}

/// Matching documents per period.
#[derive(Clone, Debug)]
pub struct Histogram {
    /// The period of the buckets.
    pub period: Period,
    /// Every period of the range, in order, empty ones with 0.
    pub buckets: Vec<Bucket>,
    /// Matching documents with a date.
    pub dated: u64,
    /// Matching documents without a date (in no bucket).
    pub undated: u64,
}

const SECONDS_PER_DAY: i64 = 86_400;
const SECONDS_PER_HOUR: i64 = 3_600;

/// The key under which documents without a date are counted.
const UNDATED: i64 = i64::MIN;

/// Counts matching documents per local day or hour (days or hours since 1970-01-01 in
/// the zone: `unit` seconds each), and those without a date (under [`UNDATED`]).
struct DayCounts {
    offset_seconds: i64,
    unit: i64,
}

struct SegmentDays {
    column: Option<Column<tantivy::DateTime>>,
    offset_seconds: i64,
    unit: i64,
    days: HashMap<i64, u64>,
}

impl Collector for DayCounts {
    type Fruit = HashMap<i64, u64>;
    type Child = SegmentDays;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentDays> {
        let column = reader.fast_fields().date(Field::Date.name()).ok();
        Ok(SegmentDays { column, offset_seconds: self.offset_seconds, unit: self.unit, days: HashMap::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<i64, u64>>) -> tantivy::Result<HashMap<i64, u64>> {
        let mut all = HashMap::new();
        for f in fruits {
            for (day, n) in f {
                *all.entry(day).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentDays {
    type Fruit = HashMap<i64, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let day = match self.column.as_ref().and_then(|c| c.first(doc)) {
            Some(t) => (t.into_timestamp_secs() + self.offset_seconds).div_euclid(self.unit),
            None => UNDATED,
        };
        *self.days.entry(day).or_default() += 1;
    }

    fn harvest(self) -> HashMap<i64, u64> {
        self.days
    }
}

/// Matching documents per day (the days that have any, in order) and without a date.
pub type Days = (Vec<(Date, u64)>, u64);

/// Turns day numbers (since 1970-01-01) into dates, in order, and takes out the undated
/// (counted under `i64::MIN`).
pub fn dated(mut days: HashMap<i64, u64>) -> Days {
    let undated = days.remove(&UNDATED).unwrap_or(0);
    let epoch = jiff::civil::date(1970, 1, 1);
    let mut out: Vec<(Date, u64)> =
        days.into_iter().filter_map(|(d, n)| epoch.checked_add(Span::new().days(d)).ok().map(|d| (d, n))).collect();
    out.sort_unstable();
    (out, undated)
}

fn day_counts(tz: &TimeZone) -> DayCounts {
    DayCounts { offset_seconds: offset_seconds(tz), unit: SECONDS_PER_DAY }
}

/// The offset of `tz` used to cut time into local days (its offset now: sou's zones are
/// fixed offsets).
pub(crate) fn offset_seconds(tz: &TimeZone) -> i64 {
    tz.to_offset(Timestamp::now()).seconds() as i64
}

/// The local day (days since 1970-01-01) of `seconds` since the epoch, at `offset` seconds.
pub(crate) fn day_number(seconds: i64, offset: i64) -> i64 {
    (seconds + offset).div_euclid(SECONDS_PER_DAY)
}

/// Matching documents per local day, for the days that have any, in order; and the
/// number of matching documents without a date. One pass over the matches.
pub(crate) fn per_day(searcher: &Searcher, query: &dyn Query, tz: &TimeZone) -> Result<Days> {
    Ok(dated(searcher.search(query, &day_counts(tz))?))
}

/// Matching documents per local hour (hours since 1970-01-01 in `tz`), for the hours
/// that have any, in order; and the number without a date.
pub(crate) fn per_hour(searcher: &Searcher, query: &dyn Query, tz: &TimeZone) -> Result<(Vec<(i64, u64)>, u64)> {
    let mut hours =
        searcher.search(query, &DayCounts { offset_seconds: offset_seconds(tz), unit: SECONDS_PER_HOUR })?;
    let undated = hours.remove(&UNDATED).unwrap_or(0);
    let mut out: Vec<(i64, u64)> = hours.into_iter().collect();
    out.sort_unstable();
    Ok((out, undated))
}

/// One bucket per hour from the first hour of `hours` to its last (zeros between),
/// labelled `YYYY-MM-DD HH:00` in local time.
pub fn hourly(hours: &[(i64, u64)]) -> Vec<Bucket> {
    let (Some(&(lo, _)), Some(&(hi, _))) = (hours.first(), hours.last()) else { return Vec::new() };
    let epoch = jiff::civil::date(1970, 1, 1).at(0, 0, 0, 0);
    let mut at = 0;
    (lo..=hi)
        .map(|h| {
            let count = if hours.get(at).is_some_and(|x| x.0 == h) {
                at += 1;
                hours[at - 1].1
            } else {
                0
            };
            let label = epoch.checked_add(Span::new().hours(h)).map(|t| t.strftime("%Y-%m-%d %H:00").to_string());
            Bucket { key: label.ok(), count }
        })
        .collect()
}

/// Counts matching documents per term of single-valued keyword columns.
struct ValueCounts {
    fields: Vec<Field>,
}

/// Per field: its column in the segment, and documents per term ordinal with (last)
/// documents without a value.
struct SegmentValues {
    columns: Vec<(Option<StrColumn>, Vec<u64>)>,
}

impl Collector for ValueCounts {
    type Fruit = Vec<HashMap<Option<String>, u64>>;
    type Child = SegmentValues;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentValues> {
        let mut columns = Vec::with_capacity(self.fields.len());
        for f in &self.fields {
            let column = reader.fast_fields().str(f.name())?;
            let terms = column.as_ref().map_or(0, |c| c.num_terms());
            columns.push((column, vec![0; terms + 1]));
        }
        Ok(SegmentValues { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all = vec![HashMap::new(); self.fields.len()];
        for f in fruits {
            for (into, counts) in all.iter_mut().zip(f) {
                for (value, n) in counts {
                    *into.entry(value).or_default() += n;
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentValues {
    type Fruit = Vec<HashMap<Option<String>, u64>>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in &mut self.columns {
            let none = counts.len() - 1;
            let ord = column.as_ref().and_then(|c| c.ords().first(doc)).map_or(none, |o| o as usize);
            if let Some(n) = counts.get_mut(ord) {
                *n += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut text = String::new();
        let mut fruit = Vec::with_capacity(self.columns.len());
        for (column, counts) in self.columns {
            let none = counts.len() - 1;
            let mut out = HashMap::new();
            for (ord, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                let value = match &column {
                    Some(c) if ord < none => {
                        c.ord_to_str(ord as u64, &mut text).ok().filter(|&found| found).map(|_| text.clone())
                    }
                    _ => None,
                };
                *out.entry(value).or_default() += n;
            }
            fruit.push(out);
        }
        fruit
    }
}

/// The buckets of a field's counts, largest first (ties by value), then the documents
/// without a value (key `None`), so that the rows add up to the matches.
pub fn buckets(counts: HashMap<Option<String>, u64>) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = counts.into_iter().map(|(key, count)| Bucket { key, count }).collect();
    out.sort_by(|a, b| {
        a.key.is_none().cmp(&b.key.is_none()).then(b.count.cmp(&a.count)).then_with(|| a.key.cmp(&b.key))
    });
    out
}

/// Matching documents per value of the keyword field `field`.
pub(crate) fn per_value(searcher: &Searcher, query: &dyn Query, field: Field) -> Result<Vec<Bucket>> {
    let mut counts = searcher.search(query, &ValueCounts { fields: vec![field] })?;
    Ok(counts.pop().map(buckets).unwrap_or_default())
}

/// Per day (and undated) and per value of each of `fields`, in one pass over the matches.
pub(crate) fn per_day_and_value(
    searcher: &Searcher,
    query: &dyn Query,
    tz: &TimeZone,
    fields: &[Field],
) -> Result<(Days, Vec<Vec<Bucket>>)> {
    let (days, values) = searcher.search(query, &(day_counts(tz), ValueCounts { fields: fields.to_vec() }))?;
    Ok((dated(days), values.into_iter().map(buckets).collect()))
}

/// A period of a histogram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// An hour of a day (`YYYY-MM-DD HH:00`): counted from the stored time of day, by
    /// the local index only; a date given without a time is its day's first hour.
    Hour,
    /// A calendar day.
    Day,
    /// Monday to Sunday, labelled by its Monday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
}

impl Named for Period {
    const VALUES: &'static [(Self, &'static str, &'static str)] = &[
        (Self::Hour, "hour", "An hour of a day, from the time of publication (local index only)"),
        (Self::Day, "day", "A calendar day"),
        (Self::Week, "week", "Monday to Sunday, labelled by its Monday"),
        (Self::Month, "month", "A calendar month"),
        (Self::Year, "year", "A calendar year"),
    ];
}

impl Period {
    /// The finest period that covers `first..=last` in at most about a hundred bars.
    pub fn fitting(first: Option<Date>, last: Option<Date>) -> Period {
        let (Some(a), Some(b)) = (first, last) else { return Period::Day };
        // `Date::until` counts in days unless asked for larger units.
        match a.until(b).map_or(0, |s| s.get_days()) {
            ..=120 => Period::Day,
            121..=730 => Period::Week,
            731..=3650 => Period::Month,
            _ => Period::Year,
        }
    }

    /// The first day of the period containing `d`.
    pub fn start(self, d: Date) -> Date {
        match self {
            // Hours are counted by the hour ([`hourly`]), never rolled up from days.
            Period::Hour | Period::Day => d,
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
            Period::Hour | Period::Day => jiff::Span::new().days(1),
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
            Period::Hour | Period::Day | Period::Week => start.to_string(),
            Period::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Period::Year => format!("{:04}", start.year()),
        }
    }
}

/// Rolls day counts up into periods covering `first..=last` (or the days' own range),
/// every period present, empty ones with 0.
pub fn histogram(days: &[(Date, u64)], period: Period, first: Option<Date>, last: Option<Date>) -> Vec<Bucket> {
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
        out.push(Bucket { key: Some(period.label(start)), count });
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
        let rows = |p, first, last| -> Vec<(String, u64)> {
            histogram(&days, p, first, last).into_iter().map(|b| (b.key.unwrap_or_default(), b.count)).collect()
        };
        let by_month = rows(Period::Month, None, None);
        assert_eq!(by_month, vec![("2025-12".into(), 3), ("2026-01".into(), 4)]);
        let by_day = rows(Period::Day, Some(date(2025, 12, 11)), Some(date(2025, 12, 13)));
        assert_eq!(by_day, vec![("2025-12-11".into(), 0), ("2025-12-12".into(), 2), ("2025-12-13".into(), 0)]);
        let by_week = rows(Period::Week, None, Some(date(2025, 12, 21)));
        // 2025-12-12 is a Friday: its week starts on Monday the 8th.
        assert_eq!(by_week, vec![("2025-12-08".into(), 2), ("2025-12-15".into(), 1)]);
        assert_eq!(rows(Period::Year, None, None), vec![("2025".into(), 3), ("2026".into(), 4)]);
    }
}
