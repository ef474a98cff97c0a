//! JSON input: an array of records, one record object, an object holding an array of
//! records, or JSON Lines (one record per line).

use std::io::BufRead;

use serde_json::{Map, Value};

use super::fields::Field;
use super::{dates, finish, Item, Options, Problem, Record};

/// Reads `text` as JSON; returns false when it is not JSON at all (then it is text).
pub fn read(path: &str, text: &str, opts: &Options, emit: &mut dyn FnMut(Item)) -> bool {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => {
            emit_array(path, items, 1, opts, emit);
            true
        }
        Ok(Value::Object(obj)) => {
            // An object holding the records as an array, or a single record.
            let array_key = obj
                .iter()
                .find(|(_, v)| matches!(v, Value::Array(a) if a.first().is_some_and(Value::is_object)))
                .map(|(k, _)| k.clone());
            let has_text = opts
                .keys
                .resolve(&obj.keys().collect::<Vec<_>>())
                .iter()
                .any(|(f, _)| matches!(f, Field::Title | Field::Content));
            match array_key {
                Some(k) if !has_text => {
                    let mut obj = obj;
                    if let Some(Value::Array(items)) = obj.remove(&k) {
                        emit_array(path, items, 1, opts, emit);
                    }
                }
                _ => emit_object(path, 1, 1, obj, true, opts, emit),
            }
            true
        }
        Ok(_) => false,
        Err(e) if e.is_syntax() || e.is_eof() => read_lines(path, text, opts, emit),
        Err(_) => false,
    }
}

fn emit_array(path: &str, items: Vec<Value>, line: usize, opts: &Options, emit: &mut dyn FnMut(Item)) {
    let single = items.len() == 1;
    for (i, v) in items.into_iter().enumerate() {
        match v {
            Value::Object(obj) => emit_object(path, line, i + 1, obj, single, opts, emit),
            other => emit(Item::Problem(Problem {
                path: path.into(),
                line,
                message: format!("record {} is {} rather than an object; skipped", i + 1, kind(&other)),
                warning_only: false,
            })),
        }
    }
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
    let mut r = Record { path: path.into(), line, ordinal, whole_file, ..Record::default() };
    for (field, i) in map {
        let v = values[i];
        let text = as_text(v);
        match field {
            Field::Id => r.id = text.map(|s| s.trim().to_string()),
            Field::Title => r.title = text.unwrap_or_default(),
            Field::Content => r.content = text.unwrap_or_default(),
            Field::Source => r.source = text.map(|s| s.trim().to_string()),
            Field::Url => r.url = text.map(|s| s.trim().to_string()),
            Field::Author => r.author = text.map(|s| s.trim().to_string()),
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
                r.date = parsed;
            }
        }
    }
    if r.title.trim().is_empty() && r.content.trim().is_empty() {
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
