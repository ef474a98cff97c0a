//! What the index knows of every file it read — canonical path, size, modification time
//! and a hash of the content — so that `sou index` reads again only what changed (how a
//! file is named and hashed: [`crate::paths`]).
//!
//! Fingerprints are committed with the documents they describe ([`super::meta::Meta`]),
//! never before.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One file as it was when it was indexed.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fingerprint {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i128,
    /// XXH3-64 of the content.
    pub hash: u64,
}

/// Fingerprints by canonical path.
pub type Fingerprints = BTreeMap<String, Fingerprint>;
