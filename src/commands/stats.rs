//! `sou stats`: what the index holds.

use anyhow::Result;

use sou::engine::Engine;

use crate::cli::{Cli, Format, StatsArgs};
use crate::output::{printer, Out};
use crate::settings::Settings;

/// Runs `sou stats`.
pub fn run(cli: &Cli, args: &StatsArgs) -> Result<i32> {
    let settings = Settings::resolve(cli, Some(Format::Table), args.json);
    let engine = Engine::open(&cli.index, cli.tz.clone())?;
    let settings = settings.in_zone(engine.tz());
    let stats = engine.stats()?;
    let mut p = printer(Out::stdout(settings));
    p.stats(&stats)?;
    p.finish()?;
    Ok(super::FOUND)
}
