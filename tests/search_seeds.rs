//! `sou search` on the seed corpus: recall, filters, query language, output, exit codes.

mod common;

use common::*;
use serde_json::Value;

fn expected(pred: impl Fn(&SeedDoc) -> bool) -> Vec<String> {
    let mut v: Vec<String> = seed_docs().into_iter().filter(|d| pred(d)).map(|d| d.id).collect();
    v.sort();
    v
}

#[test]
fn words_find_exactly_the_articles_containing_them() {
    let idx = seed_index();
    for w in ["孵化器", "人工智能", "人形机器人", "集成电路", "张江"] {
        let want = expected(|d| d.text.contains(w));
        assert!(!want.is_empty());
        assert_eq!(all_ids(idx, w, &[]), want, "query {w}");
    }
}

#[test]
fn a_phrase_broken_by_a_pdf_wrap_is_found() {
    let ids = all_ids(seed_index(), "国家主席", &[]);
    assert!(ids.contains(&"seeds/002_796d7d15a6c68fce.txt".to_string()), "{ids:?}");
    // Traditional characters find the same documents.
    assert_eq!(all_ids(seed_index(), "國家主席", &[]), ids);
}

#[test]
fn source_and_date_filters_combine() {
    let idx = seed_index();
    let got = all_ids(idx, "孵化器", &["--source", "上海科技", "--since", "2025-12-20"]);
    let want = expected(|d| {
        d.text.contains("孵化器")
            && d.source.as_deref() == Some("上海科技")
            && d.date.as_deref().is_some_and(|x| x >= "2025-12-20")
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);

    let got = all_ids(idx, "人工智能", &["--until", "2025-12-15"]);
    let want = expected(|d| d.text.contains("人工智能") && d.date.as_deref().is_some_and(|x| x <= "2025-12-15"));
    assert_eq!(got, want);

    // Inclusive day bounds and month/year forms.
    let day = all_ids(idx, "科技", &["--since", "2025-12-23", "--until", "2025年12月23日"]);
    assert_eq!(day, expected(|d| d.text.contains("科技") && d.date.as_deref() == Some("2025-12-23")));
    let month = all_ids(idx, "科技", &["--since", "2025-12", "--until", "2025/12"]);
    assert_eq!(
        month,
        expected(|d| d.text.contains("科技") && d.date.as_deref().is_some_and(|x| x.starts_with("2025-12")))
    );
    let april = all_ids(idx, "科技", &["--since", "2025-04", "--until", "2025-04"]);
    assert_eq!(april, vec!["seeds/001_cf4ae71d46783a76.txt".to_string()]);
}

#[test]
fn repeated_source_means_any_of_them_and_title_filter_needs_the_title() {
    let idx = seed_index();
    let got = all_ids(idx, "人工智能", &["--source", "上海科技", "--source", "文汇报"]);
    let want =
        expected(|d| d.text.contains("人工智能") && matches!(d.source.as_deref(), Some("上海科技") | Some("文汇报")));
    assert_eq!(got, want);
    let got = all_ids(idx, "上海", &["--title", "孵化器"]);
    let want = expected(|d| d.text.contains("上海") && d.title.contains("孵化器"));
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn undated_documents_are_excluded_only_by_date_filters() {
    let idx = seed_index();
    let all = all_ids(idx, "张江", &[]);
    assert!(all.contains(&"seeds/004_c93b36575511fa58.txt".to_string()));
    let filtered = all_ids(idx, "张江", &["--since", "2000"]);
    assert!(!filtered.contains(&"seeds/004_c93b36575511fa58.txt".to_string()));
}

#[test]
fn query_language_and_or_not_phrase_and_fields() {
    let idx = seed_index();
    let has = |d: &SeedDoc, w: &str| d.text.contains(w);
    assert_eq!(all_ids(idx, "张江 孵化器", &[]), expected(|d| has(d, "张江") && has(d, "孵化器")));
    assert_eq!(all_ids(idx, "张江 OR 临港", &[]), expected(|d| has(d, "张江") || has(d, "临港")));
    assert_eq!(all_ids(idx, "孵化器 -张江", &[]), expected(|d| has(d, "孵化器") && !has(d, "张江")));
    assert_eq!(all_ids(idx, "\"高质量孵化器\"", &[]), expected(|d| has(d, "高质量孵化器")));
    assert_eq!(all_ids(idx, "title:孵化器", &[]), expected(|d| d.title.contains("孵化器")));
    assert_eq!(all_ids(idx, "source:文汇报 上海", &[]), vec!["seeds/001_cf4ae71d46783a76.txt".to_string()]);
}

#[test]
fn json_lines_have_the_documented_shape() {
    let (code, out, _) = run(seed_index(), &["search", "人工智能", "--json", "-n", "3"]);
    assert_eq!(code, 0);
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    for (i, v) in lines.iter().enumerate() {
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            vec!["author", "date", "datetime", "id", "path", "rank", "score", "snippet", "source", "title", "url"]
        );
        assert_eq!(v["rank"].as_u64(), Some(i as u64 + 1));
        assert!(v["snippet"].as_str().unwrap().contains("人工智能"), "{v}");
        assert!(v["date"].is_null() || v["date"].as_str().unwrap().len() == 10);
        assert!(v["datetime"].is_null() || v["datetime"].as_str().unwrap().starts_with(v["date"].as_str().unwrap()));
    }
    let scores: Vec<f64> = lines.iter().map(|v| v["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn the_wenhuibao_article_has_its_source_and_date() {
    let (_, out, _) = run(seed_index(), &["search", "title:牢记嘱托力争走前列", "--json"]);
    let v: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(v["source"], "文汇报");
    assert_eq!(v["date"], "2025-04-30");
    assert_eq!(v["path"], "seeds/001_cf4ae71d46783a76.txt");
}

#[test]
fn every_wechat_record_carries_date_and_source() {
    let (code, out, _) = run(seed_index(), &["search", "-zzzz", "--source", "上海科技", "--json", "-n", "100"]);
    assert_eq!(code, 0);
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 58);
    assert!(lines.iter().all(|v| v["date"].as_str().is_some_and(|d| d.starts_with("2025-12"))));
}

#[test]
fn tsv_is_the_pipe_default_with_five_columns() {
    let (code, out, _) = run(seed_index(), &["search", "集成电路"]);
    assert_eq!(code, 0);
    for line in out.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "{line}");
        assert!(cols[3].parse::<f32>().is_ok(), "{line}");
    }
    assert!(!out.contains('│') && !out.contains('\u{1b}'));
}

#[test]
fn limit_offset_and_date_sort() {
    let idx = seed_index();
    let first5 = ids(&run(idx, &["search", "上海", "--json", "-n", "5"]).1);
    let next = ids(&run(idx, &["search", "上海", "--json", "-n", "3", "--offset", "2"]).1);
    assert_eq!(first5.len(), 5);
    assert_eq!(&first5[2..5], &next[..]);
    let (_, out, _) = run(idx, &["search", "上海", "--json", "--sort", "date", "-n", "100"]);
    let dates: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["date"].as_str().unwrap_or("0000").to_string())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

#[test]
fn count_and_exit_codes() {
    let idx = seed_index();
    let (code, out, _) = run(idx, &["search", "孵化器", "--count"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim().parse::<usize>().unwrap(), expected(|d| d.text.contains("孵化器")).len());
    let (code, out, _) = run(idx, &["search", "量子纠缠态宇宙飞船"]);
    assert_eq!((code, out.as_str()), (1, ""));
    let (code, out, _) = run(idx, &["search", "量子纠缠态宇宙飞船", "--count"]);
    assert_eq!((code, out.trim()), (1, "0"));
}

#[test]
fn errors_exit_2_with_a_clear_message() {
    let idx = seed_index();
    let (code, _, err) = run(idx, &["search", "人工 \"智能"]);
    assert_eq!(code, 2);
    assert!(err.contains("unclosed quote") && err.contains('^'), "{err}");
    let (code, _, err) = run(idx, &["search", "人工", "--since", "2025-13-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("--since") && err.contains("2025-13-01"), "{err}");
    let missing = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&missing.path().join("none"), &["search", "人工"]);
    assert_eq!(code, 2);
    assert!(err.contains("no index") && err.contains("sou index"), "{err}");
    let (code, _, err) = run(idx, &["search", "，。"]);
    assert_eq!(code, 2);
    assert!(err.contains("nothing to search"), "{err}");
}

#[test]
fn table_has_borders_and_colour_only_when_asked() {
    let idx = seed_index();
    let (_, out, _) = run(idx, &["search", "孵化器", "--format", "table", "--color", "never"]);
    assert!(out.contains('│') && out.contains("孵化器") && !out.contains('\u{1b}'), "{out}");
    let (_, out, _) = run(idx, &["search", "孵化器", "--format", "table", "--color", "always"]);
    assert!(out.contains("\u{1b}["), "{out}");
}

#[test]
fn filters_alone_list_what_they_select_and_date_asc_puts_the_oldest_first() {
    let idx = seed_index();
    // By source: every document of it, by nothing else.
    let want = expected(|d| d.source.as_deref() == Some("上海科技"));
    assert!(want.len() > 10);
    let (code, out, err) = run(idx, &["search", "--source", "上海科技", "--json", "-n", "1000"]);
    assert_eq!(code, 0, "{err}");
    let mut got = ids(&out);
    got.sort();
    assert_eq!(got, want);
    let (_, n, _) = run(idx, &["search", "--source", "上海科技", "--count"]);
    assert_eq!(n.trim(), want.len().to_string());
    // No query: no score, newest first.
    let first: Value = serde_json::from_str(out.lines().next().expect("a hit")).expect("json");
    assert!(first["score"].is_null(), "{first}");
    // By date: the documents dated from the day on, oldest first with --sort date-asc.
    let since = "2025-12-15";
    let dated = expected(|d| d.date.as_deref().is_some_and(|t| &t[..10] >= since));
    let (code, out, err) = run(idx, &["search", "--since", since, "--sort", "date-asc", "--json", "-n", "1000"]);
    assert_eq!(code, 0, "{err}");
    let dates: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["date"].as_str().expect("dated").to_string())
        .collect();
    assert_eq!(dates.len(), dated.len());
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    // Oldest first with a query too, undated documents last.
    let (_, out, _) = run(idx, &["search", "科技", "--sort", "date-asc", "--json", "-n", "1000"]);
    let dates: Vec<Option<String>> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["date"].as_str().map(str::to_string))
        .collect();
    let undated_from = dates.iter().position(Option::is_none).unwrap_or(dates.len());
    assert!(dates[undated_from..].iter().all(Option::is_none), "{dates:?}");
    assert!(dates[..undated_from].windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert_eq!(dates.len(), expected(|d| d.text.contains("科技")).len());
    // Neither a query nor a filter: the usage error it was, saying what to give.
    let (code, _, err) = run(idx, &["search"]);
    assert_eq!(code, 2);
    assert!(err.contains("give a query, or filters"), "{err}");
}

#[test]
fn relative_dates_count_back_from_today() {
    let idx = seed_index();
    let count = |today: &str, args: &[&str]| -> (i32, String, String) {
        let out = sou(idx).env("SOU_TODAY", today).arg("search").args(args).arg("--count").output().expect("run");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let on_or_after = |day: &str| expected(|d| d.date.as_deref().is_some_and(|t| &t[..10] >= day)).len();
    let on_or_before = |day: &str| expected(|d| d.date.as_deref().is_some_and(|t| &t[..10] <= day)).len();
    assert!(on_or_after("2025-12-22") > 0 && on_or_before("2025-12-11") > 0);
    assert_eq!(count("2025-12-25", &["--since", "3d"]).1, on_or_after("2025-12-22").to_string());
    assert_eq!(count("2025-12-24", &["--since", "yesterday"]).1, on_or_after("2025-12-23").to_string());
    assert_eq!(count("2025-12-25", &["--until", "2w"]).1, on_or_before("2025-12-11").to_string());
    assert_eq!(count("2026-01-20", &["--since", "1m", "--until", "today"]).1, on_or_after("2025-12-20").to_string());
    assert_eq!(count("2025-12-25", &["科技", "--since", "1w"]).1, {
        expected(|d| d.text.contains("科技") && d.date.as_deref().is_some_and(|t| &t[..10] >= "2025-12-18"))
            .len()
            .to_string()
    });
    let (code, _, err) = count("2025-12-25", &["--since", "3x"]);
    assert_eq!(code, 2);
    assert!(err.contains("--since") && err.contains("7d"), "{err}");
    let (code, _, err) = count("2025-12-25", &["--since", "today", "--until", "3d"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("empty date range"), "{err}");
}

#[test]
fn ids_from_a_file_or_a_pipe_restrict_a_search_to_an_earlier_result() {
    let idx = seed_index();
    let dir = tempfile::tempdir().expect("tempdir");
    // The ids of one search, as --format ids prints them, plus one the index lacks.
    let (_, first, _) = run(idx, &["search", "孵化器", "--format", "ids", "-n", "1000"]);
    let earlier: Vec<&str> = first.lines().collect();
    assert!(earlier.len() >= 2, "{first}");
    let list = dir.path().join("ids.txt");
    std::fs::write(&list, format!("{first}no-such-id\n\n")).expect("write");
    let list = list.to_str().expect("utf-8 path");
    // A second query searched within them: the documents holding both, nothing else.
    let want = expected(|d| d.text.contains("孵化器") && d.text.contains("科技"));
    assert!(!want.is_empty() && want.len() < expected(|d| d.text.contains("科技")).len());
    let (code, out, err) = run(idx, &["search", "科技", "--ids-from", list, "--json", "-n", "1000"]);
    assert_eq!(code, 0, "{err}");
    let mut got = ids(&out);
    got.sort();
    assert_eq!(got, want);
    assert!(err.contains("1 of") && err.contains("not in the index"), "{err}");
    // Filters alone: the listed documents themselves; a TSV line's first column is its id.
    let (_, tsv, _) = run(idx, &["search", "孵化器", "--format", "tsv", "-n", "1000"]);
    std::fs::write(dir.path().join("hits.tsv"), &tsv).expect("write");
    let tsv_list = dir.path().join("hits.tsv");
    let (code, out, err) =
        run(idx, &["search", "--ids-from", tsv_list.to_str().expect("utf-8"), "--format", "ids", "-n", "1000"]);
    assert_eq!(code, 0, "{err}");
    let mut got: Vec<&str> = out.lines().collect();
    got.sort();
    let mut earlier_sorted = earlier.clone();
    earlier_sorted.sort();
    assert_eq!(got, earlier_sorted);
    // Standard input, from a pipe.
    let mut child = sou(idx)
        .args(["kwic", "科技", "--ids-from", "-", "--count"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), first.as_bytes()).expect("write stdin");
    let piped = child.wait_with_output().expect("wait");
    let (_, whole, _) = run(idx, &["kwic", "科技", "--ids-from", list, "--count"]);
    assert_eq!(String::from_utf8_lossy(&piped.stdout), whole);
    let (_, everywhere, _) = run(idx, &["kwic", "科技", "--count"]);
    assert_ne!(whole, everywhere);
    // An empty list selects nothing, and says so.
    std::fs::write(dir.path().join("empty.txt"), "").expect("write");
    let (code, out, err) =
        run(idx, &["search", "科技", "--ids-from", dir.path().join("empty.txt").to_str().expect("utf-8")]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("no id"), "{err}");
    // A missing file is an error naming it.
    let (code, _, err) = run(idx, &["search", "科技", "--ids-from", "/nonexistent/ids.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/ids.txt"), "{err}");
}

#[test]
fn proximity_keeps_the_documents_where_the_words_stand_near_and_excludes_only_those() {
    let idx = seed_index();
    let fold = sou::analysis::fold::fold;
    let near = regex::Regex::new("孵化器.{0,5}科技|科技.{0,5}孵化器").expect("pattern");
    let want = expected(|d| near.is_match(&fold(&d.title)) || near.is_match(&fold(&d.text)));
    let both = expected(|d| {
        let t = fold(&format!("{}\n{}", d.title, d.text));
        t.contains("孵化器") && t.contains("科技")
    });
    assert!(!want.is_empty() && want.len() < both.len(), "{} of {}", want.len(), both.len());
    assert_eq!(all_ids(idx, "孵化器 NEAR/5 科技", &[]), want);
    // Excluding the nearness keeps the others, and only them.
    let mut rest: Vec<String> = both.iter().filter(|id| !want.contains(id)).cloned().collect();
    rest.sort();
    assert_eq!(all_ids(idx, "孵化器 科技 -(孵化器 NEAR/5 科技)", &[]), rest);
    // Counts, kwic and keywords see the same documents.
    let (_, n, _) = run(idx, &["search", "孵化器 NEAR/5 科技", "--count"]);
    assert_eq!(n.trim(), want.len().to_string());
    // What cannot be done yet says so.
    let (code, _, err) = run(idx, &["search", "孵化器 NEAR/5 科技", "-w"]);
    assert_eq!(code, 2);
    assert!(err.contains("-w cannot be combined with NEAR"), "{err}");
    let (code, _, err) = run(idx, &["search", "孵化器 NEAR 科技"]);
    assert_eq!(code, 2);
    assert!(err.contains("NEAR needs a distance"), "{err}");
}

#[test]
fn url_parts_and_exact_ids_select_what_the_columns_hold() {
    let idx = seed_index();
    // Every document's URL, as printed.
    let (_, rows, _) = run(idx, &["search", "--since", "1900", "--fields", "id,url", "-n", "1000"]);
    let urls: Vec<(String, String)> = rows
        .lines()
        .map(|l| {
            let (id, url) = l.split_once('\t').unwrap_or((l, ""));
            (id.to_string(), url.to_lowercase())
        })
        .collect();
    assert!(urls.len() > 50, "{rows}");
    let with = |part: &str| {
        let mut v: Vec<String> =
            urls.iter().filter(|(_, u)| u.contains(&part.to_lowercase())).map(|(id, _)| id.clone()).collect();
        v.sort();
        v
    };
    let one = &urls[7].0;
    let mid = one.split('_').next().expect("an id");
    for part in ["weixin", "WEIXIN", mid, "&idx=2"] {
        let want = with(part);
        assert!(!want.is_empty(), "{part}");
        let mut got = all_ids(idx, &format!("url:{part}"), &["--since", "1900"]);
        got.sort();
        assert_eq!(got, want, "url:{part}");
    }
    // With words, OR and exclusions, as any other term.
    let mut some = expected(|d| d.text.contains("科技") || d.title.contains("科技"));
    let idx2 = with("&idx=2");
    some.retain(|id| !idx2.contains(id));
    assert_eq!(all_ids(idx, "科技 -url:&idx=2", &[]), some);
    // id: is the whole id, exactly.
    assert_eq!(all_ids(idx, &format!("id:{one}"), &[]), vec![one.clone()]);
    assert!(all_ids(idx, &format!("id:{}", &one[..one.len() - 1]), &[]).is_empty());
}

/// `(id, score, date)` of each hit of `sou search ARGS --json`, in order.
fn ranked(args: &[&str]) -> Vec<(String, Option<f64>, String)> {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.push("--json");
    let (code, out, err) = run(seed_index(), &all);
    assert_eq!(code, 0, "{args:?}: {err}");
    out.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json");
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            (s("id"), v["score"].as_f64(), s("date"))
        })
        .collect()
}

#[test]
fn reverse_turns_any_order_round_and_keeps_undated_documents_last() {
    let best = ranked(&["上海", "-n", "20000"]);
    let least = ranked(&["上海", "--reverse", "-n", "20000"]);
    assert!(best.len() > 20, "{}", best.len());
    let ids = |v: &[(String, Option<f64>, String)]| {
        let mut ids: Vec<String> = v.iter().map(|h| h.0.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&best), ids(&least), "the same documents");
    let scores: Vec<f64> = least.iter().map(|h| h.1.expect("a score")).collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "least relevant first: {scores:?}");
    assert!(scores[0] < scores[scores.len() - 1]);
    assert_eq!(least.last().map(|h| h.1), best.first().map(|h| h.1));
    // A short page (top-k) is the start of the long one (every match, sorted).
    assert_eq!(ranked(&["上海", "--reverse", "-n", "5"]), least[..5].to_vec());
    assert_eq!(ranked(&["上海", "--sort", "score-asc", "-n", "20000"]), least);
    // By date: --reverse of newest first is oldest first, undated documents last both ways.
    let oldest = ranked(&["上海", "--sort", "date", "--reverse", "-n", "20000"]);
    assert_eq!(oldest, ranked(&["上海", "--sort", "date-asc", "-n", "20000"]));
    let dates: Vec<&str> = oldest.iter().map(|h| h.2.as_str()).filter(|d| !d.is_empty()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]) && dates.first() < dates.last(), "{dates:?}");
    let first_undated = oldest.iter().position(|h| h.2.is_empty()).unwrap_or(oldest.len());
    assert!(oldest[first_undated..].iter().all(|h| h.2.is_empty()), "undated last");
    assert_eq!(
        ranked(&["上海", "--sort", "date-asc", "--reverse", "-n", "20000"]),
        ranked(&["上海", "--sort", "date", "-n", "20000"])
    );
}

/// `(id, occurrences)` rows of a TSV search for `query` with `--fields id,occurrences`
/// and the `extra` arguments.
fn occurrence_rows(query: &str, extra: &[&str]) -> Vec<(String, usize)> {
    let mut args = vec!["search", query, "--format", "tsv", "--fields", "id,occurrences", "-n", "1000"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(seed_index(), &args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out.lines()
        .map(|l| {
            let (id, n) = l.split_once('\t').unwrap();
            (id.to_string(), n.parse().unwrap())
        })
        .collect()
}

#[test]
fn occurrences_count_the_literals_in_each_text_and_order_hits_by_them() {
    let docs = seed_docs();
    for w in ["上海", "人工智能", "孵化器"] {
        let rows = occurrence_rows(w, &[]);
        assert!(!rows.is_empty(), "{w}");
        for (id, n) in &rows {
            // The WeChat records' content is their text after the title line.
            let Some(d) = docs.iter().find(|d| &d.id == id && !id.starts_with("seeds/")) else { continue };
            let content = d.text.split_once('\n').unwrap().1;
            assert_eq!(*n, content.matches(w).count(), "{w} in {id}");
        }
        // Most first, every match listed once; the reverse order is the same counts rising.
        let sorted = occurrence_rows(w, &["--sort", "occurrences"]);
        let counts: Vec<usize> = sorted.iter().map(|r| r.1).collect();
        assert!(counts.windows(2).all(|p| p[0] >= p[1]), "{w}: {counts:?}");
        let mut a = sorted.clone();
        let mut b = rows.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{w}: the same documents and counts in another order");
        let rising = occurrence_rows(w, &["--sort", "occurrences", "--reverse"]);
        let up: Vec<usize> = rising.iter().map(|r| r.1).collect();
        let mut down = counts.clone();
        down.reverse();
        assert_eq!(up, down, "{w}");
    }
    // Two literals: each document's count is its kwic lines, and JSON carries the key.
    let (code, kwic, _) = run(seed_index(), &["kwic", "上海 人工智能", "--json"]);
    assert_eq!(code, 0);
    let mut lines: std::collections::BTreeMap<String, usize> = Default::default();
    for l in kwic.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()) {
        if let Some(id) = l["id"].as_str() {
            *lines.entry(id.to_string()).or_default() += 1;
        }
    }
    let (code, out, _) =
        run(seed_index(), &["search", "上海 人工智能", "--json", "--fields", "occurrences", "-n", "1000"]);
    assert_eq!(code, 0);
    let hits: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(hits.len() > 3);
    for h in &hits {
        let id = h["id"].as_str().unwrap();
        assert_eq!(h["occurrences"].as_u64().unwrap() as usize, lines.get(id).copied().unwrap_or(0), "{id}");
    }
}

#[test]
fn a_source_ending_in_a_star_is_every_source_starting_with_it() {
    let idx = seed_index();
    for stem in ["上海", "上", "文汇", "新华"] {
        let want = expected(|d| d.source.as_deref().is_some_and(|s| s.starts_with(stem)));
        assert_eq!(all_ids(idx, &format!("source:{stem}*"), &[]), want, "source:{stem}*");
        // Excluded and inside a group, too.
        let rest = expected(|d| !d.source.as_deref().is_some_and(|s| s.starts_with(stem)) && d.text.contains("上海"));
        assert_eq!(all_ids(idx, &format!("上海 -source:{stem}*"), &[]), rest, "上海 -source:{stem}*");
    }
    assert!(!all_ids(idx, "source:上*", &[]).is_empty());
    assert_eq!(
        all_ids(idx, "source:(上* OR 文*)", &[]),
        expected(|d| d.source.as_deref().is_some_and(|s| s.starts_with('上') || s.starts_with('文')))
    );
    // Exact otherwise; a quoted star is text.
    assert!(all_ids(idx, "source:上海", &[]).is_empty());
    assert!(all_ids(idx, "source:\"上*\"", &[]).is_empty());
}
