//! Test harness: run the `sou` binary against a private index built from `seeds/`.

#![allow(dead_code)]

pub mod http;
pub mod keywords;
pub mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `sou` command run from the repository root, with no colour/terminal influence.
pub fn sou(index: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sou"));
    c.current_dir(root()).env_remove("NO_COLOR").env_remove("SOU_INDEX").arg("--index").arg(index);
    c
}

/// Runs `sou` with `args` and returns (exit code, stdout, stderr).
pub fn run(index: &Path, args: &[&str]) -> (i32, String, String) {
    let out: Output = sou(index).args(args).output().expect("run sou");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// An index of `seeds/`, built once per test binary.
pub fn seed_index() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let (code, _, err) = run(dir.path(), &["index", "seeds"]);
        assert_eq!(code, 0, "indexing seeds failed: {err}");
        dir
    })
    .path()
}

/// The seed the reposts of [`repost_index`] copy, and their ids (oldest first).
pub const REPOSTED: &str = "2650212012_1";
pub const REPOSTS: [&str; 3] = ["repost-0", "repost-1", "repost-2"];

/// An index of `seeds/` plus three reposts of [`REPOSTED`] (a WeChat header and a
/// copyright footer around its text, a new title, another outlet, later dates), built
/// once per test binary: one story of four copies.
pub fn repost_index() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, shown, err) = run(seed_index(), &["show", REPOSTED, "--json"]);
        let original: serde_json::Value = serde_json::from_str(shown.trim()).unwrap_or_else(|e| panic!("{e}: {err}"));
        let content = original["content"].as_str().expect("content");
        let mut reposts = String::new();
        for (i, (id, source)) in REPOSTS.iter().zip(["转载甲", "转载乙", "转载丙"]).enumerate() {
            let doc = serde_json::json!({
                "id": id,
                "title": format!("转：{}", original["title"].as_str().unwrap_or("")),
                "source": source,
                "date": format!("2026-01-0{}", i + 1),
                "content": format!("点击上方蓝字关注我们\n{content}\n本文来源：网络，版权归原作者所有"),
            });
            reposts.push_str(&format!("{doc}\n"));
        }
        let extra = dir.path().join("reposts.jsonl");
        std::fs::write(&extra, reposts).expect("write");
        let idx = dir.path().join("index");
        let (code, _, err) = run(&idx, &["index", "seeds", extra.to_str().expect("path")]);
        assert_eq!(code, 0, "{err}");
        (dir, idx)
    })
    .1
    .as_path()
}

/// One seed article, read independently of sou (for expected sets).
#[derive(Debug, Clone)]
pub struct SeedDoc {
    pub id: String,
    pub title: String,
    pub text: String,
    pub date: Option<String>,
    pub source: Option<String>,
}

/// The 62 seed articles: 4 text files (id = path) and 58 WeChat records.
pub fn seed_docs() -> Vec<SeedDoc> {
    let mut docs = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root().join("seeds")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = format!("seeds/{}", f.file_name().unwrap().to_string_lossy());
        if text.trim_start().starts_with('[') {
            let v: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
            for r in v {
                let s = |k: &str| r[k].as_str().map(str::to_string);
                docs.push(SeedDoc {
                    id: s("文章标识符aid").unwrap(),
                    title: s("标题title").unwrap(),
                    text: format!("{}\n{}", s("标题title").unwrap(), s("finalContent").unwrap()),
                    date: s("时间time"),
                    source: s("公众号名称"),
                });
            }
        } else {
            let title = text.lines().find(|l| !l.trim().is_empty()).unwrap().trim().to_string();
            // The header line `信息来源:文汇报   发布时间:2025-04-30`, where present.
            let field = |key: &str| {
                text.lines().take(10).find_map(|l| {
                    let rest = &l[l.find(key)? + key.len()..];
                    rest.split_whitespace().next().map(str::to_string)
                })
            };
            docs.push(SeedDoc { id: name, title, date: field("发布时间:"), source: field("信息来源:"), text });
        }
    }
    docs
}

/// Ids in JSON Lines output.
pub fn ids(jsonl: &str) -> Vec<String> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect()
}

/// Sorted ids of every hit of `query` with extra `args`.
pub fn all_ids(index: &Path, query: &str, args: &[&str]) -> Vec<String> {
    let mut a = vec!["search", query, "--json", "-n", "10000"];
    a.extend_from_slice(args);
    let (code, out, err) = run(index, &a);
    assert!(code == 0 || code == 1, "search failed: {err}");
    let mut v = ids(&out);
    v.sort();
    v
}

/// Runs sou (a copy in `dir`, runnable by anyone) as a user whom file permissions stop:
/// the current user, or, for root (whom permissions do not stop), `nobody` through
/// `setpriv`. Used to test read-only indexes and unreadable inputs.
pub fn run_unprivileged(dir: &std::path::Path, idx: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    use std::os::unix::fs::PermissionsExt;
    // A copy of the binary any user can run, in a directory any user can enter.
    let bin = dir.join("sou");
    if !bin.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_sou"), &bin).expect("copy sou");
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let root = std::process::Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let out = cmd.arg("--index").arg(idx).args(args).env_remove("NO_COLOR").output().expect("run sou unprivileged");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Directory holding the real corpora (news.jsonl, poetry.jsonl) of
/// `../shared/bench/make-corpus`, built into `target/corpus/` if missing (or taken from
/// `SOU_CORPUS`).
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("SOU_CORPUS").map(PathBuf::from).unwrap_or_else(|| root().join("target/corpus"));
    if !dir.join("news.jsonl").exists() || !dir.join("poetry.jsonl").exists() {
        let script = root().join("../shared/bench/make-corpus");
        assert!(
            script.exists(),
            "{} not found: the corpus tests need ../shared beside the repository",
            script.display()
        );
        let status = Command::new("python3").arg(&script).arg(&dir).status().expect("run make-corpus");
        assert!(status.success(), "make-corpus failed");
    }
    dir
}

/// Waits until `check` holds, polling every 100 ms, up to `limit`: for what another
/// process (`sou index --watch`) does in its own time.
pub fn eventually(limit: std::time::Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}
