//! JSON Lines: one object per hit (keys: `rank`, `score`, `snippet` and the fields the
//! field table marks for hits), per count, per keyword; one object for stats and
//! articles — for `jq`.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use jiff::tz::TimeZone;
use sou::article::{Article, Field, Kind, Spec, FIELDS};
use sou::engine::{Bucket, Hit, Hits, Keyword, Keywords, Line, Stats, Trend};
use sou::snippet;

use super::{Out, Printer, SNIPPET_WIDTH};

/// The fields of `a` that `keep` selects, under their names: dates as `YYYY-MM-DD` (and
/// `datetime`, RFC 3339 in `tz`),
/// fields every article has as strings, the others as strings or null.
pub fn article_object(tz: &TimeZone, a: &Article, keep: impl Fn(&Spec) -> bool) -> Map<String, Value> {
    let mut m = Map::new();
    for spec in FIELDS.iter().filter(|s| keep(s)) {
        let v = match spec.kind {
            Kind::Date => {
                // The instant beside the day: the time of day where the source gave one.
                m.insert("datetime".into(), json!(a.date.map(|t| super::text::local_time(t, tz))));
                json!(a.day(tz).map(|d| d.to_string()))
            }
            _ if spec.always => json!(a.text(spec.field)),
            _ => json!(a.get(spec.field)),
        };
        m.insert(spec.name.to_string(), v);
    }
    m
}

/// The snippet hits carry in JSON.
pub fn hit_snippet(h: &Hit, literals: &[String]) -> snippet::Snippet {
    snippet::make(h.article.text(Field::Content), literals, SNIPPET_WIDTH)
}

/// The snippets of every hit of `hits`, in order, made on every core.
pub fn hit_snippets(hits: &Hits) -> Vec<snippet::Snippet> {
    let texts: Vec<&str> = hits.hits.iter().map(|h| h.article.text(Field::Content)).collect();
    snippet::make_many(&texts, &hits.literals, SNIPPET_WIDTH)
}

/// A hit as the CLI's `--json` prints it: rank, score, snippet (from [`hit_snippet`])
/// and the hit fields.
pub fn hit_object(tz: &TimeZone, h: &Hit, snippet: &str) -> Map<String, Value> {
    let mut m = article_object(tz, &h.article, |s| s.in_hit_json);
    m.insert("rank".into(), json!(h.rank));
    m.insert("score".into(), json!(h.score));
    m.insert("snippet".into(), json!(snippet));
    if let Some(n) = h.occurrences {
        m.insert("occurrences".into(), json!(n));
    }
    if let Some(s) = &h.story {
        m.insert("story".into(), json!(s.id));
        if let Some(n) = s.copies {
            m.insert("copies".into(), json!(n));
            let first = s.first_date.map(|t| t.to_zoned(tz.clone()).date().to_string());
            m.insert("first_date".into(), json!(first));
            m.insert("first_source".into(), json!(s.first_source));
        }
    }
    m
}

/// A keyword as `{"word", "weight", "docs"}`.
pub fn keyword_value(kw: &Keyword) -> Value {
    let weight = (kw.weight * 1000.0).round() / 1000.0;
    match kw.docs_all {
        // Significant terms: the score and both document counts, to check the enrichment.
        Some(all) => json!({"word": kw.word, "score": weight, "docs": kw.docs, "docs_all": all}),
        None => json!({"word": kw.word, "weight": weight, "docs": kw.docs}),
    }
}

/// The description of an index as `sou stats --json` prints it.
pub fn stats_value(s: &Stats, tz: &jiff::tz::TimeZone) -> Value {
    json!({
        "index": s.index,
        "documents": s.documents,
        "undated": s.undated,
        "earliest": s.earliest.map(|d| d.to_string()),
        "latest": s.latest.map(|d| d.to_string()),
        "sources": s.sources.iter().map(|b| json!({"source": b.key, "count": b.count})).collect::<Vec<_>>(),
        "without_source": s.without_source,
        "stories": s.stories,
        "copies": s.copies,
        "dup_threshold": s.dup_threshold,
        "size_bytes": s.size_bytes,
        "segments": s.segments,
        "tokenizer": s.tokenizer,
        "dictionary": s.dictionary,
        "user_words": s.user_words,
        "last_indexed": s.last_indexed.map(|t| super::text::local_time(t, tz)),
    })
}

fn line(w: &mut dyn Write, v: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *w, v)?;
    w.write_all(b"\n")
}

/// JSON Lines.
pub struct Jsonl(pub Out);

impl Printer for Jsonl {
    fn out(&mut self) -> &mut Out {
        &mut self.0
    }

    fn hits(&mut self, hits: &Hits) -> io::Result<()> {
        for (h, snip) in hits.hits.iter().zip(hit_snippets(hits)) {
            line(&mut self.0.w, &Value::Object(hit_object(&self.0.config.tz, h, &snip.text)))?;
        }
        Ok(())
    }

    fn count(&mut self, n: usize) -> io::Result<()> {
        line(&mut self.0.w, &json!({ "count": n }))
    }

    fn copies(&mut self, copies: &[sou::engine::Copy]) -> io::Result<()> {
        for c in copies {
            line(&mut self.0.w, &super::stories::copy_value(c, &self.0.config.tz))?;
        }
        Ok(())
    }

    fn dups(&mut self, dups: &[sou::engine::Dup]) -> io::Result<()> {
        for d in dups {
            line(&mut self.0.w, &super::stories::dup_value(d, &self.0.config.tz))?;
        }
        Ok(())
    }

    fn counts(&mut self, key: &str, rows: &[Bucket]) -> io::Result<()> {
        for b in rows {
            line(&mut self.0.w, &json!({ key: b.key, "count": b.count }))?;
        }
        Ok(())
    }

    fn keywords(&mut self, k: &Keywords) -> io::Result<()> {
        for kw in &k.words {
            line(&mut self.0.w, &keyword_value(kw))?;
        }
        Ok(())
    }

    fn stats(&mut self, s: &Stats) -> io::Result<()> {
        let v = stats_value(s, &self.0.config.tz);
        line(&mut self.0.w, &v)
    }

    fn article(&mut self, a: &Article) -> io::Result<()> {
        line(&mut self.0.w, &Value::Object(article_object(&self.0.config.tz, a, |_| true)))
    }

    fn kwic_line(&mut self, l: &Line) -> io::Result<()> {
        let v = json!({"id": l.id, "date": l.date.map(|d| d.to_string()), "source": l.source,
            "left": l.left, "match": l.matched, "right": l.right, "offset": l.offset});
        line(&mut self.0.w, &v)
    }

    fn kwic_count(&mut self, lines: usize, docs: usize) -> io::Result<()> {
        line(&mut self.0.w, &json!({"occurrences": lines, "documents": docs}))
    }

    fn trend(&mut self, t: &Trend, names: &[String], share: bool) -> io::Result<()> {
        for (p, period) in t.periods.iter().enumerate() {
            for (q, name) in names.iter().enumerate() {
                let mut v = json!({"period": period, "query": name, "count": t.series[q][p]});
                if share {
                    v["share"] = json!(super::trend::value(t, q, p, true));
                }
                line(&mut self.0.w, &v)?;
            }
        }
        Ok(())
    }
}
