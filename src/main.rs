//! The `sou` binary: the command-line front-end over the `sou` library. Parse the
//! arguments, run the command, map its outcome to an exit status — 0 something matched,
//! 1 nothing matched, 2 error — as grep and ripgrep do.

mod app;

use std::process::ExitCode;

/// Exit status when the command worked and something matched (or was done).
const FOUND: u8 = 0;
/// Exit status when the command worked and nothing matched.
const NOT_FOUND: u8 = 1;
/// Exit status of an error.
const ERROR: u8 = 2;

fn main() -> ExitCode {
    match app::run() {
        Ok(true) => ExitCode::from(FOUND),
        Ok(false) => ExitCode::from(NOT_FOUND),
        Err(e) => {
            // A closed pipe (`sou search … | head`) is not an error worth reporting.
            if e.chain().any(is_broken_pipe) {
                return ExitCode::from(FOUND);
            }
            if e.downcast_ref::<app::output::Reported>().is_none() {
                eprintln!("sou: error: {e:#}");
            }
            ExitCode::from(ERROR)
        }
    }
}

/// Whether `e` is (or wraps) a write to a closed pipe: an I/O error of that kind, also
/// when the CSV writer or an `io::Error` of another kind carries it.
fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        if io.kind() == std::io::ErrorKind::BrokenPipe {
            return true;
        }
        if let Some(inner) = io.get_ref() {
            return is_broken_pipe(inner);
        }
    }
    if let Some(csv::ErrorKind::Io(io)) = e.downcast_ref::<csv::Error>().map(|c| c.kind()) {
        return io.kind() == std::io::ErrorKind::BrokenPipe;
    }
    e.source().is_some_and(is_broken_pipe)
}
