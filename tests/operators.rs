//! Operators users bring from other engines (`AND`, `NOT`, `&&`, `||`, `!`) mean what
//! they mean there, and a `*` is never a silent zero: the CLI says so on stderr, the
//! API in `notes`.

mod common;

use common::http::{enc, Server};
use common::*;

#[test]
fn operators_from_other_engines_mean_what_they_say() {
    let idx = seed_index();
    let and = all_ids(idx, "人工智能 上海", &[]);
    let or = all_ids(idx, "人工智能 OR 上海", &[]);
    let not = all_ids(idx, "上海 -投资", &[]);
    // Not vacuous: the three sets differ and none is empty or everything.
    assert!(!and.is_empty() && and.len() < or.len() && or.len() < 62, "{} {}", and.len(), or.len());
    assert!(!not.is_empty() && not.len() < all_ids(idx, "上海", &[]).len());
    for (typed, want) in [
        ("人工智能 AND 上海", &and),
        ("人工智能 && 上海", &and),
        ("人工智能 || 上海", &or),
        ("上海 NOT 投资", &not),
        ("上海 !投资", &not),
        ("上海 AND NOT 投资", &not),
    ] {
        let (code, _, err) = run(idx, &["search", typed, "--count"]);
        assert_eq!(code, 0, "{typed}: {err}");
        assert!(err.is_empty(), "{typed}: {err}");
        assert_eq!(&all_ids(idx, typed, &[]), want, "{typed}");
    }
    // Lowercase words are text, not operators.
    assert_eq!(all_ids(idx, "人工智能 and 上海", &[]).len(), 0);
    // An operator with nothing on one side is an error at its column.
    for (typed, col) in [("AND 上海", 0), ("上海 AND", 3), ("上海 NOT", 3), ("上海 ||", 3)] {
        let (code, _, err) = run(idx, &["search", typed]);
        assert_eq!(code, 2, "{typed}");
        let caret = err.lines().last().unwrap_or_default();
        let width: usize = typed.chars().take(col).map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
        assert_eq!(caret.find('^'), Some(2 + width), "{typed}: {err}");
    }
}

#[test]
fn a_star_is_a_note_never_a_silent_zero() {
    let idx = seed_index();
    // On Chinese text the `*` is dropped: 人工 already matches inside 人工智能.
    let (code, out, err) = run(idx, &["search", "人工*", "--count"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), run(idx, &["search", "人工", "--count"]).1.trim());
    assert_ne!(out.trim(), "0");
    assert!(err.contains("note:") && err.contains("'人工'"), "{err}");
    // Elsewhere it is searched as text, and the note says so.
    let (_, _, err) = run(idx, &["search", "Light*", "--count"]);
    assert!(err.contains("not a wildcard") && err.contains("'Light*'"), "{err}");
    // Without a star there is no note; the API carries the same notes.
    assert!(run(idx, &["search", "人工", "--count"]).2.is_empty());
    let server = Server::start(idx, &[]);
    let r = server.json(&format!("/api/search?q={}", enc("人工*")));
    let notes = r["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{r}");
    assert!(r["total"].as_u64().unwrap_or(0) > 0, "{r}");
    assert_eq!(server.json(&format!("/api/search?q={}", enc("人工")))["notes"], serde_json::json!([]));
}

/// The documents of the seeds whose folded text an expression matches, as the README
/// says sou runs it (any case, `^`/`$` at line ends): an independent scan.
fn scanned(docs: &[SeedDoc], source: &str, field: impl Fn(&SeedDoc) -> Option<String>) -> Vec<String> {
    let re = regex::RegexBuilder::new(&sou::analysis::fold::fold(source))
        .case_insensitive(true)
        .multi_line(true)
        .build()
        .expect("pattern");
    let mut v: Vec<String> = docs
        .iter()
        .filter(|d| field(d).is_some_and(|t| re.is_match(&sou::analysis::fold::fold(&t))))
        .map(|d| d.id.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn a_regular_expression_finds_what_a_scan_finds_in_any_field_and_says_when_it_scans_all() {
    let idx = seed_index();
    let docs = seed_docs();
    // The text as stored (plain-text seeds have their hard-wrapped lines joined).
    let stored = |d: &SeedDoc| {
        let (_, out, err) = run(idx, &["show", &d.id, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        Some(format!("{}\n{}", v["title"].as_str().unwrap_or(""), v["content"].as_str().unwrap_or("")))
    };
    for source in [r"\d+亿元", r"人工智能.{0,10}产业", r"上海.{0,4}(科技|创新)", r"[乌烏]克[兰蘭]|浦東"]
    {
        let want = scanned(&docs, source, stored);
        assert!(!want.is_empty() || source.contains('|'), "{source}");
        let (code, _, err) = run(idx, &["search", &format!("/{source}/"), "--count"]);
        assert!(code <= 1 && err.is_empty(), "{source}: {err}");
        assert_eq!(all_ids(idx, &format!("/{source}/"), &[]), want, "{source}");
    }
    let want = scanned(&docs, "^上海", |d| Some(d.title.clone()));
    assert!(!want.is_empty() && want.len() < docs.len());
    assert_eq!(all_ids(idx, "title:/^上海/", &[]), want);
    let want = scanned(&docs, "^上海", |d| d.source.clone());
    assert!(!want.is_empty());
    assert_eq!(all_ids(idx, "source:/^上海/", &[]), want);
    // Inside OR and an exclusion, as any literal.
    let either = all_ids(idx, r"/\d+亿元/ OR 人工智能", &[]);
    assert!(either.len() > all_ids(idx, r"/\d+亿元/", &[]).len());
    let without = all_ids(idx, r"上海 -/\d+亿元/", &[]);
    assert_eq!(without.len(), all_ids(idx, "上海", &[]).len() - all_ids(idx, r"上海 /\d+亿元/", &[]).len());
    // No Chinese text to look up: still exact, with a note that everything is scanned.
    let (code, _, err) = run(idx, &["search", r"/(?i)ai\b/", "--count"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("note:") && err.contains("every document is scanned"), "{err}");
    // kwic counts the expression's matches as it lists them.
    let (_, lines, _) = run(idx, &["kwic", r"/\d+亿元/", "-n", "100000"]);
    let (_, count, err) = run(idx, &["kwic", r"/\d+亿元/", "--count"]);
    assert_eq!(count.split_whitespace().next(), Some(lines.lines().count().to_string().as_str()), "{err}");
    assert!(lines.lines().all(|l| l.split('\t').nth(4).is_some_and(|hit| hit.ends_with("亿元"))), "{lines}");
    // A bad expression is an error at its column; a path is a word.
    let (code, _, err) = run(idx, &["search", "上海 /a(b/"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad regular expression") && err.lines().last().unwrap_or("").find('^') == Some(2 + 5),
        "{err}"
    );
    let (code, _, err) = run(idx, &["search", "/usr/bin", "--count"]);
    assert!(code <= 1 && !err.contains("regular"), "{err}");
}

#[test]
fn variant_spellings_are_the_union_of_every_spelling_from_each_table() {
    // One sentence per spelling; each table of the expansion has a pair whose members
    // folding keeps apart (checked: a plain search finds one, not the other).
    let texts = [
        ("st1", "我们了解情况"), // STCharacters / TSCharacters: 了 → 了 瞭
        ("st2", "我們瞭解情況"),
        ("jp1", "市图书馆开放"), // JPShinjitaiCharacters: 図 → 圖
        ("jp2", "東京の図書館"),
        ("jp3", "驿站旧址"), // 駅 → 驛
        ("jp4", "駅站前"),
        ("tw1", "他的著作很多"), // TWVariants: 着 → 著
        ("tw2", "他的着作很多"),
        ("hk1", "电线杆"), // HKVariants: 線 → 缐
        ("hk2", "電缐桿"),
        ("none", "瞭望塔与图表"),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let lines: Vec<String> =
        texts.iter().map(|(id, t)| serde_json::json!({"id": id, "content": t}).to_string()).collect();
    let data = dir.path().join("v.jsonl");
    std::fs::write(&data, lines.join("\n")).expect("write");
    let idx = dir.path().join("idx");
    assert_eq!(run(&idx, &["index", data.to_str().unwrap()]).0, 0);
    let ids = |q: &str, extra: &[&str]| -> Vec<String> {
        let mut args = vec!["search", q, "--format", "ids"];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&idx, &args);
        assert!(code <= 1, "{q}: {err}");
        let mut v: Vec<String> = out.lines().map(str::to_string).collect();
        v.sort();
        v
    };
    // A substring scan of the texts for any of the spellings.
    let scan = |spellings: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = texts
            .iter()
            .filter(|(_, t)| spellings.iter().any(|s| t.contains(s)))
            .map(|(id, _)| id.to_string())
            .collect();
        v.sort();
        v
    };
    for (query, spellings) in [
        ("了解", &["了解", "瞭解"][..]),
        ("图书馆", &["图书馆", "圖書館", "図書館"][..]),
        ("驿站", &["驿站", "駅站"][..]),
        ("著作", &["著作", "着作"][..]),
        ("电线", &["电线", "電缐"][..]),
    ] {
        // Strict without asking: the first spelling alone.
        assert_ne!(ids(query, &[]), scan(spellings), "{query} is strict by default");
        let want = scan(spellings);
        let typed = format!("~{query}");
        assert_eq!(ids(&typed, &[]), want, "{typed}");
        assert_eq!(ids(query, &["--variants"]), want, "{query} --variants");
        // The note names the spellings added; their plain searches add up to the same.
        let (_, _, err) = run(&idx, &["search", &typed, "--count"]);
        let also = err.split("also ").nth(1).unwrap_or_default().trim().to_string();
        assert!(!also.is_empty(), "{typed}: {err}");
        let mut union: Vec<String> = ids(query, &[]);
        for s in also.split(", ") {
            union.extend(ids(s, &[]));
        }
        union.sort();
        union.dedup();
        assert_eq!(union, want, "{typed}: the union of {also}");
    }
    // Inside groups, exclusions and fields; a lone ~ is text; errors name the column.
    assert_eq!(ids("~了解 OR ~著作", &[]), scan(&["了解", "瞭解", "著作", "着作"]));
    assert_eq!(ids("情况 -~了解", &[]), Vec::<String>::new());
    assert_eq!(ids("content:~了解", &[]), scan(&["了解", "瞭解"]));
    let (code, _, err) = run(&idx, &["search", "source:~新华社"]);
    assert_eq!(code, 2);
    assert!(err.contains("variant spellings of text"), "{err}");
    let (code, _, err) = run(&idx, &["search", &format!("~{}", "了著図".repeat(8))]);
    assert_eq!(code, 2);
    assert!(err.contains("variant spellings (at most 256)"), "{err}");
}

/// The figures of `sou search QUERY --count --explain`: (candidates, matches, documents).
fn explained(idx: &std::path::Path, query: &str) -> (Option<usize>, usize, usize) {
    let (code, _, err) = run(idx, &["search", query, "--count", "--explain"]);
    assert!(code <= 1, "{query}: {err}");
    let line = err.lines().find(|l| l.starts_with("sou: explain: ")).unwrap_or_else(|| panic!("{query}: {err}"));
    let numbers: Vec<usize> =
        line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).map(|w| w.parse().unwrap()).collect();
    match numbers.as_slice() {
        [c, m, d] => (Some(*c), *m, *d),
        [m, d] => (None, *m, *d),
        _ => panic!("{line}"),
    }
}

#[test]
fn explain_shows_the_candidates_the_index_selects_for_a_text_check() {
    let idx = seed_index();
    let count = |q: &str| run(idx, &["search", q, "--count"]).1.trim().parse::<usize>().unwrap();
    // A plain literal: the index alone.
    assert_eq!(explained(idx, "上海"), (None, count("上海"), 62));
    // A regular expression: its required text's documents are the candidates, not all 62.
    for (re, required) in
        [("/\\d+亿元/", "亿元"), ("/上海.{0,3}科技/", "上海 科技"), ("/人工智能|机器人/", "人工智能 OR 机器人")]
    {
        let (candidates, matches, documents) = explained(idx, re);
        assert_eq!(candidates, Some(count(required)), "{re}");
        assert!(matches <= count(required) && count(required) < documents, "{re}");
        assert_eq!(matches, count(re), "{re}");
    }
    // Proximity: the documents holding both words.
    assert_eq!(explained(idx, "上海 NEAR/3 科技").0, Some(count("上海 科技")));
    // No required text: every document is a candidate.
    assert_eq!(explained(idx, "/[a-z]+\\d/").0, Some(62));
}
