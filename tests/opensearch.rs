//! OpenSearch / Elasticsearch: golden tests of what sou sends — the index's settings and
//! mappings (`index.json`), a bulk line of a seed article, and the query DSL of every
//! query form and filter — plus checks that the tokens in them are the hand-off's.
//!
//! `SOU_UPDATE_GOLDEN=1 cargo test --test opensearch` rewrites the files under
//! `tests/golden/opensearch/` that differ from the current code, and fails naming them:
//! review the diff, then run again without the variable.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::{json, Value};
use sou::analysis::dictionary::Dictionary;
use sou::analysis::fold::fold;
use sou::article::Field;
use sou::engine::{filters, Selection, Sort};
use sou::query::build::query_segmenter;
use sou::remote::handoff;
use sou::remote::opensearch::query::{breakdown_body, histogram_body, query, search_body};

fn golden_dir() -> PathBuf {
    root().join("tests/golden/opensearch")
}

/// Compares `got` with the golden file `name` (or writes it when updating).
fn golden(name: &str, got: &Value) -> Option<String> {
    let path = golden_dir().join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(got).unwrap_or_default() + "\n";
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if want == text {
        return None;
    }
    if std::env::var_os("SOU_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).expect("golden dir");
        std::fs::write(&path, &text).expect("write golden file");
        return Some(format!("{name}: rewritten; review the diff and run again without SOU_UPDATE_GOLDEN"));
    }
    Some(format!("{name}:\n--- want\n{want}\n--- got\n{text}"))
}

/// Every query form and filter of the query language.
const QUERIES: &[(&str, &str, &[&str])] = &[
    ("one-character", "芯", &[]),
    ("word", "人工智能", &[]),
    ("across-words", "创中心", &[]),
    ("traditional", "國家主席", &[]),
    ("latin-and-mixed", "AI芯片 5G", &[]),
    ("symbols", "C++", &[]),
    ("phrase-with-gap", "\"高质量 发展\"", &[]),
    ("or", "张江 OR 临港", &[]),
    ("not", "孵化器 -广告", &[]),
    ("only-not", "-广告", &[]),
    ("groups", "(张江 OR 临港) 人工智能 -(广告 OR 推广)", &[]),
    ("full-width-operators", "（张江　ＯＲ　临港）　芯片", &[]),
    ("field-scopes", "title:孵化器 author:李治国 content:芯片", &[]),
    ("source-scope", "source:上海科技 OR 临港", &[]),
    ("source-prefix", "source:上海* OR 临港", &[]),
    ("date-filters", "孵化器", &["since=2025-12-12", "until=2025-12"]),
    ("source-and-author-filters", "芯片", &["source=上海科技", "source=文汇报", "author=李治国"]),
    ("title-filter", "芯片", &["title=上海"]),
];

fn selection(q: &str, args: &[&str]) -> Selection {
    let mut sel = Selection::new(Some(q)).unwrap_or_else(|e| panic!("{q}: {e}"));
    let (mut sources, mut authors) = (Vec::new(), Vec::new());
    for a in args {
        let (k, v) = a.split_once('=').unwrap_or((a, ""));
        match k {
            "since" => sel.since = Some(sou::dates::Days::parse(v).expect("date")),
            "until" => sel.until = Some(sou::dates::Days::parse(v).expect("date")),
            "source" => sources.push(v.to_string()),
            "author" => authors.push(v.to_string()),
            "title" => sel.title = Some(v.to_string()),
            _ => panic!("{a}"),
        }
    }
    sel.values = vec![(Field::Source, sources), (Field::Author, authors)];
    sel
}

/// Every string under `key` anywhere in `v`.
fn strings_under<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    out.push(x);
                }
                strings_under(x, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| strings_under(x, key, out)),
        _ => {}
    }
}

#[test]
fn the_query_dsl_of_every_query_form_is_pinned() {
    let tz = sou::dates::default_tz();
    let dict = Dictionary::default();
    let mut failures = Vec::new();
    for (name, q, args) in QUERIES {
        let sel = selection(q, args);
        let parsed = sel.query.clone().unwrap_or_default();
        let f = filters(&sel, &tz).expect("filters");
        let words = query_segmenter(&parsed, &dict);
        let dsl = query(&parsed, &f, Some(&words)).unwrap_or_else(|e| panic!("{q}: {e}"));
        let body = search_body(&dsl, Sort::Score, 10, None);
        failures.extend(golden(&format!("dsl-{name}"), &json!({"q": q, "filters": args, "body": body})));

        // Whatever the form, each phrase is the hand-off tokens of a literal typed.
        let mut phrases = Vec::new();
        strings_under(&dsl, "match_phrase", &mut phrases);
        assert!(!phrases.is_empty() || name.contains("source"), "{name}: no phrase");
        for p in phrases {
            let text = p.as_object().and_then(|m| m.values().next()).map(|v| v["query"].as_str().unwrap_or_default());
            let tokens: Vec<&str> = text.unwrap_or_default().split(' ').collect();
            assert!(
                tokens.iter().all(|t| *t == handoff::GAP || t.starts_with('x') || t.starts_with('h')),
                "{name}: {tokens:?}"
            );
        }
    }
    let sel = selection("孵化器", &[]);
    let parsed = sel.query.clone().unwrap_or_default();
    let dsl = query(&parsed, &filters(&sel, &tz).expect("filters"), None).expect("query");
    failures.extend(golden("histogram", &histogram_body(&dsl, &tz)));
    failures.extend(golden("breakdown-source", &breakdown_body(&dsl, Field::Source)));
    failures.extend(golden(
        "search-by-date-after",
        &search_body(&dsl, Sort::Date, 50_000, Some(&json!([1766419200, "2650212012_1"]))),
    ));
    assert!(failures.is_empty(), "{} golden outputs differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_phrase_of_a_literal_is_found_in_the_bulk_tokens_of_a_document_containing_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("os");
    let (code, _, err) = run(
        seed_index(),
        &["export", "--to", "opensearch", "--out", out.to_str().unwrap_or_default(), "--name", "news"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("exported 62 documents"), "{err}");

    let index_json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).expect("index.json")).expect("JSON");
    let mut failures: Vec<String> = golden("index", &index_json).into_iter().collect();

    let bulk = std::fs::read_to_string(out.join("bulk-0000.ndjson")).expect("a bulk file");
    let lines: Vec<&str> = bulk.lines().collect();
    assert_eq!(lines.len(), 124, "an action and a document for each of the 62 seeds");
    let pair = lines.chunks(2).find(|p| p[0].contains("\"2650212012_1\"")).expect("the seed 2650212012_1");
    let action: Value = serde_json::from_str(pair[0]).expect("JSON action");
    let doc: Value = serde_json::from_str(pair[1]).expect("JSON document");
    failures.extend(golden("bulk-2650212012_1", &json!({"action": action, "document": doc})));
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The document's own tokens contain each literal it contains, gaps included.
    let content = doc["content"].as_str().expect("content");
    for lit in ["孵化器", "张江高科895孵化器", "“死亡之谷”", "24小时"] {
        assert!(content.contains(lit), "{lit}");
        let phrase = handoff::literal_chars(&fold(lit)).expect("tokens").join(" ");
        assert!(doc["content_chars"].as_str().is_some_and(|c| c.contains(&phrase)), "{lit}: {phrase}");
    }
    // load.sh creates the index under the name given and sends every bulk file.
    let script = std::fs::read_to_string(out.join("load.sh")).expect("load.sh");
    assert!(
        script.contains("INDEX=news")
            && script.contains("--data-binary @index.json")
            && script.contains("bulk-*.ndjson"),
        "{script}"
    );
    let (code, _, err) = run(
        seed_index(),
        &["export", "--to", "opensearch", "--out", out.join("small").to_str().unwrap_or_default(), "--bulk-mb", "1"],
    );
    assert_eq!(code, 0, "{err}");
    let files = std::fs::read_dir(out.join("small"))
        .expect("dir")
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().starts_with("bulk-")))
        .count();
    assert!(files >= 2, "1 MB bulk files: {files}");
    for e in std::fs::read_dir(out.join("small")).expect("dir").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("bulk-") {
            let len = e.metadata().expect("metadata").len();
            assert!(
                len <= 1_000_000 || std::fs::read_to_string(e.path()).expect("bulk").lines().count() == 2,
                "{name}: {len} bytes"
            );
        }
    }
}

/// One request as a peer received it.
struct Request {
    line: String,
    headers: String,
    body: Value,
}

/// Answers the requests of one sou run on 127.0.0.1 with `answer(request)`: (status,
/// body) in OpenSearch's shapes. Returns the port and what was received.
fn peer(answer: fn(&Request) -> (u16, Value)) -> (u16, std::sync::mpsc::Receiver<Request>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() || line.is_empty() {
                continue;
            }
            let (mut headers, mut length) = (String::new(), 0);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                headers += &h;
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let request = Request { line, headers, body: serde_json::from_slice(&body).unwrap_or(Value::Null) };
            let (status, reply) = answer(&request);
            let text = reply.to_string();
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            let _ = tx.send(request);
        }
    });
    (port, rx)
}

fn engine(port: u16) -> String {
    format!("opensearch+http://127.0.0.1:{port}/news")
}

#[test]
fn counts_histograms_and_breakdowns_are_read_from_opensearch_answers() {
    // --count: the total of a size-0 search, with basic credentials.
    let (port, rx) = peer(|_| (200, json!({"hits": {"total": {"value": 42, "relation": "eq"}, "hits": []}})));
    let (code, out, err) =
        run(seed_index(), &["search", "孵化器", "--count", "--engine", &engine(port), "--token", "user:pw"]);
    assert_eq!((code, out.as_str()), (0, "42\n"), "{err}");
    let r = rx.recv().expect("a request");
    assert!(r.line.starts_with("POST /news/_search "), "{}", r.line);
    assert!(r.headers.contains("Basic dXNlcjpwdw=="), "{}", r.headers);
    assert_eq!((r.body["size"].clone(), r.body["track_total_hits"].clone()), (json!(0), json!(true)));

    // --histogram: day buckets keyed by local midnight in milliseconds, the missing dates.
    let (port, rx) = peer(|_| {
        let day = |d: &str| {
            jiff::civil::Date::strptime("%F", d)
                .map(|d| sou::dates::start_of_day(d, &sou::dates::default_tz()).as_millisecond())
                .unwrap_or(0)
        };
        (
            200,
            json!({"hits": {"total": {"value": 6}}, "aggregations": {
            "days": {"buckets": [{"key": day("2025-12-12"), "doc_count": 3}, {"key": day("2025-12-14"), "doc_count": 2}]},
            "undated": {"doc_count": 1}}}),
        )
    });
    let (code, out, err) = run(seed_index(), &["search", "孵化器", "--histogram", "day", "--engine", &engine(port)]);
    assert_eq!((code, out.as_str()), (0, "2025-12-12\t3\n2025-12-13\t0\n2025-12-14\t2\n"), "{err}");
    let r = rx.recv().expect("a request");
    assert_eq!(r.body["aggs"]["days"]["date_histogram"]["time_zone"], json!("+08:00"));

    // --by source: terms buckets, then the documents without a value.
    let (port, _rx) = peer(|_| {
        (
            200,
            json!({"aggregations": {"values": {"buckets": [{"key": "文汇报", "doc_count": 2}, {"key": "上海科技", "doc_count": 5}]}, "none": {"doc_count": 1}}}),
        )
    });
    let (code, out, err) = run(seed_index(), &["search", "孵化器", "--by", "source", "--engine", &engine(port)]);
    assert_eq!((code, out.as_str()), (0, "上海科技\t5\n文汇报\t2\n(none)\t1\n"), "{err}");
}

#[test]
fn hits_are_printed_from_their_source_and_errors_name_the_cluster() {
    let (port, rx) = peer(|r| {
        let hit = |id: &str, score: f64, date: Option<i64>| {
            json!({"_id": id, "_score": score, "_source": {"id": id, "title": format!("标题{id}"), "content": "上海的孵化器很多。",
                   "date": date, "source": "上海科技"}, "sort": [score, date, id]})
        };
        assert!(r.line.contains("search_type=dfs_query_then_fetch"), "{}", r.line);
        (
            200,
            json!({"hits": {"total": {"value": 2, "relation": "eq"}, "hits": [hit("a", 2.5, Some(1766419200)), hit("b", 1.0, None)]}}),
        )
    });
    let (code, out, err) =
        run(seed_index(), &["search", "孵化器", "--json", "--engine", &engine(port), "--token", "secret"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["id"].clone(), lines[0]["date"].clone(), lines[0]["score"].clone()),
        (json!("a"), json!("2025-12-23"), json!(2.5))
    );
    assert_eq!((lines[1]["date"].clone(), lines[1]["rank"].clone()), (Value::Null, json!(2)));
    assert!(lines[0]["snippet"].as_str().is_some_and(|s| s.contains("孵化器")), "snippets are sou's own: {}", lines[0]);
    let r = rx.recv().expect("a request");
    assert!(r.headers.contains("Bearer secret"), "{}", r.headers);
    assert_eq!(r.body["sort"][0], json!("_score"));

    let (port, _rx) = peer(|_| (404, json!({"error": {"reason": "no such index [news]"}, "status": 404})));
    let (code, _, err) = run(seed_index(), &["search", "孵化器", "--engine", &engine(port)]);
    assert_eq!(code, 2);
    assert!(err.contains("404") && err.contains("no such index [news]") && err.contains(&port.to_string()), "{err}");
    let (code, _, err) = run(seed_index(), &["search", "孵化器", "-w", "--engine", &engine(port)]);
    assert_eq!(code, 2);
    assert!(err.contains("local index only"), "{err}");
}
