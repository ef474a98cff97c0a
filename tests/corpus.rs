//! Release-mode tests over the real corpora of `../shared/bench/make-corpus` (7,353 news
//! articles and 311,855 classical poems in traditional characters). Ignored by the
//! everyday `cargo test`; run with `cargo test --release -- --include-ignored`.
//!
//! The corpora are built into `target/corpus/` on first use (or taken from
//! `SOU_CORPUS`), and indexed once per run into a temporary directory.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use serde_json::Value;
use sou::analysis::chars::{classify, Class};
use sou::analysis::fold::fold;

/// One corpus document, folded for the expected-set computation.
struct Doc {
    id: String,
    title: String,
    /// The text as written.
    content: String,
    text: String,
    /// Title, content and author, each folded.
    fields: [String; 3],
}

fn load(path: &Path) -> Vec<Doc> {
    std::fs::read_to_string(path)
        .expect("corpus file")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("corpus line is JSON");
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            // Every searched field: title, content and (poetry) author.
            let fields = [fold(&s("title")), fold(&s("content")), fold(&s("author"))];
            let text = fields.join("\n");
            Doc { id: s("id"), title: s("title"), content: s("content"), text, fields }
        })
        .collect()
}

struct Corpus {
    _dir: tempfile::TempDir,
    index: PathBuf,
    docs: Vec<Doc>,
}

fn corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| {
        let src = corpus_dir();
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        let news = src.join("news.jsonl");
        let poetry = src.join("poetry.jsonl");
        let (code, _, err) = run(&index, &["index", news.to_str().unwrap(), poetry.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        eprintln!("{err}");
        let mut docs = load(&news);
        docs.extend(load(&poetry));
        Corpus { _dir: dir, index, docs }
    })
}

/// Whether folded `hay` contains folded `lit` the way `grep` (CJK) / `rg -iw` (letters
/// and digits) would: a literal starting or ending with a letter/digit must not
/// continue a longer word there.
fn contains_literal(hay: &str, lit: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| classify(c) == Class::Word);
    let first_word = word(lit.chars().next());
    let last_word = word(lit.chars().last());
    let mut from = 0;
    while let Some(i) = hay[from..].find(lit) {
        let s = from + i;
        let e = s + lit.len();
        let before_ok = !first_word || !word(hay[..s].chars().last());
        let after_ok = !last_word || !word(hay[e..].chars().next());
        let ok = before_ok && after_ok;
        if ok {
            return true;
        }
        from = s + lit.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Queries of every kind the literal-recall issue names.
const QUERIES: &[&str] = &[
    // words of every frequency
    "上海",
    "北京",
    "经济",
    "银行",
    "疫苗",
    "机器人",
    "互联网",
    "房地产",
    "新能源",
    "人工智能",
    "自动驾驶",
    "一带一路",
    "股市",
    "中国人民银行",
    "供给侧结构性改革",
    "习近平",
    "区块链",
    "共享单车",
    "贸易战",
    "粤港澳大湾区",
    // substrings that cross jieba word boundaries
    "创中心",
    "人民共和国",
    "民共和",
    "能汽车",
    "工智",
    "济增长",
    "大数据中",
    "化改革",
    "展的",
    "的发展",
    // one character
    "鲸",
    "龘",
    "月",
    "霜",
    "股",
    // Latin, digits and mixed
    "AI",
    "ai",
    "app",
    "iPhone",
    "5G",
    "CEO",
    "GDP",
    "2018",
    "P2P",
    "5G网络",
    "iPhone手机",
    "A股",
    "3D打印",
    // full-width and case variants
    "ＡＩ",
    "ＧＤＰ",
    "Ａ股",
    "iphone",
    // traditional over simplified news, simplified over traditional poetry
    "經濟",
    "銀行",
    "人工智慧",
    "習近平",
    "静夜思",
    "床前明月光",
    "举头望明月",
    "白日依山尽",
    "春眠不觉晓",
    "国破山河在",
    // traditional query over traditional poetry
    "靜夜思",
    "長安",
    // symbols and emoji inside literals count (C++ is not C, AI+ is not AI)
    "%",
    "5%",
    "50%",
    "℃",
    "38℃",
    "@",
    "#",
    "&",
    "+",
    "×",
    "→",
    "★",
    "°",
    "C++",
    "C#",
    "AI+",
    "R&D",
    "上海😀",
    "😀",
    "＋",
];

/// Queries with operators, ASCII and full-width, and their truth as set algebra over
/// literals: documents containing one of `any` (when given), all of `all`, none of `not`.
struct Compound {
    query: &'static str,
    any: &'static [&'static str],
    all: &'static [&'static str],
    not: &'static [&'static str],
}

const COMPOUND: &[Compound] = &[
    Compound { query: "张江　ＯＲ　临港", any: &["张江", "临港"], all: &[], not: &[] },
    Compound {
        query: "上海 OR 北京 经济 -房地产", any: &["上海", "北京"], all: &["经济"], not: &["房地产"]
    },
    Compound {
        query: "（上海　ＯＲ　北京）　经济　－房地产",
        any: &["上海", "北京"],
        all: &["经济"],
        not: &["房地产"],
    },
    Compound { query: "芯片 -(华为 OR 高通)", any: &[], all: &["芯片"], not: &["华为", "高通"] },
    Compound { query: "＂人工智能＂ 机器人", any: &[], all: &["人工智能", "机器人"], not: &[] },
    Compound { query: "(C++ OR Java) 程序", any: &["C++", "java"], all: &["程序"], not: &[] },
    Compound { query: "明月 －(故鄉 ＯＲ 思鄉)", any: &[], all: &["明月"], not: &["故乡", "思乡"] },
];

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn every_literal_finds_exactly_the_documents_containing_it() {
    let c = corpus();
    let mut failures = Vec::new();
    for q in QUERIES {
        let lit = fold(q);
        let want: HashSet<&str> =
            c.docs.iter().filter(|d| contains_literal(&d.text, &lit)).map(|d| d.id.as_str()).collect();
        let (code, out, err) = run(&c.index, &["search", q, "--count"]);
        assert!(code == 0 || code == 1, "{q}: {err}");
        let got_count: usize = out.trim().parse().unwrap();
        if got_count != want.len() {
            failures.push(format!("{q}: sou counts {got_count}, substring search finds {}", want.len()));
            continue;
        }
        if want.len() <= 20_000 {
            let (_, out, _) = run(&c.index, &["search", q, "--format", "tsv", "-n", "20000"]);
            let got: HashSet<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
            if got != want {
                let missing: Vec<_> = want.difference(&got).take(5).collect();
                let extra: Vec<_> = got.difference(&want).take(5).collect();
                failures.push(format!("{q}: missing {missing:?}, extra {extra:?}"));
            }
        }
        eprintln!("{q}\t{}", want.len());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn operators_in_ascii_or_full_width_combine_exact_literal_sets() {
    let c = corpus();
    let mut failures = Vec::new();
    for q in COMPOUND {
        let has = |d: &Doc, l: &str| contains_literal(&d.text, &fold(l));
        let want: HashSet<&str> = c
            .docs
            .iter()
            .filter(|d| q.any.is_empty() || q.any.iter().any(|l| has(d, l)))
            .filter(|d| q.all.iter().all(|l| has(d, l)))
            .filter(|d| !q.not.iter().any(|l| has(d, l)))
            .map(|d| d.id.as_str())
            .collect();
        let (code, out, err) = run(&c.index, &["search", q.query, "--format", "ids", "-n", "1000000"]);
        assert!(code == 0 || code == 1, "{}: {err}", q.query);
        let got: HashSet<&str> = out.lines().collect();
        if got != want {
            let missing: Vec<_> = want.difference(&got).take(5).collect();
            let extra: Vec<_> = got.difference(&want).take(5).collect();
            failures.push(format!(
                "{}: {} vs {}: missing {missing:?}, extra {extra:?}",
                q.query,
                got.len(),
                want.len()
            ));
        }
        eprintln!("{}\t{}", q.query, want.len());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn queries_in_either_script_width_or_case_return_the_same_set() {
    let c = corpus();
    for group in [
        &["AI", "ai", "ＡＩ", "Ai"][..],
        &["静夜思", "靜夜思"],
        &["经济", "經濟"],
        &["iPhone", "IPHONE", "ｉＰｈｏｎｅ"],
    ] {
        let sets: Vec<String> =
            group.iter().map(|q| run(&c.index, &["search", q, "--format", "tsv", "-n", "100000"]).1).collect();
        let ids = |s: &String| s.lines().map(|l| l.split('\t').next().unwrap().to_string()).collect::<HashSet<_>>();
        for s in &sets[1..] {
            assert_eq!(ids(s), ids(&sets[0]), "{group:?}");
        }
        assert!(!ids(&sets[0]).is_empty(), "{group:?}");
    }
}

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn title_words_put_the_article_first() {
    let c = corpus();
    let report = known_item(c);
    eprintln!("known-item: {} queries, success@1 {:.3}, MRR {:.3}", report.0, report.1, report.2);
    assert!(report.0 >= 100);
    assert!(report.1 >= 0.90, "success@1 {:.3} < 0.90", report.1);
}

/// Known-item queries: for every 70th news article, its three longest title words.
fn known_item_queries(docs: &[Doc]) -> Vec<(String, String)> {
    let dict = sou::analysis::dictionary::Dictionary::default();
    let jieba = dict.full_jieba();
    let mut out = Vec::new();
    for d in docs.iter().filter(|d| d.id.starts_with("inews-")).step_by(70) {
        let title = fold(&d.title);
        let mut words: Vec<(usize, String)> = sou::analysis::words::words(&jieba, &title)
            .into_iter()
            .enumerate()
            .filter(|(_, w)| w.chars().count() >= 2)
            .collect();
        words.sort_by(|a, b| b.1.chars().count().cmp(&a.1.chars().count()).then(a.0.cmp(&b.0)));
        words.dedup_by(|a, b| a.1 == b.1);
        let mut pick: Vec<(usize, String)> = words.into_iter().take(3).collect();
        if pick.len() < 2 {
            continue;
        }
        pick.sort();
        out.push((d.id.clone(), pick.into_iter().map(|(_, w)| w).collect::<Vec<_>>().join(" ")));
    }
    out
}

fn known_item(c: &Corpus) -> (usize, f64, f64) {
    let queries = known_item_queries(&c.docs);
    let mut lines = String::new();
    let (mut first, mut rr) = (0usize, 0f64);
    for (id, q) in &queries {
        let (_, out, _) = run(&c.index, &["search", q, "--format", "tsv", "-n", "10"]);
        let rank = out.lines().position(|l| l.split('\t').next() == Some(id.as_str()));
        if rank == Some(0) {
            first += 1;
        }
        rr += rank.map_or(0.0, |r| 1.0 / (r + 1) as f64);
        lines.push_str(&format!("{id}\t{q}\n"));
    }
    // Kept for the side-by-side comparison with SQLite FTS5 (bench/known-item.py).
    let _ = std::fs::write(root().join("target/known-item-queries.tsv"), lines);
    let n = queries.len();
    (n, first as f64 / n as f64, rr / n as f64)
}

/// Whether `field` (folded) holds `lit` spanning whole words of jieba's segmentation of
/// the field (jieba-rs with its default dictionary, the field cut in one piece: computed
/// here, independently of sou's chunked tokenizer).
fn whole_word_in(jieba: &jieba_rs::Jieba, field: &str, lit: &str) -> bool {
    if !field.contains(lit) {
        return false;
    }
    let mut bounds = vec![0, field.len()];
    for t in jieba.cut(field, true) {
        bounds.push(t.byte_start);
        bounds.push(t.byte_end);
    }
    field.match_indices(lit).any(|(s, _)| bounds.contains(&s) && bounds.contains(&(s + lit.len())))
}

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn whole_word_queries_equal_an_independent_segmentation() {
    let c = corpus();
    let jieba = jieba_rs::Jieba::new();
    let mut failures = Vec::new();
    for q in
        ["华为", "中国", "人民", "发展", "上海", "明月", "智能", "华为手机", "国家主席", "为了", "人工智能产业", "长安"]
    {
        let lit = fold(q);
        let want: HashSet<&str> = c
            .docs
            .iter()
            .filter(|d| d.fields.iter().any(|f| whole_word_in(&jieba, f, &lit)))
            .map(|d| d.id.as_str())
            .collect();
        let (code, out, err) = run(&c.index, &["search", q, "-w", "--format", "ids", "-n", "1000000"]);
        assert!(code == 0 || code == 1, "{q}: {err}");
        let got: HashSet<&str> = out.lines().collect();
        let (_, all, _) = run(&c.index, &["search", q, "--count"]);
        eprintln!("{q}\t-w {}\tall {}", want.len(), all.trim());
        if got != want {
            let missing: Vec<_> = want.difference(&got).take(5).collect();
            let extra: Vec<_> = got.difference(&want).take(5).collect();
            failures.push(format!("{q}: sou {} vs {}: missing {missing:?}, extra {extra:?}", got.len(), want.len()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn concordance_counts_equal_an_independent_scan_of_the_articles() {
    let c = corpus();
    for q in ["孵化器", "芯片", "人工智能", "明月", "長安"] {
        let lit = fold(q);
        let (mut lines, mut docs) = (0, 0);
        for d in &c.docs {
            let n = d.fields[1].matches(lit.as_str()).count();
            lines += n;
            docs += usize::from(n > 0);
        }
        let (code, out, err) = run(&c.index, &["kwic", q, "--count"]);
        assert!(code == 0 || code == 1, "{q}: {err}");
        assert_eq!(out.trim(), format!("{lines}\t{docs}"), "{q}");
        eprintln!("{q}\t{lines} occurrences in {docs} articles");
    }
}

/// Queries whose best hits are found by pruning (literals that are one word) and others.
const RANKED: &[&str] = &[
    "上海",
    "机器人",
    "人工智能",
    "的",
    "创中心",
    "iPhone",
    "芯片",
    "上海 经济",
    "张江 OR 临港",
    "经济 -房地产",
    "中国人民银行",
    "房价",
    "足球 比赛",
    "title:上海",
    "人工智能 机器人",
    "上海 OR 北京 经济",
    "明月",
    "長安",
    "春风",
    "白日依山尽",
];

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn the_best_hits_are_those_of_scoring_every_match() {
    let c = corpus();
    for q in RANKED {
        // A short page is found by pruning; a page past 10,000 hits scores every match.
        let top = |n: &str| -> Vec<(String, String)> {
            let (code, out, err) = run(&c.index, &["search", q, "--json", "-n", n]);
            assert!(code == 0 || code == 1, "{q}: {err}");
            out.lines()
                .take(20)
                .map(|l| {
                    let v: Value = serde_json::from_str(l).expect("json");
                    (v["id"].as_str().expect("id").to_string(), v["score"].to_string())
                })
                .collect()
        };
        let (short, all) = (top("20"), top("1000000"));
        assert_eq!(short, all, "{q}");
        assert!(!short.is_empty(), "{q} matches something");
    }
}

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn every_column_equals_the_input_record_for_every_news_document() {
    let c = corpus();
    let news = std::fs::read_to_string(corpus_dir().join("news.jsonl")).expect("news");
    let want: std::collections::HashMap<String, Value> = news
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .map(|v| (v["id"].as_str().expect("id").to_string(), v))
        .collect();
    // `的` and `-的` together are every document.
    let mut seen = 0;
    for q in ["的", "-的"] {
        let fields = "id,date,source,title,url,author,path";
        let (code, out, err) = run(&c.index, &["search", q, "--format", "tsv", "--fields", fields, "-n", "1000000"]);
        assert_eq!(code, 0, "{err}");
        for line in out.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            let Some(v) = want.get(cols[0]) else { continue };
            seen += 1;
            let s = |k: &str| v[k].as_str().unwrap_or("").trim().to_string();
            assert_eq!(cols[1], s("date"), "{line}");
            assert_eq!(cols[2], s("source"), "{line}");
            // As TSV prints it: one line, white space runs as one space.
            assert_eq!(cols[3], sou::sanitize::clean(&sou::ingest::one_line(&s("title"))), "{line}");
            assert_eq!(cols[4], s("url"), "{line}");
            assert_eq!(cols[5], s("author"), "{line}");
            assert!(cols[6].ends_with("news.jsonl"), "{line}");
        }
    }
    assert_eq!(seen, want.len(), "every news document listed once");
}

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn keywords_equal_an_independent_count_of_the_tagged_texts_of_the_corpora() {
    let c = corpus();
    let jieba = jieba_rs::Jieba::new();
    let df = common::keywords::content_doc_freq(&jieba, c.docs.iter().map(|d| d.content.as_str()));
    let by_id: std::collections::HashMap<&str, &Doc> = c.docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let n = c.docs.len() as u64;
    for (query, args) in [
        ("芯片", vec![]),
        ("疫苗", vec![]),
        ("房地产", vec![]),
        ("足球", vec![]),
        ("世界杯", vec![]),
        ("人工智能", vec![]),
        ("上海 经济", vec![]),
        ("新能源", vec!["--since", "2019"]),
        ("長安", vec![]),
        ("白日", vec![]),
    ] {
        let matching = all_ids(&c.index, query, &args);
        assert!(!matching.is_empty() && matching.len() <= 5000, "{query}: {} matches", matching.len());
        let read: Vec<(&str, &str)> = matching
            .iter()
            .map(|id| (by_id[id.as_str()].title.as_str(), by_id[id.as_str()].content.as_str()))
            .collect();
        let exclude: Vec<String> = query.split(' ').map(fold).collect();
        let want = common::keywords::keywords(&jieba, &read, read.len(), n, &df, true, &exclude, 30);
        let mut a = vec!["keywords", query, "--json", "-n", "30"];
        a.extend(args.iter().copied());
        let (code, got, err) = run(&c.index, &a);
        assert_eq!(code, 0, "{query}: {err}");
        common::keywords::same(&common::keywords::parse(&got), &want).unwrap_or_else(|e| panic!("{query}: {e}"));
        eprintln!("{query}: {} words, the first {:?}", want.len(), want.first().map(|k| &k.word));
    }
}

/// The expression of `a` then `b` with at most `n` characters between, no line break
/// among them (Python's `re.search(A.{0,n}B)`), or, unordered, either way round.
fn near_by_regex(a: &str, b: &str, n: u32, ordered: bool) -> regex::Regex {
    let (a, b) = (regex::escape(a), regex::escape(b));
    let pattern = if ordered { format!("{a}.{{0,{n}}}{b}") } else { format!("{a}.{{0,{n}}}{b}|{b}.{{0,{n}}}{a}") };
    regex::Regex::new(&pattern).expect("pattern")
}

/// The ids of every document `query` finds against `want`: what differs, if anything.
fn mismatch(index: &Path, query: &str, want: &HashSet<&str>) -> Option<String> {
    let (code, out, err) = run(index, &["search", query, "--format", "ids", "-n", "10000000"]);
    assert!(code == 0 || code == 1, "{query}: {err}");
    let got: HashSet<&str> = out.lines().collect();
    eprintln!("{query}\t{}", want.len());
    (got != *want).then(|| {
        let missing: Vec<_> = want.difference(&got).take(3).collect();
        let extra: Vec<_> = got.difference(want).take(3).collect();
        format!("{query}: sou {} vs {}: missing {missing:?}, extra {extra:?}", got.len(), want.len())
    })
}

/// Whether one of `fields` has a sentence (or, `paragraphs`, a line) holding both.
fn in_one_piece(fields: &[String; 3], a: &str, b: &str, paragraphs: bool) -> bool {
    let ends = if paragraphs { regex::Regex::new("\n") } else { regex::Regex::new(r"[。!?;…\n]|\.\.+") };
    let ends = ends.expect("pattern");
    fields.iter().any(|f| ends.split(f).any(|piece| piece.contains(a) && piece.contains(b)))
}

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn proximity_equals_a_regular_expression_and_a_sentence_split_of_the_folded_text() {
    let c = corpus();
    let pairs = [
        ("华为", "芯片"),
        ("上海", "经济"),
        ("人工智能", "发展"),
        ("中国", "美国"),
        ("公司", "市场"),
        ("记者", "表示"),
        ("北京", "时间"),
        ("明月", "故乡"),
        ("春风", "花"),
        ("山", "水"),
        ("酒", "月"),
        ("江", "舟"),
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut check = |query: String, want: HashSet<&str>| {
        checked += 1;
        failures.extend(mismatch(&c.index, &query, &want));
    };
    for (a, b) in pairs {
        for n in [0, 3, 10, 40] {
            let re = near_by_regex(a, b, n, false);
            let want =
                c.docs.iter().filter(|d| d.fields.iter().any(|f| re.is_match(f))).map(|d| d.id.as_str()).collect();
            check(format!("{a} NEAR/{n} {b}"), want);
        }
        let re = near_by_regex(a, b, 5, true);
        let want = c.docs.iter().filter(|d| d.fields.iter().any(|f| re.is_match(f))).map(|d| d.id.as_str()).collect();
        check(format!("{a} BEFORE/5 {b}"), want);
        for (op, paragraphs) in [("SENT", false), ("PARA", true)] {
            let want =
                c.docs.iter().filter(|d| in_one_piece(&d.fields, a, b, paragraphs)).map(|d| d.id.as_str()).collect();
            check(format!("{a} {op} {b}"), want);
        }
    }
    assert!(checked >= 40 + 24);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Regular expressions of every kind the query language takes: literals the index can
/// look up, classes, bounded repeats, alternation, anchors, `\d`, Latin, traditional
/// characters (folded), and expressions with no Chinese text at all (a full scan).
const EXPRESSIONS: &[&str] = &[
    r"华为.{0,6}芯片",
    r"\d+亿元",
    r"[乌烏]克[兰蘭]",
    r"^人民日报",
    r"上海|北京",
    r"(上海|北京)市.{0,3}政府",
    r"人工智能",
    r"人工智能|机器人",
    r"中国.{0,2}美国",
    r"\d{4}年\d{1,2}月",
    r"第[一二三四五]季度",
    r"[0-9]+(\.[0-9]+)?%",
    r"同比增长\d+(\.\d+)?%",
    r"iphone\s*\d+",
    r"(?:ai|5g)",
    r"记者.{0,10}报道",
    r"^\s*记者",
    r"。$",
    r"^[^，。]{0,5}表示",
    r"公司.{0,20}上市",
    r"习近平|李克强",
    r"新冠(病毒|肺炎|疫情)",
    r"房价.{0,4}(上涨|下跌)",
    r"\d+\s*万人",
    r"[一-龥]{2}大学",
    r"(北京|上海|广州|深圳)大学",
    r"足球|篮球|排球",
    r"诈骗.{0,8}\d+元",
    r"(?i)APP",
    r"微信.{0,3}公众号",
    r"明月",
    r"^床前",
    r"[春秋]风",
    r"白日.{0,5}山",
    r"國破山河在",
    r"(江|河|湖|海)上",
    r"千里.{0,4}万里",
    r"不见.{0,6}人",
    r"^[^\n]{0,4}月",
    r"酒.月|月.酒",
    r"孤帆",
    r"花落.{0,3}(多少|知多少)",
    r"[东南西北]风",
    r"一.一.",
    r"故人.{0,10}(西|东)",
    r"\d",
    r"浔阳江头",
    r"长安.{0,2}(一片|月)",
    r"桃花.{1,8}流水",
    r"(夜|晚).{0,3}钟声",
    r"黄河.{0,10}入海",
    r"^(明月|清风)",
];

#[test]
#[ignore = "large corpus: cargo test --release -- --include-ignored"]
fn regular_expressions_find_exactly_the_documents_a_scan_of_the_folded_text_finds() {
    let c = corpus();
    let mut failures = Vec::new();
    for source in EXPRESSIONS {
        // The scan: the expression on each folded field, case-insensitive, `^`/`$` at
        // line ends, as the README says sou runs it.
        let folded: String = source
            .chars()
            .flat_map(|ch| if ch.is_ascii() { vec![ch] } else { fold(&ch.to_string()).chars().collect() })
            .collect();
        let re = regex::RegexBuilder::new(&folded).case_insensitive(true).multi_line(true).build().expect("pattern");
        let want: HashSet<&str> =
            c.docs.iter().filter(|d| d.fields.iter().any(|f| re.is_match(f))).map(|d| d.id.as_str()).collect();
        failures.extend(mismatch(&c.index, &format!("/{source}/"), &want));
    }
    assert!(EXPRESSIONS.len() >= 50);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
