//! Which key of a record holds which field. Exports name their keys in English,
//! Chinese, or both (`标题title`); an exact name wins over a key that merely contains a
//! telling word, and `--field title=标题` overrides both.

/// The fields sou knows.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Field {
    Id,
    Title,
    Content,
    Date,
    Source,
    Url,
    Author,
}

impl Field {
    /// All fields, in the order keys are matched.
    pub const ALL: [Field; 7] =
        [Field::Id, Field::Title, Field::Content, Field::Date, Field::Source, Field::Url, Field::Author];

    /// Parses a field name as written in `--field NAME=KEY`.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The field's name.
    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Title => "title",
            Field::Content => "content",
            Field::Date => "date",
            Field::Source => "source",
            Field::Url => "url",
            Field::Author => "author",
        }
    }

    /// Key names that are this field exactly (compared lower-cased).
    fn exact(self) -> &'static [&'static str] {
        match self {
            Field::Id => &[
                "id",
                "_id",
                "aid",
                "doc_id",
                "docid",
                "uuid",
                "guid",
                "article_id",
                "文章标识符aid",
                "编号",
                "文章id",
            ],
            Field::Title => &["title", "headline", "subject", "标题", "题目", "文章标题", "标题title"],
            Field::Content => &[
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
            Field::Date => &[
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
            Field::Source => &[
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
            Field::Url => &["url", "link", "href", "链接", "网址", "原文链接", "链接url"],
            Field::Author => &["author", "writer", "byline", "作者", "记者"],
        }
    }

    /// Words that make a key this field when no key matches exactly.
    fn telling(self) -> &'static [&'static str] {
        match self {
            Field::Id => &["标识"],
            Field::Title => &["标题", "title"],
            Field::Content => &["content", "正文", "内容"],
            Field::Date => &["时间", "日期", "date", "time"],
            Field::Source => &["来源", "公众号", "source"],
            Field::Url => &["url", "链接", "link"],
            Field::Author => &["作者", "author"],
        }
    }
}

/// Maps the keys of a record (or the columns of a CSV header) to fields.
#[derive(Clone, Debug, Default)]
pub struct KeyMap {
    /// User overrides: field → key.
    overrides: Vec<(Field, String)>,
}

impl KeyMap {
    /// A key map with `--field name=key` overrides.
    pub fn with_overrides(overrides: Vec<(Field, String)>) -> Self {
        KeyMap { overrides }
    }

    /// For each field, the index of the key in `keys` that holds it.
    pub fn resolve<S: AsRef<str>>(&self, keys: &[S]) -> Vec<(Field, usize)> {
        let lower: Vec<String> = keys.iter().map(|k| k.as_ref().trim().to_lowercase()).collect();
        let mut taken = vec![false; keys.len()];
        let mut out: Vec<(Field, usize)> = Vec::new();
        for (field, key) in &self.overrides {
            if let Some(i) = keys.iter().position(|k| k.as_ref() == key) {
                out.push((*field, i));
                taken[i] = true;
            }
        }
        let has = |out: &Vec<(Field, usize)>, f: Field| out.iter().any(|(g, _)| *g == f);
        for field in Field::ALL {
            if has(&out, field) {
                continue;
            }
            if let Some(i) = (0..keys.len()).find(|&i| !taken[i] && field.exact().contains(&lower[i].as_str())) {
                out.push((field, i));
                taken[i] = true;
            }
        }
        for field in Field::ALL {
            if has(&out, field) {
                continue;
            }
            if let Some(i) =
                (0..keys.len()).find(|&i| !taken[i] && field.telling().iter().any(|w| lower[i].contains(w)))
            {
                out.push((field, i));
                taken[i] = true;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_the_seed_keys() {
        let keys = ["文章标识符aid", "标题title", "链接url", "时间time", "公众号名称", "finalContent"];
        let mut m = KeyMap::default().resolve(&keys);
        m.sort_by_key(|(_, i)| *i);
        let fields: Vec<Field> = m.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::Id, Field::Title, Field::Url, Field::Date, Field::Source, Field::Content]);
    }

    #[test]
    fn overrides_win() {
        let keys = ["title", "标题", "pub_time"];
        let m = KeyMap::with_overrides(vec![(Field::Title, "标题".into())]).resolve(&keys);
        assert!(m.contains(&(Field::Title, 1)));
        assert!(m.contains(&(Field::Date, 2)));
    }
}
