//! A query whose matches are checked one by one: the inner query finds candidates from
//! the index, and a [`Verifier`] keeps those that pass a check the index cannot make
//! (how near two literals stand, for instance), reading what it needs per segment.
//! Scores are the inner query's.

use std::sync::Arc;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

/// The check a [`Verified`] query makes of each candidate.
pub(crate) trait Verifier: Clone + Send + Sync + 'static {
    /// What the check reads in one segment (a store reader, columns, postings).
    type Segment: Send + 'static;
    /// Opens what the check needs in `reader`.
    fn open(&self, reader: &SegmentReader) -> tantivy::Result<Self::Segment>;
    /// Whether candidate `doc` passes (documents come in increasing order).
    fn passes(&self, segment: &mut Self::Segment, doc: DocId) -> bool;
}

/// `inner`, keeping only the documents `verifier` passes.
#[derive(Clone)]
pub(crate) struct Verified<V: Verifier> {
    inner: Arc<dyn Query>,
    verifier: V,
}

impl<V: Verifier> Verified<V> {
    /// `inner`, checked by `verifier`.
    pub fn new(inner: Arc<dyn Query>, verifier: V) -> Self {
        Verified { inner, verifier }
    }

    /// The same check over other candidates (the same documents found another way).
    pub fn over(&self, inner: Arc<dyn Query>) -> Self {
        Verified { inner, verifier: self.verifier.clone() }
    }
}

impl<V: Verifier> std::fmt::Debug for Verified<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Verified({:?})", self.inner)
    }
}

impl<V: Verifier> Query for Verified<V> {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(VerifiedWeight { inner: self.inner.weight(enable_scoring)?, verifier: self.verifier.clone() }))
    }
}

struct VerifiedWeight<V: Verifier> {
    inner: Box<dyn Weight>,
    verifier: V,
}

impl<V: Verifier> Weight for VerifiedWeight<V> {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        let segment = self.verifier.open(reader)?;
        let mut s = VerifiedScorer { inner, segment, verifier: self.verifier.clone() };
        let first = s.inner.doc();
        if first != TERMINATED && !s.verifier.passes(&mut s.segment, first) {
            s.advance();
        }
        Ok(Box::new(s))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct VerifiedScorer<V: Verifier> {
    inner: Box<dyn Scorer>,
    segment: V::Segment,
    verifier: V,
}

impl<V: Verifier> DocSet for VerifiedScorer<V> {
    fn advance(&mut self) -> DocId {
        loop {
            let doc = self.inner.advance();
            if doc == TERMINATED || self.verifier.passes(&mut self.segment, doc) {
                return doc;
            }
        }
    }

    /// Seeks in the candidates and confirms from there: a verifier reads only the
    /// candidates at or after `target`.
    fn seek(&mut self, target: DocId) -> DocId {
        let current = self.inner.doc();
        if current >= target {
            return current;
        }
        let doc = self.inner.seek(target);
        if doc == TERMINATED || self.verifier.passes(&mut self.segment, doc) {
            return doc;
        }
        self.advance()
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl<V: Verifier> Scorer for VerifiedScorer<V> {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}
