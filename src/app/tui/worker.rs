//! The search thread: it owns the engine and answers the newest request only. A request
//! still waiting when a newer one arrives is dropped (superseded, never queued), so the
//! interface never waits for results and never shows stale ones.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::{Duration, Instant};

use sou::article::{Field, FieldSet};
use sou::engine::{Bucket, Engine, Histogram, Hit, Page, Selection, Sort};

/// What to search for.
pub struct Request {
    /// Increases with every request; an answer carries its request's.
    pub seq: u64,
    /// The documents.
    pub selection: Selection,
    /// Result order.
    pub sort: Sort,
    /// How many hits to load.
    pub limit: usize,
}

/// A search's results.
pub struct Outcome {
    /// The hits loaded, best first.
    pub hits: Vec<Hit>,
    /// Matching documents.
    pub total: usize,
    /// Folded literals to highlight.
    pub literals: Vec<String>,
    /// Matching documents over time.
    pub histogram: Histogram,
    /// Matching documents per source.
    pub sources: Vec<Bucket>,
    /// How long the engine took.
    pub took: Duration,
}

/// The answer to request `seq`.
pub struct Answer {
    /// The request answered.
    pub seq: u64,
    /// Its results, or what the engine said was wrong with it.
    pub result: Result<Outcome, String>,
}

/// Starts the thread; it ends when the request sender is dropped.
pub fn start(engine: Engine) -> (Sender<Request>, Receiver<Answer>) {
    let (req_tx, req_rx) = channel::<Request>();
    let (ans_tx, ans_rx) = channel::<Answer>();
    std::thread::spawn(move || {
        while let Ok(mut req) = req_rx.recv() {
            while let Ok(newer) = req_rx.try_recv() {
                req = newer;
            }
            let result = run(&engine, &req).map_err(|e| format!("{e:#}"));
            if ans_tx.send(Answer { seq: req.seq, result }).is_err() {
                return;
            }
        }
    });
    (req_tx, ans_rx)
}

fn run(engine: &Engine, req: &Request) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let stories = req.selection.collapse;
    let page = Page { limit: req.limit, offset: 0, sort: req.sort, fields: FieldSet::ALL, occurrences: false, stories };
    let hits = engine.search(&req.selection, page, false)?;
    // Days: the timeline folds them into as many bars as the terminal is wide. The same
    // pass counts every match and the sources.
    let overview = engine.overview(&req.selection, Some(sou::engine::Period::Day))?;
    let sources = overview.by(Field::Source).to_vec();
    let histogram = overview.histogram;
    Ok(Outcome {
        total: (histogram.dated + histogram.undated) as usize,
        hits: hits.hits,
        literals: hits.literals,
        histogram,
        sources,
        took: started.elapsed(),
    })
}
