//! The index schema: stored originals for display, and for each of title and content
//! two analysed views of the folded text (see `crate::analysis`): words (BM25 ranking,
//! no positions) and characters (grep-exact matching, with positions).

use anyhow::{anyhow, Result};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
};

use crate::analysis::tokenizers::{CHARS, WORDS};

/// Handles to every field of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub content: Field,
    pub source: Field,
    pub date: Field,
    pub url: Field,
    pub author: Field,
    pub path: Field,
    pub title_words: Field,
    pub title_chars: Field,
    pub content_words: Field,
    pub content_chars: Field,
}

fn analysed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record))
}

/// An exact-match field (ids, outlets): one term per value and no field norms, which
/// only BM25 reads (a byte per document and field, ~1% of a poetry index).
fn untokenized() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

/// Builds the schema of a new index.
pub fn build() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", untokenized().set_stored());
    b.add_text_field("title", STORED);
    b.add_text_field("content", STORED);
    b.add_text_field("source", untokenized().set_stored() | FAST);
    b.add_date_field(
        "date",
        DateOptions::default().set_indexed().set_fast().set_stored().set_precision(DateTimePrecision::Seconds),
    );
    b.add_text_field("url", STORED);
    b.add_text_field("author", STORED);
    b.add_text_field("path", STORED);
    for prefix in ["title", "content"] {
        b.add_text_field(&format!("{prefix}_words"), analysed(WORDS, IndexRecordOption::WithFreqs));
        b.add_text_field(&format!("{prefix}_chars"), analysed(CHARS, IndexRecordOption::WithFreqsAndPositions));
    }
    b.build()
}

impl Fields {
    /// Looks the fields up in an index's schema.
    pub fn of(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| anyhow!("the index has no field '{name}': it was built by another program or version; rebuild it with `sou index --rebuild`"))
        };
        Ok(Fields {
            id: f("id")?,
            title: f("title")?,
            content: f("content")?,
            source: f("source")?,
            date: f("date")?,
            url: f("url")?,
            author: f("author")?,
            path: f("path")?,
            title_words: f("title_words")?,
            title_chars: f("title_chars")?,
            content_words: f("content_words")?,
            content_chars: f("content_chars")?,
        })
    }
}
