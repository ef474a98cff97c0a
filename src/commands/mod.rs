//! One function per command: resolve the settings, ask the engine (or, for `index` and
//! `delete`, the index writer), hand the result to the printer, return the exit status
//! (0 = found/done, 1 = nothing found). Errors become exit status 2 in `main`.

pub mod delete;
pub mod export;
pub mod index;
pub mod keywords;
pub mod kwic;
pub mod man;
pub mod search;
pub mod show;
pub mod stats;
pub mod trend;
pub mod verify;

/// The engine `--engine` names, with the local index's zone and dictionary when there
/// is one (the export came from it), else China's zone and jieba's own dictionary.
pub fn remote(
    cli: &crate::cli::Cli,
    args: &crate::cli::EngineArgs,
) -> anyhow::Result<Option<Box<dyn sou::engine::Backend>>> {
    let Some(url) = &args.engine else { return Ok(None) };
    let local = sou::index::open(&cli.index).ok();
    let tz = cli
        .tz
        .clone()
        .or_else(|| local.as_ref().and_then(|i| i.meta.as_ref().map(|m| m.tz())))
        .unwrap_or_else(sou::dates::default_tz);
    let dictionary = sou::analysis::dictionary::Dictionary::load(&cli.index)?;
    Ok(Some(sou::remote::connect(url, args.token.as_deref(), tz, dictionary)?))
}

/// Exit status for "it worked and something matched".
pub const FOUND: i32 = 0;
/// Exit status for "it worked and nothing matched".
pub const NOT_FOUND: i32 = 1;

/// `n` and the noun, singular for one: "1 document", "2 documents".
pub fn count_of(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Leaves `x` for the operating system to reclaim when the process exits, instead of
/// dropping it now. Dropping an opened index unmaps its files one at a time and frees
/// every cache, which costs about 0.1 ms of a 5 ms query; the exit does it wholesale.
/// Only for values a command holds until it returns.
pub fn release_at_exit<T>(x: T) {
    std::mem::forget(x);
}
