//! `sou export`: the index's documents (or a selection of them) with their hand-off
//! tokens, written in the loading format of another engine.

use anyhow::Result;

use sou::remote::export;
use sou::remote::opensearch::export::OpenSearchSink;
use sou::remote::sphinx::export::{Layout, SphinxSink};

use crate::app::cli::{ExportArgs, ExportTarget, Globals};
use crate::app::output::count_of;
use crate::app::settings;

/// Runs `sou export`: whether any document was exported.
pub fn run(globals: &Globals, args: &ExportArgs) -> Result<bool> {
    let sel = settings::selection(args.query.as_deref(), &args.filters)?;
    let engine = super::open_for(globals, &sel)?;
    let started = std::time::Instant::now();
    let (summary, what) = match args.to {
        ExportTarget::Sphinx => {
            let hosts =
                if args.hosts.is_empty() { vec!["127.0.0.1".to_string(); args.nodes] } else { args.hosts.clone() };
            if hosts.len() != args.nodes {
                anyhow::bail!("--hosts names {} hosts for --nodes {}", hosts.len(), args.nodes);
            }
            let mut sink = SphinxSink::create(&args.out, Layout { port: args.port, hosts })?;
            let summary = export::run(&engine, &sel, &mut sink)?;
            let counts = sink.counts();
            let per_node = match counts {
                [one] => count_of(*one as usize, "document"),
                many => format!("{} documents", many.iter().map(u64::to_string).collect::<Vec<_>>().join(" + ")),
            };
            (summary, format!("{} ({per_node})", count_of(args.nodes, "Sphinx node")))
        }
        ExportTarget::Opensearch => {
            sou::remote::opensearch::check_index_name(&args.name)?;
            let mut sink = OpenSearchSink::create(&args.out, &args.name, &args.cluster, args.nodes, args.bulk_mb)?;
            let summary = export::run(&engine, &sel, &mut sink)?;
            let ratio = sink.bytes as f64 / (summary.text_bytes.max(1)) as f64;
            (
                summary,
                format!(
                    "{} of index '{}' ({:.1} MB, {ratio:.1}× the text)",
                    count_of(sink.files(), "bulk file"),
                    args.name,
                    sink.bytes as f64 / 1e6
                ),
            )
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "sou: exported {} to {} in {}: {seconds:.1} s, {:.1} MB/s of text; next steps in {}",
        count_of(summary.documents as usize, "document"),
        args.out.display(),
        what,
        summary.text_bytes as f64 / 1e6 / seconds.max(1e-9),
        args.out.join(if args.to == ExportTarget::Sphinx { "README" } else { "load.sh" }).display()
    );
    super::release_at_exit(engine);
    Ok(summary.documents > 0)
}
