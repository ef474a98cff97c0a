//! Which copy of a story ran first: the oldest (undated last), then the smallest id —
//! the order the index groups stories in, so a story's first copy is its leader when
//! that matches.
//!
//! Reading an id out of a segment's dictionary costs far more than comparing two numbers,
//! and copies of a story often share a date (a wire carried the same day), so ids are
//! compared without being read where possible: within a segment, as their ordinals in the
//! id column (its dictionary is sorted, so ordinals compare as the ids do); across
//! segments, only the candidates still tied on date at the end are read, in one sorted
//! pass per segment ([`Firsts`]).

use std::hash::Hash;

use rustc_hash::FxHashMap as HashMap;
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, Searcher};

use crate::article::Field;

/// A copy's place in its story's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    /// Seconds since the epoch (`i64::MAX` when undated: the undated come last).
    pub secs: i64,
    /// The ordinal of its id in its segment's id column (`None`: no id, which sorts as
    /// the empty id).
    ord: Option<u64>,
    /// Where it is.
    pub at: DocAddress,
}

/// The columns that place copies in order.
pub(crate) struct Order {
    dates: Vec<Option<Column<tantivy::DateTime>>>,
    ids: Vec<Option<StrColumn>>,
}

impl Order {
    /// The order of the documents `searcher` sees.
    pub fn new(searcher: &Searcher) -> Order {
        let readers = searcher.segment_readers();
        Order {
            dates: readers.iter().map(|r| r.fast_fields().date(Field::Date.name()).ok()).collect(),
            ids: readers.iter().map(|r| r.fast_fields().str(Field::Id.name()).ok().flatten()).collect(),
        }
    }

    /// The place of the document at `a`.
    pub fn place(&self, a: DocAddress) -> Place {
        let secs = self
            .dates
            .get(a.segment_ord as usize)
            .and_then(|c| c.as_ref())
            .and_then(|c| c.first(a.doc_id))
            .map_or(i64::MAX, |d| d.into_timestamp_secs());
        let ord = self.ids.get(a.segment_ord as usize).and_then(|c| c.as_ref()).and_then(|c| c.ords().first(a.doc_id));
        Place { secs, ord, at: a }
    }

    /// The id of a placed copy (empty when it has none).
    fn id(&self, p: Place) -> String {
        let mut out = String::new();
        if let (Some(c), Some(ord)) = (self.ids.get(p.at.segment_ord as usize).and_then(|c| c.as_ref()), p.ord) {
            let _ = c.ord_to_str(ord, &mut out);
        }
        out
    }

    /// How two copies compare; ids are read only when the dates are equal and the
    /// copies are in different segments.
    pub fn cmp(&self, a: Place, b: Place) -> std::cmp::Ordering {
        a.secs.cmp(&b.secs).then_with(|| {
            if a.at == b.at {
                std::cmp::Ordering::Equal
            } else if a.at.segment_ord == b.at.segment_ord {
                a.ord.cmp(&b.ord).then(a.at.cmp(&b.at))
            } else {
                self.id(a).cmp(&self.id(b)).then(a.at.cmp(&b.at))
            }
        })
    }

    /// The ids of `places` (in any order), read in one sorted pass per segment.
    fn ids_of(&self, places: &[Place]) -> HashMap<DocAddress, String> {
        let mut out = HashMap::default();
        let mut wanted: Vec<(u32, u64, DocAddress)> =
            places.iter().filter_map(|p| Some((p.at.segment_ord, p.ord?, p.at))).collect();
        wanted.sort_unstable();
        for run in wanted.chunk_by(|a, b| a.0 == b.0) {
            let Some(column) = self.ids.get(run[0].0 as usize).and_then(|c| c.as_ref()) else { continue };
            let mut ords: Vec<u64> = run.iter().map(|r| r.1).collect();
            ords.dedup();
            let mut terms: Vec<String> = Vec::with_capacity(ords.len());
            let read = column
                .dictionary()
                .sorted_ords_to_term_cb(&ords, |t| terms.push(String::from_utf8_lossy(t).into_owned()));
            if !matches!(read, Ok(true)) || terms.len() != ords.len() {
                for &(_, _, at) in run {
                    let p = places.iter().find(|p| p.at == at).copied();
                    out.insert(at, p.map(|p| self.id(p)).unwrap_or_default());
                }
                continue;
            }
            for &(_, ord, at) in run {
                if let Ok(i) = ords.binary_search(&ord) {
                    out.insert(at, terms[i].clone());
                }
            }
        }
        out
    }
}

/// The first copy of each of many groups of documents (keyed by `K`), offered one by
/// one: the best of each group and segment is kept by date and id ordinal, and the
/// segments are settled once, at the end.
pub(crate) struct Firsts<K> {
    best: HashMap<(K, u32), Place>,
}

impl<K: Hash + Eq + Clone> Firsts<K> {
    /// No group yet.
    pub fn new() -> Firsts<K> {
        Firsts { best: HashMap::default() }
    }

    /// Offers copy `p` to group `key`.
    pub fn offer(&mut self, key: K, p: Place) {
        self.best
            .entry((key, p.at.segment_ord))
            .and_modify(|b| {
                if (p.secs, p.ord, p.at) < (b.secs, b.ord, b.at) {
                    *b = p;
                }
            })
            .or_insert(p);
    }

    /// The first copy of each group.
    pub fn finish(self, order: &Order) -> HashMap<K, Place> {
        let mut out: HashMap<K, Place> = HashMap::default();
        let mut tied: HashMap<K, Vec<Place>> = HashMap::default();
        for ((key, _), p) in self.best {
            match out.get_mut(&key) {
                None => {
                    out.insert(key, p);
                }
                Some(b) if p.secs < b.secs => {
                    tied.remove(&key);
                    *b = p;
                }
                Some(b) if p.secs == b.secs => {
                    let b = *b;
                    tied.entry(key).or_insert_with(|| vec![b]).push(p);
                }
                Some(_) => {}
            }
        }
        if tied.is_empty() {
            return out;
        }
        let all: Vec<Place> = tied.values().flatten().copied().collect();
        let ids = order.ids_of(&all);
        let id = |p: &Place| ids.get(&p.at).map_or("", String::as_str);
        for (key, places) in tied {
            if let Some(first) = places.iter().min_by(|a, b| id(a).cmp(id(b)).then(a.at.cmp(&b.at))) {
                out.insert(key, *first);
            }
        }
        out
    }
}
