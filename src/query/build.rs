//! Turns a parsed query and the filters into a tantivy query.
//!
//! Each literal contributes a *must* clause on the character view (whether a document
//! matches: grep-exact, any length) and a *should* clause on the word view (how high it
//! ranks: BM25 over jieba words). Title clauses are boosted over content clauses.
//! Filters are constant-score clauses that never change the ranking.

use std::ops::Bound;

use anyhow::Result;
use jiff::Timestamp;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field as SchemaField, IndexRecordOption};
use tantivy::{DateTime, Term};

use super::parse::{self, is_value, Literal, Node, Scope};
use super::pattern::{self, Required};
use crate::analysis::chars::{plan_literal, LiteralPlan};
use crate::analysis::dictionary::Dictionary;
use crate::analysis::fold::fold;
use crate::analysis::segment::QuerySegmenter;
use crate::analysis::words::is_word;
use crate::article::Field;
use crate::index::Fields;
/// Weight of the character-view score relative to the word-view BM25.
pub(crate) const LITERAL_WEIGHT: f32 = 0.3;

/// The first and last second tantivy can hold as a date (1678-01-01, 2261-12-31).
const MIN_DATE_SECONDS: i64 = -9_214_560_000;
const MAX_DATE_SECONDS: i64 = 9_214_646_399;

/// A query that parses but cannot be searched for (a literal of punctuation only): the
/// user's mistake, not the index's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError(pub String);

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

/// Restrictions that do not affect ranking.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// Inclusive lower bound.
    pub since: Option<Timestamp>,
    /// Exclusive upper bound.
    pub before: Option<Timestamp>,
    /// For each counted field (outlet, author), the values one of which a document must have.
    pub values: Vec<(Field, Vec<String>)>,
    /// The title must contain this literal.
    pub title: Option<String>,
    /// Only the documents with these ids (`--ids-from`); `None`: no restriction.
    pub ids: Option<Vec<String>>,
    /// The day `since` came from (for histograms' ranges).
    pub first_day: Option<jiff::civil::Date>,
    /// The day `before` came from (the last day included).
    pub last_day: Option<jiff::civil::Date>,
}

/// A query ready to run, with what to highlight in snippets.
pub struct Compiled {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// Folded literals the snippet should show and highlight.
    pub highlights: Vec<String>,
    /// For a ranked query: what its score is made of, so that the best hits can be found
    /// without scoring every match (`crate::engine`'s top-k).
    pub parts: Option<ScoreParts>,
    /// The documents of `query` (without its word clauses), with unions that jump: for
    /// asking whether a few chosen documents match without walking the ones between.
    pub seekable: Box<dyn Query>,
}

/// What a ranked query's score is made of: per literal a match on the character view
/// (weighted; its BM25 is at most its weight × the phrase's maximum) and BM25 over the
/// literal's words. The score of a document is at most the sum of every character
/// clause's maximum plus its word clauses' scores.
#[derive(Debug)]
pub struct ScoreParts {
    /// The query, with unions that jump: for scoring chosen documents (it scores as the
    /// compiled query does).
    pub exact: Box<dyn Query>,
    /// Each character-view phrase (or term) a matching document's score may include,
    /// with the weight it is multiplied by.
    pub phrases: Vec<(f32, Vec<Term>)>,
    /// Each word-view term, with its weight.
    pub words: Vec<(f32, Term)>,
    /// Every literal is one word: the documents of its word are most of its matches.
    pub one_word_each: bool,
}

/// The score parts of the literals of `q` a matching document contains.
fn score_parts(q: &parse::Query, fields: &Fields, segmenter: &QuerySegmenter) -> ScoreParts {
    let mut parts =
        ScoreParts { exact: Box::new(AllQuery), phrases: Vec::new(), words: Vec::new(), one_word_each: true };
    q.root.for_each_wanted(&mut |lit| {
        if keyword(lit.scope).is_some() {
            return;
        }
        let folded = fold(&lit.text);
        let LiteralPlan::Units(units) = plan_literal(&folded) else { return };
        let words: Vec<&str> = segmenter.cut(&folded).into_iter().filter(|w| is_word(w)).collect();
        parts.one_word_each &= words.len() == 1;
        for v in views(fields, lit.scope) {
            let terms = units.iter().map(|(_, t)| Term::from_field_text(v.chars, t)).collect();
            parts.phrases.push((LITERAL_WEIGHT * v.boost, terms));
            for w in &words {
                parts.words.push((v.boost, Term::from_field_text(v.words, w)));
            }
        }
    });
    parts
}

/// The two views of one text field.
#[derive(Clone, Copy)]
struct Views {
    words: SchemaField,
    chars: SchemaField,
    boost: f32,
}

/// The text fields a literal of `scope` is looked for in, with their boosts.
fn views(fields: &Fields, scope: Scope) -> Vec<Views> {
    Field::texts()
        .filter(|(f, _)| scope == Scope::Any || scope == Scope::Field(*f))
        .filter_map(|(f, boost)| fields.views(f).map(|v| Views { words: v.words, chars: v.chars, boost }))
        .collect()
}

/// The keyword field (an exact value such as the outlet) a literal of `scope` must equal.
fn keyword(scope: Scope) -> Option<Field> {
    match scope {
        Scope::Field(f) if parse::is_value(scope) => Some(f),
        _ => None,
    }
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// Translates the query tree into tantivy queries. `seekable`: unions that jump to a
/// document without buffering the ones after it ([`super::any::AnyOf`]), for scoring
/// chosen documents; else tantivy's own, faster over every match. Both score alike.
#[derive(Clone, Copy)]
struct Translator<'a> {
    fields: &'a Fields,
    seekable: bool,
}

impl Translator<'_> {
    /// Any of `qs`.
    fn any_of(&self, mut qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        if qs.len() == 1 {
            return qs.pop().expect("one element");
        }
        if self.seekable {
            Box::new(super::any::AnyOf::new(qs))
        } else {
            Box::new(BooleanQuery::new(qs.into_iter().map(|q| (Occur::Should, q)).collect()))
        }
    }

    /// The character-view query matching documents whose `scope` contains `folded`.
    fn literal_match(&self, scope: Scope, folded: &str, original: &str) -> Result<Box<dyn Query>> {
        let plan = plan_literal(folded);
        let mut per_field = Vec::new();
        for v in views(self.fields, scope) {
            let q: Box<dyn Query> = match &plan {
                LiteralPlan::Empty => {
                    return Err(QueryError(format!(
                        "'{original}' has nothing to search for (only punctuation or spaces)"
                    ))
                    .into())
                }
                LiteralPlan::Units(units) if units.len() == 1 => {
                    Box::new(TermQuery::new(Term::from_field_text(v.chars, &units[0].1), IndexRecordOption::WithFreqs))
                }
                LiteralPlan::Units(units) => Box::new(PhraseQuery::new_with_offset(
                    units.iter().map(|(p, t)| (*p as usize, Term::from_field_text(v.chars, t))).collect(),
                )),
            };
            per_field.push(boosted(q, v.boost));
        }
        Ok(self.any_of(per_field))
    }

    /// The word-view query ranking documents for `folded`.
    fn literal_words(&self, scope: Scope, folded: &str, words: &QuerySegmenter) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words.cut(folded) {
            if !is_word(word) {
                continue;
            }
            for v in views(self.fields, scope) {
                let q = TermQuery::new(Term::from_field_text(v.words, word), IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, boosted(Box::new(q), v.boost)));
            }
        }
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    /// One literal as a query: must match on characters, ranked on words.
    fn literal(&self, lit: &Literal, words: Option<&QuerySegmenter>) -> Result<Box<dyn Query>> {
        if lit.scope == Scope::Field(Field::Url) {
            // Any document may be a candidate: its URL is checked against the part
            // (`crate::engine::proximity`).
            return Ok(Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0)));
        }
        if let Some(f) = keyword(lit.scope) {
            if lit.prefix {
                // Every value starting with the stem: the terms of the value field that
                // match, looked up in its term dictionary.
                let pattern = format!("{}.*", regex_syntax::escape(lit.text.trim()));
                let q = tantivy::query::RegexQuery::from_pattern(&pattern, self.fields.get(f))?;
                return Ok(Box::new(ConstScoreQuery::new(Box::new(q), 0.0)));
            }
            let term = Term::from_field_text(self.fields.get(f), lit.text.trim());
            let q = TermQuery::new(term, IndexRecordOption::Basic);
            return Ok(Box::new(ConstScoreQuery::new(Box::new(q), 0.0)));
        }
        let folded = fold(&lit.text);
        let matcher = self.literal_match(lit.scope, &folded, &lit.text)?;
        let Some(segmenter) = words else { return Ok(matcher) };
        let mut clauses = vec![(Occur::Must, boosted(matcher, LITERAL_WEIGHT))];
        if let Some(ranking) = self.literal_words(lit.scope, &folded, segmenter) {
            clauses.push((Occur::Should, ranking));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// Translates one node of the query tree. `words` is `None` under a negation: what
    /// must not match is never ranked.
    fn node(&self, n: &Node, words: Option<&QuerySegmenter>) -> Result<Box<dyn Query>> {
        Ok(match n {
            Node::Literal(lit) => self.literal(lit, words)?,
            Node::Any(children) => {
                self.any_of(children.iter().map(|c| self.node(c, words)).collect::<Result<Vec<_>>>()?)
            }
            Node::All(children) => {
                let clauses = self.all_clauses(children, words)?;
                if clauses.len() == 1 && clauses[0].0 == Occur::Must {
                    clauses.into_iter().next().expect("one clause").1
                } else {
                    Box::new(BooleanQuery::new(clauses))
                }
            }
            // A lone exclusion (`-a` inside OR is refused by the parser) matches what lacks it.
            Node::Not(_) => Box::new(BooleanQuery::new(self.all_clauses(std::slice::from_ref(n), words)?)),
            // Every literal must occur; how near they stand is checked on the text of
            // these candidates (`crate::engine::proximity`).
            Node::Near { literals, .. } => {
                let clauses =
                    literals.iter().map(|l| Ok((Occur::Must, self.literal(l, words)?))).collect::<Result<_>>()?;
                Box::new(BooleanQuery::new(clauses))
            }
            // The Chinese text every match contains selects the candidates; the
            // expression is run on their text (`crate::engine::proximity`).
            Node::Regex(p) if is_value(p.scope) => Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0)),
            Node::Regex(p) => self.required(p.scope, &pattern::required(&p.source))?,
        })
    }

    /// The documents holding what an expression's every match contains.
    fn required(&self, scope: Scope, req: &Required) -> Result<Box<dyn Query>> {
        Ok(match req {
            Required::Anything => Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0)),
            Required::Text(t) => self.literal_match(scope, t, t)?,
            Required::All(parts) => Box::new(BooleanQuery::new(
                parts.iter().map(|r| Ok((Occur::Must, self.required(scope, r)?))).collect::<Result<_>>()?,
            )),
            Required::Any(parts) => {
                self.any_of(parts.iter().map(|r| self.required(scope, r)).collect::<Result<Vec<_>>>()?)
            }
        })
    }

    /// The clauses of an AND: each child must match, excluded children must not; with
    /// exclusions only, every other document matches.
    fn all_clauses(&self, children: &[Node], words: Option<&QuerySegmenter>) -> Result<Vec<(Occur, Box<dyn Query>)>> {
        let mut clauses = Vec::new();
        for c in children {
            match c {
                // Documents holding the words but not near each other are not to be
                // excluded: the text check does the excluding (`crate::engine::proximity`).
                Node::Not(inner) if inner.needs_text_check() => {}
                Node::Not(inner) => clauses.push((Occur::MustNot, self.node(inner, None)?)),
                _ => clauses.push((Occur::Must, self.node(c, words)?)),
            }
        }
        if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Ok(clauses)
    }

    /// The whole query: the tree's top-level clauses and the filters.
    fn query(&self, q: &parse::Query, filters: &Filters, words: Option<&QuerySegmenter>) -> Result<Box<dyn Query>> {
        let Node::All(top) = &q.root else {
            return Err(QueryError("internal: the query tree has no top-level AND".into()).into());
        };
        let mut clauses = Vec::new();
        for c in top {
            match c {
                // Documents holding the words but not near each other are not to be
                // excluded: the text check does the excluding (`crate::engine::proximity`).
                Node::Not(inner) if inner.needs_text_check() => {}
                Node::Not(inner) => clauses.push((Occur::MustNot, self.node(inner, None)?)),
                _ => clauses.push((Occur::Must, self.node(c, words)?)),
            }
        }
        for f in filter_queries(filters, self.fields)? {
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(f, 0.0)) as Box<dyn Query>));
        }
        if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

/// The segmenter for the literals of `q`: it cuts them exactly as the index-time
/// segmenter would, from the dictionary words they contain only (see
/// [`QuerySegmenter`]).
pub fn query_segmenter(q: &parse::Query, dict: &Dictionary) -> QuerySegmenter {
    let mut texts = Vec::new();
    q.root.for_each_literal(&mut |l| texts.push(fold(&l.text)));
    QuerySegmenter::new(dict, &texts.join(" "))
}

/// The folded literals of `q` a matching document contains (keyword values aside): what
/// snippets show and highlight, whichever engine found the document.
pub fn highlights(q: &parse::Query) -> Vec<String> {
    let mut out: Vec<String> =
        q.wanted().into_iter().filter(|l| keyword(l.scope).is_none()).map(|l| fold(&l.text)).collect();
    q.root.for_each_wanted_pattern(&mut |p| {
        if !is_value(p.scope) {
            out.push(format!("{}{}", crate::snippet::PATTERN_MARK, p.source));
        }
    });
    out
}

/// Compiles a parsed query and filters. `words` is the [`query_segmenter`]; without one
/// (counts, histograms) the word clauses are left out: they never change which
/// documents match, only their order.
pub fn compile(
    q: &parse::Query,
    filters: &Filters,
    fields: &Fields,
    words: Option<&QuerySegmenter>,
) -> Result<Compiled> {
    let highlights = highlights(q);
    let full = Translator { fields, seekable: false };
    let query = full.query(q, filters, words)?;
    let jumping = Translator { fields, seekable: true };
    let parts = match words {
        Some(w) => Some(ScoreParts { exact: jumping.query(q, filters, words)?, ..score_parts(q, fields, w) }),
        None => None,
    };
    let seekable = jumping.query(q, filters, None)?;
    Ok(Compiled { query, highlights, parts, seekable })
}

/// The filters as (unscored) queries.
pub(crate) fn filter_queries(filters: &Filters, fields: &Fields) -> Result<Vec<Box<dyn Query>>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if filters.since.is_some() || filters.before.is_some() {
        // tantivy keeps dates as nanoseconds in an i64 (years 1678 to 2261): a bound
        // beyond that range is moved to its edge (it would overflow), and still keeps
        // the undated documents out.
        let bound = |t: Option<Timestamp>, inclusive: bool| match t {
            None => Bound::Unbounded,
            Some(t) => {
                let seconds = t.as_second().clamp(MIN_DATE_SECONDS, MAX_DATE_SECONDS);
                let term =
                    Term::from_field_date_for_search(fields.get(Field::Date), DateTime::from_timestamp_secs(seconds));
                if inclusive {
                    Bound::Included(term)
                } else {
                    Bound::Excluded(term)
                }
            }
        };
        out.push(Box::new(RangeQuery::new(bound(filters.since, true), bound(filters.before, false))));
    }
    for (field, values) in filters.values.iter().filter(|(_, v)| !v.is_empty()) {
        let term = |v: &String| Term::from_field_text(fields.get(*field), v);
        out.push(
            Translator { fields, seekable: false }.any_of(
                values
                    .iter()
                    .map(|v| Box::new(TermQuery::new(term(v), IndexRecordOption::Basic)) as Box<dyn Query>)
                    .collect(),
            ),
        );
    }
    if let Some(t) = &filters.title {
        out.push(Translator { fields, seekable: false }.literal_match(Scope::Field(Field::Title), &fold(t), t)?);
    }
    if let Some(ids) = &filters.ids {
        let terms = ids.iter().map(|id| Term::from_field_text(fields.get(Field::Id), id));
        out.push(Box::new(tantivy::query::TermSetQuery::new(terms)));
    }
    Ok(out)
}
