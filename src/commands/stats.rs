//! `sou stats`: what the index holds.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Result;
use serde_json::json;
use tantivy::query::AllQuery;
use tantivy::ReloadPolicy;

use crate::aggregate;
use crate::analysis::dictionary::{Dictionary, DEFAULT_WORDS};
use crate::cli::StatsArgs;
use crate::index;
use crate::ingest::dates;

/// Total size of the files in `dir`.
fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()
        })
        .unwrap_or(0)
}

/// Runs `sou stats`.
pub fn run(index_dir: &Path, args: &StatsArgs) -> Result<i32> {
    let tz = dates::default_tz();
    let idx = index::open(index_dir)?;
    let reader = idx.index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    let documents = searcher.num_docs();
    let (earliest, latest, dated) = aggregate::date_range(&searcher, &AllQuery)?;
    let sources = aggregate::per_source(&searcher, &AllQuery)?;
    let unsourced = documents - sources.iter().map(|s| s.1).sum::<u64>().min(documents);
    let size = dir_size(index_dir);
    let dict = Dictionary::load(index_dir)?;
    let modified = std::fs::metadata(index_dir.join("meta.json"))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|t| t.to_zoned(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string());
    let day = |t: Option<jiff::Timestamp>| t.map(|t| dates::day_string(t, &tz));
    let tokenizer = "jieba words (BM25) + CJK characters and letter/digit words with positions (exact literals)";
    let dictionary = format!("jieba default ({DEFAULT_WORDS} words) + {} user words", dict.user_words());
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        let v = json!({
            "index": index_dir.display().to_string(),
            "documents": documents,
            "undated": documents - dated.min(documents),
            "earliest": day(earliest),
            "latest": day(latest),
            "sources": sources.iter().map(|(s, c)| json!({"source": s, "count": c})).collect::<Vec<_>>(),
            "without_source": unsourced,
            "size_bytes": size,
            "segments": searcher.segment_readers().len(),
            "tokenizer": tokenizer,
            "dictionary": dictionary,
            "user_words": dict.user_words(),
            "last_indexed": modified,
        });
        writeln!(out, "{v}")?;
    } else {
        writeln!(out, "index         {}", index_dir.display())?;
        writeln!(out, "documents     {documents}")?;
        writeln!(out, "dated         {} ({} undated)", dated, documents - dated.min(documents))?;
        writeln!(
            out,
            "date range    {} … {}",
            day(earliest).unwrap_or_else(|| "-".into()),
            day(latest).unwrap_or_else(|| "-".into())
        )?;
        writeln!(out, "sources       {} ({unsourced} documents without one)", sources.len())?;
        for (s, c) in sources.iter().take(20) {
            writeln!(out, "  {c:>8}  {}", crate::output::sanitize::clean(s))?;
        }
        if sources.len() > 20 {
            writeln!(out, "  … and {} more (sou stats --json lists all)", sources.len() - 20)?;
        }
        writeln!(out, "size          {:.1} MB", size as f64 / 1e6)?;
        writeln!(out, "tokenizer     {tokenizer}")?;
        writeln!(out, "dictionary    {dictionary}")?;
        writeln!(out, "last indexed  {}", modified.unwrap_or_else(|| "-".into()))?;
    }
    out.flush()?;
    Ok(super::FOUND)
}
