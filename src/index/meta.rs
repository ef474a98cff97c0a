//! What sou records about an index beyond tantivy's schema: the version of its analysis
//! (an index built by an older analysis would silently miss matches, so it is refused)
//! and the time zone its zone-less dates were read in (searches show and filter dates
//! in that zone). Kept in the payload of every commit, so it changes atomically with
//! the documents it describes.

use anyhow::{bail, Result};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use tantivy::Index;

use super::files::Fingerprints;

/// Version of the index. 2: symbols and emoji are units of the character view. 3: every
/// document knows its file, and the index the files it read.
pub const FORMAT: u32 = 3;

/// The record kept with each commit.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Meta {
    /// Analysis version ([`FORMAT`] when written by this sou).
    pub format: u32,
    /// UTC offset of the index's time zone, in seconds.
    pub tz_seconds: i32,
    /// Every file whose documents are in the index, as it was when read.
    #[serde(default)]
    pub files: Fingerprints,
}

impl Meta {
    /// The record for an index whose zone-less dates are read in `tz`.
    pub fn new(tz: &TimeZone) -> Meta {
        let tz_seconds = tz.to_fixed_offset().map_or(8 * 3600, |o| o.seconds());
        Meta { format: FORMAT, tz_seconds, files: Fingerprints::new() }
    }

    /// The index's time zone.
    pub fn tz(&self) -> TimeZone {
        jiff::tz::Offset::from_seconds(self.tz_seconds).map_or_else(|_| crate::dates::default_tz(), TimeZone::fixed)
    }

    /// As stored in a commit.
    pub fn payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The record without the file fingerprints: what a search needs (the fingerprints of
/// a large folder are skipped by the parser, not built).
#[derive(Deserialize)]
struct Head {
    format: u32,
    tz_seconds: i32,
}

/// The record of the last commit of `index`: `None` for an index with no document yet;
/// the fingerprints only `with_files` (for writing). An index written by another
/// analysis version is an error that says how to rebuild it.
pub fn read(index: &Index, dir: &std::path::Path, with_files: bool) -> Result<Option<Meta>> {
    let metas = index.load_metas()?;
    let meta = metas.payload.as_deref().and_then(|p| {
        if with_files {
            serde_json::from_str::<Meta>(p).ok()
        } else {
            serde_json::from_str::<Head>(p).ok().map(|h| Meta {
                format: h.format,
                tz_seconds: h.tz_seconds,
                files: Fingerprints::new(),
            })
        }
    });
    match meta {
        Some(m) if m.format == FORMAT => Ok(Some(m)),
        _ if metas.segments.is_empty() => Ok(None),
        _ => bail!(
            "the index at '{}' was built by an older version of sou (symbols such as C++ were not indexed, documents did not know their files); rebuild it with `sou index --rebuild`",
            dir.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_round_trips() {
        let tz = crate::dates::parse_tz("-05:00").expect("offset");
        let m: Meta = serde_json::from_str(&Meta::new(&tz).payload()).expect("json");
        assert_eq!(m.tz(), tz);
        assert_eq!(m.format, FORMAT);
    }
}
