//! sou (搜): full-text search for Chinese articles from the terminal.
//!
//! Data flow: files → [`ingest`] → records → [`analysis`] (fold, words, characters) →
//! [`index`]; a query → [`query`] → tantivy query → [`search`] → hits → [`snippet`] and
//! [`output`]. The binary (`main.rs`) wires these together per [`cli`] command.

pub mod aggregate;
pub mod analysis;
pub mod cli;
pub mod commands;
pub mod index;
pub mod ingest;
pub mod output;
pub mod query;
pub mod search;
pub mod snippet;
