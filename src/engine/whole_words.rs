//! `-w / --word`: literals of Chinese text match only where the document's own
//! segmentation (the jieba words its word view was indexed with) has a word boundary at
//! both ends of the occurrence — 华为 in 华为公司 or 华为， but not in 升华为 — as `rg -w`
//! does for Latin words. Letters and digits already match whole words.
//!
//! A filter around the compiled query: each candidate document (which contains the
//! literals) is segmented again, field by field, and kept when the query, with each
//! literal asking for a whole-word occurrence, still holds. Exact by construction; the
//! cost is one segmentation per candidate (about 10 MB/s of text).

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use super::columns::{add_stored, SegmentColumns};

use crate::analysis::chars::is_cjk;
use crate::analysis::fold::fold;
use crate::analysis::words::for_each_word;
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

/// Whether a literal is checked at all: only Chinese (CJK) text.
fn needs_check(l: &Literal) -> bool {
    matches!(l.scope, Scope::Any | Scope::Field(_)) && fold(&l.text).chars().any(is_cjk)
}

/// The query tree, evaluated on one document whose text fields are `texts` (field,
/// folded text, boundaries).
fn holds(node: &Node, texts: &[(Field, String, Vec<usize>)]) -> bool {
    match node {
        Node::Literal(l) if !needs_check(l) => true,
        Node::Literal(l) => {
            let lit = fold(&l.text);
            texts
                .iter()
                .filter(|(f, _, _)| l.scope == Scope::Any || l.scope == Scope::Field(*f))
                .any(|(_, t, b)| has_whole(t, b, &lit))
        }
        Node::All(children) => children.iter().all(|c| holds(c, texts)),
        Node::Any(children) => children.iter().any(|c| holds(c, texts)),
        // What must not occur is excluded by the query already, whole word or not.
        Node::Not(_) => true,
    }
}

/// The compiled query, keeping only documents where the tree holds with whole words.
#[derive(Clone)]
pub(crate) struct WholeWords {
    /// The query it filters.
    pub inner: Arc<dyn Query>,
    /// The parsed query.
    pub tree: Node,
    /// The segmenter the index was built with.
    pub jieba: Arc<Jieba>,
    /// The index's fields.
    pub fields: Fields,
}

impl std::fmt::Debug for WholeWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WholeWords({:?})", self.inner)
    }
}

impl Query for WholeWords {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(WholeWordsWeight { inner: self.inner.weight(enable_scoring)?, filter: self.clone() }))
    }
}

struct WholeWordsWeight {
    inner: Box<dyn Weight>,
    filter: WholeWords,
}

impl Weight for WholeWordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        let store = reader.get_store_reader(64)?;
        let columns =
            SegmentColumns::open(reader).map_err(|e| tantivy::TantivyError::InternalError(format!("{e:#}")))?;
        let mut s = WholeWordsScorer { inner, store, columns, filter: self.filter.clone() };
        if s.inner.doc() != TERMINATED && !s.passes(s.inner.doc()) {
            s.advance();
        }
        Ok(Box::new(s))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct WholeWordsScorer {
    inner: Box<dyn Scorer>,
    store: tantivy::store::StoreReader,
    columns: SegmentColumns,
    filter: WholeWords,
}

impl WholeWordsScorer {
    fn passes(&self, doc: DocId) -> bool {
        let mut a = crate::article::Article::default();
        if add_stored(&self.store, &self.filter.fields, doc, &mut a).is_err() {
            return false;
        }
        let texts: Vec<(Field, String, Vec<usize>)> = Field::texts()
            .filter_map(|(f, _)| {
                let original = if f.spec().in_store { a.take(f) } else { self.columns.text(f, doc) }?;
                let t = fold(&original);
                let b = boundaries(&self.filter.jieba, &t);
                Some((f, t, b))
            })
            .collect();
        holds(&self.filter.tree, &texts)
    }
}

impl DocSet for WholeWordsScorer {
    fn advance(&mut self) -> DocId {
        loop {
            let doc = self.inner.advance();
            if doc == TERMINATED || self.passes(doc) {
                return doc;
            }
        }
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for WholeWordsScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_follow_the_segmentation() {
        let jieba = Jieba::new();
        let text = fold("华为发布新品，思想升华为行动。");
        let b = boundaries(&jieba, &text);
        assert!(has_whole(&text, &b, "华为"), "{b:?}");
        let later = fold("思想升华为行动。");
        let b2 = boundaries(&jieba, &later);
        assert!(!has_whole(&later, &b2, "华为"), "{b2:?}");
        assert!(has_whole(&later, &b2, "行动"), "{b2:?}");
    }
}
