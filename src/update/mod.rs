//! The update use case: bring an index up to date with files. List the inputs, decide
//! which changed since the index last read them ([`plan`]), read those a file at a time
//! (each replacing all of its documents in the index), handle the files that are gone,
//! commit; with [`watch`], keep doing so as files change. Front-ends (`sou index`, a test,
//! a future API endpoint) call this and only display what it reports through
//! [`Progress`] and the returned [`Pass`].

mod plan;
pub mod watch;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use jiff::tz::TimeZone;

use crate::analysis::dictionary::Dictionary;
use crate::article::{Field, Record};
use crate::dates;
use crate::index::files::Fingerprint;
use crate::index::meta::Meta;
use crate::index::writer::{Indexer, Moved};
use crate::index::{self};
use crate::ingest::fields::KeyMap;
use crate::ingest::{self, InputFormat, Item, Listing, Lost, Options, Problem};
use plan::Step;

/// What a front-end asks for: the inputs and how to read and commit them.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Files and directories to read (`-` is standard input).
    pub paths: Vec<PathBuf>,
    /// In directories, only files matching one of these globs (all when empty).
    pub globs: Vec<String>,
    /// Input format of every file, instead of recognising it by content.
    pub format: Option<InputFormat>,
    /// Which key holds which field, over the automatic mapping.
    pub keys: Vec<(Field, String)>,
    /// Source of records that name none.
    pub default_source: Option<String>,
    /// Date of records that have none, as typed (read in the index's zone).
    pub default_date: Option<String>,
    /// Zone of dates written without one; `None`: the index's own (China's for a new one).
    pub tz: Option<TimeZone>,
    /// A user dictionary to add to the index's.
    pub dict: Option<PathBuf>,
    /// Start from an empty index (in the same commit as the new documents).
    pub rebuild: bool,
    /// Remove the documents of files gone from the directories given.
    pub prune: bool,
    /// Any malformed record makes the run fail and commit nothing.
    pub strict: bool,
    /// Input bytes between two commits (default 256 MB).
    pub commit_every: Option<u64>,
    /// Indexing memory budget in MB, shared by the threads.
    pub memory_mb: usize,
    /// Indexing threads (default: the cores).
    pub threads: Option<usize>,
    /// Estimated similarity from which two documents are copies of one story
    /// (`--dup-threshold`); `None`: the index's own (0.8 for a new one).
    pub dup_threshold: Option<f64>,
}

/// What the run tells a front-end as it goes (all optional).
pub trait Progress {
    /// A pass starts: `bytes` of `files` files to read.
    fn start(&mut self, bytes: u64, files: usize) {
        let _ = (bytes, files);
    }
    /// File `n` (from 1) of the pass is being read; `added` documents so far.
    fn file(&mut self, n: usize, added: usize) {
        let _ = (n, added);
    }
    /// A record of `bytes` was added; `added` documents so far in the run.
    fn record(&mut self, bytes: u64, added: usize) {
        let _ = (bytes, added);
    }
    /// A file was read whole: `read` bytes of the pass so far.
    fn read(&mut self, read: u64) {
        let _ = read;
    }
    /// Something in the input could not be read, or a warning.
    fn problem(&mut self, p: &Problem) {
        let _ = p;
    }
    /// The record at `path:line` had an id a document of another file held.
    fn moved(&mut self, path: &str, line: usize, moved: &Moved) {
        let _ = (path, line, moved);
    }
    /// The pass has read everything it will.
    fn done(&mut self) {}
}

/// What a pass read.
#[derive(Debug, Default)]
pub struct Tally {
    /// Input bytes.
    pub bytes: u64,
    /// Records not indexed.
    pub skipped: usize,
    /// Some input could not be read past an error: how many records it held is unknown.
    pub unknown_loss: bool,
    /// Paths skipped whole, with why (`PATH: reason`).
    pub unreadable: Vec<String>,
    /// Records whose id a document of another file held.
    pub moved: usize,
    /// Inputs read in formats worth naming (HTML, feeds, archives…): how many, and the
    /// pages, items or members they held.
    pub formats: std::collections::BTreeMap<&'static str, (usize, usize)>,
}

impl Tally {
    /// Whether anything was lost or skipped (what `strict` refuses).
    pub fn lost_anything(&self) -> bool {
        self.skipped > 0 || self.unknown_loss || !self.unreadable.is_empty()
    }
}

/// A file the index knows that is gone from a directory given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gone {
    /// The directory as given.
    pub dir: String,
    /// The file's canonical path.
    pub file: String,
    /// Its documents in the index.
    pub documents: u64,
}

/// What one pass over the inputs did.
#[derive(Debug, Default)]
pub struct Pass {
    /// What was read.
    pub tally: Tally,
    /// New, changed and unchanged files.
    pub counts: (usize, usize, usize),
    /// Files gone from a listed directory (removed when the request prunes).
    pub gone: Vec<Gone>,
    /// Documents added during the pass.
    pub added: usize,
    /// Records that replaced an earlier record with the same id during the pass.
    pub replaced: usize,
    /// Files left for a later pass (still changing).
    pub unsettled: Vec<PathBuf>,
}

impl Pass {
    /// Whether the pass changed the index (files read, or gone ones removed).
    pub fn changed(&self, prune: bool) -> bool {
        self.counts.0 + self.counts.1 > 0 || (prune && !self.gone.is_empty())
    }
}

/// An index being brought up to date: its writer, and how inputs are read.
pub struct Updater {
    indexer: Indexer,
    request: Request,
    options: Options,
    dir: PathBuf,
    /// Words of the request's dictionary added to the index's (when one was given).
    pub dict_words: Option<usize>,
}

/// The reading options of `request` for dates in `tz`.
pub fn options(request: &Request, tz: TimeZone) -> Result<Options> {
    let default_date = match &request.default_date {
        Some(d) => Some(
            dates::parse_timestamp(d, &tz)
                .or_else(|| dates::parse_day_range(d).ok().map(|(a, _)| dates::start_of_day(a, &tz)))
                .ok_or_else(|| anyhow!("the default date '{d}' is not a date (e.g. 2025-04-30)"))?,
        ),
        None => None,
    };
    Ok(Options {
        format: request.format,
        keys: KeyMap::with_overrides(request.keys.clone()),
        default_source: request.default_source.clone(),
        default_date,
        tz,
        base: None,
        members: member_globs(&request.globs)?,
    })
}

/// The globs that select archive members (none: every member).
fn member_globs(globs: &[String]) -> Result<Option<globset::GlobSet>> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut set = globset::GlobSetBuilder::new();
    for g in globs {
        set.add(globset::Glob::new(g).with_context(|| format!("--glob: '{g}' is not a valid pattern"))?);
    }
    Ok(Some(set.build().context("--glob")?))
}

impl Updater {
    /// Opens (or creates) the index in `dir` for the update `request`: its dictionary
    /// (with the request's words added), a writer with the request's threads, memory and
    /// commit policy, and the reading options in the zone the index's dates are read in.
    pub fn open(dir: &Path, request: Request) -> Result<Updater> {
        // --rebuild empties the index inside the run's own commit (a crash keeps the old
        // index); only an index of an incompatible schema is removed first.
        let idx = match index::open_or_create(dir) {
            Err(_) if request.rebuild && index::exists(dir) => {
                index::remove(dir)?;
                index::open_or_create(dir)?
            }
            other => other?,
        };
        let mut dict = Dictionary::load(dir)?;
        let dict_words = match &request.dict {
            Some(path) => {
                let n = dict.add_user_file(path)?;
                dict.save(dir)?;
                Some(n)
            }
            None => None,
        };
        let threads =
            request.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1);
        // tantivy gives each indexing thread a share of the budget, at most 4 GB.
        let most = 4095 * threads;
        if request.memory_mb > most {
            bail!(
                "--memory {}: at most {most} MB with {threads} indexing threads (4,095 MB a thread); at least {} MB",
                request.memory_mb,
                16 * threads
            );
        }
        let memory = request.memory_mb.max(16 * threads) << 20;
        let kept = idx.meta.as_ref().filter(|_| !request.rebuild);
        let tz = index::meta::zone(request.tz.clone(), kept);
        // The index's record (its files' fingerprints) carries over, in the run's zone.
        let mut meta = match kept.cloned() {
            Some(m) => Meta { tz_seconds: Meta::new(&tz).tz_seconds, ..m },
            None => Meta::new(&tz),
        };
        // Paths in ids are relative to where the index was first written from, even
        // after a rebuild: a file's id never depends on where a run starts.
        meta.base = idx.meta.as_ref().and_then(|m| m.base.clone()).or_else(crate::paths::here);
        let mut options = options(&request, tz)?;
        options.base = meta.base.as_ref().map(PathBuf::from);
        let mut indexer = Indexer::new(&idx, &dict, threads, memory, meta)?;
        if request.rebuild {
            indexer.clear()?;
        }
        indexer.dup_threshold = request.dup_threshold;
        if let Some(mb) = request.commit_every {
            indexer.commit_every = mb.max(1) << 20;
        }
        if request.strict {
            // All or nothing: no intermediate commit.
            indexer.commit_every = u64::MAX;
        }
        Ok(Updater { indexer, request, options, dir: dir.to_path_buf(), dict_words })
    }

    /// The zone dates without one are read in.
    pub fn tz(&self) -> &TimeZone {
        &self.options.tz
    }

    /// The request being carried out.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The files of the request's paths (the index's own directory left out).
    pub fn list(&self) -> Result<Listing> {
        ingest::list_files(&self.request.paths, &self.request.globs, Some(&self.dir))
    }

    /// Plans and reads `files` (listed from the request's paths), then handles the files
    /// that are gone. With `settle`, files modified more recently than that are left for
    /// a later pass. Nothing is committed here but the batches the writer commits by
    /// itself.
    pub fn pass(&mut self, files: &[PathBuf], settle: Option<Duration>, progress: &mut dyn Progress) -> Result<Pass> {
        self.pass_within(files, settle, None, progress)
    }

    /// The files a listing of the request's paths would hold among `changed` (paths a
    /// watcher reported: files, or directories created or moved in).
    pub fn list_changed(&self, changed: &[PathBuf]) -> Result<Listing> {
        ingest::list_changed(&self.request.paths, changed, &self.request.globs, Some(&self.dir))
    }

    /// [`Updater::pass`], looking for gone files only below the paths of `scope` (what a
    /// watcher reported as changed) when given.
    pub fn pass_within(
        &mut self,
        files: &[PathBuf],
        settle: Option<Duration>,
        scope: Option<&[PathBuf]>,
        progress: &mut dyn Progress,
    ) -> Result<Pass> {
        let (added, replaced) = (self.indexer.added, self.indexer.replaced);
        let rebuild = self.request.rebuild && settle.is_none();
        let plan = plan::plan(files, &self.request.paths, self.indexer.files(), rebuild, settle, scope);
        let to_read: u64 = plan
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Read { print, .. } => Some(print.size),
                _ => None,
            })
            .sum();
        let reads = plan.steps.iter().filter(|s| !matches!(s, Step::Same { .. })).count();
        let to_read = to_read
            + plan
                .steps
                .iter()
                .filter_map(|s| match s {
                    Step::Append { path, from, .. } => {
                        crate::paths::stat(path).map(|(size, _)| size.saturating_sub(*from))
                    }
                    _ => None,
                })
                .sum::<u64>();
        progress.start(to_read, reads);
        let mut tally = self.read_steps(&plan.steps, progress)?;
        progress.done();
        tally.unreadable.extend(plan.unreadable.iter().cloned());
        let gone: Vec<Gone> = plan
            .gone
            .iter()
            .map(|(dir, f)| Gone { dir: dir.clone(), file: f.clone(), documents: self.indexer.documents_of(f) })
            .collect();
        if self.request.prune {
            for g in &gone {
                self.indexer.forget_file(&g.file);
            }
        }
        Ok(Pass {
            tally,
            counts: plan.counts(),
            gone,
            added: self.indexer.added - added,
            replaced: self.indexer.replaced - replaced,
            unsettled: plan.unsettled,
        })
    }

    /// Reads the files the plan says to read, each replacing its documents (or, for
    /// JSON Lines that grew, adding the new lines' records).
    fn read_steps(&mut self, steps: &[Step], progress: &mut dyn Progress) -> Result<Tally> {
        let mut tally = Tally::default();
        let mut n = 0;
        for step in steps {
            let (path, canonical, print) = match step {
                Step::Same { canonical, print } => {
                    if let Some(p) = print {
                        self.indexer.touch_file(canonical, *p);
                    }
                    continue;
                }
                Step::Append { path, canonical, from, prefix, mtime_ns, whole_lines, .. } => {
                    n += 1;
                    progress.file(n, self.indexer.added);
                    self.append(path, canonical, (*from, *prefix, *mtime_ns, *whole_lines), &mut tally, progress)?;
                    progress.read(tally.bytes);
                    continue;
                }
                Step::Stdin => (PathBuf::from("-"), None, None),
                Step::Read { path, canonical, print, .. } => (path.clone(), Some(canonical.as_str()), Some(*print)),
            };
            n += 1;
            progress.file(n, self.indexer.added);
            if let Some(c) = canonical {
                self.indexer.begin_file(c);
            }
            let options = &self.options;
            match read_one(&mut self.indexer, &mut tally, progress, |emit| ingest::read_file(&path, options, emit))? {
                Ok((size, false)) => {
                    tally.bytes += size;
                    if let (Some(c), Some(p)) = (canonical, print) {
                        self.indexer.end_file(c, p)?;
                    }
                }
                // Skipped whole (not a text file): never remembered as read.
                Ok((_, true)) => {}
                // An unreadable file is skipped (and read again next time); the others
                // are still read.
                Err(e) => tally.unreadable.push(format!("{e:#}")),
            }
            progress.read(tally.bytes);
        }
        Ok(tally)
    }

    /// Reads the lines appended to a JSON Lines file after `from` (its older documents
    /// stay), or the whole file again when its first `from` bytes changed.
    fn append(
        &mut self,
        path: &Path,
        canonical: &str,
        (from, prefix, mtime_ns, whole_lines): (u64, u64, i128, bool),
        tally: &mut Tally,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        self.indexer.begin_tail(canonical);
        let options = &self.options;
        let read = |from: u64| {
            move |emit: &mut dyn FnMut(Item)| ingest::read_appended(path, from, prefix, whole_lines, options, emit)
        };
        let mut got = read_one(&mut self.indexer, tally, progress, read(from))?;
        let mut start = from;
        if matches!(got, Ok((None, _))) {
            // Not the same file up to `from`: read whole, replacing its documents.
            self.indexer.begin_file(canonical);
            start = 0;
            let options = &self.options;
            let read = move |emit: &mut dyn FnMut(Item)| ingest::read_appended(path, 0, 0, whole_lines, options, emit);
            got = read_one(&mut self.indexer, tally, progress, read)?;
        }
        match got {
            Ok((Some(a), _)) => {
                tally.bytes += a.end - start;
                self.indexer.end_file(canonical, Fingerprint { size: a.end, mtime_ns, hash: a.hash })?;
            }
            Ok((None, _)) => {}
            Err(e) => tally.unreadable.push(format!("{e:#}")),
        }
        Ok(())
    }

    /// Makes everything read so far durable and visible (stories regrouped).
    pub fn commit(&mut self) -> Result<()> {
        self.indexer.commit_and_group()
    }

    /// Commits, and leaves the index tidy (merged, files of merged segments removed).
    pub fn finish(self) -> Result<()> {
        self.indexer.finish()
    }

    /// Drops everything read since the last commit.
    pub fn rollback(self) -> Result<()> {
        self.indexer.rollback()
    }
}

/// Reads one input into the index with `read`: the outer error is the index's (the
/// run stops), the inner one the input's (the file is skipped); with what `read`
/// returned and whether the input was skipped whole (not a text file).
fn read_one<T>(
    indexer: &mut Indexer,
    tally: &mut Tally,
    progress: &mut dyn Progress,
    read: impl FnOnce(&mut dyn FnMut(Item)) -> Result<T>,
) -> Result<std::result::Result<(T, bool), anyhow::Error>> {
    let mut failure: Option<anyhow::Error> = None;
    let mut whole = false;
    let read = read(&mut |item| match item {
        Item::Record(r) if failure.is_none() => {
            if let Err(e) = add(indexer, r, tally, progress) {
                failure = Some(e);
            }
        }
        Item::Record(_) => {}
        Item::Format { name, parts } => {
            let entry = tally.formats.entry(name).or_default();
            entry.0 += 1;
            entry.1 += parts;
        }
        Item::Problem(p) => {
            match p.lost {
                Lost::Nothing => {}
                Lost::One => tally.skipped += 1,
                Lost::Unknown => tally.unknown_loss = true,
                Lost::File => {
                    tally.skipped += 1;
                    whole = true;
                }
            }
            progress.problem(&p);
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(read.map(|t| (t, whole))),
    }
}

/// Adds one record, counting what it moved.
fn add(indexer: &mut Indexer, r: Record, tally: &mut Tally, progress: &mut dyn Progress) -> Result<()> {
    let share = (r.article.text(Field::Content).len() + r.article.text(Field::Title).len()) as u64;
    let (path, line) = (r.article.text(Field::Path).to_string(), r.line);
    let moved = indexer.add(r, share)?;
    progress.record(share, indexer.added);
    if let Some(m) = moved {
        tally.moved += 1;
        progress.moved(&path, line, &m);
    }
    Ok(())
}

/// Removes the documents with these ids and those of these sources from the index in
/// `dir`, in one commit; the number of documents removed (0: nothing was written).
pub fn delete(dir: &Path, ids: &[String], sources: &[String]) -> Result<usize> {
    use tantivy::collector::Count;
    use tantivy::query::TermQuery;
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;
    let idx = index::open(dir)?;
    let searcher = idx.index.reader().map_err(|e| index::read_error(dir, e))?.searcher();
    let terms: Vec<Term> = ids
        .iter()
        .map(|id| Term::from_field_text(idx.fields.get(Field::Id), id))
        .chain(sources.iter().map(|s| Term::from_field_text(idx.fields.get(Field::Source), s)))
        .collect();
    let mut matched = 0;
    for t in &terms {
        matched += searcher.search(&TermQuery::new(t.clone(), IndexRecordOption::Basic), &Count)?;
    }
    if matched == 0 {
        return Ok(0);
    }
    // The whole record, fingerprints included: the commit carries them on.
    let meta = index::meta::read(&idx.index, dir, true)?.unwrap_or_else(|| Meta::new(&dates::default_tz()));
    let mut indexer = Indexer::new(&idx, &Dictionary::default(), 1, 32 << 20, meta)?;
    for t in terms {
        indexer.delete(t);
    }
    indexer.finish()?;
    Ok(matched)
}
