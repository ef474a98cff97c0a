//! The query tree and filters as SphinxQL: a `MATCH()` expression over the hand-off
//! fields, and attribute conditions for dates.
//!
//! A literal must match its character-view phrase `P` and ranks on its words `W`;
//! Sphinx 2.2's `MAYBE` acts as AND, so the literal is `(P | (P W))`: matched exactly
//! when `P` is, ranked higher when a word matches too. A group of exclusions only gets
//! the [`EVERY`](crate::remote::handoff::EVERY) token to exclude from.

use anyhow::Result;

use super::{key_field, view_field, EVERY_FIELD};
use crate::analysis::fold::fold;
use crate::analysis::segment::QuerySegmenter;
use crate::article::{Field, Kind};
use crate::query::build::{Filters, QueryError};
use crate::query::parse::{self, Literal, Node, Scope};
use crate::remote::handoff;

/// A query as SphinxQL pieces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translated {
    /// The full-text expression for `MATCH('…')`; `None`: every document (a full scan).
    pub matching: Option<String>,
    /// Attribute conditions ANDed in the `WHERE` clause.
    pub conditions: Vec<String>,
}

impl Translated {
    /// The `WHERE` clause (without the keyword), with `extra` conditions; empty when none.
    pub(crate) fn where_clause(&self, extra: &[&str]) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(m) = &self.matching {
            parts.push(format!("MATCH('{m}')"));
        }
        parts.extend(self.conditions.iter().cloned());
        parts.extend(extra.iter().map(|s| s.to_string()));
        parts.join(" AND ")
    }
}

/// The field-limit operator for these fields.
fn limit(fields: &[String]) -> String {
    match fields {
        [one] => format!("@{one}"),
        many => format!("@({})", many.join(",")),
    }
}

/// The fields of `view` a literal of `scope` is looked for in.
fn fields(scope: Scope, view: &str) -> Vec<String> {
    Field::texts()
        .filter(|(f, _)| scope == Scope::Any || scope == Scope::Field(*f))
        .map(|(f, _)| view_field(f, view))
        .collect()
}

/// The character-view match of a folded literal in `scope`.
fn phrase(scope: Scope, folded: &str, original: &str) -> Result<String> {
    let tokens = handoff::literal_chars(folded)
        .ok_or_else(|| QueryError(format!("'{original}' has nothing to search for (only punctuation or spaces)")))?;
    let p = if tokens.len() == 1 { tokens[0].clone() } else { format!("\"{}\"", tokens.join(" ")) };
    Ok(format!("({} {p})", limit(&fields(scope, "chars"))))
}

fn literal(lit: &Literal, words: Option<&QuerySegmenter>) -> Result<String> {
    if let Scope::Field(f) = lit.scope {
        if f == Field::Url || f.spec().kind == Kind::Id {
            return Err(QueryError(format!(
                "{}: is not translated for a Sphinx engine yet: search the local index for it",
                f.name()
            ))
            .into());
        }
        if f.spec().kind == Kind::Keyword {
            if lit.prefix {
                return Err(QueryError(format!(
                    "{}:{}* (every value starting with it) is not translated for a Sphinx engine: search the local index for it",
                    f.name(),
                    lit.text.trim()
                ))
                .into());
            }
            return Ok(format!("(@{} {})", key_field(f), handoff::value_token(lit.text.trim())));
        }
    }
    let folded = fold(&lit.text);
    let p = phrase(lit.scope, &folded, &lit.text)?;
    let ranking = words.map(|w| handoff::literal_words(w, &folded)).unwrap_or_default();
    if ranking.is_empty() {
        return Ok(p);
    }
    let w = format!("({} ({}))", limit(&fields(lit.scope, "words")), ranking.join(" | "));
    Ok(format!("({p} | ({p} {w}))"))
}

/// The terms of an AND: children, exclusions as `-…`; whether any is wanted (not `-`).
fn terms_of(children: &[Node], words: Option<&QuerySegmenter>) -> Result<(Vec<String>, bool)> {
    let mut terms = Vec::new();
    let mut positive = false;
    for c in children {
        match c {
            Node::Not(inner) => terms.push(format!("-{}", node(inner, None)?)),
            _ => {
                positive = true;
                terms.push(node(c, words)?);
            }
        }
    }
    Ok((terms, positive))
}

/// An AND of `terms`, with the every-document token first when nothing is wanted.
fn and(mut terms: Vec<String>, positive: bool) -> String {
    if !positive && !terms.is_empty() {
        terms.insert(0, format!("(@{EVERY_FIELD} {})", handoff::EVERY));
    }
    terms.join(" ")
}

fn node(n: &Node, words: Option<&QuerySegmenter>) -> Result<String> {
    Ok(match n {
        Node::Literal(l) => literal(l, words)?,
        Node::Any(children) => {
            let parts = children.iter().map(|c| node(c, words)).collect::<Result<Vec<_>>>()?;
            format!("({})", parts.join(" | "))
        }
        Node::All(children) => {
            let (terms, positive) = terms_of(children, words)?;
            format!("({})", and(terms, positive))
        }
        Node::Not(_) => {
            let (terms, positive) = terms_of(std::slice::from_ref(n), words)?;
            format!("({})", and(terms, positive))
        }
        Node::Regex(p) => {
            return Err(QueryError(format!(
                "the regular expression /{}/ is not translated for a Sphinx engine: search the local index for it",
                p.source
            ))
            .into())
        }
        Node::Near { links, .. } => {
            return Err(QueryError(format!(
                "{} is not translated for a Sphinx engine yet: search the local index for it",
                links[0].name()
            ))
            .into())
        }
    })
}

/// Translates a parsed query and its filters. `words` is the query's segmenter when
/// hits are ranked (counts leave the word clauses out, as the local engine does).
pub fn translate(q: &parse::Query, filters: &Filters, words: Option<&QuerySegmenter>) -> Result<Translated> {
    let Node::All(top) = &q.root else {
        return Err(QueryError("internal: the query tree has no top-level AND".into()).into());
    };
    if filters.ids.is_some() {
        return Err(QueryError(
            "--ids-from (a list of ids) cannot be sent to a Sphinx engine: search the local index for it".into(),
        )
        .into());
    }
    let (mut terms, mut positive) = terms_of(top, words)?;
    if let Some(t) = &filters.title {
        terms.push(phrase(Scope::Field(Field::Title), &fold(t), t)?);
        positive = true;
    }
    for (field, values) in filters.values.iter().filter(|(_, v)| !v.is_empty()) {
        let tokens: Vec<String> = values.iter().map(|v| handoff::value_token(v)).collect();
        terms.push(format!("(@{} ({}))", key_field(*field), tokens.join(" | ")));
        positive = true;
    }
    let mut conditions = Vec::new();
    if filters.since.is_some() || filters.before.is_some() {
        conditions.push("dated=1".to_string());
    }
    if let Some(t) = filters.since {
        conditions.push(format!("date>={}", t.as_second()));
    }
    if let Some(t) = filters.before {
        conditions.push(format!("date<{}", t.as_second()));
    }
    let matching = (!terms.is_empty()).then(|| and(terms, positive));
    Ok(Translated { matching, conditions })
}
