//! `-w / --word`: literals of Chinese text match only where the document's own
//! segmentation (the jieba words its word view was indexed with) has a word boundary at
//! both ends of the occurrence — 华为 in 华为公司 or 华为， but not in 升华为 — as `rg -w`
//! does for Latin words. Letters and digits already match whole words.
//!
//! A filter around the compiled query: a candidate document (it contains the literals)
//! is kept when the query, with each literal asking for a whole-word occurrence, still
//! holds. A literal that is a word of the document's word view (`华为` indexed as the
//! token 华为) occurs whole there — the posting list answers, nothing is read. Only
//! where it is not (升华为, or a literal jieba cuts into several words) is the document
//! read: each occurrence is checked by segmenting the clause around it (between two of
//! the separators a chunk of text may end after, where jieba starts afresh — see
//! `crate::analysis::words::chunk_end`), which cuts exactly as the whole text was cut.

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::query::Query;
use tantivy::{DocId, DocSet, SegmentReader};

use tantivy::postings::SegmentPostings;
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::columns::{folded_texts, SegmentColumns};
use super::verified::{Verified, Verifier};

use crate::analysis::chars::is_cjk;
use crate::analysis::dictionary::LazyJieba;
use crate::analysis::fold::fold;
use crate::analysis::words::{for_each_word, for_each_word_in, CHUNK_BYTES, SEPARATORS};
use crate::article::Field;
use crate::index::Fields;
use crate::query::parse::{Literal, Node, Scope};

/// The byte offsets of `text` (folded) where a word of its segmentation starts or ends.
pub fn boundaries(jieba: &Jieba, text: &str) -> Vec<usize> {
    let mut b = vec![0, text.len()];
    for_each_word(jieba, text, |_, s, e| {
        b.push(s);
        b.push(e);
    });
    b.sort_unstable();
    b.dedup();
    b
}

/// Whether folded `text` holds `literal` (folded) with a word boundary at both ends.
pub(crate) fn has_whole(text: &str, bounds: &[usize], literal: &str) -> bool {
    if literal.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(literal) {
        let s = from + i;
        if bounds.binary_search(&s).is_ok() && bounds.binary_search(&(s + literal.len())).is_ok() {
            return true;
        }
        from = s + literal.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Whether folded `text` holds `literal` (folded) with a word boundary at both ends, as
/// [`has_whole`] with `boundaries(jieba, text)`, segmenting only the clauses the literal
/// occurs in.
pub(crate) fn has_whole_in(jieba: &LazyJieba, text: &str, literal: &str) -> bool {
    if literal.is_empty() {
        return false;
    }
    if text.len() > CHUNK_BYTES {
        // Chunks of a long text may end inside a clause: the whole text, as indexed.
        return has_whole(text, &boundaries(jieba.get(), text), literal);
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(literal) {
        let (s, e) = (from + i, from + i + literal.len());
        let start = text[..s].rfind(SEPARATORS).map_or(0, |j| j + text[j..].chars().next().map_or(1, char::len_utf8));
        let end = text[e..].find(SEPARATORS).map_or(text.len(), |j| e + j);
        let (mut at_s, mut at_e) = (s == 0, e == text.len());
        for_each_word_in(jieba.get(), text, start, end, |_, ws, we| {
            at_s |= ws == s || we == s;
            at_e |= ws == e || we == e;
        });
        if at_s && at_e {
            return true;
        }
        from = s + literal.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Whether a literal is checked at all: only Chinese (CJK) text.
fn needs_check(l: &Literal) -> bool {
    matches!(l.scope, Scope::Any | Scope::Field(_)) && fold(&l.text).chars().any(is_cjk)
}

/// The query tree as the checks it asks of a document: `Lit(i)` is the i-th literal
/// of [`WholeWords::literals`] occurring whole.
#[derive(Clone, Debug)]
enum Check {
    /// Holds whatever the document (a literal not checked, an exclusion).
    Yes,
    Lit(usize),
    All(Vec<Check>),
    Any(Vec<Check>),
}

impl Check {
    fn of(node: &Node, literals: &mut Vec<(Scope, String)>) -> Check {
        match node {
            Node::Literal(l) if !needs_check(l) => Check::Yes,
            Node::Literal(l) => {
                literals.push((l.scope, fold(&l.text)));
                Check::Lit(literals.len() - 1)
            }
            Node::All(children) => Check::All(children.iter().map(|c| Check::of(c, literals)).collect()),
            Node::Any(children) => Check::Any(children.iter().map(|c| Check::of(c, literals)).collect()),
            // What must not occur is excluded by the query already, whole word or not.
            Node::Not(_) => Check::Yes,
            // Refused with -w before a query is compiled (see `Engine::prepare`).
            Node::Near { .. } | Node::Regex(_) => Check::Yes,
        }
    }

    fn holds(&self, whole: &mut impl FnMut(usize) -> bool) -> bool {
        match self {
            Check::Yes => true,
            Check::Lit(i) => whole(*i),
            Check::All(children) => children.iter().all(|c| c.holds(whole)),
            Check::Any(children) => children.iter().any(|c| c.holds(whole)),
        }
    }
}

/// The check keeping only documents where the tree holds with whole words (the filter
/// of a [`Verified`] query around the compiled one).
#[derive(Clone)]
pub(crate) struct WholeWords {
    /// Shared: each document's evaluation holds it while the scorer moves.
    check: Arc<Check>,
    /// The checked literals (folded), with where they must occur.
    literals: Vec<(Scope, String)>,
    /// The segmenter the index was built with (only built if a document is read).
    jieba: Arc<LazyJieba>,
    /// The index's fields.
    fields: Fields,
}

impl WholeWords {
    /// `inner` (the compiled `tree`), filtered.
    pub fn new(inner: Arc<dyn Query>, tree: &Node, jieba: Arc<LazyJieba>, fields: Fields) -> Verified<WholeWords> {
        let mut literals = Vec::new();
        let check = Check::of(tree, &mut literals);
        Verified::new(inner, WholeWords { check: Arc::new(check), literals, jieba, fields })
    }

    /// The text fields `scope` covers.
    fn fields_of(scope: Scope) -> impl Iterator<Item = Field> {
        Field::texts().map(|(f, _)| f).filter(move |f| scope == Scope::Any || scope == Scope::Field(*f))
    }
}

/// What the check reads in one segment.
pub(crate) struct Segment {
    store: tantivy::store::StoreReader,
    columns: SegmentColumns,
    /// Per literal, the word-view postings of the literal itself in each field it may
    /// occur in: documents there hold it as a word.
    words: Vec<Vec<SegmentPostings>>,
}

impl Verifier for WholeWords {
    type Segment = Segment;

    fn open(&self, reader: &SegmentReader) -> tantivy::Result<Segment> {
        let store = reader.get_store_reader(64)?;
        let columns =
            SegmentColumns::open(reader).map_err(|e| tantivy::TantivyError::InternalError(format!("{e:#}")))?;
        let mut words = Vec::with_capacity(self.literals.len());
        for (scope, lit) in &self.literals {
            let mut lists = Vec::new();
            for f in WholeWords::fields_of(*scope) {
                let Some(views) = self.fields.views(f) else { continue };
                let term = Term::from_field_text(views.words, lit);
                if let Some(p) = reader.inverted_index(views.words)?.read_postings(&term, IndexRecordOption::Basic)? {
                    lists.push(p);
                }
            }
            words.push(lists);
        }
        Ok(Segment { store, columns, words })
    }

    fn passes(&self, seg: &mut Segment, doc: DocId) -> bool {
        let mut texts: Option<Vec<(Field, String)>> = None;
        self.check.holds(&mut |i| {
            // Documents come in increasing order: each list only moves forward.
            let is_word = seg.words[i].iter_mut().any(|p| {
                if p.doc() < doc {
                    p.seek(doc);
                }
                p.doc() == doc
            });
            if is_word {
                return true;
            }
            let texts = texts.get_or_insert_with(|| folded_texts(&seg.store, &seg.columns, &self.fields, doc));
            let (scope, lit) = &self.literals[i];
            texts
                .iter()
                .filter(|(f, _)| *scope == Scope::Any || *scope == Scope::Field(*f))
                .any(|(_, t)| has_whole_in(&self.jieba, t, lit))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_follow_the_segmentation() {
        let jieba = crate::analysis::dictionary::Dictionary::default().full_jieba();
        let lazy = LazyJieba::new(Default::default());
        let text = fold("华为发布新品，思想升华为行动。");
        let b = boundaries(&jieba, &text);
        assert!(has_whole(&text, &b, "华为"), "{b:?}");
        let later = fold("思想升华为行动。");
        let b2 = boundaries(&jieba, &later);
        assert!(!has_whole(&later, &b2, "华为"), "{b2:?}");
        assert!(has_whole(&later, &b2, "行动"), "{b2:?}");
        for (t, lit) in [(&text, "华为"), (&later, "华为"), (&later, "行动"), (&later, "升华"), (&text, "新品，思想")]
        {
            assert_eq!(has_whole_in(&lazy, t, lit), has_whole(t, &boundaries(&jieba, t), lit), "{t} {lit}");
        }
    }
}
