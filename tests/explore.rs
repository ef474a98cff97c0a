//! Exploring: the concordance (`sou kwic`) against an independent scan of the stored
//! articles, its sorts, offsets and formats.

mod common;

use std::collections::BTreeMap;

use common::keywords;
use common::*;
use serde_json::Value;
use sou::analysis::fold::fold;

/// Every matching document's stored content, by id (read through `sou show`).
fn contents(query: &str) -> BTreeMap<String, String> {
    let idx = seed_index();
    all_ids(idx, query, &[])
        .into_iter()
        .map(|id| {
            let (_, out, _) = run(idx, &["show", &id, "--json"]);
            let v: Value = serde_json::from_str(&out).expect("json");
            (id, v["content"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

fn kwic_json(args: &[&str]) -> Vec<Value> {
    let mut a = vec!["kwic"];
    a.extend_from_slice(args);
    a.push("--json");
    let (code, out, err) = run(seed_index(), &a);
    assert!(code == 0 || code == 1, "{err}");
    out.lines().map(|l| serde_json::from_str(l).expect("json")).collect()
}

#[test]
fn every_occurrence_is_a_line_whose_offset_slices_the_article() {
    for word in ["孵化器", "人工智能", "张江"] {
        let texts = contents(word);
        let want: usize = texts.values().map(|t| t.matches(word).count()).sum();
        let lines = kwic_json(&[word, "--width", "10"]);
        assert_eq!(lines.len(), want, "{word}");
        for l in &lines {
            let text = &texts[l["id"].as_str().expect("id")];
            let offset = l["offset"].as_u64().expect("offset") as usize;
            let at: String = text.chars().skip(offset).take(word.chars().count()).collect();
            assert_eq!(at, word);
            assert_eq!(l["match"], word);
            let left = l["left"].as_str().expect("left");
            let before: String = text.chars().take(offset).collect();
            assert!(before.replace('\n', " ").ends_with(left), "{left:?}");
            assert!(left.chars().count() <= 10 && !left.contains('\n'));
        }
        let (_, out, _) = run(seed_index(), &["kwic", word, "--count"]);
        let docs = texts.values().filter(|t| t.contains(word)).count();
        assert_eq!(out.trim(), format!("{want}\t{docs}"));
    }
}

#[test]
fn left_and_right_sorts_order_by_the_neighbouring_words() {
    // Sorted as folded text (a full-width comma is a comma), independently of sou's sort.
    let right = kwic_json(&["孵化器", "--sort", "right"]);
    let keys: Vec<String> = right.iter().map(|l| fold(l["right"].as_str().expect("right"))).collect();
    assert!(keys.len() > 100 && keys.windows(2).all(|w| w[0] <= w[1]), "right contexts out of order");
    let left = kwic_json(&["孵化器", "--sort", "left", "-n", "1000"]);
    let keys: Vec<String> =
        left.iter().map(|l| fold(l["left"].as_str().expect("left")).chars().rev().collect::<String>()).collect();
    assert!(keys.len() > 100 && keys.windows(2).all(|w| w[0] <= w[1]), "left contexts out of order");
    assert_eq!(kwic_json(&["孵化器", "-n", "7"]).len(), 7);
}

#[test]
fn a_simplified_query_shows_traditional_text_as_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("t.jsonl");
    std::fs::write(&input, "{\"id\":\"t\",\"content\":\"臺灣的國家圖書館。\\n第二段也有國家。\"}\n").expect("write");
    let idx = dir.path().join("index");
    assert_eq!(run(&idx, &["index", input.to_str().expect("path"), "-q"]).0, 0);
    let (code, out, _) = run(&idx, &["kwic", "国家", "--format", "tsv"]);
    assert_eq!(code, 0);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][3..], ["臺灣的", "國家", "圖書館。"]);
    // A paragraph break ends the context unless asked.
    assert_eq!(rows[1][3..], ["第二段也有", "國家", "。"]);
    let (_, out, _) = run(&idx, &["kwic", "国家", "--format", "csv", "--cross-paragraphs"]);
    assert!(out.starts_with("id,date,source,left,match,right\n"), "{out}");
    assert!(out.contains("圖書館。 第二段也有"), "{out}");
    let (code, _, _) = run(&idx, &["kwic", "没有的词"]);
    assert_eq!(code, 1);
}

#[test]
fn keywords_of_a_query_are_significant_terms_with_their_evidence() {
    let idx = seed_index();
    let (_, n, _) = run(idx, &["stats", "--json"]);
    let all: f64 = serde_json::from_str::<Value>(&n).expect("json")["documents"].as_f64().expect("documents");
    let (_, m, _) = run(idx, &["search", "孵化器", "--count"]);
    let matching: f64 = m.trim().parse().expect("count");
    let (code, out, err) = run(idx, &["keywords", "孵化器", "--json", "-n", "15"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert!(rows.len() >= 5);
    let mut last = f64::INFINITY;
    for r in &rows {
        let (docs, docs_all) = (r["docs"].as_f64().expect("docs"), r["docs_all"].as_f64().expect("docs_all"));
        let score = r["score"].as_f64().expect("score");
        let word = r["word"].as_str().expect("word");
        assert!(docs >= 2.0 && docs <= docs_all && docs <= matching, "{r}");
        // Over-represented in the matches: a larger share of them than of all documents.
        assert!(docs / matching > docs_all / all, "{r}");
        assert!(score <= last, "scores descend");
        last = score;
        assert!(!"孵化器".contains(word), "the query's own word: {r}");
        // The word occurs in at least that many matching documents (a substring scan of
        // their text, which sees every occurrence jieba's words can).
        let (_, both, _) = run(idx, &["search", &format!("孵化器 \"{word}\""), "--count"]);
        assert!(both.trim().parse::<f64>().expect("count") >= docs, "{r}");
    }
    // The whole index keeps its corpus keywords and their keys.
    let (_, out, _) = run(idx, &["keywords", "--json", "-n", "3"]);
    let first: Value = serde_json::from_str(out.lines().next().expect("a line")).expect("json");
    assert!(first.get("weight").is_some() && first.get("docs_all").is_none(), "{first}");
}

#[test]
fn trend_columns_equal_separate_counts_and_shares_divide_by_all_documents() {
    let idx = seed_index();
    let queries = ["人工智能", "孵化器", "张江 OR 临港"];
    let (code, out, err) = run(idx, &["trend", queries[0], queries[1], queries[2], "--by", "month"]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("period\t人工智能\t孵化器\t张江 OR 临港"));
    let rows: Vec<Vec<String>> = lines.map(|l| l.split('\t').map(str::to_string).collect()).collect();
    assert!(rows.len() >= 2, "{out}");
    // Documents per month, counted from the seeds themselves.
    let mut all: BTreeMap<String, usize> = BTreeMap::new();
    for d in seed_docs() {
        if let Some(date) = d.date {
            *all.entry(date[..7].to_string()).or_default() += 1;
        }
    }
    let (_, shares, _) = run(idx, &["trend", queries[0], queries[1], queries[2], "--by", "month", "--share", "--json"]);
    let shares: Vec<Value> = shares.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    for row in &rows {
        let month = &row[0];
        for (q, query) in queries.iter().enumerate() {
            let (_, n, _) = run(idx, &["search", query, "--since", month, "--until", month, "--count"]);
            assert_eq!(row[q + 1], n.trim(), "{query} in {month}");
            let s = shares.iter().find(|v| v["period"] == month.as_str() && v["query"] == *query).expect("a share");
            let count: f64 = n.trim().parse().expect("count");
            let total = *all.get(month).unwrap_or(&0) as f64;
            let want = if total > 0.0 { count / total } else { 0.0 };
            assert!((s["share"].as_f64().expect("share") - want).abs() < 1e-9, "{s}");
        }
    }
    // The SVG is well-formed XML and names every query.
    let dir = tempfile::tempdir().expect("tempdir");
    let svg = dir.path().join("trend.svg");
    let (code, _, err) =
        run(idx, &["trend", queries[0], queries[1], queries[2], "--plot", svg.to_str().expect("path"), "--by", "week"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&svg).expect("svg");
    for q in queries {
        assert!(text.contains(&format!(">{q}</text>")), "{q} not named");
    }
    let parsed = std::process::Command::new("python3")
        .args(["-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])"])
        .arg(&svg)
        .status()
        .expect("python3");
    assert!(parsed.success(), "the SVG does not parse");
}

#[test]
fn concordance_lines_fit_the_terminal() {
    for width in [40usize, 80, 160] {
        let out = sou(seed_index())
            .env("COLUMNS", width.to_string())
            .args(["kwic", "孵化器", "-n", "20", "--format", "table", "--color", "never"])
            .output()
            .expect("run");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        assert_eq!(text.lines().count(), 20);
        for line in text.lines() {
            let w: usize = line.chars().map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)).sum();
            assert!(w <= width, "{width}: {line}");
            assert!(line.contains(" 孵化器 "), "{line}");
        }
    }
}

#[test]
fn keywords_equal_an_independent_count_of_the_tagged_texts() {
    let idx = seed_index();
    let jieba = jieba_rs::Jieba::new();
    // Every seed article as stored: the oracle segments and tags its texts itself.
    let ids = all_ids(idx, "-没有这个词组合", &[]);
    let mut texts: BTreeMap<String, (String, String)> = BTreeMap::new();
    for id in &ids {
        let (_, out, _) = run(idx, &["show", id, "--json"]);
        let v: Value = serde_json::from_str(&out).expect("json");
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        texts.insert(id.clone(), (s("title"), s("content")));
    }
    assert_eq!(texts.len(), 62);
    let df = keywords::content_doc_freq(&jieba, texts.values().map(|(_, c)| c.as_str()));
    let n = texts.len() as u64;
    // The whole index: every document is read.
    let read: Vec<(&str, &str)> = texts.values().map(|(t, c)| (t.as_str(), c.as_str())).collect();
    let want = keywords::keywords(&jieba, &read, read.len(), n, &df, false, &[], 20);
    let (_, got, _) = run(idx, &["keywords", "--json", "-n", "20"]);
    keywords::same(&keywords::parse(&got), &want).unwrap_or_else(|e| panic!("whole index: {e}"));
    // Subsets: a query's matches, or a date range's.
    for (query, args) in [
        ("孵化器", vec![]),
        ("人工智能", vec![]),
        ("张江 OR 临港", vec![]),
        ("-没有这个词组合", vec!["--since", "2025-12-20"]),
    ] {
        let matching = all_ids(idx, query, &args);
        let read: Vec<(&str, &str)> = matching.iter().map(|id| (texts[id].0.as_str(), texts[id].1.as_str())).collect();
        let exclude: Vec<String> =
            if query.starts_with('-') { Vec::new() } else { query.split(" OR ").map(fold).collect() };
        let want = keywords::keywords(&jieba, &read, read.len(), n, &df, true, &exclude, 15);
        let mut a = vec!["keywords", query, "--json", "-n", "15"];
        a.extend(args.iter().copied());
        let (_, got, _) = run(idx, &a);
        keywords::same(&keywords::parse(&got), &want).unwrap_or_else(|e| panic!("{query} {args:?}: {e}"));
        assert!(!want.is_empty(), "{query}");
    }
}

#[test]
fn the_count_from_positions_equals_the_lines_printed_where_occurrences_meet() {
    // Occurrences that overlap (哈哈 in 哈哈哈), touch (芯片芯片), follow each other across a
    // space (AI AI), a mark or punctuation, in traditional and simplified writing.
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = [
        ("a", "哈哈哈，哈哈。芯片芯片与芯片，AI AI ai,AI 5G5G 5G 5G"),
        ("b", "芯片\u{0301}芯片 國家国家 晶片 半導體芯片 「芯片」芯片"),
        ("c", "没有要找的词"),
    ];
    let jsonl: String = lines
        .iter()
        .map(|(id, text)| format!("{}\n", serde_json::json!({"id": id, "title": "题", "content": text})))
        .collect();
    let file = dir.path().join("m.jsonl");
    std::fs::write(&file, jsonl).expect("write");
    let idx = dir.path().join("index");
    let (code, _, err) = run(&idx, &["index", &file.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    for q in ["哈哈", "芯片", "AI", "5G", "国家", "芯片 OR 晶片", "芯片 OR 芯", "哈 OR 哈哈", "国家 -没有"]
    {
        let (_, printed, _) = run(&idx, &["kwic", q, "--json"]);
        let lines: Vec<Value> = printed.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        let docs: std::collections::BTreeSet<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
        let (_, count, err) = run(&idx, &["kwic", q, "--count"]);
        assert_eq!(count.trim(), format!("{}\t{}", lines.len(), docs.len()), "{q}: {err}");
        let (_, whole, _) = run(&idx, &["kwic", q, "--count", "-w"]);
        assert!(!whole.trim().is_empty(), "{q}");
    }
    // A touching pair is one line (the text decides), an overlapping run too.
    assert_eq!(run(&idx, &["kwic", "芯片", "--count"]).1.trim(), "7\t2");
    assert_eq!(run(&idx, &["kwic", "哈哈", "--count"]).1.trim(), "2\t1");
}
