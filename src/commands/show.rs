//! `sou show ID`: one whole article.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Result;
use serde_json::json;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{ReloadPolicy, Term};

use crate::cli::ShowArgs;
use crate::index;
use crate::ingest::dates;
use crate::output::sanitize::{clean, strip_escapes};
use crate::search::load_doc;

/// Runs `sou show`.
pub fn run(index_dir: &Path, args: &ShowArgs) -> Result<i32> {
    let tz = dates::default_tz();
    let idx = index::open(index_dir)?;
    let reader = idx.index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    let q = TermQuery::new(Term::from_field_text(idx.fields.id, &args.id), IndexRecordOption::Basic);
    let found = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
    let Some((_, addr)) = found.first() else {
        eprintln!("sou: no document with id '{}' (ids are shown by `sou search … --fields id,title`)", args.id);
        return Ok(super::NOT_FOUND);
    };
    let d = load_doc(&searcher, &idx.fields, *addr)?;
    let date = d.date.map(|t| dates::day_string(t, &tz));
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        let v = json!({
            "id": d.id, "title": d.title, "date": date, "source": d.source, "url": d.url,
            "author": d.author, "path": d.path, "content": d.content,
        });
        writeln!(out, "{v}")?;
    } else {
        writeln!(out, "{}", clean(&d.title))?;
        let mut meta = vec![format!("id: {}", clean(&d.id))];
        meta.extend(date.map(|x| format!("date: {x}")));
        meta.extend(d.source.as_deref().map(|x| format!("source: {}", clean(x))));
        meta.extend(d.author.as_deref().map(|x| format!("author: {}", clean(x))));
        writeln!(out, "{}", meta.join("   "))?;
        if let Some(u) = &d.url {
            writeln!(out, "url: {}", clean(u))?;
        }
        if let Some(p) = &d.path {
            writeln!(out, "path: {}", clean(p))?;
        }
        writeln!(out)?;
        // Paragraphs as stored; runs of blank lines folded to one.
        let body = strip_escapes(&d.content);
        let mut blank = false;
        for line in body.lines() {
            let line = line.trim_end();
            if line.trim().is_empty() {
                if !blank {
                    writeln!(out)?;
                }
                blank = true;
            } else {
                writeln!(out, "{line}")?;
                blank = false;
            }
        }
    }
    out.flush()?;
    Ok(super::FOUND)
}
