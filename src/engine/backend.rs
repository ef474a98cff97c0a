//! What a search front-end asks of an engine, whichever engine answers: the local index
//! ([`super::Engine`]) or a remote cluster holding the same documents (`crate::remote`).
//! The CLI's printers take what these return, so `sou search --engine URL` prints
//! exactly as a local search does.

use anyhow::Result;
use jiff::tz::TimeZone;

use super::{Bucket, Histogram, Hits, Page, Period, Selection};
use crate::article::Field;

/// The requests of `sou search` (hits, count, histogram, breakdown).
pub trait Backend {
    /// The hits of `page`, with the folded literals to highlight, and (when
    /// `with_total`) the number of matching documents.
    fn search(&self, sel: &Selection, page: Page, with_total: bool) -> Result<Hits>;

    /// The number of matching documents.
    fn count(&self, sel: &Selection) -> Result<usize>;

    /// The id of every matching document, in no particular order: what `sou verify`
    /// compares between engines.
    fn ids(&self, sel: &Selection) -> Result<Vec<String>>;

    /// Matching documents per `period` (see [`super::histogram`]).
    fn histogram(&self, sel: &Selection, period: Option<Period>) -> Result<Histogram>;

    /// Matching documents per value of a counted field, largest first, then those
    /// without one.
    fn breakdown(&self, sel: &Selection, field: Field) -> Result<Vec<Bucket>>;

    /// Matching documents (stories, collapsed) per source of their story's first copy:
    /// the local index alone groups stories.
    fn first_sources(&self, _sel: &Selection) -> Result<Vec<Bucket>> {
        anyhow::bail!("--by first-source works on the local index only (stories are grouped by `sou index`)")
    }

    /// The zone dates are shown and filtered in.
    fn tz(&self) -> &TimeZone;
}

impl Backend for super::Engine {
    fn search(&self, sel: &Selection, page: Page, with_total: bool) -> Result<Hits> {
        super::Engine::search(self, sel, page, with_total)
    }

    fn count(&self, sel: &Selection) -> Result<usize> {
        super::Engine::count(self, sel)
    }

    fn ids(&self, sel: &Selection) -> Result<Vec<String>> {
        super::Engine::ids(self, sel)
    }

    fn histogram(&self, sel: &Selection, period: Option<Period>) -> Result<Histogram> {
        super::Engine::histogram(self, sel, period)
    }

    fn breakdown(&self, sel: &Selection, field: Field) -> Result<Vec<Bucket>> {
        super::Engine::breakdown(self, sel, field)
    }

    fn first_sources(&self, sel: &Selection) -> Result<Vec<Bucket>> {
        super::Engine::first_sources(self, sel)
    }

    fn tz(&self) -> &TimeZone {
        super::Engine::tz(self)
    }
}
