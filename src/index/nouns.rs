//! Each document's nouns — the keyword candidates of its title and text, as written,
//! with how often each occurs — kept per segment in a file of its own (a tantivy
//! segment plugin), so that keywords count them instead of reading and segmenting
//! articles. The word tokenizer gathers them while it cuts the texts (no second jieba
//! pass, see `crate::analysis::tokenizers::take_nouns`); merges carry them over.
//!
//! The file: `SOUN`, version, documents, forms; the forms (offsets, then their bytes),
//! numbered by how many documents of the segment hold them (the most common first, so
//! that a document's numbers are small); per document (offsets, then bytes) its forms'
//! numbers in increasing order as varints of `gap << 1 | (count > 1)`, then `count - 2`
//! when the count is above one. About 1.5 bytes a noun.

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
const VERSION: u32 = 1;

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

    fn merge(&self, ctx: PluginMergeContext) -> tantivy::Result<()> {
        if ctx.doc_id_mapping.mapping_type() == MappingType::Shuffled {
            return Err(tantivy::TantivyError::InvalidArgument("sou's indexes are never sorted".into()));
        }
        let mut out = NounsWriter::default();
        for reader in ctx.readers {
            let file = NounsFile::open(reader).map_err(|e| tantivy::TantivyError::InternalError(format!("{e:#}")))?;
            // Each source form's number in the merged segment.
            let ids: Vec<u32> = match &file {
                Some(f) => (0..f.forms).map(|i| out.id_of(f.form(i))).collect(),
                None => Vec::new(),
            };
            let alive = reader.alive_bitset();
            for doc in 0..reader.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let mut entries = Vec::new();
                if let Some(f) = &file {
                    f.for_each(doc, |id, count| entries.push((ids[id as usize], count)));
                }
                out.push_doc(entries);
            }
        }
        out.write(ctx.target_segment)
    }
}

/// What a segment's documents hold while the segment is written.
#[derive(Default)]
struct NounsWriter {
    /// Form (by its 64-bit hash and length, see `crate::analysis::nouns`) → number in
    /// order of first appearance.
    ids: FxHashMap<u64, u32>,
    /// The forms, by number.
    forms: Vec<Box<str>>,
    /// Documents holding each form.
    docs: Vec<u32>,
    /// Per document, its (number, count) pairs, varint-encoded in `bytes` from the offset.
    offsets: Vec<u32>,
    bytes: Vec<u8>,
    /// Bytes of the forms.
    form_bytes: usize,
}

impl NounsWriter {
    fn id_of(&mut self, form: &str) -> u32 {
        let key = word_key(form);
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.forms.len() as u32;
        self.ids.insert(key, id);
        self.forms.push(form.into());
        self.form_bytes += form.len() + 40;
        self.docs.push(0);
        id
    }

    fn push_doc(&mut self, mut entries: Vec<(u32, u32)>) {
        entries.sort_unstable();
        entries.dedup_by(|b, a| {
            let same = a.0 == b.0;
            if same {
                a.1 += b.1;
            }
            same
        });
        self.offsets.push(self.bytes.len() as u32);
        for &(id, _) in &entries {
            self.docs[id as usize] += 1;
        }
        encode(&entries, &mut self.bytes);
    }

    /// Writes the component of `segment`, forms numbered by how common they are.
    fn write(self, segment: &Segment) -> tantivy::Result<()> {
        let forms: Vec<&str> = self.forms.iter().map(|f| &**f).collect();
        let mut order: Vec<u32> = (0..forms.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            self.docs[b as usize].cmp(&self.docs[a as usize]).then_with(|| forms[a as usize].cmp(forms[b as usize]))
        });
        let mut new_id = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old as usize] = new as u32;
        }
        let mut out: Vec<u8> = Vec::with_capacity(self.bytes.len() + self.form_bytes + 64);
        out.extend_from_slice(MAGIC);
        for n in [VERSION, self.offsets.len() as u32, forms.len() as u32] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        let mut at = 0u32;
        for &old in &order {
            out.extend_from_slice(&at.to_le_bytes());
            at += forms[old as usize].len() as u32;
        }
        out.extend_from_slice(&at.to_le_bytes());
        for &old in &order {
            out.extend_from_slice(forms[old as usize].as_bytes());
        }
        let mut lists = Vec::with_capacity(self.bytes.len());
        let mut offsets = Vec::with_capacity(self.offsets.len() + 1);
        let mut entries = Vec::new();
        for (d, &start) in self.offsets.iter().enumerate() {
            let end = self.offsets.get(d + 1).map_or(self.bytes.len(), |&e| e as usize);
            entries.clear();
            decode(&self.bytes[start as usize..end], |id, count| entries.push((new_id[id as usize], count)));
            entries.sort_unstable();
            offsets.push(lists.len() as u32);
            encode(&entries, &mut lists);
        }
        offsets.push(lists.len() as u32);
        for o in offsets {
            out.extend_from_slice(&o.to_le_bytes());
        }
        out.extend_from_slice(&lists);
        let mut w = segment.open_write(SegmentComponent::Custom(EXTENSION.to_string()))?;
        w.write_all(&out)?;
        w.terminate()?;
        Ok(())
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
            for (form, count) in nouns {
                entries.push((self.id_of(&form), count));
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
        self.bytes.capacity() + self.offsets.capacity() * 4 + self.form_bytes
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
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
}

fn le(bytes: &[u8], at: usize) -> u32 {
    bytes.get(at..at + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl NounsFile {
    /// The component of `reader`; `None` when the segment has none.
    pub fn open(reader: &SegmentReader) -> anyhow::Result<Option<NounsFile>> {
        let Ok(file) = reader.open_read(SegmentComponent::Custom(EXTENSION.to_string())) else { return Ok(None) };
        let bytes = file.read_bytes()?;
        if bytes.len() < 16 || &bytes.as_slice()[..4] != MAGIC || le(&bytes, 4) != VERSION {
            anyhow::bail!("a segment's list of nouns is damaged; rebuild the index with `sou index --rebuild`");
        }
        let (docs, forms) = (le(&bytes, 8), le(&bytes, 12));
        let form_bytes = le(&bytes, 16 + 4 * forms as usize) as usize;
        let forms_at = 16;
        let lists_at = forms_at + 4 * (forms as usize + 1) + form_bytes;
        if bytes.len() < lists_at + 4 * (docs as usize + 1) {
            anyhow::bail!("a segment's list of nouns is cut short; rebuild the index with `sou index --rebuild`");
        }
        Ok(Some(NounsFile { bytes, docs, forms, forms_at, lists_at }))
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
        let offsets = self.lists_at;
        let lists = offsets + 4 * (self.docs as usize + 1);
        let (s, e) = (le(b, offsets + 4 * doc as usize) as usize, le(b, offsets + 4 * (doc as usize + 1)) as usize);
        decode(b.get(lists + s..lists + e).unwrap_or_default(), f);
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
