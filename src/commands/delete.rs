//! `sou delete`: remove documents by id or by source.

use std::path::Path;

use anyhow::Result;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use sou::analysis::dictionary::Dictionary;
use sou::article::Field;
use sou::index::{self, meta::Meta, writer::Indexer};

use crate::cli::DeleteArgs;

/// Runs `sou delete`; exit 1 when nothing matched.
pub fn run(index_dir: &Path, args: &DeleteArgs) -> Result<i32> {
    let idx = index::open(index_dir)?;
    let searcher = idx.index.reader()?.searcher();
    let mut terms = Vec::new();
    for id in &args.ids {
        terms.push(Term::from_field_text(idx.fields.get(Field::Id), id));
    }
    for s in &args.source {
        terms.push(Term::from_field_text(idx.fields.get(Field::Source), s));
    }
    let mut matched = 0;
    for t in &terms {
        matched += searcher.search(&TermQuery::new(t.clone(), IndexRecordOption::Basic), &Count)?;
    }
    if matched == 0 {
        eprintln!("sou: no document matched; nothing deleted");
        return Ok(super::NOT_FOUND);
    }
    // The whole record, fingerprints included: the commit carries them on.
    let meta = index::meta::read(&idx.index, index_dir, true)?.unwrap_or_else(|| Meta::new(&sou::dates::default_tz()));
    let mut indexer = Indexer::new(&idx, &Dictionary::default(), 1, 32 << 20, meta)?;
    for t in terms {
        indexer.delete(t);
    }
    indexer.finish()?;
    eprintln!("sou: deleted {} from {}", super::count_of(matched, "document"), index_dir.display());
    Ok(super::FOUND)
}
