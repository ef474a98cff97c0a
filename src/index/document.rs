//! The document handed to tantivy's indexing pipeline. Each text is held once and
//! offered to every field that needs it (the stored original, the word view and the
//! character view); the analysis tokenizers fold it themselves. A `TantivyDocument`
//! would hold four copies of every article while it waits in the pipeline's queue of
//! up to 10,000 documents, which was most of `sou index`'s heap on large inputs.

use tantivy::schema::{Document, Field as SchemaField, OwnedValue};
use tantivy::DateTime;

use std::hash::Hasher;

use twox_hash::XxHash3_64;

use super::Fields;
use crate::analysis::minhash;
use crate::article::{Article, Field, Kind, FIELDS};

/// One article, ready to index.
pub(crate) struct SouDoc {
    values: Vec<(SchemaField, usize)>,
    store: Vec<OwnedValue>,
}

impl SouDoc {
    /// Builds the document of `article` under `id` (its identity).
    /// `file` is the canonical path of the file the document came from (none for
    /// standard input).
    pub fn new(f: &Fields, id: String, mut article: Article, file: Option<&str>) -> SouDoc {
        let mut doc = SouDoc { values: Vec::with_capacity(14), store: Vec::with_capacity(10) };
        // The story of a post is told by its text; a title alone when it has none.
        let text = article.text(Field::Content);
        let sig = minhash::signature(if text.trim().is_empty() { article.text(Field::Title) } else { text });
        let mut key = XxHash3_64::new();
        key.write(id.as_bytes());
        key.write(&[0xFF]);
        key.write(&sig);
        doc.push(&[f.story_key()], OwnedValue::U64(key.finish()));
        if !sig.is_empty() {
            doc.push(&[f.story_sig()], OwnedValue::Bytes(sig));
        }
        for spec in &FIELDS {
            let field = f.get(spec.field);
            match spec.kind {
                Kind::Id => doc.push(&[field], OwnedValue::Str(id.clone())),
                Kind::Date => {
                    if let Some(d) = article.date {
                        doc.push(&[field], OwnedValue::Date(DateTime::from_timestamp_secs(d.as_second())));
                    }
                }
                Kind::Text { .. } => {
                    let Some(text) = article.take(spec.field).or_else(|| spec.always.then(String::new)) else {
                        continue;
                    };
                    match f.views(spec.field) {
                        Some(v) => doc.push(&[field, v.words, v.chars], OwnedValue::Str(text)),
                        None => doc.push(&[field], OwnedValue::Str(text)),
                    }
                }
                Kind::Keyword | Kind::Stored => {
                    if let Some(text) = article.take(spec.field) {
                        doc.push(&[field], OwnedValue::Str(text));
                    }
                }
            }
        }
        if let Some(file) = file {
            doc.push(&[f.file()], OwnedValue::Str(file.to_string()));
        }
        doc
    }

    /// The text offered to `field`, if any.
    pub fn text(&self, field: SchemaField) -> Option<&str> {
        let &(_, i) = self.values.iter().find(|(f, _)| *f == field)?;
        match &self.store[i] {
            OwnedValue::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    fn push(&mut self, fields: &[SchemaField], value: OwnedValue) {
        let i = self.store.len();
        self.store.push(value);
        self.values.extend(fields.iter().map(|&f| (f, i)));
    }
}

/// Iterator over a [`SouDoc`]'s (field, value) pairs.
pub(crate) struct FieldValues<'a> {
    doc: &'a SouDoc,
    next: usize,
}

impl<'a> Iterator for FieldValues<'a> {
    type Item = (SchemaField, &'a OwnedValue);
    fn next(&mut self) -> Option<Self::Item> {
        let &(field, i) = self.doc.values.get(self.next)?;
        self.next += 1;
        Some((field, &self.doc.store[i]))
    }
}

impl Document for SouDoc {
    type Value<'a> = &'a OwnedValue;
    type FieldsValuesIter<'a> = FieldValues<'a>;
    fn iter_fields_and_values(&self) -> FieldValues<'_> {
        FieldValues { doc: self, next: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema;

    #[test]
    fn every_text_is_offered_to_its_views() {
        let f = Fields::of(&schema::build()).expect("schema");
        let a = Article::default().with(Field::Title, "標題").with(Field::Content, "正文").with(Field::Path, "p");
        let doc = SouDoc::new(&f, "id1".into(), a, None);
        let pairs: Vec<(SchemaField, String)> = doc
            .iter_fields_and_values()
            .filter_map(|(field, v)| match v {
                OwnedValue::Str(s) => Some((field, s.clone())),
                _ => None,
            })
            .collect();
        let title = f.views(Field::Title).expect("title views");
        let content = f.views(Field::Content).expect("content views");
        for (field, text) in [
            (f.get(Field::Title), "標題"),
            (title.words, "標題"),
            (title.chars, "標題"),
            (content.chars, "正文"),
            (f.get(Field::Id), "id1"),
        ] {
            assert!(pairs.contains(&(field, text.to_string())), "{field:?} {text}");
        }
        assert_eq!(doc.store.len(), 6, "id, title, content and path are each held once, beside the story columns");
    }
}
