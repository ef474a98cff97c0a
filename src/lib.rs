//! sou (搜): full-text search for Chinese articles.
//!
//! This library is the engine every front-end of the `sou` binary shares. Data flow:
//! files → [`ingest`] → records ([`article::Article`]) → [`analysis`] (fold, words,
//! characters) → [`index`]; a query → [`query`] → tantivy query → [`engine`] → hits,
//! counts, keywords → [`snippet`] → the front-end's printer. The fields of an article
//! are one table, [`article::FIELDS`].

#![warn(missing_docs)]

pub mod analysis;
pub mod article;
pub mod dates;
pub mod engine;
pub mod index;
pub mod ingest;
pub mod names;
pub mod paths;
pub mod query;
pub mod remote;
pub mod sanitize;
pub mod snippet;
pub mod update;
