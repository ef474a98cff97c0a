//! News feeds — RSS 0.9x/1.0/2.0, Atom and JSON Feed, parsed by `feed-rs` — one record
//! per item: its title, its content (or description) with the HTML stripped, its date
//! (published, else updated), author, and link as url and id; the source is the feed's
//! title.

use super::{html, Item, Problem, Record};
use crate::article::Field;

/// Whether the first bytes of an input are a feed: XML whose root is `<rss>`, `<feed>`
/// or `<rdf:RDF>`, or a JSON Feed object.
pub fn looks_like(head: &[u8]) -> bool {
    let start = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let lower: Vec<u8> = start.iter().take(4096).map(u8::to_ascii_lowercase).collect();
    let trimmed = lower.trim_ascii_start();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if trimmed.starts_with(b"{") {
        return has(b"jsonfeed.org/version");
    }
    trimmed.starts_with(b"<") && (has(b"<rss") || has(b"<feed") || has(b"<rdf:rdf")) && !has(b"<html")
}

/// Reads every item of the feed in `bytes`; returns how many records it emitted.
pub fn read(path: &str, bytes: &[u8], emit: &mut dyn FnMut(Item)) -> usize {
    let feed = match feed_rs::parser::parse(bytes) {
        Ok(f) => f,
        Err(e) => {
            emit(Item::Problem(Problem::file(path, &format!("not a readable feed ({e}); skipped"))));
            return 0;
        }
    };
    let source = feed.title.as_ref().map(|t| html::fragment_text(&t.content)).filter(|t| !t.is_empty());
    let feed_author = feed.authors.iter().find_map(|p| p.name.clone());
    if feed.entries.is_empty() {
        emit(Item::Problem(Problem {
            path: path.into(),
            line: 0,
            message: "a feed without items".into(),
            lost: super::Lost::Nothing,
        }));
    }
    let mut n = 0;
    for (i, entry) in feed.entries.iter().enumerate() {
        let link =
            entry.links.iter().find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate")).map(|l| l.href.clone());
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
            .unwrap_or_default();
        let title = entry.title.as_ref().map(|t| html::fragment_text(&t.content)).unwrap_or_default();
        let text = html::fragment_text(&body);
        if title.is_empty() && text.is_empty() {
            emit(Item::Problem(Problem {
                path: path.into(),
                line: 0,
                message: format!("item {}: no title and no text; skipped", i + 1),
                lost: super::Lost::One,
            }));
            continue;
        }
        let mut r = Record::at(path, 1, i + 1, false);
        let a = &mut r.article;
        let id = link.clone().or_else(|| Some(entry.id.clone()).filter(|id| !id.is_empty()));
        a.set(Field::Id, id);
        a.set(Field::Title, Some(title));
        a.set(Field::Content, Some(text));
        a.set(Field::Url, link);
        a.set(Field::Source, source.clone());
        a.set(Field::Author, entry.authors.iter().find_map(|p| p.name.clone()).or_else(|| feed_author.clone()));
        a.date = entry
            .published
            .or(entry.updated)
            .and_then(|d| jiff::Timestamp::new(d.timestamp(), d.timestamp_subsec_nanos() as i32).ok());
        emit(Item::Record(r));
        n += 1;
    }
    n
}
