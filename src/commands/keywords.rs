//! `sou keywords`: the most distinctive words of the selected documents.

use anyhow::Result;

use sou::engine::Engine;

use crate::cli::{Cli, KeywordsArgs};
use crate::output::{printer, Out};
use crate::settings::{selection, Settings};

/// Runs `sou keywords`; exit 1 when there is no word to show.
pub fn run(cli: &Cli, args: &KeywordsArgs) -> Result<i32> {
    let settings = Settings::resolve(cli, args.format, args.json);
    let sel = selection(args.query.as_deref(), &args.filters)?;
    let engine = Engine::open(&cli.index, cli.tz.clone())?;
    let settings = settings.in_zone(engine.tz());
    let keywords = engine.keywords(&sel, args.limit)?;
    let mut p = printer(Out::stdout(settings));
    p.keywords(&keywords)?;
    p.finish()?;
    Ok(if keywords.words.is_empty() { super::NOT_FOUND } else { super::FOUND })
}
