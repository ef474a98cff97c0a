//! The document handed to tantivy's indexing pipeline. Each text is held once and
//! offered to every field that needs it (the stored original, the word view and the
//! character view); the analysis tokenizers fold it themselves. A `TantivyDocument`
//! would hold four copies of every article while it waits in the pipeline's queue of
//! up to 10,000 documents, which was most of `sou index`'s heap on large inputs.

use tantivy::schema::{Document, Field, OwnedValue};
use tantivy::DateTime;

use super::Fields;
use crate::ingest::Record;

/// One record, ready to index.
pub struct SouDoc {
    values: Vec<(Field, usize)>,
    store: Vec<OwnedValue>,
}

impl SouDoc {
    /// Builds the document of `r` under `id` (its identity).
    pub fn new(f: &Fields, id: String, r: Record) -> SouDoc {
        let mut doc = SouDoc { values: Vec::with_capacity(12), store: Vec::with_capacity(8) };
        doc.push(&[f.id], OwnedValue::Str(id));
        doc.push(&[f.title, f.title_words, f.title_chars], OwnedValue::Str(r.title));
        doc.push(&[f.content, f.content_words, f.content_chars], OwnedValue::Str(r.content));
        if let Some(s) = r.source {
            doc.push(&[f.source], OwnedValue::Str(s));
        }
        if let Some(d) = r.date {
            doc.push(&[f.date], OwnedValue::Date(DateTime::from_timestamp_secs(d.as_second())));
        }
        if let Some(u) = r.url {
            doc.push(&[f.url], OwnedValue::Str(u));
        }
        if let Some(a) = r.author {
            doc.push(&[f.author], OwnedValue::Str(a));
        }
        doc.push(&[f.path], OwnedValue::Str(r.path));
        doc
    }

    fn push(&mut self, fields: &[Field], value: OwnedValue) {
        let i = self.store.len();
        self.store.push(value);
        self.values.extend(fields.iter().map(|&f| (f, i)));
    }
}

/// Iterator over a [`SouDoc`]'s (field, value) pairs.
pub struct FieldValues<'a> {
    doc: &'a SouDoc,
    next: usize,
}

impl<'a> Iterator for FieldValues<'a> {
    type Item = (Field, &'a OwnedValue);
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
        let r = Record { title: "標題".into(), content: "正文".into(), path: "p".into(), ..Record::default() };
        let doc = SouDoc::new(&f, "id1".into(), r);
        let pairs: Vec<(Field, String)> = doc
            .iter_fields_and_values()
            .filter_map(|(field, v)| match v {
                OwnedValue::Str(s) => Some((field, s.clone())),
                _ => None,
            })
            .collect();
        for (field, text) in [
            (f.title, "標題"),
            (f.title_words, "標題"),
            (f.title_chars, "標題"),
            (f.content_chars, "正文"),
            (f.id, "id1"),
        ] {
            assert!(pairs.contains(&(field, text.to_string())), "{field:?} {text}");
        }
        assert_eq!(doc.store.len(), 4, "id, title, content and path are each held once");
    }
}
