//! What an index holds: documents, dates, sources, size, dictionary.

use std::path::Path;

use anyhow::Result;
use jiff::civil::Date;
use tantivy::query::AllQuery;
use tantivy::Searcher;

use super::{aggregate, Bucket, Engine};
use crate::analysis::dictionary::{Dictionary, DEFAULT_WORDS};
use crate::article::Field;

/// A description of the index.
#[derive(Clone, Debug)]
pub struct Stats {
    /// The index directory.
    pub index: String,
    /// Documents.
    pub documents: u64,
    /// Documents without a date.
    pub undated: u64,
    /// The first and last day a document is dated.
    pub earliest: Option<Date>,
    /// See `earliest`.
    pub latest: Option<Date>,
    /// Documents per source, largest first.
    pub sources: Vec<Bucket>,
    /// Documents without a source.
    pub without_source: u64,
    /// Bytes of the index's files.
    pub size_bytes: u64,
    /// Index segments.
    pub segments: usize,
    /// How text is analysed.
    pub tokenizer: &'static str,
    /// The segmentation dictionary.
    pub dictionary: String,
    /// Words of the user dictionary.
    pub user_words: usize,
    /// When the index was last written.
    pub last_indexed: Option<jiff::Timestamp>,
    /// Stories: documents with no copy count one each, copies of one text one together.
    pub stories: u64,
    /// Documents that are a copy of another's story (all but the first of each).
    pub copies: u64,
    /// The similarity from which documents are copies of one story.
    pub dup_threshold: f64,
}

/// Total size of the files in `dir`.
fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()
        })
        .unwrap_or(0)
}

/// Describes the index `engine` reads, as `searcher` sees it.
pub(crate) fn compute(engine: &Engine, searcher: &Searcher) -> Result<Stats> {
    let dir = engine.dir();
    let documents = searcher.num_docs();
    let (days, _) = aggregate::per_day(searcher, &AllQuery, engine.tz())?;
    let dated: u64 = days.iter().map(|d| d.1).sum();
    let mut sources = aggregate::per_value(searcher, &AllQuery, Field::Source)?;
    sources.retain(|b| b.key.is_some());
    let sourced: u64 = sources.iter().map(|s| s.count).sum();
    let dict = Dictionary::load(dir)?;
    let last_indexed = std::fs::metadata(dir.join("meta.json"))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok());
    let table = crate::index::stories::Table::open(dir);
    let (shared, in_shared) = (table.shared_stories() as u64, table.documents_in_shared() as u64);
    Ok(Stats {
        stories: documents.saturating_sub(in_shared) + shared,
        copies: in_shared.saturating_sub(shared).min(documents),
        dup_threshold: table.threshold().unwrap_or(crate::index::stories::DEFAULT_THRESHOLD),
        index: dir.display().to_string(),
        documents,
        undated: documents - dated.min(documents),
        earliest: days.first().map(|d| d.0),
        latest: days.last().map(|d| d.0),
        sources,
        without_source: documents - sourced.min(documents),
        size_bytes: dir_size(dir),
        segments: searcher.segment_readers().len(),
        tokenizer: "jieba words (BM25) + CJK characters and letter/digit words with positions (exact literals)",
        dictionary: format!("jieba default ({DEFAULT_WORDS} words) + {} user words", dict.user_words()),
        user_words: dict.user_words(),
        last_indexed,
    })
}
