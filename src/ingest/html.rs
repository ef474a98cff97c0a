//! Saved web pages: the article's main text as a reader view shows it (Mozilla
//! Readability's algorithm, by `dom_smoothie`), without scripts, styles, navigation,
//! comments or ads, and the metadata news sites publish (`og:title`, `<title>` minus
//! the site's name, `article:published_time`, `<time datetime>`, JSON-LD
//! `NewsArticle`, `og:site_name`, the canonical URL). The encoding comes from the BOM,
//! `<meta charset>` or its HTTP-equiv form, then detection (GBK pages are common).

use std::sync::OnceLock;

use dom_query::Document;
use jiff::Timestamp;
use regex::Regex;

use super::{Item, Options, Problem, Record};
use crate::article::Field;
use crate::dates;

/// What the page's container knows about it (a WARC record's URI and date, a MIME
/// part's charset). The address it was fetched from is where a reader finds it again,
/// so it wins over the page's canonical link; the date is used when the page has none.
#[derive(Clone, Debug, Default)]
pub struct Hints {
    /// The address the page was fetched from.
    pub url: Option<String>,
    /// When it was fetched.
    pub date: Option<Timestamp>,
    /// The charset the transport declared (HTTP `Content-Type`).
    pub charset: Option<&'static encoding_rs::Encoding>,
    /// The document's id, when not its path (a WARC record's target URI).
    pub id: Option<String>,
}

/// Whether the first bytes of an input are an HTML page (by content; the name only
/// breaks the tie for a fragment that starts with a tag).
pub fn looks_like(head: &[u8], name: &str) -> bool {
    let start = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let lower: Vec<u8> = start.iter().take(2048).map(u8::to_ascii_lowercase).collect();
    let trimmed = lower.trim_ascii_start();
    if trimmed.starts_with(b"<!doctype html") || trimmed.starts_with(b"<html") {
        return true;
    }
    let tagged = trimmed.starts_with(b"<");
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if tagged && (has(b"<html") || has(b"<head") || has(b"<body")) && !has(b"<rss") && !has(b"<feed") {
        return true;
    }
    let n = name.to_ascii_lowercase();
    tagged && [".html", ".htm", ".xhtml", ".shtml"].iter().any(|e| n.ends_with(e))
}

/// The charset a page declares in its first 4 KB (`<meta charset=…>`, or
/// `content="text/html; charset=…"`).
pub fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::bytes::Regex::new(r#"(?i)<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"#)
            .expect("charset pattern")
    });
    let head = &bytes[..bytes.len().min(4096)];
    let label = re.captures(head)?.get(1)?.as_bytes();
    encoding_rs::Encoding::for_label(label)
}

/// The page's text: BOM, then the transport's charset (HTTP `Content-Type`), then the
/// page's own declaration, as the HTML standard orders them (a label UTF-8 that the
/// bytes are not falls back to detection), then what [`super::decode`] detects.
fn decode(bytes: Vec<u8>, transport: Option<&'static encoding_rs::Encoding>) -> Option<String> {
    if encoding_rs::Encoding::for_bom(&bytes).is_none() {
        if let Some(enc) = transport.or_else(|| declared_charset(&bytes)) {
            let enc =
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE { encoding_rs::UTF_8 } else { enc };
            if enc != encoding_rs::UTF_8 || std::str::from_utf8(&bytes).is_ok() {
                let (text, _, _) = enc.decode(&bytes);
                return Some(text.into_owned());
            }
        }
    }
    super::decode(bytes).map(|d| d.text)
}

/// Reads one page as one record (id: `hints.id`, else the path).
pub fn read(path: &str, bytes: Vec<u8>, hints: &Hints, opts: &Options, emit: &mut dyn FnMut(Item)) {
    let Some(html) = decode(bytes, hints.charset) else {
        emit(Item::Problem(Problem::file(path, "not a text file; skipped")));
        return;
    };
    let page = extract(&html);
    if page.text.trim().is_empty() && page.title.is_empty() {
        emit(Item::Problem(Problem::file(path, "an HTML page without text; skipped")));
        return;
    }
    let mut r = Record::at(path, 1, 1, hints.id.is_none());
    let a = &mut r.article;
    if let Some(id) = &hints.id {
        a.set(Field::Id, Some(id.clone()));
    }
    a.set(Field::Title, Some(page.title));
    a.set(Field::Content, Some(page.text));
    a.set(Field::Source, page.source);
    a.set(Field::Author, page.author);
    a.set(Field::Url, hints.url.clone().or(page.url));
    a.date = page.date.as_deref().and_then(|d| dates::parse_timestamp(d, &opts.tz)).or(hints.date);
    emit(Item::Record(r));
}

/// What a page yields.
#[derive(Debug, Default)]
pub struct Page {
    /// The headline, without the site's name.
    pub title: String,
    /// The article's text, a paragraph per line.
    pub text: String,
    /// When it was published, as the page writes it.
    pub date: Option<String>,
    /// The outlet.
    pub source: Option<String>,
    /// The byline.
    pub author: Option<String>,
    /// The canonical address.
    pub url: Option<String>,
}

/// The article and metadata of a page.
pub fn extract(html: &str) -> Page {
    let doc = Document::from(html);
    let meta = |sel: &str| {
        doc.select(sel).iter().find_map(|m| m.attr("content").map(|c| c.trim().to_string()).filter(|c| !c.is_empty()))
    };
    let url = doc
        .select(r#"link[rel="canonical"]"#)
        .iter()
        .find_map(|l| l.attr("href").map(|h| h.trim().to_string()))
        .filter(|h| h.starts_with("http"))
        .or_else(|| meta(r#"meta[property="og:url"]"#));
    let og_title = meta(r#"meta[property="og:title"]"#);
    let head_title = doc.select("head title").iter().next().map(|t| t.text().trim().to_string());
    let headline = sole_headline(&doc, head_title.as_deref());
    let time = doc.select("time[datetime]").iter().find_map(|t| t.attr("datetime").map(|d| d.trim().to_string()));
    let date_meta = meta(
        r#"meta[property="article:published_time"], meta[name="pubdate"], meta[name="publishdate"], meta[name="PubDate"], meta[name="publish_time"], meta[itemprop="datePublished"], meta[name="date"]"#,
    );
    let source_meta = meta(r#"meta[property="og:site_name"], meta[name="source"], meta[name="mediaid"]"#);
    let author_meta = meta(r#"meta[name="author"], meta[property="article:author"]"#);
    doc.select("script:not([type='application/ld+json']), style, noscript, iframe, template").remove();

    // Readability relaxes its filters when the article is shorter than 500 characters, a
    // threshold set for English: 150 Chinese characters carry as much, and short news items
    // would otherwise keep their related-links boxes and editor lines.
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        char_threshold: 150,
        ..Default::default()
    };
    let mut reader = dom_smoothie::Readability::with_document(doc, None, Some(cfg));
    let (article, fallback) = match reader.as_mut().ok().map(|r| r.parse()) {
        Some(Ok(a)) => (Some(a), None),
        _ => {
            let doc = Document::from(html);
            doc.select("script, style, noscript, nav, header, footer, aside, form").remove();
            (None, Some(doc.select("body").formatted_text().to_string()))
        }
    };
    let text = tidy(article.as_ref().map(|a| a.text_content.to_string()).or(fallback).unwrap_or_default().as_str());
    let from_text = header_fields(&text);
    let text = drop_chrome(&text);
    let site = article.as_ref().and_then(|a| a.site_name.clone()).or(source_meta);
    let title = match (og_title, headline) {
        (Some(og), _) => strip_site_name(&og, site.as_deref(), false),
        (None, Some(h1)) => h1,
        (None, None) => {
            let guess = article.as_ref().map(|a| a.title.trim().to_string()).filter(|t| !t.is_empty()).or(head_title);
            strip_site_name(&guess.unwrap_or_default(), site.as_deref(), true)
        }
    };
    let date = article.as_ref().and_then(|a| a.published_time.clone()).or(date_meta).or(time).or(from_text.date);
    let source = site.or(from_text.source);
    let author = article.as_ref().and_then(|a| a.byline.clone()).or(author_meta).map(|a| clean_byline(&a));
    let url = url.or_else(|| article.as_ref().and_then(|a| a.url.clone()));
    Page { title, text, date, source, author: author.filter(|a| !a.is_empty()), url }
}

/// Text with one paragraph per line: runs of spaces folded, blank lines dropped.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line: Vec<&str> = line.split_whitespace().collect();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line.join(" "));
    }
    out
}

/// The page's one `<h1>` when the `<title>` starts with it: the headline as the page prints
/// it, with no site name to guess away.
fn sole_headline(doc: &Document, head_title: Option<&str>) -> Option<String> {
    let h1s = doc.select("body h1");
    let mut texts = h1s.iter().map(|h| h.text().split_whitespace().collect::<Vec<_>>().join(" "));
    let (Some(h1), None) = (texts.next(), texts.next()) else { return None };
    let title = head_title?.split_whitespace().collect::<Vec<_>>().join(" ");
    (!h1.is_empty() && title.starts_with(&h1)).then_some(h1)
}

/// The text without the page chrome a reader view keeps on short articles: breadcrumbs
/// (`首页 > 新闻 > 正文`), share bars (`分享到：微信 微博`) and, in the first lines, the
/// date-and-source line (`2025-04-30 来源：新华网`), whose fields are read before, and in the
/// last lines the editor's line (`（责任编辑：王小明）`).
pub fn drop_chrome(text: &str) -> String {
    static DATE: OnceLock<Regex> = OnceLock::new();
    let date = DATE.get_or_init(|| Regex::new(r"\d{4}\s*[-/.年]\s*\d{1,2}").expect("date pattern"));
    let short = |l: &str, n: usize| l.chars().count() <= n && !l.contains('。');
    let last = text.lines().count().saturating_sub(2);
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|&(i, l)| {
            let separators = l.matches(['>', '»', '＞', '›']).count();
            let crumb = short(l, 40) && separators >= 2;
            let share = short(l, 40) && (l.starts_with("分享到") || l.starts_with("分享："));
            let labels = ["来源", "作者", "编辑", "责任编辑", "记者"];
            let info = i < 3 && short(l, 60) && date.is_match(l) && labels.iter().any(|k| l.contains(k));
            let bare = l.trim_start_matches(['（', '(', '[', '【']);
            let editor = i >= last
                && short(l, 30)
                && ["责任编辑", "编辑：", "编辑:", "责编"].iter().any(|k| bare.starts_with(k));
            !(crumb || share || info || editor)
        })
        .map(|(_, l)| l)
        .collect();
    kept.join("\n")
}

/// The text of an HTML fragment (a feed item's description), a paragraph per line.
pub fn fragment_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return tidy(html);
    }
    let doc = Document::fragment(html);
    doc.select("script, style").remove();
    tidy(&doc.select("html").formatted_text())
}

/// A title without the site's name that pages append (`标题 - 新华网`, `标题_新浪网`,
/// `标题|澎湃新闻`): trailing parts are dropped while they are the site's name or, when
/// `guess` (a `<title>`, not a declared headline), short beside what stays.
pub fn strip_site_name(title: &str, site: Option<&str>, guess: bool) -> String {
    const SEPARATORS: &[&str] = &[" - ", " | ", " – ", " — ", "_", "|", "｜", "－", " -", "- ", "—"];
    let mut t = title.trim().to_string();
    loop {
        let cut = SEPARATORS.iter().filter_map(|s| t.rfind(s).map(|i| (i, s.len()))).max_by_key(|(i, _)| *i);
        let Some((i, len)) = cut else { break };
        let (head, tail) = (t[..i].trim(), t[i + len..].trim());
        let is_site = site.is_some_and(|s| !s.is_empty() && (tail.contains(s) || s.contains(tail)));
        let short = guess && tail.chars().count() <= 12 && head.chars().count() >= 2 * tail.chars().count().min(6);
        if head.is_empty() || !(is_site || short) {
            break;
        }
        t = head.to_string();
    }
    t
}

/// A byline without its label (`作者：张三` → `张三`, `By Jane` → `Jane`).
fn clean_byline(s: &str) -> String {
    let s = s.trim();
    let s = ["作者：", "作者:", "作者 ", "记者：", "记者 ", "By ", "by "]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    s.trim().to_string()
}

/// A date and a source from the lines at the top of the text, as news pages print them
/// (`2025-05-12 10:30 来源：新华网`).
struct HeaderFields {
    date: Option<String>,
    source: Option<String>,
}

fn header_fields(text: &str) -> HeaderFields {
    static DATE: OnceLock<Regex> = OnceLock::new();
    static SOURCE: OnceLock<Regex> = OnceLock::new();
    let date = DATE.get_or_init(|| {
        Regex::new(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2}:\d{2}(?::\d{2})?))?")
            .expect("date pattern")
    });
    let source = SOURCE.get_or_init(|| Regex::new(r"来源[：:]\s*([^\s|｜丨]{2,20})").expect("source pattern"));
    let mut out = HeaderFields { date: None, source: None };
    for line in text.lines().take(5) {
        if out.date.is_none() {
            if let Some(c) = date.captures(line) {
                let time = c.get(4).map_or(String::new(), |t| format!(" {}", t.as_str()));
                out.date = Some(format!("{}-{:0>2}-{:0>2}{time}", &c[1], &c[2], &c[3]));
            }
        }
        if out.source.is_none() {
            out.source = source.captures(line).map(|c| c[1].to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breadcrumbs_share_bars_and_the_info_line_are_dropped_and_nothing_else() {
        let text = "首页 > 新闻 > 正文\n2019-02-01 来源：人民日报\n两辆摩托车被拦了下来。\n数据显示，增长 > 5% > 3%。\n分享到：微信 微博 QQ空间\n（责任编辑：王小明）";
        assert_eq!(drop_chrome(text), "两辆摩托车被拦了下来。\n数据显示，增长 > 5% > 3%。");
        let body = "2019年2月1日，记者从交通运输部获悉，一季度港口吞吐量增长。";
        assert_eq!(drop_chrome(body), body, "a sentence that starts with a date is text");
    }

    #[test]
    fn a_site_name_is_dropped_from_the_title_and_nothing_else() {
        assert_eq!(strip_site_name("国常会部署稳就业 - 新华网", None, true), "国常会部署稳就业");
        assert_eq!(strip_site_name("国常会部署稳就业_新闻中心_新浪网", None, true), "国常会部署稳就业");
        assert_eq!(strip_site_name("标题|澎湃新闻", Some("澎湃新闻"), false), "标题");
        assert_eq!(strip_site_name("中美经贸磋商取得进展", None, true), "中美经贸磋商取得进展");
        assert_eq!(strip_site_name("COVID-19 vaccine", None, true), "COVID-19 vaccine");
        assert_eq!(strip_site_name("订购_安东尼", None, false), "订购_安东尼", "a declared headline is kept");
    }

    #[test]
    fn the_one_h1_the_title_starts_with_is_the_headline() {
        let page = "<html><head><title>你不配做深圳人!_搜狐汽车_搜狐网_新闻中心</title></head><body>\
            <h1>你不配做深圳人!_搜狐汽车_搜狐网</h1><p>正文第一段，足够长的正文内容。</p></body></html>";
        assert_eq!(extract(page).title, "你不配做深圳人!_搜狐汽车_搜狐网");
        let two = "<html><head><title>国常会部署稳就业 - 新华网</title></head><body><h1>国常会部署稳就业</h1><h1>乙</h1></body></html>";
        assert_eq!(extract(two).title, "国常会部署稳就业", "two h1s: the title, site name guessed away");
    }

    #[test]
    fn a_declared_charset_is_found() {
        assert_eq!(declared_charset(b"<html><head><meta charset=\"gbk\">"), Some(encoding_rs::GBK));
        let equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />";
        assert_eq!(declared_charset(equiv), Some(encoding_rs::GBK));
        assert_eq!(declared_charset(b"<html><body>no</body>"), None);
    }
}
