//! Analyst views on the seeds: stats, histograms, per-source counts, keywords, show,
//! CSV/ids output, completions and man page, and the table as a terminal shows it.

mod common;

use std::collections::HashMap;

use common::*;
use serde_json::Value;

fn jsonl(out: &str) -> Vec<Value> {
    out.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn stats_reports_documents_dates_and_sources() {
    let (code, out, _) = run(seed_index(), &["stats", "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["documents"], 62);
    let docs = seed_docs();
    let dates: Vec<&str> = docs.iter().filter_map(|d| d.date.as_deref()).collect();
    assert_eq!(v["earliest"].as_str(), dates.iter().min().copied());
    assert_eq!(v["latest"].as_str(), dates.iter().max().copied());
    assert_eq!(v["undated"].as_u64(), Some((docs.len() - dates.len()) as u64));
    let mut want: HashMap<String, u64> = HashMap::new();
    for d in &docs {
        if let Some(s) = &d.source {
            *want.entry(s.clone()).or_default() += 1;
        }
    }
    let got: HashMap<String, u64> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["source"].as_str().unwrap().to_string(), s["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, want);
    assert!(v["size_bytes"].as_u64().unwrap() > 100_000);
    let (code, text, _) = run(seed_index(), &["stats"]);
    assert_eq!(code, 0);
    assert!(text.contains("documents     62") && text.contains("上海科技"), "{text}");
}

#[test]
fn histogram_counts_add_up_to_the_count_for_every_period() {
    let idx = seed_index();
    let count: u64 = run(idx, &["search", "孵化器", "--count", "--since", "2025-12-12"]).1.trim().parse().unwrap();
    assert!(count > 0);
    for period in ["day", "week", "month", "year"] {
        let (code, out, _) = run(idx, &["search", "孵化器", "--histogram", period, "--since", "2025-12-12", "--json"]);
        assert_eq!(code, 0);
        let rows = jsonl(&out);
        let sum: u64 = rows.iter().map(|r| r["count"].as_u64().unwrap()).sum();
        assert_eq!(sum, count, "{period}");
        let len = rows[0]["period"].as_str().unwrap().len();
        assert_eq!(
            len,
            match period {
                "day" | "week" => 10,
                "month" => 7,
                _ => 4,
            },
            "{period}"
        );
    }
    // Every day of the range is present, zeros too.
    let (_, out, _) = run(
        idx,
        &["search", "孵化器", "--histogram", "day", "--since", "2025-12-12", "--until", "2025-12-23", "--json"],
    );
    let rows = jsonl(&out);
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0]["period"], "2025-12-12");
    assert_eq!(rows[11]["period"], "2025-12-23");
    assert!(rows.iter().any(|r| r["count"] == 0));
    // Per-day counts agree with the dates of the hits.
    let (_, hits, _) = run(idx, &["search", "孵化器", "--since", "2025-12-12", "--json", "-n", "100"]);
    for r in &rows {
        let n = jsonl(&hits).iter().filter(|h| h["date"] == r["period"]).count() as u64;
        assert_eq!(r["count"].as_u64().unwrap(), n, "{}", r["period"]);
    }
}

#[test]
fn by_source_matches_the_hits() {
    let idx = seed_index();
    let (code, out, _) = run(idx, &["search", "人工智能", "--by", "source", "--json"]);
    assert_eq!(code, 0);
    let rows = jsonl(&out);
    let (_, hits, _) = run(idx, &["search", "人工智能", "--json", "-n", "1000"]);
    // Documents without a source are a row of their own (null), so the rows add up.
    let mut want: HashMap<Option<String>, u64> = HashMap::new();
    for h in jsonl(&hits) {
        *want.entry(h["source"].as_str().map(str::to_string)).or_default() += 1;
    }
    let got: HashMap<Option<String>, u64> =
        rows.iter().map(|r| (r["source"].as_str().map(str::to_string), r["count"].as_u64().unwrap())).collect();
    assert_eq!(got, want);
    assert!(want.contains_key(&None), "the seeds have articles about 人工智能 without a source");
    let (_, n, _) = run(idx, &["search", "人工智能", "--count"]);
    assert_eq!(got.values().sum::<u64>(), n.trim().parse::<u64>().unwrap());
    assert!(rows.last().is_some_and(|r| r["source"].is_null()), "the row without a source comes last");
    let counts: Vec<u64> =
        rows.iter().filter(|r| !r["source"].is_null()).map(|r| r["count"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    let (_, tsv, _) = run(idx, &["search", "人工智能", "--by", "source"]);
    assert!(tsv.lines().last().is_some_and(|l| l.starts_with("(none)\t")), "{tsv}");
    let (_, bars, _) = run(idx, &["search", "人工智能", "--by", "source", "--format", "table", "--color", "never"]);
    assert!(bars.contains('█') && bars.contains("上海科技"), "{bars}");
}

#[test]
fn keywords_are_content_words_not_function_words() {
    let (code, out, _) = run(seed_index(), &["keywords", "--since", "2025-12-20", "--json"]);
    assert_eq!(code, 0);
    let rows = jsonl(&out);
    assert_eq!(rows.len(), 20);
    // An independent list of Chinese function words and fillers.
    let stop = [
        "我们", "他们", "一个", "这个", "那个", "没有", "进行", "以及", "通过", "已经", "目前", "可以", "就是", "因为",
        "所以", "但是", "如果", "这些", "其中", "还是", "什么", "一些", "这样", "不是", "同时", "可能", "需要", "包括",
        "对于", "关于", "由于", "并且", "或者", "不过", "然后", "的", "了", "是", "在", "和", "与", "及", "等",
    ];
    for r in &rows {
        let w = r["word"].as_str().unwrap();
        assert!(w.chars().count() >= 2, "single character: {w}");
        assert!(w.chars().all(char::is_alphanumeric), "punctuation: {w}");
        assert!(!w.chars().any(|c| c.is_ascii_digit()), "number: {w}");
        assert!(!stop.contains(&w), "stop word: {w}");
        // A filtered range: significant terms, scored against the rest of the index.
        assert!(r["docs"].as_u64().unwrap() >= 1 && r["score"].as_f64().unwrap() > 0.0);
    }
    let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    // A query's own words are not its keywords; what surrounds them is.
    let (_, out, _) = run(seed_index(), &["keywords", "人工智能", "--json", "-n", "5"]);
    let rows = jsonl(&out);
    assert_eq!(rows.len(), 5, "{out}");
    assert!(!rows.iter().any(|r| r["word"] == "人工智能" || r["word"] == "智能"), "{out}");
}

#[test]
fn show_prints_the_whole_article() {
    let idx = seed_index();
    let (code, out, _) = run(idx, &["show", "seeds/001_cf4ae71d46783a76.txt"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("习近平总书记考察上海重要讲话"), "{out}");
    assert!(out.contains("date: 2025-04-30") && out.contains("source: 文汇报"), "{out}");
    assert!(out.contains("\n\n"), "paragraphs kept");
    let (code, out, _) = run(idx, &["show", "2650212082_1", "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["title"], "市科技系统传达学习十二届市委八次全会精神");
    assert!(v["content"].as_str().unwrap().contains("\n"), "paragraph breaks (\\r in the source) kept");
    let (code, _, err) = run(idx, &["show", "no-such-id"]);
    assert_eq!(code, 1);
    assert!(err.contains("no-such-id"), "{err}");
}

#[test]
fn csv_ids_and_chosen_fields() {
    let idx = seed_index();
    let (_, tsv, _) = run(idx, &["search", "张江", "-n", "50"]);
    let (_, ids, _) = run(idx, &["search", "张江", "-n", "50", "--format", "ids"]);
    let tsv_ids: Vec<&str> = tsv.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(ids.lines().collect::<Vec<_>>(), tsv_ids);
    let (_, csv_out, _) = run(idx, &["search", "张江", "-n", "50", "--format", "csv"]);
    let mut rdr = csv::Reader::from_reader(csv_out.as_bytes());
    assert_eq!(rdr.headers().unwrap().iter().collect::<Vec<_>>(), vec!["id", "date", "source", "score", "title"]);
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), tsv_ids.len());
    assert_eq!(rows.iter().map(|r| r[0].to_string()).collect::<Vec<_>>(), tsv_ids);
    let (_, out, _) = run(idx, &["search", "张江", "--fields", "date,title,snippet"]);
    for line in out.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{line}");
        assert!(cols[2].contains("张江"), "{line}");
    }
    let (code, _, err) = run(idx, &["search", "张江", "--fields", "date,nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn completions_and_man_page_come_from_the_cli() {
    let idx = seed_index();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, out, _) = run(idx, &["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(out.contains("since") && out.contains("histogram"), "{shell}");
    }
    let (code, out, _) = run(idx, &["man"]);
    assert_eq!(code, 0);
    assert!(out.starts_with(".ie") || out.contains(".TH"), "{out}");
    assert!(out.contains("keywords"));
}

/// Runs `sou` under a pseudo-terminal of `cols` columns (util-linux `script`).
fn in_terminal(cols: u16, args: &str) -> Option<String> {
    let index = seed_index().display().to_string();
    let bin = env!("CARGO_BIN_EXE_sou");
    let cmd = format!("stty cols {cols} rows 50; {bin} --index {index} {args}");
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .output()
        .ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else if c != '\r' {
            out.push(c);
        }
    }
    out
}

#[test]
fn the_terminal_table_fits_the_width_and_is_coloured() {
    for cols in [80u16, 120] {
        let Some(out) = in_terminal(cols, "search 人工智能") else {
            panic!("`script` (util-linux) is needed for this test");
        };
        assert!(out.contains("\u{1b}["), "colour on a terminal");
        let plain = strip_ansi(&out);
        assert!(plain.contains('│'), "{plain}");
        for line in plain.lines() {
            let w = unicode_width::UnicodeWidthStr::width(line);
            assert!(w <= cols as usize, "{w} > {cols}: {line}");
        }
    }
    // NO_COLOR turns colour off even on a terminal.
    let index = seed_index().display().to_string();
    let cmd = format!("stty cols 100; NO_COLOR=1 {} --index {index} search 人工智能", env!("CARGO_BIN_EXE_sou"));
    let out = std::process::Command::new("script").args(["-qec", &cmd, "/dev/null"]).output().unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains('│') && !out.contains("\u{1b}[1"), "{out}");
}

#[test]
fn the_time_of_day_is_kept_shown_filtered_on_and_counted_by_the_hour() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("timed.jsonl");
    let records = [
        ("a", "2025-05-07 08:30", "地震 甲"),
        ("b", "2025-05-07 14:00:15", "地震 乙"),
        ("c", "2025-05-07", "地震 丙"),
        ("d", "2025-05-08T01:00:00+08:00", "地震 丁"),
        ("e", "2025-05-06T23:30:00Z", "地震 戊"),
    ];
    let lines: Vec<String> = records
        .iter()
        .map(|(id, date, text)| serde_json::json!({"id": id, "date": date, "content": text}).to_string())
        .collect();
    std::fs::write(&data, lines.join("\n")).expect("write");
    let idx = dir.path().join("idx");
    let (code, _, err) = run(&idx, &["index", data.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let ids = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["search", "地震", "--format", "ids"];
        a.extend_from_slice(args);
        let (code, out, err) = run(&idx, &a);
        assert!(code <= 1, "{args:?}: {err}");
        let mut v: Vec<String> = out.lines().map(str::to_string).collect();
        v.sort();
        v
    };
    // A moment bounds a filter to the second: since from it, until up to it.
    assert_eq!(ids(&["--since", "2025-05-07T08:00", "--until", "2025-05-07T14:00"]), ["a"]);
    assert_eq!(ids(&["--since", "2025-05-07 08:00"]), ["a", "b", "d"]);
    assert_eq!(ids(&["--until", "2025-05-07T07:59"]), ["c", "e"]);
    assert_eq!(ids(&["--since", "2025-05-07T14:00:15", "--until", "2025-05-07T14:00:15"]), ["b"]);
    // A day stays the whole day.
    assert_eq!(ids(&["--since", "2025-05-07", "--until", "2025-05-07"]), ["a", "b", "c", "e"]);
    let (code, _, err) = run(&idx, &["search", "地震", "--since", "2025-05-07T25:00"]);
    assert_eq!(code, 2);
    assert!(err.contains("2025-05-07T25:00"), "{err}");
    let (code, _, err) = run(&idx, &["search", "地震", "--since", "2025-05-07T10:00", "--until", "2025-05-07T09:00"]);
    assert_eq!(code, 2);
    assert!(err.contains("empty date range"), "{err}");

    // JSON carries the instant beside the day; show prints the time where there is one.
    let (_, out, _) = run(&idx, &["search", "地震", "--json", "-n", "10"]);
    let hits = jsonl(&out);
    let at = |id: &str| hits.iter().find(|h| h["id"] == id).map(|h| (h["date"].clone(), h["datetime"].clone()));
    assert_eq!(at("a"), Some((Value::from("2025-05-07"), Value::from("2025-05-07T08:30:00+08:00"))));
    assert_eq!(at("e"), Some((Value::from("2025-05-07"), Value::from("2025-05-07T07:30:00+08:00"))));
    assert_eq!(at("c"), Some((Value::from("2025-05-07"), Value::from("2025-05-07T00:00:00+08:00"))));
    let (_, shown, _) = run(&idx, &["show", "a"]);
    assert!(shown.contains("date: 2025-05-07 08:30"), "{shown}");
    let (_, shown, _) = run(&idx, &["show", "b"]);
    assert!(shown.contains("date: 2025-05-07 14:00:15"), "{shown}");
    let (_, shown, _) = run(&idx, &["show", "c"]);
    assert!(shown.contains("date: 2025-05-07") && !shown.contains("2025-05-07 00:00"), "{shown}");

    // By the hour: every hour from the first match to the last, counts from the hits'
    // own times.
    let (code, out, err) = run(&idx, &["search", "地震", "--histogram", "hour", "--until", "2025-05-07", "--json"]);
    assert_eq!(code, 0, "{err}");
    let rows = jsonl(&out);
    assert_eq!(rows.len(), 15, "{out}");
    assert_eq!(rows[0]["period"], "2025-05-07 00:00");
    assert_eq!(rows[14]["period"], "2025-05-07 14:00");
    let count = |p: &str| rows.iter().find(|r| r["period"] == p).map(|r| r["count"].as_u64().unwrap());
    for h in 0..=14 {
        let want: u64 = [0, 7, 8, 14].contains(&h).into();
        assert_eq!(count(&format!("2025-05-07 {h:02}:00")), Some(want), "hour {h}");
    }
    let (code, out, _) = run(&idx, &["search", "地震", "--histogram", "hour", "--json"]);
    assert_eq!(code, 0);
    let rows = jsonl(&out);
    assert_eq!(rows.iter().map(|r| r["count"].as_u64().unwrap()).sum::<u64>(), 5);
    assert_eq!(rows.last().unwrap()["period"], "2025-05-08 01:00");
}
