//! Ingestion: turn files (or standard input) into [`Record`]s. Formats are recognised
//! by content; encodings are detected; keys are mapped onto sou's fields; a broken
//! record is reported as `FILE:LINE: reason` and skipped, never the whole run.

pub mod archive;
pub mod container;
pub mod csv;
pub mod docx;
pub mod feed;
pub mod fields;
pub mod html;
pub mod json;
pub mod mhtml;
pub mod pdf;
pub mod text;
pub mod warc;

use crate::names::Named;
use std::fs;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::article::Field;
pub use crate::article::Record;
use crate::dates;
use fields::KeyMap;

/// Something in the input that could not be read, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The file (as shown to the user).
    pub path: String,
    /// 1-based line; 0 when it concerns the whole file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// What the problem cost: nothing (a warning, e.g. an unparseable date), one
    /// record, or records sou cannot count.
    pub lost: Lost,
}

/// Records a [`Problem`] kept out of the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lost {
    /// None: a warning (the record was kept).
    Nothing,
    /// The one record the problem is about.
    One,
    /// An unknown number (the rest of a file that cannot be read past an error).
    Unknown,
    /// The whole file, not read at all: it is not remembered as read, so the next run
    /// tries it again.
    File,
}

impl Problem {
    /// The whole file `path` skipped, and why.
    pub fn file(path: &str, message: &str) -> Problem {
        Problem { path: path.into(), line: 0, message: message.into(), lost: Lost::File }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.path, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Input formats (`sou index --format`); by default recognised by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// A JSON array of records, or one JSON object.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// A plain-text (or Markdown) article.
    Text,
    /// A saved web page: its main text and metadata.
    Html,
    /// An RSS, Atom or JSON feed: one record per item.
    Feed,
    /// A web archive: one record per HTML response.
    Warc,
    /// A PDF with a text layer.
    Pdf,
    /// A Word (DOCX) or OpenDocument (ODT) document.
    Docx,
}

impl InputFormat {
    /// Whether the format is one of the text formats (JSON, CSV, plain text), read
    /// after decoding rather than recognised from bytes.
    pub fn is_text(self) -> bool {
        matches!(self, Self::Json | Self::Jsonl | Self::Csv | Self::Tsv | Self::Text)
    }
}

impl Named for InputFormat {
    const VALUES: &'static [(Self, &'static str, &'static str)] = &[
        (Self::Json, "json", "A JSON array of records, or one JSON object"),
        (Self::Jsonl, "jsonl", "One JSON object per line"),
        (Self::Csv, "csv", "Comma-separated values with a header row"),
        (Self::Tsv, "tsv", "Tab-separated values with a header row"),
        (Self::Text, "text", "A plain-text (or Markdown) article"),
        (Self::Html, "html", "A saved web page: its main text and metadata"),
        (Self::Feed, "feed", "An RSS, Atom or JSON feed: one record per item"),
        (Self::Warc, "warc", "A web archive: one record per HTML page"),
        (Self::Pdf, "pdf", "A PDF with a text layer"),
        (Self::Docx, "docx", "A Word (DOCX) or OpenDocument (ODT) document"),
    ];
}

/// How to read input.
#[derive(Clone, Debug)]
pub struct Options {
    /// Format of every input, when not recognised by content.
    pub format: Option<InputFormat>,
    /// Which key of a record holds which field.
    pub keys: KeyMap,
    /// The zone of dates written without one.
    pub tz: TimeZone,
    /// Source for records that have none (`sou index --source`).
    pub default_source: Option<String>,
    /// Date for records that have none (`sou index --date`).
    pub default_date: Option<Timestamp>,
    /// The index's base directory: file paths (and so plain-text ids) are shown relative
    /// to it (the working directory when `None`).
    pub base: Option<std::path::PathBuf>,
    /// In archives, only members matching these globs (by path or name) are read.
    pub members: Option<globset::GlobSet>,
}

impl Options {
    /// Whether the archive member named `name` is read (`--glob`).
    pub fn keeps_member(&self, name: &str) -> bool {
        let Some(set) = &self.members else { return true };
        let name = container::member_name(name);
        let file = name.rsplit('/').next().unwrap_or(&name);
        set.is_match(&name) || set.is_match(file) || set.is_match(container::inner_name(file))
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: None,
            keys: KeyMap::default(),
            tz: dates::default_tz(),
            default_source: None,
            default_date: None,
            base: None,
            members: None,
        }
    }
}

/// What the reader found in the input: records, or problems.
pub enum Item {
    /// A record to index.
    Record(Record),
    /// Something that could not be read.
    Problem(Problem),
    /// An input was read in a format worth naming in the summary (HTML, a feed, an
    /// archive…), which held `parts` documents or members.
    Format {
        /// The format's name (`html`, `zip`, `warc`…).
        name: &'static str,
        /// Pages, items or members it held.
        parts: usize,
    },
}

/// The files to read, and the paths that could not be read (each with why).
#[derive(Debug, Default)]
pub struct Listing {
    /// Files, in order.
    pub files: Vec<PathBuf>,
    /// `PATH: reason` for each path skipped (dangling symlink, loop, no permission).
    pub unreadable: Vec<String>,
}

/// The files below `paths` (directories recursively, sorted), skipping hidden ones and
/// the directory `exclude` (the index being written, wherever it is); in directories,
/// only those matching `globs` when any are given. `-` stands for stdin. A path that
/// cannot be read is listed in [`Listing::unreadable`], and the rest is still listed.
pub(crate) fn list_files(paths: &[PathBuf], globs: &[String], exclude: Option<&Path>) -> Result<Listing> {
    let filter = ListFilter::new(globs, exclude)?;
    let mut out = Listing::default();
    for p in paths {
        if p.as_os_str() == "-" {
            out.files.push(p.clone());
            continue;
        }
        filter.walk(p, p, &mut out);
    }
    Ok(out)
}

/// Of the paths `changed` below the listed `roots` (canonical, as a watcher reports
/// them), the files a listing of the roots would hold: changed files, and the files of
/// changed directories (created or moved in). Nothing else is looked at, so a change
/// in a folder of 20,000 files costs the change.
pub(crate) fn list_changed(
    roots: &[PathBuf],
    changed: &[PathBuf],
    globs: &[String],
    exclude: Option<&Path>,
) -> Result<Listing> {
    let filter = ListFilter::new(globs, exclude)?;
    let roots: Vec<PathBuf> =
        roots.iter().filter(|r| r.as_os_str() != "-").filter_map(|r| fs::canonicalize(r).ok()).collect();
    let mut out = Listing::default();
    for c in changed {
        let Some(root) = roots.iter().find(|r| c.starts_with(r)) else { continue };
        let rel = c.strip_prefix(root).unwrap_or(c);
        let hidden = rel.components().any(|p| p.as_os_str().to_string_lossy().starts_with('.'));
        if hidden || !c.exists() {
            continue;
        }
        if c.is_dir() {
            filter.walk(c, root, &mut out);
        } else if c == root || (!filter.is_excluded(c) && filter.matches(rel, c)) {
            out.files.push(c.clone());
        }
    }
    out.files.sort();
    out.files.dedup();
    Ok(out)
}

/// Which files a listing keeps: not hidden, not in the excluded directory, matching the
/// globs (by their path below the listed root, or their name).
struct ListFilter<'g> {
    set: globset::GlobSet,
    globs: &'g [String],
    excluded: Option<PathBuf>,
}

impl<'g> ListFilter<'g> {
    fn new(globs: &'g [String], exclude: Option<&Path>) -> Result<Self> {
        let mut set = globset::GlobSetBuilder::new();
        for g in globs {
            set.add(globset::Glob::new(g).with_context(|| format!("--glob: '{g}' is not a valid pattern"))?);
        }
        let set = set.build().context("--glob")?;
        Ok(ListFilter { set, globs, excluded: exclude.and_then(|e| fs::canonicalize(e).ok()) })
    }

    fn is_excluded(&self, p: &Path) -> bool {
        self.excluded.as_ref().is_some_and(|e| fs::canonicalize(p).is_ok_and(|c| c.starts_with(e)))
    }

    /// Whether the file at `rel` below its root (`path` in full) is kept.
    /// A compressed file matches by the name inside its compression (`news.jsonl.gz`
    /// for `*.jsonl`), and an archive is always listed: the globs select its members.
    fn matches(&self, rel: &Path, path: &Path) -> bool {
        if self.globs.is_empty() || self.set.is_match(rel) || path.file_name().is_some_and(|n| self.set.is_match(n)) {
            return true;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let archive = [".zip", ".tar", ".tgz", ".tbz2", ".txz", ".tzst"].iter().any(|e| name.ends_with(e))
            || container::inner_name(&name).ends_with(".tar");
        archive || self.set.is_match(container::inner_name(&name))
    }

    /// Lists `p` (a file, kept whatever its name; or a directory, walked) into `out`;
    /// globs match paths relative to `root`.
    fn walk(&self, p: &Path, root: &Path, out: &mut Listing) {
        let meta = match fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                out.unreadable.push(format!("{}: {}", p.display(), io_reason(&e, p)));
                return;
            }
        };
        if meta.is_file() {
            if !self.is_excluded(p) {
                out.files.push(p.to_path_buf());
            }
            return;
        }
        let walker = walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name().into_iter();
        let entries = walker.filter_entry(|e| {
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            e.depth() == 0 || !(hidden || (e.file_type().is_dir() && self.is_excluded(e.path())))
        });
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let at = e.path().unwrap_or(p).to_path_buf();
                    let reason = if e.loop_ancestor().is_some() {
                        "a symbolic link loop".to_string()
                    } else {
                        e.io_error().map_or_else(|| e.to_string(), |io| io_reason(io, &at))
                    };
                    out.unreadable.push(format!("{}: {reason}", at.display()));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            if self.matches(rel, entry.path()) {
                out.files.push(entry.into_path());
            }
        }
    }
}

/// Why `path` could not be read, in a user's words.
fn io_reason(e: &std::io::Error, path: &Path) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound if fs::symlink_metadata(path).is_ok() => {
            "a symbolic link to nothing (its target does not exist)".into()
        }
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ if e.raw_os_error() == Some(40) => "a symbolic link loop".into(),
        _ => e.to_string(),
    }
}

/// Text decoded from a file's bytes.
#[derive(Debug)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// Lines (1-based) where bytes that are not UTF-8 were replaced by U+FFFD, in a file
    /// read as UTF-8.
    pub replaced_lines: Vec<usize>,
}

/// Decodes file bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, UTF-8 with
/// a few broken bytes (replaced, their lines reported), else the encoding chardetng
/// guesses (GB18030/GBK, Big5, …). `None` for binary data.
///
/// "Mostly UTF-8" is decided by counting: in GBK or Big5 text most characters are byte
/// pairs that are not valid UTF-8, and only a few happen to be; in a UTF-8 file with a
/// stray byte or one pasted GBK paragraph the valid multi-byte characters far outnumber
/// the invalid bytes.
pub fn decode(bytes: Vec<u8>) -> Option<Decoded> {
    let whole = |text: String| Decoded { text, replaced_lines: Vec::new() };
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return Some(whole(text.into_owned()));
    }
    let sample = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, sample).is_some() {
        return None;
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(s) => return Some(whole(s)),
        Err(e) => e.into_bytes(),
    };
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    if multibyte >= 2 * invalid {
        let mut replaced_lines = Vec::new();
        let mut line = 1;
        let mut text = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            line += memchr::memchr_iter(b'\n', chunk.valid().as_bytes()).count();
            text.push_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                text.push(char::REPLACEMENT_CHARACTER);
                if replaced_lines.last() != Some(&line) {
                    replaced_lines.push(line);
                }
            }
        }
        return Some(Decoded { text, replaced_lines });
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(&bytes[..bytes.len().min(1 << 20)], bytes.len() <= 1 << 20);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(&bytes);
    Some(whole(text.into_owned()))
}

/// Reads one file (already decoded) and emits its records and problems.
pub fn read_text(path: &str, text: &str, opts: &Options, emit: &mut dyn FnMut(Item)) {
    let body = text.trim_start_matches('\u{feff}');
    let lower = container::inner_name(path).to_ascii_lowercase();
    let format = opts.format.unwrap_or_else(|| {
        let first = body.trim_start().chars().next();
        if matches!(first, Some('[') | Some('{')) {
            InputFormat::Json
        } else if lower.ends_with(".csv") || (!lower.ends_with(".txt") && csv::sniff(body, ',', opts)) {
            InputFormat::Csv
        } else if lower.ends_with(".tsv") || (!lower.ends_with(".txt") && csv::sniff(body, '\t', opts)) {
            InputFormat::Tsv
        } else {
            InputFormat::Text
        }
    });
    match format {
        InputFormat::Json | InputFormat::Jsonl => {
            if !json::read(path, body, opts, emit) {
                if opts.format.is_some() {
                    emit(Item::Problem(Problem {
                        path: path.into(),
                        line: 0,
                        message: "not JSON; skipped".into(),
                        lost: Lost::File,
                    }));
                } else {
                    text::read(path, body, opts, emit);
                }
            }
        }
        InputFormat::Csv => csv::read(path, body, b',', opts, emit),
        InputFormat::Tsv => csv::read(path, body, b'\t', opts, emit),
        InputFormat::Text => text::read(path, body, opts, emit),
        InputFormat::Html => html::read(path, body.as_bytes().to_vec(), &html::Hints::default(), opts, emit),
        InputFormat::Feed => {
            let parts = feed::read(path, body.as_bytes(), emit);
            emit(Item::Format { name: "feed", parts });
        }
        // Binary formats are recognised before the bytes are decoded as text.
        InputFormat::Warc | InputFormat::Pdf | InputFormat::Docx => emit(Item::Problem(Problem::file(
            path,
            &format!("not a {} file; skipped", opts.format.map_or("", |f| f.name())),
        ))),
    }
}

/// Reads one input: a file, or standard input for `-`. JSON Lines in UTF-8 are streamed
/// a line at a time, so an input of any size is read in bounded memory; other inputs
/// are read whole. Returns the number of bytes read.
pub(crate) fn read_file(file: &Path, opts: &Options, emit: &mut dyn FnMut(Item)) -> Result<u64> {
    if file.as_os_str() == "-" {
        let stdin = std::io::stdin();
        return read_from(crate::paths::STDIN, stdin.lock(), None, opts, emit).context("cannot read standard input");
    }
    let mut handle = fs::File::open(file).with_context(|| format!("cannot read '{}'", file.display()))?;
    let size = handle.metadata().map(|m| m.len()).ok();
    // The same file however it was named and wherever sou runs: relative to the index's
    // base when below it, else absolute.
    let shown = crate::paths::shown(file, opts.base.as_deref());
    let cannot = || format!("cannot read '{}'", file.display());
    // A zip is read where it lies (its directory is at the end); everything else streams.
    let mut magic = [0u8; 4];
    let n = handle.read(&mut magic).with_context(cannot)?;
    if n == 4 && container::is_zip(&magic) && !matches!(opts.format, Some(f) if f.is_text()) {
        use std::io::Seek;
        handle.rewind().with_context(cannot)?;
        let counts = archive::read_zip(&shown, BufReader::new(handle), 1, opts, emit).with_context(cannot)?;
        emit(Item::Format { name: if counts.document { "docx" } else { "zip" }, parts: counts.members });
        return Ok(size.unwrap_or(0));
    }
    let input = std::io::Cursor::new(magic[..n].to_vec()).chain(handle);
    read_from(&shown, input, size, opts, emit).with_context(cannot)
}

/// What [`read_appended`] read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Appended {
    /// Where reading stopped: after the last complete line (or the end of the file).
    pub end: u64,
    /// XXH3-64 of the file's bytes up to `end`.
    pub hash: u64,
}

/// Whether the file at `path` holds JSON Lines (by its first line), without reading it.
pub(crate) fn is_json_lines(path: &Path) -> bool {
    let Ok(mut f) = fs::File::open(path) else { return false };
    let mut head = vec![0u8; 64 * 1024];
    let n = f.read(&mut head).unwrap_or(0);
    json::looks_like_json_lines(&head[..n])
}

/// Reads the records of the JSON Lines appended to `file` after byte `from`, when its
/// first `from` bytes still hash to `prefix` (else `None`: nothing was read, the file
/// changed before that point and must be read whole). With `whole_lines`, a last line
/// without its newline is left for later (it is probably still being written). Memory
/// stays bounded whatever the file's size: the prefix is hashed, the rest streamed.
pub(crate) fn read_appended(
    file: &Path,
    from: u64,
    prefix: u64,
    whole_lines: bool,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) -> Result<Option<Appended>> {
    use std::hash::Hasher;
    use std::io::{Seek, SeekFrom};
    let cannot = || format!("cannot read '{}'", file.display());
    let mut handle = fs::File::open(file).with_context(cannot)?;
    let len = handle.metadata().with_context(cannot)?.len();
    if len < from {
        return Ok(None);
    }
    // The prefix: the same bytes as when read (hashed), and how many lines it has.
    let mut hasher = twox_hash::XxHash3_64::new();
    let mut lines = 0usize;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = from;
    let mut last = b'\n';
    while left > 0 {
        let n = handle.read(&mut buf[..left.min(1 << 20) as usize]).with_context(cannot)?;
        if n == 0 {
            return Ok(None);
        }
        hasher.write(&buf[..n]);
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count();
        last = buf[n - 1];
        left -= n as u64;
    }
    // A prefix ending inside a line (no newline): what follows may continue that line.
    if from > 0 && (hasher.finish() != prefix || last != b'\n') {
        return Ok(None);
    }
    let end = if whole_lines { after_last_newline(&mut handle, from, len).with_context(cannot)? } else { len };
    handle.seek(SeekFrom::Start(from)).with_context(cannot)?;
    let shown = crate::paths::shown(file, opts.base.as_deref());
    let tee = Tee { inner: handle.take(end - from), hasher: &mut hasher };
    json::stream_lines(&shown, BufReader::with_capacity(1 << 20, tee), lines, opts, emit).with_context(cannot)?;
    Ok(Some(Appended { end, hash: hasher.finish() }))
}

/// The offset just after the last newline of `file` between `from` and `len` (`from`
/// when there is none).
fn after_last_newline(file: &mut fs::File, from: u64, len: u64) -> std::io::Result<u64> {
    use std::io::{Seek, SeekFrom};
    let mut buf = vec![0u8; 64 * 1024];
    let mut hi = len;
    while hi > from {
        let lo = hi.saturating_sub(buf.len() as u64).max(from);
        let chunk = &mut buf[..(hi - lo) as usize];
        file.seek(SeekFrom::Start(lo))?;
        file.read_exact(chunk)?;
        if let Some(i) = memchr::memrchr(b'\n', chunk) {
            return Ok(lo + i as u64 + 1);
        }
        hi = lo;
    }
    Ok(from)
}

/// A reader that hashes what it reads.
struct Tee<'h, R> {
    inner: R,
    hasher: &'h mut twox_hash::XxHash3_64,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::hash::Hasher;
        let n = self.inner.read(buf)?;
        self.hasher.write(&buf[..n]);
        Ok(n)
    }
}

/// Reads one input from `input`, counting its bytes.
fn read_from(
    path: &str,
    input: impl Read,
    size: Option<u64>,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) -> std::io::Result<u64> {
    let count = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let counted = Counting { inner: input, count: count.clone() };
    read_input(path, Box::new(counted), size, 0, opts, emit)?;
    Ok(count.get())
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Reads one input named `path` (a file, a member of an archive, a decompressed
/// stream), `depth` containers deep: containers are opened by their magic bytes, then
/// the format is recognised by content (or forced by `--format`).
pub(crate) fn read_input<'a>(
    path: &str,
    input: Box<dyn Read + 'a>,
    size: Option<u64>,
    depth: usize,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) -> std::io::Result<()> {
    if depth > container::LIMITS.max_depth {
        let message = format!("nested more than {} containers deep; skipped", container::LIMITS.max_depth);
        emit(Item::Problem(Problem::file(path, &message)));
        return Ok(());
    }
    let (head, input) = container::peek(input, 1024)?;
    let forced = opts.format;
    let textual = matches!(forced, Some(f) if f.is_text());
    if let Some(c) = container::Compression::sniff(&head) {
        let (inner, cut) = c.decoder(BufReader::with_capacity(1 << 16, input))?;
        emit(Item::Format { name: c.name(), parts: 0 });
        read_input(path, inner, None, depth + 1, opts, emit)?;
        match cut.get() {
            // Nothing came out: not a stream of this kind after all; tried again next run.
            Some((0, why)) => emit(Item::Problem(Problem::file(path, &format!("{why}; skipped")))),
            Some((at, why)) => {
                let message = format!(
                    "the {} stream is cut short or damaged after {:.1} MB of text ({why}); what came before it is read",
                    c.name(),
                    at as f64 / 1e6
                );
                emit(Item::Problem(Problem { path: path.into(), line: 0, message, lost: Lost::Unknown }));
            }
            None => {}
        }
        return Ok(());
    }
    if !textual && container::is_zip(&head) {
        let limit = container::LIMITS.max_in_memory;
        let mut bytes = Vec::new();
        input.take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            let message = format!("a zip archive larger than {} GiB inside another container; skipped", limit >> 30);
            emit(Item::Problem(Problem::file(path, &message)));
            return Ok(());
        }
        let counts = archive::read_zip(path, std::io::Cursor::new(bytes), depth + 1, opts, emit)?;
        emit(Item::Format { name: if counts.document { "docx" } else { "zip" }, parts: counts.members });
        return Ok(());
    }
    if !textual && container::is_tar(&head) {
        let counts = archive::read_tar(path, input, depth + 1, opts, emit)?;
        emit(Item::Format { name: "tar", parts: counts.members });
        return Ok(());
    }
    if forced == Some(InputFormat::Warc) || (forced.is_none() && head.starts_with(b"WARC/")) {
        let counts = warc::read(path, BufReader::with_capacity(1 << 20, input), opts, emit)?;
        emit(Item::Format { name: "warc", parts: counts.pages });
        return Ok(());
    }
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let streamable = matches!(forced, None | Some(InputFormat::Jsonl));
    if streamable && json::looks_like_json_lines(&head) {
        return json::stream_lines(path, reader, 0, opts, emit).map(|_| ());
    }
    let mut bytes = Vec::with_capacity(size.unwrap_or(0).min(1 << 30) as usize);
    reader.read_to_end(&mut bytes)?;
    let name = container::inner_name(path);
    if forced == Some(InputFormat::Pdf) || (forced.is_none() && bytes.starts_with(b"%PDF-")) {
        pdf::read(path, &bytes, opts, emit);
        emit(Item::Format { name: "pdf", parts: 1 });
        return Ok(());
    }
    if matches!(forced, None | Some(InputFormat::Html)) && mhtml::looks_like(&head, name) {
        let parts = usize::from(mhtml::read(path, &bytes, opts, emit));
        emit(Item::Format { name: "mhtml", parts });
        return Ok(());
    }
    if forced == Some(InputFormat::Html)
        || (forced.is_none() && !feed::looks_like(&head) && html::looks_like(&head, name))
    {
        html::read(path, bytes, &html::Hints::default(), opts, emit);
        emit(Item::Format { name: "html", parts: 1 });
        return Ok(());
    }
    if forced == Some(InputFormat::Feed) || (forced.is_none() && feed::looks_like(&head)) {
        let parts = feed::read(path, &bytes, emit);
        emit(Item::Format { name: "feed", parts });
        return Ok(());
    }
    if matches!(forced, Some(InputFormat::Docx)) {
        emit(Item::Problem(Problem::file(path, "not a DOCX or ODT document; skipped")));
        return Ok(());
    }
    match decode(bytes) {
        Some(decoded) => {
            if let Some(first) = decoded.replaced_lines.first() {
                let more = match decoded.replaced_lines.len() {
                    1 => String::new(),
                    n => format!(" (and on {} more lines)", n - 1),
                };
                emit(Item::Problem(Problem {
                    path: path.into(),
                    line: *first,
                    message: format!("invalid UTF-8{more}; the bad bytes are replaced by U+FFFD"),
                    lost: Lost::Nothing,
                }));
            }
            read_text(path, &decoded.text, opts, emit)
        }
        None => emit(Item::Problem(Problem {
            path: path.into(),
            line: 0,
            message: "not a text file; skipped".into(),
            lost: Lost::File,
        })),
    }
    Ok(())
}

/// Fills in defaults and cleans up a record's text before it is indexed.
pub fn finish(mut r: Record, opts: &Options) -> Record {
    let a = &mut r.article;
    let title = one_line(a.text(Field::Title));
    a.set(Field::Title, Some(title));
    let content = normalize_newlines(a.text(Field::Content));
    a.set(Field::Content, Some(content));
    if a.get(Field::Source).is_none_or(|s| s.trim().is_empty()) {
        a.set(Field::Source, opts.default_source.clone());
    }
    if a.date.is_none() {
        a.date = opts.default_date;
    }
    r
}

/// A title on one line: lines are joined directly where Chinese text was broken (as the
/// hard-wrap repair does), with one space between other words.
pub fn one_line(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for line in title.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let cjk_break = out.chars().last().is_some_and(crate::analysis::chars::is_cjk)
            || line.chars().next().is_some_and(crate::analysis::chars::is_cjk);
        if !out.is_empty() && !cjk_break {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// `\r\n` and lone `\r` (as in WeChat exports) become `\n`.
pub(crate) fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_lists_what_a_listing_of_its_root_would() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = fs::canonicalize(dir.path()).expect("canonical");
        for f in ["a.json", "b.txt", ".hidden/c.json", "sub/d.json", "idx/e.json"] {
            let p = root.join(f);
            fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            fs::write(&p, "{}").expect("write");
        }
        let globs = vec!["*.json".to_string()];
        let changed: Vec<PathBuf> = ["a.json", "b.txt", ".hidden/c.json", "sub", "idx/e.json", "gone.json"]
            .iter()
            .map(|f| root.join(f))
            .collect();
        let got = list_changed(std::slice::from_ref(&root), &changed, &globs, Some(&root.join("idx"))).expect("list");
        assert_eq!(got.files, [root.join("a.json"), root.join("sub/d.json")]);
        let whole = list_files(std::slice::from_ref(&root), &globs, Some(&root.join("idx"))).expect("list");
        assert_eq!(whole.files, got.files, "the same files as a listing of the root");
        // Outside every root: nothing.
        assert!(list_changed(&[root.join("sub")], &[root.join("a.json")], &[], None).expect("list").files.is_empty());
    }
}
