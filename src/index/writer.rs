//! Writing documents: the analysis tokenizers are registered on the index; a file is the
//! unit of update (all of a file's documents are deleted, then its records added, and
//! its fingerprint recorded, in one commit); records are also upserted by identity, so an
//! id moving between files leaves one document; commits come in batches at file
//! boundaries, so a crash loses at most the batch in progress, never what was committed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use tantivy::collector::TopDocs;
use tantivy::indexer::NoMergePolicy;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, Term};

use super::document::SouDoc;
use super::files::{Fingerprint, Fingerprints};
use super::meta::Meta;
use super::{Fields, SouIndex};
use crate::analysis::dictionary::Dictionary;
use crate::analysis::nouns::Nouns;
use crate::analysis::tokenizers::{CharTokenizer, WordTokenizer, CHARS, WORDS};
use crate::article::Field;
use crate::article::Record;

/// Segments left as they are after a run; when there are more, the smallest are merged
/// into one. Each indexing thread writes its own segment, and merging two costs a third
/// of the indexing time for a few percent of query time.
const MAX_SEGMENTS: usize = 4;

/// Buffer of the writer that only merges (tantivy's minimum is 15 MB per thread).
const MERGE_WRITER_MEMORY: usize = 16 << 20;

/// File naming the process that writes the index.
const PID_FILE: &str = "sou-writer.pid";

/// Input bytes between two commits.
const COMMIT_EVERY_BYTES: u64 = 256 << 20;

/// Where an id added in this run came from: the file, the number of that file's read,
/// and the fingerprint of the whole article.
type Seen = (Option<String>, u32, u64);

/// Adds records to an index.
pub(crate) struct Indexer {
    writer: IndexWriter<SouDoc>,
    fields: Fields,
    /// Ids added in this run, with the file their record came from and the number of
    /// that file's read (a file read again, by `--watch`, no longer holds them), and
    /// the fingerprint of the whole article.
    seen: HashMap<String, Seen>,
    /// The committed index (as of the last commit when it was not empty at the start):
    /// which file holds an id.
    before: Option<Searcher>,
    /// Reads the committed index: refreshed by every commit.
    reader: Option<IndexReader>,
    /// Files read in this run (canonical paths), with the number of their latest read.
    reads: HashMap<String, u32>,
    /// Reads begun so far (numbers the reads of `reads`).
    read_count: u32,
    /// The file being read (canonical path), and whether it is new to the index (then
    /// its records may be committed in several batches: no older copy can be half gone).
    current: Option<(String, bool)>,
    /// The index held no document when this run started: only ids repeated within the
    /// run need deleting.
    fresh: bool,
    since_commit: u64,
    /// The index directory.
    dir: PathBuf,
    /// Recorded with every commit.
    meta: Meta,
    /// Input bytes between two commits (crash safety vs. commit cost).
    pub commit_every: u64,
    /// Records added in this run.
    pub added: usize,
    /// Records that replaced an earlier record with the same id in this run.
    pub replaced: usize,
    /// Whether documents were deleted in this run (by id, source, file or --rebuild).
    deleted: bool,
    /// The similarity from which documents are copies of one story (`--dup-threshold`);
    /// `None`: the one the index was grouped with.
    pub dup_threshold: Option<f64>,
}

/// A record whose id a document of another file already held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The id.
    pub id: String,
    /// The file (as shown) the older document came from.
    pub from: String,
}

impl Indexer {
    /// Prepares `index` for writing with `threads` indexing threads sharing
    /// `memory_bytes` of buffer.
    /// `meta` is recorded with every commit.
    pub fn new(
        index: &SouIndex,
        dict: &Dictionary,
        threads: usize,
        memory_bytes: usize,
        mut meta: Meta,
    ) -> Result<Self> {
        let jieba = Arc::new(dict.full_jieba());
        let nouns = Arc::new(Nouns::new(dict, Arc::clone(&jieba)));
        super::nouns::set_analysis(Arc::clone(&jieba), Arc::clone(&nouns));
        let tokenizers = index.index.tokenizers();
        tokenizers.register(WORDS, WordTokenizer { jieba, nouns });
        tokenizers.register(CHARS, CharTokenizer);
        let pid_file = index.dir.join(PID_FILE);
        let writer = index.index.writer_with_num_threads(threads, memory_bytes).map_err(|e| match e {
            // The lock file could not even be made: not another writer, but the
            // directory (permission, a read-only file system).
            tantivy::TantivyError::LockFailure(tantivy::directory::error::LockError::IoError(io), _) => {
                let why = match io.kind() {
                    std::io::ErrorKind::PermissionDenied => {
                        "permission denied (index as the user who owns it, or give another --index)".to_string()
                    }
                    std::io::ErrorKind::ReadOnlyFilesystem => "it is on a read-only file system".to_string(),
                    _ => io.to_string(),
                };
                anyhow::anyhow!("cannot write the index at '{}': {why}", index.dir.display())
            }
            tantivy::TantivyError::LockFailure(..) => {
                // The OS lock is the truth; the file only names a process that is alive.
                let holder = std::fs::read_to_string(&pid_file)
                    .ok()
                    .and_then(|p| p.trim().parse::<u32>().ok())
                    .filter(|p| alive(*p))
                    .map(|p| format!(" (process {p})"))
                    .unwrap_or_default();
                anyhow::anyhow!(
                    "the index at '{}' is being written by another sou{holder}; wait for it to finish, or use another --index",
                    index.dir.display()
                )
            }
            e => anyhow::Error::new(e).context("cannot open the index for writing"),
        })?;
        // The committed fingerprint file is replaced (and removed) by this run's first
        // commit.
        meta.files_file = index.meta.as_ref().and_then(|m| m.files_file.clone());
        // What an earlier run wrote but never committed (a full disk, a kill: segments,
        // fingerprint files) goes now that the lock is ours: left, it could keep the
        // disk full for ever.
        super::remove_uncommitted(&index.index, &index.dir);
        // Tells a second writer who holds the lock (tantivy's lock file is empty).
        let _ = std::fs::write(&pid_file, std::process::id().to_string());
        let fresh = index.index.searchable_segment_ids().map(|s| s.is_empty()).unwrap_or(false);
        let reader = index.index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().ok();
        Ok(Indexer {
            writer,
            fields: index.fields,
            seen: HashMap::new(),
            before: if fresh { None } else { reader.as_ref().map(|r| r.searcher()) },
            reader,
            reads: HashMap::new(),
            read_count: 0,
            current: None,
            fresh,
            since_commit: 0,
            dir: index.dir.clone(),
            meta,
            commit_every: COMMIT_EVERY_BYTES,
            added: 0,
            replaced: 0,
            deleted: false,
            dup_threshold: None,
        })
    }

    /// The fingerprints of the files whose documents the index holds (as of this run).
    pub fn files(&self) -> &Fingerprints {
        &self.meta.files
    }

    /// Starts reading the file `canonical`: its documents from earlier runs are removed in
    /// the commit that adds its records again.
    pub(crate) fn begin_file(&mut self, canonical: &str) {
        // Its fingerprint comes back with `end_file`: a run that fails in between leaves
        // the file to be read again.
        let known = self.meta.files.remove(canonical).is_some();
        // In an index that was empty when the run began, only a file read before in this
        // run (`--watch` reading it again) has documents to remove.
        self.read_count += 1;
        let read_before = self.reads.insert(canonical.to_string(), self.read_count).is_some();
        if !self.fresh || read_before {
            self.writer.delete_term(Term::from_field_text(self.fields.file(), canonical));
        }
        self.current = Some((canonical.to_string(), !known));
    }

    /// Starts reading records appended to the file `canonical`: its documents stay, and
    /// the new ones may be committed in batches (no older copy is being replaced).
    pub(crate) fn begin_tail(&mut self, canonical: &str) {
        self.meta.files.remove(canonical);
        if !self.reads.contains_key(canonical) {
            self.read_count += 1;
            self.reads.insert(canonical.to_string(), self.read_count);
        }
        self.current = Some((canonical.to_string(), true));
    }

    /// Whether the record of an earlier `seen` entry is still in the index: its file has
    /// not been read again since (standard input is read once).
    fn still_there(&self, file: &Option<String>, read: u32) -> bool {
        file.as_ref().is_none_or(|f| self.reads.get(f) == Some(&read))
    }

    /// Ends the file begun with [`Indexer::begin_file`]: records its fingerprint, and
    /// commits when enough input has been read since the last commit.
    pub(crate) fn end_file(&mut self, canonical: &str, print: Fingerprint) -> Result<()> {
        self.meta.files.insert(canonical.to_string(), print);
        self.current = None;
        if self.since_commit >= self.commit_every {
            self.commit()?;
        }
        Ok(())
    }

    /// Records a new fingerprint for a file whose content did not change (touched,
    /// renamed back): nothing is read again.
    pub(crate) fn touch_file(&mut self, canonical: &str, print: Fingerprint) {
        self.meta.files.insert(canonical.to_string(), print);
    }

    /// How many documents of the index, as last committed, came from the file
    /// `canonical`.
    pub(crate) fn documents_of(&self, canonical: &str) -> u64 {
        let term = Term::from_field_text(self.fields.file(), canonical);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let searcher = self.reader.as_ref().map(|r| r.searcher());
        searcher.and_then(|s| s.search(&query, &tantivy::collector::Count).ok()).unwrap_or(0) as u64
    }

    /// Removes the documents of a file that is gone (`--prune`).
    pub(crate) fn forget_file(&mut self, canonical: &str) {
        self.deleted = true;
        self.writer.delete_term(Term::from_field_text(self.fields.file(), canonical));
        self.meta.files.remove(canonical);
    }

    /// Adds (or replaces) one record; `bytes` is its share of the input, for batching.
    /// Returns where its id was before when a document of another file held it.
    pub fn add(&mut self, r: Record, bytes: u64) -> Result<Option<Moved>> {
        let id = r.identity();
        let file = self.current.as_ref().map(|(f, _)| f.clone());
        let own_id = r.article.get(Field::Id).is_some();
        let moved = if own_id && file.is_some() { self.moved_from(&id, file.as_deref()) } else { None };
        let read = file.as_ref().and_then(|f| self.reads.get(f)).copied().unwrap_or(0);
        let print = r.article.fingerprint();
        let prior = self.seen.insert(id.clone(), (file.clone(), read, print));
        // A record of this run holds the id: replaced when still in the index (not when
        // its file was read again since, as `--watch` does after every change).
        let repeated = prior.is_some();
        let still_there = prior.as_ref().is_some_and(|(f, r, _)| self.still_there(f, *r));
        if still_there {
            self.replaced += 1;
        }
        // The same article again from the same read of the same file (a duplicated
        // line): the index already holds it. Replacing it would delete and add again,
        // and tantivy applies each delete to every document holding the id, which is
        // quadratic in the repeats (a file of one repeated line).
        if still_there && prior.as_ref().is_some_and(|(f, _, p)| *f == file && *p == print) {
            self.added += 1;
            self.since_commit += bytes;
            return Ok(None);
        }
        if repeated || !self.fresh {
            self.writer.delete_term(Term::from_field_text(self.fields.get(Field::Id), &id));
        }
        let doc = SouDoc::new(&self.fields, id, r.article, file.as_deref());
        self.writer.add_document(doc).context("cannot add a document")?;
        self.added += 1;
        self.since_commit += bytes;
        // Inside a file that had documents, no commit: its old and new documents change
        // places in one commit.
        let may_commit = self.current.as_ref().is_none_or(|(_, new)| *new);
        if may_commit && self.since_commit >= self.commit_every {
            self.commit()?;
        }
        Ok(moved)
    }

    /// The file (as shown) of another file's document holding `id`: earlier in this
    /// run, or in the committed index.
    fn moved_from(&self, id: &str, file: Option<&str>) -> Option<Moved> {
        if let Some((other, _, _)) = self.seen.get(id).filter(|(f, r, _)| self.still_there(f, *r)) {
            return (other.as_deref() != file).then(|| Moved {
                id: id.to_string(),
                from: other
                    .as_deref()
                    .map_or_else(|| "<stdin>".into(), |o| crate::paths::display(Path::new(o), self.meta.base())),
            });
        }
        let searcher = self.before.as_ref()?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermQuery::new(Term::from_field_text(self.fields.get(Field::Id), id), IndexRecordOption::Basic)),
        )];
        if let Some(f) = file {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(Term::from_field_text(self.fields.file(), f), IndexRecordOption::Basic)),
            ));
        }
        let hits = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(1).order_by_score()).ok()?;
        let (_, addr) = hits.first()?;
        // The path column of the document (standard input's documents have none).
        let column = searcher.segment_reader(addr.segment_ord).fast_fields().str(Field::Path.name()).ok().flatten();
        let mut from = String::new();
        let found = column
            .and_then(|c| c.ords().first(addr.doc_id).map(|ord| c.ord_to_str(ord, &mut from)))
            .is_some_and(|r| r.unwrap_or(false));
        Some(Moved { id: id.to_string(), from: if found { from } else { "<stdin>".to_string() } })
    }

    /// Removes every document holding `term` (an id or a source).
    pub fn delete(&mut self, term: Term) {
        self.deleted = true;
        self.writer.delete_term(term);
    }

    /// Removes every document (`--rebuild`); takes effect with the next commit.
    pub fn clear(&mut self) -> Result<()> {
        self.writer.delete_all_documents().context("cannot clear the index")?;
        self.deleted = true;
        self.fresh = true;
        self.before = None;
        self.meta.files.clear();
        Ok(())
    }

    /// Drops everything added since the last commit.
    pub fn rollback(mut self) -> Result<()> {
        self.writer.rollback().context("cannot roll back")?;
        Ok(())
    }

    /// Makes everything added so far durable and visible.
    pub fn commit(&mut self) -> Result<()> {
        // The fingerprints go into a new file before the commit that names it; the
        // previous commit's file is removed only once this one has landed.
        let result = self.meta.save_files(&self.dir).and_then(|previous| {
            let mut commit = self.writer.prepare_commit().context("cannot commit the index")?;
            commit.set_payload(&self.meta.payload());
            commit.commit().context("cannot commit the index")?;
            Ok(previous)
        });
        let previous = match result {
            Ok(previous) => previous,
            Err(e) => {
                // Nothing of this commit counts: its files go, while the lock is ours;
                // the run ends with this error, so the pid file goes too.
                super::remove_uncommitted(self.writer.index(), &self.dir);
                remove_pid_file(&self.dir);
                return Err(super::explain_write_error(&self.dir, e));
            }
        };
        if let Some(old) = previous.filter(|p| Some(p) != self.meta.files_file.as_ref()) {
            let _ = std::fs::remove_file(self.dir.join(old));
        }
        self.since_commit = 0;
        // What later lookups (which file holds an id, how many documents a file has)
        // see: the index as just committed.
        if let Some(r) = &self.reader {
            if r.reload().is_ok() && !self.fresh {
                self.before = Some(r.searcher());
            }
        }
        Ok(())
    }

    /// Commits, lets tantivy's background merges finish, then merges the smallest
    /// segments when more than [`MAX_SEGMENTS`] are left (queries are a little faster on
    /// fewer segments). The final merge runs on a fresh writer, once no background merge can
    /// still hold one of its segments.
    pub fn finish(mut self) -> Result<()> {
        self.commit()?;
        // A run that changed no document (every file unchanged) leaves the segments as
        // they are: re-running on an unchanged folder costs the listing only.
        if self.added == 0 && !self.deleted {
            let table = super::stories::Table::open(&self.dir);
            let regroup = self.dup_threshold.is_some_and(|t| table.threshold() != Some(t)) || table.outdated();
            if regroup {
                if let Some(r) = &self.reader {
                    r.reload().context("cannot read the index")?;
                    super::stories::update(&self.dir, &r.searcher(), self.dup_threshold)?;
                }
            }
            remove_pid_file(&self.dir);
            return Ok(());
        }
        let dir = self.dir.clone();
        self.writer.wait_merging_threads().context("cannot finish merging")?;
        // Another writer may have taken the lock in between: the index is committed and
        // whole, so the merge and the clean-up are simply left to a later run.
        let Some((index, mut writer)) = merging_writer(&self.dir)? else { return Ok(()) };
        let mut segments = index.searchable_segment_metas().context("cannot list segments")?;
        segments.sort_by_key(|s| s.num_docs());
        let ids: Vec<_> = to_merge(&segments.iter().map(|s| s.num_docs()).collect::<Vec<_>>())
            .into_iter()
            .map(|i| segments[i].id())
            .collect();
        if ids.len() > 1 {
            writer.merge(&ids).wait().context("cannot merge segments")?;
        }
        writer.wait_merging_threads().context("cannot finish merging")?;
        // tantivy keeps every file of a segment that any object of its `Index` still
        // knows about, so only a fresh instance removes the inputs of the merges (on
        // poetry they were a third of the index directory).
        if let Some((_, writer)) = merging_writer(&self.dir)? {
            writer.garbage_collect_files().wait().context("cannot remove the files of merged segments")?;
        }
        let searcher = index.reader().context("cannot read the index")?.searcher();
        super::stories::update(&dir, &searcher, self.dup_threshold)?;
        remove_pid_file(&dir);
        Ok(())
    }

    /// Commits, then regroups the index's documents into stories: what a run that goes
    /// on (`--watch`) does after each batch of changes.
    pub fn commit_and_group(&mut self) -> Result<()> {
        self.commit()?;
        if let Some(r) = &self.reader {
            r.reload().context("cannot read the index")?;
            super::stories::update(&self.dir, &r.searcher(), self.dup_threshold)?;
        }
        Ok(())
    }
}

/// Which segments to merge (indices into `docs`, the segments' sizes in increasing
/// order). Small segments (under an eighth of the largest, as an incremental run
/// leaves) are merged together once there are two; the large ones only when there are
/// more than [`MAX_SEGMENTS`], the smallest first. A small run never rewrites a large
/// segment: re-indexing one file of a 1 GB folder costs that file, not a merge.
fn to_merge(docs: &[u32]) -> Vec<usize> {
    let largest = docs.last().copied().unwrap_or(0);
    let small = docs.iter().take_while(|&&d| (d as u64) * 8 < largest as u64).count();
    let large = docs.len() - small;
    if large > MAX_SEGMENTS {
        // Down to MAX_SEGMENTS segments, smallest first (the small ones with them).
        return (0..=docs.len() - MAX_SEGMENTS).collect();
    }
    if small >= 2 {
        return (0..small).collect();
    }
    Vec::new()
}

/// Removes the pid file of `dir` when it still names this process.
fn remove_pid_file(dir: &Path) {
    let pid_file = dir.join(PID_FILE);
    if std::fs::read_to_string(&pid_file).is_ok_and(|p| p.trim() == std::process::id().to_string()) {
        let _ = std::fs::remove_file(pid_file);
    }
}

/// Whether process `pid` is running.
fn alive(pid: u32) -> bool {
    Path::new("/proc").is_dir() && Path::new(&format!("/proc/{pid}")).exists()
}

/// A fresh instance of the index in `dir` with a one-thread writer that merges only when
/// asked; None when another process holds the writer lock.
fn merging_writer(dir: &Path) -> Result<Option<(Index, IndexWriter<SouDoc>)>> {
    let index = super::open_or_create(dir)?.index;
    let Ok(writer) = index.writer_with_num_threads::<SouDoc>(1, MERGE_WRITER_MEMORY) else {
        return Ok(None);
    };
    writer.set_merge_policy(Box::new(NoMergePolicy));
    Ok(Some((index, writer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_leave_large_segments_alone_after_a_small_run() {
        // Four large segments and the one a re-indexed file left: nothing to merge.
        assert!(to_merge(&[7_000, 70_000, 72_000, 73_000, 74_000]).is_empty());
        // Two small ones: merged together.
        assert_eq!(to_merge(&[500, 7_000, 70_000, 72_000, 73_000, 74_000]), vec![0, 1]);
        // A first run with two threads and many commits: down to four.
        assert_eq!(to_merge(&[10, 20, 30, 40, 50, 60]), vec![0, 1, 2]);
        assert!(to_merge(&[100]).is_empty());
    }
}
