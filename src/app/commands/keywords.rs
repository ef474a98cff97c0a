//! `sou keywords`: the most distinctive words of the selected documents.

use anyhow::Result;

use crate::app::cli::{Globals, KeywordsArgs};
use crate::app::output::{printer, Out};
use crate::app::settings;

/// Runs `sou keywords`: whether there is a word to show.
pub fn run(globals: &Globals, args: &KeywordsArgs) -> Result<bool> {
    let sel = settings::selection(args.query.as_deref(), &args.filters)?;
    let engine = super::open_for(globals, &sel)?;
    let keywords = engine.keywords(&sel, args.limit)?;
    let mut p = printer(Out::stdout(settings::output(globals, args.format, args.json, engine.tz())));
    p.keywords(&keywords)?;
    p.finish()?;
    Ok(!keywords.words.is_empty())
}
