//! Every front-end selects documents the same way: the same query and filters — whole
//! words, authors, a title, dates, several sources — through the command line, the HTTP
//! API and the TUI give the same documents, and those are the documents an independent
//! filter over the input records expects.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::http::{enc, Server};
use common::tmux::Pane;
use common::*;

/// One input record of the fixture.
struct Rec {
    id: String,
    title: String,
    content: String,
    date: String,
    source: &'static str,
    author: &'static str,
}

/// Ninety records: 华为 as a word or only inside 升华为, three sources and authors, half of
/// the titles about 科技, dates over six months.
fn records() -> Vec<Rec> {
    let sources = ["甲报", "乙报", "丙报"];
    let authors = ["张三", "李四", "王五"];
    (0..90)
        .map(|i| {
            let word =
                if i % 5 == 1 { "思想升华为行动，值得一读。" } else { "华为发布新款手机。" };
            Rec {
                id: format!("r{i}"),
                title: if i % 2 == 0 { format!("科技新闻第{i}期") } else { format!("社会新闻第{i}期") },
                content: format!("第{i}篇。{word}另有他事。"),
                date: format!("2025-{:02}-{:02}", i % 5 + 1, i % 28 + 1),
                source: sources[i % 3],
                author: authors[(i / 3) % 3],
            }
        })
        .collect()
}

fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("news.jsonl");
    let lines: Vec<String> = records()
        .iter()
        .map(|r| {
            serde_json::json!({"id": r.id, "title": r.title, "content": r.content, "date": r.date,
                "source": r.source, "author": r.author})
            .to_string()
        })
        .collect();
    std::fs::write(&path, lines.join("\n") + "\n").expect("write fixture");
    path
}

/// The filters every front-end is given.
const FILTERS: [(&str, &str); 6] = [
    ("author", "张三"),
    ("title", "科技"),
    ("since", "2025-02"),
    ("until", "2025-05"),
    ("source", "甲报"),
    ("source", "乙报"),
];

/// What the filters select, computed from the records themselves: 华为 as a whole word
/// (the records never hold it inside another word but in 升华为).
fn expected() -> BTreeSet<String> {
    records()
        .into_iter()
        .filter(|r| r.content.contains("华为发布"))
        .filter(|r| r.author == "张三" && r.title.contains("科技"))
        .filter(|r| ("2025-02".."2025-06").contains(&r.date.as_str()))
        .filter(|r| r.source == "甲报" || r.source == "乙报")
        .map(|r| r.id)
        .collect()
}

fn cli_args() -> Vec<String> {
    let mut args: Vec<String> = vec!["search".into(), "华为".into(), "-w".into()];
    for (name, value) in FILTERS {
        args.extend([format!("--{name}"), value.to_string()]);
    }
    args
}

fn cli_ids(index: &Path, args: &[String]) -> BTreeSet<String> {
    let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
    a.extend(["--format", "ids", "-n", "1000"]);
    let (code, out, err) = run(index, &a);
    assert!(code == 0 || code == 1, "{err}");
    out.lines().map(str::to_string).collect()
}

#[test]
#[ignore = "needs tmux (installed by tests/run)"]
fn the_command_line_the_api_and_the_tui_select_the_same_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = fixture(dir.path());
    let index = dir.path().join("index");
    let (code, _, err) = run(&index, &["index", input.to_str().expect("path"), "-q"]);
    assert_eq!(code, 0, "{err}");
    let want = expected();
    assert!(want.len() >= 2, "the fixture selects something: {want:?}");
    // Each filter matters: without -w, 升华为 matches too; without the filters, more match.
    let cli = cli_ids(&index, &cli_args());
    assert_eq!(cli, want, "command line");
    let loose: Vec<String> = cli_args().into_iter().filter(|a| a != "-w").collect();
    assert!(cli_ids(&index, &loose).len() > want.len(), "-w must narrow the set");
    assert!(cli_ids(&index, &["search".into(), "华为".into(), "-w".into()]).len() > want.len());

    // The API, with the same filters as URL parameters.
    let server = Server::start(&index, &[]);
    let mut url = "/api/search?q=%E5%8D%8E%E4%B8%BA&word=true&limit=1000".to_string();
    for (name, value) in FILTERS {
        url.push_str(&format!("&{name}={}", enc(value)));
    }
    let v = server.json(&url);
    let api: BTreeSet<String> =
        v["hits"].as_array().expect("hits").iter().map(|h| h["id"].as_str().expect("id").to_string()).collect();
    assert_eq!(api, want, "API");
    assert_eq!(v["total"].as_u64(), Some(want.len() as u64));

    // The TUI: its count on screen, and the command line it prints on Esc reproduces
    // the same documents.
    let quoted: Vec<String> = cli_args().iter().map(|a| format!("'{a}'")).collect();
    let shell = format!(
        "{} --index {} {} -i; echo EXIT=$?; sleep 60",
        env!("CARGO_BIN_EXE_sou"),
        index.display(),
        quoted.join(" ")
    );
    let pane = Pane::start(&shell, 120, 30);
    pane.wait("the count", |s| s.lines().next().is_some_and(|l| l.contains(&format!(" {} documents", want.len()))));
    pane.keys(&["Escape"]);
    let screen = pane.wait("the exit", |s| s.contains("EXIT="));
    let line = screen.lines().find(|l| l.starts_with("sou search ")).expect("the printed command");
    assert!(line.contains(" -w") && line.contains("--author 张三"), "{line}");
    let printed: Vec<String> = line.split_whitespace().skip(1).map(|w| w.trim_matches('\'').to_string()).collect();
    assert_eq!(cli_ids(&index, &printed), want, "the TUI's command line: {line}");
}
