//! What the last grouping into stories saw, so the next one regroups only what changed.
//!
//! Stories are computed per *component*: documents connected by similarity (see
//! [`super::stories`]). A component changes only when one of its documents is removed
//! or a new document is similar to one of them; every other component, and its
//! stories, stays exactly as it was. This file (`sou-stories-state.bin`, beside the
//! story table and read only by `sou index`) records every document grouped (by an
//! identity that changes with its text, id or date), the component of each document in
//! a component of two or more, and the component of each story of the table. It names
//! the table it goes with by a hash of its bytes: after a crash between the two
//! writes, or with any doubt, the next run regroups everything.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// The file in the index directory.
pub(crate) const FILE: &str = "sou-stories-state.bin";

/// First bytes of the file (the last one its layout's version).
const MAGIC: &[u8; 8] = b"SOUSTST1";

/// The grouping a table was computed from.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct State {
    /// The similarity threshold.
    pub threshold: f64,
    /// The hash of the table's bytes ([`table_hash`]).
    pub table_hash: u64,
    /// The identity of every document with a signature, sorted.
    pub seen: Vec<u64>,
    /// (identity, component) of the documents in components of two or more, by identity.
    pub members: Vec<(u64, u32)>,
    /// The component of each story of the table, by story number.
    pub story_component: Vec<u32>,
}

/// The hash that ties a state to its table.
pub(crate) fn table_hash(table: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(table)
}

impl State {
    /// The state in `dir`, or `None` when there is none or it cannot be read whole.
    pub fn open(dir: &Path) -> Option<State> {
        State::parse(&std::fs::read(dir.join(FILE)).ok()?)
    }

    fn parse(bytes: &[u8]) -> Option<State> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Option<&[u8]> {
            let s = bytes.get(at..at.checked_add(n)?)?;
            at += n;
            Some(s)
        };
        if take(8)? != MAGIC {
            return None;
        }
        let u64_of = |b: &[u8]| b.try_into().ok().map(u64::from_le_bytes);
        let threshold = f64::from_le_bytes(take(8)?.try_into().ok()?);
        let table_hash = u64_of(take(8)?)?;
        let count = |b: &[u8]| u64_of(b).and_then(|n| usize::try_from(n).ok());
        let (n_seen, n_members, n_stories) = (count(take(8)?)?, count(take(8)?)?, count(take(8)?)?);
        let seen: Vec<u64> = take(n_seen.checked_mul(8)?)?.chunks_exact(8).filter_map(u64_of).collect();
        let idents: Vec<u64> = take(n_members.checked_mul(8)?)?.chunks_exact(8).filter_map(u64_of).collect();
        let u32s = |b: &[u8]| -> Vec<u32> {
            b.chunks_exact(4).filter_map(|c| c.try_into().ok().map(u32::from_le_bytes)).collect()
        };
        let components = u32s(take(n_members.checked_mul(4)?)?);
        let story_component = u32s(take(n_stories.checked_mul(4)?)?);
        if at != bytes.len() || !seen.is_sorted() || !idents.is_sorted() {
            return None;
        }
        Some(State {
            threshold,
            table_hash,
            seen,
            members: idents.into_iter().zip(components).collect(),
            story_component,
        })
    }

    /// Writes the state to `dir`: to a temporary file, synced, then renamed over the old.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let mut out = Vec::with_capacity(48 + self.seen.len() * 8 + self.members.len() * 12);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.threshold.to_le_bytes());
        out.extend_from_slice(&self.table_hash.to_le_bytes());
        for n in [self.seen.len(), self.members.len(), self.story_component.len()] {
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
        self.seen.iter().for_each(|k| out.extend_from_slice(&k.to_le_bytes()));
        self.members.iter().for_each(|m| out.extend_from_slice(&m.0.to_le_bytes()));
        self.members.iter().for_each(|m| out.extend_from_slice(&m.1.to_le_bytes()));
        self.story_component.iter().for_each(|c| out.extend_from_slice(&c.to_le_bytes()));
        let tmp = dir.join(format!(".tmp-{FILE}"));
        let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot write '{}'", tmp.display()))?;
        f.write_all(&out).and_then(|_| f.sync_all()).with_context(|| format!("cannot write '{}'", tmp.display()))?;
        std::fs::rename(&tmp, dir.join(FILE)).with_context(|| format!("cannot write '{}'", dir.join(FILE).display()))
    }

    /// The component of the document whose identity is `ident`, if it is in one of two
    /// or more.
    pub fn component(&self, ident: u64) -> Option<u32> {
        self.members.binary_search_by_key(&ident, |m| m.0).ok().map(|i| self.members[i].1)
    }

    /// Whether a document with identity `ident` was grouped last time.
    pub fn saw(&self, ident: u64) -> bool {
        self.seen.binary_search(&ident).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_reads_back_and_a_cut_or_unsorted_one_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = State {
            threshold: 0.8,
            table_hash: table_hash(b"table"),
            seen: vec![1, 5, 9, 12],
            members: vec![(5, 0), (9, 0), (12, 1)],
            story_component: vec![0, 1],
        };
        state.write(dir.path()).expect("write");
        assert_eq!(State::open(dir.path()), Some(state));
        let bytes = std::fs::read(dir.path().join(FILE)).expect("read");
        assert_eq!(State::parse(&bytes[..bytes.len() - 1]), None);
        let mut unsorted = bytes.clone();
        unsorted[48..56].copy_from_slice(&99u64.to_le_bytes());
        assert_eq!(State::parse(&unsorted), None);
        assert_eq!(State::parse(b"SOUSTST0"), None);
    }
}
