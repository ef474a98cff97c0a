//! Exporting an index (or the documents of a selection) to another engine: each
//! document with its views as hand-off tokens ([`super::handoff`]), streamed one at a
//! time into a [`Sink`] that writes the engine's loading format.

use anyhow::Result;

use super::handoff;
use crate::article::{Article, Field};
use crate::engine::aggregate::{day_number, offset_seconds};
use crate::engine::{Engine, Selection};

/// The two views of one searchable text field, as tokens.
#[derive(Clone, Debug)]
pub struct View {
    /// The field (title, content, author).
    pub field: Field,
    /// The word view: jieba words, for BM25.
    pub words: String,
    /// The character view with gaps: exact literals.
    pub chars: String,
}

/// One exported document.
#[derive(Clone, Debug)]
pub struct Document {
    /// Its number in the export, from 1: the engine's integer document id.
    pub seq: u64,
    /// The stored article.
    pub article: Article,
    /// The views of every searchable text field.
    pub views: Vec<View>,
    /// The day it is dated (days since 1970-01-01 in the index's zone): what histograms
    /// count by.
    pub day: Option<i64>,
}

impl Document {
    /// A document with the views of `article`, cut by `jieba`.
    pub fn new(seq: u64, article: Article, jieba: &jieba_rs::Jieba, offset: i64) -> Document {
        let views = Field::texts()
            .map(|(field, _)| {
                let text = article.text(field);
                View { field, words: handoff::words_view(jieba, text), chars: handoff::chars_view(text) }
            })
            .collect();
        let day = article.date.map(|t| day_number(t.as_second(), offset));
        Document { seq, article, views, day }
    }
}

/// Where exported documents go: one engine's loading format.
pub trait Sink {
    /// Writes one document.
    fn add(&mut self, doc: &Document) -> Result<()>;
    /// Completes the export (closing files, writing what needs the totals).
    fn finish(&mut self) -> Result<()>;
}

/// What an export did.
#[derive(Clone, Copy, Debug, Default)]
pub struct Summary {
    /// Documents written.
    pub documents: u64,
    /// Bytes of article text read (title, content, author).
    pub text_bytes: u64,
}

/// Streams the documents of `sel` from `engine` into `sink`, one at a time.
pub fn run(engine: &Engine, sel: &Selection, sink: &mut dyn Sink) -> Result<Summary> {
    let jieba = engine.segmenter()?;
    let offset = offset_seconds(engine.tz());
    let mut summary = Summary::default();
    engine.for_each_article(sel, &mut |article| {
        summary.documents += 1;
        summary.text_bytes += Field::texts().map(|(f, _)| article.text(f).len() as u64).sum::<u64>();
        sink.add(&Document::new(summary.documents, article, &jieba, offset))
    })?;
    sink.finish()?;
    Ok(summary)
}
