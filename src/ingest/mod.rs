//! Ingestion: turn files (or standard input) into [`Record`]s. Formats are recognised
//! by content; encodings are detected; keys are mapped onto sou's fields; a broken
//! record is reported as `FILE:LINE: reason` and skipped, never the whole run.

pub mod csv;
pub mod fields;
pub mod json;
pub mod text;

use crate::names::Named;
use std::fs;
use std::io::{BufRead, BufReader, Read};
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
}

impl Named for InputFormat {
    const VALUES: &'static [(Self, &'static str, &'static str)] = &[
        (Self::Json, "json", "A JSON array of records, or one JSON object"),
        (Self::Jsonl, "jsonl", "One JSON object per line"),
        (Self::Csv, "csv", "Comma-separated values with a header row"),
        (Self::Tsv, "tsv", "Tab-separated values with a header row"),
        (Self::Text, "text", "A plain-text (or Markdown) article"),
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
        }
    }
}

/// What the reader found in the input: records, or problems.
pub enum Item {
    /// A record to index.
    Record(Record),
    /// Something that could not be read.
    Problem(Problem),
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
    let mut set = globset::GlobSetBuilder::new();
    for g in globs {
        set.add(globset::Glob::new(g).with_context(|| format!("--glob: '{g}' is not a valid pattern"))?);
    }
    let set = set.build().context("--glob")?;
    let excluded = exclude.and_then(|e| fs::canonicalize(e).ok());
    let is_excluded = |p: &Path| excluded.as_ref().is_some_and(|e| fs::canonicalize(p).is_ok_and(|c| c.starts_with(e)));
    let mut out = Listing::default();
    for p in paths {
        if p.as_os_str() == "-" {
            out.files.push(p.clone());
            continue;
        }
        let meta = match fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                out.unreadable.push(format!("{}: {}", p.display(), io_reason(&e, p)));
                continue;
            }
        };
        if meta.is_file() {
            if !is_excluded(p) {
                out.files.push(p.clone());
            }
            continue;
        }
        let walker = walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name().into_iter();
        let entries = walker.filter_entry(|e| {
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            e.depth() == 0 || !(hidden || (e.file_type().is_dir() && is_excluded(e.path())))
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
            let rel = entry.path().strip_prefix(p).unwrap_or(entry.path());
            if globs.is_empty() || set.is_match(rel) || set.is_match(entry.file_name()) {
                out.files.push(entry.into_path());
            }
        }
    }
    Ok(out)
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
    let lower = path.to_ascii_lowercase();
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
    let handle = fs::File::open(file).with_context(|| format!("cannot read '{}'", file.display()))?;
    let size = handle.metadata().map(|m| m.len()).ok();
    // The same file however it was named and wherever sou runs: relative to the index's
    // base when below it, else absolute.
    let shown = crate::paths::shown(file, opts.base.as_deref());
    read_from(&shown, handle, size, opts, emit).with_context(|| format!("cannot read '{}'", file.display()))
}

fn read_from(
    path: &str,
    input: impl Read,
    size: Option<u64>,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) -> std::io::Result<u64> {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let head = reader.fill_buf()?;
    let streamable = matches!(opts.format, None | Some(InputFormat::Jsonl));
    if streamable && json::looks_like_json_lines(head) {
        return json::stream_lines(path, reader, opts, emit);
    }
    let mut bytes = Vec::with_capacity(size.unwrap_or(0) as usize);
    reader.read_to_end(&mut bytes)?;
    let n = bytes.len() as u64;
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
    Ok(n)
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
