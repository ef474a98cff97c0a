//! Word documents (DOCX, and OpenDocument ODT): zips of XML. The paragraphs are read in
//! order into plain text, which the plain-text reader turns into an article (the same
//! header rules for source, author and date); the title is the first heading (or the
//! document's title property) when it has one, and the date comes from the document's
//! properties when the text has none.

use std::io::{Read, Seek};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{text, Item, Options, Problem};
use crate::article::Field;

/// The tags of one word-processing format.
struct Dialect {
    /// The XML part holding the body.
    body: &'static str,
    /// The XML part holding the document's properties.
    properties: &'static str,
    /// A paragraph (local names).
    paragraphs: &'static [&'static [u8]],
    /// A heading paragraph when its style says so: DOCX marks it with a style
    /// (`w:pStyle`), ODT with its own tag.
    headings: &'static [&'static [u8]],
    /// Text runs.
    text: &'static [u8],
    /// A tab.
    tab: &'static [u8],
    /// A line break.
    breaks: &'static [&'static [u8]],
    /// Space runs (`<text:s text:c="3"/>`).
    spaces: Option<&'static [u8]>,
    /// Whether text outside the text tag counts (ODT puts text straight in paragraphs).
    loose_text: bool,
}

const DOCX: Dialect = Dialect {
    body: "word/document.xml",
    properties: "docProps/core.xml",
    paragraphs: &[b"p"],
    headings: &[],
    text: b"t",
    tab: b"tab",
    breaks: &[b"br", b"cr"],
    spaces: None,
    loose_text: false,
};

const ODT: Dialect = Dialect {
    body: "content.xml",
    properties: "meta.xml",
    paragraphs: &[b"p", b"h"],
    headings: &[b"h"],
    text: b"span",
    tab: b"tab",
    breaks: &[b"line-break"],
    spaces: Some(b"s"),
    loose_text: true,
};

/// Whether a zip archive is a word-processing document sou reads as one article.
pub fn is_docx<R: Read + Seek>(zip: &zip::ZipArchive<R>) -> bool {
    dialect(zip).is_some()
}

fn dialect<R: Read + Seek>(zip: &zip::ZipArchive<R>) -> Option<&'static Dialect> {
    if zip.index_for_name("word/document.xml").is_some() {
        Some(&DOCX)
    } else if zip.index_for_name("content.xml").is_some()
        && zip.index_for_name("mimetype").is_some()
        && zip.index_for_name("META-INF/manifest.xml").is_some()
    {
        Some(&ODT)
    } else {
        None
    }
}

/// Reads the document in `zip` as one article.
pub fn read<R: Read + Seek>(path: &str, zip: &mut zip::ZipArchive<R>, opts: &Options, emit: &mut dyn FnMut(Item)) {
    let Some(d) = dialect(zip) else { return };
    let part = |zip: &mut zip::ZipArchive<R>, name: &str| -> Option<String> {
        let mut s = String::new();
        let f = zip.by_name(name).ok()?;
        f.take(256 << 20).read_to_string(&mut s).ok()?;
        Some(s)
    };
    let Some(body) = part(zip, d.body) else {
        emit(Item::Problem(Problem::file(path, &format!("a document without a readable {}; skipped", d.body))));
        return;
    };
    let props = part(zip, d.properties).map(|p| properties(&p, &opts.tz)).unwrap_or_default();
    let (paragraphs, heading) = match paragraphs(&body, d) {
        Ok(p) => p,
        Err(e) => {
            emit(Item::Problem(Problem::file(path, &format!("a broken document ({e}); skipped"))));
            return;
        }
    };
    let text = paragraphs.join("\n");
    if text.trim().is_empty() {
        emit(Item::Problem(Problem::file(path, "a document without text; skipped")));
        return;
    }
    let title = heading.or(props.title.clone());
    text::read(path, &text, opts, &mut |item| match item {
        Item::Record(mut r) => {
            let a = &mut r.article;
            if let Some(t) = &title {
                a.set(Field::Title, Some(t.clone()));
            }
            if a.date.is_none() {
                a.date = props.date;
            }
            if a.get(Field::Author).is_none() {
                a.set(Field::Author, props.author.clone());
            }
            emit(Item::Record(r));
        }
        other => emit(other),
    });
}

/// The paragraphs of a document body, and the text of its first heading.
fn paragraphs(xml: &str, d: &Dialect) -> Result<(Vec<String>, Option<String>), quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut heading = None;
    let (mut current, mut in_par, mut in_text, mut is_heading) = (String::new(), false, false, false);
    loop {
        match reader.read_event()? {
            Event::Start(e) | Event::Empty(e) if d.paragraphs.contains(&e.local_name().as_ref()) && !in_par => {
                in_par = true;
                is_heading = d.headings.contains(&e.local_name().as_ref());
                current.clear();
            }
            Event::Start(e) if e.local_name().as_ref() == d.text => in_text = true,
            Event::Empty(e) | Event::Start(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if name == b"pStyle" {
                    let style = e.try_get_attribute("w:val").ok().flatten().map(|a| a.value.to_ascii_lowercase());
                    is_heading |= style.is_some_and(|s| {
                        s.starts_with(b"heading") || s == b"title" || s.iter().all(u8::is_ascii_digit)
                    });
                } else if name == d.tab {
                    current.push('\t');
                } else if d.breaks.contains(&name) {
                    current.push('\n');
                } else if Some(name) == d.spaces {
                    let n = e
                        .try_get_attribute("text:c")
                        .ok()
                        .flatten()
                        .and_then(|a| std::str::from_utf8(&a.value).ok()?.parse().ok());
                    current.push_str(&" ".repeat(n.unwrap_or(1usize).min(100)));
                }
            }
            Event::Text(t) if in_par && (in_text || d.loose_text) => current.push_str(&t.xml10_content()?),
            Event::GeneralRef(r) if in_par && (in_text || d.loose_text) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    current.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_xml_entity(&r.decode()?) {
                    current.push_str(s);
                }
            }
            Event::End(e) if e.local_name().as_ref() == d.text => in_text = false,
            Event::End(e) if d.paragraphs.contains(&e.local_name().as_ref()) && in_par => {
                in_par = false;
                let p = current.trim().to_string();
                if !p.is_empty() {
                    if is_heading && heading.is_none() && out.is_empty() {
                        heading = Some(p.clone());
                    }
                    out.push(p);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((out, heading))
}

/// A document's title, author and date properties.
#[derive(Default)]
struct Properties {
    title: Option<String>,
    author: Option<String>,
    date: Option<jiff::Timestamp>,
}

fn properties(xml: &str, tz: &jiff::tz::TimeZone) -> Properties {
    let mut reader = Reader::from_str(xml);
    let mut p = Properties::default();
    let mut at: Vec<u8> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => at = e.local_name().as_ref().to_vec(),
            Ok(Event::Text(t)) => {
                let value = t.xml10_content().map(|v| v.trim().to_string()).unwrap_or_default();
                if value.is_empty() {
                    continue;
                }
                match at.as_slice() {
                    b"title" => p.title = Some(value),
                    b"creator" | b"initial-creator" if p.author.is_none() => p.author = Some(value),
                    b"created" | b"creation-date" => p.date = crate::dates::parse_timestamp(&value, tz).or(p.date),
                    _ => {}
                }
            }
            Ok(Event::End(_)) => at.clear(),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    p
}
