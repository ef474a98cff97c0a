//! Which documents a request is about — a query and filters — built in one place from
//! named values, so that every front-end selects the same way: the command line's flags
//! (`--since 2025-12`), the API's URL parameters (`since=2025-12`) and the TUI's filter
//! panel hand the same (name, value) pairs to [`Selection::build`]. The counted fields of
//! the field table (`source`, `author`) are filters by their names.

use std::fmt;

use jiff::tz::TimeZone;

use crate::article::Field;
use crate::dates::{self, Days};
use crate::query::build::{Filters, QueryError};
use crate::query::parse::{self, ParseError};

/// Which documents a request is about: those matching a query (all, without one) and
/// the filters.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// The parsed query; `None` selects every document.
    pub query: Option<parse::Query>,
    /// Only documents dated on or after the first of these days (in the engine's time
    /// zone; days counted back from today are counted when the selection is applied).
    pub since: Option<dates::Days>,
    /// Only documents dated on or before the last of these days.
    pub until: Option<dates::Days>,
    /// For each counted field (source, author), the values one of which a document
    /// must have (exact); fields not listed are not restricted.
    pub values: Vec<(Field, Vec<String>)>,
    /// Only documents whose title contains this literal.
    pub title: Option<String>,
    /// Chinese literals match whole words only (`-w`, see [`super::whole_words`]).
    pub whole_words: bool,
    /// Every literal of the query matches any of its variant spellings (`--variants`,
    /// see [`crate::analysis::variants`]); already applied to `query`.
    pub variants: bool,
    /// Only the documents with these ids (`--ids-from FILE`, the API's `id=`): a search
    /// within an earlier result; `None` restricts nothing.
    pub ids: Option<Vec<String>>,
    /// One document per story (`--collapse`, see [`crate::index::stories`]): hits are the
    /// best-ranked copy of each story, and counts count stories, at their first date.
    pub collapse: bool,
}

/// The filters a front-end sets by name, with what each does (for help texts).
pub const FILTERS: [(&str, &str); 7] = [
    (
        "since",
        "only documents dated on or after this day (YYYY, YYYY-MM, YYYY-MM-DD; 7d, 3w, 2m, 1y, today, yesterday)",
    ),
    ("until", "only documents dated on or before this day (inclusive)"),
    ("title", "only documents whose title contains this text"),
    ("word", "Chinese literals match whole words only (true/false)"),
    ("variants", "every literal matches any of its variant spellings, as ~word does (true/false)"),
    ("id", "only the documents with these ids (repeated; `--ids-from FILE` on the command line)"),
    ("collapse", "one hit per story (reposts and copies of one text counted once, at their first date; true/false)"),
];

/// What is wrong with a selection: the named value (`q` for the query) and why; for the
/// query, the column it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectionError {
    /// The filter's name, or `q` for the query.
    pub name: String,
    /// What is wrong.
    pub message: String,
    /// For a query: the parse error (with its column).
    pub parse: Option<ParseError>,
}

impl fmt::Display for SelectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.parse {
            Some(p) => p.fmt(f),
            None => write!(f, "{}: {}", self.name, self.message),
        }
    }
}

impl std::error::Error for SelectionError {}

fn bad(name: &str, message: impl Into<String>) -> SelectionError {
    SelectionError { name: name.to_string(), message: message.into(), parse: None }
}

/// A switch's value (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`).
fn yes(name: &str, value: &str) -> Result<bool, SelectionError> {
    match value {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(bad(name, format!("'{value}' is not true or false"))),
    }
}

impl Selection {
    /// A selection of the documents matching `query` (`None`: every document).
    pub fn new(query: Option<&str>) -> Result<Selection, ParseError> {
        Ok(Selection { query: query.map(parse::parse).transpose()?, ..Selection::default() })
    }

    /// The selection of `query` (none: every document; a blank one is a parse error, so a
    /// front-end whose empty box means "everything" passes `None`) and the named `filters`: `since`,
    /// `until`, `title`, `word`, and each counted field of the field table (`source`,
    /// `author`) — repeated, any of the values. Empty values are ignored; an unknown
    /// name or a bad value is an error that names it.
    pub fn build<'a>(
        query: Option<&str>,
        filters: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Selection, SelectionError> {
        let mut sel = Selection::new(query).map_err(|p| SelectionError {
            name: "q".into(),
            message: p.message.clone(),
            parse: Some(p),
        })?;
        sel.values = Field::counted().map(|f| (f, Vec::new())).collect();
        for (name, value) in filters {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let days = || dates::Days::parse(value).map_err(|e| bad(name, e));
            match name {
                "since" => sel.since = Some(days()?),
                "until" => sel.until = Some(days()?),
                "title" => sel.title = Some(value.to_string()),
                "id" => sel.ids.get_or_insert_with(Vec::new).push(value.to_string()),
                "word" | "w" => sel.whole_words = yes(name, value)?,
                "variants" => sel.variants = yes(name, value)?,
                "collapse" => sel.collapse = yes(name, value)?,
                _ => match sel.values.iter_mut().find(|(f, _)| f.name() == name) {
                    Some((_, values)) => values.push(value.to_string()),
                    None => {
                        let known: Vec<&str> =
                            FILTERS.iter().map(|f| f.0).chain(Field::counted().map(Field::name)).collect();
                        return Err(bad(name, format!("not a filter (filters: {})", known.join(", "))));
                    }
                },
            }
        }
        if let (Some(Days::Range(a, _)), Some(Days::Range(_, b))) = (&sel.since, &sel.until) {
            if a > b {
                return Err(bad("since", format!("empty date range: since {a} is after until {b}")));
            }
        }
        if sel.variants {
            sel.query =
                sel.query.take().map(parse::Query::with_variants).transpose().map_err(|m| bad("variants", m))?;
        }
        Ok(sel)
    }

    /// The values of the counted field `f` the selection asks for (any of them).
    pub fn values_of(&self, f: Field) -> &[String] {
        self.values.iter().find(|(g, _)| *g == f).map_or(&[], |(_, v)| v.as_slice())
    }

    /// Whether the selection restricts the index at all (a query or any filter).
    pub(crate) fn is_subset(&self) -> bool {
        self.query.is_some()
            || self.since.is_some()
            || self.until.is_some()
            || self.title.is_some()
            || self.ids.is_some()
            || self.values.iter().any(|(_, v)| !v.is_empty())
    }

    /// The (name, value) pairs that rebuild this selection's filters with
    /// [`Selection::build`]: what a front-end prints back (a command line, a URL).
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (f, values) in &self.values {
            out.extend(values.iter().map(|v| (f.name(), v.clone())));
        }
        if let Some(t) = &self.title {
            out.push(("title", t.clone()));
        }
        // Days counted back stay as typed: the command goes on meaning the same.
        if let Some(d) = &self.since {
            out.push(("since", d.typed(false)));
        }
        if let Some(d) = &self.until {
            out.push(("until", d.typed(true)));
        }
        if self.whole_words {
            out.push(("word", "true".to_string()));
        }
        if self.variants {
            out.push(("variants", "true".to_string()));
        }
        for id in self.ids.iter().flatten() {
            out.push(("id", id.clone()));
        }
        if self.collapse {
            out.push(("collapse", "true".to_string()));
        }
        out
    }
}

/// The filters of `sel` as points in time in `tz`: what every back end restricts to.
/// An empty date range (since after until) is the user's error.
pub fn filters(sel: &Selection, tz: &TimeZone) -> Result<Filters, QueryError> {
    let today = dates::today(tz);
    let since = sel.since.as_ref().map(|d| d.on(today).0);
    let until = sel.until.as_ref().map(|d| d.on(today).1);
    let from = sel.since.as_ref().map(|d| d.bound(false, today, tz));
    let before = sel.until.as_ref().map(|d| d.bound(true, today, tz));
    if let (Some(a), Some(b)) = (from, before) {
        if a >= b {
            // Days as they fall today; moments as typed.
            let shown = |d: &Days, day: Option<jiff::civil::Date>| match d {
                Days::At(_) => d.typed(false),
                _ => day.map(|d| d.to_string()).unwrap_or_default(),
            };
            let (a, b) = (sel.since.as_ref().map(|d| shown(d, since)), sel.until.as_ref().map(|d| shown(d, until)));
            return Err(QueryError(format!(
                "empty date range: since {} is after until {}",
                a.unwrap_or_default(),
                b.unwrap_or_default()
            )));
        }
    }
    Ok(Filters {
        since: from,
        before,
        values: sel.values.clone(),
        title: sel.title.clone(),
        ids: sel.ids.clone(),
        first_day: since,
        last_day: until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_values_build_the_selection_and_errors_name_them() {
        let sel = Selection::build(
            Some("芯片"),
            [
                ("since", "2025-12"),
                ("until", "2025"),
                ("source", "甲"),
                ("source", "乙"),
                ("word", "true"),
                ("author", ""),
            ],
        )
        .expect("selection");
        let f = filters(&sel, &dates::default_tz()).expect("filters");
        assert_eq!(f.first_day, Some(jiff::civil::date(2025, 12, 1)));
        assert_eq!(f.last_day, Some(jiff::civil::date(2025, 12, 31)));
        assert_eq!(sel.values_of(Field::Source), ["甲", "乙"]);
        assert!(sel.values_of(Field::Author).is_empty());
        assert!(sel.whole_words && sel.is_subset());
        let again = Selection::build(Some("芯片"), sel.filter_pairs().iter().map(|(n, v)| (*n, v.as_str())))
            .expect("round trip");
        assert_eq!(again.filter_pairs(), sel.filter_pairs());
        assert_eq!(Selection::build(None, [("since", "2025-13")]).unwrap_err().name, "since");
        assert_eq!(Selection::build(None, [("colour", "x")]).unwrap_err().name, "colour");
        let e = Selection::build(Some("(a"), []).unwrap_err();
        assert_eq!((e.name.as_str(), e.parse.map(|p| p.column)), ("q", Some(0)));
        assert_eq!(Selection::build(Some("  "), []).unwrap_err().name, "q");
        assert!(!Selection::build(None, [("source", " ")]).expect("blank value").is_subset());
    }
}
