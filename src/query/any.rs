//! A union of scored queries that can jump: a document matches when any child matches,
//! and scores the sum of the matching children's scores, in child order (as tantivy's
//! union sums them). tantivy's own union buffers a window of 4,096 documents at every
//! jump, advancing each child through it; for a literal's character phrases (one per
//! field) that meant checking the positions of thousands of documents to score one, and
//! the top-k search (`crate::engine`) scores chosen documents by jumping to them. This
//! union moves each child only as far as asked.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

/// Any of the children.
#[derive(Debug)]
pub struct AnyOf {
    children: Vec<Box<dyn Query>>,
}

impl AnyOf {
    /// The union of `children`.
    pub fn new(children: Vec<Box<dyn Query>>) -> AnyOf {
        AnyOf { children }
    }
}

impl Clone for AnyOf {
    fn clone(&self) -> Self {
        AnyOf { children: self.children.iter().map(|c| c.box_clone()).collect() }
    }
}

impl Query for AnyOf {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self.children.iter().map(|c| c.weight(enable_scoring)).collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AnyOfWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        for c in &self.children {
            c.query_terms(visitor);
        }
    }
}

struct AnyOfWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let children = self.weights.iter().map(|w| w.scorer(reader, boost)).collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AnyOfScorer::new(children)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut matched = Vec::new();
        for w in &self.weights {
            if let Ok(e) = w.explain(reader, doc) {
                matched.push(e);
            }
        }
        if matched.is_empty() {
            return Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        let mut e = Explanation::new("sum of", matched.iter().map(Explanation::value).sum());
        for m in matched {
            e.add_detail(m);
        }
        Ok(e)
    }
}

/// The union's scorer; `at[i]`: child `i` is on the current document.
struct AnyOfScorer {
    children: Vec<Box<dyn Scorer>>,
    at: Vec<bool>,
    doc: DocId,
}

impl AnyOfScorer {
    fn new(children: Vec<Box<dyn Scorer>>) -> AnyOfScorer {
        let mut s = AnyOfScorer { at: vec![false; children.len()], children, doc: 0 };
        s.settle();
        s
    }

    /// The current document: the smallest of the children's.
    fn settle(&mut self) -> DocId {
        self.doc = self.children.iter().map(|c| c.doc()).min().unwrap_or(TERMINATED);
        for (at, c) in self.at.iter_mut().zip(&self.children) {
            *at = self.doc != TERMINATED && c.doc() == self.doc;
        }
        self.doc
    }
}

impl DocSet for AnyOfScorer {
    fn advance(&mut self) -> DocId {
        for (c, at) in self.children.iter_mut().zip(&self.at) {
            if *at {
                c.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for c in &mut self.children {
            if c.doc() < target {
                c.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.children.iter().map(|c| c.size_hint()).max().unwrap_or(0)
    }
}

impl Scorer for AnyOfScorer {
    fn score(&mut self) -> Score {
        let mut score = 0.0;
        for (c, at) in self.children.iter_mut().zip(&self.at) {
            if *at {
                score += c.score();
            }
        }
        score
    }
}
