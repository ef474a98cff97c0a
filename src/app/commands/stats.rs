//! `sou stats`: what the index holds.

use anyhow::Result;

use sou::engine::Engine;

use crate::app::cli::{Globals, StatsArgs};
use crate::app::output::{printer, Format, Out};
use crate::app::settings;

/// Runs `sou stats`.
pub fn run(globals: &Globals, args: &StatsArgs) -> Result<bool> {
    let engine = Engine::open(&globals.index, globals.tz.clone())?;
    let stats = engine.stats()?;
    let mut p = printer(Out::stdout(settings::output(globals, Some(Format::Table), args.json, engine.tz())));
    p.stats(&stats)?;
    p.finish()?;
    Ok(true)
}
