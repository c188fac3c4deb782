//! The index directory: tantivy's memory-mapped directory, except for the document stores.
//!
//! A search reads the stored fields of its page of hits: a block of the store per hit, at
//! random over the whole catalogue. Mapped, every block read stays in the server's resident
//! memory (with the neighbouring pages the kernel maps around a fault): at 1,000,000 products,
//! some 40 MB after a few thousand searches. Read with positioned reads, the blocks stay in
//! the system's file cache (shared, and given back under pressure) and cost one system call
//! each. Postings, lengths and fast fields, read in bulk, stay mapped.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle,
    WritePtr,
};

/// The extension of a segment's document store.
const STORE: &str = "store";

/// A directory of an index on disk (see the module).
#[derive(Clone, Debug)]
pub(crate) struct IndexDirectory {
    mapped: MmapDirectory,
    root: PathBuf,
}

impl IndexDirectory {
    pub(crate) fn open(dir: &Path) -> Result<Self, OpenDirectoryError> {
        Ok(IndexDirectory {
            mapped: MmapDirectory::open(dir)?,
            root: dir.to_path_buf(),
        })
    }
}

/// A file read with positioned reads.
#[derive(Debug)]
struct ReadFile {
    file: File,
    len: usize,
}

impl HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("bytes {range:?} asked of a file of {} bytes", self.len),
            ));
        }
        let mut buffer = vec![0; range.len()];
        self.file.read_exact_at(&mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if path.extension().is_none_or(|e| e != STORE) {
            return self.mapped.get_file_handle(path);
        }
        let failed = |e: io::Error| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, path.to_path_buf()),
        };
        let file = File::open(self.root.join(path)).map_err(failed)?;
        let len = file.metadata().map_err(failed)?.len();
        let len = usize::try_from(len).map_err(|e| failed(io::Error::other(e)))?;
        Ok(Arc::new(ReadFile { file, len }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mapped.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mapped.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_is_read_by_positioned_reads_and_other_files_are_mapped() {
        let dir = std::env::temp_dir().join(format!("lienket-directory-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        std::fs::write(dir.join("a.store"), b"0123456789").expect("written");
        std::fs::write(dir.join("a.idx"), b"abcdef").expect("written");
        let d = IndexDirectory::open(&dir).expect("opened");
        let store = d.open_read(Path::new("a.store")).expect("a store");
        assert_eq!(store.len(), 10);
        assert_eq!(store.slice(2..5).read_bytes().expect("read").as_slice(), b"234");
        assert_eq!(store.slice(10..10).read_bytes().expect("read").as_slice(), b"");
        assert!(
            d.get_file_handle(Path::new("a.store"))
                .expect("a handle")
                .read_bytes(8..12)
                .is_err()
        );
        let idx = d.open_read(Path::new("a.idx")).expect("an index file");
        assert_eq!(idx.read_bytes().expect("read").as_slice(), b"abcdef");
        assert!(matches!(
            d.open_read(Path::new("missing.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
        std::fs::remove_dir_all(&dir).expect("removed");
    }
}
