//! The command-line front-end, in layers that depend downwards only:
//!
//! - [`commands`]: one module per command: resolve its arguments, ask the library, hand
//!   the answer to a printer; the interactive front-ends [`tui`] (`sou search -i`) and
//!   [`serve`] (`sou serve`) below them;
//! - [`settings`]: the arguments resolved once into the library's and the printers'
//!   values (a `Selection`, an output `Config`);
//! - [`cli`]: every command, flag and help text (clap);
//! - [`output`]: the printers, one per format, knowing nothing of arguments;
//! - [`wrap`]: text wrapped by display width, shared by the table and the TUI.

pub mod cli;
pub mod commands;
pub mod output;
pub mod serve;
pub mod settings;
pub mod tui;
pub mod wrap;

use clap::Parser;

/// Parses the command line and runs the command: whether something matched (or was
/// done), or the error.
pub fn run() -> anyhow::Result<bool> {
    // An empty SOU_INDEX= (or SOU_TOKEN=) means unset, as for most tools.
    for var in ["SOU_INDEX", "SOU_TOKEN"] {
        if std::env::var_os(var).is_some_and(|v| v.is_empty()) {
            std::env::remove_var(var);
        }
    }
    let cli = cli::Cli::parse();
    commands::run(&cli)
}
