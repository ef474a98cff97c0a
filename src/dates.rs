//! Dates as analysts' files write them: `2025-12-23`, `2025/12/23`, `2025.12.23`,
//! `2025年12月23日`, `20251223` (also as a JSON number), with an optional time (`10:30`,
//! `10:30:05`) and zone (`Z`, `+08:00`), RFC 3339, RFC 2822 (feeds:
//! `Thu, 02 Jan 2025 09:05:00 GMT`), and Unix seconds or milliseconds between 1990 and
//! 2100 (a number outside is no date, not 1970). A date without a zone is in the
//! index's time zone (China time, UTC+8, by default).

use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// The time zone dates without a zone are read in, and days are counted in.
pub fn default_tz() -> TimeZone {
    TimeZone::fixed(Offset::constant(8))
}

/// Reads up to `max` ASCII digits from the start of `s`; returns the number and the rest.
fn digits(s: &str, max: usize) -> Option<(i64, &str)> {
    let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

/// Skips one separator out of `seps` at the start of `s`.
fn sep<'a>(s: &'a str, seps: &[&str]) -> Option<&'a str> {
    seps.iter().find_map(|p| s.strip_prefix(p))
}

/// Year, and month and day when given.
pub(crate) type PartialDate = (i16, Option<i8>, Option<i8>);

/// A civil date with 1 to 3 parts (year, month, day) at the start of `s`, and the rest.
/// Parts are separated by `-`, `/`, `.` or 年/月(/日).
pub(crate) fn parse_date_prefix(s: &str) -> Option<(PartialDate, &str)> {
    let (y, rest) = digits(s, 4)?;
    if !(1000..=9999).contains(&y) || s.len() - rest.len() != 4 {
        return None;
    }
    let Some(r) = sep(rest, &["-", "/", ".", "年"]) else {
        return Some(((y as i16, None, None), rest));
    };
    let Some((m, r)) = digits(r, 2) else {
        // "2025年" alone is a year.
        return rest.starts_with('年').then_some(((y as i16, None, None), r));
    };
    if !(1..=12).contains(&m) {
        return None;
    }
    let Some(r2) = sep(r, &["-", "/", ".", "月"]) else {
        return Some(((y as i16, Some(m as i8), None), r));
    };
    let Some((d, r3)) = digits(r2, 2) else {
        return r.starts_with('月').then_some(((y as i16, Some(m as i8), None), r2));
    };
    let r3 = r3.strip_prefix('日').or_else(|| r3.strip_prefix('号')).unwrap_or(r3);
    Some(((y as i16, Some(m as i8), Some(d as i8)), r3))
}

/// `s` with full-width ASCII forms (２０２５－１２－２０, ：) and the ideographic space
/// as their ASCII characters, as a Chinese input method may type a date.
pub(crate) fn half_width(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        return s.into();
    }
    s.chars()
        .map(|c| if c == '\u{3000}' { ' ' } else { crate::analysis::fold::full_width_ascii(c).unwrap_or(c) })
        .collect::<String>()
        .into()
}

/// A full civil date at the start of `s` with an optional time (`2025-05-07 08:30`,
/// `2025-05-07T08:30:05`, `2025年5月7日 8时30`), and the rest (a zone, if any).
fn civil_date_time(s: &str) -> Option<(DateTime, &str)> {
    let ((y, m, d), rest) = parse_date_prefix(s)?;
    let date = Date::new(y, m?, d?).ok()?;
    let rest = rest.trim_start_matches([' ', 'T', 't']);
    let mut dt = DateTime::from(date);
    let mut rest = rest;
    if let Some((h, r)) = digits(rest, 2) {
        let r = sep(r, &[":", "时"])?;
        let (mi, r) = digits(r, 2)?;
        let (sec, r) = match sep(r, &[":"]).and_then(|r| digits(r, 2)) {
            Some((sec, r)) => (sec, r),
            None => (0, r),
        };
        // Fractional seconds are dropped: sou keeps dates to the second.
        let r = r.strip_prefix('.').map_or(r, |f| f.trim_start_matches(|c: char| c.is_ascii_digit()));
        dt = match (h, mi, sec) {
            // ISO 8601's end of the day: the next day's midnight.
            (24, 0, 0) => DateTime::from(date.tomorrow().ok()?),
            _ if (0..24).contains(&h) && (0..60).contains(&mi) && (0..60).contains(&sec) => {
                date.at(h as i8, mi as i8, sec as i8, 0)
            }
            // 25:00, 10:61, a leap second: not a time sou can place.
            _ => return None,
        };
        rest = r;
    }
    Some((dt, rest))
}

/// Parses an instant from a string; `None` when it is not a date sou understands.
pub fn parse_timestamp(s: &str, tz: &TimeZone) -> Option<Timestamp> {
    let s = half_width(s);
    let s = s.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts);
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return parse_number(s.parse().ok()?, tz);
    }
    if s.starts_with(|c: char| c.is_ascii_alphabetic()) || s.contains(|c: char| c.is_ascii_alphabetic()) {
        if let Ok(ts) = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(s) {
            return Some(ts);
        }
    }
    let (dt, rest) = civil_date_time(s)?;
    let rest = rest.trim();
    let zone = if rest.is_empty() {
        tz.clone()
    } else if rest.eq_ignore_ascii_case("z") || rest.eq_ignore_ascii_case("utc") {
        TimeZone::UTC
    } else {
        TimeZone::fixed(parse_offset(rest)?)
    };
    zone.to_timestamp(dt).ok()
}

/// A fixed time zone from `UTC`, `Z`, `+08:00`, `+0800`, `+8`, `-05:30`.
pub fn parse_tz(s: &str) -> Option<TimeZone> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("utc") || s.eq_ignore_ascii_case("z") {
        return Some(TimeZone::UTC);
    }
    // `+8` → `+08`.
    let padded = match s.as_bytes() {
        [sign @ (b'+' | b'-'), d] if d.is_ascii_digit() => format!("{}0{}", *sign as char, *d as char),
        _ => s.to_string(),
    };
    parse_offset(&padded).map(TimeZone::fixed)
}

/// `+08:00`, `+0800`, `-05`.
fn parse_offset(s: &str) -> Option<Offset> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body: String = s[1..].chars().filter(|c| *c != ':').collect();
    if !body.bytes().all(|b| b.is_ascii_digit()) || !(body.len() == 2 || body.len() == 4) {
        return None;
    }
    let h: i32 = body[..2].parse().ok()?;
    let m: i32 = if body.len() == 4 { body[2..].parse().ok()? } else { 0 };
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// Unix seconds in this range (1990-01-01 to 2100-01-01) are dates; outside it a number
/// is more likely a count, an id or a `YYYYMMDD` than a time in 1970 or in 5000.
const PLAUSIBLE_SECONDS: std::ops::Range<i64> = 631_152_000..4_102_444_800;

/// A number as files write dates: `YYYYMMDD` (8 digits, a valid day, in the zone
/// `tz`), `YYYYMMDDHHMMSS` (14 digits), Unix seconds or milliseconds between 1990 and
/// 2100; `None` for anything else (read as 1970 it would be silently wrong).
pub fn parse_number(n: i64, tz: &TimeZone) -> Option<Timestamp> {
    let civil = |ymd: i64, hms: i64| -> Option<Timestamp> {
        let date = Date::new((ymd / 10_000) as i16, (ymd / 100 % 100) as i8, (ymd % 100) as i8).ok()?;
        let (h, m, s) = (hms / 10_000, hms / 100 % 100, hms % 100);
        let dt = date.at(h.try_into().ok()?, m as i8, s as i8, 0);
        (h < 24 && m < 60 && s < 60).then_some(())?;
        tz.to_timestamp(dt).ok()
    };
    match n {
        10_000_101..=99_991_231 => civil(n, 0),
        10_000_101_000_000..=99_991_231_235_959 => civil(n / 1_000_000, n % 1_000_000),
        _ if PLAUSIBLE_SECONDS.contains(&n) => Timestamp::from_second(n).ok(),
        _ if PLAUSIBLE_SECONDS.contains(&(n / 1000)) => Timestamp::from_millisecond(n).ok(),
        _ => None,
    }
}

/// An inclusive range of days given as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (or with `/`,
/// `.`, 年月日): the first and the last day it covers.
pub fn parse_day_range(s: &str) -> Result<(Date, Date), String> {
    let bad = || {
        format!(
            "'{s}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2025-12-23, 2025/12/23, 2025年12月23日)"
        )
    };
    let ascii = half_width(s);
    let ((y, m, d), rest) = parse_date_prefix(ascii.trim()).ok_or_else(bad)?;
    if !rest.trim().is_empty() {
        return Err(bad());
    }
    match (m, d) {
        (None, _) => Ok((Date::new(y, 1, 1).map_err(|_| bad())?, Date::new(y, 12, 31).map_err(|_| bad())?)),
        (Some(m), None) => {
            let first = Date::new(y, m, 1).map_err(|_| bad())?;
            Ok((first, first.last_of_month()))
        }
        (Some(m), Some(d)) => {
            let day = Date::new(y, m, d).map_err(|_| bad())?;
            Ok((day, day))
        }
    }
}

/// The days a date filter names: a calendar range (`2025`, `2025-12`, `2025-12-23`), or
/// a day counted back from today (`7d`, `3w`, `2m`, `1y`, `today`, `yesterday`, `今天`,
/// `昨天`), which is resolved when the filter is applied, against today in the zone of
/// the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Days {
    /// From the first day to the last (inclusive).
    Range(Date, Date),
    /// The day this many days (`d`), weeks (`w`), months (`m`) or years (`y`) before
    /// today, as typed (`7d`).
    Back(i64, char, String),
    /// A moment of a day (`2025-05-07T08:00`, in the zone of the run): `since` starts at
    /// it, `until` ends with it (that second included).
    At(DateTime),
}

impl Days {
    /// The filter's value as it is typed back (a command line, a URL): a range by its
    /// first (or, with `last`, its last) day, days counted back and moments as given.
    pub fn typed(&self, last: bool) -> String {
        match self {
            Days::Range(a, b) => (if last { b } else { a }).to_string(),
            Days::Back(_, _, typed) => typed.clone(),
            Days::At(t) => t.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        }
    }

    /// The filter in absolute form, as today makes it: a day (the first, or with `last`
    /// the last it covers), or the moment as given (`7d` → `2026-11-26`).
    pub fn absolute(&self, last: bool, today: Date) -> String {
        match self {
            Days::At(_) => self.typed(last),
            _ => {
                let (first, end) = self.on(today);
                (if last { end } else { first }).to_string()
            }
        }
    }

    /// The first instant the filter lets through as `since` (`last`: false), or the
    /// first it stops (`last`: true), in `tz`, with `today` for days counted back.
    pub fn bound(&self, last: bool, today: Date, tz: &TimeZone) -> Timestamp {
        match self {
            Days::At(t) => {
                let at = tz.to_timestamp(*t).unwrap_or(if last { Timestamp::MAX } else { Timestamp::MIN });
                if last {
                    at.checked_add(jiff::SignedDuration::from_secs(1)).unwrap_or(Timestamp::MAX)
                } else {
                    at
                }
            }
            _ if !last => start_of_day(self.on(today).0, tz),
            // The day after the last one; past the calendar's end, the end of time.
            _ => self.on(today).1.tomorrow().map_or(Timestamp::MAX, |t| start_of_day(t, tz)),
        }
    }

    /// Reads a filter's value.
    pub fn parse(s: &str) -> Result<Days, String> {
        let t = half_width(s.trim()).to_lowercase();
        let back = match t.as_str() {
            "today" | "今天" => Some((0, 'd')),
            "yesterday" | "昨天" => Some((1, 'd')),
            _ => {
                let unit = t.chars().last().filter(|c| "dwmy".contains(*c));
                let n = unit.and_then(|_| t[..t.len() - 1].parse::<i64>().ok()).filter(|n| (0..=10_000).contains(n));
                unit.zip(n).map(|(u, n)| (n, u))
            }
        };
        if t.contains([':', '时']) {
            return match civil_date_time(&t) {
                Some((dt, rest)) if rest.trim().is_empty() => Ok(Days::At(dt)),
                _ => Err(format!(
                    "'{s}' is not a date and time sou can place (expected e.g. 2025-05-07T08:00 or 2025-05-07 08:00:30, in the index's time zone)"
                )),
            };
        }
        match back {
            Some((n, unit)) => Ok(Days::Back(n, unit, s.trim().to_string())),
            None => parse_day_range(s)
                .map(|(a, b)| Days::Range(a, b))
                .map_err(|e| format!("{e}; or a day counted back from today: 7d, 3w, 2m, 1y, today, yesterday")),
        }
    }

    /// The first and last day, with `today` for the days counted back.
    pub fn on(&self, today: Date) -> (Date, Date) {
        match self {
            Days::Range(a, b) => (*a, *b),
            Days::At(t) => (t.date(), t.date()),
            Days::Back(n, unit, _) => {
                let span = match unit {
                    'w' => jiff::Span::new().try_weeks(*n),
                    'm' => jiff::Span::new().try_months(*n),
                    'y' => jiff::Span::new().try_years(*n),
                    _ => jiff::Span::new().try_days(*n),
                };
                let day = span.ok().and_then(|s| today.checked_sub(s).ok()).unwrap_or(Date::MIN);
                (day, day)
            }
        }
    }
}

/// Today in `tz`; `SOU_TODAY=YYYY-MM-DD` fixes it (a clock for tests and reruns).
pub fn today(tz: &TimeZone) -> Date {
    std::env::var("SOU_TODAY")
        .ok()
        .and_then(|d| d.parse::<Date>().ok())
        .unwrap_or_else(|| Timestamp::now().to_zoned(tz.clone()).date())
}

/// The instant a day starts in `tz`.
pub fn start_of_day(d: Date, tz: &TimeZone) -> Timestamp {
    tz.to_timestamp(DateTime::from(d)).unwrap_or(Timestamp::MAX)
}

/// The civil day of an instant in `tz`, as `YYYY-MM-DD`.
pub fn day_string(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned(tz.clone()).date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_ranges_or_counted_back_from_today() {
        let today = jiff::civil::date(2026, 3, 31);
        let on = |s: &str| Days::parse(s).map(|d| d.on(today));
        assert_eq!(on("2025-12"), Ok((jiff::civil::date(2025, 12, 1), jiff::civil::date(2025, 12, 31))));
        assert_eq!(on("7d").map(|d| d.0), Ok(jiff::civil::date(2026, 3, 24)));
        assert_eq!(on("3W").map(|d| d.0), Ok(jiff::civil::date(2026, 3, 10)));
        assert_eq!(on("1m").map(|d| d.0), Ok(jiff::civil::date(2026, 2, 28)));
        assert_eq!(on("1y").map(|d| d.1), Ok(jiff::civil::date(2025, 3, 31)));
        assert_eq!(on("today"), Ok((today, today)));
        assert_eq!(on("昨天").map(|d| d.0), Ok(jiff::civil::date(2026, 3, 30)));
        assert_eq!(on("０d").map(|d| d.0), Ok(today));
        for bad in ["7", "d", "-3d", "7x", "99999d", "tomorrow"] {
            assert!(on(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn moments_bound_filters_to_the_second() {
        let (today, tz) = (jiff::civil::date(2026, 3, 31), default_tz());
        let at =
            |s: &str| Days::parse(s).map(|d| (d.bound(false, today, &tz), d.bound(true, today, &tz), d.typed(false)));
        let (from, before, typed) = at("2025-05-07T08:00").expect("moment");
        assert_eq!(from, "2025-05-07T00:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(before, "2025-05-07T00:00:01Z".parse::<Timestamp>().unwrap());
        assert_eq!(typed, "2025-05-07T08:00:00");
        assert_eq!(at("２０２５年5月7日 8时30").map(|m| m.2), Ok("2025-05-07T08:30:00".to_string()));
        // A day is still the whole day.
        let day = Days::parse("2025-05-07").expect("day");
        assert_eq!(day.bound(true, today, &tz), "2025-05-07T16:00:00Z".parse::<Timestamp>().unwrap());
        for bad in ["2025-05-07T25:00", "2025-05-07T08:00+08:00", "2025-05T08:00", "08:00"] {
            assert!(at(bad).is_err(), "{bad}");
        }
    }

    fn day(s: &str) -> Option<String> {
        let tz = default_tz();
        parse_timestamp(s, &tz).map(|t| day_string(t, &tz))
    }

    #[test]
    fn reads_the_forms_files_use() {
        for s in [
            "2025-12-23",
            "2025/12/23",
            "2025.12.23",
            "2025年12月23日",
            "2025-12-23 10:30",
            "2025-12-23T10:30:00+08:00",
        ] {
            assert_eq!(day(s).as_deref(), Some("2025-12-23"), "{s}");
        }
        assert_eq!(day("2025-12-22T20:00:00Z").as_deref(), Some("2025-12-23"));
        assert_eq!(day("1766448000").as_deref(), Some("2025-12-23"));
        assert_eq!(day("1766448000000").as_deref(), Some("2025-12-23"));
        assert_eq!(day("2025-4-3").as_deref(), Some("2025-04-03"));
        assert_eq!(day("20251223").as_deref(), Some("2025-12-23"));
        assert_eq!(day("20251223235959").as_deref(), Some("2025-12-23"));
        assert_eq!(day("Tue, 23 Dec 2025 09:05:00 GMT").as_deref(), Some("2025-12-23"));
        assert_eq!(day("Mon, 22 Dec 2025 20:00:00 +0000").as_deref(), Some("2025-12-23"));
        assert_eq!(day("23 Dec 2025 09:05 +0800").as_deref(), Some("2025-12-23"));
        // Numbers that are no plausible date are none, never 1970.
        for s in ["20251332", "20250230", "12345", "123456789", "99999999999999999", "0"] {
            assert_eq!(day(s), None, "{s}");
        }
        let tz = default_tz();
        assert_eq!(parse_number(20250102, &tz).map(|t| day_string(t, &tz)).as_deref(), Some("2025-01-02"));
        assert_eq!(parse_number(20250102, &tz), parse_timestamp("2025-01-02", &tz));
        assert_eq!(day("昨天"), None);
        assert_eq!(day("2025-13-01"), None);
        assert_eq!(day("2025-02-30"), None);
    }

    #[test]
    fn time_zones_parse_and_reject_junk() {
        assert!(parse_tz("+8").is_some() && parse_tz("-05:30").is_some() && parse_tz("UTC").is_some());
        assert!(parse_tz("¡").is_none() && parse_tz("+é").is_none() && parse_tz("8").is_none());
    }

    #[test]
    fn day_ranges_cover_whole_periods() {
        let r = |s| parse_day_range(s).map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(r("2025-12"), Ok(("2025-12-01".into(), "2025-12-31".into())));
        assert_eq!(r("2024-02"), Ok(("2024-02-01".into(), "2024-02-29".into())));
        assert_eq!(r("2025"), Ok(("2025-01-01".into(), "2025-12-31".into())));
        assert_eq!(r("2025年12月23日"), Ok(("2025-12-23".into(), "2025-12-23".into())));
        assert_eq!(r("2025/12/23"), Ok(("2025-12-23".into(), "2025-12-23".into())));
        assert!(r("2025-12-40").is_err());
        assert!(r("yesterday").is_err());
    }
}
