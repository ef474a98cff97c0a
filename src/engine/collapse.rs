//! One document per story (`--collapse`): the query side of [`crate::index::stories`].
//! A result is collapsed by looking up each match's story (its story key's column, then
//! the story table) — no article is read. Hits keep the best-ranked copy of each story
//! and say how many copies matched and which ran first; counts keep one *representative*
//! per story, its first copy among the matches (earliest date, then index order), so a
//! histogram counts a story once, at its first date.

use std::sync::Arc;

use anyhow::{Context, Result};
use jiff::Timestamp;
use rustc_hash::FxHashMap as HashMap;
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader};

use super::columns::SegmentColumns;
use super::search::Ranked;
use crate::article::Field;
use crate::index::schema::STORY_KEY_FIELD;
use crate::index::stories::{Story, Table};

/// What a hit says about its story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryOf {
    /// The story's id: the id of its first document (a document with no copy is a story
    /// of its own, under its own id).
    pub id: String,
    /// How many documents of the story matched (collapsed results only).
    pub copies: Option<usize>,
    /// The earliest date among them (collapsed results only).
    pub first_date: Option<Timestamp>,
    /// The source of the copy with that date.
    pub first_source: Option<String>,
}

/// The stories of an index's documents, as a searcher sees them.
pub(crate) struct Stories {
    table: Table,
    keys: Vec<Column<u64>>,
}

impl Stories {
    /// The stories of the documents `searcher` sees, from the table in `dir`.
    pub fn open(dir: &std::path::Path, searcher: &Searcher) -> Result<Stories> {
        let keys = searcher
            .segment_readers()
            .iter()
            .map(|r| r.fast_fields().u64(STORY_KEY_FIELD).context("the story keys"))
            .collect::<Result<_>>()?;
        Ok(Stories { table: Table::open(dir), keys })
    }

    /// The story of the document at `a`.
    pub fn of(&self, a: DocAddress) -> Story {
        let key = self.keys.get(a.segment_ord as usize).and_then(|c| c.first(a.doc_id)).unwrap_or(0);
        self.table.story(key)
    }

    /// The id of story `s`, whose document at `a` is one (its own id when alone).
    pub fn id(&self, s: Story, own: &str) -> String {
        match s {
            Story::Shared(n) => self.table.leader(n).unwrap_or(own).to_string(),
            Story::Alone(_) => own.to_string(),
        }
    }
}

/// The order of copies within a story: oldest first (undated last), then by id — the
/// order the index groups stories in, so a story's first copy is its leader when that
/// matches.
struct Order {
    dates: Vec<Option<Column<tantivy::DateTime>>>,
    ids: Vec<Option<tantivy::columnar::StrColumn>>,
}

impl Order {
    fn new(searcher: &Searcher) -> Order {
        let readers = searcher.segment_readers();
        Order {
            dates: readers.iter().map(|r| r.fast_fields().date(Field::Date.name()).ok()).collect(),
            ids: readers.iter().map(|r| r.fast_fields().str(Field::Id.name()).ok().flatten()).collect(),
        }
    }

    /// The date of the document at `a` as seconds (`i64::MAX` when undated).
    fn seconds(&self, a: DocAddress) -> i64 {
        self.dates
            .get(a.segment_ord as usize)
            .and_then(|c| c.as_ref())
            .and_then(|c| c.first(a.doc_id))
            .map_or(i64::MAX, |d| d.into_timestamp_secs())
    }

    fn id(&self, a: DocAddress) -> String {
        let mut out = String::new();
        if let Some(c) = self.ids.get(a.segment_ord as usize).and_then(|c| c.as_ref()) {
            if let Some(ord) = c.ords().first(a.doc_id) {
                let _ = c.ord_to_str(ord, &mut out);
            }
        }
        out
    }

    /// How two copies (with their dates, from [`Order::seconds`]) compare; ids are read
    /// only when the dates are equal.
    fn cmp(&self, a: (i64, DocAddress), b: (i64, DocAddress)) -> std::cmp::Ordering {
        a.0.cmp(&b.0).then_with(|| if a.1 == b.1 { std::cmp::Ordering::Equal } else { self.id(a.1).cmp(&self.id(b.1)) })
    }

    /// The earlier of two copies.
    fn first(&self, a: (i64, DocAddress), b: (i64, DocAddress)) -> (i64, DocAddress) {
        if self.cmp(b, a).is_lt() {
            b
        } else {
            a
        }
    }
}

/// A story among the matches of a collapsed result.
pub(crate) struct Group {
    /// Index (in the matches' order) of its first match: its best-ranked copy.
    pub best: usize,
    /// Matches in the story.
    pub copies: usize,
    /// Its earliest copy: date (seconds, `i64::MAX` undated) and address.
    pub first: (i64, DocAddress),
    /// The story.
    pub story: Story,
}

/// The stories of `matches` (in their order), each with its best copy (the first in
/// that order), its number of copies and its first copy.
pub(crate) fn groups(searcher: &Searcher, stories: &Stories, matches: &Ranked) -> Vec<Group> {
    let order = Order::new(searcher);
    let mut at: HashMap<Story, usize> = HashMap::default();
    let mut out: Vec<Group> = Vec::new();
    for (i, (_, a)) in matches.iter().enumerate() {
        let s = stories.of(*a);
        let when = (order.seconds(*a), *a);
        match at.get(&s) {
            Some(&g) => {
                let g = &mut out[g];
                g.copies += 1;
                g.first = order.first(g.first, when);
            }
            None => {
                at.insert(s, out.len());
                out.push(Group { best: i, copies: 1, first: when, story: s });
            }
        }
    }
    out
}

/// What each group says about its story, for the hits `chosen` (indices into `groups`),
/// with the ids of their best copies (`own`).
pub(crate) fn story_of(
    searcher: &Searcher,
    stories: &Stories,
    groups: &[Group],
    chosen: &[usize],
    own: &[&str],
) -> Result<Vec<StoryOf>> {
    let mut columns: HashMap<u32, SegmentColumns> = HashMap::default();
    let mut out = Vec::with_capacity(chosen.len());
    for (&g, own) in chosen.iter().zip(own) {
        let g = &groups[g];
        let (secs, first) = g.first;
        let source = match columns.entry(first.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(SegmentColumns::open(searcher.segment_reader(first.segment_ord))?)
            }
        }
        .text(Field::Source, first.doc_id);
        out.push(StoryOf {
            id: stories.id(g.story, own),
            copies: Some(g.copies),
            first_date: (secs != i64::MAX).then(|| Timestamp::from_second(secs).ok()).flatten(),
            first_source: source,
        });
    }
    Ok(out)
}

/// The representative of each story among `matches` (its first copy): per segment, the
/// sorted documents to keep. With `per`, one per story and value of that field (the
/// stories each source carried).
pub(crate) fn representatives(
    searcher: &Searcher,
    stories: &Stories,
    matches: &[DocAddress],
    per: Option<Field>,
) -> Result<Representatives> {
    let order = Order::new(searcher);
    let mut columns: Vec<Option<SegmentColumns>> = Vec::new();
    if per.is_some() {
        columns = searcher.segment_readers().iter().map(|r| SegmentColumns::open(r).ok()).collect();
    }
    let mut first: HashMap<(Story, Option<String>), (i64, DocAddress)> = HashMap::default();
    for &a in matches {
        let value = per.and_then(|f| columns.get(a.segment_ord as usize)?.as_ref().and_then(|c| c.text(f, a.doc_id)));
        let when = (order.seconds(a), a);
        first.entry((stories.of(a), value)).and_modify(|w| *w = order.first(*w, when)).or_insert(when);
    }
    let mut kept: HashMap<SegmentId, Vec<DocId>> = HashMap::default();
    for (_, a) in first.into_values() {
        kept.entry(searcher.segment_reader(a.segment_ord).segment_id()).or_default().push(a.doc_id);
    }
    for docs in kept.values_mut() {
        docs.sort_unstable();
    }
    Ok(Representatives(Arc::new(kept)))
}

/// The documents a collapsed count keeps (see [`representatives`]), as a query that
/// lists them (constant score): the counts, histograms and breakdowns of a collapsed
/// selection walk these lists instead of evaluating the query a second time.
#[derive(Clone, Debug)]
pub(crate) struct Representatives(Arc<HashMap<SegmentId, Vec<DocId>>>);

impl tantivy::query::Query for Representatives {
    fn weight(&self, _: tantivy::query::EnableScoring<'_>) -> tantivy::Result<Box<dyn tantivy::query::Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl tantivy::query::Weight for Representatives {
    fn scorer(
        &self,
        reader: &SegmentReader,
        boost: tantivy::Score,
    ) -> tantivy::Result<Box<dyn tantivy::query::Scorer>> {
        // Sorted and distinct (see `representatives`), as the document set requires.
        let docs = self.0.get(&reader.segment_id()).cloned().unwrap_or_default();
        Ok(Box::new(tantivy::query::ConstScorer::new(Listed { docs, at: 0 }, boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<tantivy::query::Explanation> {
        let kept = self.0.get(&reader.segment_id()).is_some_and(|d| d.binary_search(&doc).is_ok());
        if !kept {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is not a story's representative"
            )));
        }
        Ok(tantivy::query::Explanation::new("a story's representative", 1.0))
    }
}

/// A sorted list of distinct documents as a document set.
struct Listed {
    docs: Vec<DocId>,
    at: usize,
}

impl tantivy::DocSet for Listed {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let rest = &self.docs[self.at..];
        self.at += rest.partition_point(|&d| d < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(tantivy::TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.at) as u32
    }
}

/// Another copy of a document's story (`sou show ID --copies`).
#[derive(Clone, Debug, PartialEq)]
pub struct Copy {
    /// The copy's id.
    pub id: String,
    /// Its date.
    pub date: Option<Timestamp>,
    /// Its source.
    pub source: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// The estimated similarity of its text to the document's (Jaccard of shingles).
    pub similarity: f64,
}

/// The other copies of the story of the document at `at` (whose signature is `own`),
/// oldest first.
pub(crate) fn copies(searcher: &Searcher, stories: &Stories, at: DocAddress) -> Result<Vec<Copy>> {
    let Story::Shared(n) = stories.of(at) else { return Ok(Vec::new()) };
    let keys: std::collections::HashSet<u64> = stories.table.members(n).into_iter().collect();
    let own = signature(searcher, at)?;
    let mut out = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let column = &stories.keys[ord];
        let mut columns = None;
        for doc in reader.doc_ids_alive() {
            let here = DocAddress::new(ord as u32, doc);
            if here == at || !column.first(doc).is_some_and(|k| keys.contains(&k)) {
                continue;
            }
            let c: &SegmentColumns = match &mut columns {
                Some(c) => c,
                None => columns.insert(SegmentColumns::open(reader)?),
            };
            let similarity = crate::analysis::minhash::similarity(&own, &signature(searcher, here)?);
            out.push(Copy {
                id: c.text(Field::Id, doc).unwrap_or_default(),
                date: c.date(doc),
                source: c.text(Field::Source, doc),
                title: c.text(Field::Title, doc),
                similarity,
            });
        }
    }
    out.sort_by(|a, b| (a.date.is_none(), a.date, &a.id).cmp(&(b.date.is_none(), b.date, &b.id)));
    Ok(out)
}

/// The near-duplicate signature of the document at `a` (empty when it has none).
fn signature(searcher: &Searcher, a: DocAddress) -> Result<Vec<u8>> {
    let column = searcher
        .segment_reader(a.segment_ord)
        .fast_fields()
        .bytes(crate::index::schema::STORY_SIG_FIELD)
        .context("the signatures")?;
    let mut out = Vec::new();
    if let Some(ord) = column.as_ref().and_then(|c| c.ords().first(a.doc_id)) {
        column.as_ref().map(|c| c.ord_to_bytes(ord, &mut out)).transpose().context("the signatures")?;
    }
    Ok(out)
}

/// A story among a selection's matches (`sou dups`).
#[derive(Clone, Debug, PartialEq)]
pub struct Dup {
    /// The story's id (its first document's id).
    pub story: String,
    /// Matching documents in the story.
    pub copies: usize,
    /// The earliest and latest dates among them.
    pub first_date: Option<Timestamp>,
    /// See `first_date`.
    pub last_date: Option<Timestamp>,
    /// The source of the first copy.
    pub first_source: Option<String>,
    /// Each source that ran it, with how many copies, most first.
    pub sources: Vec<(String, usize)>,
    /// The title of the first copy.
    pub title: String,
}

/// The stories of two or more copies among `matches`, largest first (then earliest).
pub(crate) fn dups(searcher: &Searcher, stories: &Stories, matches: &[DocAddress], limit: usize) -> Result<Vec<Dup>> {
    let mut members: HashMap<Story, Vec<DocAddress>> = HashMap::default();
    for &a in matches {
        if let s @ Story::Shared(_) = stories.of(a) {
            members.entry(s).or_default().push(a);
        }
    }
    let order = Order::new(searcher);
    let mut found: Vec<(Story, Vec<DocAddress>)> = members.into_iter().filter(|(_, m)| m.len() > 1).collect();
    for (_, m) in &mut found {
        m.sort_by(|&a, &b| order.cmp((order.seconds(a), a), (order.seconds(b), b)));
    }
    let first = |m: &[DocAddress]| (order.seconds(m[0]), m[0]);
    found.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| order.cmp(first(&a.1), first(&b.1))));
    found.truncate(limit);
    let columns: Vec<SegmentColumns> =
        searcher.segment_readers().iter().map(SegmentColumns::open).collect::<Result<_>>()?;
    let text = |f: Field, a: DocAddress| columns[a.segment_ord as usize].text(f, a.doc_id);
    let when = |a: DocAddress| columns[a.segment_ord as usize].date(a.doc_id);
    Ok(found
        .into_iter()
        .map(|(s, m)| {
            let (first, last) = (m[0], m[m.len() - 1]);
            let mut sources: HashMap<String, usize> = HashMap::default();
            for &a in &m {
                *sources.entry(text(Field::Source, a).unwrap_or_default()).or_default() += 1;
            }
            let mut sources: Vec<(String, usize)> = sources.into_iter().collect();
            sources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let own = text(Field::Id, first).unwrap_or_default();
            Dup {
                story: stories.id(s, &own),
                copies: m.len(),
                first_date: when(first),
                last_date: m.iter().filter_map(|&a| when(a)).max().or(when(last)),
                first_source: text(Field::Source, first),
                sources,
                title: text(Field::Title, first).unwrap_or_default(),
            }
        })
        .collect())
}
