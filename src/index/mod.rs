//! The on-disk index: where it lives, how it is opened for reading and writing, and the
//! settings it is created with.

pub mod document;
pub mod files;
pub mod meta;
pub mod nouns;
pub mod schema;
pub(crate) mod shared_dir;
pub mod stories;
pub(crate) mod story_state;
pub(crate) mod trimmed_dir;
pub mod writer;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexSettings};

pub use schema::Fields;

/// Default index directory, relative to the working directory.
pub const DEFAULT_DIR: &str = "index";

/// Uncompressed size of a doc-store block. Showing a hit decompresses its whole block:
/// 16 KB blocks make a 10-hit query ~0.9 ms faster than 32 KB ones and the index 0.3%
/// (poetry) to 1.2% (news) bigger.
const STORE_BLOCK_BYTES: usize = 16 * 1024;

/// An opened index with its field handles.
pub struct SouIndex {
    /// The tantivy index.
    pub index: Index,
    /// Its fields.
    pub fields: Fields,
    /// Its directory.
    pub dir: PathBuf,
    /// What sou recorded with the last commit (`None` before the first).
    pub meta: Option<meta::Meta>,
}

/// Tantivy's error on reading the segments of the index in `dir`, in a user's words: a
/// file cut short, overwritten or missing means the index is damaged, and the fix is a
/// rebuild (tantivy's own text blames "an old tantivy version"). Other errors keep
/// their text.
pub fn read_error(dir: &Path, e: tantivy::TantivyError) -> anyhow::Error {
    use tantivy::directory::error::OpenReadError;
    let file = match &e {
        tantivy::TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath })
            if io_error.kind() != std::io::ErrorKind::PermissionDenied =>
        {
            Some(format!("{} is cut short or corrupted", filepath.display()))
        }
        tantivy::TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(p)) => {
            Some(format!("{} is missing", p.display()))
        }
        tantivy::TantivyError::DataCorruption(c) => Some(format!("{c:?}")),
        _ => None,
    };
    match file {
        Some(what) => anyhow::anyhow!(
            "the index at '{}' is damaged ({what}); rebuild it with `sou index --rebuild --index {} PATH...`",
            dir.display(),
            dir.display()
        ),
        None => anyhow::Error::new(e).context(format!("cannot read the index at '{}'", dir.display())),
    }
}

/// Removes from the index in `dir` the files no commit names: segment files of
/// segments the committed `meta.json` does not list, tantivy's temporary files, and
/// fingerprint files other than the committed one. Called only by the holder of the
/// writer lock (another writer's segments in progress look the same).
pub(crate) fn remove_uncommitted(index: &Index, dir: &Path) {
    // tantivy's `meta.json` is re-read from disk: the committed state, not the writer's.
    let Ok(metas) = index.load_metas() else { return };
    let live: Vec<String> = metas.segments.iter().map(|s| s.id().uuid_string()).collect();
    let files_file = meta::read(index, dir, false).ok().flatten().and_then(|m| m.files_file);
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let segment = name.split('.').next().filter(|s| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()));
        let orphan = match segment {
            Some(id) => is_index_file(&name) && !live.iter().any(|l| l == id),
            None => {
                name.starts_with(".tmp")
                    || (name.starts_with(meta::FILES_PREFIX) && files_file.as_deref().is_some_and(|f| f != name))
            }
        };
        if orphan && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// An error writing the index, said plainly when the disk is full (tantivy's text is a
/// debug dump): what was not committed is gone and the index is as it was.
pub(crate) fn explain_write_error(dir: &Path, e: anyhow::Error) -> anyhow::Error {
    let full = e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull)
            || c.to_string().contains("No space left on device")
    });
    if full {
        anyhow::anyhow!(
            "no space left on the device holding '{}' while writing the index; nothing was committed (the index is as it was): free some space and run again",
            dir.display()
        )
    } else {
        e
    }
}

/// Whether `dir` holds an index.
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens an existing index for searching.
pub fn open(dir: &Path) -> Result<SouIndex> {
    if !exists(dir) {
        bail!(
            "no index at '{}'. Build one first with `sou index [PATH...]` (PATH defaults to seeds/), or point to one with --index DIR or SOU_INDEX",
            dir.display()
        );
    }
    let directory =
        shared_dir::SharedDirectory::open(dir).with_context(|| format!("cannot open '{}'", dir.display()))?;
    let mut index = Index::open(directory).with_context(|| format!("cannot open the index at '{}'", dir.display()))?;
    register_plugins(&mut index)?;
    let fields = Fields::of(&index.schema())?;
    let meta = meta::read(&index, dir, false)?;
    Ok(SouIndex { index, fields, dir: dir.to_path_buf(), meta })
}

/// Opens the index in `dir` for writing, creating it (and the directory) if needed.
/// Files are read through [`trimmed_dir::TrimmedDirectory`], so that merges do not
/// keep the pages of whole segments resident.
pub(crate) fn open_or_create(dir: &Path) -> Result<SouIndex> {
    let existed = exists(dir);
    if !existed {
        refuse_foreign_files(dir)?;
        fs::create_dir_all(dir).with_context(|| format!("cannot create the index directory '{}'", dir.display()))?;
    }
    let directory =
        trimmed_dir::TrimmedDirectory::open(dir).with_context(|| format!("cannot open '{}'", dir.display()))?;
    let index = if existed {
        let mut index =
            Index::open(directory).with_context(|| format!("cannot open the index at '{}'", dir.display()))?;
        register_plugins(&mut index)?;
        index
    } else {
        let settings = IndexSettings {
            docstore_compression: Compressor::Zstd(ZstdCompressor { compression_level: Some(3) }),
            docstore_blocksize: STORE_BLOCK_BYTES,
            ..IndexSettings::default()
        };
        Index::builder()
            .schema(schema::build())
            .settings(settings)
            .register_plugin(std::sync::Arc::new(nouns::NounsPlugin))
            .open_or_create(directory)
            .with_context(|| format!("cannot create an index in '{}'", dir.display()))?
    };
    let fields = Fields::of(&index.schema())?;
    let meta = meta::read(&index, dir, true)?;
    Ok(SouIndex { index, fields, dir: dir.to_path_buf(), meta })
}

/// A new index goes into a new or empty directory: `--index seeds` would otherwise
/// scatter index files among the user's data (and `--rebuild` would later delete
/// among them). Hidden files (`.gitignore`) and a previous index's own files are fine.
fn refuse_foreign_files(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(()) };
    let foreign: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.') && !is_index_file(name))
        // The user dictionary `--rebuild` keeps.
        .filter(|name| !name.starts_with(crate::analysis::dictionary::USER_DICT_FILE))
        .collect();
    if let Some(first) = foreign.first() {
        bail!(
            "--index {}: the directory holds {} that {} not part of an index (such as '{first}'); an index goes into a new or empty directory — give another --index (the default is ./{DEFAULT_DIR})",
            dir.display(),
            if foreign.len() == 1 { "a file".to_string() } else { format!("{} files", foreign.len()) },
            if foreign.len() == 1 { "is" } else { "are" },
        );
    }
    Ok(())
}

/// Whether `name` is a file an index of sou writes.
fn is_index_file(name: &str) -> bool {
    const EXTENSIONS: [&str; 8] = [".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm", ".del", ".nouns"];
    name == "meta.json"
        || name == "sou-writer.pid"
        || name == stories::FILE
        || name == story_state::FILE
        || name.starts_with(meta::FILES_PREFIX)
        || EXTENSIONS.iter().any(|e| name.ends_with(e))
}

/// Registers the segment components sou adds to tantivy's (each document's nouns, see
/// [`nouns`]) on an opened index whose segments have them: needed to write and merge.
fn register_plugins(index: &mut Index) -> Result<()> {
    if index.load_metas()?.persisted_custom_extensions.iter().any(|e| e == nouns::EXTENSION) {
        index.register_plugin(std::sync::Arc::new(nouns::NounsPlugin));
    }
    Ok(())
}

/// Removes every index file from `dir` (for `--rebuild`), keeping the directory, the
/// user dictionary and any file that is not part of an index (such as `.gitignore`).
pub fn remove(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        let ours = name == ".managed.json" || is_index_file(&name);
        if ours && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
