//! The fields of an article, in one table, and the article itself as read ([`Record`])
//! and as stored ([`Article`]). The index schema, the ingested record, the stored
//! document, the printable columns, the JSON keys, the mapping of input keys and the help
//! text are all derived from [`FIELDS`]: a new field is a variant of [`Field`] and one
//! row of the table.

use jiff::Timestamp;

/// One field of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The document's identity (the record's own id, else where it came from).
    Id,
    /// The headline.
    Title,
    /// The body text.
    Content,
    /// When it was published.
    Date,
    /// The outlet (newspaper, WeChat account, site).
    Source,
    /// Where it was published online.
    Url,
    /// Who wrote it.
    Author,
    /// The file it was read from.
    Path,
}

/// How a field is stored and searched.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// The identity: one exact term, stored.
    Id,
    /// Searchable text: stored, with a word view (BM25 ranking) and a character view
    /// (exact literals); its matches weigh `boost` times a content match.
    Text {
        /// Weight of a match in this field.
        boost: f32,
    },
    /// An exact value (`source:`): one term, stored; with `counted`, also a fast column.
    Keyword,
    /// A point in time: range filters and histograms.
    Date,
    /// Stored for display only.
    Stored,
}

/// How wide a table column of a field may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnWidth {
    /// As wide as its content, which is at most this many terminal columns.
    Natural(u16),
    /// At most this many terminal columns.
    Fixed(u16),
    /// At most this percentage of the table's width.
    Share(u16),
}

/// Everything sou knows about one field.
#[derive(Debug)]
pub struct Spec {
    /// The field described.
    pub field: Field,
    /// Its name: schema field, JSON key, column name, `--field`/`--fields` value.
    pub name: &'static str,
    /// How it is stored and searched.
    pub kind: Kind,
    /// Its exact values are counted and filtered on (`--by`, `--source`, `--author`): a
    /// fast column of the whole value.
    pub counted: bool,
    /// Every article has one (an empty string when the input had none): JSON prints
    /// `""` rather than `null`.
    pub always: bool,
    /// Records carry it; `--field NAME=KEY` can name it. (The path is where sou found
    /// the record, never a key of it.)
    pub from_input: bool,
    /// Input keys that are this field exactly (compared lower-cased).
    pub keys: &'static [&'static str],
    /// Words that make an input key this field when no key is exactly one.
    pub telling: &'static [&'static str],
    /// Hits printed as JSON carry it (the content is too long: the snippet stands for it).
    pub in_hit_json: bool,
    /// Kept in the compressed document store, read only when the article is shown (the
    /// long text); every other field is a fast column, read per document in microseconds.
    pub in_store: bool,
    /// Its width as a table column; `None`: not a column.
    pub column: Option<ColumnWidth>,
}

/// The table. Its order is the order input keys are matched in, and the order of the
/// columns in help texts.
pub const FIELDS: [Spec; 8] = [
    Spec {
        field: Field::Id,
        name: "id",
        kind: Kind::Id,
        counted: false,
        always: true,
        from_input: true,
        keys: &["id", "_id", "aid", "doc_id", "docid", "uuid", "guid", "article_id", "文章标识符aid", "编号", "文章id"],
        telling: &["标识"],
        in_hit_json: true,
        in_store: false,
        column: Some(ColumnWidth::Fixed(24)),
    },
    Spec {
        field: Field::Title,
        name: "title",
        kind: Kind::Text { boost: 3.0 },
        counted: false,
        always: true,
        from_input: true,
        keys: &["title", "headline", "subject", "标题", "题目", "文章标题", "标题title"],
        telling: &["标题", "title"],
        in_hit_json: true,
        in_store: false,
        column: Some(ColumnWidth::Share(28)),
    },
    Spec {
        field: Field::Content,
        name: "content",
        kind: Kind::Text { boost: 1.0 },
        counted: false,
        always: true,
        from_input: true,
        keys: &[
            "content",
            "text",
            "body",
            "article",
            "fulltext",
            "full_text",
            "finalcontent",
            "maintext",
            "正文",
            "内容",
            "文章内容",
            "全文",
            "paragraphs",
        ],
        telling: &["content", "正文", "内容"],
        in_hit_json: false,
        in_store: true,
        column: None,
    },
    Spec {
        field: Field::Date,
        name: "date",
        kind: Kind::Date,
        counted: false,
        always: false,
        from_input: true,
        keys: &[
            "date",
            "time",
            "published_at",
            "publish_time",
            "pub_time",
            "pubdate",
            "pub_date",
            "published",
            "datetime",
            "created_at",
            "timestamp",
            "发布时间",
            "时间",
            "日期",
            "发表时间",
            "时间time",
        ],
        telling: &["时间", "日期", "date", "time"],
        in_hit_json: true,
        in_store: false,
        column: Some(ColumnWidth::Natural(10)),
    },
    Spec {
        field: Field::Source,
        name: "source",
        kind: Kind::Keyword,
        counted: true,
        always: false,
        from_input: true,
        keys: &[
            "source",
            "site",
            "account",
            "outlet",
            "publisher",
            "media",
            "公众号名称",
            "公众号",
            "来源",
            "媒体",
            "账号",
            "信息来源",
            "nickname",
        ],
        telling: &["来源", "公众号", "source"],
        in_hit_json: true,
        in_store: false,
        column: Some(ColumnWidth::Fixed(12)),
    },
    Spec {
        field: Field::Url,
        name: "url",
        kind: Kind::Stored,
        counted: false,
        always: false,
        from_input: true,
        keys: &["url", "link", "href", "链接", "网址", "原文链接", "链接url"],
        telling: &["url", "链接", "link"],
        in_hit_json: true,
        in_store: false,
        column: Some(ColumnWidth::Fixed(24)),
    },
    Spec {
        field: Field::Author,
        name: "author",
        kind: Kind::Text { boost: 2.0 },
        counted: true,
        always: false,
        from_input: true,
        keys: &["author", "writer", "byline", "作者", "记者"],
        telling: &["作者", "author"],
        in_hit_json: true,
        in_store: false,
        column: Some(ColumnWidth::Fixed(12)),
    },
    Spec {
        field: Field::Path,
        name: "path",
        kind: Kind::Stored,
        counted: false,
        always: false,
        from_input: false,
        keys: &[],
        telling: &[],
        in_hit_json: true,
        in_store: false,
        column: Some(ColumnWidth::Fixed(24)),
    },
];

/// Number of fields.
pub(crate) const FIELD_COUNT: usize = FIELDS.len();

impl Field {
    /// Every field, in table order.
    pub fn all() -> impl Iterator<Item = Field> {
        FIELDS.iter().map(|s| s.field)
    }

    /// The field's row of the table.
    pub fn spec(self) -> &'static Spec {
        &FIELDS[self as usize]
    }

    /// The field's name.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The field called `name`.
    pub fn from_name(name: &str) -> Option<Field> {
        FIELDS.iter().find(|s| s.name == name).map(|s| s.field)
    }

    /// Searchable text fields with their boosts (title, content, author, …).
    pub fn texts() -> impl Iterator<Item = (Field, f32)> {
        FIELDS.iter().filter_map(|s| match s.kind {
            Kind::Text { boost } => Some((s.field, boost)),
            _ => None,
        })
    }

    /// Fields whose exact values are counted and filtered on (`--by`, `--source`).
    pub fn counted() -> impl Iterator<Item = Field> {
        FIELDS.iter().filter(|s| s.counted).map(|s| s.field)
    }

    /// The names of the fields `keep` selects, joined by `sep` (for help and errors).
    pub fn names(keep: impl Fn(&Spec) -> bool, sep: &str) -> String {
        FIELDS.iter().filter(|s| keep(s)).map(|s| s.name).collect::<Vec<_>>().join(sep)
    }
}

/// A set of fields: which fields of an article a request reads (a printer of ids needs
/// the id column only; a snippet needs the text from the document store).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSet(u16);

impl FieldSet {
    /// Every field.
    pub const ALL: FieldSet = FieldSet(u16::MAX);

    /// No field.
    pub const NONE: FieldSet = FieldSet(0);

    /// The set of `fields`.
    pub fn of(fields: &[Field]) -> FieldSet {
        FieldSet(fields.iter().fold(0, |m, f| m | 1 << *f as u16))
    }

    /// The set with `f` added.
    pub fn with(self, f: Field) -> FieldSet {
        FieldSet(self.0 | 1 << f as u16)
    }

    /// Whether `f` is in the set.
    pub fn contains(self, f: Field) -> bool {
        self.0 & (1 << f as u16) != 0
    }

    /// Whether any field of the document store is in the set.
    pub fn needs_store(self) -> bool {
        FIELDS.iter().any(|s| s.in_store && self.contains(s.field))
    }
}

/// One article: a text per field (none for the date, which is a time).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Article {
    texts: [Option<String>; FIELD_COUNT],
    /// When it was published.
    pub date: Option<Timestamp>,
}

impl Article {
    /// The day the article is dated, in `tz`.
    pub fn day(&self, tz: &jiff::tz::TimeZone) -> Option<jiff::civil::Date> {
        self.date.map(|t| t.to_zoned(tz.clone()).date())
    }

    /// The date as a reader wants it, in `tz`: the day, and the time of day when the
    /// source gave one (`2025-05-07 08:30`; a date given without a time is kept as its
    /// midnight, shown as the day alone).
    pub fn day_and_time(&self, tz: &jiff::tz::TimeZone) -> Option<String> {
        let z = self.date?.to_zoned(tz.clone());
        let time = z.time();
        Some(if time == jiff::civil::Time::midnight() {
            z.date().to_string()
        } else if time.second() == 0 {
            z.strftime("%Y-%m-%d %H:%M").to_string()
        } else {
            z.strftime("%Y-%m-%d %H:%M:%S").to_string()
        })
    }

    /// A hash of every field and the date: two articles with the same fingerprint are,
    /// but for a collision, the same article.
    pub(crate) fn fingerprint(&self) -> u64 {
        let date = self.date.map(|d| d.as_nanosecond().to_string()).unwrap_or_default();
        let mut parts: Vec<&str> = self.texts.iter().map(|t| t.as_deref().unwrap_or("\u{1}")).collect();
        parts.push(&date);
        crate::paths::hash_parts(&parts)
    }

    /// The text of `f`, if the article has one.
    pub fn get(&self, f: Field) -> Option<&str> {
        self.texts[f as usize].as_deref()
    }

    /// The text of `f`, or `""`.
    pub fn text(&self, f: Field) -> &str {
        self.get(f).unwrap_or("")
    }

    /// Sets (or clears) the text of `f`.
    pub fn set(&mut self, f: Field, value: Option<String>) {
        self.texts[f as usize] = value;
    }

    /// Takes the text of `f` out of the article.
    pub fn take(&mut self, f: Field) -> Option<String> {
        self.texts[f as usize].take()
    }

    /// The article with `f` set to `value`.
    pub fn with(mut self, f: Field, value: &str) -> Article {
        self.set(f, Some(value.to_string()));
        self
    }
}

/// One article, as read from its file, with where in the file it was found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// The article. Its id is the record's own id, if it has one; its path the file.
    pub article: Article,
    /// Line of the file where the record starts (1-based).
    pub line: usize,
    /// Position of the record in its file (1-based).
    pub ordinal: usize,
    /// Whether the record is the whole file (a plain-text article): its id is the path.
    pub whole_file: bool,
}

impl Record {
    /// A record of the file `path`, found at `line`, the `ordinal`-th of the file.
    pub fn at(path: &str, line: usize, ordinal: usize, whole_file: bool) -> Record {
        Record { article: Article::default().with(Field::Path, path), line, ordinal, whole_file }
    }

    /// The document's identity: its own id; else, for a file that is one article (plain
    /// text, not standard input: every import would share it), the file's path; else the path and a hash of the title, content and date,
    /// which does not depend on where in the file the record is, nor on the file's other
    /// bytes (`news.jsonl#1f3a…`; `<stdin>#…` for standard input).
    pub(crate) fn identity(&self) -> String {
        let path = self.article.text(Field::Path);
        match self.article.get(Field::Id) {
            Some(id) => id.to_string(),
            None if self.whole_file && path != crate::paths::STDIN => path.to_string(),
            None => {
                let date = self.article.date.map(|d| d.as_second().to_string()).unwrap_or_default();
                let a = &self.article;
                let hash = crate::paths::hash_parts(&[a.text(Field::Title), a.text(Field::Content), &date]);
                format!("{path}#{:012x}", hash >> 16)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_indexed_by_the_enum() {
        for (i, s) in FIELDS.iter().enumerate() {
            assert_eq!(s.field as usize, i, "{}", s.name);
            assert_eq!(Field::from_name(s.name), Some(s.field));
        }
        assert_eq!(Field::texts().map(|(f, _)| f.name()).collect::<Vec<_>>(), ["title", "content", "author"]);
    }
}
