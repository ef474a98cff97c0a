//! Every document knows where it came from: the same files by other paths, standard
//! input, records without ids, one-object files, edits, ids moving between files, gone
//! files, incremental runs and `--watch`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::Value;

/// A folder with an index, where sou runs from.
struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Self {
        Folder { dir: tempfile::tempdir().expect("tempdir") }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    /// sou run from `cwd` (relative to the folder) on the folder's index.
    fn sou_in(&self, cwd: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sou"));
        cmd.current_dir(self.path(cwd)).env_remove("SOU_INDEX").arg("--index").arg(self.path("index")).args(args);
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn");
        if let Some(text) = stdin {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write stdin");
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().expect("wait");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
    fn sou(&self, args: &[&str]) -> (i32, String, String) {
        self.sou_in(".", args, None)
    }
    fn index(&self, args: &[&str]) -> String {
        let mut a = vec!["index"];
        a.extend_from_slice(args);
        let (code, _, err) = self.sou(&a);
        assert_eq!(code, 0, "{err}");
        err
    }
    /// Every document: id → content.
    fn docs(&self) -> BTreeMap<String, String> {
        let (code, out, err) = self.sou(&["search", "-zzzzzz", "--json", "-n", "100000"]);
        assert!(code == 0 || code == 1, "{err}");
        out.lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("json");
                let (_, shown, _) = self.sou(&["show", v["id"].as_str().expect("id"), "--json"]);
                let full: Value = serde_json::from_str(&shown).expect("show json");
                (v["id"].as_str().expect("id").to_string(), full["content"].as_str().unwrap_or("").to_string())
            })
            .collect()
    }
    fn count(&self) -> usize {
        let (_, out, _) = self.sou(&["search", "-zzzzzz", "--count"]);
        out.trim().parse().expect("count")
    }
}

fn copy_seeds(f: &Folder) {
    for e in std::fs::read_dir(root().join("seeds")).expect("seeds") {
        let e = e.expect("entry");
        std::fs::create_dir_all(f.path("seeds")).expect("mkdir");
        std::fs::copy(e.path(), f.path("seeds").join(e.file_name())).expect("copy");
    }
}

#[test]
fn the_same_files_by_any_path_are_the_same_documents() {
    let f = Folder::new();
    copy_seeds(&f);
    std::os::unix::fs::symlink(f.path("seeds"), f.path("link")).expect("symlink");
    f.index(&["seeds"]);
    let first = f.docs();
    assert_eq!(first.len(), 62);
    // By absolute path and through a symbolic link, from the same place: the same ids.
    let abs = f.path("seeds").display().to_string();
    f.index(&[&abs]);
    f.index(&["link"]);
    f.index(&["link", "--rebuild"]);
    f.index(&[&abs, "seeds", "link"]);
    assert_eq!(f.docs(), first, "the same ids and texts");
    // From inside the folder, every file read again: the same documents, the same ids
    // (paths are relative to where the index was first written from, not to here).
    assert_eq!(f.sou_in("seeds", &["index", ".", "--rebuild"], None).0, 0);
    assert_eq!(f.sou_in("seeds", &["index", "."], None).0, 0);
    assert_eq!(f.docs(), first, "the same ids wherever sou runs");
    let (_, n, _) = f.sou(&["search", "陈吉宁", "--title", "陈吉宁", "--count"]);
    assert_eq!(n.trim(), "1");
}

#[test]
fn a_plain_text_id_does_not_depend_on_where_sou_runs_and_any_path_shows_it() {
    let f = Folder::new();
    copy_seeds(&f);
    std::fs::create_dir_all(f.path("elsewhere")).expect("mkdir");
    f.index(&["seeds"]);
    let first = f.docs();
    let text_ids: Vec<&String> = first.keys().filter(|id| id.ends_with(".txt")).collect();
    assert_eq!(text_ids.len(), 4, "{first:?}");
    assert!(text_ids.iter().all(|id| id.starts_with("seeds/")), "{text_ids:?}");
    // A file changed and read again by its absolute path from the root directory, and
    // from a sibling directory: its id stays.
    let file = std::fs::read_dir(f.path("seeds"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
        .expect("a text seed");
    let name = file.file_name().expect("name").to_string_lossy().into_owned();
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, format!("{text}\n补记一行。")).expect("append");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sou"));
    let out = cmd
        .current_dir("/")
        .env_remove("SOU_INDEX")
        .arg("--index")
        .arg(f.path("index"))
        .args(["index", &f.path("seeds").to_string_lossy()])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&file, format!("{text}\n再补一行。")).expect("append");
    assert_eq!(f.sou_in("elsewhere", &["index", "../seeds"], None).0, 0);
    let after = f.docs();
    assert_eq!(after.keys().collect::<Vec<_>>(), first.keys().collect::<Vec<_>>(), "the same ids");
    let id = format!("seeds/{name}");
    assert!(after[&id].contains("再补一行"), "{}", after[&id]);
    // `show` finds it by its id and by any path that names the file, from anywhere.
    let abs = file.to_string_lossy().into_owned();
    let dotted = format!("./{name}");
    let up = format!("../seeds/{name}");
    for (cwd, named) in
        [(".", id.as_str()), ("seeds", dotted.as_str()), ("elsewhere", up.as_str()), ("elsewhere", abs.as_str())]
    {
        let (code, out, err) = f.sou_in(cwd, &["show", named, "--json"], None);
        assert_eq!(code, 0, "show {named} from {cwd}: {err}");
        let v: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["id"], id.as_str(), "show {named} from {cwd}");
    }
    let (code, _, err) = f.sou_in("elsewhere", &["show", "../seeds/no-such-file.txt"], None);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no document"), "{err}");
}

#[test]
fn standard_input_imports_never_collide_nor_duplicate() {
    let f = Folder::new();
    std::fs::create_dir_all(f.path("")).expect("dir");
    let a = "{\"title\":\"甲\",\"content\":\"第一次导入\"}\n";
    let b = "{\"title\":\"乙\",\"content\":\"第二次导入\"}\n";
    for input in [a, b, a] {
        let (code, _, err) = f.sou_in(".", &["index", "-", "--source", "管道"], Some(input));
        assert_eq!(code, 0, "{err}");
    }
    let docs = f.docs();
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert!(docs.keys().all(|id| id.starts_with("<stdin>#")), "{docs:?}");
    let (_, n, _) = f.sou(&["search", "导入", "--source", "管道", "--count"]);
    assert_eq!(n.trim(), "2");
    // Plain text too: three articles piped one after the other are three documents
    // (`<stdin>#HASH`), and piping one again changes nothing.
    for text in ["第一篇纯文本文章。\n", "第二篇纯文本文章。\n", "第三篇纯文本文章。\n", "第一篇纯文本文章。\n"]
    {
        let (code, _, err) = f.sou_in(".", &["index", "-", "--source", "文本"], Some(text));
        assert_eq!(code, 0, "{err}");
    }
    let (_, n, _) = f.sou(&["search", "纯文本", "--source", "文本", "--count"]);
    assert_eq!(n.trim(), "3");
    assert!(f.docs().keys().all(|id| id.starts_with("<stdin>#")));
}

#[test]
fn a_file_is_replaced_whole_whatever_its_records_ids() {
    let f = Folder::new();
    // Records without ids: delete the first line, re-index: no stale copy.
    f.write("d/abc.jsonl", "{\"content\":\"甲\"}\n{\"content\":\"乙\"}\n{\"content\":\"丙\"}\n");
    f.index(&["d"]);
    assert_eq!(f.count(), 3);
    f.write("d/abc.jsonl", "{\"content\":\"乙\"}\n{\"content\":\"丙\"}\n");
    f.index(&["d"]);
    let texts: Vec<String> = f.docs().into_values().collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert_eq!(texts.iter().filter(|t| *t == "丙").count(), 1);
    // Records with ids: edit one, delete one, add one.
    f.write("d/ids.jsonl", "{\"id\":\"x1\",\"content\":\"一\"}\n{\"id\":\"x2\",\"content\":\"二\"}\n");
    f.index(&["d"]);
    f.write("d/ids.jsonl", "{\"id\":\"x1\",\"content\":\"一改\"}\n{\"id\":\"x3\",\"content\":\"三\"}\n");
    let err = f.index(&["d"]);
    assert!(err.contains("(1 changed, 1 unchanged)"), "{err}");
    let docs = f.docs();
    assert_eq!(docs.get("x1").map(String::as_str), Some("一改"));
    assert_eq!(docs.get("x3").map(String::as_str), Some("三"));
    assert!(!docs.contains_key("x2"), "{docs:?}");
    assert_eq!(docs.len(), 4);
}

#[test]
fn a_one_object_file_has_one_id_with_or_without_a_final_newline() {
    let f = Folder::new();
    f.write("one.json", "{\"title\":\"独一\",\"content\":\"一个对象\"}");
    f.index(&["one.json"]);
    let before: Vec<String> = f.docs().into_keys().collect();
    f.write("one.json", "{\"title\":\"独一\",\"content\":\"一个对象\"}\n");
    f.index(&["one.json"]);
    let after: Vec<String> = f.docs().into_keys().collect();
    assert_eq!(before, after);
    assert_eq!(after.len(), 1);
    assert!(after[0].starts_with("one.json#"), "{after:?}");
}

#[test]
fn an_id_moving_to_another_file_warns_and_leaves_one_document() {
    let f = Folder::new();
    f.write("a.jsonl", "{\"id\":\"same\",\"content\":\"旧\"}\n");
    f.write("b.jsonl", "{\"id\":\"same\",\"content\":\"新\"}\n");
    f.index(&["a.jsonl"]);
    let err = f.index(&["b.jsonl"]);
    assert!(err.contains("b.jsonl:1: id same was also in a.jsonl; replaced"), "{err}");
    assert!(err.contains("1 id moved from another file"), "{err}");
    let docs = f.docs();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs["same"], "新");
}

#[test]
fn unchanged_files_are_not_read_touched_ones_not_analysed_gone_ones_pruned() {
    let f = Folder::new();
    copy_seeds(&f);
    f.index(&["seeds"]);
    let err = f.index(&["seeds"]);
    assert!(err.contains("indexed 0 documents (0 skipped) from 0 files (5 unchanged), 0.0 MB"), "{err}");
    // Touched: same content, another time.
    let first = std::fs::read_dir(f.path("seeds")).expect("dir").next().expect("a file").expect("entry").path();
    let text = std::fs::read(&first).expect("read");
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&first, &text).expect("rewrite");
    let err = f.index(&["seeds"]);
    assert!(err.contains("from 0 files (5 unchanged), 0.0 MB"), "{err}");
    // Gone: reported, then pruned.
    let gone = f.path("seeds").join("002_796d7d15a6c68fce.txt");
    std::fs::remove_file(&gone).expect("remove");
    let err = f.index(&["seeds"]);
    assert!(err.contains("1 file under seeds is gone (1 document); --prune removes it"), "{err}");
    assert_eq!(f.count(), 62);
    let err = f.index(&["seeds", "--prune"]);
    assert!(err.contains("removed 1 file under seeds that is gone (1 document)"), "{err}");
    assert_eq!(f.count(), 61);
}

#[test]
fn watch_indexes_new_and_changed_files_and_stops_on_sigterm() {
    let f = Folder::new();
    f.write("w/a.jsonl", "{\"id\":\"a\",\"content\":\"第一篇\"}\n");
    let child = Command::new(env!("CARGO_BIN_EXE_sou"))
        .current_dir(f.path(""))
        .args(["--index", "index", "index", "w", "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    assert!(common::eventually(Duration::from_secs(20), || f.path("index/meta.json").exists() && f.count() == 1));
    f.write("w/b.jsonl", "{\"id\":\"b\",\"content\":\"第二篇\"}\n");
    assert!(common::eventually(Duration::from_secs(10), || f.count() == 2), "a new file within seconds");
    f.write("w/a.jsonl", "{\"id\":\"a\",\"content\":\"第一篇改\"}\n");
    assert!(
        common::eventually(Duration::from_secs(10), || f.sou(&["search", "第一篇改", "--count"]).1.trim() == "1"),
        "a changed file within seconds"
    );
    // Records without ids, changed while watched: replaced, no stale copy.
    f.write("w/c.jsonl", "{\"content\":\"无号旧\"}\n");
    assert!(common::eventually(Duration::from_secs(10), || f.count() == 3), "a third file");
    f.write("w/c.jsonl", "{\"content\":\"无号新\"}\n");
    assert!(
        common::eventually(Duration::from_secs(10), || f.sou(&["search", "无号新", "--count"]).1.trim() == "1"),
        "the id-less record replaced"
    );
    assert_eq!(f.sou(&["search", "无号旧", "--count"]).1.trim(), "0", "no stale copy");
    // SIGTERM: exit 0, everything committed, the lock released.
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("stopped watching"), "{err}");
    assert_eq!(f.count(), 3);
    f.index(&["w"]);
}

#[test]
fn lines_appended_to_json_lines_are_read_alone_and_an_edit_before_them_reads_the_file_again() {
    let f = Folder::new();
    let line = |id: &str, text: &str| format!("{{\"id\":\"{id}\",\"title\":\"标题{id}\",\"content\":\"{text}\"}}\n");
    f.write("j/feed.jsonl", &(line("a", "第一条") + &line("b", "第二条")));
    f.index(&["j"]);
    // Deleted, then lines appended: only the new lines are read, so the deletion stays.
    assert_eq!(f.sou(&["delete", "a"]).0, 0);
    let mut text = std::fs::read_to_string(f.path("j/feed.jsonl")).expect("read");
    text += &line("c", "第三条");
    text += "{\"id\": \"broken\n";
    text += &line("d", "第四条");
    std::fs::write(f.path("j/feed.jsonl"), &text).expect("append");
    let err = f.index(&["j"]);
    assert!(err.contains("feed.jsonl:4:"), "the bad line by its line in the file: {err}");
    assert!(err.contains("indexed 2 documents"), "{err}");
    let ids: Vec<String> = f.docs().into_keys().collect();
    assert_eq!(ids, ["b", "c", "d"]);
    // An edit before the appended part: the whole file is read again.
    let edited = text.replace("第二条", "第二条改") + &line("e", "第五条");
    std::fs::write(f.path("j/feed.jsonl"), edited).expect("edit");
    let err = f.index(&["j"]);
    assert!(err.contains("indexed 5 documents (1 skipped)"), "{err}");
    let docs = f.docs();
    assert_eq!(docs.keys().collect::<Vec<_>>(), ["a", "b", "c", "d", "e"]);
    assert_eq!(docs["b"], "第二条改");
}

#[test]
fn watch_says_once_what_is_gone_counts_it_and_tails_a_growing_json_lines_file() {
    let f = Folder::new();
    f.write("w/a.txt", "标题甲\n正文甲。");
    f.write("w/b.txt", "标题乙\n正文乙。");
    let log = f.path("watch.log");
    let child = Command::new(env!("CARGO_BIN_EXE_sou"))
        .current_dir(f.path(""))
        .args(["--index", "index", "index", "w", "--watch"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("spawn");
    let stderr = || std::fs::read_to_string(&log).unwrap_or_default();
    assert!(common::eventually(Duration::from_secs(20), || stderr().contains("watching")), "{}", stderr());
    // Renamed without --prune: the old name is gone (its document is still there), said
    // once, with the right count; the new name is a new file.
    std::fs::rename(f.path("w/a.txt"), f.path("w/c.txt")).expect("rename");
    assert!(common::eventually(Duration::from_secs(10), || f.count() == 3), "{}", stderr());
    // Files read by a pass (or a search) are not changes: nothing is said again.
    std::thread::sleep(Duration::from_secs(3));
    let said = stderr();
    let gone: Vec<&str> = said.lines().filter(|l| l.contains("is gone")).collect();
    assert_eq!(gone.len(), 1, "{said}");
    assert!(gone[0].contains("(1 document)"), "{said}");
    // A JSON Lines file that grows by a line every 0.3 s: its lines are searchable while
    // it is still being written, each read once (appended, not the file again).
    f.write("w/feed.jsonl", "{\"id\":\"f0\",\"title\":\"快讯\",\"content\":\"滚动第0条\"}\n");
    let mut seen_while_writing = Vec::new();
    for i in 1..=15 {
        let mut feed = std::fs::OpenOptions::new().append(true).open(f.path("w/feed.jsonl")).expect("open");
        use std::io::Write;
        writeln!(feed, "{{\"id\":\"f{i}\",\"title\":\"快讯\",\"content\":\"滚动第{i}条\"}}").expect("append");
        drop(feed);
        std::thread::sleep(Duration::from_millis(300));
        if i % 5 == 0 {
            seen_while_writing.push(f.sou(&["search", "快讯", "--count"]).1.trim().parse::<usize>().unwrap_or(0));
        }
    }
    assert!(seen_while_writing.iter().any(|&n| n > 0 && n < 16), "indexed while growing: {seen_while_writing:?}");
    assert!(common::eventually(Duration::from_secs(10), || f.sou(&["search", "快讯", "--count"]).1.trim() == "16"));
    // Rewritten shorter (an id it had, one new): read whole again; nothing is said to be
    // replaced by a later record, and the old lines are gone.
    f.write("w/feed.jsonl", "{\"id\":\"f3\",\"title\":\"快讯\",\"content\":\"改写\"}\n");
    assert!(
        common::eventually(Duration::from_secs(10), || f.sou(&["search", "快讯", "--count"]).1.trim() == "1"),
        "{}",
        stderr()
    );
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let mut child = child;
    assert_eq!(child.wait().expect("wait").code(), Some(0));
    let said = stderr();
    assert!(!said.contains("replaced by a later record"), "{said}");
    assert_eq!(said.lines().filter(|l| l.contains("is gone")).count(), 1, "{said}");
    assert_eq!(f.sou(&["search", "改写", "--count"]).1.trim(), "1");
}

#[test]
#[ignore = "slow: cargo test --release -- --include-ignored"]
fn a_kill_during_an_incremental_run_loses_nothing_committed() {
    let f = Folder::new();
    let docs = seed_docs();
    let write_part = |n: usize, tag: &str| {
        let lines: String = (0..1500)
            .map(|i| {
                let d = &docs[i % docs.len()];
                format!("{}\n", serde_json::json!({"id": format!("p{n}-{i}"), "title": d.title, "content": format!("{tag} {}", d.text)}))
            })
            .collect();
        f.write(&format!("parts/p{n}.jsonl"), &lines);
    };
    for n in 0..6 {
        write_part(n, "初版");
    }
    f.index(&["parts", "--commit-every", "1"]);
    assert_eq!(f.count(), 9000);
    for n in 0..6 {
        write_part(n, "二版");
    }
    for delay in [200u64, 700, 1500] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sou"))
            .current_dir(f.path(""))
            .args(["--index", "index", "index", "parts", "--commit-every", "1", "-q"])
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        // Never a file half replaced: every file has all its records, old or new.
        assert_eq!(f.count(), 9000, "after a kill at {delay} ms");
    }
    f.index(&["parts"]);
    let (_, n, _) = f.sou(&["search", "二版", "--count"]);
    assert_eq!(n.trim(), "9000");
    let path: &Path = &f.path("parts");
    assert!(path.is_dir());
}

#[test]
fn deleting_a_document_keeps_the_other_files_fingerprints() {
    let f = Folder::new();
    copy_seeds(&f);
    f.index(&["seeds"]);
    let (code, _, err) = f.sou(&["delete", "2650212082_1"]);
    assert_eq!(code, 0, "{err}");
    // Every file is still known: nothing is read again.
    let err = f.index(&["seeds"]);
    assert!(err.contains("from 0 files (5 unchanged)"), "{err}");
}

#[test]
fn a_skipped_file_is_tried_again_not_remembered_as_read() {
    let f = Folder::new();
    // A gzip header over bytes that are no deflate stream: skipped, on every run.
    let mut bytes = vec![0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03];
    bytes.extend((0..400u32).map(|i| (i * 37 % 251) as u8 | 0x80));
    std::fs::create_dir_all(f.path("d")).expect("dir");
    std::fs::write(f.path("d/news.jsonl.gz"), &bytes).expect("write");
    f.write("d/a.txt", "一篇文章。\n");
    for run in 0..2 {
        let err = f.index(&["d"]);
        assert!(err.contains("news.jsonl.gz") && err.contains("corrupt deflate stream; skipped"), "run {run}: {err}");
    }
}
