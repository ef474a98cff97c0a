//! `sou man`: manual pages in roff, generated from the same definitions as `--help`:
//! sou's own page, one per command (`sou-search(1)`, which the top page refers to), or
//! all of them written into a directory.

use std::path::Path;

use anyhow::{bail, Context, Result};
use clap::CommandFactory;

use crate::app::cli::{Cli, ManArgs};

/// Every page: (file stem, command), the top one first.
fn pages() -> Vec<(String, clap::Command)> {
    let top = Cli::command();
    let mut pages = vec![("sou".to_string(), top.clone())];
    for sub in top.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("sou-{}", sub.get_name());
        let bin = format!("sou {}", sub.get_name());
        // Global flags (--index, --color, --tz) are documented on every page.
        let mut cmd = sub.clone().name(name.clone()).bin_name(bin);
        for arg in top.get_arguments().filter(|a| a.is_global_set()) {
            cmd = cmd.arg(arg.clone());
        }
        pages.push((name, cmd));
    }
    pages
}

fn render(cmd: clap::Command, out: &mut dyn std::io::Write) -> Result<()> {
    clap_mangen::Man::new(cmd).render(out)?;
    Ok(())
}

/// Runs `sou man`.
pub fn run(args: &ManArgs) -> Result<bool> {
    if let Some(dir) = &args.dir {
        return write_all(dir);
    }
    let wanted = args.command.as_deref().map(|c| format!("sou-{c}")).unwrap_or_else(|| "sou".into());
    let Some((_, cmd)) = pages().into_iter().find(|(name, _)| *name == wanted) else {
        let names: Vec<String> =
            pages().into_iter().skip(1).map(|(n, _)| n.trim_start_matches("sou-").to_string()).collect();
        bail!("no manual page for '{}' (commands: {})", args.command.as_deref().unwrap_or(""), names.join(", "));
    };
    render(cmd, &mut std::io::stdout().lock())?;
    Ok(true)
}

fn write_all(dir: &Path) -> Result<bool> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    let pages = pages();
    for (name, cmd) in &pages {
        let path = dir.join(format!("{name}.1"));
        let mut file = std::fs::File::create(&path).with_context(|| format!("cannot write '{}'", path.display()))?;
        render(cmd.clone(), &mut file).with_context(|| format!("cannot write '{}'", path.display()))?;
    }
    eprintln!("sou: wrote {} manual pages into {}", pages.len(), dir.display());
    Ok(true)
}
