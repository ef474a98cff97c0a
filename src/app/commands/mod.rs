//! One module per command: resolve its arguments ([`super::settings`]), ask the library
//! — the engine, the update use case, a remote cluster — hand the answer to a printer,
//! and say whether something matched (`main` turns that into the exit status; errors
//! become status 2 there).

pub mod delete;
pub mod dups;
pub mod export;
pub mod index;
pub mod keywords;
pub mod kwic;
pub mod man;
pub mod search;
pub mod show;
pub mod stats;
pub mod trend;
pub mod verify;

use anyhow::Result;
use clap::CommandFactory;

use super::cli::{Cli, Command, EngineArgs, Globals};

/// Runs the command of `cli`: whether something matched (or was done).
pub fn run(cli: &Cli) -> Result<bool> {
    let g = &cli.globals;
    match &cli.command {
        Command::Index(args) => index::run(g, args),
        Command::Search(args) => search::run(g, args),
        Command::Stats(args) => stats::run(g, args),
        Command::Keywords(args) => keywords::run(g, args),
        Command::Dups(args) => dups::run(g, args),
        Command::Kwic(args) => kwic::run(g, args),
        Command::Trend(args) => trend::run(g, args),
        Command::Show(args) => show::run(g, args),
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "sou", &mut std::io::stdout());
            Ok(true)
        }
        Command::Delete(args) => delete::run(g, args),
        Command::Serve(args) => super::serve::run(g, args),
        Command::Export(args) => export::run(g, args),
        Command::Verify(args) => verify::run(g, args),
        Command::Man(args) => man::run(args),
    }
}

/// The engine `--engine` names, with the local index's zone and dictionary when there
/// is one (the export came from it), else China's zone and jieba's own dictionary.
pub fn remote(globals: &Globals, args: &EngineArgs) -> Result<Option<Box<dyn sou::engine::Backend>>> {
    let Some(url) = &args.engine else { return Ok(None) };
    let local = sou::index::open(&globals.index).ok();
    let tz = sou::index::meta::zone(globals.tz.clone(), local.as_ref().and_then(|i| i.meta.as_ref()));
    let dictionary = sou::analysis::dictionary::Dictionary::load(&globals.index)?;
    Ok(Some(sou::remote::connect(url, args.token.as_deref(), tz, dictionary)?))
}

/// The local index, opened for the selection `sel`: ids of an `--ids-from` list it does
/// not hold are counted on stderr (not an error: the rest is searched).
pub fn open_for(globals: &Globals, sel: &sou::engine::Selection) -> Result<sou::engine::Engine> {
    let engine = sou::engine::Engine::open(&globals.index, globals.tz.clone())?;
    if let Some(ids) = &sel.ids {
        let missing = engine.missing_ids(ids);
        if ids.is_empty() {
            eprintln!("sou: --ids-from: the list holds no id, so nothing is selected");
        } else if missing > 0 {
            eprintln!(
                "sou: --ids-from: {missing} of {} ids are not in the index (searched among the {} that are)",
                ids.len(),
                ids.len() - missing
            );
        }
    }
    Ok(engine)
}

/// Leaves `x` for the operating system to reclaim when the process exits, instead of
/// dropping it now. Dropping an opened index unmaps its files one at a time and frees
/// every cache, which costs about 0.1 ms of a 5 ms query; the exit does it wholesale.
/// Only for values a command holds until it returns.
pub fn release_at_exit<T>(x: T) {
    std::mem::forget(x);
}
