//! What the index cannot decide alone, checked document by document: `url:` parts (a
//! substring of the URL column, any case), regular expressions (run on the folded text
//! of the candidates the index selected by their required Chinese text) and the
//! proximity operators.
//!
//! Proximity operators (`A NEAR/n B`, `A BEFORE/n B`, `A SENT B`, `A PARA B`): the
//! index finds the documents holding every literal; each is then checked against its
//! folded text, where every occurrence of each literal is found by the character
//! view's rules (as a search matches it) and the distance between two occurrences is
//! counted in characters, punctuation included.
//!
//! The rules, exactly: `A NEAR/n B` holds where an occurrence of B starts after one of A
//! ends (or of A after B) with at most n characters between them, none a line break;
//! `BEFORE/n` only in that order; `SENT`: both in one sentence (sentences end at 。 ！ ？
//! ； … and line breaks); `PARA`: both in one paragraph (paragraphs end at line breaks).
//! A chain holds where each link does, in one field. Everything around a proximity
//! operator (OR, exclusions) is evaluated on the text as well, so `-(A NEAR/5 B)`
//! excludes only documents where they are near.

use std::sync::Arc;

use tantivy::{DocId, SegmentReader};

use super::columns::{folded_texts, SegmentColumns};
use super::verified::Verifier;
use crate::analysis::fold::fold;
use crate::article::{Field, Kind};
use crate::index::Fields;
use crate::query::parse::{is_value, Link, Literal, Node, Scope};
use crate::query::pattern;
use crate::snippet::occurrences_in_folded;

/// The query tree as the checks a candidate's text must pass.
#[derive(Clone, Debug)]
enum Check {
    /// Holds: the index already decided it.
    Yes,
    /// The literal occurs (a keyword field: has the value).
    Lit(Scope, String),
    /// Each literal stands to the next as its link says, in one field.
    Near(Vec<(Scope, String)>, Vec<Link>),
    /// The expression matches (`None`: it did not compile, and nothing matches).
    Regex(Scope, Option<Arc<regex::Regex>>),
    All(Vec<Check>),
    Any(Vec<Check>),
    Not(Box<Check>),
}

impl Check {
    /// The checks of `node`; `exact`: the node's truth is not known from the index (it
    /// is inside an OR or an exclusion holding a proximity), so literals are checked too.
    fn of(node: &Node, exact: bool) -> Check {
        let near = node.needs_text_check();
        match node {
            Node::Literal(l) if exact || l.scope == Scope::Field(Field::Url) => Check::Lit(l.scope, literal_text(l)),
            Node::Literal(_) => Check::Yes,
            Node::All(children) => Check::All(children.iter().map(|c| Check::of(c, exact)).collect()),
            Node::Any(children) if exact || near => Check::Any(children.iter().map(|c| Check::of(c, true)).collect()),
            Node::Not(inner) if exact || near => Check::Not(Box::new(Check::of(inner, true))),
            Node::Any(_) | Node::Not(_) => Check::Yes,
            Node::Near { literals, links } => {
                Check::Near(literals.iter().map(|l| (l.scope, fold(&l.text))).collect(), links.clone())
            }
            Node::Regex(p) => Check::Regex(p.scope, pattern::compile(&p.source).ok().map(Arc::new)),
        }
    }

    fn holds(&self, doc: &Doc) -> bool {
        match self {
            Check::Yes => true,
            Check::Lit(scope, text) => doc.has(*scope, text),
            Check::Near(lits, links) => doc.near(lits, links),
            Check::Regex(scope, re) => re.as_ref().is_some_and(|re| doc.matches(*scope, re)),
            Check::All(children) => children.iter().all(|c| c.holds(doc)),
            Check::Any(children) => children.iter().any(|c| c.holds(doc)),
            Check::Not(inner) => !inner.holds(doc),
        }
    }
}

/// A value literal as the index holds it (a URL part: in lower case); a text literal
/// folded.
fn literal_text(l: &Literal) -> String {
    match l.scope {
        Scope::Field(Field::Url) => l.text.trim().to_lowercase(),
        Scope::Field(f) if f.spec().kind == Kind::Keyword || f.spec().kind == Kind::Id => l.text.trim().to_string(),
        _ => fold(&l.text),
    }
}

/// One candidate: its folded text fields (read when a check needs them) and its values.
struct Doc<'a> {
    texts: std::cell::OnceCell<Vec<(Field, String)>>,
    store: &'a tantivy::store::StoreReader,
    columns: &'a SegmentColumns,
    fields: &'a Fields,
    id: DocId,
}

impl Doc<'_> {
    fn texts(&self) -> &[(Field, String)] {
        self.texts.get_or_init(|| folded_texts(self.store, self.columns, self.fields, self.id))
    }

    fn has(&self, scope: Scope, text: &str) -> bool {
        if let Scope::Field(f) = scope {
            if f == Field::Url {
                return self.columns.text(f, self.id).is_some_and(|v| v.to_lowercase().contains(text));
            }
            if f.spec().kind == Kind::Keyword || f.spec().kind == Kind::Id {
                return self.columns.text(f, self.id).is_some_and(|v| v == text);
            }
        }
        self.in_scope(scope).any(|t| !occurrences_in_folded(t, text).is_empty())
    }

    fn matches(&self, scope: Scope, re: &regex::Regex) -> bool {
        if let Scope::Field(f) = scope {
            if is_value(scope) {
                return self.columns.text(f, self.id).is_some_and(|v| re.is_match(&fold(&v)));
            }
        }
        self.in_scope(scope).any(|t| re.is_match(t))
    }

    fn in_scope(&self, scope: Scope) -> impl Iterator<Item = &str> {
        self.texts()
            .iter()
            .filter(move |(f, _)| scope == Scope::Any || scope == Scope::Field(*f))
            .map(|(_, t)| t.as_str())
    }

    /// Whether some field in every literal's scope holds the chain.
    fn near(&self, lits: &[(Scope, String)], links: &[Link]) -> bool {
        self.texts().iter().any(|(f, t)| {
            lits.iter().all(|(s, _)| *s == Scope::Any || *s == Scope::Field(*f)) && chain_holds(t, lits, links)
        })
    }
}

/// Whether each literal of `lits` stands to the next as `links` say in folded `text`.
fn chain_holds(text: &str, lits: &[(Scope, String)], links: &[Link]) -> bool {
    let found: Vec<Vec<(usize, usize)>> = lits.iter().map(|(_, l)| occurrences_in_folded(text, l)).collect();
    links.iter().enumerate().all(|(i, link)| pair_holds(text, &found[i], &found[i + 1], *link))
}

/// Whether occurrences `a` and `b` (byte ranges in `text`, by start) stand as `link` says.
pub(crate) fn pair_holds(text: &str, a: &[(usize, usize)], b: &[(usize, usize)], link: Link) -> bool {
    match link {
        Link::Near(n) => follows_within(text, a, b, n) || follows_within(text, b, a, n),
        Link::Before(n) => follows_within(text, a, b, n),
        Link::Sentence => share_a_span(text, a, b, is_sentence_end),
        Link::Paragraph => share_a_span(text, a, b, |c, _| c == '\n'),
    }
}

/// Whether an occurrence of `second` starts after one of `first` ends with at most `n`
/// characters between, none a line break. For each of `first`, the nearest occurrence
/// of `second` after it is the only one to look at: a later one is never nearer.
fn follows_within(text: &str, first: &[(usize, usize)], second: &[(usize, usize)], n: u32) -> bool {
    first.iter().any(|&(_, end)| {
        let next = second.partition_point(|&(s, _)| s < end);
        second.get(next).is_some_and(|&(start, _)| {
            let gap = &text[end..start];
            !gap.contains('\n') && gap.chars().take(n as usize + 1).count() <= n as usize
        })
    })
}

/// Whether a character ends a sentence (`next`: the character after it).
fn is_sentence_end(c: char, next: Option<char>) -> bool {
    // Folding makes ！？； half-width and … three dots.
    matches!(c, '。' | '!' | '?' | ';' | '\n' | '…') || (c == '.' && next == Some('.'))
}

/// Whether an occurrence of `a` and one of `b` start in the same span of `text`, spans
/// ending after each character `ends` says.
fn share_a_span(
    text: &str,
    a: &[(usize, usize)],
    b: &[(usize, usize)],
    ends: impl Fn(char, Option<char>) -> bool,
) -> bool {
    let mut bounds = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if ends(c, chars.peek().map(|&(_, n)| n)) {
            bounds.push(i + c.len_utf8());
        }
    }
    let span = |at: usize| bounds.partition_point(|&b| b <= at);
    let spans_a: std::collections::HashSet<usize> = a.iter().map(|&(s, _)| span(s)).collect();
    b.iter().any(|&(s, _)| spans_a.contains(&span(s)))
}

/// The check of a query holding proximity operators.
#[derive(Clone)]
pub(crate) struct Proximity {
    check: Arc<Check>,
    fields: Fields,
}

impl Proximity {
    /// The checks of `tree` (a query's root) over the documents of an index of `fields`.
    pub fn new(tree: &Node, fields: Fields) -> Proximity {
        Proximity { check: Arc::new(Check::of(tree, false)), fields }
    }
}

impl Verifier for Proximity {
    type Segment = (tantivy::store::StoreReader, SegmentColumns);

    fn open(&self, reader: &SegmentReader) -> tantivy::Result<Self::Segment> {
        let columns =
            SegmentColumns::open(reader).map_err(|e| tantivy::TantivyError::InternalError(format!("{e:#}")))?;
        Ok((reader.get_store_reader(64)?, columns))
    }

    fn passes(&self, (store, columns): &mut Self::Segment, doc: DocId) -> bool {
        let d = Doc { texts: std::cell::OnceCell::new(), store, columns, fields: &self.fields, id: doc };
        self.check.holds(&d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(text: &str, a: &str, b: &str, link: Link) -> bool {
        let t = fold(text);
        let (a, b) = (fold(a), fold(b));
        pair_holds(&t, &occurrences_in_folded(&t, &a), &occurrences_in_folded(&t, &b), link)
    }

    #[test]
    fn distances_count_characters_between_occurrences() {
        let t = "网球跟滑雪都是冬天的运动。";
        assert!(holds(t, "网球", "滑雪", Link::Near(1)));
        assert!(!holds(t, "网球", "滑雪", Link::Near(0)));
        assert!(holds(t, "滑雪", "网球", Link::Near(1)));
        assert!(!holds(t, "滑雪", "网球", Link::Before(5)));
        assert!(holds(t, "网球", "滑雪", Link::Before(1)));
        // Punctuation counts; a line break is never crossed.
        assert!(holds("华为，芯片", "华为", "芯片", Link::Near(1)));
        assert!(!holds("华为\n芯片", "华为", "芯片", Link::Near(5)));
        // Overlapping occurrences are not one after the other.
        assert!(!holds("华为人", "华为", "为人", Link::Near(3)));
        // Folded: traditional and full-width text are measured as folded.
        assert!(holds("華為ＡＩ芯片", "华为", "芯片", Link::Near(2)));
    }

    #[test]
    fn sentences_and_paragraphs_split_where_they_end() {
        let t = "华为发布了新品！芯片来自上海…产能不足\n芯片厂扩产。华为回应";
        assert!(!holds(t, "华为", "芯片", Link::Sentence));
        assert!(holds(t, "芯片", "扩产", Link::Sentence));
        assert!(holds("华为发布芯片。", "华为", "芯片", Link::Sentence));
        assert!(!holds("华为发布！芯片", "华为", "芯片", Link::Sentence));
        assert!(!holds("华为发布...芯片", "华为", "芯片", Link::Sentence));
        assert!(holds("华为发布3.5寸芯片", "华为", "芯片", Link::Sentence));
        assert!(holds("华为发布！芯片", "华为", "芯片", Link::Paragraph));
        assert!(!holds("华为发布\n芯片", "华为", "芯片", Link::Paragraph));
    }
}
