//! Each document's nouns — the keyword candidates of its title and text, as written,
//! with how often each occurs — kept per segment in a file of its own (a tantivy
//! segment plugin), so that keywords count them instead of reading and segmenting
//! articles. The word tokenizer gathers them while it cuts the texts (no second jieba
//! pass, see `crate::analysis::tokenizers::take_nouns`); merges carry them over.
//!
//! The file: `SOUN`, version, 0, forms; the forms (offsets, then their bytes), numbered
//! by how many documents of the segment hold them (the most common first, so that a
//! document's numbers are small); per document its forms' numbers in increasing order
//! as varints of `gap << 1 | (count > 1)`, then `count - 2` when the count is above one
//! (about 1.5 bytes a noun); then, as a footer so that lists are written as they come,
//! where each document's list starts (and where the last ends), and the documents.

use std::any::Any;
use std::io::Write;
use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;
use tantivy::directory::{OwnedBytes, TerminatingWrite};
use tantivy::index::SegmentComponent;
use tantivy::indexer::doc_id_mapping::{DocIdMapping, MappingType};
use tantivy::plugin::{PluginMergeContext, PluginWriter, PluginWriterContext, SegmentPlugin};
use tantivy::schema::document::ErasedDocument;
use tantivy::schema::Schema;
use tantivy::{DocId, Segment, SegmentReader};

use super::document::SouDoc;
use crate::analysis::nouns::{word_key, Nouns};
use crate::analysis::tokenizers::{nouns_of, take_nouns, NounCounts};
use crate::article::Field;

/// The file extension of the component.
pub const EXTENSION: &str = "nouns";

const MAGIC: &[u8; 4] = b"SOUN";
const VERSION: u32 = 2;

/// The segmenter and noun test of the run that writes, for a text the word tokenizer
/// did not leave nouns for (it always should: this is the safe way round).
static ANALYSIS: OnceLock<(Arc<Jieba>, Arc<Nouns>)> = OnceLock::new();

/// Sets the analysis of this process's writer.
pub fn set_analysis(jieba: Arc<Jieba>, nouns: Arc<Nouns>) {
    let _ = ANALYSIS.set((jieba, nouns));
}

/// The plugin: writes the component of new segments and merges it.
pub struct NounsPlugin;

impl SegmentPlugin for NounsPlugin {
    fn extensions(&self) -> &[&str] {
        &[EXTENSION]
    }

    fn create_writer(&self, _: &PluginWriterContext) -> tantivy::Result<Box<dyn PluginWriter>> {
        Ok(Box::new(NounsWriter::default()))
    }

    /// Two passes over the sources, so that a merged segment is never held in memory:
    /// the first numbers the forms and counts their documents, the second writes each
    /// document's list as it is read.
    fn merge(&self, ctx: PluginMergeContext) -> tantivy::Result<()> {
        if ctx.doc_id_mapping.mapping_type() == MappingType::Shuffled {
            return Err(tantivy::TantivyError::InvalidArgument("sou's indexes are never sorted".into()));
        }
        let mut files = Vec::with_capacity(ctx.readers.len());
        for reader in ctx.readers {
            let file = NounsFile::open(reader).map_err(|e| tantivy::TantivyError::InternalError(format!("{e:#}")))?;
            files.push(file);
        }
        let alive_docs = |reader: &SegmentReader| {
            let alive = reader.alive_bitset().cloned();
            (0..reader.max_doc()).filter(move |&d| alive.as_ref().is_none_or(|a| a.is_alive(d)))
        };
        let mut vocab = Vocab::default();
        let mut maps: Vec<Vec<u32>> = Vec::with_capacity(files.len());
        for (reader, file) in ctx.readers.iter().zip(&files) {
            let Some(f) = file else {
                maps.push(Vec::new());
                continue;
            };
            let ids: Vec<u32> = (0..f.forms).map(|i| vocab.id_of(f.form(i))).collect();
            for doc in alive_docs(reader) {
                f.for_each(doc, |id, _| vocab.docs[ids[id as usize] as usize] += 1);
            }
            maps.push(ids);
        }
        let mut out = ListsWriter::create(ctx.target_segment, &vocab)?;
        let mut entries = Vec::new();
        for ((reader, file), ids) in ctx.readers.iter().zip(&files).zip(&maps) {
            for doc in alive_docs(reader) {
                entries.clear();
                if let Some(f) = file {
                    f.for_each(doc, |id, count| entries.push((ids[id as usize], count)));
                }
                out.push(&mut entries)?;
            }
        }
        out.finish()
    }
}

/// The distinct forms of a segment being written: numbered in order of first
/// appearance, with how many documents hold each.
#[derive(Default)]
struct Vocab {
    /// Form (by its [`word_key`]) → number.
    ids: FxHashMap<u64, u32>,
    /// The forms, by number: one after the other in `text`, each ending at `ends[i]`.
    text: String,
    ends: Vec<u32>,
    /// Documents holding each form.
    docs: Vec<u32>,
}

impl Vocab {
    fn id_of(&mut self, form: &str) -> u32 {
        self.id_of_keyed(word_key(form), || form)
    }

    /// The number of the form whose [`word_key`] is `key` (`form` is asked for when the
    /// form is new).
    fn id_of_keyed<'a>(&mut self, key: u64, form: impl FnOnce() -> &'a str) -> u32 {
        let next = self.ends.len() as u32;
        let id = *self.ids.entry(key).or_insert(next);
        if id == next {
            self.text.push_str(form());
            self.ends.push(self.text.len() as u32);
            self.docs.push(0);
        }
        id
    }

    /// Form number `i`.
    fn form(&self, i: u32) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i as usize - 1] as usize };
        &self.text[start..self.ends[i as usize] as usize]
    }

    /// Bytes it takes in memory (the map's slots at its load factor).
    fn mem_usage(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.docs.capacity() * 4 + self.ids.capacity() * 16 * 8 / 7
    }

    /// The forms' numbers in the file: the most common first (a document's numbers are
    /// then small), ties by form. `new[old]` is the number in the file.
    fn file_order(&self) -> (Vec<u32>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.ends.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            self.docs[b as usize].cmp(&self.docs[a as usize]).then_with(|| self.form(a).cmp(self.form(b)))
        });
        let mut new = vec![0u32; order.len()];
        for (n, &old) in order.iter().enumerate() {
            new[old as usize] = n as u32;
        }
        (order, new)
    }
}

/// Writes a component: its header and forms at once, then each document's list as it
/// comes, then (at the end, as a footer) where each list starts.
struct ListsWriter {
    out: std::io::BufWriter<tantivy::directory::WritePtr>,
    /// Vocabulary number → number in the file.
    new_id: Vec<u32>,
    offsets: Vec<u32>,
    at: u32,
    buf: Vec<u8>,
}

impl ListsWriter {
    fn create(segment: &Segment, vocab: &Vocab) -> tantivy::Result<ListsWriter> {
        let (order, new_id) = vocab.file_order();
        let w = segment.open_write(SegmentComponent::Custom(EXTENSION.to_string()))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, w);
        out.write_all(MAGIC)?;
        for n in [VERSION, 0, order.len() as u32] {
            out.write_all(&n.to_le_bytes())?;
        }
        let mut at = 0u32;
        for &old in &order {
            out.write_all(&at.to_le_bytes())?;
            at += vocab.form(old).len() as u32;
        }
        out.write_all(&at.to_le_bytes())?;
        for &old in &order {
            out.write_all(vocab.form(old).as_bytes())?;
        }
        Ok(ListsWriter { out, new_id, offsets: Vec::new(), at: 0, buf: Vec::new() })
    }

    /// Writes the next document's list of (vocabulary number, count).
    fn push(&mut self, entries: &mut Vec<(u32, u32)>) -> tantivy::Result<()> {
        for e in entries.iter_mut() {
            e.0 = self.new_id[e.0 as usize];
        }
        sort_and_merge(entries);
        self.buf.clear();
        encode(entries, &mut self.buf);
        self.offsets.push(self.at);
        self.at += self.buf.len() as u32;
        self.out.write_all(&self.buf)?;
        Ok(())
    }

    /// Writes the footer (the lists' offsets and the number of documents) and closes.
    fn finish(mut self) -> tantivy::Result<()> {
        self.offsets.push(self.at);
        for o in &self.offsets {
            self.out.write_all(&o.to_le_bytes())?;
        }
        self.out.write_all(&(self.offsets.len() as u32 - 1).to_le_bytes())?;
        let w = self.out.into_inner().map_err(|e| e.into_error())?;
        w.terminate()?;
        Ok(())
    }
}

/// What a segment's documents hold while the segment is written.
#[derive(Default)]
struct NounsWriter {
    vocab: Vocab,
    /// Per document, its (number, count) pairs, varint-encoded in `bytes` from the offset.
    offsets: Vec<u32>,
    bytes: Vec<u8>,
}

impl NounsWriter {
    fn push_doc(&mut self, mut entries: Vec<(u32, u32)>) {
        sort_and_merge(&mut entries);
        self.offsets.push(self.bytes.len() as u32);
        for &(id, _) in &entries {
            self.vocab.docs[id as usize] += 1;
        }
        encode(&entries, &mut self.bytes);
    }

    /// Writes the component of `segment`.
    fn write(self, segment: &Segment) -> tantivy::Result<()> {
        let mut out = ListsWriter::create(segment, &self.vocab)?;
        let mut entries = Vec::new();
        for (d, &start) in self.offsets.iter().enumerate() {
            let end = self.offsets.get(d + 1).map_or(self.bytes.len(), |&e| e as usize);
            entries.clear();
            decode(&self.bytes[start as usize..end], |id, count| entries.push((id, count)));
            out.push(&mut entries)?;
        }
        out.finish()
    }
}

impl PluginWriter for NounsWriter {
    fn add_document(&mut self, _: DocId, doc: &dyn ErasedDocument, schema: &Schema) -> tantivy::Result<()> {
        let Some(doc) = doc.as_any().downcast_ref::<SouDoc>() else {
            return Err(tantivy::TantivyError::InvalidArgument("sou indexes only its own documents".into()));
        };
        let fields = super::Fields::of(schema).map_err(|e| tantivy::TantivyError::SchemaError(format!("{e:#}")))?;
        let mut entries = Vec::new();
        for f in [Field::Title, Field::Content] {
            let Some(text) = doc.text(fields.get(f)).filter(|t| !t.is_empty()) else { continue };
            let nouns: NounCounts = take_nouns(text)
                .or_else(|| ANALYSIS.get().map(|(jieba, nouns)| nouns_of(jieba, nouns, text)))
                .unwrap_or_default();
            for n in nouns {
                let form = || text.get(n.start as usize..n.end as usize).unwrap_or_default();
                entries.push((self.vocab.id_of_keyed(n.key, form), n.count));
            }
        }
        self.push_doc(entries);
        Ok(())
    }

    fn serialize(self: Box<Self>, segment: &Segment, map: Option<&DocIdMapping>) -> tantivy::Result<()> {
        if map.is_some() {
            return Err(tantivy::TantivyError::InvalidArgument("sou's indexes are never sorted".into()));
        }
        self.write(segment)
    }

    fn mem_usage(&self) -> usize {
        self.bytes.capacity() + self.offsets.capacity() * 4 + self.vocab.mem_usage()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Sorts (number, count) pairs by number, adding the counts of equal numbers.
pub(crate) fn sort_and_merge(entries: &mut Vec<(u32, u32)>) {
    entries.sort_unstable();
    entries.dedup_by(|b, a| {
        let same = a.0 == b.0;
        if same {
            a.1 += b.1;
        }
        same
    });
}

/// Appends `entries` (sorted by number) to `out`.
fn encode(entries: &[(u32, u32)], out: &mut Vec<u8>) {
    let mut next = 0u32;
    for &(id, count) in entries {
        let gap = (id - next) as u64;
        varint((gap << 1) | u64::from(count > 1), out);
        if count > 1 {
            varint(u64::from(count - 2), out);
        }
        next = id + 1;
    }
}

/// Calls `f` with each (number, count) of an encoded list.
fn decode(mut bytes: &[u8], mut f: impl FnMut(u32, u32)) {
    let mut next = 0u32;
    while !bytes.is_empty() {
        let v = read_varint(&mut bytes);
        let id = next + (v >> 1) as u32;
        let count = if v & 1 == 1 { read_varint(&mut bytes) as u32 + 2 } else { 1 };
        f(id, count);
        next = id + 1;
    }
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(bytes: &mut &[u8]) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some((&b, rest)) = bytes.split_first() {
        *bytes = rest;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 || shift > 56 {
            break;
        }
        shift += 7;
    }
    v
}

/// A segment's nouns, read.
pub struct NounsFile {
    bytes: OwnedBytes,
    /// Documents (the segment's max doc).
    pub docs: u32,
    /// Distinct forms.
    pub forms: u32,
    forms_at: usize,
    lists_at: usize,
    offsets_at: usize,
}

fn le(bytes: &[u8], at: usize) -> u32 {
    bytes.get(at..at + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl NounsFile {
    /// The component of `reader`; `None` when the segment has none.
    pub fn open(reader: &SegmentReader) -> anyhow::Result<Option<NounsFile>> {
        let damaged =
            || anyhow::anyhow!("a segment's list of nouns is damaged; rebuild the index with `sou index --rebuild`");
        let file = match reader.open_read(SegmentComponent::Custom(EXTENSION.to_string())) {
            Ok(file) => file,
            Err(tantivy::directory::error::OpenReadError::FileDoesNotExist(_)) => return Ok(None),
            // Cut short (tantivy checks the footer) or unreadable: never read as "none".
            Err(_) => return Err(damaged()),
        };
        let bytes = file.read_bytes()?;
        if bytes.len() < 20 || &bytes.as_slice()[..4] != MAGIC || le(&bytes, 4) != VERSION {
            return Err(damaged());
        }
        let forms = le(&bytes, 12);
        let docs = le(&bytes, bytes.len() - 4);
        let forms_at = 16;
        let form_bytes = le(&bytes, forms_at + 4 * forms as usize) as usize;
        let lists_at = forms_at + 4 * (forms as usize + 1) + form_bytes;
        let footer = 4 * (docs as usize + 1) + 4;
        // One list per document of the segment, and the last offset ends the lists: a
        // file cut short or overwritten fails one of these.
        if docs != reader.max_doc() || bytes.len() < lists_at + footer {
            return Err(damaged());
        }
        let offsets_at = bytes.len() - footer;
        if le(&bytes, offsets_at + 4 * docs as usize) as usize != offsets_at - lists_at {
            return Err(damaged());
        }
        Ok(Some(NounsFile { bytes, docs, forms, forms_at, lists_at, offsets_at }))
    }

    /// Form number `i` (the most common of the segment first).
    pub fn form(&self, i: u32) -> &str {
        let b = self.bytes.as_slice();
        let (s, e) = (le(b, self.forms_at + 4 * i as usize), le(b, self.forms_at + 4 * (i as usize + 1)));
        let base = self.forms_at + 4 * (self.forms as usize + 1);
        std::str::from_utf8(b.get(base + s as usize..base + e as usize).unwrap_or_default()).unwrap_or("")
    }

    /// Calls `f` with each (form number, count) of document `doc`.
    pub fn for_each(&self, doc: DocId, f: impl FnMut(u32, u32)) {
        if doc >= self.docs {
            return;
        }
        let b = self.bytes.as_slice();
        let at = self.offsets_at + 4 * doc as usize;
        let (s, e) = (le(b, at) as usize, le(b, at + 4) as usize);
        decode(b.get(self.lists_at + s..self.lists_at + e).unwrap_or_default(), f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip() {
        let entries = vec![(0, 1), (3, 2), (4, 1), (1000, 77), (70_000, 1)];
        let mut bytes = Vec::new();
        encode(&entries, &mut bytes);
        let mut back = Vec::new();
        decode(&bytes, |id, c| back.push((id, c)));
        assert_eq!(back, entries);
        assert!(bytes.len() < 12, "{} bytes", bytes.len());
    }
}
