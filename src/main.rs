//! The `sou` binary: the command-line front-end over the engine of the `sou` library.
//! Parse arguments, run the command, map the outcome to an exit status — 0 matched,
//! 1 nothing matched, 2 error — as grep and ripgrep do.

mod cli;
mod commands;
mod output;
mod serve;
mod settings;
mod tui;
mod wrap;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command};

fn main() -> ExitCode {
    // An empty SOU_INDEX= (or SOU_TOKEN=) means unset, as for most tools.
    for var in ["SOU_INDEX", "SOU_TOKEN"] {
        if std::env::var_os(var).is_some_and(|v| v.is_empty()) {
            std::env::remove_var(var);
        }
    }
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Index(args) => commands::index::run(&cli.index, cli.tz.clone(), args),
        Command::Search(args) => commands::search::run(&cli, args),
        Command::Stats(args) => commands::stats::run(&cli, args),
        Command::Keywords(args) => commands::keywords::run(&cli, args),
        Command::Kwic(args) => commands::kwic::run(&cli, args),
        Command::Trend(args) => commands::trend::run(&cli, args),
        Command::Show(args) => commands::show::run(&cli, args),
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "sou", &mut std::io::stdout());
            Ok(commands::FOUND)
        }
        Command::Delete(args) => commands::delete::run(&cli.index, args),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Export(args) => commands::export::run(&cli, args),
        Command::Verify(args) => commands::verify::run(&cli, args),
        Command::Man(args) => commands::man::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            // A closed pipe (`sou search … | head`) is not an error worth reporting.
            if e.chain().any(is_broken_pipe) {
                return ExitCode::SUCCESS;
            }
            eprintln!("sou: error: {e:#}");
            ExitCode::from(2)
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
