//! Web archives (WARC, ISO 28500: what Heritrix, `wget --warc-file` and Common Crawl
//! write; plain, or gzip per record, which [`super::container`] undoes first). Each
//! `response` record whose HTTP payload is an HTML page becomes a document through the
//! HTML reader, with `WARC-Target-URI` as its url and id and `WARC-Date` as the date
//! when the page has none; every other record is skipped and counted. The format is a
//! header block and a length-prefixed body per record, so it is read here as a stream,
//! one record in memory at a time.

use std::io::{self, BufRead, Read};

use super::{html, Item, Lost, Options, Problem};

/// Largest record body read; a larger one is skipped (a video, a disk image).
const MAX_RECORD: u64 = 256 << 20;

/// What a WARC file held.
#[derive(Debug, Default)]
pub struct Counts {
    /// HTML responses read as pages.
    pub pages: usize,
    /// Other records (requests, metadata, warcinfo, non-HTML responses).
    pub skipped: usize,
}

/// Reads every record of the WARC stream `input`.
pub fn read(path: &str, mut input: impl BufRead, opts: &Options, emit: &mut dyn FnMut(Item)) -> io::Result<Counts> {
    let mut counts = Counts::default();
    let mut line = Vec::new();
    let mut ordinal = 0;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if line.trim_ascii().is_empty() {
            continue;
        }
        if !line.starts_with(b"WARC/") {
            emit(Item::Problem(Problem {
                path: path.into(),
                line: 0,
                message: format!("record {}: not a WARC record header; the rest is skipped", ordinal + 1),
                lost: Lost::Unknown,
            }));
            break;
        }
        ordinal += 1;
        let headers = read_headers(&mut input)?;
        let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        let length: u64 = header("Content-Length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let is_response = header("WARC-Type").is_some_and(|t| t.eq_ignore_ascii_case("response"));
        if !is_response || length > MAX_RECORD {
            io::copy(&mut (&mut input).take(length), &mut io::sink())?;
            counts.skipped += 1;
            continue;
        }
        let mut body = Vec::with_capacity(length as usize);
        (&mut input).take(length).read_to_end(&mut body)?;
        let uri = header("WARC-Target-URI").map(|u| u.trim_matches(|c| c == '<' || c == '>').to_string());
        let date = header("WARC-Date").and_then(|d| d.parse::<jiff::Timestamp>().ok());
        match http_html(&body) {
            Some((charset, page)) => {
                let hints = html::Hints { url: uri.clone(), date, charset, id: uri };
                html::read(path, page, &hints, opts, emit);
                counts.pages += 1;
            }
            None => counts.skipped += 1,
        }
    }
    if counts.skipped > 0 {
        emit(Item::Problem(Problem {
            path: path.into(),
            line: 0,
            message: format!(
                "{} of {} records skipped (requests, metadata, responses that are not HTML pages)",
                counts.skipped,
                counts.skipped + counts.pages
            ),
            lost: Lost::Nothing,
        }));
    }
    Ok(counts)
}

/// The `Name: value` lines up to a blank line.
fn read_headers(input: &mut impl BufRead) -> io::Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 || line.trim_ascii().is_empty() {
            return Ok(headers);
        }
        let text = String::from_utf8_lossy(&line);
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
}

/// The HTML page in an HTTP response (status 2xx, `text/html` or XHTML), with the
/// charset its `Content-Type` declares; chunked transfer and gzip/deflate content
/// encodings undone.
fn http_html(response: &[u8]) -> Option<(Option<&'static encoding_rs::Encoding>, Vec<u8>)> {
    let split = memchr::memmem::find(response, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| memchr::memmem::find(response, b"\n\n").map(|i| (i, i + 2)))?;
    let head = String::from_utf8_lossy(&response[..split.0]);
    let mut lines = head.lines();
    let status = lines.next()?;
    let code = status.split_whitespace().nth(1)?;
    if !code.starts_with('2') {
        return None;
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())))
        .collect();
    let get = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.to_ascii_lowercase());
    let content_type = get("content-type").unwrap_or_default();
    let mut body = response[split.1..].to_vec();
    if get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        body = dechunk(&body);
    }
    match get("content-encoding").as_deref() {
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&body[..]).read_to_end(&mut out).ok()?;
            body = out;
        }
        Some("deflate") => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&body[..]).read_to_end(&mut out).ok()?;
            body = out;
        }
        _ => {}
    }
    let is_html = content_type.contains("html") || (content_type.is_empty() && html::looks_like(&body, ""));
    if !is_html {
        return None;
    }
    let charset = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("charset=").map(|c| c.trim_matches('"').to_string()))
        .and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()));
    Some((charset, body))
}

/// The body of a chunked HTTP message (what is readable of it, when cut short).
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    while let Some(eol) = memchr::memmem::find(body, b"\r\n") {
        let size = std::str::from_utf8(&body[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok());
        let Some(size) = size else { break };
        let start = eol + 2;
        if size == 0 || start >= body.len() {
            break;
        }
        let end = (start + size).min(body.len());
        out.extend_from_slice(&body[start..end]);
        body = body.get(end + 2..).unwrap_or(&[]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_gzip_response_gives_its_page_and_charset() {
        let page = "<html><body><p>上海</p></body></html>";
        let chunked = format!("{:x}\r\n{}\r\n0\r\n\r\n", page.len(), page);
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}"
        );
        let (charset, body) = http_html(response.as_bytes()).expect("html");
        assert_eq!(charset, Some(encoding_rs::UTF_8));
        assert_eq!(body, page.as_bytes());
        assert!(http_html(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html></html>").is_none());
        assert!(http_html(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG").is_none());
    }
}
