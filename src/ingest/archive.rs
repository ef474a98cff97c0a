//! Archives: zip (also a Word document, which is a zip of XML) and tar. Each member is
//! read as a file of its own named `ARCHIVE!/member/path` — its id when it is one
//! article, and the name its warnings carry. An encrypted, linked or broken member is
//! skipped with a warning and the rest is read; nothing is ever written to disk, so a
//! member named `../../x` is only a name; sizes and ratios are bounded by
//! [`container::LIMITS`].

use std::io::{self, Read, Seek};

use super::container::{self, LIMITS};
use super::{Item, Lost, Options, Problem};

/// What an archive held.
#[derive(Debug, Default)]
pub struct Counts {
    /// Members read.
    pub members: usize,
    /// Whether the zip was a word-processing document, read as one article.
    pub document: bool,
}

/// A warning about one member (or the archive), naming it.
fn warn(path: &str, message: String, lost: Lost, emit: &mut dyn FnMut(Item)) {
    emit(Item::Problem(Problem { path: path.into(), line: 0, message, lost }));
}

/// Reads the members of the zip archive `input` (or, when it is a Word document, the
/// document).
pub fn read_zip<R: Read + Seek>(
    path: &str,
    input: R,
    depth: usize,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) -> io::Result<Counts> {
    let mut zip = match zip::ZipArchive::new(input) {
        Ok(z) => z,
        Err(e) => {
            warn(path, format!("not a readable zip archive ({e}); skipped"), Lost::File, emit);
            return Ok(Counts::default());
        }
    };
    if super::docx::is_docx(&zip) {
        super::docx::read(path, &mut zip, opts, emit);
        return Ok(Counts { members: 1, document: true });
    }
    let mut counts = Counts::default();
    let total = zip.len();
    if total > LIMITS.max_members {
        let message = format!("{total} members; only the first {} are read", LIMITS.max_members);
        warn(path, message, Lost::Unknown, emit);
    }
    for i in 0..total.min(LIMITS.max_members) {
        let raw_name = zip.name_for_index(i).unwrap_or("").to_string();
        let shown = format!("{path}!/{}", container::member_name(&raw_name));
        let (is_dir, is_link, encrypted, size, packed) = match zip.by_index_raw(i) {
            Ok(f) => (f.is_dir(), f.is_symlink(), f.encrypted(), f.size(), f.compressed_size()),
            Err(e) => {
                warn(&shown, format!("a broken member ({e}); skipped"), Lost::File, emit);
                continue;
            }
        };
        if is_dir {
            continue;
        }
        if !opts.keeps_member(&raw_name) {
            continue;
        }
        if is_link {
            warn(&shown, "a symbolic link; skipped".into(), Lost::Nothing, emit);
            continue;
        }
        if encrypted {
            warn(&shown, "encrypted; skipped".into(), Lost::File, emit);
            continue;
        }
        if size > LIMITS.ratio_after && size > LIMITS.max_ratio * packed.max(1) {
            let message =
                format!("expands {size} bytes from {packed} (more than {}×: a zip bomb?); skipped", LIMITS.max_ratio);
            warn(&shown, message, Lost::File, emit);
            continue;
        }
        let member = match zip.by_index(i) {
            Ok(m) => m,
            Err(e) => {
                warn(&shown, format!("cannot be read ({e}); skipped"), Lost::File, emit);
                continue;
            }
        };
        // The declared size is checked above; the reader is held to it (plus a margin)
        // so a member that lies about its size cannot expand further.
        let bounded = member.take(size.saturating_add(1 << 20).min(LIMITS.max_expanded));
        if let Err(e) = super::read_input(&shown, Box::new(bounded), Some(size), depth + 1, opts, emit) {
            warn(&shown, format!("cannot be read ({e}); skipped"), Lost::Unknown, emit);
        }
        counts.members += 1;
    }
    Ok(counts)
}

/// Reads the members of the tar stream `input`, in order.
pub fn read_tar(
    path: &str,
    input: impl Read,
    depth: usize,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) -> io::Result<Counts> {
    let mut tar = tar::Archive::new(input);
    let mut counts = Counts::default();
    let mut seen = 0usize;
    for entry in tar.entries()? {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let message = format!("broken after {seen} members ({e}); the rest is skipped");
                warn(path, message, Lost::Unknown, emit);
                break;
            }
        };
        let raw_name = entry.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        let shown = format!("{path}!/{}", container::member_name(&raw_name));
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if !opts.keeps_member(&raw_name) {
            continue;
        }
        seen += 1;
        if seen > LIMITS.max_members {
            let message = format!("more than {} members; the rest is skipped", LIMITS.max_members);
            warn(path, message, Lost::Unknown, emit);
            break;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            warn(&shown, "a link; skipped".into(), Lost::Nothing, emit);
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous() || kind.is_gnu_sparse()) {
            continue;
        }
        let size = entry.size();
        if let Err(e) = super::read_input(&shown, Box::new(&mut entry), Some(size), depth + 1, opts, emit) {
            // When the stream itself failed (a bomb, a truncated file), the next entry
            // says so and ends the archive.
            warn(&shown, format!("cannot be read ({e}); skipped"), Lost::Unknown, emit);
        }
        counts.members += 1;
    }
    Ok(counts)
}
