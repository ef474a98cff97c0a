//! OpenSearch 2 and Elasticsearch 8: one index over the cluster's shards, loaded with the
//! bulk API, queried with the query DSL (`dfs_query_then_fetch`, so every shard ranks
//! with the statistics of the whole index).
//!
//! The mapping, derived from the field table: per searchable text field `{name}_words`
//! (whitespace analyzer, frequencies, norms: BM25 k1 1.2 b 0.75) and `{name}_chars`
//! (whitespace analyzer, positions, no norms), both [`super::handoff`] tokens; exact
//! values (`id`, `source`, `author`) as keywords; `date` in epoch seconds; the article
//! itself in `_source`, without the tokens.

pub mod client;
pub mod export;
pub mod query;

use anyhow::{anyhow, Result};
use serde_json::{json, Map, Value};

use crate::article::{Field, Kind, FIELDS};
use crate::remote::handoff::view_field;

/// The analyzer that only splits on white space: sou has done the rest.
pub(crate) const ANALYZER: &str = "sou_tokens";

/// Where an OpenSearch index answers: `http://HOST:PORT/INDEX`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// `http://HOST:PORT`, no trailing slash.
    pub base: String,
    /// The index name.
    pub index: String,
}

impl Address {
    /// Parses the part of an engine URL after `opensearch+`.
    pub fn parse(rest: &str) -> Result<Address> {
        let Some(after) = rest.strip_prefix("http://") else {
            return Err(anyhow!(
                "opensearch+{rest}: only http:// is supported (for https, put a local proxy such as `ssh -L` in front)"
            ));
        };
        let (host, index) = after.split_once('/').unwrap_or((after, "sou"));
        let index = index.trim_end_matches('/');
        let index = if index.is_empty() { "sou" } else { index };
        if host.is_empty() {
            return Err(anyhow!("no host in opensearch+{rest}"));
        }
        check_index_name(index)?;
        Ok(Address { base: format!("http://{host}"), index: index.to_string() })
    }
}

/// An error unless `name` can name an index (lower-case letters, digits, `_ - .`, not
/// starting with `_ - .`): what OpenSearch and Elasticsearch accept.
pub fn check_index_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && !name.starts_with(['_', '-', '.'])
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(anyhow!("'{name}' is not an OpenSearch index name (lower-case letters, digits and _ - ., not starting with _ - or .)"))
    }
}

/// Whether `f` is kept as an exact keyword (and filtered or counted on).
pub(crate) fn is_keyword(f: Field) -> bool {
    let s = f.spec();
    s.kind == Kind::Id || s.kind == Kind::Keyword || s.counted
}

/// The settings and mappings of the index: `index.json`.
pub(crate) fn index_body(shards: usize) -> Value {
    let mut properties = Map::new();
    for (f, _) in Field::texts() {
        properties.insert(
            view_field(f, "words"),
            json!({"type": "text", "analyzer": ANALYZER, "index_options": "freqs", "norms": true, "similarity": "sou_bm25"}),
        );
        properties.insert(
            view_field(f, "chars"),
            json!({"type": "text", "analyzer": ANALYZER, "index_options": "positions", "norms": false, "similarity": "sou_bm25"}),
        );
    }
    for spec in &FIELDS {
        let mapping = match spec.kind {
            Kind::Date => json!({"type": "date", "format": "epoch_second"}),
            _ if is_keyword(spec.field) => json!({"type": "keyword"}),
            Kind::Text { .. } => json!({"type": "text", "index": false}),
            _ => json!({"type": "keyword", "index": false, "doc_values": false}),
        };
        properties.insert(spec.name.to_string(), mapping);
    }
    json!({
        "settings": {
            "index": {"number_of_shards": shards.max(1), "number_of_replicas": 0},
            "similarity": {"sou_bm25": {"type": "BM25", "k1": 1.2, "b": 0.75}},
            "analysis": {"analyzer": {ANALYZER: {"type": "custom", "tokenizer": "whitespace", "filter": []}}}
        },
        "mappings": {
            // Boosts are applied by sou's queries (mapping-level boosts are deprecated);
            // recorded here so the index says how it is meant to be searched.
            "_meta": {
                "written_by": "sou export --to opensearch",
                "index_format": crate::index::meta::FORMAT,
                "boosts": Field::texts().map(|(f, b)| (f.name().to_string(), json!(b))).collect::<Map<String, Value>>(),
                "character_view_weight": (f64::from(crate::query::build::LITERAL_WEIGHT) * 1e4).round() / 1e4,
                "tokens": "sou does the analysis: *_chars are x+hex code points per character, g per punctuation or space gap; *_words are jieba words, same encoding; search with sou search --engine"
            },
            "dynamic": "strict",
            "_source": {"excludes": ["*_words", "*_chars"]},
            "properties": properties
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_need_http_a_host_and_a_valid_index() {
        let a = Address::parse("http://localhost:9200/news").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((a.base.as_str(), a.index.as_str()), ("http://localhost:9200", "news"));
        assert_eq!(Address::parse("http://h:9200").map(|a| a.index).ok().as_deref(), Some("sou"));
        assert!(Address::parse("https://h:9200/sou").is_err());
        assert!(Address::parse("http:///sou").is_err());
        assert!(Address::parse("http://h/Bad Name").is_err());
        assert!(check_index_name("news-2025.v1").is_ok());
        assert!(check_index_name("_sou").is_err() && check_index_name("Sou").is_err() && check_index_name("").is_err());
    }
}
