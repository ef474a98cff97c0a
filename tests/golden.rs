//! Golden tests: the exact bytes every printer writes on the seeds — table (fixed width,
//! no colour), TSV, CSV, JSON Lines, ids, histograms, breakdowns, keywords, stats and
//! show — with the exit status and stderr. They pin the output while the code behind it
//! moves: a change of output is a change of these files, reviewed as such.
//!
//! `SOU_UPDATE_GOLDEN=1 cargo test --test golden` rewrites the files that differ from the
//! current binary's output and then fails, naming them: read the diff, then run the
//! tests again without the variable. The variable never makes a wrong output pass.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

/// (file name, terminal columns, arguments after `--index DIR`).
const CASES: &[(&str, &str, &[&str])] = &[
    ("search-table-100", "100", &["search", "人工智能", "--format", "table", "--color", "never"]),
    ("search-table-60", "60", &["search", "孵化器 张江", "--format", "table", "--color", "never", "-n", "3"]),
    (
        "search-table-fields",
        "120",
        &["search", "集成电路", "--format", "table", "--color", "never", "--fields", "rank,id,title,url,score"],
    ),
    ("search-table-none", "100", &["search", "没有这个词组合", "--format", "table", "--color", "never"]),
    ("search-tsv", "100", &["search", "人工智能", "-n", "20"]),
    ("search-tsv-fields", "100", &["search", "国家主席", "--fields", "id,date,source,title,path,snippet"]),
    ("search-tsv-offset", "100", &["search", "人工智能", "--offset", "5", "-n", "5", "--sort", "date"]),
    (
        "search-csv",
        "100",
        &["search", "张江 OR 临港 -广告", "--format", "csv", "--fields", "rank,id,date,title,snippet"],
    ),
    ("search-jsonl", "100", &["search", "國家主席 OR 人形机器人", "--json"]),
    ("search-jsonl-filters", "100", &["search", "孵化器", "--json", "--source", "上海科技", "--since", "2025-12-20"]),
    ("search-ids", "100", &["search", "科技", "--format", "ids", "-n", "100"]),
    ("search-count", "100", &["search", "人工智能", "--count"]),
    ("search-count-none", "100", &["search", "没有这个词组合", "--count"]),
    ("search-bad-query", "100", &["search", "人工 \"智能"]),
    ("histogram-month-tsv", "100", &["search", "人工智能", "--histogram", "month"]),
    ("histogram-day-json", "100", &["search", "孵化器", "--histogram", "day", "--json", "--since", "2025-12-15"]),
    ("histogram-week-csv", "100", &["search", "科技", "--histogram", "week", "--format", "csv"]),
    (
        "histogram-month-table",
        "80",
        &["search", "科技", "--histogram", "month", "--format", "table", "--color", "never"],
    ),
    ("by-source-tsv", "100", &["search", "人工智能", "--by", "source"]),
    ("by-source-json", "100", &["search", "人工智能", "--by", "source", "--json"]),
    ("by-source-csv", "100", &["search", "科技", "--by", "source", "--format", "csv"]),
    ("by-source-table", "80", &["search", "科技", "--by", "source", "--format", "table", "--color", "never"]),
    ("keywords-tsv", "100", &["keywords", "人工智能"]),
    ("keywords-json", "100", &["keywords", "孵化器", "--json", "-n", "8"]),
    ("keywords-all", "100", &["keywords", "-n", "10", "--since", "2025-12-20"]),
    ("stats", "100", &["stats"]),
    ("stats-json", "100", &["stats", "--json"]),
    ("show", "100", &["show", "2650210595_1"]),
    ("show-text", "100", &["show", "seeds/001_cf4ae71d46783a76.txt"]),
    ("show-author", "100", &["show", "seeds/004_c93b36575511fa58.txt"]),
    ("show-json", "100", &["show", "seeds/000_97e3f32e7eb2c8f5.txt", "--json"]),
    ("show-missing", "100", &["show", "no-such-id"]),
];

fn golden_dir() -> PathBuf {
    root().join("tests/golden")
}

/// Replaces what differs from one run to the next (the index's path, its size on disk
/// and when it was written) with fixed words.
fn normalise(s: &str, index: &str) -> String {
    let mut out = Vec::new();
    for line in s.replace(index, "INDEX").lines() {
        let line = if line.starts_with("size ") {
            "size          SIZE".to_string()
        } else if line.starts_with("last indexed ") {
            "last indexed  TIME".to_string()
        } else if line.starts_with('{') && line.contains("\"size_bytes\"") {
            let mut v: serde_json::Value = serde_json::from_str(line).expect("stats json");
            v["size_bytes"] = "SIZE".into();
            v["last_indexed"] = "TIME".into();
            v["segments"] = "N".into();
            v.to_string()
        } else {
            line.to_string()
        };
        out.push(line);
    }
    out.join("\n")
}

/// An index of the seeds written by one thread: documents in file order, so that ties
/// (equal scores, equal days) come out in the same order on every run.
fn golden_index() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let (code, _, err) = run(dir.path(), &["index", "seeds", "--threads", "1"]);
        assert_eq!(code, 0, "indexing seeds failed: {err}");
        dir
    })
    .path()
}

fn render(columns: &str, args: &[&str]) -> String {
    let idx = golden_index();
    let out = sou(idx).args(args).env("COLUMNS", columns).output().expect("run sou");
    let index = idx.display().to_string();
    format!(
        "$ sou {}\n(COLUMNS={columns}) exit {}\n--- stdout\n{}\n--- stderr\n{}\n",
        args.join(" "),
        out.status.code().unwrap_or(-1),
        normalise(&String::from_utf8_lossy(&out.stdout), &index),
        normalise(&String::from_utf8_lossy(&out.stderr), &index),
    )
}

#[test]
fn every_printer_writes_the_pinned_bytes() {
    let update = std::env::var_os("SOU_UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    let mut rewritten = Vec::new();
    for (name, columns, args) in CASES {
        let got = render(columns, args);
        let path = golden_dir().join(format!("{name}.txt"));
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got == want {
            continue;
        }
        if update {
            std::fs::create_dir_all(golden_dir()).expect("golden dir");
            std::fs::write(&path, &got).expect("write golden file");
            rewritten.push(path.display().to_string());
        } else {
            failures.push(format!("{name}:\n--- want\n{want}\n--- got\n{got}"));
        }
    }
    assert!(
        rewritten.is_empty(),
        "SOU_UPDATE_GOLDEN is set: {} golden files rewritten ({}); review `git diff tests/golden` and run the tests again without it",
        rewritten.len(),
        rewritten.join(", ")
    );
    assert!(
        failures.is_empty(),
        "{} of {} golden outputs differ:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}
