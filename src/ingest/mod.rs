//! Ingestion: turn files (or standard input) into [`Record`]s. Formats are recognised
//! by content; encodings are detected; keys are mapped onto sou's fields; a broken
//! record is reported as `FILE:LINE: reason` and skipped, never the whole run.

pub mod csv;
pub mod fields;
pub mod json;
pub mod text;

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::article::{Article, Field};
use crate::dates;
use fields::KeyMap;

/// One article, as read from its file, with where in the file it was found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// The article. Its id is the record's own id, if it has one; its path the file.
    pub article: Article,
    /// Line of the file where the record starts (1-based).
    pub line: usize,
    /// Position of the record in its file (1-based).
    pub ordinal: usize,
    /// Whether the file holds this one record only.
    pub whole_file: bool,
}

impl Record {
    /// A record of the file `path`, found at `line`, the `ordinal`-th of the file.
    pub fn at(path: &str, line: usize, ordinal: usize, whole_file: bool) -> Record {
        Record { article: Article::default().with(Field::Path, path), line, ordinal, whole_file }
    }

    /// The document's identity: its own id, else its path (and position in the file).
    pub fn identity(&self) -> String {
        let path = self.article.text(Field::Path);
        match self.article.get(Field::Id) {
            Some(id) => id.to_string(),
            None if self.whole_file => path.to_string(),
            None => format!("{path}#{}", self.ordinal),
        }
    }
}

/// Something in the input that could not be read, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The file (as shown to the user).
    pub path: String,
    /// 1-based line; 0 when it concerns the whole file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// A warning keeps the record (e.g. an unparseable date); otherwise it is skipped.
    pub warning_only: bool,
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: None,
            keys: KeyMap::default(),
            tz: dates::default_tz(),
            default_source: None,
            default_date: None,
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

/// The files below `paths` (directories recursively, sorted), skipping hidden ones; in
/// directories, only those matching `globs` when any are given. `-` stands for stdin.
pub fn list_files(paths: &[PathBuf], globs: &[String]) -> Result<Vec<PathBuf>> {
    let mut set = globset::GlobSetBuilder::new();
    for g in globs {
        set.add(globset::Glob::new(g).with_context(|| format!("--glob: '{g}' is not a valid pattern"))?);
    }
    let set = set.build().context("--glob")?;
    let mut files = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            files.push(p.clone());
            continue;
        }
        let meta = fs::metadata(p).with_context(|| format!("cannot read '{}'", p.display()))?;
        if meta.is_file() {
            files.push(p.clone());
            continue;
        }
        let walker = walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name().into_iter();
        for entry in walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')) {
            let entry = entry.with_context(|| format!("cannot walk '{}'", p.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(p).unwrap_or(entry.path());
            if globs.is_empty() || set.is_match(rel) || set.is_match(entry.file_name()) {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

/// A path as shown to the user and used in document ids: without a leading `./`.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    let mut s: &str = &s;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// Decodes file bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else the
/// encoding chardetng guesses (GB18030/GBK, Big5, …). `None` for binary data.
pub fn decode(bytes: Vec<u8>) -> Option<String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return Some(text.into_owned());
    }
    let sample = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, sample).is_some() {
        return None;
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(s) => return Some(s),
        Err(e) => e.into_bytes(),
    };
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(&bytes[..bytes.len().min(1 << 20)], bytes.len() <= 1 << 20);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    if enc == encoding_rs::UTF_8 {
        // Mostly UTF-8 with broken sequences: keep the good parts.
        return Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    let (text, _, _) = enc.decode(&bytes);
    Some(text.into_owned())
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
                        warning_only: false,
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
pub fn read_file(file: &Path, opts: &Options, emit: &mut dyn FnMut(Item)) -> Result<u64> {
    if file.as_os_str() == "-" {
        let stdin = std::io::stdin();
        return read_from("<stdin>", stdin.lock(), None, opts, emit).context("cannot read standard input");
    }
    let handle = fs::File::open(file).with_context(|| format!("cannot read '{}'", file.display()))?;
    let size = handle.metadata().map(|m| m.len()).ok();
    read_from(&display_path(file), handle, size, opts, emit)
        .with_context(|| format!("cannot read '{}'", file.display()))
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
        Some(text) => read_text(path, &text, opts, emit),
        None => emit(Item::Problem(Problem {
            path: path.into(),
            line: 0,
            message: "not a text file; skipped".into(),
            warning_only: false,
        })),
    }
    Ok(n)
}

/// Fills in defaults and cleans up a record's text before it is indexed.
pub fn finish(mut r: Record, opts: &Options) -> Record {
    let a = &mut r.article;
    let title = a.text(Field::Title).trim().to_string();
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

/// `\r\n` and lone `\r` (as in WeChat exports) become `\n`.
pub fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}
