//! TSV, CSV and ids. TSV (default `id, date, source, score, title`, no header) is for
//! `cut`, `sort`, `awk`: fields are sanitised so a tab or newline in a title cannot
//! shift columns. CSV is RFC 4180 with a header row, for programs; `excel-csv` is the
//! same made safe to open in a spreadsheet (byte order mark, no formulas).

use std::io::{self, Write};

use sou::article::Field;
use sou::engine::{Bucket, Hits, Keywords, Line, Trend};
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

/// The snippet of each hit when the columns show one (made on every core), else blanks.
fn snippets(hits: &Hits, cols: &[Column]) -> Vec<String> {
    if cols.contains(&Column::Snippet) {
        let texts: Vec<&str> = hits.hits.iter().map(|h| h.article.text(Field::Content)).collect();
        snippet::make_many(&texts, &hits.literals, SNIPPET_WIDTH).into_iter().map(|s| s.text).collect()
    } else {
        vec![String::new(); hits.hits.len()]
    }
}

fn tsv_lines(w: &mut dyn Write, tz: &jiff::tz::TimeZone, hits: &Hits, cols: &[Column]) -> io::Result<()> {
    for (h, snip) in hits.hits.iter().zip(snippets(hits, cols)) {
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

/// RFC 4180 CSV with a header row; for a spreadsheet (`excel`) also a UTF-8 byte order
/// mark first, without which Excel reads Chinese as mojibake, and every cell a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first,
/// OWASP's rule) prefixed with `'`. Plain CSV stays byte-exact for pipelines.
pub struct Csv {
    out: Out,
    excel: bool,
    /// The byte order mark is still to be written (before the first row).
    bom: bool,
}

/// The UTF-8 byte order mark.
const BOM: &str = "\u{feff}";

impl Csv {
    /// A CSV printer, for a spreadsheet with `excel`.
    pub fn new(out: Out, excel: bool) -> Csv {
        Csv { out, excel, bom: excel }
    }

    /// Writes rows of cells.
    fn rows<R, C>(&mut self, rows: impl IntoIterator<Item = R>) -> io::Result<()>
    where
        R: IntoIterator<Item = C>,
        C: AsRef<str>,
    {
        if std::mem::take(&mut self.bom) {
            self.out.w.write_all(BOM.as_bytes())?;
        }
        let excel = self.excel;
        let mut w = csv::Writer::from_writer(&mut *self.out.w);
        for row in rows {
            w.write_record(row.into_iter().map(|c| spreadsheet_safe(c.as_ref(), excel).into_owned()))?;
        }
        w.flush()
    }
}

/// A cell a spreadsheet shows as text: with `excel`, one that would start a formula is
/// prefixed with `'` (numbers such as `-3.5` stay numbers).
fn spreadsheet_safe(cell: &str, excel: bool) -> std::borrow::Cow<'_, str> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
    if excel && formula {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

impl Printer for Csv {
    fn out(&mut self) -> &mut Out {
        &mut self.out
    }

    fn hits(&mut self, hits: &Hits) -> io::Result<()> {
        let cols = columns(&self.out);
        let tz = self.out.config.tz.clone();
        let header: Vec<String> = cols.iter().map(|c| c.name().to_string()).collect();
        let body = hits
            .hits
            .iter()
            .zip(snippets(hits, &cols))
            .map(|(h, snip)| cols.iter().map(|c| c.value(h, &tz, &snip)).collect::<Vec<_>>());
        self.rows(std::iter::once(header).chain(body))
    }

    fn counts(&mut self, key: &str, rows: &[Bucket]) -> io::Result<()> {
        let header = vec![key.to_string(), "count".to_string()];
        let body = rows.iter().map(|b| vec![clean(b.key.as_deref().unwrap_or(super::NONE)), b.count.to_string()]);
        self.rows(std::iter::once(header).chain(body))
    }

    fn kwic_start(&mut self) -> io::Result<()> {
        self.rows([["id", "date", "source", "left", "match", "right"]])
    }

    fn kwic_line(&mut self, l: &Line) -> io::Result<()> {
        let (date, source) = super::kwic::date_and_source(l);
        self.rows([[&l.id, &date, &source, &l.left, &l.matched, &l.right]])
    }

    fn trend(&mut self, t: &Trend, names: &[String], share: bool) -> io::Result<()> {
        let header: Vec<String> = std::iter::once("period".to_string()).chain(names.iter().cloned()).collect();
        self.rows(std::iter::once(header).chain(super::trend::rows(t, names.len(), share)))
    }

    fn keywords(&mut self, k: &Keywords) -> io::Result<()> {
        let significant = k.words.iter().any(|kw| kw.docs_all.is_some());
        let header: Vec<String> = if significant {
            ["word", "score", "docs", "docs_all"].map(String::from).to_vec()
        } else {
            ["word", "weight", "docs"].map(String::from).to_vec()
        };
        let body = k.words.iter().map(|kw| {
            let mut row = vec![kw.word.clone(), format!("{:.3}", kw.weight), kw.docs.to_string()];
            row.extend(kw.docs_all.map(|a| a.to_string()));
            row
        });
        self.rows(std::iter::once(header).chain(body))
    }
}
