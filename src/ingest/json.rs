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

/// A top-level object: either one record, or a wrapper holding the records as an array
/// (`{"data": [...]}`), recognised when it has no title or content of its own.
fn read_object(path: &str, text: &str, obj: BTreeMap<String, &RawValue>, opts: &Options, emit: &mut dyn FnMut(Item)) {
    let holds_records = |raw: &RawValue| {
        let t = raw.get();
        t.starts_with('[') && t[1..].trim_start().starts_with('{')
    };
    let array = obj.values().find(|raw| holds_records(raw)).copied();
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
    let bytes = text.as_bytes();
    let skip_ws = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut lines = Lines { text: bytes, at: 0, line: 1 };
    let problem =
        |line: usize, message: String, lost: Lost| Item::Problem(Problem { path: path.into(), line, message, lost });
    // The previous object, held back until we know whether it is the array's only one.
    let mut pending: Option<(usize, Map<String, Value>)> = None;
    let mut objects = 0usize;
    let mut elements = 0usize;
    let mut failure = None;
    let mut pos = skip_ws(start + 1);
    if bytes.get(pos) == Some(&b']') {
        return true;
    }
    loop {
        let line = lines.line_of(pos);
        let mut stream = serde_json::Deserializer::from_str(&text[pos..]).into_iter::<&RawValue>();
        match stream.next() {
            Some(Ok(raw)) => {
                elements += 1;
                pos += stream.byte_offset();
                match record(raw, opts) {
                    Ok(obj) => {
                        objects += 1;
                        if let Some((l, o)) = pending.replace((line, obj)) {
                            emit_object(path, l, objects - 1, o, opts, emit);
                        }
                    }
                    Err(message) => {
                        if let Some((l, o)) = pending.take() {
                            emit_object(path, l, objects, o, opts, emit);
                        }
                        emit(problem(line, message, Lost::One));
                    }
                }
            }
            Some(Err(e)) => {
                if elements == 0 && bytes.get(pos) != Some(&b'{') {
                    return false;
                }
                let at = line + e.line().saturating_sub(1);
                let reason = e.to_string();
                let reason = reason.split(" at line ").next().unwrap_or_default();
                elements += 1;
                match resume_after(bytes, pos) {
                    Some(next) => {
                        emit(problem(
                            line,
                            format!("invalid JSON at line {at} ({reason}); this record is skipped"),
                            Lost::One,
                        ));
                        pos = next;
                        if bytes[next] == b']' {
                            break;
                        }
                        continue;
                    }
                    None => {
                        let rest = bytes.len() - pos;
                        failure = Some(problem(
                            at,
                            format!("invalid JSON ({reason}); the remaining {rest} bytes of the array are skipped"),
                            Lost::Unknown,
                        ));
                        break;
                    }
                }
            }
            None => {
                if elements == 0 {
                    return false;
                }
                failure = Some(problem(line, TRUNCATED.into(), Lost::Unknown));
                break;
            }
        }
        pos = skip_ws(pos);
        match bytes.get(pos) {
            Some(b',') => pos = skip_ws(pos + 1),
            Some(b']') => break,
            None => {
                failure = Some(problem(lines.line_of(pos), TRUNCATED.into(), Lost::Unknown));
                break;
            }
            // A missing comma between two records loses nothing.
            Some(b'{') => {
                emit(problem(lines.line_of(pos), "expected ',' before this record; read on".into(), Lost::Nothing))
            }
            Some(_) => {
                let line = lines.line_of(pos);
                let rest = bytes.len() - pos;
                failure = Some(problem(
                    line,
                    format!("expected ',' or ']' after a record; the remaining {rest} bytes of the array are skipped"),
                    Lost::Unknown,
                ));
                break;
            }
        }
    }
    if let Some((l, o)) = pending {
        emit_object(path, l, objects, o, opts, emit);
    }
    if let Some(f) = failure {
        emit(f);
    }
    true
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

/// The mapped fields parsed, the others `null`.
fn parse_mapped(raw_fields: BTreeMap<String, &RawValue>, opts: &Options) -> Map<String, Value> {
    let keys: Vec<&String> = raw_fields.keys().collect();
    let mapped: Vec<usize> = opts.keys.resolve(&keys).into_iter().map(|(_, i)| i).collect();
    raw_fields
        .into_iter()
        .enumerate()
        .map(|(i, (k, raw))| {
            let v =
                if mapped.contains(&i) { serde_json::from_str(raw.get()).unwrap_or(Value::Null) } else { Value::Null };
            (k, v)
        })
        .collect()
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
pub fn looks_like_json_lines(head: &[u8]) -> bool {
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

/// Streams JSON Lines from `reader`, one line in memory at a time.
pub fn stream_lines(
    path: &str,
    mut reader: impl BufRead,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) -> std::io::Result<u64> {
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut line_no = 0;
    let mut ordinal = 0;
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
pub fn emit_object(
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
    for (field, i) in map {
        let v = values[i];
        let text = as_text(v);
        match field {
            Field::Title | Field::Content => r.article.set(field, text),
            Field::Date => {
                let parsed = match v {
                    Value::Number(n) => n.as_i64().and_then(dates::parse_unix),
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
