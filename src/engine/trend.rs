//! Several queries over time: matching documents per period for each, and all documents
//! per period, over one common range — what `sou trend` prints and plots.

use anyhow::Result;

use super::{Engine, Period, Selection};

/// Counts per period for several queries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trend {
    /// The period of the rows.
    pub period: Period,
    /// The periods' labels, in order: every period of the range, empty ones included.
    pub periods: Vec<String>,
    /// All documents (within the filters) per period: what shares divide by.
    pub totals: Vec<u64>,
    /// For each query, its matching documents per period.
    pub series: Vec<Vec<u64>>,
}

impl Engine {
    /// Matching documents per `period` (`None`: one that fits) of each selection in
    /// `queries`, over the range of `base` (the same filters without a query).
    pub fn trend(&self, base: &Selection, queries: &[Selection], period: Option<Period>) -> Result<Trend> {
        let all = self.histogram(base, period)?;
        let periods: Vec<String> = all.buckets.iter().map(|b| b.key.clone().unwrap_or_default()).collect();
        let totals = all.buckets.iter().map(|b| b.count).collect();
        let mut series = Vec::with_capacity(queries.len());
        for sel in queries {
            let h = self.histogram(sel, Some(all.period))?;
            let mut counts = vec![0; periods.len()];
            for b in h.buckets {
                if let Some(i) = b.key.as_ref().and_then(|k| periods.iter().position(|p| p == k)) {
                    counts[i] = b.count;
                }
            }
            series.push(counts);
        }
        Ok(Trend { period: all.period, periods, totals, series })
    }
}
