//! Ingestion of what analysts really have: every format, encoding, key mapping and date
//! form; broken records reported as FILE:LINE and skipped; strict mode; rebuild and
//! delete; the writer lock; and a kill at any moment never losing a committed document.

mod common;

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A fresh directory with an index dir and a data dir.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Sandbox { dir: tempfile::tempdir().unwrap() }
    }
    fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }
    fn sou(&self, args: &[&str]) -> (i32, String, String) {
        run(&self.index(), args)
    }
    fn hits(&self, query: &str) -> Vec<Value> {
        let (_, out, _) = self.sou(&["search", query, "--json", "-n", "1000"]);
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
    fn count(&self) -> usize {
        self.sou(&["search", "-zzzzzz", "--count"]).1.trim().parse().unwrap_or(0)
    }
}

fn field<'a>(hits: &'a [Value], title: &str, key: &str) -> &'a Value {
    &hits.iter().find(|h| h["title"] == title).unwrap_or_else(|| panic!("no hit titled {title}: {hits:?}"))[key]
}

#[test]
fn every_format_is_recognised() {
    let s = Sandbox::new();
    s.file(
        "a/array.json",
        r#"[{"id":"a1","title":"数组一","content":"正文甲"},{"id":"a2","title":"数组二","content":"正文甲"}]"#
            .as_bytes(),
    );
    s.file("a/one.json", r#"{"id":"o1","标题":"单个对象","正文":"正文甲"}"#.as_bytes());
    s.file("a/wrapped.json", r#"{"total":1,"data":[{"id":"w1","title":"包装数组","content":"正文甲"}]}"#.as_bytes());
    s.file("a/lines.jsonl", "{\"id\":\"l1\",\"title\":\"行一\",\"content\":\"正文甲\"}\n{\"id\":\"l2\",\"title\":\"行二\",\"content\":\"正文甲\"}\n".as_bytes());
    s.file("a/table.csv", "id,title,content,date\nc1,\"逗号, 标题\",正文甲,2025-01-02\n".as_bytes());
    s.file("a/table.tsv", "id\ttitle\tcontent\nt1\t制表符标题\t正文甲\n".as_bytes());
    s.file("a/article.txt", "纯文本标题\n\n来源：新华社 2025年3月4日\n\n正文甲在这里。\n".as_bytes());
    s.file("a/notes.md", "# 笔记标题\n\n正文甲\n".as_bytes());
    s.file("a/noext", "无扩展名标题\n正文甲\n".as_bytes());
    let (code, _, err) = s.sou(&["index", s.dir.path().join("a").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("indexed 11 documents (0 skipped"), "{err}");
    let hits = s.hits("正文甲");
    assert_eq!(hits.len(), 11);
    assert_eq!(field(&hits, "逗号, 标题", "date"), "2025-01-02");
    assert_eq!(field(&hits, "纯文本标题", "source"), "新华社");
    assert_eq!(field(&hits, "纯文本标题", "date"), "2025-03-04");
    // Standard input, with the format named.
    let mut child =
        s.sou_cmd(&["index", "-", "--format", "csv"]).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all("title,content\n标准输入,正文甲\n".as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(s.hits("正文甲").len(), 12);
    assert_eq!(field(&s.hits("标准输入"), "标准输入", "path"), "<stdin>");
}

impl Sandbox {
    fn sou_cmd(&self, args: &[&str]) -> Command {
        let mut c = sou(&self.index());
        c.args(args);
        c
    }
}

#[test]
fn encodings_are_detected() {
    let s = Sandbox::new();
    let text = "编码测试标题\n\n这是一篇關於編碼的文章，内容包括人工智能。\n";
    let gb = encoding_rs::GB18030.encode(text).0.into_owned();
    let big5 = encoding_rs::BIG5
        .encode("編碼測試標題\n\n這是一篇關於編碼的文章，內容包括人工智慧與人工智能。\n")
        .0
        .into_owned();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    s.file("e/gbk.txt", &gb);
    s.file("e/big5.txt", &big5);
    s.file("e/utf16.txt", &utf16);
    s.file("e/bom.txt", &bom);
    s.file("e/binary.bin", &[0u8, 159, 146, 150, 0, 1, 2, 3]);
    let (code, _, err) = s.sou(&["index", s.dir.path().join("e").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("binary.bin: not a text file; skipped"), "{err}");
    let hits = s.hits("人工智能");
    assert_eq!(hits.len(), 4, "{hits:?}");
    assert!(hits.iter().all(|h| h["title"] == "编码测试标题" || h["title"] == "編碼測試標題"));
}

#[test]
fn field_mapping_flags_override_detection() {
    let s = Sandbox::new();
    let json = s.file(
        "m.jsonl",
        "{\"title\":\"不是标题\",\"头条\":\"真正的标题\",\"pub_time\":\"2025/12/23\",\"正文\":\"映射测试\"}\n"
            .as_bytes(),
    );
    let csv = s.file("m.csv", "名称,发布,文本\n表格标题,2025-12-22,映射测试\n".as_bytes());
    let (code, _, err) = s.sou(&[
        "index",
        &json,
        &csv,
        "--field",
        "title=头条",
        "--field",
        "date=pub_time",
        "--field",
        "title=名称",
        "--field",
        "date=发布",
        "--field",
        "content=文本",
    ]);
    assert_eq!(code, 0, "{err}");
    let hits = s.hits("映射测试");
    assert_eq!(field(&hits, "真正的标题", "date"), "2025-12-23");
    assert_eq!(field(&hits, "表格标题", "date"), "2025-12-22");
    let (code, _, err) = s.sou(&["index", &json, "--field", "headline=x"]);
    assert_eq!(code, 2);
    assert!(err.contains("headline"), "{err}");
}

#[test]
fn date_forms_and_time_zones() {
    let s = Sandbox::new();
    let lines = [
        ("d1", "2025-12-23"),
        ("d2", "2025/12/23"),
        ("d3", "2025.12.23"),
        ("d4", "2025年12月23日"),
        ("d5", "2025-12-23 10:30"),
        ("d6", "2025-12-23T10:30:00+08:00"),
        ("d7", "2025-12-22T20:00:00Z"),
        ("d8", "1766448000"),
        ("d9", "1766448000000"),
        ("e1", "20251223"),
        ("e2", "Tue, 23 Dec 2025 09:05:00 GMT"),
        ("e3", "Mon, 22 Dec 2025 20:00:00 +0000"),
    ];
    let mut body = String::new();
    for (id, d) in lines {
        body.push_str(&format!("{{\"id\":\"{id}\",\"title\":\"{id}\",\"content\":\"日期测试\",\"date\":\"{d}\"}}\n"));
    }
    body.push_str("{\"id\":\"n1\",\"title\":\"n1\",\"content\":\"日期测试\",\"date\":1766448000}\n");
    // A number of 8 digits is YYYYMMDD, not Unix seconds in 1970.
    body.push_str("{\"id\":\"n2\",\"title\":\"n2\",\"content\":\"日期测试\",\"date\":20251223}\n");
    body.push_str("{\"id\":\"bad\",\"title\":\"bad\",\"content\":\"日期测试\",\"date\":\"上周三\"}\n");
    // A number that is no plausible date is a warning, not 1970.
    body.push_str("{\"id\":\"bad2\",\"title\":\"bad2\",\"content\":\"日期测试\",\"date\":12345}\n");
    let f = s.file("dates.jsonl", body.as_bytes());
    let (code, _, err) = s.sou(&["index", &f]);
    assert_eq!(code, 0, "{err}");
    let f = f.trim_start_matches("./");
    assert!(err.contains(&format!("{f}:15: unreadable date '上周三'; kept without a date")), "{err}");
    assert!(err.contains(&format!("{f}:16: unreadable date '12345'; kept without a date")), "{err}");
    let hits = s.hits("日期测试");
    assert_eq!(hits.len(), 16);
    for h in &hits {
        let want = if h["id"] == "bad" || h["id"] == "bad2" { Value::Null } else { Value::from("2025-12-23") };
        assert_eq!(h["date"], want, "{h}");
    }
    // A day filter means the reader's day (UTC+8): 20:00Z on the 22nd is the 23rd.
    let (_, out, _) = s.sou(&["search", "日期测试", "--since", "2025-12-23", "--until", "2025-12-23", "--count"]);
    assert_eq!(out.trim(), "14");
    // --tz reads zoneless times elsewhere: 02:00 at UTC-05:00 is 15:00 in China.
    let g = s.file(
        "tz.jsonl",
        "{\"id\":\"z\",\"title\":\"z\",\"content\":\"时区测试\",\"date\":\"2025-12-23 23:30\"}\n".as_bytes(),
    );
    let (code, _, err) = s.sou(&["index", &g, "--tz", "-05:00"]);
    assert_eq!(code, 0, "{err}");
    // The index now keeps -05:00 as its zone, so dates show there; --tz shows them in another.
    assert_eq!(s.hits("时区测试")[0]["date"], "2025-12-23");
    let (_, out, _) = s.sou(&["search", "时区测试", "--json", "--tz", "+08:00"]);
    assert!(out.contains("\"date\":\"2025-12-24\""), "{out}");
}

#[test]
fn broken_records_are_reported_with_file_and_line_and_skipped() {
    let s = Sandbox::new();
    let mut jsonl = b"{\"id\":\"1\",\"title\":\"\xe5\xa5\xbd\",\"content\":\"\xe5\x9d\x8f\xe8\xae\xb0\xe5\xbd\x95\xe6\xb5\x8b\xe8\xaf\x95\"}\n".to_vec();
    jsonl.extend_from_slice(b"{\"id\":\"2\",\"title\":\"broken\n");
    jsonl.extend_from_slice(b"{\"id\":\"3\",\"title\":\"bad utf8 \xff\xfe\",\"content\":\"x\"}\n");
    jsonl.extend_from_slice("[1,2]\n".as_bytes());
    jsonl.extend_from_slice("{\"id\":\"5\",\"title\":\"五\",\"content\":\"坏记录测试\"}\n".as_bytes());
    let j = s.file("bad.jsonl", &jsonl);
    let c = s.file("bad.csv", "id,title,content\nc1,甲,坏记录测试\nc2,乙\nc3,丙,坏记录测试\n".as_bytes());
    let (code, _, err) = s.sou(&["index", &j, &c]);
    assert_eq!(code, 0, "{err}");
    let j = j.trim_start_matches("./");
    let c = c.trim_start_matches("./");
    assert!(err.contains(&format!("{j}:2: invalid JSON")), "{err}");
    assert!(err.contains(&format!("{j}:3: invalid UTF-8")), "{err}");
    assert!(err.contains(&format!("{j}:4: expected a JSON object, found an array")), "{err}");
    assert!(err.contains(&format!("{c}:3: expected 3 fields, found 2; skipped")), "{err}");
    assert!(err.contains("indexed 4 documents (4 skipped"), "{err}");
    assert_eq!(s.hits("坏记录测试").len(), 4);
}

#[test]
fn records_of_a_json_array_are_reported_at_their_own_line() {
    let s = Sandbox::new();
    let array = "[\n  {\"id\":\"a1\",\"title\":\"一\",\"content\":\"数组测试\"},\n  42,\n  {\"id\":\"a2\",\"title\":\"二\",\"content\":\"数组测试\",\"date\":\"上周\"},\n  {\"id\":\"a3\",\"title\":\"三\",\n   \"content\":\"数组测试\" \"x\"}\n]\n";
    let a = s.file("export.json", array.as_bytes());
    let wrapped = "{\"total\": 3, \"data\": [\n {\"id\":\"w1\",\"title\":\"甲\",\"content\":\"数组测试\"},\n null,\n {\"id\":\"w2\",\"title\":\"乙\",\"content\":\"数组测试\"}\n]}\n";
    let w = s.file("wrapped.json", wrapped.as_bytes());
    let t = s.file("note.txt", "[转载] 数组测试不是数组\n正文。\n".as_bytes());
    let (code, _, err) = s.sou(&["index", &a, &w, &t]);
    assert_eq!(code, 0, "{err}");
    let (a, w) = (a.trim_start_matches("./"), w.trim_start_matches("./"));
    assert!(err.contains(&format!("{a}:3: expected a JSON object, found a number; skipped")), "{err}");
    assert!(err.contains(&format!("warning: {a}:4: unreadable date '上周'")), "{err}");
    assert!(
        err.contains(&format!("{a}:5: invalid JSON at line 6 (expected `,` or `}}`); this record is skipped")),
        "{err}"
    );
    assert!(err.contains(&format!("{w}:3: expected a JSON object, found null; skipped")), "{err}");
    assert!(err.contains("indexed 5 documents (3 skipped"), "{err}");
    let mut ids: Vec<String> =
        s.hits("数组测试").iter().map(|h| h["id"].as_str().unwrap_or_default().to_string()).collect();
    ids.sort();
    assert_eq!(ids.len(), 5, "{ids:?}");
    let (notes, records): (Vec<String>, Vec<String>) = ids.into_iter().partition(|id| id.ends_with("note.txt"));
    assert_eq!(records, ["a1", "a2", "w1", "w2"]);
    assert_eq!(notes.len(), 1, "a text starting with [ is still a text");
}

#[test]
fn strict_mode_commits_nothing_when_anything_is_broken() {
    let s = Sandbox::new();
    let good = s.file("good.jsonl", "{\"id\":\"g\",\"title\":\"好\",\"content\":\"严格模式\"}\n".as_bytes());
    assert_eq!(s.sou(&["index", &good]).0, 0);
    let bad = s.file("bad.jsonl", "{\"id\":\"h\",\"title\":\"新\",\"content\":\"严格模式\"}\nnot json\n".as_bytes());
    let (code, _, err) = s.sou(&["index", &bad, "--strict"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.jsonl:2: invalid JSON") && err.contains("--strict"), "{err}");
    assert_eq!(s.hits("严格模式").len(), 1, "nothing of the strict run was committed");
    assert_eq!(s.sou(&["index", &bad]).0, 0);
    assert_eq!(s.hits("严格模式").len(), 2);
}

#[test]
fn updates_rebuild_delete_and_duplicates() {
    let s = Sandbox::new();
    let f = s.file("docs.jsonl", "{\"id\":\"1\",\"title\":\"旧标题\",\"content\":\"更新测试\"}\n{\"id\":\"2\",\"title\":\"二\",\"content\":\"更新测试\",\"source\":\"甲报\"}\n".as_bytes());
    assert_eq!(s.sou(&["index", &f]).0, 0);
    let f2 = s.file("docs2.jsonl", "{\"id\":\"1\",\"title\":\"新标题\",\"content\":\"更新测试\"}\n{\"id\":\"3\",\"title\":\"三\",\"content\":\"更新测试\",\"source\":\"乙报\"}\n{\"id\":\"3\",\"title\":\"三（更正）\",\"content\":\"更新测试\",\"source\":\"乙报\"}\n".as_bytes());
    let (code, _, err) = s.sou(&["index", &f2]);
    assert_eq!(code, 0);
    assert!(err.contains("1 replaced by a later record with the same id"), "{err}");
    let titles: Vec<String> = s.hits("更新测试").iter().map(|h| h["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(titles.len(), 3);
    assert!(titles.contains(&"新标题".to_string()) && titles.contains(&"三（更正）".to_string()), "{titles:?}");
    assert_eq!(s.sou(&["delete", "1"]).0, 0);
    assert_eq!(s.hits("更新测试").len(), 2);
    assert_eq!(s.sou(&["delete", "--source", "乙报"]).0, 0);
    assert_eq!(s.hits("更新测试").len(), 1);
    assert_eq!(s.sou(&["delete", "nope"]).0, 1);
    let (code, _, _) = s.sou(&["index", &f, "--rebuild"]);
    assert_eq!(code, 0);
    assert_eq!(s.count(), 2);
}

#[test]
fn a_second_writer_fails_at_once_and_searches_keep_working() {
    let s = Sandbox::new();
    let f = s.file("first.jsonl", "{\"id\":\"1\",\"title\":\"一\",\"content\":\"并发测试\"}\n".as_bytes());
    assert_eq!(s.sou(&["index", &f]).0, 0);
    // A writer that waits on standard input holds the lock as long as we like.
    let mut writer = s.sou_cmd(&["index", "-"]).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = writer.id();
    // Wait until it holds the lock: it names itself in sou-writer.pid once it does.
    let pid_file = s.index().join("sou-writer.pid");
    let deadline = Instant::now() + Duration::from_secs(30);
    while fs::read_to_string(&pid_file).ok().as_deref() != Some(pid.to_string().as_str()) {
        assert!(Instant::now() < deadline, "the first writer never took the lock");
        std::thread::sleep(Duration::from_millis(50));
    }
    let started = Instant::now();
    let (code, _, err) = s.sou(&["index", &f]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("being written"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "the refusal was not immediate");
    assert!(err.contains(&format!("process {pid}")), "{err}");
    assert_eq!(s.hits("并发测试").len(), 1, "searching while a writer runs");
    writer
        .stdin
        .take()
        .unwrap()
        .write_all("{\"id\":\"2\",\"title\":\"二\",\"content\":\"并发测试\"}\n".as_bytes())
        .unwrap();
    assert!(writer.wait().unwrap().success());
    assert_eq!(s.hits("并发测试").len(), 2);
}

/// A JSON Lines file of `n` seed-like articles with distinct ids.
fn big_corpus(path: &Path, n: usize) {
    let docs = seed_docs();
    let mut out = std::io::BufWriter::new(fs::File::create(path).unwrap());
    for i in 0..n {
        let d = &docs[i % docs.len()];
        let v = serde_json::json!({"id": format!("big-{i}"), "title": d.title, "content": d.text, "source": "压测"});
        writeln!(out, "{v}").unwrap();
    }
}

#[test]
#[ignore = "slow: cargo test --release -- --include-ignored"]
fn a_kill_at_any_moment_loses_no_committed_document() {
    let s = Sandbox::new();
    let big = s.dir.path().join("big.jsonl");
    big_corpus(&big, 12_000);
    let big = big.display().to_string();
    for delay_ms in [300u64, 900, 1600, 2500] {
        let mut child = s.sou_cmd(&["index", &big, "--commit-every", "4", "-q"]).spawn().unwrap();
        // Watch the committed count grow, then kill -9 at a moment the writer is busy.
        let start = Instant::now();
        let mut committed = 0;
        while start.elapsed() < Duration::from_millis(delay_ms) {
            let (code, out, _) = s.sou(&["search", "-zzzz", "--count"]);
            if code != 2 {
                committed = committed.max(out.trim().parse::<usize>().unwrap_or(0));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        if s.dir.path().join("index/meta.json").exists() {
            let (code, out, err) = s.sou(&["search", "-zzzz", "--count"]);
            assert!(code == 0 || code == 1, "index unreadable after kill at {delay_ms} ms: {err}");
            let after: usize = out.trim().parse().unwrap();
            assert!(after >= committed, "lost committed documents: {after} < {committed} (kill at {delay_ms} ms)");
            if !finished {
                assert!(after <= 12_000);
            }
        }
    }
    // The next run completes the job.
    let (code, _, err) = s.sou(&["index", &big, "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(s.count(), 12_000);
    assert_eq!(s.hits("压测").len(), 0, "source is not content");
    let (_, n, _) = s.sou(&["search", "-zzzz", "--source", "压测", "--count"]);
    assert_eq!(n.trim(), "12000");
}

#[test]
#[ignore = "slow: cargo test --release -- --include-ignored"]
fn a_finished_run_leaves_only_the_files_of_live_segments() {
    let s = Sandbox::new();
    let big = s.dir.path().join("big.jsonl");
    big_corpus(&big, 12_000);
    // Frequent commits make many segments, so background merges and the final merge run.
    let (code, _, err) = s.sou(&["index", &big.display().to_string(), "--commit-every", "2", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(s.count(), 12_000);
    let dir = s.dir.path().join("index");
    let meta: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let live: HashSet<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|seg| seg["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    assert!(!live.is_empty());
    let mut segment_files = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let (Some(stem), Some(ext)) = (name.split('.').next(), name.rsplit('.').next()) else { continue };
        if ["idx", "pos", "term", "store", "fast", "fieldnorm", "del"].contains(&ext) {
            segment_files += 1;
            assert!(live.contains(stem), "{name} belongs to no segment of meta.json");
        }
    }
    assert!(segment_files >= live.len() * 5, "{segment_files} files for {} segments", live.len());
}

/// The summary line of a run's stderr.
fn summary(err: &str) -> &str {
    err.lines().find(|l| l.starts_with("sou: indexed")).unwrap_or("")
}

#[test]
fn a_mostly_utf8_file_is_read_as_utf8_with_a_warning() {
    let s = Sandbox::new();
    let seed = fs::read(
        root().join("seeds").join(
            fs::read_dir(root().join("seeds"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .find(|n| n.starts_with("001_"))
                .unwrap(),
        ),
    )
    .unwrap();
    let cut = &seed[..seed.len() - 1];
    let stop = seed.windows(3).position(|w| w == "。".as_bytes()).unwrap() + 3;
    let stray = [&seed[..stop], b"\xff", &seed[stop..]].concat();
    let para = seed.iter().enumerate().skip(2000).find(|(_, b)| **b == b'\n').unwrap().0;
    // 上海市科技创新中心 in GBK.
    let gbk = b"\xc9\xcf\xba\xa3\xca\xd0\xbf\xc6\xbc\xbc\xb4\xb4\xd0\xc2\xd6\xd0\xd0\xc4";
    let pasted = [&seed[..para], b"\n", &gbk[..], b"\n", &seed[para..]].concat();
    let files = [s.file("cut.txt", cut), s.file("stray.txt", &stray), s.file("pasted.txt", &pasted)];
    let mut args = vec!["index"];
    args.extend(files.iter().map(String::as_str));
    let (code, _, err) = s.sou(&args);
    assert_eq!(code, 0, "{err}");
    for f in &files {
        assert!(
            err.lines().any(|l| l.starts_with(&format!("sou: warning: {f}:")) && l.contains("invalid UTF-8")),
            "{err}"
        );
    }
    let hits = s.hits("习近平");
    assert_eq!(hits.len(), 3, "{hits:?}");
    for h in &hits {
        assert!(h["title"].as_str().unwrap().starts_with("习近平"), "{h}");
        assert_eq!(h["source"], "文汇报");
    }
}

#[test]
fn bad_paths_are_skipped_and_the_rest_is_indexed() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let s = Sandbox::new();
    let data = s.dir.path().join("data");
    s.file("data/good.txt", "好文章\n正文".as_bytes());
    s.file("data/private/secret.txt", "秘密\n正文".as_bytes());
    s.file("data/locked.txt", "锁住\n正文".as_bytes());
    symlink("/nonexistent/sou", data.join("dangling.txt")).unwrap();
    symlink("..", data.join("private").join("loop")).unwrap();
    fs::set_permissions(data.join("private"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(data.join("locked.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    // The index must be writable by the unprivileged user.
    let idx = s.dir.path().join("open-index");
    fs::create_dir(&idx).unwrap();
    fs::set_permissions(&idx, fs::Permissions::from_mode(0o777)).unwrap();
    fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).unwrap();
    let data_arg = data.to_str().unwrap();
    let (code, _, err) = run_unprivileged(s.dir.path(), &idx, &["index", data_arg, "--strict"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nothing was committed"), "{err}");
    let (code, _, err) = run_unprivileged(s.dir.path(), &idx, &["index", data_arg]);
    assert_eq!(code, 0, "{err}");
    for (path, why) in [
        ("dangling.txt", "symbolic link to nothing"),
        ("private", "permission denied"),
        ("locked.txt", "ermission denied"),
    ] {
        assert!(err.lines().any(|l| l.contains(path) && l.contains(why) && l.ends_with("; skipped")), "{path}: {err}");
    }
    assert!(summary(&err).contains("3 paths unreadable"), "{err}");
    let (_, out, _) = run_unprivileged(s.dir.path(), &idx, &["search", "正文", "--format", "ids"]);
    assert_eq!(out.trim(), format!("{data_arg}/good.txt"));
    fs::set_permissions(data.join("private"), fs::Permissions::from_mode(0o755)).unwrap();
    // Once readable, the loop inside is reported and the rest read.
    let (code, _, err) = run_unprivileged(s.dir.path(), &idx, &["index", data_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("loop: a symbolic link loop; skipped"), "{err}");
}

#[test]
fn the_index_being_written_is_never_read() {
    let s = Sandbox::new();
    s.file("s2/a.txt", "第一篇\n正文".as_bytes());
    let folder = s.dir.path().join("s2");
    let idx = folder.join("index");
    for args in [&[][..], &["--rebuild"][..]] {
        let mut a = vec!["index", folder.to_str().unwrap()];
        a.extend_from_slice(args);
        let (code, _, err) = run(&idx, &a);
        assert_eq!(code, 0, "{err}");
        assert_eq!(err.lines().count(), 1, "only the summary: {err}");
        assert!(summary(&err).contains("indexed 1 document (0 skipped) from 1 file (1 new)"), "{err}");
    }
    assert!(run(&idx, &["stats", "--json"]).1.contains("\"documents\":1"));
}

#[test]
fn a_broken_element_of_a_json_array_costs_only_itself() {
    let s = Sandbox::new();
    let records: Vec<String> = (0..5)
        .map(|i| {
            format!("  {{\n    \"id\": \"r{i}\",\n    \"title\": \"标题{i}\",\n    \"content\": \"内容{i}\"\n  }}")
        })
        .collect();
    let mut pretty = format!("[\n{}\n]\n", records.join(",\n"));
    pretty = pretty.replace("\"内容1\"", "\"内容1\" oops");
    let pretty_file = s.file("onebad.json", pretty.as_bytes());
    let (code, _, err) = s.sou(&["index", &pretty_file]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("{pretty_file}:7: invalid JSON at line 10")), "{err}");
    assert!(summary(&err).contains("indexed 4 documents (1 skipped)"), "{err}");
    let ids: HashSet<String> = s.hits("内容").iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, ["r0", "r2", "r3", "r4"].iter().map(|s| s.to_string()).collect());
    // On one line, where the broken record ends cannot be told: the loss is stated.
    let one_line = r#"[{"id":"a","content":"甲"},{"id":"b","content":"乙" x},{"id":"c","content":"丙"}]"#;
    let file = s.file("oneline.json", one_line.as_bytes());
    let (code, _, err) = s.sou(&["index", &file]);
    assert_eq!(code, 0, "{err}");
    let rest = one_line.len() - one_line.find(r#"{"id":"b""#).unwrap();
    assert!(err.contains(&format!("the remaining {rest} bytes of the array are skipped")), "{err}");
    assert!(summary(&err).contains("an unknown number lost"), "{err}");
}

#[test]
fn extra_fields_are_never_parsed_however_deep() {
    let s = Sandbox::new();
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let record = format!(r#"{{"id":"deep","title":"深","content":"深层字段","extra":{deep}}}"#);
    let lines = s.file("deep.jsonl", format!("{record}\n{}\n", record.replace("\"deep\"", "\"deep1\"")).as_bytes());
    let array = s.file("deep-array.json", format!("[\n{}\n]", record.replace("\"deep\"", "\"deep2\"")).as_bytes());
    let object = s.file("deep-object.json", record.replace("\"deep\"", "\"deep3\"").as_bytes());
    let (code, _, err) = s.sou(&["index", &lines, &array, &object]);
    assert_eq!(code, 0, "{err}");
    assert!(summary(&err).contains("(0 skipped"), "{err}");
    let ids: HashSet<String> = s.hits("深层字段").iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
}

#[test]
fn text_headers_in_the_forms_chinese_sites_write_them() {
    let s = Sandbox::new();
    let a = s
        .file("a.txt", "标题一\n【来源：新华社】\n发布时间：２０２５年５月７日\n作者：张三\n正文内容一。\n".as_bytes());
    let b = s.file("b.txt", "標題二\n來源：中央社　記者 陳六\n正文內容二\n".as_bytes());
    let c = s.file("c.txt", "标题三\n来 源：经济日报\n发布时间：2025-02-30\n正文内容三\n".as_bytes());
    let d = s.file("d.md", "# 市场 周报\n\n稿源：文汇报\n正文内容四\n".as_bytes());
    let (code, _, err) = s.sou(&["index", &a, &b, &c, &d]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("sou: warning: {c}:3: unreadable date '2025-02-30'")), "{err}");
    let hits = s.hits("正文内容");
    let get = |title: &str, key: &str| field(&hits, title, key).clone();
    assert_eq!(get("标题一", "source"), "新华社");
    assert_eq!(get("标题一", "author"), "张三");
    assert_eq!(get("标题一", "date"), "2025-05-07");
    assert_eq!(get("標題二", "source"), "中央社");
    assert_eq!(get("標題二", "author"), "陳六");
    assert_eq!(get("标题三", "source"), "经济日报");
    assert_eq!(get("标题三", "date"), Value::Null);
    assert_eq!(get("市场 周报", "source"), "文汇报");
    let (_, out, _) = s.sou(&["search", "正文内容", "--since", "２０２５-０５-０７", "--format", "ids"]);
    assert_eq!(out.trim(), a);
}

#[test]
fn titles_are_one_line() {
    let s = Sandbox::new();
    let csv = s.file("t.csv", "id,title,content\nx,\"多行\n标题\",正文五\ny,\"Multi\nline\",正文六\n".as_bytes());
    let (code, _, err) = s.sou(&["index", &csv]);
    assert_eq!(code, 0, "{err}");
    let hits = s.hits("多行标题");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["title"], "多行标题");
    assert_eq!(s.hits("正文六")[0]["title"], "Multi line");
}

#[test]
fn end_of_day_times_and_impossible_times() {
    let s = Sandbox::new();
    let f = s.file(
        "t.jsonl",
        "{\"id\":\"a\",\"content\":\"午夜\",\"date\":\"2025-12-23 24:00\"}\n{\"id\":\"b\",\"content\":\"午夜\",\"date\":\"2025-12-23 10:30:60\"}\n".as_bytes(),
    );
    let (code, _, err) = s.sou(&["index", &f]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(":2: unreadable date '2025-12-23 10:30:60'"), "{err}");
    let hits = s.hits("午夜");
    let date = |id: &str| hits.iter().find(|h| h["id"] == id).map(|h| h["date"].clone());
    assert_eq!(date("a"), Some(Value::String("2025-12-24".into())));
    assert_eq!(date("b"), Some(Value::Null));
}

#[test]
fn a_deletion_lasts_until_its_file_changes_and_says_so() {
    let s = Sandbox::new();
    let rows = |b_title: &str| {
        format!("id,title,content,source\nr1,甲一,删除测试,报A\nr2,甲二,删除测试,报A\nr3,{b_title},删除测试,报B\n")
    };
    let f = s.file("a.csv", rows("乙一").as_bytes());
    assert_eq!(s.sou(&["index", &f]).0, 0);
    let (code, _, err) = s.sou(&["delete", "--source", "报A"]);
    assert_eq!(code, 0);
    assert!(err.contains("deleted 2 documents") && err.contains("until the file"), "{err}");
    assert_eq!(s.hits("删除测试").len(), 1);
    // Indexing the unchanged file again keeps them out.
    assert_eq!(s.sou(&["index", &f]).0, 0);
    assert_eq!(s.hits("删除测试").len(), 1);
    // Editing another row of the same file reads every row again: as the message said.
    std::thread::sleep(std::time::Duration::from_millis(20));
    s.file("a.csv", rows("乙一（更正）").as_bytes());
    assert_eq!(s.sou(&["index", &f]).0, 0);
    assert_eq!(s.hits("删除测试").len(), 3);
}

#[test]
fn header_lines_of_a_pdf_column_are_never_glued() {
    let s = Sandbox::new();
    // A newspaper column cut from a PDF: header lines as wide as the column, then a body
    // hard-wrapped in the middle of 国家 / 主席.
    let mut text = String::from("国务院会见外国代表团并举行会谈共商合作\n来源：人民日报　版次：第一版　责编：王\n2025年5月7日　星期三　农历四月初十日\n");
    for _ in 0..6 {
        text.push_str("会谈中双方就深化务实合作交换了意见并达\n");
    }
    text.push_str("中共中央总书记、国家主席习近平指出国家\n主席强调要推动两国关系行稳致远不断前进\n");
    let f = s.file("column.txt", text.as_bytes());
    let (code, _, err) = s.sou(&["index", &f]);
    assert_eq!(code, 0, "{err}");
    let hits = s.hits("会谈");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["title"], "国务院会见外国代表团并举行会谈共商合作");
    assert_eq!(hits[0]["source"], "人民日报");
    assert_eq!(hits[0]["date"], "2025-05-07");
    // The body is still repaired: 国家 / 主席 reads 国家主席.
    assert_eq!(s.hits("国家主席强调").len(), 1);
}

#[test]
fn text_under_keys_no_field_reads_is_a_warning_and_nested_records_are_found() {
    let s = Sandbox::new();
    let f = s.file(
        "h.jsonl",
        "{\"headline\":\"华为发布新款芯片\",\"body_text\":\"华为今天发布了新款芯片。\"}\n{\"headline\":\"二\",\"body_text\":\"二二\"}\n"
            .as_bytes(),
    );
    let (code, _, err) = s.sou(&["index", &f]);
    assert_eq!(code, 0, "{err}");
    let f = f.trim_start_matches("./");
    let warning = format!("{f}:1: the content is empty and no field reads the text keys 'body_text'");
    assert_eq!(err.matches("no field reads").count(), 1, "once per file: {err}");
    assert!(err.contains(&warning) && err.contains("--field content=body_text"), "{err}");
    // Following the advice indexes the text.
    let (code, _, err) = s.sou(&["index", f, "--rebuild", "--field", "content=body_text"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("no field reads"), "{err}");
    assert_eq!(s.hits("今天发布").len(), 1);
    // Records one and two levels down in wrapper objects.
    let g = s.file(
        "wrapped.json",
        r#"{"code":0,"data":{"total":2,"list":[{"title":"嵌套一","content":"嵌套记录"},{"title":"嵌套二","content":"嵌套记录"}]}}"#
            .as_bytes(),
    );
    let (code, _, err) = s.sou(&["index", &g]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("neither title nor content"), "{err}");
    assert_eq!(s.hits("嵌套记录").len(), 2);
}

/// A tmpfs of `mb` megabytes mounted on a fresh directory, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(mb: u32) -> SmallDisk {
        let dir = tempfile::tempdir().expect("tempdir");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(status.success(), "mounting a tmpfs needs root (tests/run runs as root in CI)");
        SmallDisk { dir }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
#[ignore = "mounts an 8 MB tmpfs: needs root"]
fn a_full_disk_commits_nothing_leaves_nothing_and_says_so() {
    let disk = SmallDisk::mount(8);
    let idx = disk.dir.path().join("index");
    let (code, _, err) = run(&idx, &["index", "seeds"]);
    assert_eq!(code, 0, "{err}");
    let before = run(&idx, &["search", "上海", "--count"]).1;
    let files_before = fs::read_dir(&idx).expect("index").count();
    // 30 MB of news cannot fit in 8 MB.
    let data = tempfile::tempdir().expect("tempdir");
    let big = data.path().join("big.jsonl");
    big_corpus(&big, 6_000);
    assert!(fs::metadata(&big).expect("stat").len() > 8 << 20);
    let (code, _, err) = run(&idx, &["index", big.to_str().expect("utf-8")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no space left on the device") && err.contains("nothing was committed"), "{err}");
    assert!(!err.contains("IoError") && !err.contains("Internal error"), "{err}");
    // The index is as it was, and what the failed run wrote is gone.
    assert_eq!(run(&idx, &["search", "上海", "--count"]).1, before);
    assert_eq!(fs::read_dir(&idx).expect("index").count(), files_before, "orphan files left");
    // A later run works.
    let (code, _, err) = run(&idx, &["index", "seeds"]);
    assert_eq!(code, 0, "{err}");
}
