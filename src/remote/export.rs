//! Exporting an index (or the documents of a selection) to another engine: each
//! document with its views as hand-off tokens ([`super::handoff`]), streamed one at a
//! time into a [`Sink`] that writes the engine's loading format.

use std::path::Path;

use anyhow::{Context, Result};

use super::handoff;
use crate::article::{Article, Field};
use crate::engine::aggregate::{day_number, offset_seconds};
use crate::engine::{Engine, Selection};

/// Removes from `dir` the files an earlier export wrote that this one may not overwrite
/// (those whose names `ours` recognises): a second export with fewer bulk files or
/// nodes would otherwise leave the old ones, and a loader's glob (`bulk-*.ndjson`)
/// would load them too. Nothing else in the directory is touched. Returns how many
/// were removed.
pub fn remove_earlier(dir: &Path, ours: impl Fn(&str) -> bool) -> Result<usize> {
    let mut removed = 0;
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e).with_context(|| format!("cannot read '{}'", dir.display())),
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read '{}'", dir.display()))?;
        let name = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && name.to_str().is_some_and(&ours) {
            let path = entry.path();
            std::fs::remove_file(&path).with_context(|| format!("cannot remove '{}'", path.display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Whether `name` is `PREFIX` + digits + `SUFFIX` (`bulk-0001.ndjson`, `node2.conf`).
pub fn numbered(name: &str, prefix: &str, suffix: &str) -> bool {
    name.strip_prefix(prefix)
        .and_then(|r| r.strip_suffix(suffix))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

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
