//! `sou search -i`: live search in the terminal. Every keystroke re-runs the query on
//! the engine opened once (on a thread of its own, newest request only), with the hit
//! list, a preview of the selected article, a timeline and a filter panel.
//!
//! The interface draws on `/dev/tty`, so standard output stays free for `--print`.
//! The terminal is restored on every way out, a panic included.

mod app;
mod view;
mod worker;

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use base64::Engine as _;
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use sou::article::Field;
use sou::engine::{Engine, Selection, Sort};
use sou::sanitize::clean;

use crate::app::cli::Globals;
use crate::app::output::text;
use app::{Action, App};
use view::Theme;
use worker::Answer;

/// What the main loop waits for.
enum Message {
    Input(Event),
    Answer(Answer),
}

/// Leaves the terminal as it was found.
fn restore(tty: &mut File) {
    let _ = disable_raw_mode();
    let _ = execute!(tty, LeaveAlternateScreen, DisableMouseCapture, crossterm::cursor::Show);
}

/// Takes the terminal over: raw mode, alternate screen, mouse.
fn take_over(tty: &mut File) -> Result<()> {
    enable_raw_mode().context("cannot put the terminal in raw mode")?;
    execute!(tty, EnterAlternateScreen, EnableMouseCapture).context("cannot take over the terminal")?;
    Ok(())
}

/// Restores the terminal when dropped (every return path).
struct Guard(File);

impl Drop for Guard {
    fn drop(&mut self) {
        restore(&mut self.0);
    }
}

/// Reads terminal events on a thread of its own, except while `paused` (the pager reads
/// the terminal then).
fn read_input(tx: Sender<Message>, paused: Arc<AtomicBool>) {
    std::thread::spawn(move || loop {
        if paused.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        match event::poll(Duration::from_millis(40)) {
            Ok(true) => match event::read() {
                Ok(e) => {
                    if tx.send(Message::Input(e)).is_err() {
                        return;
                    }
                }
                Err(_) => return,
            },
            Ok(false) => {}
            Err(_) => return,
        }
    });
}

/// The article as the pager shows it: as `sou show` prints it, the literals in bold red
/// when `color`.
fn pager_text(app: &App, color: bool) -> String {
    let Some(h) = app.current() else { return String::new() };
    let literals = app.outcome.as_ref().map_or_else(Vec::new, |o| o.literals.clone());
    let marks = if color {
        text::Marks { literals: &literals, open: "\x1b[1;31m", close: "\x1b[0m" }
    } else {
        text::Marks::none()
    };
    let mut out = Vec::new();
    let _ = text::article(&mut out, &app.tz, &h.article, &marks);
    String::from_utf8_lossy(&out).into_owned()
}

/// Shows the selected article in `$PAGER` (default `less -R`) on the terminal.
fn page(app: &App, tty: &mut File, color: bool) -> Result<()> {
    let text = pager_text(app, color);
    let pager = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty()).unwrap_or_else(|| "less -R".into());
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&pager)
        .stdin(Stdio::piped())
        .stdout(tty.try_clone()?)
        .stderr(tty.try_clone()?)
        .spawn()
        .with_context(|| format!("cannot start the pager '{pager}'"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(text.as_bytes());
    }
    child.wait().context("the pager failed")?;
    Ok(())
}

/// Runs `sou search -i` with `query` typed and the filters of `sel`, sorted by `sort`;
/// with `print`, Enter prints ids; `ids_from` names the file of the selection's ids.
pub fn run(
    globals: &Globals,
    query: &str,
    sel: &Selection,
    sort: Sort,
    print: bool,
    ids_from: Option<String>,
) -> Result<bool> {
    // The interface reads and draws on the controlling terminal, whatever standard
    // input, output and error are (`sou search -i 2>log` works).
    if OpenOptions::new().read(true).write(true).open("/dev/tty").is_err() {
        eprintln!("sou: --interactive needs a terminal");
        return Err(crate::app::output::Reported.into());
    }
    // The interface draws on the terminal, whatever standard output is.
    let color = crate::app::settings::wants_color(globals.color, true);
    let engine = Engine::open(&globals.index, globals.tz.clone())?;
    let mut app = App::new(query, sel);
    app.sort = sort;
    app.tz = engine.tz().clone();
    app.print = print;
    app.ids_from = ids_from;
    let (requests, answers) = worker::start(engine);
    let (tx, rx) = channel::<Message>();
    let forward = tx.clone();
    std::thread::spawn(move || {
        while let Ok(a) = answers.recv() {
            if forward.send(Message::Answer(a)).is_err() {
                return;
            }
        }
    });
    let (tty, guard, terminal) = open_terminal()?;
    let paused = Arc::new(AtomicBool::new(false));
    read_input(tx, paused.clone());
    let mut session = Session { app, tty, terminal, requests, paused, color, trace: Trace::from_env() };
    let printed = session.run(&rx)?;
    let Session { app, terminal, .. } = session;
    drop(terminal);
    drop(guard);
    let _ = std::panic::take_hook();
    let mut out = std::io::stdout().lock();
    for id in &printed {
        writeln!(out, "{id}")?;
    }
    out.flush()?;
    eprintln!("{}", app.command_line());
    Ok(true)
}

/// What draws: the terminal, buffered.
type Screen = Terminal<CrosstermBackend<std::io::BufWriter<File>>>;

/// Takes the terminal over (`/dev/tty`), restoring it on a panic and when the guard is
/// dropped.
fn open_terminal() -> Result<(File, Guard, Screen)> {
    let mut tty = OpenOptions::new().read(true).write(true).open("/dev/tty").context("cannot open /dev/tty")?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut t) = OpenOptions::new().write(true).open("/dev/tty") {
            restore(&mut t);
        }
        previous(info);
    }));
    take_over(&mut tty)?;
    let guard = Guard(tty.try_clone()?);
    // Buffered: a frame is a few thousand small commands, written in one go (unbuffered,
    // each was a system call and a wake-up of the terminal: 30 ms a frame).
    let terminal = Terminal::new(CrosstermBackend::new(std::io::BufWriter::with_capacity(1 << 16, tty.try_clone()?)))?;
    Ok((tty, guard, terminal))
}

/// The running interface: the state, the terminal, the search thread.
struct Session {
    app: App,
    tty: File,
    terminal: Screen,
    requests: Sender<worker::Request>,
    /// Set while the pager owns the terminal (the input thread stops reading).
    paused: Arc<AtomicBool>,
    color: bool,
    trace: Trace,
}

impl Session {
    /// Draws, waits for a key or an answer, acts; until quit. The ids to print.
    fn run(&mut self, rx: &std::sync::mpsc::Receiver<Message>) -> Result<Vec<String>> {
        let theme = Theme { color: self.color };
        if let Some(r) = self.app.request() {
            let _ = self.requests.send(r);
        }
        loop {
            self.terminal.draw(|frame| view::draw(frame, &mut self.app, theme))?;
            self.trace.drawn(self.app.shown);
            let Ok(msg) = rx.recv() else { return Ok(Vec::new()) };
            let action = match msg {
                Message::Answer(a) => {
                    self.app.answer(a);
                    Action::None
                }
                Message::Input(Event::Key(k)) if k.kind != KeyEventKind::Release => self.app.key(k),
                Message::Input(Event::Mouse(m)) => self.app.mouse(m),
                Message::Input(_) => Action::None,
            };
            match action {
                Action::Print(ids) => return Ok(ids),
                Action::Quit => return Ok(Vec::new()),
                other => self.act(other)?,
            }
        }
    }

    /// Does what a key asked for (searching, copying, opening the pager).
    fn act(&mut self, action: Action) -> Result<()> {
        match action {
            Action::Search => {
                if let Some(r) = self.app.request() {
                    self.trace.keyed(r.seq);
                    let _ = self.requests.send(r);
                }
            }
            Action::Copy => {
                if let Some(id) = self.app.current().map(|h| h.article.text(Field::Id).to_string()) {
                    let b64 = base64::engine::general_purpose::STANDARD.encode(&id);
                    let _ = write!(self.tty, "\x1b]52;c;{b64}\x07");
                    let _ = self.tty.flush();
                    self.app.note = Some(format!("copied {}", clean(&id)));
                }
            }
            Action::Open => {
                self.paused.store(true, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(60));
                restore(&mut self.tty);
                let result = page(&self.app, &mut self.tty, self.color);
                take_over(&mut self.tty)?;
                self.terminal.clear()?;
                self.paused.store(false, Ordering::SeqCst);
                if let Err(e) = result {
                    self.app.note = Some(format!("{e:#}"));
                }
            }
            Action::None | Action::Print(_) | Action::Quit => {}
        }
        Ok(())
    }
}

/// Keystroke-to-redraw times, written to the file named by `SOU_TUI_TRACE` (for
/// `bench/tui`): for each keystroke that asked for a search, the milliseconds until a
/// frame showed results that include it.
struct Trace {
    file: Option<File>,
    pending: Vec<(u64, Instant)>,
}

impl Trace {
    fn from_env() -> Trace {
        let file = std::env::var_os("SOU_TUI_TRACE").and_then(|p| File::create(p).ok());
        Trace { file, pending: Vec::new() }
    }

    fn keyed(&mut self, seq: u64) {
        if self.file.is_some() {
            self.pending.push((seq, Instant::now()));
        }
    }

    fn drawn(&mut self, shown: u64) {
        let Some(file) = self.file.as_mut() else { return };
        let (done, rest): (Vec<_>, Vec<_>) = self.pending.drain(..).partition(|(s, _)| *s <= shown);
        for (_, t) in done {
            let _ = writeln!(file, "{:.3}", t.elapsed().as_secs_f64() * 1000.0);
        }
        self.pending = rest;
    }
}
