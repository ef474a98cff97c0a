//! A real distributed engine: the seeds and news.jsonl exported to a two-node Sphinx
//! cluster on 127.0.0.1 (Debian's `sphinxsearch`, started here and killed at the end),
//! and every query of a list covering the query language answered by the cluster with
//! exactly the documents, counts, histograms and breakdowns of the local index.
//!
//! Ignored by the everyday `cargo test` (it needs `indexer` and `searchd`, which
//! `tests/run` installs); run with `cargo test --release -- --include-ignored`.

mod common;

use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// The `searchd` processes of the test, killed when it ends however it ends.
struct Nodes(Vec<Child>);

impl Drop for Nodes {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A base port P such that P, P+1 (SphinxQL) and P+100, P+101 (agents) are free.
fn free_base_port() -> u16 {
    let start = 20_000 + (std::process::id() % 20_000) as u16;
    (0..2000u16)
        .map(|i| start.wrapping_add(i * 7) % 40_000 + 20_000)
        .find(|&p| [p, p + 1, p + 100, p + 101].iter().all(|&q| TcpListener::bind(("127.0.0.1", q)).is_ok()))
        .expect("four free ports")
}

fn tool(name: &str, args: &[&str]) {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {name} ({e}): this test needs Debian's sphinxsearch (apt-get install sphinxsearch)")
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds and starts the exported cluster in `dir`, as its README says.
fn start(dir: &Path, port: u16) -> Nodes {
    let conf = |k: usize| dir.join(format!("node{k}.conf")).to_string_lossy().into_owned();
    for k in 0..2 {
        tool("indexer", &["--config", &conf(k), "--all"]);
        let out = Command::new("indextool")
            .args(["--config", &conf(k), "--dumpdict", &format!("shard{k}"), "--stats"])
            .output()
            .expect("run indextool");
        assert!(out.status.success());
        std::fs::write(dir.join(format!("data/shard{k}.dict")), out.stdout).expect("write the dictionary dump");
    }
    let dicts: Vec<String> =
        (0..2).map(|k| dir.join(format!("data/shard{k}.dict")).to_string_lossy().into_owned()).collect();
    let idf = dir.join("global.idf").to_string_lossy().into_owned();
    tool("indextool", &["--buildidf", &dicts[0], &dicts[1], "--out", &idf]);
    let mut nodes = Nodes(Vec::new());
    for k in (0..2).rev() {
        let child = Command::new("searchd")
            .args(["--config", &conf(k), "--nodetach"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start searchd");
        nodes.0.push(child);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    for p in [port, port + 1, port + 100, port + 101] {
        while TcpStream::connect(("127.0.0.1", p)).is_err() {
            assert!(Instant::now() < deadline, "searchd did not listen on {p}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    nodes
}

/// Substrings of `len` characters of `text` starting at every `step`-th character:
/// most of them cross jieba's word boundaries.
fn substrings(text: &str, len: usize, step: usize, most: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len().saturating_sub(len))
        .step_by(step)
        .map(|i| chars[i..i + len].iter().collect::<String>())
        .filter(|s: &String| s.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)))
        .take(most)
        .collect()
}

/// The queries: literals of 1 to 8 characters cut from news articles, traditional over
/// simplified, Latin and mixed tokens, operators, phrases, field scopes; each with
/// the filters it is run with.
fn queries(news: &Path, sources: &[String]) -> Vec<(String, Vec<String>)> {
    let first: Value = serde_json::from_str(
        std::fs::read_to_string(news).expect("news.jsonl").lines().nth(1234).expect("a news line"),
    )
    .expect("JSON");
    let text = first["content"].as_str().unwrap_or_default().to_string();
    let mut qs: Vec<String> = Vec::new();
    for len in 1..=8 {
        qs.extend(substrings(&text, len, 37 + len, 4));
    }
    qs.extend(
        [
            "國家",
            "經濟發展",
            "網絡",
            "臺灣",
            "發展",
            "人工智慧",
            "AI",
            "iPhone",
            "5G",
            "GDP",
            "AI芯片",
            "C++",
            "5%",
            "NBA",
            "3D打印",
            "张江 OR 临港",
            "经济 -房地产",
            "(上海 OR 北京) 经济 -房地产",
            "\"人工 智能\"",
            "\"高质量发展\"",
            "title:经济",
            "content:芯片 OR title:华为",
            "-的",
            "芯片 -(华为 OR 高通)",
            "title:(足球 OR 篮球)",
            "author:李治国",
            "孵化器",
            "人工智能",
            "创中心",
            "ＡＩ",
            "明月",
            "（张江　ＯＲ　临港）　芯片",
        ]
        .map(String::from),
    );
    for s in sources.iter().take(2) {
        qs.push(format!("source:{s}"));
    }
    let mut out: Vec<(String, Vec<String>)> = qs.iter().map(|q| (q.clone(), Vec::new())).collect();
    let filtered = ["经济", "上海", "人工智能", "中国"];
    for q in filtered {
        out.push((q.into(), vec!["--since".into(), "2018-06".into(), "--until".into(), "2018-12-15".into()]));
        if let Some(s) = sources.first() {
            out.push((q.into(), vec!["--source".into(), s.clone()]));
        }
        out.push((q.into(), vec!["--title".into(), "中国".into()]));
    }
    out
}

fn set(ids: &str) -> BTreeSet<String> {
    ids.lines().map(str::to_string).collect()
}

#[test]
#[ignore = "needs sphinxsearch and the news corpus: cargo test --release -- --include-ignored"]
fn a_two_node_sphinx_cluster_answers_exactly_as_the_local_index() {
    let news = corpus_dir().join("news.jsonl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let index = tmp.path().join("index");
    let seeds = root().join("seeds");
    let (code, _, err) =
        run(&index, &["index", seeds.to_str().unwrap_or_default(), news.to_str().unwrap_or_default(), "-q"]);
    assert_eq!(code, 0, "{err}");

    let port = free_base_port();
    let out: PathBuf = tmp.path().join("cluster");
    let (code, _, err) = run(
        &index,
        &[
            "export",
            "--to",
            "sphinx",
            "--nodes",
            "2",
            "--port",
            &port.to_string(),
            "--out",
            out.to_str().unwrap_or_default(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("exported 7415 documents"), "{err}");
    let readme = std::fs::read_to_string(out.join("README")).expect("README");
    assert!(readme.contains("indexer --config") && readme.contains("searchd --config"), "{readme}");
    let _nodes = start(&out, port);
    let engine = format!("sphinx://127.0.0.1:{port}/sou");

    let (_, by_source, _) = run(&index, &["search", "的", "--by", "source"]);
    let sources: Vec<String> =
        by_source.lines().filter_map(|l| l.split('\t').next()).filter(|s| *s != "(none)").map(String::from).collect();
    let list = queries(&news, &sources);
    assert!(list.len() >= 60, "{} queries", list.len());
    let lengths: BTreeSet<usize> = list.iter().map(|(q, _)| q.chars().count()).filter(|n| *n <= 8).collect();
    assert!((1..=8).all(|n| lengths.contains(&n)), "literal lengths {lengths:?}");

    let (mut nonempty, mut hits) = (0, 0);
    for (q, filters) in &list {
        let with = |extra: &[&str]| {
            let mut a: Vec<&str> = vec!["search", q];
            a.extend(filters.iter().map(String::as_str));
            a.extend_from_slice(extra);
            a.into_iter().map(String::from).collect::<Vec<String>>()
        };
        let ask = |extra: &[&str]| {
            let args = with(extra);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, stdout, err) = run(&index, &args);
            assert!(code <= 1, "{args:?}: {err}");
            stdout
        };
        let local = set(&ask(&["--format", "ids", "-n", "100000"]));
        let remote = set(&ask(&["--format", "ids", "-n", "100000", "--engine", &engine]));
        assert_eq!(local, remote, "{q} {filters:?}: the cluster's documents differ");
        let count = ask(&["--count"]);
        assert_eq!(count, ask(&["--count", "--engine", &engine]), "{q} {filters:?}: counts differ");
        assert_eq!(count.trim(), local.len().to_string(), "{q}: --count and the ids agree");
        nonempty += usize::from(!local.is_empty());
        hits += local.len();
    }
    // The list is not vacuous: most queries find something, some find thousands.
    assert!(nonempty * 10 >= list.len() * 8, "{nonempty} of {} queries matched", list.len());
    assert!(hits > 10_000, "{hits} hits in all");

    // Counting views go through the engine's aggregations and print the same.
    for args in [
        ["search", "经济", "--histogram", "month"],
        ["search", "人工智能", "--histogram", "week"],
        ["search", "芯片", "--by", "source"],
        ["search", "-的", "--by", "source"],
    ] {
        let (_, local, _) = run(&index, &args);
        let mut remote_args = args.to_vec();
        remote_args.extend(["--engine", engine.as_str()]);
        let (code, remote, err) = run(&index, &remote_args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(local, remote, "{args:?}");
        assert!(local.lines().count() > 3, "{args:?}: {local}");
    }

    // The hits print through the same printers: titles, dates and sources as locally.
    let fields = ["search", "芯片", "--format", "jsonl", "-n", "20", "--sort", "date"];
    let (_, local, _) = run(&index, &fields);
    let (_, remote, _) = run(&index, &[&fields[..], &["--engine", &engine]].concat());
    let strip = |s: &str| -> Vec<Value> {
        s.lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).expect("JSON line");
                v["score"] = Value::Null;
                v
            })
            .collect()
    };
    assert_eq!(strip(&local), strip(&remote));
    assert_eq!(strip(&local).len(), 20);

    // `sou verify` agrees, and points at a difference when there is one.
    let (code, stdout, err) = run(&index, &["verify", "--engine", &engine]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(
        err.contains("queries replayed") && err.contains("the engine matched the same documents for every one"),
        "{err}"
    );
    let bad = tmp.path().join("queries.txt");
    std::fs::write(&bad, "人工智能\n# a comment\n\n\"unclosed\n").expect("write queries");
    let (code, _, err) = run(&index, &["verify", "--engine", &engine, "--queries", bad.to_str().unwrap_or_default()]);
    assert_eq!(code, 2);
    assert!(err.contains("queries.txt:4: bad query: unclosed quote"), "{err}");
    let (code, _, err) = run(
        &index,
        &[
            "index",
            seeds.join("002_796d7d15a6c68fce.txt").to_str().unwrap_or_default(),
            "--source",
            "x",
            "--rebuild",
            "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, stdout, _) = run(&index, &["verify", "--engine", &engine]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("only engine:"), "{stdout}");
}
