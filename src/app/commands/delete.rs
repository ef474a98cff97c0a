//! `sou delete`: remove documents by id or by source ([`sou::update::delete`]).

use anyhow::Result;

use crate::app::cli::{DeleteArgs, Globals};

/// Runs `sou delete`: whether anything was deleted.
pub fn run(globals: &Globals, args: &DeleteArgs) -> Result<bool> {
    let n = sou::update::delete(&globals.index, &args.ids, &args.source)?;
    if n == 0 {
        eprintln!("sou: no document matched; nothing deleted");
        return Ok(false);
    }
    eprintln!(
        "sou: deleted {} from {}; a deletion lasts until the file holding {} changes and is indexed again (or --rebuild): remove {} from the file to keep {} out",
        crate::app::output::count_of(n, "document"),
        globals.index.display(),
        if n == 1 { "it" } else { "them" },
        if n == 1 { "it" } else { "them" },
        if n == 1 { "it" } else { "them" },
    );
    Ok(true)
}
