//! Web pages saved as one file by a browser (MHTML: Chrome's and Edge's "Webpage, Single
//! File", `.mhtml`/`.mht`): a MIME `multipart/related` message whose first HTML part
//! is the page and whose other parts are its pictures and styles. The message is parsed
//! by `mail-parser` (transfer encodings, charsets), and the page is read by the HTML
//! reader, with the address it was saved from as its url.

use super::{html, Item, Options, Problem};

/// Whether the first bytes of an input are a saved MIME page: the message headers
/// (`MIME-Version`, a `multipart/related` content type) within its first kilobyte.
pub fn looks_like(head: &[u8], name: &str) -> bool {
    let lower: Vec<u8> = head.iter().take(2048).map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    let n = name.to_ascii_lowercase();
    let named = n.ends_with(".mhtml") || n.ends_with(".mht");
    has(b"mime-version:") && (has(b"multipart/related") || (named && has(b"content-type:")))
}

/// Reads the page of one saved MHTML file as one record. Returns whether a page was
/// found (the summary counts it).
pub fn read(path: &str, bytes: &[u8], opts: &Options, emit: &mut dyn FnMut(Item)) -> bool {
    let Some(message) = mail_parser::MessageParser::default().parse(bytes) else {
        emit(Item::Problem(Problem::file(path, "not a MIME (MHTML) message; skipped")));
        return false;
    };
    let Some(page) = message.parts.iter().find(|p| p.is_text_html()) else {
        emit(Item::Problem(Problem::file(path, "a saved page (MHTML) without an HTML part; skipped")));
        return false;
    };
    use mail_parser::MimeHeaders;
    let saved_from = message
        .header_raw("Snapshot-Content-Location")
        .map(str::trim)
        .or_else(|| page.content_location().map(str::trim))
        .filter(|u| u.starts_with("http"))
        .map(str::to_string);
    // mail-parser has decoded the part to text by its declared charset.
    let hints = html::Hints { url: saved_from, charset: Some(encoding_rs::UTF_8), ..Default::default() };
    html::read(path, page.contents().to_vec(), &hints, opts, emit);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_page_is_told_from_a_mail_and_a_page() {
        let head = b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://a.cn/x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n";
        assert!(looks_like(head, "x.bin"));
        assert!(!looks_like(b"<!DOCTYPE html><html>", "x.mhtml"));
        assert!(!looks_like(b"From: a@b.cn\r\nSubject: hi\r\n\r\nhello", "mail.eml"));
    }
}
