//! `sou verify --engine URL`: replays queries on a cluster and on the local index of
//! the same data and prints every query whose matching documents differ — how a user
//! checks a deployment before trusting it.

use std::collections::HashSet;

use anyhow::{anyhow, Context, Result};

use sou::analysis::chars::{plan_literal, LiteralPlan};
use sou::analysis::fold::fold;
use sou::article::Field;
use sou::engine::{Engine, Selection};

use crate::app::cli::{Globals, VerifyArgs};

/// Titles sampled for the default queries.
const SAMPLED_TITLES: usize = 50;

/// Ids listed per side of a difference.
const SHOWN: usize = 5;

/// Runs `sou verify`.
pub fn run(globals: &Globals, args: &VerifyArgs) -> Result<bool> {
    let remote = super::remote(globals, &args.engine)?.ok_or_else(|| anyhow!("sou verify needs --engine URL"))?;
    let local = Engine::open(&globals.index, globals.tz.clone())?;
    let queries: Vec<(String, Selection)> = match &args.queries {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read '{}'", path.display()))?;
            let mut v = Vec::new();
            for (n, line) in text.lines().enumerate() {
                let q = line.trim();
                if q.is_empty() || q.starts_with('#') {
                    continue;
                }
                let sel = Selection::new(Some(q)).map_err(|e| anyhow!("{}:{}: {e}", path.display(), n + 1))?;
                v.push((q.to_string(), sel));
            }
            v
        }
        None => sampled_queries(&local)?,
    };
    let (mut differing, mut documents) = (0, 0);
    for (q, sel) in &queries {
        let mine: HashSet<String> =
            local.ids(sel).with_context(|| format!("query '{q}' on the local index"))?.into_iter().collect();
        let theirs: HashSet<String> =
            remote.ids(sel).with_context(|| format!("query '{q}' on the engine"))?.into_iter().collect();
        documents += mine.len();
        if mine == theirs {
            continue;
        }
        differing += 1;
        let only = |a: &HashSet<String>, b: &HashSet<String>| {
            let mut v: Vec<&String> = a.difference(b).collect();
            v.sort();
            let more = v.len().saturating_sub(SHOWN);
            let mut s = v.into_iter().take(SHOWN).cloned().collect::<Vec<_>>().join(" ");
            if more > 0 {
                s += &format!(" (+{more} more)");
            }
            s
        };
        println!(
            "{q}\tlocal {}\tengine {}\tonly local: {}\tonly engine: {}",
            mine.len(),
            theirs.len(),
            only(&mine, &theirs),
            only(&theirs, &mine)
        );
    }
    eprintln!(
        "sou: {} replayed ({} matching locally): {}",
        if queries.len() == 1 { "1 query".to_string() } else { format!("{} queries", queries.len()) },
        crate::app::output::count_of(documents, "document"),
        if differing == 0 {
            "the engine matched the same documents for every one".to_string()
        } else {
            format!("{differing} differ")
        }
    );
    super::release_at_exit(local);
    Ok(differing == 0)
}

/// Substrings of 1 to 8 characters of titles spread over the index, each quoted so that
/// it is one literal: the lengths and boundaries a user's queries have. The titles are
/// those of the documents whose id hashes to a multiple of the sampling step: the same
/// queries for the same documents, however the index is laid out.
fn sampled_queries(engine: &Engine) -> Result<Vec<(String, Selection)>> {
    let total = engine.count(&Selection::default())?;
    let step = (total / SAMPLED_TITLES).max(1) as u64;
    let mut titles = Vec::new();
    engine.for_each_article(&Selection::default(), &mut |a| {
        let id = a.text(Field::Id);
        if twox_hash::XxHash3_64::oneshot(id.as_bytes()) % step == 0 {
            titles.push((id.to_string(), a.text(Field::Title).to_string()));
        }
        Ok(())
    })?;
    titles.sort();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (n, (_, title)) in titles.iter().enumerate() {
        let chars: Vec<char> = title.chars().collect();
        for len in 1..=8.min(chars.len()) {
            let start = (n * 7 + len * 3) % (chars.len() - len + 1);
            let s: String = chars[start..start + len].iter().collect();
            if plan_literal(&fold(&s)) == LiteralPlan::Empty || !seen.insert(s.clone()) {
                continue;
            }
            // Quoted, it must still be one literal (a quote or operator inside is not).
            let q = format!("\"{s}\"");
            if let Ok(sel) = Selection::new(Some(&q)) {
                if sel.query.as_ref().is_some_and(|p| p.wanted().len() == 1) {
                    out.push((q, sel));
                }
            }
        }
    }
    Ok(out)
}
