//! Values users choose by name — result orders, histogram periods, input formats —
//! listed once with their names and help, so that every front-end (command-line flags,
//! URL parameters) parses and lists them the same way.

/// A value with a name users type.
pub trait Named: Copy + PartialEq + Sized + 'static {
    /// Every value, with its name and a line of help.
    const VALUES: &'static [(Self, &'static str, &'static str)];

    /// The value's name.
    fn name(self) -> &'static str {
        Self::VALUES.iter().find(|v| v.0 == self).map_or("", |v| v.1)
    }

    /// The value called `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::VALUES.iter().find(|v| v.1 == name).map(|v| v.0)
    }

    /// Every name, joined by `|` (for errors).
    fn names() -> String {
        Self::VALUES.iter().map(|v| v.1).collect::<Vec<_>>().join("|")
    }
}

impl Named for crate::engine::Sort {
    const VALUES: &'static [(Self, &'static str, &'static str)] = &[
        (Self::Score, "score", "Most relevant first (BM25), newest first among equals"),
        (Self::Date, "date", "Newest first; undated documents last"),
    ];
}

impl Named for crate::engine::Period {
    const VALUES: &'static [(Self, &'static str, &'static str)] = &[
        (Self::Day, "day", "A calendar day"),
        (Self::Week, "week", "Monday to Sunday, labelled by its Monday"),
        (Self::Month, "month", "A calendar month"),
        (Self::Year, "year", "A calendar year"),
    ];
}

impl Named for crate::ingest::InputFormat {
    const VALUES: &'static [(Self, &'static str, &'static str)] = &[
        (Self::Json, "json", "A JSON array of records, or one JSON object"),
        (Self::Jsonl, "jsonl", "One JSON object per line"),
        (Self::Csv, "csv", "Comma-separated values with a header row"),
        (Self::Tsv, "tsv", "Tab-separated values with a header row"),
        (Self::Text, "text", "A plain-text (or Markdown) article"),
    ];
}
