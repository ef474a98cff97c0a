//! `sou kwic`: every occurrence of the query in context, streamed as documents are read
//! (or collected and sorted, for `--sort left|right`).

use std::io::IsTerminal;

use anyhow::Result;

use sou::engine::concordance::sort_lines;
use sou::engine::{Context, Engine, Sort};

use crate::cli::{Cli, KwicArgs, KwicSort};
use crate::output::kwic::KwicPrinter;
use crate::output::Out;
use crate::settings::{selection, Settings};

/// Context on each side in a pipe when `--width` is not given.
const PIPE_CONTEXT: usize = 30;

/// Runs `sou kwic`; exit 1 when there is no occurrence.
pub fn run(cli: &Cli, args: &KwicArgs) -> Result<i32> {
    let settings = Settings::resolve(cli, args.format, args.json);
    let sel = selection(Some(&args.query), &args.filters)?;
    let engine = Engine::open(&cli.index, cli.tz.clone())?;
    let settings = settings.in_zone(engine.tz());
    let chars = args.width.unwrap_or_else(|| {
        if std::io::stdout().is_terminal() {
            KwicPrinter::fitting_chars(settings.width)
        } else {
            PIPE_CONTEXT
        }
    });
    let ctx = Context { width: chars, cross_paragraphs: args.cross_paragraphs };
    let order = if args.sort == KwicSort::Date { Sort::Date } else { Sort::Score };
    let limit = args.limit.unwrap_or(usize::MAX);
    let mut printer = KwicPrinter::new(Out::stdout(settings), chars);
    let mut failed = None;
    let mut shown = 0;
    let (lines, _) = if args.count {
        let (n, d) = engine.concordance(&sel, order, ctx, &mut |_| true)?;
        printer.count(n, d)?;
        (n, d)
    } else if matches!(args.sort, KwicSort::Left | KwicSort::Right) {
        let mut all = Vec::new();
        let found = engine.concordance(&sel, order, ctx, &mut |l| {
            all.push(l);
            true
        })?;
        sort_lines(&mut all, args.sort == KwicSort::Left);
        for l in all.iter().take(limit) {
            printer.line(l)?;
            shown += 1;
        }
        found
    } else {
        engine.concordance(&sel, order, ctx, &mut |l| {
            if shown >= limit {
                return false;
            }
            shown += 1;
            match printer.line(&l) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        })?
    };
    if let Some(e) = failed {
        return Err(e.into());
    }
    printer.finish()?;
    // As grep: 0 when something was printed (or counted), 1 when nothing was.
    let something = if args.count { lines > 0 } else { shown > 0 };
    Ok(if something { super::FOUND } else { super::NOT_FOUND })
}
