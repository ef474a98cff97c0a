//! The columns a hit can be printed with (`--fields id,date,title,…`): its rank, score
//! and snippet, and every field of the field table that is a column.

use std::str::FromStr;

use jiff::tz::TimeZone;
use sou::article::{Field, FIELDS};
use sou::engine::Hit;
use sou::sanitize::clean;

/// One printable column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// 1-based rank.
    Rank,
    /// Relevance score.
    Score,
    /// A field of the article.
    Field(Field),
    /// The passage around the match.
    Snippet,
    /// How many times the query's literals occur in the text (the lines `kwic` prints).
    Occurrences,
    /// The id of the story the document belongs to (its first copy's id).
    Story,
    /// With `--collapse`: how many documents of the story matched.
    Copies,
    /// With `--collapse`: the date of the story's first copy among the matches.
    FirstDate,
    /// With `--collapse`: the source of that copy.
    FirstSource,
}

impl Column {
    /// Every column, in the order help texts list them.
    pub fn all() -> impl Iterator<Item = Column> {
        let fields = FIELDS.iter().filter(|s| s.column.is_some()).map(|s| Column::Field(s.field));
        [Column::Rank, Column::Score].into_iter().chain(fields).chain([
            Column::Snippet,
            Column::Occurrences,
            Column::Story,
            Column::Copies,
            Column::FirstDate,
            Column::FirstSource,
        ])
    }

    /// The column's name, as in `--fields` and CSV headers.
    pub fn name(self) -> &'static str {
        match self {
            Column::Rank => "rank",
            Column::Score => "score",
            Column::Field(f) => f.name(),
            Column::Snippet => "snippet",
            Column::Occurrences => "occurrences",
            Column::Story => "story",
            Column::Copies => "copies",
            Column::FirstDate => "first_date",
            Column::FirstSource => "first_source",
        }
    }

    /// The column's plain value for one hit (sanitised; the snippet is passed in).
    pub fn value(self, h: &Hit, tz: &TimeZone, snippet: &str) -> String {
        match self {
            Column::Rank => h.rank.to_string(),
            Column::Score => h.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
            Column::Field(Field::Date) => h.article.day(tz).map(|d| d.to_string()).unwrap_or_default(),
            Column::Field(f) => clean(h.article.text(f)),
            Column::Snippet => clean(snippet),
            Column::Occurrences => h.occurrences.map(|n| n.to_string()).unwrap_or_default(),
            Column::Story => h.story.as_ref().map(|s| clean(&s.id)).unwrap_or_default(),
            Column::Copies => h.story.as_ref().and_then(|s| s.copies).map(|n| n.to_string()).unwrap_or_default(),
            Column::FirstDate => h
                .story
                .as_ref()
                .and_then(|s| s.first_date)
                .map(|t| t.to_zoned(tz.clone()).date().to_string())
                .unwrap_or_default(),
            Column::FirstSource => {
                h.story.as_ref().and_then(|s| s.first_source.as_deref()).map(clean).unwrap_or_default()
            }
        }
    }
}

/// The column names, for help texts.
pub fn names() -> String {
    Column::all().map(Column::name).collect::<Vec<_>>().join(", ")
}

impl FromStr for Column {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Column::all().find(|c| c.name() == s.trim()).ok_or_else(|| format!("unknown field '{s}' (fields: {})", names()))
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
