//! One document per story (`--collapse`): the query side of [`crate::index::stories`].
//! A result is collapsed by looking up each match's story (its story key's column, then
//! the story table) — no article is read. Hits keep the best-ranked copy of each story
//! and say how many copies matched and which ran first; counts keep one *representative*
//! per story, its first copy among the matches (earliest date, then index order), so a
//! histogram counts a story once, at its first date.

use std::sync::Arc;

use anyhow::{Context, Result};
use jiff::Timestamp;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader};

use super::columns::SegmentColumns;
use super::first_copy::{Firsts, Order, Place};
use super::search::Ranked;
use crate::article::Field;
use crate::index::schema::STORY_KEY_FIELD;
use crate::index::stories::{Story, Table};
use crate::query::build::Compiled;

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

    /// The story of each document at `addrs` (in their order), looked up in bulk.
    pub fn of_all(&self, addrs: impl Iterator<Item = DocAddress>) -> Vec<Story> {
        let keys: Vec<u64> =
            addrs.map(|a| self.keys.get(a.segment_ord as usize).and_then(|c| c.first(a.doc_id)).unwrap_or(0)).collect();
        self.table.stories(&keys)
    }

    /// The documents of segment `ord` (of `max_doc`) whose story key is one of `keys`,
    /// in order: a scan of the segment's key column, decoded in blocks when every
    /// document has a key.
    pub fn documents_with(&self, ord: usize, max_doc: DocId, keys: &HashSet<u64>) -> Vec<DocId> {
        let Some(column) = self.keys.get(ord) else { return Vec::new() };
        let mut out = Vec::new();
        if keys.is_empty() {
            return out;
        }
        // Most documents are not wanted: a bit per key's low 16 bits says so without hashing.
        let mut sieve = vec![0u64; 1024];
        for &k in keys {
            sieve[(k as usize & 0xffff) / 64] |= 1 << (k % 64);
        }
        let wanted = |k: &u64| sieve[(*k as usize & 0xffff) / 64] & (1 << (k % 64)) != 0 && keys.contains(k);
        if column.get_cardinality() == tantivy::columnar::Cardinality::Full {
            let mut block = vec![0u64; 4096];
            let mut start = 0;
            while start < max_doc {
                let n = (max_doc - start).min(block.len() as u32) as usize;
                column.values.get_range(start as u64, &mut block[..n]);
                out.extend(block[..n].iter().enumerate().filter(|(_, k)| wanted(k)).map(|(i, _)| start + i as u32));
                start += n as u32;
            }
        } else {
            out.extend((0..max_doc).filter(|&d| column.first(d).is_some_and(|k| wanted(&k))));
        }
        out
    }

    /// The id of story `s`, whose document at `a` is one (its own id when alone).
    pub fn id(&self, s: Story, own: &str) -> String {
        match s {
            Story::Shared(n) => self.table.leader(n).unwrap_or(own).to_string(),
            Story::Alone(_) => own.to_string(),
        }
    }
}

/// A story among the matches of a collapsed result.
pub(crate) struct Group {
    /// Index (in the matches' order) of its first match: its best-ranked copy.
    pub best: usize,
    /// Its matches and its first copy.
    pub tally: Tally,
    /// The story.
    pub story: Story,
}

/// The stories of `matches` (in their order), each with its best copy (the first in
/// that order), its number of copies and its first copy.
pub(crate) fn groups(searcher: &Searcher, stories: &Stories, matches: &Ranked) -> Vec<Group> {
    let order = Order::new(searcher);
    let mut firsts = Firsts::new();
    let mut at: HashMap<Story, usize> = HashMap::default();
    let mut out: Vec<Group> = Vec::new();
    let of = stories.of_all(matches.iter().map(|(_, a)| *a));
    for (i, ((_, a), s)) in matches.iter().zip(of).enumerate() {
        let place = order.place(*a);
        firsts.offer(s, place);
        match at.get(&s) {
            Some(&g) => out[g].tally.copies += 1,
            None => {
                at.insert(s, out.len());
                out.push(Group { best: i, tally: Tally { copies: 1, first: (place.secs, place.at) }, story: s });
            }
        }
    }
    let firsts = firsts.finish(&order);
    for g in &mut out {
        if let Some(p) = firsts.get(&g.story) {
            g.tally.first = (p.secs, p.at);
        }
    }
    out
}

/// What each hit says about its story: `wanted` (its story and address) with the
/// story's `tallies`, the hits' ids read from `hits`.
pub(crate) fn story_of(
    searcher: &Searcher,
    stories: &Stories,
    wanted: &[(Story, DocAddress)],
    tallies: &[Tally],
    hits: &[super::Hit],
) -> Result<Vec<StoryOf>> {
    let mut columns: HashMap<u32, SegmentColumns> = HashMap::default();
    let mut out = Vec::with_capacity(wanted.len());
    for (((story, _), t), hit) in wanted.iter().zip(tallies).zip(hits) {
        let (secs, first) = t.first;
        let source = match columns.entry(first.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(SegmentColumns::open(searcher.segment_reader(first.segment_ord))?)
            }
        }
        .text(Field::Source, first.doc_id);
        out.push(StoryOf {
            id: stories.id(*story, hit.article.text(Field::Id)),
            copies: Some(t.copies),
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
    let mut values = Values::new(searcher, per);
    let mut firsts = Firsts::new();
    for (&a, s) in matches.iter().zip(stories.of_all(matches.iter().copied())) {
        firsts.offer((s, values.of(a)), order.place(a));
    }
    let first = firsts.finish(&order);
    let mut kept: HashMap<SegmentId, Vec<DocId>> = HashMap::default();
    for p in first.into_values() {
        let a = p.at;
        kept.entry(searcher.segment_reader(a.segment_ord).segment_id()).or_default().push(a.doc_id);
    }
    for docs in kept.values_mut() {
        docs.sort_unstable();
    }
    Ok(Representatives(Arc::new(kept)))
}

/// The values of one string column, as numbers that are equal across segments when the
/// values are (each segment's ordinal read out once).
struct Values {
    columns: Vec<Option<StrColumn>>,
    known: HashMap<(u32, u64), u32>,
    numbers: HashMap<String, u32>,
}

impl Values {
    /// The values of `field` (none without one: every document then has no value).
    fn new(searcher: &Searcher, field: Option<Field>) -> Values {
        let columns = match field {
            Some(f) => {
                searcher.segment_readers().iter().map(|r| r.fast_fields().str(f.name()).ok().flatten()).collect()
            }
            None => Vec::new(),
        };
        Values { columns, known: HashMap::default(), numbers: HashMap::default() }
    }

    /// The number of the value of the document at `a` (`None`: it has none).
    fn of(&mut self, a: DocAddress) -> Option<u32> {
        let column = self.columns.get(a.segment_ord as usize)?.as_ref()?;
        let ord = column.ords().first(a.doc_id)?;
        if let Some(&n) = self.known.get(&(a.segment_ord, ord)) {
            return Some(n);
        }
        let mut text = String::new();
        column.ord_to_str(ord, &mut text).ok().filter(|&found| found)?;
        let next = self.numbers.len() as u32;
        let n = *self.numbers.entry(text).or_insert(next);
        self.known.insert((a.segment_ord, ord), n);
        Some(n)
    }
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
    for (&a, s) in matches.iter().zip(stories.of_all(matches.iter().copied())) {
        if let Story::Shared(_) = s {
            members.entry(s).or_default().push(a);
        }
    }
    let order = Order::new(searcher);
    let mut found: Vec<(Story, Vec<DocAddress>)> = members.into_iter().filter(|(_, m)| m.len() > 1).collect();
    for (_, m) in &mut found {
        let mut placed: Vec<Place> = m.iter().map(|&a| order.place(a)).collect();
        placed.sort_by(|&a, &b| order.cmp(a, b));
        *m = placed.into_iter().map(|p| p.at).collect();
    }
    let first = |m: &[DocAddress]| order.place(m[0]);
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

/// The best hits of a collapsed page and the distinct stories among them, each with
/// the index of its first (best) hit.
pub(crate) type Leading = (Ranked, Vec<(usize, Story)>);

/// The distinct stories of `ranked` (a prefix of the matches in the page's order), each
/// with the index of its first hit there: its best-ranked copy.
pub(crate) fn leading(stories: &Stories, ranked: &Ranked) -> Vec<(usize, Story)> {
    let mut seen: HashSet<Story> = HashSet::default();
    let mut out = Vec::new();
    for (i, (_, a)) in ranked.iter().enumerate() {
        let s = stories.of(*a);
        if seen.insert(s) {
            out.push((i, s));
        }
    }
    out
}

/// What the matches of one story say about it: how many there are, and the first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tally {
    /// Matches in the story.
    pub copies: usize,
    /// Its earliest copy among them: date (seconds, `i64::MAX` undated) and address.
    pub first: (i64, DocAddress),
}

/// The tally of each of `wanted` (a story, and the address of one of its matches) among
/// the matches of `query`, and with `total`, how many stories the matches hold.
///
/// Without `total`, only the wanted stories' documents are looked at (their story keys
/// from the table, their documents from the key columns) and the query is asked about
/// each of them alone (its jumping form), so a page costs what it shows, not what
/// matched. With it, every match is listed once, unscored.
pub(crate) fn tally(
    searcher: &Searcher,
    stories: &Stories,
    query: &Compiled,
    wanted: &[(Story, DocAddress)],
    total: bool,
) -> Result<(Vec<Tally>, Option<usize>)> {
    let order = Order::new(searcher);
    let at: HashMap<Story, usize> = wanted.iter().enumerate().map(|(i, (s, _))| (*s, i)).collect();
    let mut copies = vec![0usize; wanted.len()];
    let mut firsts = Firsts::new();
    let mut count = |a: DocAddress, s: Story| {
        if let Some(&i) = at.get(&s) {
            copies[i] += 1;
            firsts.offer(s, order.place(a));
        }
    };
    let mut found = None;
    if total {
        let keys = searcher.search(query.query.as_ref(), &Keys)?;
        let of = stories.table.stories(&keys.iter().map(|(k, _)| *k).collect::<Vec<u64>>());
        let mut distinct: HashSet<Story> = HashSet::default();
        for ((_, a), s) in keys.into_iter().zip(of) {
            distinct.insert(s);
            count(a, s);
        }
        found = Some(distinct.len());
    } else {
        let shared: HashSet<u32> = wanted
            .iter()
            .filter_map(|(s, _)| match s {
                Story::Shared(n) => Some(*n),
                Story::Alone(_) => None,
            })
            .collect();
        let keys = stories.table.members_of(&shared);
        let weight = query.seekable.weight(tantivy::query::EnableScoring::disabled_from_searcher(searcher))?;
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let members = stories.documents_with(ord, reader.max_doc(), &keys);
            if members.is_empty() {
                continue;
            }
            let mut scorer = weight.scorer(reader, 1.0)?;
            let alive = reader.alive_bitset();
            for doc in members {
                if alive.is_some_and(|b| !b.is_alive(doc)) || scorer.seek(doc) != doc {
                    continue;
                }
                let a = DocAddress::new(ord as u32, doc);
                count(a, stories.of(a));
            }
        }
    }
    let firsts = firsts.finish(&order);
    // A story of its own (or one the lookups missed) is its one match.
    let tallies = wanted
        .iter()
        .zip(copies)
        .map(|((s, a), n)| match firsts.get(s) {
            Some(p) if n > 0 && !matches!(s, Story::Alone(_)) => Tally { copies: n, first: (p.secs, p.at) },
            _ => Tally { copies: 1, first: (order.place(*a).secs, *a) },
        })
        .collect();
    Ok((tallies, found))
}

/// Lists every match with its story key (unscored).
struct Keys;

/// One segment's matches with their story keys.
struct SegmentKeys {
    segment: u32,
    keys: Column<u64>,
    found: Vec<(u64, DocAddress)>,
}

impl tantivy::collector::Collector for Keys {
    type Fruit = Vec<(u64, DocAddress)>;
    type Child = SegmentKeys;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<SegmentKeys> {
        Ok(SegmentKeys { segment, keys: reader.fast_fields().u64(STORY_KEY_FIELD)?, found: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl tantivy::collector::SegmentCollector for SegmentKeys {
    type Fruit = Vec<(u64, DocAddress)>;

    fn collect(&mut self, doc: DocId, _: tantivy::Score) {
        let key = self.keys.first(doc).unwrap_or(0);
        self.found.push((key, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}
