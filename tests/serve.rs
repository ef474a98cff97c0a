//! `sou serve` over real HTTP: the real binary on an ephemeral port, every endpoint and
//! parameter, the JSON shape against the CLI's, highlights as character ranges checked
//! against the text, the 400/404 cases, the Host and token checks, CORS, traversal, a
//! commit seen while serving, and a graceful stop.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::http::{enc, Server};
use common::*;
use serde_json::Value;

/// The characters `ranges` cover in `text`.
fn covered(text: &str, ranges: &Value) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    ranges
        .as_array()
        .expect("ranges")
        .iter()
        .map(|r| {
            let (a, b) = (r[0].as_u64().expect("start") as usize, r[1].as_u64().expect("end") as usize);
            assert!(a < b && b <= chars.len(), "{r} in {} chars", chars.len());
            chars[a..b].iter().collect()
        })
        .collect()
}

fn cli_count(q: &str, extra: &[&str]) -> u64 {
    let mut args = vec!["search", q, "--count"];
    args.extend(extra);
    run(seed_index(), &args).1.trim().parse().expect("a count")
}

#[test]
fn search_returns_the_cli_results_with_character_ranges() {
    let server = Server::start(seed_index(), &[]);
    let v = server.json(&format!("/api/search?q={}&limit=50", enc("人工智能")));
    let mut keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["authors", "histogram", "hits", "notes", "query", "since", "sources", "took_ms", "total", "until"]
    );
    assert_eq!(v["query"], "人工智能");
    assert_eq!(v["total"].as_u64(), Some(cli_count("人工智能", &[])));
    let hits = v["hits"].as_array().expect("hits");
    assert_eq!(hits.len() as u64, v["total"].as_u64().unwrap_or(0));
    // The CLI's JSON keys, and the same ids in the same order.
    let (_, cli, _) = run(seed_index(), &["search", "人工智能", "--json", "-n", "50"]);
    let cli: Vec<Value> = cli.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    for (h, c) in hits.iter().zip(&cli) {
        for (k, val) in c.as_object().expect("object") {
            if k != "score" {
                assert_eq!(&h[k], val, "key {k}");
            }
        }
        let snippet = h["snippet"].as_str().expect("snippet");
        let marked = covered(snippet, &h["snippet_highlights"]);
        assert!(!marked.is_empty(), "{h}");
        assert!(marked.iter().all(|m| m == "人工智能"), "{marked:?}");
        assert!(covered(h["title"].as_str().unwrap_or(""), &h["title_highlights"]).iter().all(|m| m == "人工智能"));
        let html = h["snippet_html"].as_str().expect("html");
        assert_eq!(html.matches("<mark>人工智能</mark>").count(), marked.len(), "{html}");
    }
    // Facets and histogram add up.
    let by_source: u64 =
        v["sources"].as_array().expect("sources").iter().map(|s| s["count"].as_u64().unwrap_or(0)).sum();
    let (_, cli_by, _) = run(seed_index(), &["search", "人工智能", "--by", "source"]);
    let cli_by: u64 = cli_by.lines().filter_map(|l| l.split('\t').nth(1)?.parse::<u64>().ok()).sum();
    assert_eq!(by_source, cli_by);
    let h = &v["histogram"];
    let dated: u64 = h["buckets"].as_array().expect("buckets").iter().map(|b| b["count"].as_u64().unwrap_or(0)).sum();
    assert_eq!(dated + h["undated"].as_u64().unwrap_or(0), v["total"].as_u64().unwrap_or(0));
    assert!(["day", "week", "month", "year"].contains(&h["period"].as_str().unwrap_or("")));
}

#[test]
fn every_filter_and_page_parameter_works() {
    let server = Server::start(seed_index(), &[]);
    let q = enc("孵化器");
    let total = |extra: &str| server.json(&format!("/api/search?q={q}{extra}"))["total"].as_u64().unwrap_or(0);
    assert_eq!(total(""), cli_count("孵化器", &[]));
    assert_eq!(total("&since=2025-12-20"), cli_count("孵化器", &["--since", "2025-12-20"]));
    assert_eq!(total("&until=2025-12-18"), cli_count("孵化器", &["--until", "2025-12-18"]));
    let src = enc("上海科技");
    assert_eq!(total(&format!("&source={src}")), cli_count("孵化器", &["--source", "上海科技"]));
    assert_eq!(
        total(&format!("&source={src}&source={}", enc("文汇报"))),
        cli_count("孵化器", &["--source", "上海科技", "--source", "文汇报"])
    );
    assert_eq!(total(&format!("&title={}", enc("张江"))), cli_count("孵化器", &["--title", "张江"]));
    assert_eq!(total(&format!("&author={}", enc("无名氏"))), 0);
    let all = server.json(&format!("/api/search?q={q}&limit=100"));
    let page = server.json(&format!("/api/search?q={q}&limit=2&offset=1"));
    let ids = |v: &Value| v["hits"].as_array().expect("hits").iter().map(|h| h["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&page), ids(&all)[1..3].to_vec());
    let by_date = server.json(&format!("/api/search?q={q}&sort=date&limit=100"));
    let dates: Vec<&str> =
        by_date["hits"].as_array().expect("hits").iter().map(|h| h["date"].as_str().unwrap_or("")).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let month = server.json(&format!("/api/search?q={q}&period=month"));
    assert_eq!(month["histogram"]["period"], "month");
    // Most mentions first, each hit with its count; the hour, the moment, the variants.
    let mentions = server.json(&format!("/api/search?q={q}&sort=occurrences&limit=100"));
    let counts: Vec<u64> = mentions["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["occurrences"].as_u64().expect("a count"))
        .collect();
    assert!(counts.len() > 2 && counts.windows(2).all(|w| w[0] >= w[1]) && counts[0] > 1, "{counts:?}");
    assert_eq!(server.json(&format!("/api/search?q={q}&period=hour"))["histogram"]["period"], "hour");
    let moment = server.json(&format!("/api/search?q={q}&since=2025-12-20T00:00"));
    assert_eq!(moment["total"].as_u64(), Some(cli_count("孵化器", &["--since", "2025-12-20"])));
    assert_eq!(moment["since"], "2025-12-20T00:00:00");
    assert_eq!(
        server.json(&format!("/api/search?q={}&variants=true", enc("了解")))["total"].as_u64(),
        Some(cli_count("了解", &["--variants"]))
    );
    // No query: every document.
    assert_eq!(server.json("/api/search")["total"].as_u64(), Some(seed_docs().len() as u64));
    // Days counted back come back as the days they are, and select what those days do.
    assert!(server.json(&format!("/api/search?q={q}"))["since"].is_null());
    let back = server.json(&format!("/api/search?q={q}&since=3y&until=yesterday"));
    let (since, until) = (back["since"].as_str().expect("a day"), back["until"].as_str().expect("a day"));
    assert!(since.len() == 10 && since < until && until.starts_with("20"), "{since} {until}");
    assert_eq!(back["total"].as_u64(), Some(cli_count("孵化器", &["--since", since, "--until", until])));
    assert_eq!(back["total"].as_u64(), Some(cli_count("孵化器", &["--since", "3y", "--until", "yesterday"])));
}

#[test]
fn documents_keywords_and_stats() {
    let server = Server::start(seed_index(), &[]);
    let id = "seeds/002_796d7d15a6c68fce.txt";
    let d = server.json(&format!("/api/doc/{}?q={}", enc(id), enc("國家主席")));
    assert_eq!(d["id"], id);
    let (_, cli, _) = run(seed_index(), &["show", id, "--json"]);
    let cli: Value = serde_json::from_str(&cli).expect("json");
    for (k, v) in cli.as_object().expect("object") {
        assert_eq!(&d[k], v, "key {k}");
    }
    let content = d["content"].as_str().expect("content");
    let marked = covered(content, &d["highlights"]["content"]);
    let expected = content.matches("国家主席").count();
    assert!(expected > 0);
    assert_eq!(marked.len(), expected, "a traditional query highlights every simplified occurrence");
    assert!(marked.iter().all(|m| m == "国家主席"));

    let k = server.json(&format!("/api/keywords?q={}&limit=5", enc("人工智能")));
    let (_, cli_k, _) = run(seed_index(), &["keywords", "人工智能", "--json", "-n", "5"]);
    let cli_k: Vec<Value> = cli_k.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(k["keywords"].as_array().expect("keywords"), &cli_k);

    let s = server.json("/api/stats");
    let (_, cli_s, _) = run(seed_index(), &["stats", "--json"]);
    let cli_s: Value = serde_json::from_str(&cli_s).expect("json");
    assert_eq!(s["documents"], cli_s["documents"]);
    assert_eq!(s["sources"], cli_s["sources"]);
    let mut a: Vec<&String> = s.as_object().expect("object").keys().collect();
    let mut b: Vec<&String> = cli_s.as_object().expect("object").keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn bad_requests_are_400_unknown_ids_404_and_nothing_is_500() {
    let server = Server::start(seed_index(), &[]);
    let bad = |path: &str| {
        let r = server.get(path);
        assert_eq!(r.status, 400, "{}: {}", &path[..path.len().min(80)], r.body);
        r.json()
    };
    let v = bad(&format!("/api/search?q={}", enc("人工 \"智能")));
    assert_eq!(v["column"], 3, "{v}");
    assert!(v["error"].as_str().unwrap_or("").contains("quote"));
    assert!(bad("/api/search?q=a&since=2025-13-45")["error"].as_str().unwrap_or("").contains("since"));
    assert!(bad("/api/search?q=a&limit=1001")["error"].as_str().unwrap_or("").contains("limit"));
    bad("/api/search?q=a&limit=-1");
    bad("/api/search?q=a&offset=99999999999999999999999");
    bad("/api/search?q=a&sort=random");
    // 10,000 characters: refused by sou's limit (1,000) or, sent in the URL, by the
    // HTTP layer's (414); either way a client error.
    for n in [1_001, 10_000] {
        let r = server.get(&format!("/api/search?q={}", enc(&"长".repeat(n))));
        assert!(r.status == 400 || r.status == 414, "{n} characters: {}", r.status);
    }
    bad(&format!("/api/search?q={}", enc("，")));
    bad(&format!("/api/doc/x?q={}", enc("(")));
    let r = server.get("/api/doc/no-such-id");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap_or("").contains("no-such-id"));
    for path in [
        "/assets/../Cargo.toml",
        "/assets/%2e%2e%2fCargo.toml",
        "/assets/..%2f..%2fetc%2fpasswd",
        "/../README.md",
        "/api/nope",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("[package]") && !r.body.contains("root:"), "{path}");
    }
    // Messy input of every kind: never a 500, the server keeps answering.
    for q in ["\u{0}", "((", "\"\"", "title:", "-", "OR", "😀", "Ｃ＋＋", "%FF%FE", "a\u{202e}b"] {
        let r = server.get(&format!("/api/search?q={}", enc(q)));
        assert!(r.status == 200 || r.status == 400, "{q:?}: {} {}", r.status, r.body);
    }
    // Deep nesting (751 characters, under the length limit) is a 400 naming the
    // column, never a crash: the server keeps answering.
    let deep = format!("{}上{}", "-(".repeat(250), ")".repeat(250));
    let v = bad(&format!("/api/search?q={}", enc(&deep)));
    assert!(v["error"].as_str().unwrap_or("").contains("nest deeper"), "{v}");
    assert_eq!(server.get("/api/stats").status, 200);
}

#[test]
fn the_browser_boundary_is_guarded() {
    let server = Server::start(seed_index(), &[]);
    // DNS rebinding: a foreign Host is refused, on the page and on the API.
    for path in ["/", "/api/stats"] {
        let r = server.request(path, &[("Host", "evil.example:7700")]);
        assert_eq!(r.status, 403, "{path}");
    }
    let port = server.addr.rsplit(':').next().unwrap_or("");
    assert_eq!(server.request("/api/stats", &[("Host", &format!("localhost:{port}"))]).status, 200);
    // No CORS header by default, security headers everywhere.
    let r = server.request("/api/stats", &[("Origin", "http://evil.example")]);
    assert!(!r.head.contains("access-control-allow-origin"), "{}", r.head);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<title>搜 sou</title>"));
    assert!(page.head.contains("content-security-policy: default-src 'none'; script-src 'self'"), "{}", page.head);
    assert!(page.head.contains("x-content-type-options: nosniff"));
    assert_eq!(server.get("/assets/app.js").status, 200);
    drop(server);

    let cors = Server::start(seed_index(), &["--cors", "http://notes.example"]);
    let r = cors.get("/api/stats");
    assert!(r.head.contains("access-control-allow-origin: http://notes.example"), "{}", r.head);
    drop(cors);

    let locked = Server::start(seed_index(), &["--token", "s3cret-0123456789ab"]);
    assert_eq!(locked.get("/api/stats").status, 401);
    assert_eq!(locked.request("/api/stats", &[("Authorization", "Bearer wrong")]).status, 401);
    assert_eq!(locked.request("/api/stats", &[("Authorization", "Bearer s3cret-0123456789ab")]).status, 200);
    assert_eq!(locked.get("/").status, 200, "the page itself asks for the token");
    // With a token, the Host the client used is accepted (a server on 0.0.0.0 is reached
    // by its network name): the token is the defence, not the Host.
    let lan = [("Host", "192.168.1.5:7700"), ("Authorization", "Bearer s3cret-0123456789ab")];
    assert_eq!(locked.request("/api/stats", &lan).status, 200);
    assert_eq!(locked.request("/api/stats", &[("Host", "192.168.1.5:7700")]).status, 401);
    drop(locked);

    let (code, _, err) = run(seed_index(), &["serve", "--addr", "0.0.0.0:0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--token"), "{err}");
    // A guessable token is refused, before anything listens.
    let (code, _, err) = run(seed_index(), &["serve", "--addr", "0.0.0.0:0", "--token", "a"]);
    assert_eq!(code, 2);
    assert!(err.contains("--token") && err.contains("16"), "{err}");
    // A host name is an address: localhost:0 serves on loopback.
    let mut child = sou(seed_index())
        .args(["serve", "--addr", "localhost:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().expect("stdout")), &mut line)
        .expect("read");
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    let (code, _, err) = run(seed_index(), &["serve", "--addr", "no such host:1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--addr no such host:1"), "{err}");
}

#[test]
fn a_commit_made_while_serving_appears_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let idx = dir.path().join("index");
    let (code, _, err) = run(&idx, &["index", "seeds"]);
    assert_eq!(code, 0, "{err}");
    let server = Server::start(&idx, &[]);
    let q = format!("/api/search?q={}", enc("独一无二的测试词"));
    assert_eq!(server.json(&q)["total"], 0);
    let extra = dir.path().join("new.jsonl");
    std::fs::write(&extra, "{\"id\":\"new-1\",\"title\":\"独一无二的测试词\",\"content\":\"正文\"}\n").expect("write");
    let (code, _, err) = run(&idx, &["index", extra.to_str().expect("path")]);
    assert_eq!(code, 0, "{err}");
    let started = Instant::now();
    while server.json(&q)["total"] != 1 {
        assert!(started.elapsed() < Duration::from_secs(10), "the new document never appeared");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut server = server;
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGTERM) };
    let status = server.child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
}

/// `sou serve` on an index that does not exist says so and exits 2.
#[test]
fn serving_no_index_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_sou"))
        .args(["--index", dir.path().join("none").to_str().expect("path"), "serve", "--addr", "127.0.0.1:0"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index"));
}

/// Reposts: `collapse=true` gives one hit per story with its copies and first outlet, as
/// the CLI's `--collapse`; the article view lists the other copies.
#[test]
fn collapsed_hits_and_the_copies_of_an_article() {
    let idx = repost_index();
    let (_, shown, _) = run(idx, &["show", REPOSTED, "--json"]);
    let original: Value = serde_json::from_str(shown.trim()).expect("JSON");
    let server = Server::start(idx, &[]);
    let q = enc("孵化器");
    let plain = server.json(&format!("/api/search?q={q}&limit=100"));
    let collapsed = server.json(&format!("/api/search?q={q}&limit=100&collapse=true"));
    let count = |extra: &[&str]| -> u64 {
        let mut args = vec!["search", "孵化器", "--count"];
        args.extend(extra);
        run(idx, &args).1.trim().parse().expect("a count")
    };
    assert_eq!(plain["total"].as_u64(), Some(count(&[])));
    assert_eq!(collapsed["total"].as_u64(), Some(count(&["--collapse"])));
    assert_eq!(plain["total"].as_u64(), collapsed["total"].as_u64().map(|n| n + 3), "four copies, one story");
    let story: Vec<&Value> = collapsed["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter(|h| h["copies"].as_u64().is_some_and(|n| n > 1))
        .collect();
    assert_eq!(story.len(), 1, "{collapsed}");
    assert_eq!(story[0]["copies"], 4);
    assert_eq!(story[0]["first_source"], original["source"]);
    assert_eq!(story[0]["first_date"], original["date"]);

    let doc = server.json(&format!("/api/doc/{}", REPOSTS[1]));
    let copies: Vec<&str> =
        doc["copies"].as_array().expect("copies").iter().map(|c| c["id"].as_str().expect("id")).collect();
    assert_eq!(copies, [REPOSTED, REPOSTS[0], REPOSTS[2]], "oldest first");
    assert!(doc["copies"][0]["similarity"].as_f64().is_some_and(|s| s >= 0.8), "{doc}");
    let alone = server.json("/api/doc/2650212082_1");
    assert_eq!(alone["copies"], serde_json::json!([]));
}
