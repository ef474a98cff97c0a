//! The state of the interactive search and what each key does to it. Nothing here
//! draws or touches the terminal, so the behaviour is testable as plain data.

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use sou::article::Field;
use sou::dates;
use sou::engine::{Bucket, Histogram, Hit, Selection, Sort};

use super::worker::{Answer, Outcome, Request};

/// Hits loaded at first, and added when the selection nears the end.
pub const PAGE: usize = 40;

/// Where typing goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The query line (the default).
    Query,
    /// The preview: n/N, j/k and the arrows move in the article.
    Preview,
    /// The filter panel.
    Filters,
}

/// The field of the filter panel that has focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterField {
    /// First day.
    Since,
    /// Last day.
    Until,
    /// The list of sources.
    Sources,
}

/// What the main loop should do after a key.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing more.
    None,
    /// Send this search (the app built it).
    Search,
    /// Open the selected article in the pager.
    Open,
    /// Copy the selected id to the clipboard.
    Copy,
    /// Print these ids and quit (`--print`).
    Print(Vec<String>),
    /// Quit.
    Quit,
}

/// The filter panel's editable state.
#[derive(Default)]
pub struct FilterPanel {
    /// `--since` as typed.
    pub since: String,
    /// `--until` as typed.
    pub until: String,
    /// Which field has focus.
    pub field: Option<FilterField>,
    /// The highlighted row of the source list.
    pub cursor: usize,
    /// An unreadable date, shown in the panel.
    pub error: Option<String>,
}

/// The interactive search.
pub struct App {
    /// The query as typed.
    pub query: String,
    /// The cursor, in characters.
    pub cursor: usize,
    /// Where typing goes.
    pub focus: Focus,
    /// Sort order.
    pub sort: Sort,
    /// The sources chosen (any of).
    pub sources: BTreeSet<String>,
    /// The filters given on the command line that the panel does not edit (authors, a
    /// title, whole words), as the named values the selection is built from.
    pub fixed: Vec<(&'static str, String)>,
    /// The file the selection's ids came from (`--ids-from`), for the printed command.
    pub ids_from: Option<String>,
    /// The filter panel.
    pub panel: FilterPanel,
    /// The last good results.
    pub outcome: Option<Outcome>,
    /// What is wrong with the query as typed: message and column.
    pub error: Option<(String, Option<usize>)>,
    /// The selected hit.
    pub selected: usize,
    /// First line of the preview shown.
    pub scroll: usize,
    /// The occurrence the preview is at.
    pub occurrence: usize,
    /// Whether the preview should scroll to the current occurrence at the next draw.
    pub jump_pending: bool,
    /// Ids marked with Tab (`--print`).
    pub marked: BTreeSet<String>,
    /// `--print` mode.
    pub print: bool,
    /// The latest request sent, and the one the results answer.
    pub sent: u64,
    /// The request the shown results answer.
    pub shown: u64,
    /// Hits asked for.
    pub limit: usize,
    /// A message for the status line (copied, opened).
    pub note: Option<String>,
    /// The last query that parsed (what the results on screen answer while the query
    /// as typed is wrong): the command line printed on quitting uses it.
    pub valid_query: String,
    /// The zone dates are shown in.
    pub tz: jiff::tz::TimeZone,
}

impl App {
    /// A new session with `query` typed and the filters of `sel` set (the panel edits
    /// the dates and sources; the others stay as given).
    pub fn new(query: &str, sel: &Selection) -> App {
        let mut since = String::new();
        let mut until = String::new();
        let mut sources = BTreeSet::new();
        let mut fixed = Vec::new();
        for (name, value) in sel.filter_pairs() {
            match name {
                "since" => since = value,
                "until" => until = value,
                _ if name == Field::Source.name() => {
                    sources.insert(value);
                }
                _ => fixed.push((name, value)),
            }
        }
        App {
            query: query.to_string(),
            valid_query: String::new(),
            cursor: query.chars().count(),
            focus: Focus::Query,
            sort: Sort::Score,
            sources,
            fixed,
            ids_from: None,
            panel: FilterPanel { since, until, ..FilterPanel::default() },
            outcome: None,
            error: None,
            selected: 0,
            scroll: 0,
            occurrence: 0,
            jump_pending: true,
            marked: BTreeSet::new(),
            print: false,
            sent: 0,
            shown: 0,
            limit: PAGE,
            note: None,
            tz: dates::default_tz(),
        }
    }

    /// Whether hits are one per story (`--collapse`, Ctrl-R).
    pub fn collapsed(&self) -> bool {
        self.fixed.iter().any(|(name, value)| *name == "collapse" && value == "true")
    }

    /// The filters as named values: the panel's dates and sources, then the fixed ones.
    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("since", self.panel.since.clone()), ("until", self.panel.until.clone())];
        pairs.extend(self.sources.iter().map(|s| (Field::Source.name(), s.clone())));
        pairs.extend(self.fixed.iter().cloned());
        pairs
    }

    /// The selection the query and filters make (built as every front-end builds it), or
    /// what is wrong with them: message and, for the query, its column.
    pub fn selection(&self) -> Result<Selection, (String, Option<usize>)> {
        let q = self.query.trim();
        let pairs = self.filter_pairs();
        Selection::build((!q.is_empty()).then_some(q), pairs.iter().map(|(n, v)| (*n, v.as_str()))).map_err(|e| match e
            .parse
        {
            Some(p) => (p.message, Some(p.column)),
            None => (format!("{}: {}", e.name, e.message), None),
        })
    }

    /// The next request, or the error to show (the last good results stay).
    pub fn request(&mut self) -> Option<Request> {
        match self.selection() {
            Ok(selection) => {
                self.error = None;
                self.valid_query = self.query.trim().to_string();
                if let Some(note) = selection.query.as_ref().and_then(|q| q.notes.first()) {
                    self.note = Some(note.clone());
                }
                self.sent += 1;
                Some(Request { seq: self.sent, selection, sort: self.sort, limit: self.limit })
            }
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// Takes in an answer; older ones than the last shown are dropped.
    pub fn answer(&mut self, a: Answer) {
        if a.seq < self.shown {
            return;
        }
        match a.result {
            Ok(o) => {
                let same_query = self.outcome.as_ref().is_some_and(|old| old.literals == o.literals);
                if !same_query || a.seq != self.shown {
                    // A new result set: back to the first hit unless more were loaded.
                    if !(same_query && o.hits.len() > self.outcome.as_ref().map_or(0, |x| x.hits.len())) {
                        self.selected = 0;
                        self.reset_preview();
                    }
                }
                self.outcome = Some(o);
                self.error = None;
            }
            Err(e) => self.error = Some((e, None)),
        }
        self.shown = a.seq;
        self.selected = self.selected.min(self.hits().len().saturating_sub(1));
    }

    /// The hits shown.
    pub fn hits(&self) -> &[Hit] {
        self.outcome.as_ref().map_or(&[], |o| &o.hits)
    }

    /// Matching documents.
    pub fn total(&self) -> usize {
        self.outcome.as_ref().map_or(0, |o| o.total)
    }

    /// The histogram of the results.
    pub fn histogram(&self) -> Option<&Histogram> {
        self.outcome.as_ref().map(|o| &o.histogram)
    }

    /// Sources with counts for the current results, chosen ones included.
    pub fn source_rows(&self) -> Vec<Bucket> {
        let mut rows: Vec<Bucket> = self.outcome.as_ref().map_or_else(Vec::new, |o| o.sources.clone());
        for s in &self.sources {
            if !rows.iter().any(|b| b.key.as_deref() == Some(s)) {
                rows.push(Bucket { key: Some(s.clone()), count: 0 });
            }
        }
        rows
    }

    /// The selected hit.
    pub fn current(&self) -> Option<&Hit> {
        self.hits().get(self.selected)
    }

    fn reset_preview(&mut self) {
        self.scroll = 0;
        self.occurrence = 0;
        self.jump_pending = true;
    }

    fn select(&mut self, i: isize) -> Action {
        let n = self.hits().len();
        if n == 0 {
            return Action::None;
        }
        let to = i.clamp(0, n as isize - 1) as usize;
        if to != self.selected {
            self.selected = to;
            self.reset_preview();
        }
        // Load more before the end is reached.
        if self.selected + 10 >= n && n < self.total() && self.limit <= n {
            self.limit = n + PAGE;
            return Action::Search;
        }
        Action::None
    }

    fn edited(&mut self) -> Action {
        self.limit = PAGE;
        Action::Search
    }

    /// Moves to the next (`step` 1) or previous (-1) occurrence in the preview.
    pub fn jump(&mut self, step: isize) {
        self.occurrence = (self.occurrence as isize + step).max(0) as usize;
        self.jump_pending = true;
    }

    /// What a key does.
    pub fn key(&mut self, k: KeyEvent) -> Action {
        self.note = None;
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let sel = self.selected as isize;
        // Keys that work whatever has focus.
        match (k.code, ctrl) {
            (KeyCode::Char('c'), true) => return Action::Quit,
            (KeyCode::Char('f'), true) => {
                self.focus = if self.focus == Focus::Filters { Focus::Query } else { Focus::Filters };
                self.panel.field = Some(FilterField::Since);
                return if self.focus == Focus::Query { self.edited() } else { Action::None };
            }
            (KeyCode::Char('s'), true) => {
                // Relevance → newest → oldest → most occurrences → relevance.
                self.sort = match self.sort {
                    Sort::Score => Sort::Date,
                    Sort::Date => Sort::DateAsc,
                    Sort::DateAsc => Sort::Occurrences,
                    _ => Sort::Score,
                };
                return self.edited();
            }
            (KeyCode::Char('y'), true) => return Action::Copy,
            (KeyCode::Char('r'), true) => {
                // Reposts: one hit per story, or every copy.
                if self.collapsed() {
                    self.fixed.retain(|(name, _)| *name != "collapse");
                } else {
                    self.fixed.push(("collapse", "true".to_string()));
                }
                return self.edited();
            }
            _ => {}
        }
        match self.focus {
            Focus::Filters => self.filter_key(k),
            Focus::Preview => match k.code {
                KeyCode::Char('n') => {
                    self.jump(1);
                    Action::None
                }
                KeyCode::Char('N') => {
                    self.jump(-1);
                    Action::None
                }
                KeyCode::Char('j') | KeyCode::Down => {
                    self.scroll += 1;
                    Action::None
                }
                KeyCode::Char('k') | KeyCode::Up => {
                    self.scroll = self.scroll.saturating_sub(1);
                    Action::None
                }
                KeyCode::PageDown => {
                    self.scroll += 10;
                    Action::None
                }
                KeyCode::PageUp => {
                    self.scroll = self.scroll.saturating_sub(10);
                    Action::None
                }
                KeyCode::Esc | KeyCode::Left | KeyCode::Char('/') | KeyCode::Char('q') => {
                    self.focus = Focus::Query;
                    Action::None
                }
                KeyCode::Enter => self.enter(),
                _ => Action::None,
            },
            Focus::Query => self.query_key(k, ctrl, sel),
        }
    }

    fn enter(&mut self) -> Action {
        let Some(h) = self.current() else { return Action::None };
        if self.print {
            let mut ids: Vec<String> = self.marked.iter().cloned().collect();
            if ids.is_empty() {
                ids.push(h.article.text(Field::Id).to_string());
            }
            return Action::Print(ids);
        }
        Action::Open
    }

    /// A key while typing the query: moving in the hits, or editing the query.
    fn query_key(&mut self, k: KeyEvent, ctrl: bool, sel: isize) -> Action {
        match (k.code, ctrl) {
            (KeyCode::Esc, _) => Action::Quit,
            (KeyCode::Enter, _) => self.enter(),
            (KeyCode::Down, true) => {
                self.jump(1);
                Action::None
            }
            (KeyCode::Up, true) => {
                self.jump(-1);
                Action::None
            }
            (KeyCode::Down, false) | (KeyCode::Char('n'), true) => self.select(sel + 1),
            (KeyCode::Up, false) | (KeyCode::Char('p'), true) => self.select(sel - 1),
            (KeyCode::PageDown, _) => self.select(sel + 10),
            (KeyCode::PageUp, _) => self.select(sel - 10),
            (KeyCode::Home, _) => self.select(0),
            (KeyCode::End, _) => self.select(self.hits().len() as isize - 1),
            (KeyCode::Tab, _) => {
                if let Some(id) = self.current().map(|h| h.article.text(Field::Id).to_string()) {
                    if !self.marked.remove(&id) {
                        self.marked.insert(id);
                    }
                }
                self.select(sel + 1)
            }
            _ => self.edit_key(k, ctrl),
        }
    }

    /// A key that moves the cursor in the query or edits it.
    fn edit_key(&mut self, k: KeyEvent, ctrl: bool) -> Action {
        let len = self.query.chars().count();
        match (k.code, ctrl) {
            (KeyCode::Right, _) if self.cursor >= len => {
                self.focus = Focus::Preview;
                Action::None
            }
            (KeyCode::Right, _) => {
                self.cursor += 1;
                Action::None
            }
            (KeyCode::Left, _) => {
                self.cursor = self.cursor.saturating_sub(1);
                Action::None
            }
            (KeyCode::Char('a'), true) => {
                self.cursor = 0;
                Action::None
            }
            (KeyCode::Char('e'), true) => {
                self.cursor = len;
                Action::None
            }
            (KeyCode::Char('u'), true) => {
                self.query.clear();
                self.cursor = 0;
                self.edited()
            }
            (KeyCode::Char('w'), true) => self.delete_word(),
            (KeyCode::Backspace, _) if self.cursor > 0 => {
                self.remove_char(self.cursor - 1);
                self.cursor -= 1;
                self.edited()
            }
            (KeyCode::Delete, _) if self.cursor < len => {
                self.remove_char(self.cursor);
                self.edited()
            }
            (KeyCode::Char(c), false) => {
                let at = self.byte_at(self.cursor);
                self.query.insert(at, c);
                self.cursor += 1;
                self.edited()
            }
            _ => Action::None,
        }
    }

    /// Ctrl-W: deletes the word before the cursor (and the spaces after it).
    fn delete_word(&mut self) -> Action {
        let chars: Vec<char> = self.query.chars().collect();
        let mut start = self.cursor;
        while start > 0 && chars[start - 1] == ' ' {
            start -= 1;
        }
        while start > 0 && chars[start - 1] != ' ' {
            start -= 1;
        }
        self.query = chars[..start].iter().chain(&chars[self.cursor..]).collect();
        self.cursor = start;
        self.edited()
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.query.char_indices().nth(chars).map_or(self.query.len(), |(i, _)| i)
    }

    fn remove_char(&mut self, at: usize) {
        let b = self.byte_at(at);
        self.query.remove(b);
    }

    fn filter_key(&mut self, k: KeyEvent) -> Action {
        let field = self.panel.field.unwrap_or(FilterField::Since);
        match k.code {
            KeyCode::Esc | KeyCode::Enter if field != FilterField::Sources || k.code == KeyCode::Esc => {
                self.focus = Focus::Query;
                return self.apply_dates();
            }
            KeyCode::Tab | KeyCode::BackTab => {
                self.panel.field = Some(match (field, k.code == KeyCode::BackTab) {
                    (FilterField::Since, false) | (FilterField::Sources, true) => FilterField::Until,
                    (FilterField::Until, false) | (FilterField::Since, true) => FilterField::Sources,
                    (FilterField::Sources, false) | (FilterField::Until, true) => FilterField::Since,
                });
                return self.apply_dates();
            }
            _ => {}
        }
        match field {
            FilterField::Since | FilterField::Until => {
                let text = if field == FilterField::Since { &mut self.panel.since } else { &mut self.panel.until };
                match k.code {
                    KeyCode::Char(c) => text.push(c),
                    KeyCode::Backspace => {
                        text.pop();
                    }
                    _ => return Action::None,
                }
                Action::None
            }
            FilterField::Sources => {
                let rows = self.source_rows();
                match k.code {
                    KeyCode::Down | KeyCode::Char('j') => {
                        self.panel.cursor = (self.panel.cursor + 1).min(rows.len().saturating_sub(1))
                    }
                    KeyCode::Up | KeyCode::Char('k') => self.panel.cursor = self.panel.cursor.saturating_sub(1),
                    KeyCode::Char(' ') | KeyCode::Enter => {
                        if let Some(name) = rows.get(self.panel.cursor).and_then(|b| b.key.clone()) {
                            if !self.sources.remove(&name) {
                                self.sources.insert(name);
                            }
                            return self.edited();
                        }
                    }
                    _ => {}
                }
                Action::None
            }
        }
    }

    /// Checks the typed dates; a search when they read.
    fn apply_dates(&mut self) -> Action {
        for (name, s) in [("since", &self.panel.since), ("until", &self.panel.until)] {
            if !s.trim().is_empty() {
                if let Err(e) = dates::parse_day_range(s.trim()) {
                    self.panel.error = Some(format!("{name}: {e}"));
                    return Action::None;
                }
            }
        }
        self.panel.error = None;
        self.edited()
    }

    /// What the mouse wheel does: move the selection.
    pub fn mouse(&mut self, m: MouseEvent) -> Action {
        let sel = self.selected as isize;
        match m.kind {
            MouseEventKind::ScrollDown => self.select(sel + 1),
            MouseEventKind::ScrollUp => self.select(sel - 1),
            _ => Action::None,
        }
    }

    /// The `sou search …` command line that gives the same results.
    /// While the query as typed does not parse, it is the last one that did: the
    /// command reproduces the results on screen, and the CLI accepts it.
    pub fn command_line(&self) -> String {
        let query = if self.error.is_some() { self.valid_query.as_str() } else { self.query.trim() };
        let mut args = vec!["sou".to_string(), "search".to_string()];
        if !query.is_empty() {
            args.push(quote(query));
        }
        let mut pairs = self.filter_pairs();
        // Flags in the order people write them: sources, authors, title, dates, -w, --collapse.
        pairs.sort_by_key(|(name, _)| {
            ["source", "author", "title", "since", "until", "word", "variants", "id", "collapse"]
                .iter()
                .position(|n| n == name)
        });
        let mut listed = false;
        for (name, value) in pairs {
            match name {
                "id" if !listed => {
                    listed = true;
                    args.extend(["--ids-from".to_string(), quote(self.ids_from.as_deref().unwrap_or("FILE"))]);
                }
                "id" => {}
                _ if value.trim().is_empty() => {}
                "word" => args.push("-w".to_string()),
                "collapse" => args.push("--collapse".to_string()),
                "variants" => args.push("--variants".to_string()),
                // A day counted back (7d, yesterday) is printed as the day it is today, so
                // the command pastes into a note and means what the screen showed.
                "since" | "until" => {
                    let day = match dates::Days::parse(value.trim()) {
                        Ok(d @ dates::Days::Back(..)) => d.absolute(name == "until", dates::today(&self.tz)),
                        _ => value.trim().to_string(),
                    };
                    args.extend([format!("--{name}"), quote(&day)]);
                }
                _ => args.extend([format!("--{name}"), quote(value.trim())]),
            }
        }
        if self.sort != Sort::Score {
            args.extend(["--sort".to_string(), sou::names::Named::name(self.sort).to_string()]);
        }
        args.join(" ")
    }
}

/// `s` quoted for a POSIX shell when it needs to be.
fn quote(s: &str) -> String {
    let safe = !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "-_./:+@%,".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_edits_the_query_by_characters_and_asks_for_a_search() {
        let mut app = App::new("人工", &Selection::default());
        assert_eq!(app.key(key(KeyCode::Char('智'))), Action::Search);
        app.key(key(KeyCode::Left));
        app.key(key(KeyCode::Backspace));
        assert_eq!(app.query, "人智");
        assert_eq!(app.cursor, 1);
        assert!(app.request().is_some());
    }

    #[test]
    fn a_bad_query_keeps_the_error_with_its_column() {
        let mut app = App::new("人工 \"智能", &Selection::default());
        assert!(app.request().is_none());
        assert_eq!(app.error.as_ref().and_then(|e| e.1), Some(3));
    }

    #[test]
    fn the_command_line_reproduces_the_search() {
        let sel = Selection::build(
            None,
            [("since", "2025-12"), ("source", "上海科技"), ("author", "李白"), ("word", "true")],
        )
        .expect("selection");
        let mut app = App::new("张江 OR 临港", &sel);
        app.sort = Sort::Date;
        assert_eq!(
            app.command_line(),
            "sou search '张江 OR 临港' --source 上海科技 --author 李白 --since 2025-12-01 -w --sort date"
        );
        // The TUI's own selection keeps every filter of the command line, -w included.
        let again = app.selection().expect("selection");
        assert!(again.whole_words);
        assert_eq!(again.values_of(Field::Author), ["李白"]);
        assert_eq!(quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn ctrl_s_cycles_through_the_orders_and_the_command_names_each() {
        let mut app = App::new("芯片", &Selection::default());
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        let mut seen = Vec::new();
        for _ in 0..4 {
            assert_eq!(app.key(ctrl_s), Action::Search);
            seen.push(app.command_line());
        }
        assert_eq!(
            seen,
            [
                "sou search 芯片 --sort date",
                "sou search 芯片 --sort date-asc",
                "sou search 芯片 --sort occurrences",
                "sou search 芯片"
            ]
        );
    }

    #[test]
    fn listed_ids_print_as_the_file_they_came_from() {
        let sel = Selection::build(Some("芯片"), [("id", "a"), ("id", "b"), ("source", "新华社")]).expect("selection");
        let mut app = App::new("芯片", &sel);
        app.ids_from = Some("hits.txt".to_string());
        app.sort = Sort::DateAsc;
        assert_eq!(app.command_line(), "sou search 芯片 --source 新华社 --ids-from hits.txt --sort date-asc");
        assert_eq!(app.selection().expect("selection").ids, Some(vec!["a".to_string(), "b".to_string()]));
    }

    #[test]
    fn days_counted_back_print_as_the_days_they_are_today() {
        let sel = Selection::build(Some("芯片"), [("since", "7d"), ("until", "yesterday")]).expect("selection");
        let app = App::new("芯片", &sel);
        let today = dates::today(&app.tz);
        let week = today.checked_sub(jiff::Span::new().days(7)).expect("a day");
        let yesterday = today.yesterday().expect("a day");
        assert_eq!(app.command_line(), format!("sou search 芯片 --since {week} --until {yesterday}"));
    }

    #[test]
    fn a_query_that_does_not_parse_prints_the_command_of_the_results_on_screen() {
        let mut app = App::new("华为", &Selection::default());
        assert!(app.request().is_some());
        app.query = "华为 \"芯片".to_string();
        assert!(app.request().is_none());
        assert!(app.error.is_some());
        assert_eq!(app.command_line(), "sou search 华为");
        // The printed command is one the CLI's parser accepts.
        assert!(Selection::build(Some("华为"), std::iter::empty()).is_ok());
    }

    #[test]
    fn ctrl_r_collapses_reposts_and_the_command_says_so() {
        let sel = Selection::build(Some("芯片"), [("collapse", "true"), ("source", "新华社")]).expect("selection");
        let mut app = App::new("芯片", &sel);
        assert!(app.collapsed());
        assert_eq!(app.command_line(), "sou search 芯片 --source 新华社 --collapse");
        let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(app.key(ctrl_r), Action::Search);
        assert!(!app.request().expect("a request").selection.collapse);
        assert_eq!(app.command_line(), "sou search 芯片 --source 新华社");
        app.key(ctrl_r);
        assert!(app.request().expect("a request").selection.collapse);
    }
}
