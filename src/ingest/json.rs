//! JSON input: an array of records, one record object, an object holding an array of
//! records, or JSON Lines (one record per line).

use std::io::BufRead;

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::fields::Field;
use super::{finish, Item, Lost, Options, Problem, Record};
use crate::dates;

/// Reads `text` as JSON; returns false when it is not JSON at all (then it is text).
pub fn read(path: &str, text: &str, opts: &Options, emit: &mut dyn FnMut(Item)) -> bool {
    let start = text.len() - text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}').len();
    match text.as_bytes().get(start) {
        Some(b'[') => read_array(path, text, start, opts, emit),
        Some(b'{') => match serde_json::from_str::<BTreeMap<String, &RawValue>>(text) {
            Ok(obj) => {
                read_object(path, text, obj, opts, emit);
                true
            }
            Err(e) if e.is_syntax() || e.is_eof() => read_lines(path, text, opts, emit),
            Err(_) => false,
        },
        _ => false,
    }
}

/// How deep in wrapper objects an array of records is looked for:
/// `{"data": {"list": [...]}}` is two levels.
const WRAPPER_DEPTH: usize = 2;

/// The first array of objects among the values of `obj`, or of objects within it, up
/// to `depth` levels down.
fn records_array<'a>(obj: &BTreeMap<String, &'a RawValue>, depth: usize) -> Option<&'a RawValue> {
    let holds_records = |raw: &RawValue| {
        let t = raw.get();
        t.starts_with('[') && t[1..].trim_start().starts_with('{')
    };
    if let Some(raw) = obj.values().find(|raw| holds_records(raw)) {
        return Some(raw);
    }
    if depth <= 1 {
        return None;
    }
    obj.values().filter(|raw| raw.get().starts_with('{')).find_map(|raw| {
        let inner: BTreeMap<String, &'a RawValue> = serde_json::from_str(raw.get()).ok()?;
        records_array(&inner, depth - 1)
    })
}

/// A top-level object: either one record, or a wrapper holding the records as an array
/// (`{"data": [...]}`, also one level deeper: `{"data": {"list": [...]}}`), recognised
/// when it has no title or content of its own.
fn read_object(path: &str, text: &str, obj: BTreeMap<String, &RawValue>, opts: &Options, emit: &mut dyn FnMut(Item)) {
    let array = records_array(&obj, WRAPPER_DEPTH);
    let has_text = opts
        .keys
        .resolve(&obj.keys().collect::<Vec<_>>())
        .iter()
        .any(|(f, _)| matches!(f, Field::Title | Field::Content));
    match array {
        Some(raw) if !has_text => {
            // The raw value borrows from `text`: its offset gives the records' lines.
            let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
            read_array(path, text, start, opts, emit);
        }
        _ => {
            emit_object(path, 1, 1, parse_mapped(obj, opts), opts, emit);
        }
    }
}

/// Line numbers of byte offsets met in increasing order.
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl Lines<'_> {
    fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset > self.at {
            self.line += memchr::memchr_iter(b'\n', &self.text[self.at..offset]).count();
            self.at = offset;
        }
        self.line
    }
}

/// Where to go on after the element starting at byte `element` of `bytes` turned out
/// broken: when the element starts its own line (a pretty-printed array), the next line
/// that starts at the same indentation with `{` (the next element) or further left with
/// `]` (the array's end). `None` when there is no such line, or the element shares its
/// line with others (then where it ends cannot be told).
fn resume_after(bytes: &[u8], element: usize) -> Option<usize> {
    let line_start = bytes[..element].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let indent = &bytes[line_start..element];
    if !indent.iter().all(|b| *b == b' ' || *b == b'\t') {
        return None;
    }
    let mut at = element;
    while let Some(nl) = memchr::memchr(b'\n', &bytes[at..]) {
        let line = at + nl + 1;
        let first = line + bytes[line..].iter().take_while(|b| **b == b' ' || **b == b'\t').count();
        match bytes.get(first) {
            Some(b'{') if &bytes[line..first] == indent => return Some(first),
            Some(b']') if first - line < indent.len() => return Some(first),
            _ => at = line,
        }
    }
    None
}

/// What a file cut off inside a JSON array is told.
const TRUNCATED: &str = "the file ends inside a JSON array; the rest is missing";

/// Reads the array starting at byte `start` of `text` one element at a time, each record
/// reported at its own line. A broken element is skipped when the array is
/// pretty-printed (each element starting its own line); otherwise the rest of the array
/// is lost, and the error says how many bytes. Returns false when not even the first
/// element is JSON (a text that happens to start with `[`).
fn read_array(path: &str, text: &str, start: usize, opts: &Options, emit: &mut dyn FnMut(Item)) -> bool {
    let mut array = ArrayReader {
        path,
        text,
        opts,
        emit,
        lines: Lines { text: text.as_bytes(), at: 0, line: 1 },
        pending: None,
        objects: 0,
        elements: 0,
    };
    let mut pos = array.skip_ws(start + 1);
    if text.as_bytes().get(pos) == Some(&b']') {
        return true;
    }
    let failure = loop {
        let read = array.element(&mut pos);
        match read.and_then(|separated| if separated { array.separator(&mut pos) } else { Ok(()) }) {
            Ok(()) => {}
            Err(Stop::End) => break None,
            Err(Stop::NotJson) => return false,
            Err(Stop::Lost(problem)) => break Some(*problem),
        }
    };
    array.flush();
    if let Some(f) = failure {
        (array.emit)(f);
    }
    true
}

/// Why reading an array stops.
enum Stop {
    /// At its closing bracket.
    End,
    /// Before its first element: it is not JSON after all.
    NotJson,
    /// At an error past which nothing can be read: the problem to report.
    Lost(Box<Item>),
}

/// A JSON array of records read element by element, each record reported at its own
/// line; a broken element of a pretty-printed array is skipped alone.
struct ArrayReader<'a, 'e> {
    path: &'a str,
    text: &'a str,
    opts: &'a Options,
    emit: &'e mut dyn FnMut(Item),
    lines: Lines<'a>,
    /// The previous object, held back until we know whether it is the array's only one.
    pending: Option<(usize, Map<String, Value>)>,
    objects: usize,
    elements: usize,
}

impl ArrayReader<'_, '_> {
    fn skip_ws(&self, mut i: usize) -> usize {
        while self.text.as_bytes().get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    }

    fn problem(&self, line: usize, message: String, lost: Lost) -> Item {
        Item::Problem(Problem { path: self.path.into(), line, message, lost })
    }

    /// Emits the object held back.
    fn flush(&mut self) {
        if let Some((l, o)) = self.pending.take() {
            emit_object(self.path, l, self.objects, o, self.opts, self.emit);
        }
    }

    /// Reads the element at `pos` and moves past it: to the separator that follows it
    /// (true), or (after a broken element skipped alone) to the next element (false).
    fn element(&mut self, pos: &mut usize) -> Result<bool, Stop> {
        let line = self.lines.line_of(*pos);
        let mut stream = serde_json::Deserializer::from_str(&self.text[*pos..]).into_iter::<&RawValue>();
        match stream.next() {
            Some(Ok(raw)) => {
                self.elements += 1;
                *pos += stream.byte_offset();
                match record(raw, self.opts) {
                    Ok(obj) => {
                        self.objects += 1;
                        if let Some((l, o)) = self.pending.replace((line, obj)) {
                            emit_object(self.path, l, self.objects - 1, o, self.opts, self.emit);
                        }
                    }
                    Err(message) => {
                        self.flush();
                        let p = self.problem(line, message, Lost::One);
                        (self.emit)(p);
                    }
                }
                Ok(true)
            }
            Some(Err(e)) => self.broken(pos, line, &e),
            None if self.elements == 0 => Err(Stop::NotJson),
            None => Err(Stop::Lost(Box::new(self.problem(line, TRUNCATED.into(), Lost::Unknown)))),
        }
    }

    /// After a syntax error in the element at `pos` (on `line`): skip to the next
    /// element when the array is pretty-printed, else give up on the rest.
    fn broken(&mut self, pos: &mut usize, line: usize, e: &serde_json::Error) -> Result<bool, Stop> {
        let bytes = self.text.as_bytes();
        if self.elements == 0 && bytes.get(*pos) != Some(&b'{') {
            return Err(Stop::NotJson);
        }
        let at = line + e.line().saturating_sub(1);
        let reason = e.to_string();
        let reason = reason.split(" at line ").next().unwrap_or_default();
        self.elements += 1;
        match resume_after(bytes, *pos) {
            Some(next) => {
                let p = self.problem(
                    line,
                    format!("invalid JSON at line {at} ({reason}); this record is skipped"),
                    Lost::One,
                );
                (self.emit)(p);
                *pos = next;
                if bytes[next] == b']' {
                    return Err(Stop::End);
                }
                Ok(false)
            }
            None => {
                let rest = bytes.len() - *pos;
                let message = format!("invalid JSON ({reason}); the remaining {rest} bytes of the array are skipped");
                Err(Stop::Lost(Box::new(self.problem(at, message, Lost::Unknown))))
            }
        }
    }

    /// Reads what follows an element: a comma (then the next element), or the end.
    fn separator(&mut self, pos: &mut usize) -> Result<(), Stop> {
        *pos = self.skip_ws(*pos);
        let bytes = self.text.as_bytes();
        let line = self.lines.line_of(*pos);
        match bytes.get(*pos) {
            Some(b',') => {
                *pos = self.skip_ws(*pos + 1);
                Ok(())
            }
            Some(b']') => Err(Stop::End),
            None => Err(Stop::Lost(Box::new(self.problem(line, TRUNCATED.into(), Lost::Unknown)))),
            // A missing comma between two records loses nothing.
            Some(b'{') => {
                let p = self.problem(line, "expected ',' before this record; read on".into(), Lost::Nothing);
                (self.emit)(p);
                Ok(())
            }
            Some(_) => {
                let rest = bytes.len() - *pos;
                let message =
                    format!("expected ',' or ']' after a record; the remaining {rest} bytes of the array are skipped");
                Err(Stop::Lost(Box::new(self.problem(line, message, Lost::Unknown))))
            }
        }
    }
}

/// One record from its raw JSON: the keys sou maps are parsed, the others are kept as
/// `null` without being parsed (an extra field nested 200 levels deep costs nothing and
/// cannot fail). `Err` says why it is not a record.
fn record(raw: &RawValue, opts: &Options) -> Result<Map<String, Value>, String> {
    let text = raw.get();
    if !text.starts_with('{') {
        let found = match text.as_bytes().first() {
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b'n') => "null",
            Some(b't' | b'f') => "a boolean",
            _ => "a number",
        };
        return Err(format!("expected a JSON object, found {found}; skipped"));
    }
    let raw_fields: BTreeMap<String, &RawValue> =
        serde_json::from_str(text).map_err(|e| format!("invalid JSON ({e}); skipped"))?;
    Ok(parse_mapped(raw_fields, opts))
}

/// The mapped fields parsed; the others unparsed: an empty string for a string (so that a
/// file whose text sits under keys no field reads can be told so), `null` otherwise.
fn parse_mapped(raw_fields: BTreeMap<String, &RawValue>, opts: &Options) -> Map<String, Value> {
    let keys: Vec<&String> = raw_fields.keys().collect();
    let mapped: Vec<usize> = opts.keys.resolve(&keys).into_iter().map(|(_, i)| i).collect();
    raw_fields
        .into_iter()
        .enumerate()
        .map(|(i, (k, raw))| {
            let v = if mapped.contains(&i) {
                serde_json::from_str(raw.get()).unwrap_or(Value::Null)
            } else if raw.get().starts_with('"') {
                Value::String(String::new())
            } else {
                Value::Null
            };
            (k, v)
        })
        .collect()
}

/// On a file's first record whose title or content came out empty: the string keys no
/// field reads, as a warning suggesting `--field` (once per file: the first record
/// stands for the file's layout).
fn unmapped_text(
    path: &str,
    line: usize,
    obj: &Map<String, Value>,
    mapped: &[(Field, usize)],
    empty: Field,
) -> Option<Item> {
    let unread: Vec<&str> = obj
        .iter()
        .enumerate()
        .filter(|(i, (_, v))| v.is_string() && !mapped.iter().any(|(_, j)| j == i))
        .map(|(_, (k, _))| k.as_str())
        .collect();
    let first = unread.first()?;
    let keys: Vec<String> = unread.iter().map(|k| format!("'{k}'")).collect();
    Some(Item::Problem(Problem {
        path: path.into(),
        line,
        message: format!(
            "the {} is empty and no field reads the text keys {}; map one with --field {}={first}",
            empty.name(),
            keys.join(", "),
            empty.name()
        ),
        lost: Lost::Nothing,
    }))
}

/// JSON Lines: one object per line; a broken line is reported and skipped. Returns
/// false when no line at all is JSON (then the file is read as text).
fn read_lines(path: &str, text: &str, opts: &Options, emit: &mut dyn FnMut(Item)) -> bool {
    let mut good = 0usize;
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        match parse_line(path, n + 1, line, opts) {
            None => {}
            Some(Ok(obj)) => {
                good += 1;
                for p in problems.drain(..) {
                    emit(Item::Problem(p));
                }
                emit_object(path, n + 1, good, obj, opts, emit);
            }
            Some(Err(p)) => problems.push(p),
        }
        if good == 0 && problems.len() > 3 {
            return false;
        }
    }
    if good == 0 {
        return false;
    }
    for p in problems {
        emit(Item::Problem(p));
    }
    true
}

/// One line of JSON Lines: `None` when blank, else the object or why it is skipped.
fn parse_line(path: &str, line_no: usize, line: &str, opts: &Options) -> Option<Result<Map<String, Value>, Problem>> {
    let t = line.trim();
    if t.is_empty() {
        return None;
    }
    let problem = |message: String| Problem { path: path.into(), line: line_no, message, lost: Lost::One };
    Some(match serde_json::from_str::<&RawValue>(t) {
        Ok(raw) => record(raw, opts).map_err(problem),
        Err(e) => Err(problem(format!("invalid JSON ({e}); skipped"))),
    })
}

/// Whether a file starting with `head` is JSON Lines in UTF-8: its first line is a
/// whole JSON object.
pub(crate) fn looks_like_json_lines(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    if head.get(start) != Some(&b'{') {
        return false;
    }
    let Some(len) = memchr::memchr(b'\n', &head[start..]) else {
        return false;
    };
    matches!(serde_json::from_slice::<Value>(&head[start..start + len]), Ok(Value::Object(_)))
}

/// Streams JSON Lines from `reader`, one line in memory at a time; the first line read
/// is line `after + 1` of the file (lines appended to a file already read are numbered
/// on from its earlier lines).
pub(crate) fn stream_lines(
    path: &str,
    mut reader: impl BufRead,
    after: usize,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) -> std::io::Result<u64> {
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut line_no = after;
    let mut ordinal = after;
    let mut total = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        total += n as u64;
        line_no += 1;
        let bytes = if line_no == 1 { buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&buf) } else { &buf[..] };
        let line = match std::str::from_utf8(bytes) {
            Ok(l) => l,
            Err(e) => {
                emit(Item::Problem(Problem {
                    path: path.into(),
                    line: line_no,
                    message: format!("invalid UTF-8 at byte {} of the line; skipped", e.valid_up_to() + 1),
                    lost: Lost::One,
                }));
                continue;
            }
        };
        match parse_line(path, line_no, line, opts) {
            None => {}
            Some(Ok(obj)) => {
                ordinal += 1;
                emit_object(path, line_no, ordinal, obj, opts, emit);
            }
            Some(Err(p)) => emit(Item::Problem(p)),
        }
    }
}

/// A JSON value as text: strings as they are, numbers printed, arrays of strings joined
/// by newlines (paragraph lists), null and empty as nothing.
fn as_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => a.iter().filter_map(as_text).collect::<Vec<_>>().join("\n"),
        _ => return None,
    };
    (!s.trim().is_empty()).then_some(s)
}

/// Builds a record from one JSON object, reporting an unreadable date as a warning.
pub(crate) fn emit_object(
    path: &str,
    line: usize,
    ordinal: usize,
    obj: Map<String, Value>,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) {
    let keys: Vec<&String> = obj.keys().collect();
    let map = opts.keys.resolve(&keys);
    let values: Vec<&Value> = obj.values().collect();
    let mut r = Record::at(path, line, ordinal, false);
    for &(field, i) in &map {
        let v = values[i];
        let text = as_text(v);
        match field {
            Field::Title | Field::Content => r.article.set(field, text),
            Field::Date => {
                let parsed = match v {
                    Value::Number(n) => n.as_i64().and_then(|n| dates::parse_number(n, &opts.tz)),
                    _ => text.as_deref().and_then(|s| dates::parse_timestamp(s, &opts.tz)),
                };
                if parsed.is_none() && text.is_some() {
                    emit(Item::Problem(Problem {
                        path: path.into(),
                        line,
                        message: format!("unreadable date '{}'; kept without a date", text.unwrap_or_default()),
                        lost: Lost::Nothing,
                    }));
                }
                r.article.date = parsed;
            }
            _ => r.article.set(field, text.map(|s| s.trim().to_string())),
        }
    }
    if ordinal == 1 {
        let empty = [Field::Content, Field::Title].into_iter().find(|f| r.article.text(*f).trim().is_empty());
        if let Some(p) = empty.and_then(|f| unmapped_text(path, line, &obj, &map, f)) {
            emit(p);
        }
    }
    if r.article.text(Field::Title).trim().is_empty() && r.article.text(Field::Content).trim().is_empty() {
        emit(Item::Problem(Problem {
            path: path.into(),
            line,
            message: "record has neither title nor content; skipped".into(),
            lost: Lost::One,
        }));
        return;
    }
    emit(Item::Record(finish(r, opts)));
}
