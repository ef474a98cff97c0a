//! Reading articles without the document store where possible: every field but the long
//! text lives in a fast column (ids, titles, dates, sources, authors, urls, paths), read
//! per document in microseconds; the text (`content`) is in the compressed document
//! store and is read only when it is printed (snippets, JSON, `show`, kwic), a block at a
//! time. Listing the ids (or TSV rows) of every match therefore never decompresses an
//! article.

use anyhow::{Context, Result};
use jiff::Timestamp;
use tantivy::columnar::{Column, StrColumn};
use tantivy::schema::Value;
use tantivy::store::StoreReader;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader, TantivyDocument};

use crate::article::{Article, Field, FieldSet, Kind, FIELDS, FIELD_COUNT};
use crate::index::Fields;

/// Blocks of the document store kept decompressed per segment while reading many
/// documents in order.
const STORE_CACHE_BLOCKS: usize = 16;

/// Below this many documents of a segment, strings are looked up one by one; from it
/// on, their ordinals are sorted and the dictionary is read once.
const BULK: usize = 64;

/// The columns of one segment.
pub(crate) struct SegmentColumns {
    strs: [Option<StrColumn>; FIELD_COUNT],
    date: Option<Column<tantivy::DateTime>>,
}

impl SegmentColumns {
    /// Opens the columns of `reader`.
    pub(crate) fn open(reader: &SegmentReader) -> Result<SegmentColumns> {
        let mut strs: [Option<StrColumn>; FIELD_COUNT] = Default::default();
        for spec in FIELDS.iter().filter(|s| !s.in_store && s.kind != Kind::Date) {
            strs[spec.field as usize] =
                reader.fast_fields().str(spec.name).with_context(|| format!("the column of '{}'", spec.name))?;
        }
        let date = reader.fast_fields().date(Field::Date.name()).ok();
        Ok(SegmentColumns { strs, date })
    }

    /// The value of the string column of `field` for `doc`, if it has one.
    pub(crate) fn text(&self, field: Field, doc: DocId) -> Option<String> {
        let column = self.strs[field as usize].as_ref()?;
        let ord = column.ords().first(doc)?;
        let mut out = String::new();
        column.ord_to_str(ord, &mut out).ok().filter(|&found| found).map(|_| out)
    }

    /// The values of the string column of `field` for `docs`, in their order: the
    /// dictionary read once, in order, for the sorted ordinals.
    pub(crate) fn texts(&self, field: Field, docs: &[DocId]) -> Vec<Option<String>> {
        let Some(column) = self.strs[field as usize].as_ref() else { return vec![None; docs.len()] };
        if docs.len() < BULK {
            return docs.iter().map(|&d| self.text(field, d)).collect();
        }
        let ords: Vec<Option<u64>> = docs.iter().map(|&d| column.ords().first(d)).collect();
        let mut sorted: Vec<u64> = ords.iter().flatten().copied().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut values: Vec<String> = Vec::with_capacity(sorted.len());
        let found = column
            .dictionary()
            .sorted_ords_to_term_cb(&sorted, |bytes| values.push(String::from_utf8_lossy(bytes).into_owned()));
        if !matches!(found, Ok(true)) || values.len() != sorted.len() {
            return docs.iter().map(|&d| self.text(field, d)).collect();
        }
        ords.iter().map(|o| o.and_then(|o| sorted.binary_search(&o).ok()).map(|i| values[i].clone())).collect()
    }

    /// The date of `doc`.
    pub(crate) fn date(&self, doc: DocId) -> Option<Timestamp> {
        let d = self.date.as_ref()?.first(doc)?;
        Timestamp::from_second(d.into_timestamp_secs()).ok()
    }

    /// The column fields of `wanted` of each of `docs` (in their order).
    pub(crate) fn articles(&self, docs: &[DocId], wanted: FieldSet) -> Vec<Article> {
        let mut out: Vec<Article> = docs
            .iter()
            .map(|&d| {
                let mut a = Article::default();
                if wanted.contains(Field::Date) {
                    a.date = self.date(d);
                }
                a
            })
            .collect();
        for spec in FIELDS.iter().filter(|s| !s.in_store && s.kind != Kind::Date && wanted.contains(s.field)) {
            for (a, v) in out.iter_mut().zip(self.texts(spec.field, docs)) {
                a.set(spec.field, v);
            }
        }
        out
    }
}

/// The fields of the document store of `doc` (the text) put into `a`.
pub(crate) fn add_stored(store: &StoreReader, fields: &Fields, doc: DocId, a: &mut Article) -> Result<()> {
    let d: TantivyDocument = store.get(doc).context("cannot read a stored document")?;
    for spec in FIELDS.iter().filter(|s| s.in_store) {
        a.set(spec.field, d.get_first(fields.get(spec.field)).and_then(|v| v.as_str()).map(str::to_string));
    }
    Ok(())
}

/// The text fields of `doc`, folded (the stored ones from `store`, the others from the
/// columns): what checks the index cannot make read (whole words, proximity).
pub(crate) fn folded_texts(
    store: &StoreReader,
    columns: &SegmentColumns,
    fields: &Fields,
    doc: DocId,
) -> Vec<(Field, String)> {
    let mut a = Article::default();
    if add_stored(store, fields, doc, &mut a).is_err() {
        return Vec::new();
    }
    Field::texts()
        .filter_map(|(f, _)| {
            let original = if f.spec().in_store { a.take(f) } else { columns.text(f, doc) }?;
            Some((f, crate::analysis::fold::fold(&original)))
        })
        .collect()
}

/// Documents of a segment below which the store is read on one thread.
const STORE_PER_THREAD: usize = 64;

/// The stored fields of `docs` (sorted) put into `articles`: the documents split into
/// runs in document order, one per core, each read with its own block cache, so that
/// decompressing the blocks of many hits divides between the cores.
fn add_all_stored(reader: &SegmentReader, fields: &Fields, docs: &[DocId], articles: &mut [Article]) -> Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(docs.len() / STORE_PER_THREAD).max(1);
    let read = |docs: &[DocId], articles: &mut [Article]| -> Result<()> {
        let store = reader.get_store_reader(STORE_CACHE_BLOCKS)?;
        for (a, &doc) in articles.iter_mut().zip(docs) {
            add_stored(&store, fields, doc, a)?;
        }
        Ok(())
    };
    if threads == 1 {
        return read(docs, articles);
    }
    let chunk = docs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let runs: Vec<_> =
            docs.chunks(chunk).zip(articles.chunks_mut(chunk)).map(|(d, a)| s.spawn(move || read(d, a))).collect();
        runs.into_iter().try_for_each(|r| r.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a store reader failed"))))
    })
}

/// The articles at `addrs`, in their order, with the fields of `wanted`: columns, and
/// the text from the document store when it is wanted. Documents are read segment by segment in document order (the store's blocks
/// decompressed once each), then put back in the order asked.
pub(crate) fn load(
    searcher: &Searcher,
    fields: &Fields,
    addrs: &[DocAddress],
    wanted: FieldSet,
) -> Result<Vec<Article>> {
    let mut order: Vec<usize> = (0..addrs.len()).collect();
    order.sort_unstable_by_key(|&i| addrs[i]);
    let mut out: Vec<Option<Article>> = vec![None; addrs.len()];
    let mut at = 0;
    while at < order.len() {
        let segment = addrs[order[at]].segment_ord;
        let end = at + order[at..].iter().take_while(|&&i| addrs[i].segment_ord == segment).count();
        let reader = searcher.segment_reader(segment);
        let docs: Vec<DocId> = order[at..end].iter().map(|&i| addrs[i].doc_id).collect();
        let mut articles = SegmentColumns::open(reader)?.articles(&docs, wanted);
        if wanted.needs_store() {
            add_all_stored(reader, fields, &docs, &mut articles)?;
        }
        for (&i, a) in order[at..end].iter().zip(articles) {
            out[i] = Some(a);
        }
        at = end;
    }
    Ok(out.into_iter().map(Option::unwrap_or_default).collect())
}
