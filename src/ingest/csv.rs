//! CSV and TSV with a header row: the header names the keys (mapped onto fields like
//! JSON keys); a row with the wrong number of fields is reported and skipped.

use serde_json::{Map, Value};

use super::{json, Item, Lost, Options, Problem};

/// Reads `text` as delimited values (`b','` for CSV, `b'\t'` for TSV).
pub fn read(path: &str, text: &str, delimiter: u8, opts: &Options, emit: &mut dyn FnMut(Item)) {
    let mut rdr = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .quoting(delimiter == b',')
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|k| k.trim_start_matches('\u{feff}').to_string()).collect(),
        Err(e) => {
            emit(Item::Problem(Problem {
                path: path.into(),
                line: 1,
                message: format!("unreadable header row ({e}); file skipped"),
                lost: Lost::One,
            }));
            return;
        }
    };
    let mut ordinal = 0;
    for row in rdr.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                emit(Item::Problem(Problem {
                    path: path.into(),
                    line,
                    message: format!("unreadable row ({e}); skipped"),
                    lost: Lost::One,
                }));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line() as usize);
        if row.len() == 1 && row.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue;
        }
        if row.len() != headers.len() {
            emit(Item::Problem(Problem {
                path: path.into(),
                line,
                message: format!("expected {} fields, found {}; skipped", headers.len(), row.len()),
                lost: Lost::One,
            }));
            continue;
        }
        let obj: Map<String, Value> =
            headers.iter().zip(row.iter()).map(|(k, v)| (k.clone(), Value::String(v.to_string()))).collect();
        ordinal += 1;
        json::emit_object(path, line, ordinal, obj, opts, emit);
    }
}

/// Whether the first line of `text` looks like a header of delimited values naming a
/// title or content column.
pub(crate) fn sniff(text: &str, delimiter: char, opts: &Options) -> bool {
    let Some(first) = text.lines().next() else { return false };
    let keys: Vec<&str> = first.split(delimiter).map(|k| k.trim().trim_matches('"')).collect();
    keys.len() >= 2
        && opts
            .keys
            .resolve(&keys)
            .iter()
            .any(|(f, _)| matches!(f, crate::article::Field::Title | crate::article::Field::Content))
}
