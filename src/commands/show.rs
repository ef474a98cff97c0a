//! `sou show ID`: one whole article.

use anyhow::Result;

use sou::engine::Engine;

use crate::cli::{Cli, Format, ShowArgs};
use crate::output::{printer, Out};
use crate::settings::Settings;

/// Runs `sou show`; exit 1 when no document has the id.
pub fn run(cli: &Cli, args: &ShowArgs) -> Result<i32> {
    let settings = Settings::resolve(cli, Some(Format::Table), args.json);
    let engine = Engine::open(&cli.index, cli.tz.clone())?;
    let settings = settings.in_zone(engine.tz());
    let Some(article) = engine.show(&args.id)? else {
        eprintln!("sou: no document with id '{}' (ids are shown by `sou search … --fields id,title`)", args.id);
        return Ok(super::NOT_FOUND);
    };
    let mut p = printer(Out::stdout(settings));
    p.article(&article)?;
    p.finish()?;
    Ok(super::FOUND)
}
