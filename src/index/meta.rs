//! What sou records about an index beyond tantivy's schema: the version of its analysis
//! (an index built by an older analysis would silently miss matches, so it is refused)
//! and the time zone its zone-less dates were read in (searches show and filter dates
//! in that zone). Kept in the payload of every commit, so it changes atomically with
//! the documents it describes; the file fingerprints, which can be many, in a file of the
//! index directory that the payload names.

use std::path::Path;

use anyhow::{bail, Context, Result};

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use tantivy::Index;

use super::files::Fingerprints;

/// Version of the index. 2: symbols and emoji are units of the character view. 3: every
/// document knows its file, and the index the files it read. 4: the character view has a
/// gap token at every empty position, so `路 发` no longer matches `路线发`, and no norms.
/// 5: every field but the text is a fast column (the text alone is in the document
/// store), and each document's nouns are listed for keywords. 6: each document carries a
/// near-duplicate signature and a story key (reposts grouped into stories).
pub const FORMAT: u32 = 6;

/// The record kept with each commit.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Meta {
    /// Analysis version ([`FORMAT`] when written by this sou).
    pub format: u32,
    /// UTC offset of the index's time zone, in seconds.
    pub tz_seconds: i32,
    /// The file in the index directory holding the fingerprints of this commit.
    #[serde(default)]
    pub files_file: Option<String>,
    /// Every file whose documents are in the index, as it was when read. Kept in
    /// `files_file`, not in the payload: tantivy parses the payload (an escaped JSON
    /// string) every time an index is opened, and 10,000 fingerprints made that 15 ms.
    #[serde(skip)]
    pub files: Fingerprints,
    /// The directory the paths in ids and `path` are relative to (canonical): the working
    /// directory of the run that first wrote the index, so that the same file has the
    /// same id whichever directory later runs start from. `None` before the first write.
    #[serde(default)]
    pub base: Option<String>,
}

/// Prefix of the fingerprint files.
pub(crate) const FILES_PREFIX: &str = "sou-files-";

impl Meta {
    /// The record for an index whose zone-less dates are read in `tz`.
    pub fn new(tz: &TimeZone) -> Meta {
        let tz_seconds = tz.to_fixed_offset().map_or(8 * 3600, |o| o.seconds());
        Meta { format: FORMAT, tz_seconds, files_file: None, files: Fingerprints::new(), base: None }
    }

    /// The index's time zone.
    pub fn tz(&self) -> TimeZone {
        jiff::tz::Offset::from_seconds(self.tz_seconds).map_or_else(|_| crate::dates::default_tz(), TimeZone::fixed)
    }

    /// The base directory of the paths in ids, when the index has one.
    pub fn base(&self) -> Option<&Path> {
        self.base.as_deref().map(Path::new)
    }

    /// As stored in a commit.
    pub fn payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Writes the fingerprints into a new file of `dir` (synced, before the commit that
    /// names it) and points to it; the file of the previous commit is returned, to be
    /// removed once the new commit has landed.
    pub(crate) fn save_files(&mut self, dir: &Path) -> Result<Option<String>> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let name = format!("{FILES_PREFIX}{nanos:x}.json");
        let path = dir.join(&name);
        let mut f = std::fs::File::create(&path).with_context(|| format!("cannot write '{}'", path.display()))?;
        serde_json::to_writer(std::io::BufWriter::new(&mut f), &self.files)?;
        f.sync_all()?;
        Ok(self.files_file.replace(name))
    }
}

/// The zone dates are read, shown and filtered in: the one asked for, else the index's
/// own, else China's. The one place this fallback is decided.
pub fn zone(asked: Option<TimeZone>, meta: Option<&Meta>) -> TimeZone {
    asked.or_else(|| meta.map(Meta::tz)).unwrap_or_else(crate::dates::default_tz)
}

/// The record of the last commit of `index`: `None` for an index with no document yet;
/// the fingerprints only `with_files` (for writing). An index written by another
/// analysis version is an error that says how to rebuild it.
pub fn read(index: &Index, dir: &Path, with_files: bool) -> Result<Option<Meta>> {
    let metas = index.load_metas()?;
    let meta = metas.payload.as_deref().and_then(|p| serde_json::from_str::<Meta>(p).ok());
    match meta {
        Some(mut m) if m.format == FORMAT => {
            // A missing or damaged fingerprint file only means every file is read
            // again: files are replaced whole, so nothing is duplicated.
            if let (true, Some(name)) = (with_files, &m.files_file) {
                m.files = std::fs::read(dir.join(name))
                    .ok()
                    .and_then(|text| serde_json::from_slice(&text).ok())
                    .unwrap_or_default();
            }
            Ok(Some(m))
        }
        _ if metas.segments.is_empty() => Ok(None),
        _ => bail!(
            "the index at '{}' was built by an older version of sou (its fields and keyword lists are laid out differently); rebuild it with `sou index --rebuild`",
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
