//! `sou kwic`: every occurrence of the query in context, streamed as documents are read
//! (or collected and sorted, for `--sort left|right`).

use std::io::IsTerminal;

use anyhow::Result;

use sou::engine::concordance::sort_lines;
use sou::engine::{Context, Sort};

use crate::app::cli::{Globals, KwicArgs, KwicSort};
use crate::app::output::{kwic, printer, Out};
use crate::app::settings;

/// Context on each side in a pipe when `--width` is not given.
const PIPE_CONTEXT: usize = 30;

/// Runs `sou kwic`: whether there is an occurrence.
pub fn run(globals: &Globals, args: &KwicArgs) -> Result<bool> {
    let sel = settings::selection(Some(&args.query), &args.filters)?;
    let engine = super::open_for(globals, &sel)?;
    let mut config = settings::output(globals, args.format, args.json, engine.tz());
    config.context = args.width.unwrap_or_else(|| {
        if std::io::stdout().is_terminal() {
            kwic::fitting_chars(config.width)
        } else {
            PIPE_CONTEXT
        }
    });
    let ctx = Context { width: config.context, cross_paragraphs: args.cross_paragraphs };
    let order = if args.sort == KwicSort::Date { Sort::Date } else { Sort::Score };
    let limit = args.limit.unwrap_or(usize::MAX);
    let mut p = printer(Out::stdout(config));
    if args.count {
        let (lines, docs) = engine.concordance_count(&sel)?;
        p.kwic_count(lines, docs)?;
        p.finish()?;
        return Ok(lines > 0);
    }
    p.kwic_start()?;
    let mut shown = 0;
    if matches!(args.sort, KwicSort::Left | KwicSort::Right) {
        let mut all = Vec::new();
        engine.concordance(&sel, order, ctx, &mut |l| {
            all.push(l);
            true
        })?;
        sort_lines(&mut all, args.sort == KwicSort::Left);
        for l in all.iter().take(limit) {
            p.kwic_line(l)?;
            shown += 1;
        }
    } else {
        let mut failed = None;
        engine.concordance(&sel, order, ctx, &mut |l| {
            if shown >= limit {
                return false;
            }
            shown += 1;
            match p.kwic_line(&l) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        })?;
        if let Some(e) = failed {
            return Err(e.into());
        }
    }
    p.finish()?;
    // As grep: something printed, or nothing.
    Ok(shown > 0)
}
