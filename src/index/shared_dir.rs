//! The directory searches read through: tantivy's `MmapDirectory`, except that an index
//! the user cannot write (a shared index, `chmod -R a-w`, a read-only mount) can still
//! be searched.
//!
//! tantivy's readers take a lock file while they read `meta.json`, so that a writer's
//! clean-up cannot delete the files of the commit being opened. Where that file cannot
//! be created, the reader goes on without it: the worst a concurrent writer (the
//! directory's owner) can cause is one failed open, never a wrong answer or a damaged
//! index, since readers never write.

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr};
use tantivy::Directory;

/// `MmapDirectory` whose locks are optional where they cannot be created.
#[derive(Clone)]
pub(crate) struct SharedDirectory {
    inner: MmapDirectory,
}

impl fmt::Debug for SharedDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedDirectory({:?})", self.inner)
    }
}

impl SharedDirectory {
    /// Opens `root` for reading.
    pub fn open(root: &Path) -> Result<Self, OpenDirectoryError> {
        Ok(SharedDirectory { inner: MmapDirectory::open(root)? })
    }
}

/// Whether `e` means the directory cannot be written by this user.
fn cannot_write(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem)
}

impl Directory for SharedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
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
        self.inner.atomic_write(path, data)
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            // Only readers open this directory; their lock is the one that may be skipped.
            Err(LockError::IoError(e)) if cannot_write(&e) => Ok(DirectoryLock::from(Box::new(()))),
            other => other,
        }
    }
    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
