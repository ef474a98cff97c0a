//! The columns a hit can be printed with (`--fields id,date,title,…`), shared by the
//! table, TSV and CSV printers.

use std::str::FromStr;

use jiff::tz::TimeZone;

use super::{day, sanitize::clean};
use crate::search::Hit;

/// One printable column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Rank,
    Score,
    Id,
    Date,
    Source,
    Title,
    Url,
    Path,
    Author,
    Snippet,
}

impl Column {
    /// Every column, in the order `--help` lists them.
    pub const ALL: [Column; 10] = [
        Column::Rank,
        Column::Score,
        Column::Id,
        Column::Date,
        Column::Source,
        Column::Title,
        Column::Url,
        Column::Path,
        Column::Author,
        Column::Snippet,
    ];

    /// The column's name, as in `--fields` and CSV headers.
    pub fn name(self) -> &'static str {
        match self {
            Column::Rank => "rank",
            Column::Score => "score",
            Column::Id => "id",
            Column::Date => "date",
            Column::Source => "source",
            Column::Title => "title",
            Column::Url => "url",
            Column::Path => "path",
            Column::Author => "author",
            Column::Snippet => "snippet",
        }
    }

    /// The column's plain value for one hit (sanitised; the snippet is passed in).
    pub fn value(self, h: &Hit, tz: &TimeZone, snippet: &str) -> String {
        match self {
            Column::Rank => h.rank.to_string(),
            Column::Score => format!("{:.4}", h.score),
            Column::Id => clean(&h.doc.id),
            Column::Date => day(h.doc.date, tz).unwrap_or_default(),
            Column::Source => clean(h.doc.source.as_deref().unwrap_or("")),
            Column::Title => clean(&h.doc.title),
            Column::Url => clean(h.doc.url.as_deref().unwrap_or("")),
            Column::Path => clean(h.doc.path.as_deref().unwrap_or("")),
            Column::Author => clean(h.doc.author.as_deref().unwrap_or("")),
            Column::Snippet => clean(snippet),
        }
    }
}

impl FromStr for Column {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Column::ALL.into_iter().find(|c| c.name() == s.trim()).ok_or_else(|| {
            let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
            format!("unknown field '{s}' (fields: {})", names.join(", "))
        })
    }
}

/// The value of `--fields`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnList(pub Vec<Column>);

/// Parses `--fields id,date,title`.
pub fn parse_list(s: &str) -> Result<ColumnList, String> {
    let cols: Vec<Column> = s.split(',').filter(|p| !p.trim().is_empty()).map(str::parse).collect::<Result<_, _>>()?;
    if cols.is_empty() {
        return Err("--fields needs at least one field".into());
    }
    Ok(ColumnList(cols))
}
