//! TSV, CSV and ids. TSV (default `id, date, source, score, title`, no header) is for
//! `cut`, `sort`, `awk`: fields are sanitised so a tab or newline in a title cannot
//! shift columns. CSV is RFC 4180 with a header row, for spreadsheets.

use std::io::{self, Write};

use sou::article::Field;
use sou::engine::{Bucket, Hit, Hits, Keywords, Line, Trend};
use sou::sanitize::clean;
use sou::snippet;

use super::columns::Column;
use super::{Out, Printer, SNIPPET_WIDTH};

/// Default TSV/CSV columns.
pub(super) const DEFAULT: [Column; 5] = [
    Column::Field(Field::Id),
    Column::Field(Field::Date),
    Column::Field(Field::Source),
    Column::Score,
    Column::Field(Field::Title),
];

fn columns(out: &Out) -> Vec<Column> {
    out.config.columns.clone().unwrap_or_else(|| DEFAULT.to_vec())
}

fn snippet_for(h: &Hit, cols: &[Column], literals: &[String]) -> String {
    if cols.contains(&Column::Snippet) {
        snippet::make(h.article.text(Field::Content), literals, SNIPPET_WIDTH).text
    } else {
        String::new()
    }
}

fn tsv_lines(w: &mut dyn Write, tz: &jiff::tz::TimeZone, hits: &Hits, cols: &[Column]) -> io::Result<()> {
    for h in &hits.hits {
        let snip = snippet_for(h, cols, &hits.literals);
        let line: Vec<String> = cols.iter().map(|c| c.value(h, tz, &snip)).collect();
        writeln!(w, "{}", line.join("\t"))?;
    }
    Ok(())
}

/// `label<TAB>count` lines.
pub fn counts_tsv(w: &mut dyn Write, rows: &[Bucket]) -> io::Result<()> {
    for b in rows {
        writeln!(w, "{}\t{}", clean(b.key.as_deref().unwrap_or(super::NONE)), b.count)?;
    }
    Ok(())
}

/// `word<TAB>weight<TAB>docs` lines.
pub fn keywords_tsv(w: &mut dyn Write, k: &Keywords) -> io::Result<()> {
    for kw in &k.words {
        match kw.docs_all {
            Some(all) => writeln!(w, "{}\t{:.3}\t{}\t{all}", kw.word, kw.weight, kw.docs)?,
            None => writeln!(w, "{}\t{:.3}\t{}", kw.word, kw.weight, kw.docs)?,
        }
    }
    Ok(())
}

/// Tab-separated values, no header.
pub struct Tsv(pub Out);

impl Printer for Tsv {
    fn out(&mut self) -> &mut Out {
        &mut self.0
    }

    fn hits(&mut self, hits: &Hits) -> io::Result<()> {
        let cols = columns(&self.0);
        tsv_lines(&mut self.0.w, &self.0.config.tz, hits, &cols)
    }
}

/// One document id a line.
pub struct Ids(pub Out);

impl Printer for Ids {
    fn out(&mut self) -> &mut Out {
        &mut self.0
    }

    fn hits(&mut self, hits: &Hits) -> io::Result<()> {
        tsv_lines(&mut self.0.w, &self.0.config.tz, hits, &[Column::Field(Field::Id)])
    }

    fn kwic_line(&mut self, l: &Line) -> io::Result<()> {
        writeln!(self.0.w, "{}", l.id)
    }
}

/// RFC 4180 CSV with a header row.
pub struct Csv(pub Out);

impl Printer for Csv {
    fn out(&mut self) -> &mut Out {
        &mut self.0
    }

    fn hits(&mut self, hits: &Hits) -> io::Result<()> {
        let cols = columns(&self.0);
        let tz = self.0.config.tz.clone();
        let mut w = csv::Writer::from_writer(&mut *self.0.w);
        w.write_record(cols.iter().map(|c| c.name()))?;
        for h in &hits.hits {
            let snip = snippet_for(h, &cols, &hits.literals);
            w.write_record(cols.iter().map(|c| c.value(h, &tz, &snip)))?;
        }
        w.flush()
    }

    fn counts(&mut self, key: &str, rows: &[Bucket]) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(&mut *self.0.w);
        w.write_record([key, "count"])?;
        for b in rows {
            w.write_record([clean(b.key.as_deref().unwrap_or(super::NONE)), b.count.to_string()])?;
        }
        w.flush()
    }

    fn kwic_start(&mut self) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(&mut *self.0.w);
        w.write_record(["id", "date", "source", "left", "match", "right"])?;
        w.flush()
    }

    fn kwic_line(&mut self, l: &Line) -> io::Result<()> {
        let (date, source) = super::kwic::date_and_source(l);
        let mut w = csv::Writer::from_writer(&mut *self.0.w);
        w.write_record([&l.id, &date, &source, &l.left, &l.matched, &l.right])?;
        w.flush()
    }

    fn trend(&mut self, t: &Trend, names: &[String], share: bool) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(&mut *self.0.w);
        w.write_record(std::iter::once("period").chain(names.iter().map(String::as_str)))?;
        for row in super::trend::rows(t, names.len(), share) {
            w.write_record(&row)?;
        }
        w.flush()
    }

    fn keywords(&mut self, k: &Keywords) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(&mut *self.0.w);
        let significant = k.words.iter().any(|kw| kw.docs_all.is_some());
        if significant {
            w.write_record(["word", "score", "docs", "docs_all"])?;
        } else {
            w.write_record(["word", "weight", "docs"])?;
        }
        for kw in &k.words {
            let mut row = vec![kw.word.clone(), format!("{:.3}", kw.weight), kw.docs.to_string()];
            row.extend(kw.docs_all.map(|a| a.to_string()));
            w.write_record(row)?;
        }
        w.flush()
    }
}
