//! The index schema, derived from the field table ([`crate::article::FIELDS`]): stored
//! originals for display, and for each searchable text two analysed views of the
//! folded text (see `crate::analysis`): words (BM25 ranking, no positions) and
//! characters (grep-exact matching, with positions).

use anyhow::{anyhow, Result};
use tantivy::schema::{
    BytesOptions, DateOptions, DateTimePrecision, Field as SchemaField, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST,
};

use crate::analysis::tokenizers::{CHARS, WORDS};
use crate::article::{Field, Kind, FIELDS, FIELD_COUNT};

/// The two analysed views of a searchable text field.
#[derive(Clone, Copy, Debug)]
pub struct Views {
    /// jieba words: BM25 ranking.
    pub words: SchemaField,
    /// Characters and letter/digit words with positions: exact literals.
    pub chars: SchemaField,
}

/// Handles to every field of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    stored: [SchemaField; FIELD_COUNT],
    views: [Option<Views>; FIELD_COUNT],
    file: SchemaField,
    story_key: SchemaField,
    story_sig: SchemaField,
}

/// An analysed view; `norms`: field lengths kept for BM25's length normalisation.
fn analysed(tokenizer: &str, record: IndexRecordOption, norms: bool) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record).set_fieldnorms(norms),
    )
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

/// The internal field holding the canonical path of the file a document came from: a
/// file is the unit of update (`sou index` replaces all of a file's documents at once).
/// Indexed, not stored, not searchable from the query language.
pub(crate) const FILE_FIELD: &str = "file";

/// The internal column telling one version of one document from every other: a hash of
/// its id and its near-duplicate signature (a document edited in place gets a new
/// key). The story table ([`super::stories`]) is keyed by it.
pub(crate) const STORY_KEY_FIELD: &str = "story_key";

/// The internal column of each document's near-duplicate signature
/// ([`crate::analysis::minhash`]).
pub(crate) const STORY_SIG_FIELD: &str = "story_sig";

fn words_name(f: Field) -> String {
    format!("{}_words", f.name())
}

fn chars_name(f: Field) -> String {
    format!("{}_chars", f.name())
}

/// Builds the schema of a new index.
pub fn build() -> Schema {
    let mut b = Schema::builder();
    for spec in &FIELDS {
        // Long text in the document store; every other field a fast column (the whole
        // value), indexed as one exact term when it is an identity or a counted value.
        let keep = |o: TextOptions| if spec.in_store { o.set_stored() } else { o | FAST };
        match spec.kind {
            Kind::Id => b.add_text_field(spec.name, keep(untokenized())),
            _ if spec.counted => b.add_text_field(spec.name, keep(untokenized())),
            Kind::Keyword => b.add_text_field(spec.name, keep(untokenized())),
            Kind::Text { .. } | Kind::Stored => b.add_text_field(spec.name, keep(TextOptions::default())),
            Kind::Date => b.add_date_field(
                spec.name,
                DateOptions::default().set_indexed().set_fast().set_precision(DateTimePrecision::Seconds),
            ),
        };
    }
    for (f, _) in Field::texts() {
        b.add_text_field(&words_name(f), analysed(WORDS, IndexRecordOption::WithFreqs, true));
        // No norms on the character view: its matches say a literal is there, the word
        // view's BM25 says how much the document is about it (and another engine's copy,
        // `remote::opensearch`, ranks the same way).
        b.add_text_field(&chars_name(f), analysed(CHARS, IndexRecordOption::WithFreqsAndPositions, false));
    }
    b.add_text_field(FILE_FIELD, untokenized());
    b.add_u64_field(STORY_KEY_FIELD, NumericOptions::default().set_fast());
    b.add_bytes_field(STORY_SIG_FIELD, BytesOptions::default().set_fast());
    b.build()
}

impl Fields {
    /// Looks the fields up in an index's schema.
    pub fn of(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| anyhow!("the index has no field '{name}': it was built by another program or version; rebuild it with `sou index --rebuild`"))
        };
        let mut stored = [SchemaField::from_field_id(0); FIELD_COUNT];
        let mut views = [None; FIELD_COUNT];
        for spec in &FIELDS {
            stored[spec.field as usize] = f(spec.name)?;
        }
        for (field, _) in Field::texts() {
            views[field as usize] = Some(Views { words: f(&words_name(field))?, chars: f(&chars_name(field))? });
        }
        Ok(Fields {
            stored,
            views,
            file: f(FILE_FIELD)?,
            story_key: f(STORY_KEY_FIELD)?,
            story_sig: f(STORY_SIG_FIELD)?,
        })
    }

    /// The stored (and, for ids, outlets and dates, indexed) field of `f`.
    pub fn get(&self, f: Field) -> SchemaField {
        self.stored[f as usize]
    }

    /// The field of the canonical path of a document's file ([`FILE_FIELD`]).
    pub fn file(&self) -> SchemaField {
        self.file
    }

    /// The column of each document's story key ([`STORY_KEY_FIELD`]).
    pub fn story_key(&self) -> SchemaField {
        self.story_key
    }

    /// The column of each document's near-duplicate signature ([`STORY_SIG_FIELD`]).
    pub fn story_sig(&self) -> SchemaField {
        self.story_sig
    }

    /// The analysed views of a searchable text field.
    pub fn views(&self, f: Field) -> Option<Views> {
        self.views[f as usize]
    }
}
