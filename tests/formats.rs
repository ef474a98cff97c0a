//! The formats analysts have beside JSON, CSV and text: compressed streams, zip and tar
//! archives (with hostile members), saved web pages (GBK too), feeds, web archives,
//! PDFs and Word files. Every fixture is built here, by independent writers (the
//! compression crates, `zip`, `tar`, `rsvg-convert` for PDFs), and for each one the
//! test checks the document count, title, date, source, a phrase of the body, and that
//! the boilerplate around it (scripts, navigation, ads) is not searchable.

mod common;

use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::run;
use serde_json::Value;

/// A fresh directory with an index and input files.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Sandbox { dir: tempfile::tempdir().expect("tempdir") }
    }
    fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.path(name);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(&p, bytes).expect("write");
        p.display().to_string()
    }
    fn sou(&self, args: &[&str]) -> (i32, String, String) {
        run(&self.index(), args)
    }
    /// `sou index ARGS`, which must succeed; its stderr.
    fn index_ok(&self, args: &[&str]) -> String {
        let mut all = vec!["index"];
        all.extend_from_slice(args);
        let (code, _, err) = self.sou(&all);
        assert_eq!(code, 0, "sou index {args:?}: {err}");
        err
    }
    fn hits(&self, query: &str) -> Vec<Value> {
        let (_, out, err) = self.sou(&["search", query, "--json", "-n", "1000"]);
        out.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l} ({err})"))).collect()
    }
    fn count(&self, query: &str) -> usize {
        let (_, out, err) = self.sou(&["search", query, "--count"]);
        out.trim().parse().unwrap_or_else(|_| panic!("count of {query}: {out} {err}"))
    }
    /// The one document whose id is `id`.
    fn doc(&self, id: &str) -> Value {
        let (code, out, err) = self.sou(&["show", id, "--json"]);
        assert_eq!(code, 0, "show {id}: {err}");
        serde_json::from_str(&out).expect("show json")
    }
}

/// A news page as sites publish it: navigation, a header, scripts (an analytics
/// snippet), an ad, related links, comments and a footer around the article.
fn news_page(title: &str, site: &str, date: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<title>{title} - {site}</title>
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}">
<link rel="canonical" href="https://news.example.cn/2025/{date}/a.html">
<script>var _hmt = _hmt || []; /* 埋点统计代码 */</script>
<style>.nav {{ color: red }}</style>
</head><body>
<div class="header"><nav><a href="/">首页</a> <a href="/gn">国内频道</a> <a href="/gj">国际频道</a> <a href="/cj">财经频道</a></nav></div>
<div class="ad">广告位招租热线</div>
<div class="main"><article>
<h1>{title}</h1>
<div class="info">{date} 来源：{site}</div>
{body}</article>
<div class="related"><h3>相关阅读</h3><ul><li><a href="/x1">另一条无关新闻标题一</a></li><li><a href="/x2">另一条无关新闻标题二</a></li></ul></div>
<div class="comments"><h3>网友评论</h3><p>网友留言沙发抢到了</p></div>
</div>
<footer><p>版权所有 示例网站 京ICP备00000000号</p></footer>
<script>document.write("动态插入的脚本文字");</script>
</body></html>"#
    )
}

const PARAS: &[&str] = &[
    "记者从国家发展改革委获悉，今年一季度全国新开工重大项目数量同比增长，投资结构持续优化，高技术制造业投资保持较快增长。",
    "有关负责人表示，下一步将加快推进重点领域项目建设，发挥政府投资带动作用，激发民间投资活力，推动经济持续回升向好。",
    "专家分析认为，随着一系列稳增长政策落地见效，内需潜力将进一步释放，为全年经济平稳运行提供有力支撑。",
];

/// The boilerplate phrases of [`news_page`], none of which may be searchable.
const BOILERPLATE: &[&str] = &["埋点统计", "广告位招租", "动态插入的脚本", "国际频道", "网友留言沙发", "京ICP备"];

fn assert_no_boilerplate(s: &Sandbox) {
    for phrase in BOILERPLATE {
        assert_eq!(s.count(phrase), 0, "boilerplate {phrase} is searchable: {:?}", s.hits(phrase));
    }
}

fn jsonl(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"id\":\"{prefix}{i}\",\"title\":\"{prefix}标题{i}\",\"content\":\"{prefix}正文第{i}篇，压缩包里的文章。\",\"date\":\"2025-05-{:02}\",\"source\":\"{prefix}报\"}}\n",
                i % 28 + 1
            )
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(bytes).expect("xz");
    e.finish().expect("xz")
}

fn bzip2(bytes: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(bytes).expect("bzip2");
    e.finish().expect("bzip2")
}

#[test]
fn each_compression_around_json_lines_and_a_page_is_read_by_content() {
    let s = Sandbox::new();
    s.file("in/a.jsonl.gz", &gzip(jsonl("甲", 30).as_bytes()));
    // Two gzip members one after the other (what `cat a.gz b.gz` and per-record
    // writers make): both are read.
    let mut two = gzip(jsonl("乙", 10).as_bytes());
    two.extend(gzip(jsonl("丙", 10).as_bytes()));
    s.file("in/b.jsonl.gz", &two);
    s.file("in/c.jsonl.zst", &zstd::encode_all(jsonl("丁", 20).as_bytes(), 3).expect("zstd"));
    s.file("in/d.jsonl.xz", &xz(jsonl("戊", 20).as_bytes()));
    s.file("in/e.jsonl.bz2", &bzip2(jsonl("己", 20).as_bytes()));
    // No telling name: recognised by the magic bytes.
    s.file("in/f.dat", &zstd::encode_all(jsonl("庚", 5).as_bytes(), 3).expect("zstd"));
    let page = news_page("全国重大项目开工提速", "新华网", "2025-04-18T09:30:00+08:00", PARAS);
    s.file("in/page.html.gz", &gzip(page.as_bytes()));
    let err = s.index_ok(&[s.path("in").to_str().expect("utf-8")]);
    assert!(err.contains("indexed 116 documents (0 skipped)"), "{err}");
    assert!(
        err.contains("3 gzip") && err.contains("2 zstd") && err.contains("1 xz") && err.contains("1 bzip2"),
        "{err}"
    );
    assert!(err.contains("1 html"), "{err}");
    for (prefix, n) in [("甲", 30), ("乙", 10), ("丙", 10), ("丁", 20), ("戊", 20), ("己", 20), ("庚", 5)] {
        assert_eq!(s.count(&format!("{prefix}正文")), n, "{prefix}");
    }
    let d = s.doc("丁7");
    assert_eq!(d["title"], "丁标题7");
    assert_eq!(d["date"], "2025-05-08");
    assert_eq!(d["source"], "丁报");
    let page = &s.hits("新开工重大项目")[0];
    assert_eq!(page["title"], "全国重大项目开工提速");
    assert!(page["id"].as_str().expect("id").ends_with("page.html.gz"), "{page}");
    assert_no_boilerplate(&s);
    // The same file indexed again is unchanged (its identity is the compressed file).
    let again = s.index_ok(&[s.path("in").to_str().expect("utf-8")]);
    assert!(again.contains("indexed 0 documents"), "{again}");
}

#[test]
fn a_compression_bomb_is_stopped_and_named_and_the_rest_is_indexed() {
    let s = Sandbox::new();
    // 200 MB of one repeated record line compresses about 1000×.
    let line = "{\"title\":\"炸弹\",\"content\":\"重复\"}\n";
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..(200 << 20) / line.len() {
        e.write_all(line.as_bytes()).expect("gzip");
    }
    s.file("in/bomb.jsonl.gz", &e.finish().expect("gzip"));
    s.file("in/ok.jsonl.gz", &gzip(jsonl("好", 3).as_bytes()));
    let (code, _, err) = s.sou(&["index", s.path("in").to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("bomb.jsonl.gz") && err.contains("compression bomb"), "{err}");
    assert_eq!(s.count("好正文"), 3, "{err}");
}

#[test]
fn a_download_cut_short_keeps_the_records_before_the_cut_and_says_where() {
    let s = Sandbox::new();
    let text = jsonl("断", 400);
    let whole = gzip(text.as_bytes());
    let cut = &whole[..whole.len() / 2];
    // What any gzip reader gets out of the first half: the complete lines are the records.
    let mut got = Vec::new();
    let mut d = flate2::write::GzDecoder::new(&mut got);
    d.write_all(cut).expect("gunzip the first half");
    drop(d);
    let complete = got.iter().filter(|&&b| b == b'\n').count();
    assert!(complete > 10 && complete < 400, "{complete}");
    s.file("in/cut.jsonl.gz", cut);
    let err = s.index_ok(&[s.path("in").to_str().expect("utf-8")]);
    assert_eq!(s.count("断正文"), complete, "{err}");
    assert!(err.contains(&format!("cut.jsonl.gz:{}: invalid JSON", complete + 1)), "the torn line is named: {err}");
    assert!(err.contains("gzip stream is cut short"), "{err}");
    // Once the whole file arrives, it is read again, all of it.
    s.file("in/cut.jsonl.gz", &whole);
    let err = s.index_ok(&[s.path("in").to_str().expect("utf-8")]);
    assert_eq!(s.count("断正文"), 400, "{err}");
}

/// A zip archive of `members` (name, bytes), deflated.
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        w.start_file(*name, options).expect("zip member");
        w.write_all(bytes).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

/// Sets the "encrypted" flag of the member named `name` in both its local header and
/// the central directory, as a password-protected archive has it.
fn mark_encrypted(zip: &mut [u8], name: &str) {
    let mut marked = 0;
    for (sig, flag_at, name_at) in [(b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)] {
        let mut i = 0;
        while i + name_at + name.len() <= zip.len() {
            if &zip[i..i + 4] == sig && &zip[i + name_at..i + name_at + name.len()] == name.as_bytes() {
                zip[i + flag_at] |= 1;
                marked += 1;
            }
            i += 1;
        }
    }
    assert_eq!(marked, 2, "the member's two headers");
}

/// Overwrites the middle of the compressed data of the member named `name`.
fn corrupt_member(zip: &mut [u8], name: &str) {
    let at = zip.windows(name.len()).position(|w| w == name.as_bytes()).expect("member name") + name.len();
    for b in &mut zip[at + 8..at + 40] {
        *b ^= 0x5a;
    }
}

#[test]
fn a_zip_archive_is_read_member_by_member_and_hostile_members_are_skipped_by_name() {
    let s = Sandbox::new();
    let page = news_page("稳投资政策持续发力", "人民网", "2025-03-02", PARAS);
    let bomb = vec![b' '; 100 << 20];
    let broken_text: String = "破损成员的正文内容，".repeat(400);
    let mut bytes = zip_of(&[
        ("docs/", b""),
        ("docs/news.jsonl", jsonl("压", 12).as_bytes()),
        ("docs/page.html", page.as_bytes()),
        ("../../escape.txt", "越界路径的标题\n\n越界路径的正文。".as_bytes()),
        ("/etc/absolute.txt", "绝对路径的标题\n\n绝对路径的正文。".as_bytes()),
        ("secret.txt", "加密成员的标题\n\n加密成员的正文。".as_bytes()),
        ("broken.txt", broken_text.as_bytes()),
        ("bomb.txt", &bomb),
        ("inner.jsonl.gz", &gzip(jsonl("内", 4).as_bytes())),
    ]);
    mark_encrypted(&mut bytes, "secret.txt");
    corrupt_member(&mut bytes, "broken.txt");
    let zip_path = s.file("in/send.zip", &bytes);
    let (code, _, err) = s.sou(&["index", &zip_path]);
    assert_eq!(code, 0, "{err}");
    // Members named by ARCHIVE!/member, each skipped one saying why.
    assert!(err.contains("send.zip!/secret.txt: encrypted; skipped"), "{err}");
    assert!(err.contains("send.zip!/broken.txt"), "{err}");
    assert!(err.contains("send.zip!/bomb.txt") && err.contains("zip bomb"), "{err}");
    assert!(err.contains("1 zip with"), "{err}");
    assert_eq!(s.count("压正文"), 12);
    assert_eq!(s.count("内正文"), 4);
    assert_eq!(s.count("加密成员"), 0);
    assert_eq!(s.count("破损成员"), 0);
    let d = s.doc("压3");
    assert_eq!(
        (d["title"].as_str(), d["date"].as_str(), d["source"].as_str()),
        (Some("压标题3"), Some("2025-05-04"), Some("压报"))
    );
    // The page member: its id is the archive's path and the member's.
    let page = &s.hits("民间投资活力")[0];
    assert_eq!(page["id"].as_str(), Some(format!("{zip_path}!/docs/page.html").as_str()), "{page}");
    assert_eq!(page["title"], "稳投资政策持续发力");
    assert_eq!(page["source"], "人民网");
    assert_eq!(page["date"], "2025-03-02");
    assert_no_boilerplate(&s);
    // Path tricks are only names: no `..`, no absolute path, nothing written.
    let escaped = &s.hits("越界路径")[0];
    assert_eq!(escaped["id"].as_str(), Some(format!("{zip_path}!/escape.txt").as_str()));
    let absolute = &s.hits("绝对路径")[0];
    assert_eq!(absolute["id"].as_str(), Some(format!("{zip_path}!/etc/absolute.txt").as_str()));
    assert!(!s.path("escape.txt").exists() && !s.dir.path().parent().expect("parent").join("escape.txt").exists());
    // --glob picks members.
    let t = Sandbox::new();
    let zip_path = t.file("in/send.zip", &bytes);
    let err = t.index_ok(&[&zip_path, "--glob", "*.html"]);
    assert!(err.contains("indexed 1 document"), "{err}");
    assert_eq!(t.count("民间投资活力"), 1);
    assert_eq!(t.count("压正文"), 0);
}

#[test]
fn a_tar_gz_of_pages_reads_each_page_and_skips_links() {
    let s = Sandbox::new();
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default()));
    let pages = [
        ("site/2025/a.html", news_page("春耕备耕进展顺利", "央视网", "2025-03-20", &PARAS[..2])),
        ("site/2025/b.htm", news_page("外贸进出口稳中有升", "中国新闻网", "2025-04-13", &PARAS[1..])),
    ];
    for (name, page) in &pages {
        let mut h = tar::Header::new_gnu();
        h.set_size(page.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, page.as_bytes()).expect("tar member");
    }
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    tar.append_link(&mut link, "site/passwd.html", "/etc/passwd").expect("tar link");
    let bytes = tar.into_inner().expect("tar").finish().expect("gzip");
    let path = s.file("in/site.tgz", &bytes);
    let err = s.index_ok(&[&path]);
    assert!(err.contains("indexed 2 documents"), "{err}");
    assert!(err.contains("site.tgz!/site/passwd.html: a link; skipped"), "{err}");
    assert!(err.contains("1 tar with 2 members"), "{err}");
    let d = s.doc(&format!("{path}!/site/2025/b.htm"));
    assert_eq!(d["title"], "外贸进出口稳中有升");
    assert_eq!(d["source"], "中国新闻网");
    assert_eq!(d["date"], "2025-04-13");
    assert!(d["content"].as_str().expect("content").contains("激发民间投资活力"), "{d}");
    assert_eq!(d["url"], "https://news.example.cn/2025/2025-04-13/a.html");
    assert_eq!(s.count("春耕备耕"), 1);
    assert_no_boilerplate(&s);
}

#[test]
fn a_gbk_page_with_json_ld_and_a_page_on_standard_input() {
    let s = Sandbox::new();
    let page = r#"<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>高校毕业生就业服务月启动_新闻中心_新浪网</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"高校毕业生就业服务月启动","datePublished":"2025-05-06T08:00:00+08:00","author":{"@type":"Person","name":"王记者"},"publisher":{"@type":"Organization","name":"新浪新闻"}}</script>
</head><body><div id="nav">新闻 体育 娱乐 国际频道</div>
<div class="article"><p>人力资源社会保障部今天宣布，面向高校毕业生的就业服务月活动正式启动，将集中开展招聘对接、职业指导和技能培训。</p>
<p>活动期间，各地将组织专场招聘会，提供岗位信息，帮助毕业生尽早实现就业。有关方面还将加强困难毕业生帮扶。</p>
<p>据介绍，今年高校毕业生规模再创新高，稳就业任务依然艰巨，各地各部门正在多措并举拓宽就业渠道。</p></div>
<div class="ad">广告位招租热线</div>
<script>埋点统计();</script></body></html>"#;
    let (gbk, _, bad) = encoding_rs::GBK.encode(page);
    assert!(!bad);
    s.file("in/sina.html", &gbk);
    s.index_ok(&[s.path("in").to_str().expect("utf-8")]);
    let hits = s.hits("就业服务月");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["title"], "高校毕业生就业服务月启动");
    assert_eq!(hits[0]["date"], "2025-05-06");
    assert_eq!(hits[0]["source"], "新浪新闻");
    assert_eq!(hits[0]["author"], "王记者");
    assert_no_boilerplate(&s);
    // Standard input, the format named.
    let news = news_page("标准输入的网页", "澎湃新闻", "2025-02-01", PARAS);
    let mut child = common::sou(&s.index())
        .args(["index", "-", "--format", "html"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(news.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hit = &s.hits("标准输入的网页")[0];
    assert_eq!((hit["source"].as_str(), hit["date"].as_str()), (Some("澎湃新闻"), Some("2025-02-01")));
    assert_no_boilerplate(&s);
}

/// Quoted-printable (RFC 2045), as browsers write an MHTML page: bytes outside printable
/// ASCII and `=` as `=XX`, lines broken softly before 76 characters.
fn quoted_printable(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut width = 0;
    for &b in bytes {
        let piece = match b {
            b'\n' => {
                out.push_str("\r\n");
                width = 0;
                continue;
            }
            b'!'..=b'<' | b'>'..=b'~' | b' ' => (b as char).to_string(),
            _ => format!("={b:02X}"),
        };
        if width + piece.len() > 75 {
            out.push_str("=\r\n");
            width = 0;
        }
        width += piece.len();
        out.push_str(&piece);
    }
    out
}

/// A page saved by a browser as one file (Chrome's "Webpage, Single File").
fn mhtml(page_qp: &str, charset: &str, url: &str) -> String {
    let b = "----MultipartBoundary--0bPHc2ZpXQ----";
    format!(
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: {url}\r\nSubject: =?utf-8?Q?=E7=A8=B3?=\r\n\
         Date: Sun, 2 Mar 2025 10:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\
         \ttype=\"text/html\";\r\n\tboundary=\"{b}\"\r\n\r\n\r\n--{b}\r\nContent-Type: text/html{charset}\r\n\
         Content-ID: <frame-1@mhtml.blink>\r\nContent-Transfer-Encoding: quoted-printable\r\n\
         Content-Location: {url}\r\n\r\n{page_qp}\r\n--{b}\r\nContent-Type: text/css\r\n\
         Content-Location: {url}/style.css\r\n\r\n.nav {{ color: red }} /* 样式表里的文字 */\r\n--{b}--\r\n"
    )
}

#[test]
fn a_page_saved_as_one_mhtml_file_reads_as_the_page_with_the_address_it_came_from() {
    let s = Sandbox::new();
    let page = news_page("稳投资政策持续发力", "人民网", "2025-03-02", PARAS);
    let url = "https://www.people.com.cn/n1/2025/0302/c1004-1.html";
    s.file("in/saved.mhtml", mhtml(&quoted_printable(page.as_bytes()), "", url).as_bytes());
    // A GBK page, the charset on the part, under a name that says nothing.
    let gbk_page = news_page("高校毕业生就业服务月启动", "新浪新闻", "2025-05-06", PARAS).replace("utf-8", "gbk");
    let (gbk, _, bad) = encoding_rs::GBK.encode(&gbk_page);
    assert!(!bad);
    let gbk_url = "https://news.sina.com.cn/c/2025-05-06/doc-1.shtml";
    s.file("in/export.bin", mhtml(&quoted_printable(&gbk), "; charset=gbk", gbk_url).as_bytes());
    let err = s.index_ok(&[s.path("in").to_str().expect("utf-8")]);
    assert!(err.contains("2 mhtml"), "{err}");
    for (title, source, date, url) in [
        ("稳投资政策持续发力", "人民网", "2025-03-02", url),
        ("高校毕业生就业服务月启动", "新浪新闻", "2025-05-06", gbk_url),
    ] {
        let hits = s.hits(title);
        assert_eq!(hits.len(), 1, "{title}: {hits:?}");
        assert_eq!(hits[0]["title"], title);
        assert_eq!((hits[0]["source"].as_str(), hits[0]["date"].as_str()), (Some(source), Some(date)));
        assert_eq!(hits[0]["url"], url, "the address it was saved from, not the canonical link");
    }
    assert_eq!(s.count("投资结构持续优化"), 2);
    assert_eq!(s.count("样式表里的文字"), 0, "only the page is read, not its other parts");
    assert_no_boilerplate(&s);
}

#[test]
fn rss_atom_and_json_feeds_give_one_record_per_item_and_an_empty_feed_says_so() {
    let s = Sandbox::new();
    s.file(
        "in/rss.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>财经早报</title><link>https://caijing.example.cn/</link>
<item><title>央行开展逆回购操作</title><link>https://caijing.example.cn/1</link>
<pubDate>Tue, 06 May 2025 09:15:00 +0800</pubDate><author>liu@example.cn (刘编辑)</author>
<description><![CDATA[<p>中国人民银行今日开展<b>七天期逆回购</b>操作，维护银行体系流动性合理充裕。</p><script>埋点统计()</script>]]></description></item>
<item><title>沪深股市小幅收涨</title><link>https://caijing.example.cn/2</link>
<pubDate>Wed, 07 May 2025 15:05:00 +0800</pubDate>
<description>沪深两市成交额较上一交易日有所放大 &amp; 北向资金净流入。</description></item>
</channel></rss>"#
            .as_bytes(),
    );
    s.file(
        "in/atom.xml",
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>科技日报快讯</title><id>urn:kj</id><updated>2025-05-08T00:00:00Z</updated>
<entry><title>量子计算原型机取得新突破</title><id>urn:kj:1</id><link href="https://kj.example.cn/q"/>
<updated>2025-05-08T02:00:00Z</updated><author><name>科技记者</name></author>
<content type="html">&lt;p&gt;研究团队构建的量子计算原型机在特定任务上实现算力跃升。&lt;/p&gt;</content></entry>
</feed>"#
            .as_bytes(),
    );
    s.file(
        "in/feed.json",
        r#"{"version":"https://jsonfeed.org/version/1.1","title":"体育简讯","items":[
{"id":"t1","url":"https://ty.example.cn/1","title":"马拉松赛事报名火爆","content_html":"<p>城市马拉松报名人数再创新高。</p>","date_published":"2025-04-20T07:00:00+08:00"}]}"#
            .as_bytes(),
    );
    s.file(
        "in/empty.xml",
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>空频道</title></channel></rss>"#.as_bytes(),
    );
    let (code, _, err) = s.sou(&["index", s.path("in").to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("indexed 4 documents"), "{err}");
    assert!(err.contains("empty.xml: a feed without items"), "{err}");
    assert!(err.contains("4 feeds with 4 items"), "{err}");
    let d = s.doc("https://caijing.example.cn/1");
    assert_eq!(d["title"], "央行开展逆回购操作");
    assert_eq!(d["source"], "财经早报");
    assert_eq!(d["date"], "2025-05-06");
    assert_eq!(d["url"], "https://caijing.example.cn/1");
    assert!(d["content"].as_str().expect("content").contains("七天期逆回购操作"), "{d}");
    assert_eq!(s.count("北向资金净流入"), 1);
    let atom = &s.hits("量子计算原型机")[0];
    assert_eq!((atom["source"].as_str(), atom["date"].as_str()), (Some("科技日报快讯"), Some("2025-05-08")));
    assert_eq!(atom["author"], "科技记者");
    let json = &s.hits("马拉松")[0];
    assert_eq!((json["id"].as_str(), json["source"].as_str()), (Some("https://ty.example.cn/1"), Some("体育简讯")));
    assert_eq!(json["date"], "2025-04-20");
    assert_eq!(s.count("埋点统计"), 0);
}

/// One WARC record: its headers and body.
fn warc_record(kind: &str, uri: &str, date: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\nWARC-Record-ID: <urn:uuid:{:08x}>\r\nContent-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        body.len() * 7 + uri.len(),
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http_response(status: &str, content_type: &str, body: &[u8], chunked: bool) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n").into_bytes();
    if chunked {
        r.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
        for chunk in body.chunks(100) {
            r.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            r.extend_from_slice(chunk);
            r.extend_from_slice(b"\r\n");
        }
        r.extend_from_slice(b"0\r\n\r\n");
    } else {
        r.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        r.extend_from_slice(body);
    }
    r
}

#[test]
fn a_warc_file_gives_its_html_responses_plain_and_gzipped_per_record() {
    // A page without a date of its own takes the record's.
    let undated = news_page("无日期的网页", "光明网", "", PARAS)
        .replace(r#"<meta property="article:published_time" content="">"#, "");
    let undated = undated.replace(r#"<div class="info"> 来源：光明网</div>"#, "");
    // GBK bytes under a page that still says UTF-8 (a server that transcoded it): the
    // HTTP header's charset wins, as the HTML standard has it.
    let chinadaily = news_page("码头吞吐量创新高", "中国日报网", "2025-01-09", PARAS);
    let (gbk, _, _) = encoding_rs::GBK.encode(&chinadaily);
    let records = [
        warc_record("warcinfo", "", "2025-05-01T00:00:00Z", b"software: test\r\n"),
        warc_record("request", "https://a.example.cn/1", "2025-05-01T00:00:01Z", b"GET /1 HTTP/1.1\r\n\r\n"),
        warc_record(
            "response",
            "https://a.example.cn/1",
            "2025-05-01T00:00:02Z",
            &http_response("200 OK", "text/html; charset=utf-8", undated.as_bytes(), true),
        ),
        warc_record(
            "response",
            "https://a.example.cn/2",
            "2025-05-01T00:00:03Z",
            &http_response("200 OK", "text/html; charset=GBK", &gbk, false),
        ),
        warc_record(
            "response",
            "https://a.example.cn/logo.png",
            "2025-05-01T00:00:04Z",
            &http_response("200 OK", "image/png", b"\x89PNG....", false),
        ),
        warc_record(
            "response",
            "https://a.example.cn/404",
            "2025-05-01T00:00:05Z",
            &http_response("404 Not Found", "text/html", "<html><body>页面不存在</body></html>".as_bytes(), false),
        ),
    ];
    let s = Sandbox::new();
    s.file("in/crawl.warc", &records.concat());
    // Per-record gzip, as crawlers write `.warc.gz`.
    let t = Sandbox::new();
    let per_record: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    t.file("in/crawl.warc.gz", &per_record);
    for sandbox in [&s, &t] {
        let err = sandbox.index_ok(&[sandbox.path("in").to_str().expect("utf-8")]);
        assert!(err.contains("indexed 2 documents"), "{err}");
        assert!(err.contains("4 of 6 records skipped"), "{err}");
        assert!(err.contains("1 warc with 2 pages"), "{err}");
        let d = sandbox.doc("https://a.example.cn/1");
        assert_eq!(d["title"], "无日期的网页");
        assert_eq!(d["date"], "2025-05-01", "{d}");
        assert_eq!(d["url"], "https://a.example.cn/1");
        assert_eq!(d["source"], "光明网");
        let gbk = sandbox.doc("https://a.example.cn/2");
        assert_eq!((gbk["title"].as_str(), gbk["date"].as_str()), (Some("码头吞吐量创新高"), Some("2025-01-09")));
        assert_eq!(sandbox.count("激发民间投资活力"), 2);
        assert_eq!(sandbox.count("页面不存在"), 0);
        assert_no_boilerplate(sandbox);
    }
}

fn docx(title_style: &str, paragraphs: &[(&str, &str)], created: Option<&str>) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|(style, text)| {
            let style =
                if style.is_empty() { String::new() } else { format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>") };
            // Text split in runs, as Word writes it.
            let mid = text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i);
            format!(
                "<w:p>{style}<w:r><w:t>{}</w:t></w:r><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                &text[..mid],
                &text[mid..]
            )
        })
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title_style}</dc:title><dc:creator>李研究员</dc:creator>{}</cp:coreProperties>"#,
        created
            .map_or(String::new(), |c| format!(r#"<dcterms:created xsi:type="dcterms:W3CDTF">{c}</dcterms:created>"#))
    );
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    zip_of(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
    ])
}

#[test]
fn word_documents_give_their_paragraphs_heading_and_properties() {
    let s = Sandbox::new();
    s.file(
        "in/report.docx",
        &docx(
            "属性里的标题",
            &[
                ("Heading1", "区域经济发展调研报告"),
                ("", "调研组赴长三角地区多个城市开展实地调研，走访企业和园区。"),
                ("", "报告建议进一步优化营商环境，推动产业链协同发展。"),
            ],
            Some("2025-03-15T10:00:00Z"),
        ),
    );
    s.file("in/untitled.docx", &docx("只在属性里的标题", &[("", "没有标题样式的段落文字，用于检验属性标题。")], None));
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:h text:outline-level="1">开放文档格式的标题</text:h><text:p>开放文档的正文段落，记录会议纪要。</text:p></office:text></office:body></office:document-content>"#;
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>"#;
    s.file(
        "in/minutes.odt",
        &zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content.as_bytes()),
            ("META-INF/manifest.xml", manifest.as_bytes()),
        ]),
    );
    let err = s.index_ok(&[s.path("in").to_str().expect("utf-8")]);
    assert!(err.contains("indexed 3 documents (0 skipped)"), "{err}");
    let d = &s.hits("营商环境")[0];
    assert_eq!(d["title"], "区域经济发展调研报告");
    assert_eq!(d["date"], "2025-03-15");
    assert_eq!(d["author"], "李研究员");
    assert_eq!(s.count("实地调研"), 1, "runs joined into one paragraph");
    assert_eq!(s.hits("属性标题")[0]["title"], "只在属性里的标题");
    assert_eq!(s.hits("会议纪要")[0]["title"], "开放文档格式的标题");
}

/// Renders an SVG to a PDF with `rsvg-convert` (Debian's librsvg2-bin; the CJK glyphs
/// from fonts-wqy-microhei or fonts-noto-cjk), so the PDF is made by cairo, not sou.
fn pdf_from_svg(svg: &str, out: &Path) {
    fs::create_dir_all(out.parent().expect("a file in a folder")).expect("folder");
    let mut child = Command::new("rsvg-convert")
        .args(["-f", "pdf", "-o"])
        .arg(out)
        .stdin(Stdio::piped())
        .spawn()
        .expect("rsvg-convert (apt-get install librsvg2-bin; tests/run installs it)");
    child.stdin.take().expect("stdin").write_all(svg.as_bytes()).expect("svg");
    assert!(child.wait().expect("rsvg-convert").success());
}

fn svg_page(lines: &[&str]) -> String {
    let text: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                r#"<text x="40" y="{}" font-family="WenQuanYi Micro Hei, Noto Sans CJK SC" font-size="12">{l}</text>"#,
                60 + 16 * i
            )
        })
        .collect();
    format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="595" height="842">{text}</svg>"#)
}

/// The text's characters without whitespace.
fn chars(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_pdf_with_text_reads_as_pdftotext_does_and_a_scanned_one_is_a_warning() {
    let s = Sandbox::new();
    // A newspaper column: the body hard-wrapped every 18 characters, so lines break
    // inside words; the title and the header line stay apart.
    let body = "记者从交通运输部获悉，一季度全国沿海港口完成集装箱吞吐量同比增长，其中外贸集装箱吞吐量增速加快，航线网络进一步完善。业内人士表示，港口运行保持平稳有序，为稳外贸提供了有力保障。下一步将继续提升港口服务水平，推动港口高质量发展。";
    let body: Vec<char> = body.chars().collect();
    let column: Vec<String> = body.chunks(18).map(|c| c.iter().collect()).collect();
    let mut lines = vec!["沿海港口集装箱吞吐量稳步增长", "来源：经济日报 2025年4月22日"];
    lines.extend(column.iter().map(String::as_str));
    pdf_from_svg(&svg_page(&lines), &s.path("in/port.pdf"));
    pdf_from_svg(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="595" height="842"><rect x="40" y="40" width="500" height="700" fill="#ccc"/></svg>"##,
        &s.path("in/scan.pdf"),
    );
    fs::copy(s.path("in/port.pdf"), s.path("in/renamed.bin")).expect("copy");
    let (code, _, err) = s.sou(&["index", s.path("in").to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("scan.pdf: no text layer") && err.contains("OCR it first"), "{err}");
    assert!(err.contains("indexed 2 documents (1 skipped)"), "{err}");
    let port = s.doc(&s.path("in/port.pdf").display().to_string());
    assert_eq!(port["title"], "沿海港口集装箱吞吐量稳步增长");
    assert_eq!(port["date"], "2025-04-22");
    assert_eq!(port["source"], "经济日报");
    // Hard-wrapped lines are joined: a phrase across each wrap is found.
    let mut checked = 0;
    for (a, b) in column.iter().zip(&column[1..]) {
        let across: String =
            a.chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().chain(b.chars().take(3)).collect();
        if !across.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            continue;
        }
        checked += 1;
        assert_eq!(s.count(&across), 2, "{across} across a wrap, in both copies (recognised by content, not name)");
    }
    assert!(checked >= 3, "{column:?}");
    // The same characters as poppler's pdftotext, whitespace aside.
    let poppler = Command::new("pdftotext")
        .arg(s.path("in/port.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils; tests/run installs it)");
    let poppler = String::from_utf8(poppler.stdout).expect("utf-8");
    let ours = format!("{}{}", port["title"].as_str().unwrap_or(""), port["content"].as_str().unwrap_or(""));
    let body_only = ours.strip_prefix(port["title"].as_str().unwrap_or("")).unwrap_or(&ours);
    assert!(
        chars(body_only) == chars(&poppler) || chars(&ours) == chars(&poppler),
        "sou:\n{ours}\npdftotext:\n{poppler}"
    );
    // A broken PDF is named, not a crash.
    let bad = Sandbox::new();
    bad.file("in/bad.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    let (code, _, err) = bad.sou(&["index", bad.path("in").to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("bad.pdf: ") && !err.contains("panicked"), "{err}");
}

#[test]
fn watch_picks_up_a_new_compressed_file_and_a_changed_zip() {
    let s = Sandbox::new();
    s.file("w/a.zip", &zip_of(&[("one.jsonl", jsonl("旧", 3).as_bytes())]));
    let mut child = common::sou(&s.index())
        .args(["index", s.path("w").to_str().expect("utf-8"), "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let ready =
        common::eventually(Duration::from_secs(30), || s.path("index/meta.json").exists() && s.count("旧正文") == 3);
    if !ready {
        let _ = child.kill();
    }
    assert!(ready, "the first pass");
    s.file("w/b.jsonl.gz", &gzip(jsonl("新", 4).as_bytes()));
    let new = common::eventually(Duration::from_secs(15), || s.count("新正文") == 4);
    s.file("w/a.zip", &zip_of(&[("one.jsonl", jsonl("改", 2).as_bytes())]));
    let changed = common::eventually(Duration::from_secs(15), || s.count("改正文") == 2 && s.count("旧正文") == 0);
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(new, "a new .jsonl.gz: {err}");
    assert!(changed, "a changed .zip: {err}");
}
