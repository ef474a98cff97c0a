//! Trust at the edges (the first items of the hardening issue): huge limits and
//! offsets, an empty date range, closed pipes in every format, scores under a date
//! sort, and documents without a source in `--by source`.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::*;
use serde_json::Value;

#[test]
fn huge_limits_and_offsets_answer_instead_of_allocating() {
    let idx = seed_index();
    let all = run(idx, &["search", "科技", "--count"]).1.trim().parse::<usize>().expect("count");
    for args in [
        vec!["-n", "1000000000"],
        vec!["-n", "18446744073709551615"],
        vec!["-n", "18446744073709551615", "--offset", "3"],
    ] {
        let mut a = vec!["search", "科技", "--format", "ids"];
        a.extend(&args);
        let (code, out, err) = run(idx, &a);
        assert_eq!(code, 0, "{args:?}: {err}");
        let skipped = if args.contains(&"--offset") { 3 } else { 0 };
        assert_eq!(out.lines().count(), all - skipped, "{args:?}");
    }
    for offset in ["1000000000", "18446744073709551615"] {
        let (code, out, err) = run(idx, &["search", "科技", "--offset", offset, "-n", "18446744073709551615"]);
        assert!(code == 0 || code == 1, "{offset}: {code} {err}");
        assert!(out.is_empty() && err.is_empty(), "{offset}: {out} {err}");
    }
}

#[test]
fn since_after_until_is_an_error() {
    let (code, _, err) = run(seed_index(), &["search", "科技", "--since", "2025-12-20", "--until", "2025-12-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("empty date range"), "{err}");
}

#[test]
fn every_format_stops_silently_on_a_closed_pipe() {
    // More output than a pipe holds (64 KB), so that the writes after the reader has
    // gone fail: 4,000 short articles, and day histograms over 25 years.
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("many.jsonl");
    let lines: String = (0..4000)
        .map(|i| format!("{{\"id\":\"n{i}\",\"title\":\"第{i}篇的标题\",\"content\":\"的正文\"}}\n"))
        .collect();
    std::fs::write(&input, lines).expect("write");
    let idx = dir.path().join("index");
    assert_eq!(run(&idx, &["index", input.to_str().expect("path"), "-q"]).0, 0);
    for args in [
        vec!["search", "的", "-n", "100000", "--format", "csv"],
        vec!["search", "的", "-n", "100000", "--json"],
        vec!["search", "的", "-n", "100000"],
        vec!["search", "的", "--histogram", "day", "--json", "--since", "2000", "--until", "2025"],
        vec!["search", "的", "--histogram", "day", "--format", "csv", "--since", "2000", "--until", "2025"],
    ] {
        let mut child =
            sou(seed_index()).args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("a line");
        // The reader is gone: the rest of the output meets a closed pipe.
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn scores_under_a_date_sort_are_not_made_up() {
    let idx = seed_index();
    let (_, out, _) = run(idx, &["search", "科技", "--sort", "date", "--json", "-n", "3"]);
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).expect("json");
        assert!(v["score"].is_null(), "{v}");
    }
    let (_, tsv, _) = run(idx, &["search", "科技", "--sort", "date", "--fields", "id,score", "-n", "3"]);
    assert!(tsv.lines().all(|l| l.ends_with('\t')), "{tsv}");
    let (_, scored, _) = run(idx, &["search", "科技", "--json", "-n", "1"]);
    let v: Value = serde_json::from_str(scored.trim()).expect("json");
    assert!(v["score"].as_f64().is_some_and(|s| s > 0.0), "{v}");
}

#[test]
fn chinese_quotation_marks_are_text() {
    let idx = seed_index();
    for q in ["加快建设“五个中心”", "“五个中心”", "上海“五个中心”建设"] {
        let (code, out, err) = run(idx, &["search", q, "--format", "ids", "-n", "100"]);
        assert!(code == 0 || code == 1, "{q}: {err}");
        let mut got: Vec<&str> = out.lines().collect();
        got.sort();
        let mut want: Vec<String> = seed_docs().into_iter().filter(|d| d.text.contains(q)).map(|d| d.id).collect();
        want.sort();
        assert_eq!(got, want, "{q}");
    }
    assert!(seed_docs().iter().any(|d| d.text.contains("“五个中心”")), "the seeds quote 五个中心");
}

#[test]
fn full_width_operators_work_like_ascii_ones() {
    let idx = seed_index();
    let count = |q: &str| run(idx, &["search", q, "--count"]).1.trim().to_string();
    assert_eq!(count("张江　ＯＲ　临港"), count("张江 OR 临港"));
    assert_ne!(count("张江 OR 临港"), count("张江"));
    assert_eq!(count("科技 －上海"), count("科技 -上海"));
    assert_ne!(count("科技 -上海"), count("科技"));
    assert_eq!(count("＂人工 智能＂"), count("\"人工 智能\""));
}

#[test]
fn date_filters_far_in_the_past_or_future_keep_working() {
    let idx = seed_index();
    let count = |args: &[&str]| {
        let mut a = vec!["search", "科技", "--count"];
        a.extend(args);
        run(idx, &a).1.trim().parse::<usize>().expect("a count")
    };
    // Every dated match, never the undated ones, however wide the range.
    let dated = count(&["--since", "1900"]);
    assert!(dated > 0 && dated < count(&[]));
    assert_eq!(count(&["--since", "1000"]), dated);
    assert_eq!(count(&["--until", "9999"]), dated);
    assert_eq!(count(&["--since", "1000", "--until", "9999"]), dated);
    assert_eq!(count(&["--since", "1000", "--until", "1200"]), 0);
    // The histogram covers the matches' own span, not the thousand years asked for.
    let (code, out, err) = run(idx, &["search", "科技", "--histogram", "day", "--since", "1000", "--until", "9999"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows.len() < 400, "{} rows", rows.len());
    assert!(rows[0].starts_with("2025-") && rows[rows.len() - 1].starts_with("2025-"), "{rows:?}");
    let total: usize = rows.iter().filter_map(|r| r.split('\t').nth(1)?.parse::<usize>().ok()).sum();
    assert_eq!(total, dated);
}

#[test]
fn small_things_a_user_meets_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let idx = dir.path().join("index");
    let one = dir.path().join("one.jsonl");
    std::fs::write(&one, "{\"id\":\"a\",\"title\":\"标题\",\"content\":\"正文\"}\n{broken\n").expect("write");
    let path = one.to_str().expect("path");
    // Singular for one; -q prints nothing, not even with a skipped record.
    let (code, _, err) = run(&idx, &["index", path]);
    assert_eq!(code, 0);
    assert!(err.contains("indexed 1 document (1 skipped) from 1 file (1 new),"), "{err}");
    let (code, _, err) = run(&idx, &["index", path, "-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    // --strict lists the broken record even with -q.
    let (code, _, err) = run(&idx, &["index", path, "-q", "--strict", "--rebuild"]);
    assert_eq!(code, 2);
    assert!(err.contains("one.jsonl:2"), "{err}");
    // The memory budget's range in sou's words.
    let (code, _, err) = run(&idx, &["index", path, "--memory", "100000", "--threads", "2"]);
    assert_eq!(code, 2);
    assert!(err.contains("at most 8190 MB with 2 indexing threads"), "{err}");
    // An empty SOU_INDEX is unset: the default directory, not a clap error.
    let empty = dir.path().join("elsewhere");
    std::fs::create_dir(&empty).expect("mkdir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sou"))
        .current_dir(&empty)
        .env("SOU_INDEX", "")
        .arg("stats")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no index at 'index'"), "{err}");
    // One example per line in --help.
    let (_, help, _) = run(&idx, &["index", "--help"]);
    assert!(help.contains("\n  sou index news.jsonl 报纸/ --source 文汇报\n"), "{help}");
    let (_, deleted, err) = run(&idx, &["delete", "a"]);
    assert!(err.contains("deleted 1 document from"), "{deleted}{err}");
}

/// Sorted ids of the seed documents `keep` accepts (independent of sou).
fn seed_ids(keep: impl Fn(&SeedDoc) -> bool) -> Vec<String> {
    let mut v: Vec<String> = seed_docs().into_iter().filter(|d| keep(d)).map(|d| d.id).collect();
    v.sort();
    v
}

#[test]
fn parentheses_group_in_every_position() {
    let idx = seed_index();
    let has = |d: &SeedDoc, w: &str| d.text.contains(w);
    // A field scope over a group: both words looked for in titles only.
    let want = seed_ids(|d| d.title.contains("孵化器") || d.title.contains("元宇宙"));
    assert!(!want.is_empty());
    assert_eq!(all_ids(idx, "title:(孵化器 OR 元宇宙)", &[]), want);
    assert_ne!(all_ids(idx, "孵化器 OR 元宇宙", &[]), want, "the body hits must differ for this test to mean anything");
    // A group ANDed with a word, in ASCII and full-width parentheses.
    let want = seed_ids(|d| (has(d, "张江") || has(d, "临港")) && has(d, "人工智能"));
    assert!(!want.is_empty());
    assert_eq!(all_ids(idx, "(张江 OR 临港) 人工智能", &[]), want);
    assert_eq!(all_ids(idx, "（张江　ＯＲ　临港）　人工智能", &[]), want);
    // An excluded group.
    let want = seed_ids(|d| has(d, "人工智能") && !(has(d, "张江") || has(d, "临港")));
    assert!(!want.is_empty());
    assert_eq!(all_ids(idx, "人工智能 -(张江 OR 临港)", &[]), want);
    // Unbalanced parentheses point at their column.
    let (code, _, err) = run(idx, &["search", "(张江 OR 临港 人工智能"]);
    assert_eq!(code, 2);
    assert!(err.contains("unclosed parenthesis") && err.contains("\n  ^"), "{err}");
    let (code, _, err) = run(idx, &["search", "张江 OR 临港) 人工智能"]);
    assert_eq!(code, 2);
    assert!(err.contains("without a matching '('"), "{err}");
}

/// A small index of the given JSON Lines records (`id`, `title`, `content`, …), with
/// extra `sou index` arguments.
fn index_of(dir: &std::path::Path, records: &[Value], extra: &[&str]) -> std::path::PathBuf {
    let input = dir.join("records.jsonl");
    let lines: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&input, lines).expect("write");
    let idx = dir.join("index");
    let mut args = vec!["index", input.to_str().expect("path"), "-q"];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&idx, &args);
    assert_eq!(code, 0, "{err}");
    idx
}

#[test]
fn symbols_and_emoji_inside_literals_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let texts = [
        ("cpp", "我们用 C++ 编程"),
        ("c-class", "C类产品和C端用户"),
        ("celsius", "气温达到500℃高温"),
        ("csharp", "C# 语言"),
        ("ai-plus", "推进AI+行动"),
        ("ai", "AI 技术"),
        ("rnd", "R&D 投入"),
        ("r-d", "R-D 区间"),
        ("smile", "上海😀真好"),
        ("plain", "上海真好"),
        ("percent", "增长5%，而非15%"),
        ("road-gap", "道路，发展"),
        ("road-char", "路线发展"),
    ];
    let records: Vec<Value> =
        texts.iter().map(|(id, t)| serde_json::json!({"id": id, "title": "", "content": t})).collect();
    let idx = index_of(dir.path(), &records, &[]);
    let ids = |q: &str| all_ids(&idx, q, &[]);
    assert_eq!(ids("C++"), ["cpp"]);
    assert_eq!(ids("C#"), ["csharp"]);
    assert_eq!(ids("AI+"), ["ai-plus"]);
    assert_eq!(ids("AI"), ["ai", "ai-plus"]);
    assert_eq!(ids("R&D"), ["rnd"]);
    assert_eq!(ids("R-D"), ["r-d"], "punctuation in a literal is a gap: matched by punctuation, not by a symbol");
    assert_eq!(ids("R/D"), ["r-d"], "any punctuation matches any punctuation");
    // A gap is never a character: "路 发" is 路, punctuation or space, 发 (not 路线发).
    assert_eq!(ids("\"路 发\""), ["road-gap"]);
    assert_eq!(ids("路 发"), ["road-char", "road-gap"], "unquoted: two words");
    assert_eq!(ids("路。发"), ["road-gap"]);
    assert_eq!(ids("上海😀"), ["smile"]);
    assert_eq!(ids("上海"), ["plain", "smile"]);
    assert_eq!(ids("500℃"), ["celsius"]);
    assert_eq!(ids("℃"), ["celsius"]);
    assert_eq!(ids("5%"), ["percent"]);
    // ℃ is folded (NFKC) to °C, so a lone C finds it, as grep on folded text would.
    assert_eq!(ids("C"), ["c-class", "celsius", "cpp", "csharp"]);
    // The symbol is highlighted with the rest of the literal.
    let (_, out, _) = run(&idx, &["search", "C++", "--json"]);
    let v: Value = serde_json::from_str(out.lines().next().expect("a hit")).expect("json");
    assert!(v["snippet"].as_str().expect("snippet").contains("C++"), "{v}");
}

#[test]
fn an_index_of_an_older_analysis_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let idx = index_of(dir.path(), &[serde_json::json!({"id": "a", "content": "C++ 编程"})], &[]);
    // What an index of the previous version looks like: no sou record in meta.json.
    let meta_path = idx.join("meta.json");
    let mut meta: Value = serde_json::from_str(&std::fs::read_to_string(&meta_path).expect("meta")).expect("json");
    assert!(meta["payload"].as_str().is_some_and(|p| p.contains("\"format\"")), "{meta}");
    meta["payload"] = Value::Null;
    std::fs::write(&meta_path, meta.to_string()).expect("write");
    let (code, _, err) = run(&idx, &["search", "C++"]);
    assert_eq!(code, 2);
    assert!(err.contains("older version of sou") && err.contains("sou index --rebuild"), "{err}");
    let input = dir.path().join("records.jsonl");
    let (code, _, err) = run(&idx, &["index", input.to_str().expect("path"), "--rebuild", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(all_ids(&idx, "C++", &[]), ["a"]);
}

#[test]
fn the_index_keeps_its_time_zone_and_search_can_override_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let idx = index_of(
        dir.path(),
        &[serde_json::json!({"id": "late", "content": "晚间新闻", "date": "2025-12-23 22:00"})],
        &["--tz", "-05:00"],
    );
    // 22:00 at -05:00 is 11:00 the next day in China: the index's own zone decides.
    let (code, out, _) = run(&idx, &["search", "新闻", "--json", "--since", "2025-12-23", "--until", "2025-12-23"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["date"], "2025-12-23");
    let (_, out, _) = run(&idx, &["search", "新闻", "--json", "--tz", "+08:00"]);
    let v: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["date"], "2025-12-24");
    let (code, _, _) = run(&idx, &["search", "新闻", "--until", "2025-12-23", "--tz", "+08:00"]);
    assert_eq!(code, 1);
    // A later run without --tz keeps reading in the index's zone.
    let more = dir.path().join("more.jsonl");
    std::fs::write(&more, "{\"id\":\"b\",\"content\":\"早间新闻\",\"date\":\"2025-12-23 22:00\"}\n").expect("write");
    assert_eq!(run(&idx, &["index", more.to_str().expect("path"), "-q"]).0, 0);
    assert_eq!(all_ids(&idx, "新闻", &["--since", "2025-12-23", "--until", "2025-12-23"]), ["b", "late"]);
}

#[test]
fn every_read_only_command_works_on_an_index_the_user_cannot_write() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let idx = index_of(
        dir.path(),
        &[
            serde_json::json!({"id": "a", "title": "芯片产业", "content": "上海的芯片产业", "source": "新华社", "date": "2025-12-20"}),
            serde_json::json!({"id": "b", "title": "机器人", "content": "上海的机器人", "date": "2025-12-21"}),
        ],
        &[],
    );
    for e in std::fs::read_dir(&idx).expect("index dir") {
        let p = e.expect("entry").path();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    }
    std::fs::set_permissions(&idx, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    for args in [
        vec!["search", "上海", "--format", "ids"],
        vec!["search", "上海", "--count"],
        vec!["search", "上海", "--histogram", "day", "--json"],
        vec!["search", "上海", "--by", "source"],
        vec!["keywords", "上海"],
        vec!["stats"],
        vec!["show", "a"],
    ] {
        let (code, out, err) = run_unprivileged(dir.path(), &idx, &args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(!out.is_empty() && err.is_empty(), "{args:?}: {out} {err}");
    }
    let (_, out, _) = run_unprivileged(dir.path(), &idx, &["search", "上海", "--format", "ids"]);
    assert_eq!(out.lines().count(), 2);
    // Writing is refused for what it is — permission — not blamed on another writer.
    let data = dir.path().join("more.jsonl");
    std::fs::write(&data, "{\"id\":\"c\",\"title\":\"新\",\"content\":\"新的\"}\n").expect("write");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    for args in [vec!["index", data.to_str().expect("utf-8")], vec!["delete", "a"]] {
        let (code, _, err) = run_unprivileged(dir.path(), &idx, &args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.to_lowercase().contains("permission denied") && !err.contains("another sou"), "{args:?}: {err}");
    }
    std::fs::set_permissions(&idx, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
}

#[test]
fn a_stale_writer_pid_is_never_named() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let idx = index_of(dir.path(), &[serde_json::json!({"id": "a", "content": "上海"})], &[]);
    // A live writer: `sou index -` holds the lock while it waits for its input.
    let mut writer = sou(&idx).args(["index", "-", "-q"]).stdin(Stdio::piped()).spawn().expect("spawn");
    let pid_file = idx.join("sou-writer.pid");
    let started = std::time::Instant::now();
    while !pid_file.exists() && started.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let input = dir.path().join("records.jsonl");
    let second = |_: ()| run(&idx, &["index", input.to_str().expect("path"), "-q"]);
    let (code, _, err) = second(());
    assert_eq!(code, 2);
    assert!(err.contains(&format!("(process {})", writer.id())), "{err}");
    // The file names a process that is gone (a writer killed long ago): not named.
    std::fs::write(&pid_file, "4194300").expect("write");
    let (code, _, err) = second(());
    assert_eq!(code, 2);
    assert!(err.contains("being written by another sou;"), "{err}");
    assert!(!err.contains("4194300"), "{err}");
    std::fs::write(&pid_file, writer.id().to_string()).expect("write");
    writer.stdin.take().expect("stdin").write_all("{\"id\":\"b\",\"content\":\"北京\"}\n".as_bytes()).expect("write");
    assert!(writer.wait().expect("wait").success());
    // A run that finished leaves no pid file behind.
    assert!(!pid_file.exists());
    assert_eq!(second(()).0, 0);
}

#[test]
fn keywords_keep_user_tags_and_print_words_as_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dict = dir.path().join("dict.txt");
    std::fs::write(&dict, "元宇宙 10 n\n数通链谷 5\n").expect("write");
    let records: Vec<Value> = (0..6)
        .map(|i| {
            serde_json::json!({
                "id": format!("d{i}"),
                "title": format!("報導{i}"),
                "content": "元宇宙產業與數通鏈谷發展迅速，AI技術與元宇宙深度融合，數通鏈谷推動AI應用。",
            })
        })
        .collect();
    let idx = index_of(dir.path(), &records, &["--dict", dict.to_str().expect("path")]);
    let saved = std::fs::read_to_string(idx.join("sou-dict.txt")).expect("dictionary");
    assert!(saved.lines().any(|l| l.starts_with("元宇宙 ") && l.ends_with(" n")), "{saved}");
    let (code, out, err) = run(&idx, &["keywords", "融合", "--json", "-n", "50"]);
    assert_eq!(code, 0, "{err}");
    let words: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["word"].as_str().expect("word").to_string())
        .collect();
    // A tagged user word and an untagged one (a noun by default) are keywords; words
    // are printed as the documents write them: traditional, upper-case.
    for w in ["元宇宙", "數通鏈谷", "AI"] {
        assert!(words.iter().any(|x| x == w), "{w} in {words:?}");
    }
    assert!(!words.iter().any(|x| x == "ai" || x == "数通链谷" || x == "产业"), "{words:?}");
}

/// Display width of a line, escape sequences excluded.
fn display_width(line: &str) -> usize {
    let plain = String::from_utf8(strip_ansi(line.as_bytes())).expect("utf-8");
    plain.chars().map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)).sum()
}

/// `bytes` without `ESC [ … m` sequences; panics on a broken one (an ESC not starting a
/// whole sequence, or a sequence's tail without its ESC).
fn strip_ansi(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b {
            assert_eq!(bytes.get(i + 1), Some(&b'['), "a broken escape sequence");
            let end = bytes[i..].iter().position(|&b| b == b'm').expect("an unterminated escape sequence");
            i += end + 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fn table_at(width: usize, args: &[&str]) -> String {
    let out = sou(seed_index())
        .env("COLUMNS", width.to_string())
        .args(["search", "孵化器 张江", "--format", "table", "-n", "5"])
        .args(args)
        .output()
        .expect("run");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn tables_fit_the_terminal_and_become_lists_when_it_is_narrow() {
    for width in [40, 44, 50, 60, 66, 80, 100, 120, 160] {
        let out = table_at(width, &["--color", "always"]);
        for line in out.lines() {
            assert!(display_width(line) <= width, "{width}: {line:?}");
            // Styles are closed on the line they open: no colour bleeds into borders.
            if let Some(last) = line.rfind('\u{1b}') {
                assert!(line[last..].starts_with("\u{1b}[0m"), "{width}: a style left open: {line:?}");
            }
            assert!(!line.contains("1m") || line.contains('\u{1b}'), "a split escape code at {width}: {line:?}");
        }
        let table = out.starts_with('┌');
        assert_eq!(table, width >= 66, "{width}: {out}");
        if table {
            // The table fills the terminal.
            assert_eq!(display_width(out.lines().next().expect("a line")), width, "{width}");
        } else {
            // A list: each hit's block starts with its rank.
            assert!(out.starts_with("1  2025-12-23  上海科技"), "{out}");
        }
    }
    // Without a snippet, the columns whose content was cut get the room.
    let out = table_at(100, &["--color", "never", "--fields", "rank,title,url"]);
    let first = out.lines().next().expect("a line");
    assert_eq!(display_width(first), 100);
    let url_lines = out.lines().filter(|l| l.contains("http")).count();
    assert!(url_lines >= 1 && out.lines().count() < 30, "{out}");
}

#[test]
fn every_command_has_a_manual_page_and_the_top_page_points_to_real_ones() {
    let idx = seed_index();
    let (code, top, _) = run(idx, &["man"]);
    assert_eq!(code, 0);
    let (code, search, _) = run(idx, &["man", "search"]);
    assert_eq!(code, 0);
    assert!(search.contains("sou\\-search") || search.contains("sou-search"), "{search}");
    assert!(search.contains("Query syntax") && search.contains("title:(孵化器 OR 元宇宙)"), "{search}");
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(idx, &["man", "--dir", dir.path().to_str().expect("path")]);
    assert_eq!(code, 0, "{err}");
    // Every page the top page refers to, `sou-search(1)` and the others, exists.
    for cmd in ["index", "search", "stats", "keywords", "show", "serve", "delete", "man"] {
        let page = format!("sou-{cmd}");
        assert!(top.contains(&page.replace('-', "\\-")) || top.contains(&page), "{page} not in the top page");
        assert!(dir.path().join(format!("{page}.1")).is_file(), "{page}.1");
    }
    let (code, _, err) = run(idx, &["man", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no manual page for 'nope'"), "{err}");
}

#[test]
fn deeply_nested_queries_are_an_error_with_a_column_not_a_crash() {
    for q in
        [format!("{}上{}", "-(".repeat(2_000), ")".repeat(2_000)), format!("{}上{}", "(".repeat(65), ")".repeat(65))]
    {
        for extra in [&["--count"][..], &["--json"], &["-w"], &["--format", "ids"]] {
            let mut args = vec!["search", q.as_str()];
            args.extend_from_slice(extra);
            let (code, _, err) = run(seed_index(), &args);
            assert_eq!(code, 2, "{extra:?}: {err}");
            assert!(err.contains("nest deeper") && err.contains('^'), "{extra:?}: {err}");
        }
    }
}

#[test]
fn counts_speak_json_and_keep_their_breakdown() {
    let idx = seed_index();
    let plain: usize = run(idx, &["search", "上海", "--count"]).1.trim().parse().expect("a number");
    let (code, out, _) = run(idx, &["search", "上海", "--count", "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(out.trim()).expect("one JSON object");
    assert_eq!(v["count"].as_u64(), Some(plain as u64));
    // --by and --histogram are counts: --count keeps their breakdown.
    for view in [["--by", "source"], ["--histogram", "month"]] {
        let with = run(idx, &["search", "上海", view[0], view[1], "--count"]).1;
        let without = run(idx, &["search", "上海", view[0], view[1]]).1;
        assert!(with.lines().count() > 1, "{view:?}: {with}");
        assert_eq!(with, without, "{view:?}");
    }
}

#[test]
fn a_plot_that_cannot_be_written_fails_before_anything_is_printed() {
    let idx = seed_index();
    let dir = tempfile::tempdir().expect("tempdir");
    let png = dir.path().join("x.png");
    for (args, says) in [
        (vec!["search", "上海", "--histogram", "month", "--plot", "/nonexistent/x.svg"], "no directory"),
        (vec!["search", "上海", "--histogram", "month", "--plot", png.to_str().expect("utf-8")], ".svg"),
        (vec!["trend", "上海", "--plot", "/nonexistent/x.svg"], "no directory"),
    ] {
        let (code, out, err) = run(idx, &args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: printed before failing: {out}");
        assert!(err.contains("--plot") && err.contains(says), "{args:?}: {err}");
    }
    assert!(!png.exists(), "an SVG was written into x.png");
    let svg = dir.path().join("x.SVG");
    let (code, _, err) = run(idx, &["search", "上海", "--histogram", "month", "--plot", svg.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&svg).expect("written").starts_with("<svg"));
}

#[test]
fn one_is_singular() {
    let idx = seed_index();
    // 蝉联 occurs once, in one document.
    assert_eq!(run(idx, &["search", "蝉联", "--count"]).1.trim(), "1");
    let (_, out, _) = run(idx, &["kwic", "蝉联", "--count", "--format", "table"]);
    assert_eq!(out.trim(), "1 occurrence in 1 document");
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("x");
    let (code, _, err) =
        run(idx, &["export", "蝉联", "--to", "sphinx", "--nodes", "1", "--out", out_dir.to_str().expect("p")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("exported 1 document ") && err.contains("1 Sphinx node (1 document)"), "{err}");
    let out_dir = dir.path().join("y");
    let (code, _, err) = run(idx, &["export", "蝉联", "--to", "opensearch", "--out", out_dir.to_str().expect("p")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(" 1 bulk file of "), "{err}");
    // The help says what keywords computes.
    let (_, help, _) = run(idx, &["--help"]);
    assert!(!help.contains("TF-IDF") && help.contains("significant terms"), "{help}");
}

#[test]
fn csv_for_a_spreadsheet_has_a_bom_and_runs_no_formula() {
    let dir = tempfile::tempdir().expect("tempdir");
    let idx = dir.path().join("index");
    let data = dir.path().join("f.jsonl");
    let titles = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2 公式", "-3 减号", "@SUM(A1) 公式", "普通 标题"];
    let body: String = titles
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{}\n", serde_json::json!({"id": format!("f{i}"), "title": t, "content": "表格测试"})))
        .collect();
    std::fs::write(&data, body).expect("write");
    let (code, _, err) = run(&idx, &["index", data.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    let cells = |format: &str| -> (String, Vec<String>) {
        let out = run(&idx, &["search", "表格测试", "--format", format, "--fields", "id,title", "--sort", "date"]).1;
        let mut r = csv::Reader::from_reader(out.trim_start_matches('\u{feff}').as_bytes());
        let titles = r.records().map(|x| x.expect("a CSV row")[1].to_string()).collect();
        (out, titles)
    };
    let (plain, mut plain_titles) = cells("csv");
    let (excel, mut excel_titles) = cells("excel-csv");
    // Plain CSV is byte-exact for pipelines: the titles as indexed, no BOM.
    assert!(!plain.starts_with('\u{feff}'));
    plain_titles.sort();
    let mut want: Vec<String> = titles.iter().map(|t| t.to_string()).collect();
    want.sort();
    assert_eq!(plain_titles, want);
    // For a spreadsheet: a BOM first, and no cell starts a formula.
    assert!(excel.starts_with('\u{feff}'), "{excel}");
    excel_titles.sort();
    for t in &excel_titles {
        assert!(!t.starts_with(['=', '+', '-', '@']), "{t}");
        assert!(titles.contains(&t.trim_start_matches('\'')), "{t}");
    }
    assert!(excel_titles.contains(&"普通 标题".to_string()));
    // Counts and keywords go through the same writer.
    let (_, by, _) = run(&idx, &["search", "表格测试", "--by", "source", "--format", "excel-csv"]);
    assert!(by.starts_with("\u{feff}source,count"), "{by}");
}

#[test]
fn a_second_export_leaves_nothing_stale_for_a_loader_to_pick_up() {
    let idx = seed_index();
    let dir = tempfile::tempdir().expect("tempdir");
    let names = |d: &std::path::Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
            .collect();
        v.sort();
        v
    };
    // OpenSearch: the whole index in small bulk files, then one document in one file.
    let os = dir.path().join("os");
    let os_arg = os.to_str().expect("utf-8");
    std::fs::create_dir_all(&os).expect("mkdir");
    std::fs::write(os.join("notes.txt"), "mine").expect("write");
    let (code, _, err) = run(idx, &["export", "--to", "opensearch", "--out", os_arg, "--bulk-mb", "1"]);
    assert_eq!(code, 0, "{err}");
    let before = names(&os).iter().filter(|n| n.starts_with("bulk-")).count();
    let (code, _, err) = run(idx, &["export", "蝉联", "--to", "opensearch", "--out", os_arg, "--bulk-mb", "1"]);
    assert_eq!(code, 0, "{err}");
    let bulk: Vec<String> = names(&os).into_iter().filter(|n| n.starts_with("bulk-")).collect();
    assert!(before > 1, "{before}");
    assert_eq!(bulk, ["bulk-0000.ndjson"], "first export wrote {before}");
    let lines = std::fs::read_to_string(os.join("bulk-0000.ndjson")).expect("bulk").lines().count();
    assert_eq!(lines, 2, "one action and one document");
    assert!(os.join("notes.txt").exists(), "a file sou did not write was removed");
    // Sphinx: three nodes, then one.
    let sx = dir.path().join("sx");
    let sx_arg = sx.to_str().expect("utf-8");
    let (code, _, err) = run(idx, &["export", "--to", "sphinx", "--nodes", "3", "--out", sx_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(sx.join("node2.xml").exists() && sx.join("node2.conf").exists());
    let (code, _, err) = run(idx, &["export", "--to", "sphinx", "--nodes", "1", "--out", sx_arg]);
    assert_eq!(code, 0, "{err}");
    let nodes: Vec<String> = names(&sx).into_iter().filter(|n| n.starts_with("node")).collect();
    assert_eq!(nodes, ["node0.conf", "node0.xml"]);
}

#[test]
fn a_damaged_index_says_so_and_how_to_fix_it() {
    for ext in ["store", "pos", "term", "fast", "nouns"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let idx = dir.path().join("index");
        let (code, _, err) = run(&idx, &["index", "seeds/001_cf4ae71d46783a76.txt", "seeds/002_796d7d15a6c68fce.txt"]);
        assert_eq!(code, 0, "{err}");
        let file = std::fs::read_dir(&idx)
            .expect("index")
            .map(|e| e.expect("entry").path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .expect("a segment file");
        let len = std::fs::metadata(&file).expect("stat").len();
        std::fs::OpenOptions::new().write(true).open(&file).expect("open").set_len(len / 2).expect("truncate");
        for args in [vec!["search", "上海", "--count"], vec!["keywords"]] {
            let (code, _, err) = run(&idx, &args);
            if ext != "nouns" || args[0] == "keywords" {
                assert_eq!(code, 2, "{ext} {args:?}");
                assert!(err.contains("damaged") && err.contains("--rebuild"), "{ext} {args:?}: {err}");
                assert!(!err.contains("tantivy"), "{ext} {args:?}: {err}");
            }
        }
    }
}

#[test]
fn an_index_is_not_written_among_other_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(data.join("a.txt"), "标题\n\n正文内容").expect("write");
    std::fs::write(data.join(".gitignore"), "*\n").expect("write");
    let (code, _, err) = run(&data, &["index", data.to_str().expect("utf-8")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--index") && err.contains("a.txt") && err.contains("new or empty directory"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&data).expect("dir").collect();
    assert_eq!(left.len(), 2, "nothing written");
    // An empty directory, or one with only hidden files, takes an index; so does a rebuild.
    let idx = dir.path().join("idx");
    std::fs::create_dir_all(&idx).expect("mkdir");
    std::fs::write(idx.join(".gitignore"), "*\n").expect("write");
    let (code, _, err) = run(&idx, &["index", data.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&idx, &["index", "--rebuild", data.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
}
