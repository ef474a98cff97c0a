//! The `sou` binary: the command-line front-end over the engine of the `sou` library.
//! Parse arguments, run the command, map the outcome to an exit status — 0 matched,
//! 1 nothing matched, 2 error — as grep and ripgrep do.

mod cli;
mod commands;
mod output;
mod serve;
mod settings;
mod tui;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Index(args) => commands::index::run(&cli.index, args),
        Command::Search(args) => commands::search::run(&cli, args),
        Command::Stats(args) => commands::stats::run(&cli, args),
        Command::Keywords(args) => commands::keywords::run(&cli, args),
        Command::Show(args) => commands::show::run(&cli, args),
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "sou", &mut std::io::stdout());
            Ok(commands::FOUND)
        }
        Command::Delete(args) => commands::delete::run(&cli.index, args),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map(|_| commands::FOUND)
            .map_err(Into::into),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            // A closed pipe (`sou search … | head`) is not an error worth reporting.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("sou: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
