//! Beyond one machine: the same documents, queries and answers on a distributed engine.
//!
//! - [`handoff`]: sou's analysis as plain tokens, so the engine's matching stays exact.
//! - [`export`]: the documents of an index (or of a selection) with their tokens, for
//!   each engine's loader.
//! - [`sphinx`], [`opensearch`]: each engine's export format, query translation (from
//!   the same query tree as the local engine) and client, a [`crate::engine::Backend`].

pub mod export;
pub mod handoff;
pub mod opensearch;
pub mod sphinx;

use anyhow::{anyhow, Result};
use jiff::tz::TimeZone;

use crate::analysis::dictionary::Dictionary;
use crate::analysis::segment::QuerySegmenter;
use crate::engine::{self, Backend, Selection};
use crate::query::build::{query_segmenter, Filters};
use crate::query::parse;

/// What every remote engine translates: the selection's query (every document without
/// one), its filters in `tz`, and (when `ranked`) the segmenter of its words.
pub(crate) fn prepared(
    sel: &Selection,
    tz: &TimeZone,
    dictionary: &Dictionary,
    ranked: bool,
) -> Result<(parse::Query, Filters, Option<QuerySegmenter>)> {
    if sel.whole_words {
        return Err(anyhow!("-w / --word works on the local index only (it re-segments each candidate)"));
    }
    if sel.collapse {
        return Err(anyhow!("--collapse works on the local index only (its stories are grouped by `sou index`)"));
    }
    let filters = engine::filters(sel, tz)?;
    let q = sel.query.clone().unwrap_or_default();
    let words = ranked.then(|| query_segmenter(&q, dictionary));
    Ok((q, filters, words))
}

/// Refuses what only the local index can do with a page: counting the query's
/// occurrences in each hit (`--sort occurrences`, the `occurrences` column).
pub(crate) fn check_page(page: &crate::engine::Page) -> Result<()> {
    if page.occurrences || page.sort.by_occurrences() {
        return Err(anyhow!(
            "--sort occurrences and the occurrences column work on the local index only (they count positions in its character view)"
        ));
    }
    Ok(())
}

/// The engine at `url`: `sphinx://HOST:PORT/INDEX` or
/// `opensearch+http://HOST:PORT/INDEX`. `token` is `USER:PASSWORD` or a bearer token;
/// dates are shown and filtered in `tz`; query literals are segmented with
/// `dictionary`'s words (the ranking's word clauses, as for the local index).
pub fn connect(url: &str, token: Option<&str>, tz: TimeZone, dictionary: Dictionary) -> Result<Box<dyn Backend>> {
    if let Some(rest) = url.strip_prefix("sphinx://") {
        let address = sphinx::Address::parse(rest)?;
        return Ok(Box::new(sphinx::client::Sphinx::connect(address, token, tz, dictionary)?));
    }
    if let Some(rest) = url.strip_prefix("opensearch+") {
        let address = opensearch::Address::parse(rest)?;
        return Ok(Box::new(opensearch::client::OpenSearch::new(address, token, tz, dictionary)?));
    }
    Err(anyhow!("--engine '{url}': expected sphinx://HOST:PORT/INDEX or opensearch+http://HOST:PORT/INDEX"))
}
