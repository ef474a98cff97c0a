//! Stories (reposts grouped at index time, `--collapse`, `sou dups`) against brute force,
//! over the news corpus with injected reposts. Release mode, like `tests/corpus.rs`:
//! `cargo test --release --test stories -- --include-ignored`.
//!
//! 600 news articles are reposted 1–10 times each with the edits reposts get: a header
//! or footer of boilerplate, a new title, a sentence dropped or added, punctuation
//! changed, full-width digits, some characters in traditional form. The true Jaccard
//! similarity of 5-character shingles is computed here by brute force, with this file's
//! own normalisation (it undoes exactly the surface edits it made) and its own hashing:
//! nothing of sou's analysis is used.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use common::*;
use serde_json::{json, Value};

/// A deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const HEADERS: &[&str] = &[
    "点击上方蓝字关注我们",
    "转自新华社客户端",
    "来源：人民网，编辑：小李",
    "本文转载自微信公众号“财经观察”，原标题如下，仅供参考，不构成投资建议",
    "【今日头条】",
    "各位读者朋友们大家好，欢迎收看今天的新闻早知道栏目，下面为您带来最新报道",
];

const FOOTERS: &[&str] = &[
    "本文来源：新华社，版权归原作者所有，如有侵权请联系删除。",
    "责任编辑：王芳",
    "（完）",
    "欢迎转发分享，点个在看，你最好看！更多精彩内容请关注本公众号，每天为您推送最有价值的资讯。",
    "免责声明：本文仅代表作者观点，与本平台无关。",
];

const ADDED: &[&str] = &[
    "记者在现场看到，不少市民前来参观。",
    "业内人士表示，这一举措将产生深远影响。",
    "据了解，相关工作正在有序推进中。",
];

/// Simplified → traditional, for the edits (and back, for the normalisation).
const TRAD: &[(char, char)] = &[
    ('国', '國'),
    ('发', '發'),
    ('这', '這'),
    ('说', '說'),
    ('经', '經'),
    ('济', '濟'),
    ('会', '會'),
    ('时', '時'),
    ('与', '與'),
    ('为', '為'),
    ('们', '們'),
    ('进', '進'),
    ('对', '對'),
    ('业', '業'),
    ('长', '長'),
];

const OUTLETS: &[&str] = &["转载号甲", "转载号乙", "聚合资讯", "地方日报", "财经观察", "手机新闻"];

#[derive(Clone)]
struct Article {
    id: String,
    title: String,
    content: String,
    date: String,
    source: String,
    /// The original this is a repost of (itself for an original).
    family: String,
}

fn load(path: &Path) -> Vec<Article> {
    std::fs::read_to_string(path)
        .expect("news.jsonl")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            Article {
                id: s("id"),
                title: s("title"),
                content: s("content"),
                date: s("date"),
                source: s("source"),
                family: s("id"),
            }
        })
        .collect()
}

fn jsonl(docs: &[Article]) -> String {
    docs.iter()
        .map(|d| {
            json!({"id": d.id, "title": d.title, "content": d.content, "date": d.date, "source": d.source}).to_string()
                + "\n"
        })
        .collect()
}

/// A repost of `a` with realistic edits.
fn repost(a: &Article, n: usize, rng: &mut Rng) -> Article {
    let mut text = a.content.clone();
    if rng.chance(40) {
        // A sentence dropped.
        let sentences: Vec<&str> = text.split_inclusive('。').collect();
        if sentences.len() > 3 {
            let drop = rng.below(sentences.len() as u64) as usize;
            text = sentences.iter().enumerate().filter(|(i, _)| *i != drop).map(|(_, s)| *s).collect();
        }
    }
    if rng.chance(30) {
        let at = text.find('。').map_or(0, |i| i + '。'.len_utf8());
        text.insert_str(at, ADDED[rng.below(ADDED.len() as u64) as usize]);
    }
    if rng.chance(50) {
        text = text.replace('，', if rng.chance(50) { "、" } else { "," });
    }
    if rng.chance(30) {
        text = text
            .chars()
            .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap_or(c) } else { c })
            .collect();
    }
    if rng.chance(30) {
        text = text.chars().map(|c| TRAD.iter().find(|(s, _)| *s == c).map_or(c, |(_, t)| *t)).collect();
    }
    if rng.chance(50) {
        text = format!("{}\n{text}", HEADERS[rng.below(HEADERS.len() as u64) as usize]);
    }
    if rng.chance(50) {
        text = format!("{text}\n{}", FOOTERS[rng.below(FOOTERS.len() as u64) as usize]);
    }
    let title = if rng.chance(50) { format!("转载｜{}", a.title) } else { a.title.clone() };
    let day: u64 = rng.below(6);
    let date = shift(&a.date, day);
    Article {
        id: format!("{}-repost-{n}", a.id),
        title,
        content: text,
        date,
        source: OUTLETS[rng.below(OUTLETS.len() as u64) as usize].to_string(),
        family: a.id.clone(),
    }
}

/// `date` (YYYY-MM-DD) moved `days` later, within its month (enough for a repost).
fn shift(date: &str, days: u64) -> String {
    let (head, day) = date.rsplit_once('-').unwrap_or((date, "1"));
    let d: u64 = day.parse().unwrap_or(1);
    format!("{head}-{:02}", (d + days).min(28).max(d))
}

/// Traditional → simplified characters, from OpenCC's table (the corpus itself holds
/// articles in both forms).
fn simplified() -> &'static HashMap<char, char> {
    static T: std::sync::OnceLock<HashMap<char, char>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("data/opencc/TSCharacters.txt")).expect("OpenCC table");
        let mut map: HashMap<char, char> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (k, v) = l.split_once('\t')?;
                let (mut k, mut v) = (k.chars(), v.chars());
                let (from, to) = (k.next()?, v.next()?);
                k.next().is_none().then_some((from, to))
            })
            .collect();
        map.extend(TRAD.iter().map(|&(s, t)| (t, s)));
        map
    })
}

/// The text a document's story is told by: its content, its title when it has none.
fn story_text(d: &Article) -> &str {
    if d.content.trim().is_empty() {
        &d.title
    } else {
        &d.content
    }
}

/// The shingle set of a text: this file's normalisation (full-width forms, traditional
/// characters, Latin case), letters, digits and CJK characters only, 5 characters a
/// shingle, hashed.
fn shingles(text: &str) -> Vec<u64> {
    let t2s = simplified();
    let chars: Vec<char> = text
        .chars()
        .map(|c| {
            let c =
                if ('\u{FF01}'..='\u{FF5E}').contains(&c) { char::from_u32(c as u32 - 0xFEE0).unwrap_or(c) } else { c };
            let c = t2s.get(&c).copied().unwrap_or(c);
            c.to_ascii_lowercase()
        })
        .filter(|c| c.is_alphanumeric())
        .collect();
    let mut set: Vec<u64> = chars
        .windows(5.min(chars.len().max(1)))
        .map(|w| {
            let mut h = DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        0.0
    } else {
        both as f64 / union as f64
    }
}

/// Every pair of documents whose true Jaccard similarity is at least `t`, exactly, by
/// prefix filtering (Chaudhuri et al. 2006): with the shingles of each set ordered
/// rarest first, two sets at ≥ t share one of the first |x| − ⌈t·|x|⌉ + 1 of each.
fn similar_pairs(sets: &[Vec<u64>], t: f64) -> BTreeSet<(usize, usize)> {
    let mut freq: HashMap<u64, usize> = HashMap::new();
    for s in sets {
        for &h in s {
            *freq.entry(h).or_default() += 1;
        }
    }
    let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut pairs = BTreeSet::new();
    for (i, s) in sets.iter().enumerate() {
        let mut ordered = s.clone();
        ordered.sort_by_key(|h| (freq[h], *h));
        let prefix = s.len() - (t * s.len() as f64).ceil() as usize + 1;
        let mut candidates = HashSet::new();
        for h in ordered.iter().take(prefix) {
            let list = index.entry(*h).or_default();
            candidates.extend(list.iter().copied());
            list.push(i);
        }
        for j in candidates {
            if jaccard(&sets[i], &sets[j]) >= t {
                pairs.insert((j.min(i), j.max(i)));
            }
        }
    }
    pairs
}

/// The test corpus: the news articles, 600 of them reposted, as files of `dir`:
/// `news.jsonl` (the articles never reposted), `orig-a.jsonl`, `orig-b.jsonl` (the
/// reposted originals, in two halves) and `reposts-1..3.jsonl`.
struct Corpus {
    docs: Vec<Article>,
    files: BTreeMap<String, Vec<Article>>,
}

fn corpus() -> Corpus {
    let news = load(&corpus_dir().join("news.jsonl"));
    let mut rng = Rng(0x5EED_2026);
    let mut files: BTreeMap<String, Vec<Article>> = BTreeMap::new();
    let mut docs = Vec::new();
    let mut chosen = 0;
    for a in &news {
        let pick = chosen < 600 && a.content.chars().count() >= 120 && rng.chance(10);
        docs.push(a.clone());
        if !pick {
            files.entry("news.jsonl".into()).or_default().push(a.clone());
            continue;
        }
        chosen += 1;
        let half = if chosen % 2 == 0 { "orig-a.jsonl" } else { "orig-b.jsonl" };
        files.entry(half.into()).or_default().push(a.clone());
        for n in 0..1 + rng.below(10) as usize {
            let r = repost(a, n, &mut rng);
            files.entry(format!("reposts-{}.jsonl", 1 + rng.below(3))).or_default().push(r.clone());
            docs.push(r);
        }
    }
    assert_eq!(chosen, 600);
    Corpus { docs, files }
}

fn write_files(dir: &Path, files: &BTreeMap<String, Vec<Article>>) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, docs) in files {
        std::fs::write(dir.join(name), jsonl(docs)).unwrap();
    }
}

/// Every document's story, from `search --fields id,story` over everything.
fn stories_of(index: &Path) -> HashMap<String, String> {
    let (code, out, err) =
        run(index, &["search", "--since", "1900", "--format", "tsv", "--fields", "id,story", "-n", "1000000"]);
    assert_eq!(code, 0, "{err}");
    out.lines().filter_map(|l| l.split_once('\t')).map(|(id, story)| (id.to_string(), story.to_string())).collect()
}

fn index(index: &Path, args: &[&str]) {
    let (code, _, err) = run(index, &[&["index", "-q"], args].concat());
    assert_eq!(code, 0, "{err}");
}

#[test]
#[ignore = "release-mode corpus test: cargo test --release -- --include-ignored"]
fn stories_match_brute_force_similarity() {
    let c = corpus();
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    write_files(&src, &c.files);
    let idx = tmp.path().join("index");
    index(&idx, &[src.to_str().unwrap()]);
    let story = stories_of(&idx);
    assert_eq!(story.len(), c.docs.len(), "every document listed with its story");

    let sets: Vec<Vec<u64>> = c.docs.iter().map(|d| shingles(story_text(d))).collect();
    let at: HashMap<&str, usize> = c.docs.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
    let same = |i: usize, j: usize| story[&c.docs[i].id] == story[&c.docs[j].id];

    // Recall: pairs at ≥ 0.8 (anywhere in the corpus) share a story.
    let truth = similar_pairs(&sets, 0.8);
    let found = truth.iter().filter(|&&(i, j)| same(i, j)).count();
    let recall = found as f64 / truth.len() as f64;
    eprintln!("pairs with true Jaccard ≥ 0.8: {}; sharing a story: {found} ({:.2}%)", truth.len(), recall * 100.0);
    assert!(truth.len() > 1000, "the injected reposts make many similar pairs");
    assert!(recall >= 0.95, "recall {recall:.4}");

    // Precision: pairs sharing a story are similar.
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (id, s) in &story {
        members.entry(s.as_str()).or_default().push(at[id.as_str()]);
    }
    let (mut shared, mut close, mut foreign) = (0usize, 0usize, Vec::new());
    for m in members.values() {
        for (x, &i) in m.iter().enumerate() {
            for &j in &m[x + 1..] {
                shared += 1;
                let jac = jaccard(&sets[i], &sets[j]);
                close += usize::from(jac >= 0.7);
                if c.docs[i].family != c.docs[j].family && jac < 0.5 {
                    foreign.push((c.docs[i].id.clone(), c.docs[j].id.clone(), jac));
                }
            }
        }
    }
    let precision = close as f64 / shared as f64;
    eprintln!("pairs sharing a story: {shared}; at true Jaccard ≥ 0.7: {close} ({:.2}%)", precision * 100.0);
    assert!(precision >= 0.97, "precision {precision:.4}");
    assert!(foreign.is_empty(), "unrelated articles merged: {foreign:?}");
    // Each story is led by its first copy: the original (reposts are dated on or after).
    for a in c.docs.iter().filter(|d| d.family != d.id) {
        let leader = &story[&a.id];
        if let Some(&l) = at.get(leader.as_str()) {
            assert!(c.docs[l].date <= a.date, "{} leads {} but is later", leader, a.id);
        }
    }

    // Counts over a query: --count, --by source and --histogram with --collapse equal
    // what the listing of every match and its story says.
    let q = "中国";
    let (code, out, err) =
        run(&idx, &["search", q, "--format", "tsv", "--fields", "id,date,source,story", "-n", "1000000"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    let stories: BTreeSet<&str> = rows.iter().map(|r| r[3]).collect();
    let (_, n, _) = run(&idx, &["search", q, "--count", "--collapse"]);
    assert_eq!(n.trim(), stories.len().to_string());
    let (_, page, _) = run(&idx, &["search", q, "--json", "-n", "100000", "--collapse"]);
    let hits: Vec<Value> = page.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    let told: BTreeSet<&str> = hits.iter().map(|h| h["story"].as_str().unwrap_or("")).collect();
    assert_eq!(told, stories);
    let copies: u64 = hits.iter().map(|h| h["copies"].as_u64().unwrap_or(0)).sum();
    assert_eq!(copies as usize, rows.len(), "the copies add up to the matches");
    let mut per_source: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut first: BTreeMap<&str, (&str, &str, &str)> = BTreeMap::new();
    for r in &rows {
        per_source.entry(r[2]).or_default().insert(r[3]);
        // The first copy: the earliest, then the smallest id.
        let f = first.entry(r[3]).or_insert((r[1], r[2], r[0]));
        if (r[1], r[0]) < (f.0, f.2) {
            *f = (r[1], r[2], r[0]);
        }
    }
    for h in &hits {
        let s = h["story"].as_str().unwrap_or("");
        assert_eq!(h["first_date"].as_str(), Some(first[s].0), "{h}");
    }
    let counts = |key: &str, args: &[&str]| -> BTreeMap<String, u64> {
        let (code, out, err) = run(&idx, &[&["search", q, "--collapse", "--json"], args].concat());
        assert_eq!(code, 0, "{err}");
        out.lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("json"))
            .map(|v| (v[key].as_str().unwrap_or("").to_string(), v["count"].as_u64().unwrap_or(0)))
            .collect()
    };
    let expected: BTreeMap<String, u64> = per_source.iter().map(|(s, v)| (s.to_string(), v.len() as u64)).collect();
    assert_eq!(counts("source", &["--by", "source"]), expected);
    let mut months: BTreeMap<String, u64> = BTreeMap::new();
    let mut firsts: BTreeMap<String, u64> = BTreeMap::new();
    for (d, s, _) in first.values() {
        *months.entry(d[..7].to_string()).or_default() += 1;
        *firsts.entry(s.to_string()).or_default() += 1;
    }
    let histogram: BTreeMap<String, u64> = counts("period", &["--histogram", "month"])
        .into_iter()
        .filter(|(k, n)| *n > 0 || months.contains_key(k))
        .collect();
    assert_eq!(histogram, months);
    assert_eq!(counts("first-source", &["--by", "first-source"]), firsts);

    // A short page (its stories read off the best hits, only they tallied) is exactly
    // the head of the listing of every story, copies and first copies included, with or
    // without the total a table prints.
    let said = |v: &Value| ["id", "story", "copies", "first_date", "first_source"].map(|k| v[k].to_string()).join(" ");
    for q in ["中国", "上海", "芯片", "人工智能", "华为 OR 手机"] {
        let (_, all, _) = run(&idx, &["search", q, "--json", "-n", "100000", "--collapse"]);
        let all: Vec<String> = all.lines().map(|l| said(&serde_json::from_str(l).expect("json"))).collect();
        for (offset, limit) in [(0, 10), (5, 20)] {
            let (code, page, err) = run(
                &idx,
                &["search", q, "--json", "--collapse", "-n", &limit.to_string(), "--offset", &offset.to_string()],
            );
            assert_eq!(code, 0, "{err}");
            let page: Vec<String> = page.lines().map(|l| said(&serde_json::from_str(l).expect("json"))).collect();
            let head: Vec<String> = all.iter().skip(offset).take(limit).cloned().collect();
            assert_eq!(page, head, "{q} --offset {offset} -n {limit}");
        }
        let (_, table, _) = run(&idx, &["search", q, "--format", "table", "--collapse", "-n", "3"]);
        assert!(table.contains(&all.len().to_string()), "the table's total counts the stories of {q}: {table}");
    }
}

#[test]
#[ignore = "release-mode corpus test: cargo test --release -- --include-ignored"]
fn incremental_updates_group_as_a_fresh_build() {
    let c = corpus();
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    write_files(&src, &c.files);
    let idx = tmp.path().join("incremental");
    index(&idx, &[src.to_str().unwrap()]);
    let before = stories_of(&idx);

    // Half the originals go (their stories need new leaders), one file of reposts is
    // edited (some copies rewritten, some gone), another file of copies arrives.
    std::fs::remove_file(src.join("orig-b.jsonl")).unwrap();
    let mut third = c.files["reposts-3.jsonl"].clone();
    let mut rng = Rng(77);
    third.retain(|_| !rng.chance(20));
    for d in third.iter_mut().filter(|_| rng.chance(20)) {
        d.content = d.content.chars().rev().collect();
    }
    let fourth: Vec<Article> =
        c.files["orig-a.jsonl"].iter().take(100).enumerate().map(|(i, a)| repost(a, 100 + i, &mut rng)).collect();
    let mut changed = BTreeMap::new();
    changed.insert("reposts-3.jsonl".to_string(), third);
    changed.insert("reposts-4.jsonl".to_string(), fourth);
    write_files(&src, &changed);
    index(&idx, &["--prune", src.to_str().unwrap()]);
    let after = stories_of(&idx);

    let fresh = tmp.path().join("fresh");
    index(&fresh, &[src.to_str().unwrap()]);
    let scratch = stories_of(&fresh);
    assert_eq!(after.len(), scratch.len());
    let differ: Vec<_> = scratch.iter().filter(|(id, s)| after.get(*id) != Some(*s)).take(5).collect();
    assert!(differ.is_empty(), "documents grouped otherwise than by a fresh build: {differ:?}");
    // The update did move documents: leaders gone, copies added.
    let moved = after.iter().filter(|(id, s)| before.get(*id).is_some_and(|b| b != *s)).count();
    assert!(moved > 50, "{moved} documents changed story");
    assert!(after.values().any(|s| s.contains("-repost-")), "a repost now leads a story");
}
