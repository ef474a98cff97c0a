//! JSON input: an array of records, one record object, an object holding an array of
//! records, or JSON Lines (one record per line).

use std::io::BufRead;

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::fields::Field;
use super::{finish, Item, Options, Problem, Record};
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
            let mut record = Map::new();
            for (k, raw) in obj {
                if let Ok(v) = serde_json::from_str::<Value>(raw.get()) {
                    record.insert(k, v);
                }
            }
            emit_object(path, 1, 1, record, true, opts, emit);
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

/// Reads the array starting at byte `start` of `text` one element at a time, each record
/// reported at its own line. A syntax error ends the array: the records before it are
/// kept and the error names its line. Returns false when not even the first element is
/// JSON (a text that happens to start with `[`).
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
        |line: usize, message: String| Item::Problem(Problem { path: path.into(), line, message, warning_only: false });
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
        let mut stream = serde_json::Deserializer::from_str(&text[pos..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => {
                elements += 1;
                pos += stream.byte_offset();
                match v {
                    Value::Object(obj) => {
                        objects += 1;
                        if let Some((l, o)) = pending.replace((line, obj)) {
                            emit_object(path, l, objects - 1, o, false, opts, emit);
                        }
                    }
                    other => {
                        if let Some((l, o)) = pending.take() {
                            emit_object(path, l, objects, o, false, opts, emit);
                        }
                        emit(problem(line, format!("expected a JSON object, found {}; skipped", kind(&other))));
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
                failure = Some(problem(at, format!("invalid JSON ({reason}); the rest of the file is skipped")));
                break;
            }
            None => {
                if elements == 0 {
                    return false;
                }
                failure = Some(problem(line, "the file ends inside a JSON array; the rest is missing".into()));
                break;
            }
        }
        pos = skip_ws(pos);
        match bytes.get(pos) {
            Some(b',') => pos = skip_ws(pos + 1),
            Some(b']') => break,
            None => {
                failure =
                    Some(problem(lines.line_of(pos), "the file ends inside a JSON array; the rest is missing".into()));
                break;
            }
            Some(_) => {
                let line = lines.line_of(pos);
                failure =
                    Some(problem(line, "expected ',' or ']' after a record; the rest of the file is skipped".into()));
                break;
            }
        }
    }
    if let Some((l, o)) = pending {
        emit_object(path, l, objects, o, elements == 1 && failure.is_none(), opts, emit);
    }
    if let Some(f) = failure {
        emit(f);
    }
    true
}

/// JSON Lines: one object per line; a broken line is reported and skipped. Returns
/// false when no line at all is JSON (then the file is read as text).
fn read_lines(path: &str, text: &str, opts: &Options, emit: &mut dyn FnMut(Item)) -> bool {
    let mut good = 0usize;
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        match parse_line(path, n + 1, line) {
            None => {}
            Some(Ok(obj)) => {
                good += 1;
                for p in problems.drain(..) {
                    emit(Item::Problem(p));
                }
                emit_object(path, n + 1, good, obj, false, opts, emit);
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
fn parse_line(path: &str, line_no: usize, line: &str) -> Option<Result<Map<String, Value>, Problem>> {
    let t = line.trim();
    if t.is_empty() {
        return None;
    }
    let problem = |message: String| Problem { path: path.into(), line: line_no, message, warning_only: false };
    Some(match serde_json::from_str::<Value>(t) {
        Ok(Value::Object(obj)) => Ok(obj),
        Ok(other) => Err(problem(format!("expected a JSON object, found {}; skipped", kind(&other)))),
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
                    warning_only: false,
                }));
                continue;
            }
        };
        match parse_line(path, line_no, line) {
            None => {}
            Some(Ok(obj)) => {
                ordinal += 1;
                emit_object(path, line_no, ordinal, obj, false, opts, emit);
            }
            Some(Err(p)) => emit(Item::Problem(p)),
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
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
    whole_file: bool,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) {
    let keys: Vec<&String> = obj.keys().collect();
    let map = opts.keys.resolve(&keys);
    let values: Vec<&Value> = obj.values().collect();
    let mut r = Record::at(path, line, ordinal, whole_file);
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
                        warning_only: true,
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
            warning_only: false,
        }));
        return;
    }
    emit(Item::Record(finish(r, opts)));
}
