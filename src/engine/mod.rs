//! The engine: an index opened once, read-only, answering typed requests — hits,
//! counts, histograms, breakdowns by a field, keywords, one article, statistics — with
//! plain data types. Every front-end (the CLI's commands, and any other) asks it and
//! prints what it returns; none builds tantivy queries or reads stored fields itself.
//!
//! An `Engine` is cheap to query many times: a front-end that lives long opens it with
//! [`Engine::open_live`] and sees what `sou index` commits by itself.

pub(crate) mod aggregate;
mod backend;
mod collapse;
mod columns;
pub mod concordance;
mod first_copy;
mod keywords;
mod occurrences;
mod proximity;
mod search;
pub mod selection;
mod stats;
mod topk;
mod trend;
mod verified;
pub mod whole_words;

use std::path::Path;
use std::sync::OnceLock;

use anyhow::Result;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use tantivy::query::Query;
use tantivy::{IndexReader, ReloadPolicy, Searcher};

pub use aggregate::{Bucket, Days, Histogram, Period};
pub use backend::Backend;
pub use collapse::{Copy, Dup, StoryOf};
pub use concordance::{Context, Line};
use keywords::Ranking;
pub use keywords::{Keyword, Keywords};
pub use search::{Hit, Hits, Sort};
pub use selection::{filters, Selection, SelectionError};
pub use stats::Stats;
pub use trend::Trend;

use crate::analysis::dictionary::{Dictionary, LazyJieba};
use crate::article::{Article, Field, FieldSet};
use crate::index::stories::Story;
use crate::index::{self, SouIndex};
use crate::names::Named;
use crate::query::build::{compile, query_segmenter, Compiled, Filters, QueryError};
use crate::query::parse;

/// A page of ranked hits.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// Number of hits.
    pub limit: usize,
    /// Hits skipped before the first.
    pub offset: usize,
    /// Their order.
    pub sort: Sort,
    /// The fields the hits carry (others are left empty): the text is read from the
    /// document store, the other fields from columns.
    pub fields: FieldSet,
    /// Count the query's literals in each hit ([`Hit::occurrences`]); always done when
    /// the page is ordered by them.
    pub occurrences: bool,
    /// Say which story each hit belongs to ([`Hit::story`]); always done when the
    /// selection collapses stories.
    pub stories: bool,
}

/// The histogram of a selection and its counts per value of every counted field.
#[derive(Clone, Debug)]
pub struct Overview {
    /// Matching documents per period; its dated and undated counts add up to the total.
    pub histogram: Histogram,
    /// For each counted field (source, author), matching documents per value.
    pub breakdowns: Vec<(Field, Vec<Bucket>)>,
}

impl Overview {
    /// Matching documents.
    pub fn total(&self) -> u64 {
        self.histogram.dated + self.histogram.undated
    }

    /// The breakdown by `field` (empty when it is not a counted field).
    pub fn by(&self, field: Field) -> &[Bucket] {
        self.breakdowns.iter().find(|(f, _)| *f == field).map_or(&[], |(_, b)| b.as_slice())
    }
}

/// Most buckets a histogram may have.
const MAX_BUCKETS: i64 = 100_000;

/// Rolls per-day counts up into the buckets of `period` (or the one that fits), over the
/// filtered range intersected with the span of the matches' dates (zeros inside it
/// shown); an error when that would be more than [`MAX_BUCKETS`] bars. Every back end
/// (local or remote) counts per day and rolls up here.
pub fn histogram(days: aggregate::Days, filters: &Filters, period: Option<Period>) -> Result<Histogram> {
    let (days, undated) = days;
    let first = days.first().map(|d| filters.first_day.map_or(d.0, |f| f.max(d.0)));
    let last = days.last().map(|d| filters.last_day.map_or(d.0, |l| l.min(d.0)));
    let period = period.unwrap_or_else(|| Period::fitting(first, last));
    if period == Period::Hour {
        return Err(QueryError(
            "a histogram by hour is counted by the local index only (a remote engine counts days)".into(),
        )
        .into());
    }
    if let (Some(a), Some(b)) = (first, last) {
        let span = a.until(b).map_or(0, |s| s.get_days() as i64);
        let bars = span
            / match period {
                Period::Hour | Period::Day => 1,
                Period::Week => 7,
                Period::Month => 28,
                Period::Year => 365,
            };
        if bars > MAX_BUCKETS {
            return Err(QueryError(format!(
                "a histogram by {} from {a} to {b} would have {bars} bars; choose a longer period (week, month or year)",
                Named::name(period)
            ))
            .into());
        }
    }
    let dated: u64 = days.iter().map(|d| d.1).sum();
    let buckets = match (first, last) {
        (Some(a), Some(b)) => aggregate::histogram(&days, period, Some(a), Some(b)),
        _ => Vec::new(),
    };
    Ok(Histogram { period, buckets, dated, undated })
}

/// Documents read (and their lines handed on) at a time by the concordance and the
/// export walk: each batch is read in document order.
const CONCORDANCE_BATCH: usize = 256;

/// Pages reaching further than this many hits are cut to the matches first.
pub(crate) const LARGE_PAGE: usize = 10_000;

/// An index opened for reading.
pub struct Engine {
    index: SouIndex,
    reader: IndexReader,
    tz: TimeZone,
    /// Loaded on the first ranked query (counts never need it).
    dictionary: OnceLock<Dictionary>,
    /// The segmenter, built when a whole-word query (`-w`) first needs it.
    jieba: OnceLock<std::sync::Arc<LazyJieba>>,
}

/// The zone asked for, else the index's own, else China's.
fn zone(index: &index::SouIndex, asked: Option<TimeZone>) -> TimeZone {
    index::meta::zone(asked, index.meta.as_ref())
}

/// A selection compiled against the index.
struct Prepared {
    searcher: Searcher,
    compiled: Compiled,
    filters: Filters,
    /// What the index alone selects when the text must confirm each match (proximity,
    /// regular expressions, `-w`): the candidates `compiled.query` verifies.
    candidates: Option<std::sync::Arc<dyn Query>>,
}

/// How a selection was answered (`sou search --explain`): how many documents the index
/// looked up, and how many of them the text confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Explained {
    /// Documents in the index.
    pub documents: u64,
    /// Documents the index selected for their text to be checked; `None` when the index
    /// answers alone (no text check).
    pub candidates: Option<usize>,
    /// Matching documents.
    pub matches: usize,
}

impl Engine {
    /// Opens the index in `dir` for reading; dates are shown and filtered in `tz`, or
    /// without one in the zone the index was built in.
    pub fn open(dir: &Path, tz: Option<TimeZone>) -> Result<Engine> {
        Engine::with_reload(dir, tz, ReloadPolicy::Manual)
    }

    /// Opens the index in `dir` for a long-lived front-end: what `sou index` commits
    /// becomes visible by itself, shortly after the commit.
    pub fn open_live(dir: &Path, tz: Option<TimeZone>) -> Result<Engine> {
        Engine::with_reload(dir, tz, ReloadPolicy::OnCommitWithDelay)
    }

    /// [`Engine::open`] with the reader's reload policy; a damaged segment is reported
    /// as such ([`index::read_error`]).
    fn with_reload(dir: &Path, tz: Option<TimeZone>, policy: ReloadPolicy) -> Result<Engine> {
        let index = index::open(dir)?;
        let reader =
            index.index.reader_builder().reload_policy(policy).try_into().map_err(|e| index::read_error(dir, e))?;
        let tz = zone(&index, tz);
        Ok(Engine { index, reader, tz, dictionary: OnceLock::new(), jieba: OnceLock::new() })
    }

    /// The time zone dates are shown and filtered in.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.index.dir
    }

    /// A document's date as the day it falls on in the engine's time zone.
    pub fn day(&self, a: &Article) -> Option<Date> {
        a.day(&self.tz)
    }

    /// The index's segmenter (default dictionary and user words), built once.
    fn jieba(&self) -> Result<std::sync::Arc<jieba_rs::Jieba>> {
        Ok(self.lazy_jieba()?.get().clone())
    }

    /// The index's segmenter, not built until used.
    fn lazy_jieba(&self) -> Result<std::sync::Arc<LazyJieba>> {
        if let Some(j) = self.jieba.get() {
            return Ok(j.clone());
        }
        let j = std::sync::Arc::new(LazyJieba::new(self.dictionary()?.clone()));
        Ok(self.jieba.get_or_init(|| j).clone())
    }

    fn dictionary(&self) -> Result<&Dictionary> {
        if let Some(d) = self.dictionary.get() {
            return Ok(d);
        }
        let d = Dictionary::load(&self.index.dir)?;
        Ok(self.dictionary.get_or_init(|| d))
    }

    /// Compiles `sel`; `ranked` adds the word clauses that order hits (counts skip them).
    /// A collapsing selection keeps one representative per story (see [`collapse`]).
    fn prepare(&self, sel: &Selection, ranked: bool) -> Result<Prepared> {
        let p = self.prepare_matches(sel, ranked)?;
        if sel.collapse {
            return self.collapsed(p, None);
        }
        Ok(p)
    }

    /// `p`, keeping of its matches the first copy of each story (with `per`, of each
    /// story and value of that field).
    fn collapsed(&self, mut p: Prepared, per: Option<Field>) -> Result<Prepared> {
        let found: Vec<tantivy::DocAddress> =
            p.searcher.search(p.compiled.query.as_ref(), &tantivy::collector::DocSetCollector)?.into_iter().collect();
        let stories = collapse::Stories::open(&self.index.dir, &p.searcher)?;
        let kept = collapse::representatives(&p.searcher, &stories, &found, per)?;
        p.compiled.seekable = Box::new(kept.clone());
        p.compiled.query = Box::new(kept);
        p.compiled.parts = None;
        Ok(p)
    }

    /// Compiles `sel` (see [`Engine::prepare`]), every match kept.
    fn prepare_matches(&self, sel: &Selection, ranked: bool) -> Result<Prepared> {
        let filters = filters(sel, &self.tz)?;
        let empty = parse::Query::default();
        let parsed = sel.query.as_ref().unwrap_or(&empty);
        let words = if ranked { Some(query_segmenter(parsed, self.dictionary()?)) } else { None };
        let mut compiled = compile(parsed, &filters, &self.index.fields, words.as_ref())?;
        let mut candidates = None;
        if parsed.root.needs_text_check() {
            if sel.whole_words {
                return Err(anyhow::anyhow!(
                    "-w cannot be combined with NEAR/BEFORE/SENT/PARA or a /regular expression/ yet: drop -w, or search the words alone"
                ));
            }
            let inner: std::sync::Arc<dyn Query> = std::sync::Arc::from(compiled.query);
            candidates = Some(inner.clone());
            let check = proximity::Proximity::new(&parsed.root, self.index.fields);
            let checked = verified::Verified::new(inner, check);
            compiled.seekable = Box::new(checked.over(std::sync::Arc::from(compiled.seekable)));
            compiled.query = Box::new(checked);
            // The best hits cannot be found from score bounds alone: a candidate may fail.
            compiled.parts = None;
        }
        if sel.whole_words && sel.query.is_some() {
            let inner: std::sync::Arc<dyn Query> = std::sync::Arc::from(compiled.query);
            candidates = Some(inner.clone());
            let checked = whole_words::WholeWords::new(inner, &parsed.root, self.lazy_jieba()?, self.index.fields);
            compiled.seekable = Box::new(checked.over(std::sync::Arc::from(compiled.seekable)));
            compiled.query = Box::new(checked);
        }
        Ok(Prepared { searcher: self.reader.searcher(), compiled, filters, candidates })
    }

    /// The hits of `page`, the folded literals to highlight in them, and (when
    /// `with_total`) the number of matching documents, counted in the same pass.
    ///
    /// A page reaching past [`LARGE_PAGE`] hits is taken from every match in order (one
    /// pass, no heap of the page's size); nothing is allocated in proportion to a limit
    /// or an offset beyond the matches.
    pub fn search(&self, sel: &Selection, page: Page, with_total: bool) -> Result<Hits> {
        let p = self.prepare_matches(sel, true)?;
        if sel.collapse {
            return self.collapsed_page(&p, sel, page, with_total);
        }
        if page.sort.by_occurrences() {
            return self.by_occurrences(&p, sel, page);
        }
        let query: &dyn Query = p.compiled.query.as_ref();
        let (found, total) = if page.limit.saturating_add(page.offset) > LARGE_PAGE {
            let all = search::all(&p.searcher, query, page.sort)?;
            let n = all.len();
            (all.into_iter().skip(page.offset).take(page.limit).collect(), Some(n))
        } else if let Some(best) = self.pruned(&p, sel, page, with_total)? {
            (best, None)
        } else {
            search::addresses(&p.searcher, query, page, with_total)?
        };
        let counts = if page.occurrences {
            let addrs: Vec<tantivy::DocAddress> = found.iter().map(|(_, a)| *a).collect();
            Some(self.occurrences_of(&p, sel, &addrs)?)
        } else {
            None
        };
        let addrs: Vec<tantivy::DocAddress> = found.iter().map(|(_, a)| *a).collect();
        let mut hits = search::hits_at(&p.searcher, &self.index.fields, found, page)?;
        for (h, n) in hits.iter_mut().zip(counts.into_iter().flatten()) {
            h.occurrences = Some(n);
        }
        if page.stories {
            self.name_stories(&p, &addrs, &mut hits)?;
        }
        Ok(Hits { hits, total: total.filter(|_| with_total), literals: p.compiled.highlights })
    }

    /// Sets the story of each hit (at `addrs`, in order), without counting its copies.
    fn name_stories(&self, p: &Prepared, addrs: &[tantivy::DocAddress], hits: &mut [Hit]) -> Result<()> {
        let stories = collapse::Stories::open(&self.index.dir, &p.searcher)?;
        let ids = columns::load(&p.searcher, &self.index.fields, addrs, FieldSet::of(&[Field::Id]))?;
        for ((h, a), own) in hits.iter_mut().zip(addrs).zip(&ids) {
            let id = stories.id(stories.of(*a), own.text(Field::Id));
            h.story = Some(StoryOf { id, copies: None, first_date: None, first_source: None });
        }
        Ok(())
    }

    /// The page of a collapsing selection: one hit per story, its best-ranked copy, with
    /// the story's copies and first copy among the matches; the total (when asked for)
    /// counts stories.
    ///
    /// When the best hits can be found without scoring every match (see [`topk`]), the
    /// stories are read off the best hits, fetched in growing batches until the page
    /// holds enough distinct stories (exact: a story's best copy comes before its
    /// others), and only the page's stories are then tallied. Otherwise (other orders,
    /// queries that cannot be pruned, pages past [`LARGE_PAGE`]) every match is taken
    /// in order, once.
    fn collapsed_page(&self, p: &Prepared, sel: &Selection, page: Page, with_total: bool) -> Result<Hits> {
        let stories = collapse::Stories::open(&self.index.dir, &p.searcher)?;
        let Some((ranked, leading)) = self.leading_stories(p, sel, page, &stories)? else {
            return self.collapsed_from_all(p, sel, page, &stories);
        };
        let chosen: Vec<(usize, Story)> = leading.into_iter().skip(page.offset).take(page.limit).collect();
        let wanted: Vec<(Story, tantivy::DocAddress)> = chosen.iter().map(|&(i, s)| (s, ranked[i].1)).collect();
        let (tallies, total) = collapse::tally(&p.searcher, &stories, &p.compiled, &wanted, with_total)?;
        let found: search::Ranked = chosen.iter().map(|&(i, _)| ranked[i]).collect();
        let fields = page.fields.with(Field::Id);
        let mut hits = search::hits_at(&p.searcher, &self.index.fields, found, Page { fields, ..page })?;
        let addrs: Vec<tantivy::DocAddress> = wanted.iter().map(|(_, a)| *a).collect();
        let counts = if page.occurrences { Some(self.occurrences_of(p, sel, &addrs)?) } else { None };
        let told = collapse::story_of(&p.searcher, &stories, &wanted, &tallies, &hits)?;
        for (i, (h, s)) in hits.iter_mut().zip(told).enumerate() {
            h.story = Some(s);
            h.occurrences = counts.as_ref().map(|n| n[i]);
        }
        Ok(Hits { hits, total, literals: p.compiled.highlights.clone() })
    }

    /// The best hits of a collapsing page in its order, enough of them to hold its
    /// stories, and the distinct stories among them (each with its first hit's index);
    /// `None` when the page must be taken from every match instead.
    fn leading_stories(
        &self,
        p: &Prepared,
        sel: &Selection,
        page: Page,
        stories: &collapse::Stories,
    ) -> Result<Option<collapse::Leading>> {
        let Some(parts) = p.compiled.parts.as_ref() else { return Ok(None) };
        let need = page.offset.saturating_add(page.limit);
        if page.sort != Sort::Score || sel.whole_words || need > LARGE_PAGE {
            return Ok(None);
        }
        let Some(best) = topk::best_of_groups(&p.searcher, parts, need, |a| stories.of(a))? else { return Ok(None) };
        let ranked: search::Ranked = best.into_iter().map(|(score, _, a)| (Some(score), a)).collect();
        let leading = collapse::leading(stories, &ranked);
        Ok(Some((ranked, leading)))
    }

    /// A collapsing page taken from every match in order (see [`Engine::collapsed_page`]).
    fn collapsed_from_all(
        &self,
        p: &Prepared,
        sel: &Selection,
        page: Page,
        stories: &collapse::Stories,
    ) -> Result<Hits> {
        let sort = if page.sort.by_occurrences() { Sort::Score } else { page.sort };
        let all = search::all(&p.searcher, p.compiled.query.as_ref(), sort)?;
        let groups = collapse::groups(&p.searcher, stories, &all);
        let mut order: Vec<usize> = (0..groups.len()).collect();
        let mut counts = None;
        if page.occurrences || page.sort.by_occurrences() {
            let best: Vec<tantivy::DocAddress> = groups.iter().map(|g| all[g.best].1).collect();
            let n = self.occurrences_of(p, sel, &best)?;
            match page.sort {
                Sort::Occurrences => order.sort_by_key(|&i| std::cmp::Reverse(n[i])),
                Sort::OccurrencesAsc => order.sort_by_key(|&i| n[i]),
                _ => {}
            }
            counts = Some(n);
        }
        let chosen: Vec<usize> = order.into_iter().skip(page.offset).take(page.limit).collect();
        let found: search::Ranked = chosen.iter().map(|&g| all[groups[g].best]).collect();
        let wanted: Vec<(Story, tantivy::DocAddress)> =
            chosen.iter().map(|&g| (groups[g].story, all[groups[g].best].1)).collect();
        let tallies: Vec<collapse::Tally> = chosen.iter().map(|&g| groups[g].tally).collect();
        let fields = page.fields.with(Field::Id);
        let mut hits = search::hits_at(&p.searcher, &self.index.fields, found, Page { fields, ..page })?;
        let told = collapse::story_of(&p.searcher, stories, &wanted, &tallies, &hits)?;
        for ((h, s), &g) in hits.iter_mut().zip(told).zip(&chosen) {
            h.story = Some(s);
            h.occurrences = counts.as_ref().map(|n| n[g]);
        }
        Ok(Hits { hits, total: Some(groups.len()), literals: p.compiled.highlights.clone() })
    }

    /// The page of every match ordered by how often the query's literals occur in it
    /// (ties: by score, then newest first), with its total.
    fn by_occurrences(&self, p: &Prepared, sel: &Selection, page: Page) -> Result<Hits> {
        let all = search::all(&p.searcher, p.compiled.query.as_ref(), Sort::Score)?;
        let addrs: Vec<tantivy::DocAddress> = all.iter().map(|(_, a)| *a).collect();
        let counts = self.occurrences_of(p, sel, &addrs)?;
        let mut order: Vec<usize> = (0..all.len()).collect();
        if page.sort == Sort::Occurrences {
            order.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
        } else {
            order.sort_by_key(|&i| counts[i]);
        }
        let total = all.len();
        let chosen: Vec<usize> = order.into_iter().skip(page.offset).take(page.limit).collect();
        let found: search::Ranked = chosen.iter().map(|&i| all[i]).collect();
        let mut hits = search::hits_at(&p.searcher, &self.index.fields, found, page)?;
        for (h, &i) in hits.iter_mut().zip(&chosen) {
            h.occurrences = Some(counts[i]);
        }
        Ok(Hits { hits, total: Some(total), literals: p.compiled.highlights.clone() })
    }

    /// How many concordance lines each document at `addrs` has (in order): from the
    /// character view's positions, the text read only where they cannot tell (two
    /// occurrences meeting, `-w`, regular expressions).
    fn occurrences_of(&self, p: &Prepared, sel: &Selection, addrs: &[tantivy::DocAddress]) -> Result<Vec<usize>> {
        let mut pattern = false;
        if let Some(q) = &sel.query {
            q.root.for_each_wanted_pattern(&mut |_| pattern = true);
        }
        let whole = if sel.whole_words { Some(self.jieba()?) } else { None };
        let literals = &p.compiled.highlights;
        let counts = if whole.is_some() || pattern {
            vec![None; addrs.len()]
        } else {
            occurrences::per_document(&p.searcher, &self.index.fields, addrs, literals)?
        };
        let rescan: Vec<usize> = (0..addrs.len()).filter(|&i| counts[i].is_none()).collect();
        let mut counts: Vec<usize> = counts.into_iter().map(|n| n.unwrap_or(0)).collect();
        for chunk in rescan.chunks(CONCORDANCE_BATCH) {
            let at: Vec<tantivy::DocAddress> = chunk.iter().map(|&i| addrs[i]).collect();
            let texts = columns::load(&p.searcher, &self.index.fields, &at, FieldSet::of(&[Field::Content]))?;
            for (&i, a) in chunk.iter().zip(&texts) {
                counts[i] = concordance::occurrences_in(concordance::text_of(a), literals, whole.as_deref()).len();
            }
        }
        Ok(counts)
    }

    /// The page found by scoring only the documents that can make it (see [`topk`]), when
    /// that is possible: ranked by score, no total asked, no whole-word filter.
    fn pruned(&self, p: &Prepared, sel: &Selection, page: Page, with_total: bool) -> Result<Option<search::Ranked>> {
        let Some(parts) = p.compiled.parts.as_ref() else { return Ok(None) };
        if with_total || page.sort != Sort::Score || sel.whole_words {
            return Ok(None);
        }
        let k = page.offset + page.limit;
        let Some(best) = topk::best(&p.searcher, parts, k)? else { return Ok(None) };
        Ok(Some(best.into_iter().skip(page.offset).map(|(score, _, addr)| (Some(score), addr)).collect()))
    }

    /// The folded literals of the selection's query: what to highlight in its documents.
    pub fn literals(&self, sel: &Selection) -> Result<Vec<String>> {
        Ok(self.prepare(sel, false)?.compiled.highlights)
    }

    /// How `sel` is answered: the documents the index selects and those the text
    /// confirms (see [`Explained`]).
    pub fn explain(&self, sel: &Selection) -> Result<Explained> {
        let p = self.prepare(sel, false)?;
        let candidates = p.candidates.as_ref().map(|q| search::count(&p.searcher, q.as_ref())).transpose()?;
        Ok(Explained {
            documents: p.searcher.num_docs(),
            candidates,
            matches: search::count(&p.searcher, p.compiled.query.as_ref())?,
        })
    }

    /// The number of matching documents.
    pub fn count(&self, sel: &Selection) -> Result<usize> {
        let p = self.prepare(sel, false)?;
        search::count(&p.searcher, p.compiled.query.as_ref())
    }

    /// Matching documents per `period` (`None`: the period that fits the range in about a
    /// hundred bars), over the filtered range (or the matches' own), every period present.
    pub fn histogram(&self, sel: &Selection, period: Option<Period>) -> Result<Histogram> {
        let p = self.prepare(sel, false)?;
        if period == Some(Period::Hour) {
            return self.hourly(&p);
        }
        let days = aggregate::per_day(&p.searcher, p.compiled.query.as_ref(), &self.tz)?;
        histogram(days, &p.filters, period)
    }

    /// Matching documents per local hour, over the hours from the first match to the
    /// last; an error when that would be more than [`MAX_BUCKETS`] bars.
    fn hourly(&self, p: &Prepared) -> Result<Histogram> {
        let (hours, undated) = aggregate::per_hour(&p.searcher, p.compiled.query.as_ref(), &self.tz)?;
        if let (Some(a), Some(b)) = (hours.first(), hours.last()) {
            if b.0 - a.0 >= MAX_BUCKETS {
                return Err(QueryError(format!(
                    "a histogram by hour would have {} bars; narrow the dates (--since/--until) or choose day, week, month or year",
                    b.0 - a.0 + 1
                ))
                .into());
            }
        }
        let dated = hours.iter().map(|h| h.1).sum();
        Ok(Histogram { period: Period::Hour, buckets: aggregate::hourly(&hours), dated, undated })
    }

    /// The histogram and the breakdown by every counted field (source, author), in one
    /// pass over the matches: what a search page shows beside its hits.
    pub fn overview(&self, sel: &Selection, period: Option<Period>) -> Result<Overview> {
        let p = self.prepare(sel, false)?;
        let fields: Vec<Field> = Field::counted().collect();
        let (days, values) = aggregate::per_day_and_value(&p.searcher, p.compiled.query.as_ref(), &self.tz, &fields)?;
        let histogram = match period {
            Some(Period::Hour) => self.hourly(&p)?,
            _ => histogram(days, &p.filters, period)?,
        };
        Ok(Overview { histogram, breakdowns: fields.into_iter().zip(values).collect() })
    }

    /// Matching documents per value of a counted field (source, author), largest first,
    /// then (key `None`) those without one: the rows add up to the matches.
    pub fn breakdown(&self, sel: &Selection, field: Field) -> Result<Vec<Bucket>> {
        // Collapsed, each value counts the stories it carried: one per story and value.
        let mut p = self.prepare_matches(sel, false)?;
        if sel.collapse {
            p = self.collapsed(p, Some(field))?;
        }
        aggregate::per_value(&p.searcher, p.compiled.query.as_ref(), field)
    }

    /// Matching documents per source of the first copy of their story (who ran it
    /// first); collapsed, each story is counted once.
    pub fn first_sources(&self, sel: &Selection) -> Result<Vec<Bucket>> {
        let p = self.prepare_matches(sel, false)?;
        let found: Vec<tantivy::DocAddress> =
            p.searcher.search(p.compiled.query.as_ref(), &tantivy::collector::DocSetCollector)?.into_iter().collect();
        let stories = collapse::Stories::open(&self.index.dir, &p.searcher)?;
        let ranked: search::Ranked = found.iter().map(|a| (None, *a)).collect();
        let groups = collapse::groups(&p.searcher, &stories, &ranked);
        let mut columns: std::collections::HashMap<u32, columns::SegmentColumns> = Default::default();
        let mut counts: std::collections::HashMap<Option<String>, u64> = Default::default();
        for g in &groups {
            let a = g.tally.first.1;
            if let std::collections::hash_map::Entry::Vacant(e) = columns.entry(a.segment_ord) {
                e.insert(columns::SegmentColumns::open(p.searcher.segment_reader(a.segment_ord))?);
            }
            let source = columns.get(&a.segment_ord).and_then(|c| c.text(Field::Source, a.doc_id));
            *counts.entry(source).or_default() += if sel.collapse { 1 } else { g.tally.copies as u64 };
        }
        Ok(aggregate::buckets(counts))
    }

    /// The most distinctive words of the matching documents: significant terms against
    /// the rest of the index for a query or filters, the corpus's own words for all.
    pub fn keywords(&self, sel: &Selection, limit: usize) -> Result<Keywords> {
        let p = self.prepare(sel, true)?;
        let query = p.compiled.query.as_ref();
        let subset = sel.is_subset();
        let matching = if subset { search::count(&p.searcher, query)? } else { 0 };
        // A selection of every document has no rest to be compared with.
        let ranking = if subset && (matching as u64) < p.searcher.num_docs() {
            Ranking::Significant { matching, exclude: p.compiled.highlights.clone() }
        } else {
            Ranking::Corpus
        };
        keywords::distinctive(&p.searcher, &self.index.fields, query, limit, &ranking)
    }

    /// Every occurrence of the selection's literals in its documents' text, `ctx` around
    /// each, documents in `sort` order, handed to `visit` as each document is read
    /// (`visit` returns false to stop). Returns the occurrences and the documents they
    /// are in (as far as they were read).
    pub fn concordance(
        &self,
        sel: &Selection,
        sort: Sort,
        ctx: Context,
        visit: &mut dyn FnMut(Line) -> bool,
    ) -> Result<(usize, usize)> {
        let p = self.prepare(sel, sort.is_scored())?;
        let query = p.compiled.query.as_ref();
        let (mut lines, mut docs) = (0, 0);
        let whole = if sel.whole_words { Some(self.jieba()?) } else { None };
        let addrs: Vec<tantivy::DocAddress> =
            search::all(&p.searcher, query, sort)?.into_iter().map(|(_, a)| a).collect();
        for chunk in addrs.chunks(CONCORDANCE_BATCH) {
            for a in columns::load(&p.searcher, &self.index.fields, chunk, FieldSet::ALL)? {
                let meta = (a.text(Field::Id), self.day(&a), a.get(Field::Source));
                let text = concordance::text_of(&a);
                let found = concordance::lines_of(text, &p.compiled.highlights, ctx, meta, whole.as_deref());
                docs += usize::from(!found.is_empty());
                for l in found {
                    lines += 1;
                    if !visit(l) {
                        return Ok((lines, docs));
                    }
                }
            }
        }
        Ok((lines, docs))
    }

    /// How many lines [`Engine::concordance`] would hand on, and from how many
    /// documents, without building them: from the character view's positions, reading
    /// no article (but where two occurrences meet, and for `-w` and regular expressions,
    /// which need the text).
    pub fn concordance_count(&self, sel: &Selection) -> Result<(usize, usize)> {
        let p = self.prepare(sel, false)?;
        let found: Vec<tantivy::DocAddress> =
            p.searcher.search(p.compiled.query.as_ref(), &tantivy::collector::DocSetCollector)?.into_iter().collect();
        let counts = self.occurrences_of(&p, sel, &found)?;
        Ok((counts.iter().sum(), counts.iter().filter(|&&n| n > 0).count()))
    }

    /// Every document of the selection, in the index's order, handed to `visit` as it
    /// is read (one stored document in memory at a time): what an export streams.
    /// Returns the number of documents visited.
    pub fn for_each_article(&self, sel: &Selection, visit: &mut dyn FnMut(Article) -> Result<()>) -> Result<usize> {
        let p = self.prepare(sel, false)?;
        let mut found: Vec<tantivy::DocAddress> =
            p.searcher.search(p.compiled.query.as_ref(), &tantivy::collector::DocSetCollector)?.into_iter().collect();
        found.sort_unstable();
        for chunk in found.chunks(CONCORDANCE_BATCH) {
            for a in columns::load(&p.searcher, &self.index.fields, chunk, FieldSet::ALL)? {
                visit(a)?;
            }
        }
        Ok(found.len())
    }

    /// The id of every matching document, in the index's order (from the id column: no
    /// article is read).
    pub fn ids(&self, sel: &Selection) -> Result<Vec<String>> {
        let p = self.prepare(sel, false)?;
        let mut found: Vec<tantivy::DocAddress> =
            p.searcher.search(p.compiled.query.as_ref(), &tantivy::collector::DocSetCollector)?.into_iter().collect();
        found.sort_unstable();
        let articles = columns::load(&p.searcher, &self.index.fields, &found, FieldSet::of(&[Field::Id]))?;
        Ok(articles.into_iter().map(|mut a| a.take(Field::Id).unwrap_or_default()).collect())
    }

    /// The segmenter the index's word view was built with (jieba's dictionary and the
    /// user's words): what another engine's copy of the word view must be cut with.
    pub fn segmenter(&self) -> Result<std::sync::Arc<jieba_rs::Jieba>> {
        self.jieba()
    }

    /// The article whose id is `id`; or, when none has it, the plain-text article of the
    /// file `id` names from here (`./a.txt`, `/abs/a.txt`, `../x/a.txt`: any path naming
    /// the file, whichever directory the index was written from).
    pub fn show(&self, id: &str) -> Result<Option<Article>> {
        let searcher = self.reader.searcher();
        if let Some(a) = search::by_id(&searcher, &self.index.fields, id)? {
            return Ok(Some(a));
        }
        let base = self.index.meta.as_ref().and_then(|m| m.base());
        match crate::paths::id_of_path(id, base).filter(|p| p != id) {
            Some(path_id) => search::by_id(&searcher, &self.index.fields, &path_id),
            None => Ok(None),
        }
    }

    /// The other copies of the story of the document whose id is `id`, oldest first;
    /// `None` when no document has the id.
    pub fn copies(&self, id: &str) -> Result<Option<Vec<Copy>>> {
        let searcher = self.reader.searcher();
        let q = tantivy::query::TermQuery::new(
            tantivy::Term::from_field_text(self.index.fields.get(Field::Id), id),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let Some(&(_, at)) = searcher.search(&q, &tantivy::collector::TopDocs::with_limit(1).order_by_score())?.first()
        else {
            return Ok(None);
        };
        let stories = collapse::Stories::open(&self.index.dir, &searcher)?;
        Ok(Some(collapse::copies(&searcher, &stories, at)?))
    }

    /// The largest stories among the selection's matches (two copies or more): what got
    /// reposted most.
    pub fn dups(&self, sel: &Selection, limit: usize) -> Result<Vec<Dup>> {
        let p = self.prepare_matches(sel, false)?;
        let found: Vec<tantivy::DocAddress> =
            p.searcher.search(p.compiled.query.as_ref(), &tantivy::collector::DocSetCollector)?.into_iter().collect();
        let stories = collapse::Stories::open(&self.index.dir, &p.searcher)?;
        collapse::dups(&p.searcher, &stories, &found, limit)
    }

    /// How many of `ids` no document of the index has (an `--ids-from` list from another
    /// index, or from before documents were removed).
    pub fn missing_ids(&self, ids: &[String]) -> usize {
        let searcher = self.reader.searcher();
        let field = self.index.fields.get(Field::Id);
        ids.iter()
            .filter(|id| {
                let q = tantivy::query::TermQuery::new(
                    tantivy::Term::from_field_text(field, id),
                    tantivy::schema::IndexRecordOption::Basic,
                );
                searcher.search(&q, &tantivy::collector::Count).map_or(true, |n| n == 0)
            })
            .count()
    }

    /// What the index holds.
    pub fn stats(&self) -> Result<Stats> {
        stats::compute(self, &self.reader.searcher())
    }
}
