//! `sou show ID`: one whole article; `--copies`: the other copies of its story.

use anyhow::Result;

use sou::engine::Engine;

use crate::app::cli::{Globals, ShowArgs};
use crate::app::output::{printer, Format, Out};
use crate::app::settings;

/// Runs `sou show`: whether a document has the id.
pub fn run(globals: &Globals, args: &ShowArgs) -> Result<bool> {
    let engine = Engine::open(&globals.index, globals.tz.clone())?;
    if args.copies {
        let Some(copies) = engine.copies(&args.id)? else {
            eprintln!("sou: no document with id '{}' (ids are shown by `sou search … --fields id,title`)", args.id);
            return Ok(false);
        };
        let mut p = printer(Out::stdout(settings::output(globals, None, args.json, engine.tz())));
        p.copies(&copies)?;
        p.finish()?;
        return Ok(true);
    }
    let Some(article) = engine.show(&args.id)? else {
        eprintln!("sou: no document with id '{}' (ids are shown by `sou search … --fields id,title`)", args.id);
        return Ok(false);
    };
    let mut p = printer(Out::stdout(settings::output(globals, Some(Format::Table), args.json, engine.tz())));
    p.article(&article)?;
    p.finish()?;
    Ok(true)
}
