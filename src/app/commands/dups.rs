//! `sou dups`: the stories copied most among the selected documents.

use anyhow::Result;

use crate::app::cli::{DupsArgs, Globals};
use crate::app::output::{printer, Out};
use crate::app::settings;

/// Runs `sou dups`: whether any story has two copies or more.
pub fn run(globals: &Globals, args: &DupsArgs) -> Result<bool> {
    let sel = settings::selection(args.query.as_deref(), &args.filters)?;
    let engine = super::open_for(globals, &sel)?;
    let dups = engine.dups(&sel, args.limit)?;
    let mut p = printer(Out::stdout(settings::output(globals, args.format, args.json, engine.tz())));
    p.dups(&dups)?;
    p.finish()?;
    Ok(!dups.is_empty())
}
