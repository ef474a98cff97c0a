//! Counting a concordance without reading articles: every occurrence of a literal is a
//! run of the character view's positions, so `kwic --count` walks the postings of the
//! literals' units in the matching documents instead of decompressing and scanning
//! their text (`kwic --count`, the `occurrences` column, `--sort occurrences`). The
//! count equals the lines `kwic` prints (overlapping or touching occurrences are one
//! line, as [`crate::snippet`] merges them): where positions cannot tell whether two
//! occurrences touch (one right after the other, with possibly a space or an ignored
//! mark between), the caller scans the document's text.

use anyhow::Result;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Searcher, Term};

use crate::analysis::chars::{plan_literal, LiteralPlan};
use crate::article::Field;
use crate::index::Fields;

/// One literal's units in one segment: (offset from the first unit, postings).
type Units = Vec<(u32, SegmentPostings)>;

/// How many concordance lines each document of `found` has (in `found`'s order) for the
/// folded `literals` a concordance looks for in the content, from positions alone;
/// `None` where two occurrences follow each other directly and only the text can tell
/// whether they touch.
pub(crate) fn per_document(
    searcher: &Searcher,
    fields: &Fields,
    found: &[DocAddress],
    literals: &[String],
) -> Result<Vec<Option<usize>>> {
    let mut out = vec![Some(0); found.len()];
    let Some(views) = fields.views(Field::Content) else { return Ok(out) };
    let plans: Vec<Vec<(u32, String)>> = literals
        .iter()
        .filter_map(|l| match plan_literal(l) {
            LiteralPlan::Units(u) => Some(u),
            LiteralPlan::Empty => None,
        })
        .collect();
    // Postings are walked forwards: documents in address order.
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_unstable_by_key(|&i| found[i]);
    let mut at = 0;
    while at < order.len() {
        let segment = found[order[at]].segment_ord;
        let end = at + order[at..].iter().take_while(|&&i| found[i].segment_ord == segment).count();
        let inverted = searcher.segment_reader(segment).inverted_index(views.chars)?;
        let mut postings: Vec<Option<Units>> = Vec::with_capacity(plans.len());
        for plan in &plans {
            let mut units = Vec::with_capacity(plan.len());
            for (off, text) in plan {
                let term = Term::from_field_text(views.chars, text);
                match inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)? {
                    Some(p) => units.push((*off, p)),
                    None => {
                        units.clear();
                        break;
                    }
                }
            }
            postings.push((!units.is_empty()).then_some(units));
        }
        let mut spans: Vec<(u32, u32)> = Vec::new();
        let mut sets: Vec<Vec<u32>> = Vec::new();
        for &i in &order[at..end] {
            spans.clear();
            for units in postings.iter_mut().flatten() {
                occurrences(units, found[i].doc_id, &mut sets, &mut spans);
            }
            if plans.len() > 1 {
                spans.sort_unstable();
            }
            out[i] = merged(&spans);
        }
        at = end;
    }
    Ok(out)
}

/// Adds to `spans` the (first, last) positions of every occurrence of the literal whose
/// units are `units` in document `doc`, in order; `sets` holds each unit's positions
/// (reused from one document to the next).
fn occurrences(units: &mut Units, doc: DocId, sets: &mut Vec<Vec<u32>>, spans: &mut Vec<(u32, u32)>) {
    let last_off = units.last().map_or(0, |u| u.0);
    sets.resize_with(units.len(), Vec::new);
    for ((_, p), set) in units.iter_mut().zip(sets.iter_mut()) {
        if p.doc() < doc {
            p.seek(doc);
        }
        if p.doc() != doc {
            return;
        }
        set.clear();
        p.positions(set);
    }
    'start: for &s in &sets[0] {
        for (set, (off, _)) in sets.iter().zip(units.iter()).skip(1) {
            if set.binary_search(&(s + off)).is_err() {
                continue 'start;
            }
        }
        spans.push((s, s + last_off));
    }
}

/// How many lines sorted occurrence spans make once overlapping ones are merged; `None`
/// when two follow each other directly (whether they touch depends on the text between).
fn merged(spans: &[(u32, u32)]) -> Option<usize> {
    let mut n = 0;
    let mut last: Option<u32> = None;
    for &(s, e) in spans {
        match last {
            Some(l) if s <= l => last = Some(l.max(e)),
            Some(l) if s == l + 1 => return None,
            _ => {
                n += 1;
                last = Some(e);
            }
        }
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_spans_are_one_line_and_adjacent_ones_are_asked_of_the_text() {
        assert_eq!(merged(&[]), Some(0));
        assert_eq!(merged(&[(0, 1), (5, 6)]), Some(2));
        assert_eq!(merged(&[(0, 2), (1, 3), (3, 4)]), Some(1));
        assert_eq!(merged(&[(0, 1), (2, 3)]), None);
    }
}
