//! Stories: the documents that are copies of one another (a wire carried by many outlets,
//! a post reposted with a new header), grouped after every indexing run and kept in a
//! table beside the index.
//!
//! Two documents are *similar* when their near-duplicate signatures
//! ([`crate::analysis::minhash`]) share a band and agree in at least `threshold` of
//! their bins (the estimated Jaccard similarity of their 5-character shingles). Similar
//! documents form connected groups; inside each, documents are taken oldest first (then by
//! id) and each joins the first earlier *leader* it is similar to, or leads a story of
//! its own. Every member of a story is thus similar to its leader — the first to run it —
//! so a chain of small edits never merges two different stories.
//!
//! The grouping is a function of the set of documents alone (their signatures, dates and
//! ids), never of the order they were indexed in: an index updated file by file holds
//! the same stories as one built from scratch. It is computed from the signatures stored
//! in the index's columns (no article is read or analysed again), after the run's last
//! commit; a table left stale by a crash only means documents not in it count as stories
//! of their own until the next run.
//!
//! The table (`sou-stories.bin`) lists only documents in stories of two or more, keyed by
//! their story key, with each story's leader id: a lookup is a binary search in a file
//! read once.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use tantivy::{DocId, Searcher};

use super::schema::{STORY_KEY_FIELD, STORY_SIG_FIELD};
use super::story_state::{table_hash, State};
use crate::analysis::minhash;
use crate::article::Field;

/// Documents are copies of one another from this estimated similarity on, unless the
/// index was built with another `--dup-threshold`.
pub const DEFAULT_THRESHOLD: f64 = 0.8;

/// The table's file in the index directory.
pub(crate) const FILE: &str = "sou-stories.bin";

/// First bytes of the table's file (the last one its layout's version).
const MAGIC: &[u8; 8] = b"SOUSTRY2";

/// First bytes of a table without its members section (still read: the next indexing
/// run rewrites it).
const MAGIC_V1: &[u8; 8] = b"SOUSTRY1";

/// Bytes before the keys: magic, threshold, documents, stories.
const HEADER: usize = 8 + 8 + 8 + 8;

/// The story a document belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Story {
    /// One of the table's stories of two or more documents (its number).
    Shared(u32),
    /// A story of its own (the document's story key): it has no copy.
    Alone(u64),
}

/// The bytes of a table's file, mapped: a query reads the few pages its lookups touch,
/// not the whole file.
#[derive(Default)]
enum Bytes {
    #[default]
    Empty,
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Empty => &[],
            Bytes::Mapped(m) => m,
        }
    }
}

impl Bytes {
    /// The file at `path`, mapped (`None` when it cannot be read).
    fn map(path: &Path) -> Option<Bytes> {
        let file = std::fs::File::open(path).ok()?;
        // SAFETY: the table is never written in place: a new one is written to another
        // file and renamed over it (see `write`), so the mapped file does not change.
        let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        Some(Bytes::Mapped(map))
    }
}

/// A story table: read from its file (or empty when there is none).
#[derive(Default)]
pub struct Table {
    bytes: Bytes,
    /// Where the members section starts (a table of the first layout has none).
    members_at: Option<usize>,
    threshold: f64,
    docs: usize,
    stories: usize,
}

impl Table {
    /// The table of the index in `dir` (empty when it has none, or an unreadable one).
    pub fn open(dir: &Path) -> Table {
        Bytes::map(&dir.join(FILE)).and_then(Table::parse).unwrap_or_default()
    }

    fn parse(bytes: Bytes) -> Option<Table> {
        if bytes.len() < HEADER || (&bytes[..8] != MAGIC && &bytes[..8] != MAGIC_V1) {
            return None;
        }
        let with_members = &bytes[..8] == MAGIC;
        let threshold = f64::from_le_bytes(bytes[8..16].try_into().ok()?);
        let docs = usize::try_from(u64::from_le_bytes(bytes[16..24].try_into().ok()?)).ok()?;
        let stories = usize::try_from(u64::from_le_bytes(bytes[24..32].try_into().ok()?)).ok()?;
        let mut table = Table { bytes, members_at: None, threshold, docs, stories };
        let blob = table.blob_start()?;
        let blob_end = (table.offset(stories)? as usize).checked_add(blob)?;
        if blob > table.bytes.len() || blob_end > table.bytes.len() {
            return None;
        }
        if with_members {
            let size = stories.checked_add(1)?.checked_mul(4)?.checked_add(docs.checked_mul(4)?)?;
            (blob_end.checked_add(size)? <= table.bytes.len()).then_some(())?;
            table.members_at = Some(blob_end);
        }
        Some(table)
    }

    /// The similarity threshold the table was computed with (`None` without a table).
    pub fn threshold(&self) -> Option<f64> {
        (!self.bytes.is_empty()).then_some(self.threshold)
    }

    /// Whether the table is of an earlier layout (the next indexing run rewrites it).
    pub fn outdated(&self) -> bool {
        !self.bytes.is_empty() && self.members_at.is_none()
    }

    /// Stories of two or more documents.
    pub fn shared_stories(&self) -> usize {
        self.stories
    }

    /// Documents in stories of two or more.
    pub fn documents_in_shared(&self) -> usize {
        self.docs
    }

    fn u64_at(&self, at: usize) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes.get(at..at + 8)?.try_into().ok()?))
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes.get(at..at + 4)?.try_into().ok()?))
    }

    fn key(&self, i: usize) -> Option<u64> {
        self.u64_at(HEADER + 8 * i)
    }

    fn story_number(&self, i: usize) -> Option<u32> {
        self.u32_at(HEADER + 8 * self.docs + 4 * i)
    }

    fn offsets_start(&self) -> usize {
        HEADER + 12 * self.docs
    }

    fn offset(&self, story: usize) -> Option<u64> {
        self.u64_at(self.offsets_start() + 8 * story)
    }

    fn blob_start(&self) -> Option<usize> {
        self.offsets_start().checked_add(8 * (self.stories + 1))?.checked_add(4 * self.stories)
    }

    /// The story of the document whose story key is `key`.
    ///
    /// Keys are hashes, spread evenly over the `u64`s: a few interpolation probes find the
    /// neighbourhood of a key (a plain binary search would take about 18 probes, each a
    /// cache miss, for every match of a collapsed count), then a binary search finishes.
    pub fn story(&self, key: u64) -> Story {
        let (mut lo, mut hi) = (0, self.docs);
        // Every key before `lo` is below `key`, every key from `hi` on is above it, and
        // `below` / `above` are the nearest such keys (the range's ends to begin with).
        let (mut below, mut above) = (0u64, u64::MAX);
        for _ in 0..4 {
            if hi - lo < 32 || key <= below || key >= above {
                break;
            }
            let share = u128::from(key - below) * (hi - lo) as u128 / u128::from(above - below);
            let probe = (lo + share as usize).min(hi - 1);
            match self.key(probe) {
                Some(k) if k < key => (lo, below) = (probe + 1, k),
                Some(k) if k > key => (hi, above) = (probe, k),
                Some(_) => return self.story_number(probe).map_or(Story::Alone(key), Story::Shared),
                None => break,
            }
        }
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.key(mid) {
                Some(k) if k < key => lo = mid + 1,
                Some(k) if k > key => hi = mid,
                Some(_) => return self.story_number(mid).map_or(Story::Alone(key), Story::Shared),
                None => break,
            }
        }
        Story::Alone(key)
    }

    /// The story of each of `keys` (in their order): the keys looked up in sorted order,
    /// each search galloping on from the last, so the table is read front to back once
    /// instead of probed at random once per key.
    pub fn stories(&self, keys: &[u64]) -> Vec<Story> {
        let mut order: Vec<u32> = (0..keys.len() as u32).collect();
        order.sort_unstable_by_key(|&i| keys[i as usize]);
        let mut out = vec![Story::Alone(0); keys.len()];
        let mut at = 0;
        for i in order {
            let key = keys[i as usize];
            at = self.seek_from(at, key);
            out[i as usize] = match self.key(at) {
                Some(k) if k == key => self.story_number(at).map_or(Story::Alone(key), Story::Shared),
                _ => Story::Alone(key),
            };
        }
        out
    }

    /// The first position from `start` on whose key is not below `key` (`docs` when
    /// none is): doubling steps, then a binary search within the last one.
    fn seek_from(&self, start: usize, key: u64) -> usize {
        let (mut lo, mut hi, mut step) = (start, start, 1);
        while hi < self.docs && self.key(hi).is_some_and(|k| k < key) {
            lo = hi + 1;
            hi = hi.saturating_add(step);
            step *= 2;
        }
        let mut hi = hi.min(self.docs);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.key(mid).is_some_and(|k| k < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The id of the document that leads story `n` (the first to run it).
    pub fn leader(&self, n: u32) -> Option<&str> {
        let (a, b) = (self.offset(n as usize)?, self.offset(n as usize + 1)?);
        let blob = self.blob_start()?;
        let bytes = self.bytes.get(blob + a as usize..blob + b as usize)?;
        std::str::from_utf8(bytes).ok()
    }

    /// How many documents story `n` had when the table was computed.
    pub fn size(&self, n: u32) -> usize {
        let at = self.offsets_start() + 8 * (self.stories + 1) + 4 * n as usize;
        self.u32_at(at).unwrap_or(0) as usize
    }

    /// The story keys of the documents of every story, by story number (one pass).
    fn all_members(&self) -> Vec<Vec<u64>> {
        let mut out = vec![Vec::new(); self.stories];
        for i in 0..self.docs {
            if let (Some(k), Some(n)) = (self.key(i), self.story_number(i)) {
                if let Some(m) = out.get_mut(n as usize) {
                    m.push(k);
                }
            }
        }
        out
    }

    /// The story keys of the documents of the stories `wanted`: read from the members
    /// section, or (a table of the first layout) one pass over the story numbers.
    pub fn members_of(&self, wanted: &HashSet<u32>) -> HashSet<u64> {
        if let Some(at) = self.members_at {
            let positions = at + 4 * (self.stories + 1);
            let mut out = HashSet::default();
            for &n in wanted {
                let (Some(from), Some(to)) = (self.u32_at(at + 4 * n as usize), self.u32_at(at + 4 * (n as usize + 1)))
                else {
                    continue;
                };
                for p in from..to {
                    if let Some(k) = self.u32_at(positions + 4 * p as usize).and_then(|i| self.key(i as usize)) {
                        out.insert(k);
                    }
                }
            }
            return out;
        }
        let mut bits = vec![0u64; self.stories.div_ceil(64)];
        for &n in wanted {
            if let Some(w) = bits.get_mut(n as usize / 64) {
                *w |= 1 << (n % 64);
            }
        }
        let start = HEADER + 8 * self.docs;
        let Some(numbers) = self.bytes.get(start..start + 4 * self.docs) else { return HashSet::default() };
        numbers
            .chunks_exact(4)
            .enumerate()
            .filter(|(_, b)| {
                let n = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
                bits.get(n / 64).is_some_and(|w| w & (1 << (n % 64)) != 0)
            })
            .filter_map(|(i, _)| self.key(i))
            .collect()
    }

    /// The story keys of the documents of story `n`.
    pub fn members(&self, n: u32) -> Vec<u64> {
        let mut out: Vec<u64> = self.members_of(&[n].into_iter().collect()).into_iter().collect();
        out.sort_unstable();
        out
    }
}

/// One live document, as the grouping sees it.
struct Doc {
    key: u64,
    /// Index of its signature in the run's signatures (`None`: it has none).
    sig: Option<u32>,
    /// Seconds since the epoch (`i64::MAX` when undated: the undated come last).
    date: i64,
    segment: u32,
    doc: DocId,
}

impl Doc {
    /// What identifies the document to the grouping: its story key (id and text) and
    /// its date, the three things its story depends on.
    fn ident(&self) -> u64 {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.key.to_le_bytes());
        b[8..].copy_from_slice(&self.date.to_le_bytes());
        twox_hash::XxHash3_64::oneshot(&b)
    }
}

/// Groups the documents `searcher` sees into stories at `threshold` (`None`: the
/// threshold of the table in `dir`, else [`DEFAULT_THRESHOLD`]) and writes the table,
/// replacing the old one whole (a reader sees either). Only the components a change
/// touches are regrouped (see [`super::story_state`]); the others keep their stories.
/// Returns the table's stories of two or more and the documents in them.
pub(crate) fn update(dir: &Path, searcher: &Searcher, threshold: Option<f64>) -> Result<(usize, usize)> {
    let old = Table::open(dir);
    let threshold = threshold.or_else(|| old.threshold()).unwrap_or(DEFAULT_THRESHOLD);
    let (docs, sigs) = read_docs(searcher)?;
    let sig = |d: &Doc| d.sig.map(|s| &sigs[s as usize * minhash::BYTES..(s as usize + 1) * minhash::BYTES]);
    let similar = |a: &Doc, b: &Doc| match (sig(a), sig(b)) {
        (Some(x), Some(y)) => minhash::similarity(x, y) >= threshold,
        _ => false,
    };
    let idents: Vec<u64> = docs.iter().map(Doc::ident).collect();
    let signed: Vec<usize> = (0..docs.len()).filter(|&i| docs[i].sig.is_some()).collect();
    let state = State::open(dir).filter(|s| {
        s.threshold == threshold
            && !old.outdated()
            && old.threshold() == Some(threshold)
            && s.table_hash == table_hash(&old.bytes)
            && s.story_component.len() == old.shared_stories()
    });
    let plan = match &state {
        Some(s) => match changes(s, &docs, &idents, &signed, &sig, &similar) {
            Some(plan) => plan,
            None => return Ok((old.shared_stories(), old.documents_in_shared())),
        },
        None => Plan { regroup: signed.clone(), touched: None },
    };
    let groups = connected(&docs, &plan.regroup, &sig, &similar);
    // Inside each group, oldest first (then by id), documents follow their leaders.
    let mut ids = ids_of(searcher, &docs, groups.iter().flatten().copied())?;
    // (leader id, members' story keys, component)
    let mut stories: Vec<(String, Vec<u64>, u32)> = Vec::new();
    // (identity, component) of every document in a component of two or more.
    let mut members: Vec<(u64, u32)> = Vec::new();
    let mut component = 0u32;
    for mut group in groups {
        members.extend(group.iter().map(|&i| (idents[i], component)));
        let mut named: Vec<(i64, String, usize)> =
            group.drain(..).map(|i| (docs[i].date, ids.remove(&i).unwrap_or_default(), i)).collect();
        named.sort();
        for (leader, followers) in leaders(&docs, &named, &sig, &similar) {
            if followers.len() > 1 {
                stories.push((named[leader].1.clone(), followers.iter().map(|&i| docs[i].key).collect(), component));
            }
        }
        component += 1;
    }
    // The components no change touched keep their stories, renumbered after the new ones.
    if let (Some(s), Some(touched)) = (&state, &plan.touched) {
        let mut renumber: HashMap<u32, u32> = HashMap::default();
        let mut number = |c: u32| {
            *renumber.entry(c).or_insert_with(|| {
                component += 1;
                component - 1
            })
        };
        let old_members = old.all_members();
        for (n, keys) in old_members.into_iter().enumerate() {
            let c = s.story_component[n];
            if !touched.contains(&c) {
                stories.push((old.leader(n as u32).unwrap_or_default().to_string(), keys, number(c)));
            }
        }
        members.extend(s.members.iter().filter(|m| !touched.contains(&m.1)).map(|&(k, c)| (k, number(c))));
    }
    stories.sort_by(|a, b| a.0.cmp(&b.0));
    let table = write(dir, threshold, &stories)?;
    members.sort_unstable();
    let mut seen: Vec<u64> = signed.iter().map(|&i| idents[i]).collect();
    seen.sort_unstable();
    let story_component = stories.iter().map(|s| s.2).collect();
    State { threshold, table_hash: table_hash(&table), seen, members, story_component }.write(dir)?;
    Ok((stories.len(), stories.iter().map(|s| s.1.len()).sum()))
}

/// The stories of one connected group, `named` oldest first (then by id): each document
/// follows the first earlier leader it is similar to, or leads a story of its own. Each
/// story as its leader's position in `named` and its documents (indices into `docs`).
fn leaders<'a>(
    docs: &[Doc],
    named: &[(i64, String, usize)],
    sig: &dyn Fn(&Doc) -> Option<&'a [u8]>,
    similar: &dyn Fn(&Doc, &Doc) -> bool,
) -> Vec<(usize, Vec<usize>)> {
    let mut stories: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut by_band: HashMap<u32, Vec<usize>> = HashMap::default();
    for (pos, (_, _, i)) in named.iter().enumerate() {
        let d = &docs[*i];
        let bands: Vec<u32> = sig(d).map(|s| minhash::bands(s).collect()).unwrap_or_default();
        let mut best: Option<usize> = None;
        for b in &bands {
            for &l in by_band.get(b).into_iter().flatten() {
                if best.is_none_or(|x| l < x) && similar(d, &docs[named[stories[l].0].2]) {
                    best = Some(l);
                }
            }
        }
        match best {
            Some(l) => stories[l].1.push(*i),
            None => {
                for b in bands {
                    by_band.entry(b).or_default().push(stories.len());
                }
                stories.push((pos, vec![*i]));
            }
        }
    }
    stories
}

/// What a run regroups.
struct Plan {
    /// The documents to group (indices into the run's documents).
    regroup: Vec<usize>,
    /// The last run's components they come from (`None`: every document is regrouped).
    touched: Option<HashSet<u32>>,
}

/// What changed since the grouping `s` records: the documents added, those similar to
/// them, and every document of a component that lost or gained one. `None` when nothing
/// did.
fn changes<'a>(
    s: &State,
    docs: &[Doc],
    idents: &[u64],
    signed: &[usize],
    sig: &dyn Fn(&Doc) -> Option<&'a [u8]>,
    similar: &dyn Fn(&Doc, &Doc) -> bool,
) -> Option<Plan> {
    let mut now: Vec<u64> = signed.iter().map(|&i| idents[i]).collect();
    now.sort_unstable();
    let added: Vec<usize> = signed.iter().copied().filter(|&i| !s.saw(idents[i])).collect();
    let removed: Vec<u64> = s.seen.iter().copied().filter(|k| now.binary_search(k).is_err()).collect();
    if added.is_empty() && removed.is_empty() {
        return None;
    }
    let mut touched: HashSet<u32> = removed.iter().filter_map(|&k| s.component(k)).collect();
    let mut regroup = added.clone();
    let mut is_added = vec![false; docs.len()];
    added.iter().for_each(|&i| is_added[i] = true);
    if !added.is_empty() {
        let mut by_band: HashMap<u32, Vec<usize>> = HashMap::default();
        for &i in &added {
            for b in sig(&docs[i]).map(minhash::bands).into_iter().flatten() {
                by_band.entry(b).or_default().push(i);
            }
        }
        // Whether each signature (documents of a segment share identical ones) is similar
        // to a new document's.
        let mut linked: HashMap<u32, bool> = HashMap::default();
        for &i in signed.iter().filter(|&&i| !is_added[i]) {
            let d = &docs[i];
            let Some(n) = d.sig else { continue };
            let link = *linked.entry(n).or_insert_with(|| {
                sig(d).is_some_and(|x| {
                    minhash::bands(x).any(|b| by_band.get(&b).is_some_and(|v| v.iter().any(|&a| similar(d, &docs[a]))))
                })
            });
            if link {
                match s.component(idents[i]) {
                    Some(c) => {
                        touched.insert(c);
                    }
                    None => regroup.push(i),
                }
            }
        }
    }
    if !touched.is_empty() {
        for &i in signed.iter().filter(|&&i| !is_added[i]) {
            if s.component(idents[i]).is_some_and(|c| touched.contains(&c)) {
                regroup.push(i);
            }
        }
    }
    regroup.sort_unstable();
    regroup.dedup();
    Some(Plan { regroup, touched: Some(touched) })
}

/// Every live document with its key, date and signature; the signatures one after
/// another (each distinct signature of a segment read once, from its dictionary).
fn read_docs(searcher: &Searcher) -> Result<(Vec<Doc>, Vec<u8>)> {
    let mut docs = Vec::with_capacity(searcher.num_docs() as usize);
    let mut sigs: Vec<u8> = Vec::new();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let ff = reader.fast_fields();
        let keys = ff.u64(STORY_KEY_FIELD).context("the story keys")?;
        let dates = ff.date(Field::Date.name()).ok();
        let column = ff.bytes(STORY_SIG_FIELD).context("the signatures")?;
        // Distinct signatures of this segment, by ordinal.
        let first = (sigs.len() / minhash::BYTES) as u32;
        let mut valid: Vec<bool> = Vec::new();
        if let Some(c) = &column {
            let mut stream = c.dictionary().stream().context("the signatures")?;
            while stream.advance() {
                let ok = stream.key().len() == minhash::BYTES;
                valid.push(ok);
                sigs.extend_from_slice(if ok { stream.key() } else { &[0; minhash::BYTES] });
            }
        }
        for doc in reader.doc_ids_alive() {
            let sig = column
                .as_ref()
                .and_then(|c| c.ords().first(doc))
                .filter(|&o| valid.get(o as usize) == Some(&true))
                .map(|o| first + o as u32);
            let date = dates.as_ref().and_then(|d| d.first(doc)).map_or(i64::MAX, |d| d.into_timestamp_secs());
            docs.push(Doc { key: keys.first(doc).unwrap_or(0), sig, date, segment: segment as u32, doc });
        }
    }
    Ok((docs, sigs))
}

/// The groups of two or more documents connected by similarity, found band by band:
/// documents sharing a band's value are compared unless already connected.
fn connected<'a>(
    docs: &[Doc],
    among: &[usize],
    sig: &dyn Fn(&Doc) -> Option<&'a [u8]>,
    similar: &dyn Fn(&Doc, &Doc) -> bool,
) -> Vec<Vec<usize>> {
    let mut parent: Vec<u32> = (0..docs.len() as u32).collect();
    fn find(parent: &mut [u32], mut i: u32) -> u32 {
        while parent[i as usize] != i {
            let up = parent[parent[i as usize] as usize];
            parent[i as usize] = up;
            i = up;
        }
        i
    }
    // Identical signatures are similar whatever the threshold: their documents are joined
    // here, and only the first of each is banded. A wire run verbatim by 40 outlets is one
    // entry per band, not 40 (which would be 780 pairs per band).
    let mut first_with: HashMap<&[u8], u32> = HashMap::default();
    let mut signed: Vec<u32> = Vec::new();
    for i in among.iter().map(|&i| i as u32) {
        let Some(s) = sig(&docs[i as usize]) else { continue };
        match first_with.entry(s) {
            std::collections::hash_map::Entry::Occupied(e) => parent[i as usize] = *e.get(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
                signed.push(i);
            }
        }
    }
    drop(first_with);
    let mut bucket: Vec<(u32, u32)> = Vec::with_capacity(signed.len());
    for band in 0..minhash::BANDS {
        bucket.clear();
        for &i in &signed {
            if let Some(h) = sig(&docs[i as usize]).map(|s| minhash::band(s, band)) {
                bucket.push((h, i));
            }
        }
        bucket.sort_unstable();
        for run in bucket.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
            for j in 1..run.len() {
                for i in 0..j {
                    let (a, b) = (run[i].1, run[j].1);
                    let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                    if ra != rb && similar(&docs[a as usize], &docs[b as usize]) {
                        parent[ra.max(rb) as usize] = ra.min(rb);
                    }
                }
            }
        }
    }
    let mut groups: HashMap<u32, Vec<usize>> = HashMap::default();
    for i in among.iter().map(|&i| i as u32) {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i as usize);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    out.sort();
    out
}

/// The ids of the documents `wanted` (indices into `docs`), read from the segments' id
/// columns in dictionary order: one pass over each dictionary's blocks, not a block
/// decoded per id (which made a regroup of news×40 three times slower).
fn ids_of(searcher: &Searcher, docs: &[Doc], wanted: impl Iterator<Item = usize>) -> Result<HashMap<usize, String>> {
    let readers = searcher.segment_readers();
    let columns: Vec<Option<tantivy::columnar::StrColumn>> =
        readers.iter().map(|r| r.fast_fields().str(Field::Id.name()).ok().flatten()).collect();
    // (segment, ordinal, document) for every wanted document that has an id.
    let mut at: Vec<(u32, u64, usize)> = wanted
        .filter_map(|i| {
            let d = &docs[i];
            let column = columns.get(d.segment as usize)?.as_ref()?;
            Some((d.segment, column.ords().first(d.doc)?, i))
        })
        .collect();
    at.sort_unstable();
    let mut out = HashMap::with_capacity_and_hasher(at.len(), Default::default());
    for run in at.chunk_by(|a, b| a.0 == b.0) {
        let Some(column) = columns.get(run[0].0 as usize).and_then(|c| c.as_ref()) else { continue };
        let mut ords: Vec<u64> = run.iter().map(|r| r.1).collect();
        ords.dedup();
        let mut terms: Vec<String> = Vec::with_capacity(ords.len());
        column
            .dictionary()
            .sorted_ords_to_term_cb(&ords, |t| terms.push(String::from_utf8_lossy(t).into_owned()))
            .context("cannot read the ids")?;
        for r in run {
            if let Some(id) = ords.binary_search(&r.1).ok().and_then(|k| terms.get(k)) {
                out.insert(r.2, id.clone());
            }
        }
    }
    Ok(out)
}

/// Writes the table (see [`Table`]): to a temporary file, synced, then renamed over the
/// old one.
fn write(dir: &Path, threshold: f64, stories: &[(String, Vec<u64>, u32)]) -> Result<Vec<u8>> {
    let mut entries: Vec<(u64, u32)> = Vec::new();
    for (n, (_, members, _)) in stories.iter().enumerate() {
        entries.extend(members.iter().map(|&k| (k, n as u32)));
    }
    entries.sort_unstable();
    let mut out = Vec::with_capacity(HEADER + entries.len() * 12 + stories.len() * 40);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&threshold.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    out.extend_from_slice(&(stories.len() as u64).to_le_bytes());
    for (k, _) in &entries {
        out.extend_from_slice(&k.to_le_bytes());
    }
    for (_, n) in &entries {
        out.extend_from_slice(&n.to_le_bytes());
    }
    let mut offset = 0u64;
    out.extend_from_slice(&offset.to_le_bytes());
    for (leader, _, _) in stories {
        offset += leader.len() as u64;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    for (_, members, _) in stories {
        out.extend_from_slice(&(members.len() as u32).to_le_bytes());
    }
    for (leader, _, _) in stories {
        out.extend_from_slice(leader.as_bytes());
    }
    // The members section: per story, where its members' positions start (and the end),
    // then the positions (in the sorted keys) of each story's members.
    let mut positions: Vec<Vec<u32>> = vec![Vec::new(); stories.len()];
    for (i, (_, n)) in entries.iter().enumerate() {
        positions[*n as usize].push(i as u32);
    }
    let mut start = 0u32;
    out.extend_from_slice(&start.to_le_bytes());
    for p in &positions {
        start += p.len() as u32;
        out.extend_from_slice(&start.to_le_bytes());
    }
    for p in positions.iter().flatten() {
        out.extend_from_slice(&p.to_le_bytes());
    }
    let tmp = dir.join(format!(".tmp-{FILE}"));
    let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot write '{}'", tmp.display()))?;
    f.write_all(&out).and_then(|_| f.sync_all()).with_context(|| format!("cannot write '{}'", tmp.display()))?;
    std::fs::rename(&tmp, dir.join(FILE)).with_context(|| format!("cannot write '{}'", dir.join(FILE).display()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of `keys` (sorted, distinct), key `i` in story `i % 7`, as `write` lays it out.
    fn table_of(keys: &[u64]) -> Table {
        let stories = 7usize;
        let mut b = Vec::new();
        b.extend_from_slice(MAGIC_V1);
        b.extend_from_slice(&0.8f64.to_le_bytes());
        b.extend_from_slice(&(keys.len() as u64).to_le_bytes());
        b.extend_from_slice(&(stories as u64).to_le_bytes());
        for k in keys {
            b.extend_from_slice(&k.to_le_bytes());
        }
        for i in 0..keys.len() {
            b.extend_from_slice(&((i % stories) as u32).to_le_bytes());
        }
        for _ in 0..=stories {
            b.extend_from_slice(&0u64.to_le_bytes());
        }
        for _ in 0..stories {
            b.extend_from_slice(&0u32.to_le_bytes());
        }
        let dir = std::env::temp_dir().join(format!("sou-table-{}-{}", std::process::id(), keys.len()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        std::fs::write(dir.join(FILE), &b).expect("the table");
        let t = Table::open(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        t
    }

    #[test]
    fn the_members_section_lists_each_storys_documents() {
        let keys: Vec<u64> = (0..3000u64).map(|i| twox_hash::XxHash3_64::oneshot(&i.to_le_bytes())).collect();
        let stories: Vec<(String, Vec<u64>, u32)> =
            (0..7).map(|n| (format!("lead-{n}"), keys.iter().skip(n).step_by(7).copied().collect(), 0)).collect();
        let dir = std::env::temp_dir().join(format!("sou-table-v2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        write(&dir, 0.8, &stories).expect("the table");
        let t = Table::open(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(t.members_at.is_some());
        for (n, (leader, members, _)) in stories.iter().enumerate() {
            let mut expected = members.clone();
            expected.sort_unstable();
            assert_eq!(t.members(n as u32), expected);
            assert_eq!(t.leader(n as u32), Some(leader.as_str()));
            assert_eq!(t.size(n as u32), members.len());
            for &k in members {
                assert_eq!(t.story(k), Story::Shared(n as u32));
            }
        }
        let both: HashSet<u32> = [2, 5].into_iter().collect();
        assert_eq!(t.members_of(&both).len(), stories[2].1.len() + stories[5].1.len());
    }

    #[test]
    fn lookups_find_every_key_and_no_other_whatever_the_spread() {
        // Hashes (spread evenly), then keys bunched at one end, where interpolation
        // guesses badly and the binary search must still finish the job.
        let spread: Vec<u64> = (0..5000u64).map(|i| twox_hash::XxHash3_64::oneshot(&i.to_le_bytes())).collect();
        let bunched: Vec<u64> = (0..5000u64).map(|i| i * 3 + 1).chain([u64::MAX - 1]).collect();
        for mut keys in [spread, bunched] {
            keys.sort_unstable();
            keys.dedup();
            let t = table_of(&keys);
            assert_eq!(t.documents_in_shared(), keys.len());
            for (i, &k) in keys.iter().enumerate() {
                assert_eq!(t.story(k), Story::Shared((i % 7) as u32), "key {k}");
                for other in [k.wrapping_add(1), k.wrapping_sub(1)] {
                    if keys.binary_search(&other).is_err() {
                        assert_eq!(t.story(other), Story::Alone(other));
                    }
                }
            }
            assert_eq!(t.story(0), Story::Alone(0));
            // In bulk, in any order, with keys missing and repeated.
            let asked: Vec<u64> =
                keys.iter().rev().flat_map(|&k| [k, k.wrapping_add(1), k]).chain([0, u64::MAX]).collect();
            let one_by_one: Vec<Story> = asked.iter().map(|&k| t.story(k)).collect();
            assert_eq!(t.stories(&asked), one_by_one);
            let wanted: HashSet<u32> = [3].into_iter().collect();
            let members = t.members_of(&wanted);
            let expected: HashSet<u64> = keys.iter().enumerate().filter(|(i, _)| i % 7 == 3).map(|(_, &k)| k).collect();
            assert_eq!(members, expected);
        }
    }
}
