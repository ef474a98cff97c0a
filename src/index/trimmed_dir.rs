//! The directory `sou index` writes through: tantivy's `MmapDirectory` for everything,
//! except that files are read through memory maps this module owns and trims.
//!
//! Why: while tantivy merges segments it reads every page of its input segments through
//! memory maps, and those pages stay in the process's resident set until the segment is
//! dropped. On a 1 GB input that was over 1 GB of RSS on top of the indexing buffers.
//! Segment files are written once and never modified, so dropping the pages of a
//! read-only shared mapping (`MADV_DONTNEED`) is harmless: the next access maps them
//! again from the page cache. A background thread does that every [`TRIM_EVERY`], so
//! the resident set holds only the pages read since the last trim.

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::{Deref, Range};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use memmap2::Mmap;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::Directory;
use tantivy::HasLen;

/// How often the pages read by merges are dropped from the resident set.
const TRIM_EVERY: Duration = Duration::from_millis(100);

/// The live maps of one directory.
type Registry = Mutex<Vec<Weak<Mmap>>>;

/// `MmapDirectory` with trimmed read maps (see the module documentation).
#[derive(Clone)]
pub(crate) struct TrimmedDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    maps: Arc<Registry>,
}

impl fmt::Debug for TrimmedDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TrimmedDirectory({})", self.root.display())
    }
}

impl TrimmedDirectory {
    /// Opens `root` and starts the trimming thread, which ends with the last clone.
    pub fn open(root: &Path) -> Result<Self, tantivy::directory::error::OpenDirectoryError> {
        let inner = MmapDirectory::open(root)?;
        let maps: Arc<Registry> = Arc::default();
        let weak = Arc::downgrade(&maps);
        let _ = std::thread::Builder::new().name("sou-trim".into()).spawn(move || trim_loop(weak));
        Ok(TrimmedDirectory { inner, root: root.to_path_buf(), maps })
    }
}

/// Gives `path` the mode a newly created file gets (0666 less the umask).
#[cfg(unix)]
fn readable_like_created(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // The umask, read without changing it (`umask(2)` would race with other threads).
    let umask = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Umask:").map(|v| v.trim().to_string())))
        .and_then(|v| u32::from_str_radix(&v, 8).ok())
        .unwrap_or(0o022);
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666 & !umask))
}

#[cfg(not(unix))]
fn readable_like_created(_: &Path) -> io::Result<()> {
    Ok(())
}

fn trim_loop(maps: Weak<Registry>) {
    loop {
        std::thread::sleep(TRIM_EVERY);
        let Some(maps) = maps.upgrade() else { return };
        let live: Vec<Arc<Mmap>> = {
            let mut list = maps.lock().unwrap_or_else(|e| e.into_inner());
            list.retain(|w| w.strong_count() > 0);
            list.iter().filter_map(Weak::upgrade).collect()
        };
        drop(maps);
        for map in live {
            trim(&map);
        }
    }
}

#[cfg(unix)]
fn trim(map: &Mmap) {
    // SAFETY: the map is a read-only shared mapping of a segment file, which tantivy
    // never modifies once written; after MADV_DONTNEED the next access reads the same
    // bytes from the page cache.
    let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
}

#[cfg(not(unix))]
fn trim(_: &Mmap) {}

/// A file handle over one trimmed map.
#[derive(Debug)]
struct MapHandle(Option<Arc<Mmap>>);

/// The map as a byte slice `OwnedBytes` can own.
struct MapBytes(Arc<Mmap>);

impl Deref for MapBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0[..]
    }
}

// SAFETY: the bytes live in the mapping, whose address does not change while the Arc
// keeps it alive, wherever the `MapBytes` itself moves.
unsafe impl stable_deref_trait::StableDeref for MapBytes {}

impl HasLen for MapHandle {
    fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }
}

impl FileHandle for MapHandle {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        match &self.0 {
            Some(map) => Ok(OwnedBytes::new(MapBytes(Arc::clone(map))).slice(range)),
            None => Ok(OwnedBytes::empty().slice(range)),
        }
    }
}

impl Directory for TrimmedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, path.to_path_buf()),
        })?;
        let len = file.metadata().map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?.len();
        if len == 0 {
            return Ok(Arc::new(MapHandle(None)));
        }
        // SAFETY: segment files are immutable once written (see the module documentation).
        let map = unsafe { Mmap::map(&file) }.map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?;
        let map = Arc::new(map);
        self.maps.lock().unwrap_or_else(|e| e.into_inner()).push(Arc::downgrade(&map));
        Ok(Arc::new(MapHandle(Some(map))))
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)?;
        // Written through a temporary file, which is private (0600): give it the
        // permissions of the segment files, so that other users can read a shared index.
        readable_like_created(&self.root.join(path))
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }
    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
