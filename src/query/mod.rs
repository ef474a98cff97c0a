//! Queries: the language users type ([`parse`]) and its translation into tantivy
//! queries over the analysis views ([`build`]).

pub mod any;
pub mod build;
pub mod parse;
pub mod pattern;
