//! JSON Lines: one object per hit (keys: `rank`, `score`, `snippet` and the fields the
//! field table marks for hits), per count, per keyword; one object for stats and
//! articles — for `jq`.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use sou::article::{Article, Field, Kind, Spec, FIELDS};
use sou::engine::{Bucket, Engine, Hits, Keywords, Stats};
use sou::snippet;

use super::{Out, Printer, SNIPPET_WIDTH};

/// The fields of `a` that `keep` selects, under their names: dates as `YYYY-MM-DD`,
/// fields every article has as strings, the others as strings or null.
pub fn article_object(engine: &Engine, a: &Article, keep: impl Fn(&Spec) -> bool) -> Map<String, Value> {
    let mut m = Map::new();
    for spec in FIELDS.iter().filter(|s| keep(s)) {
        let v = match spec.kind {
            Kind::Date => json!(engine.day(a).map(|d| d.to_string())),
            _ if spec.always => json!(a.text(spec.field)),
            _ => json!(a.get(spec.field)),
        };
        m.insert(spec.name.to_string(), v);
    }
    m
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

    fn hits(&mut self, engine: &Engine, hits: &Hits) -> io::Result<()> {
        for h in &hits.hits {
            let mut m = article_object(engine, &h.article, |s| s.in_hit_json);
            m.insert("rank".into(), json!(h.rank));
            m.insert("score".into(), json!(h.score));
            let snip = snippet::make(h.article.text(Field::Content), &hits.literals, SNIPPET_WIDTH);
            m.insert("snippet".into(), json!(snip.text));
            line(&mut self.0.w, &Value::Object(m))?;
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
            let weight = (kw.weight * 1000.0).round() / 1000.0;
            line(&mut self.0.w, &json!({"word": kw.word, "weight": weight, "docs": kw.docs}))?;
        }
        Ok(())
    }

    fn stats(&mut self, s: &Stats) -> io::Result<()> {
        let tz = &self.0.settings.tz;
        let v = json!({
            "index": s.index,
            "documents": s.documents,
            "undated": s.undated,
            "earliest": s.earliest.map(|d| d.to_string()),
            "latest": s.latest.map(|d| d.to_string()),
            "sources": s.sources.iter().map(|b| json!({"source": b.key, "count": b.count})).collect::<Vec<_>>(),
            "without_source": s.without_source,
            "size_bytes": s.size_bytes,
            "segments": s.segments,
            "tokenizer": s.tokenizer,
            "dictionary": s.dictionary,
            "user_words": s.user_words,
            "last_indexed": s.last_indexed.map(|t| super::text::local_time(t, tz)),
        });
        line(&mut self.0.w, &v)
    }

    fn article(&mut self, engine: &Engine, a: &Article) -> io::Result<()> {
        line(&mut self.0.w, &Value::Object(article_object(engine, a, |_| true)))
    }
}
