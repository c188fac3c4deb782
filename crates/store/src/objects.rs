//! Files too large for the database (product images, certificates) live in an object store:
//! a local directory by default, an S3-compatible bucket when several nodes share the files
//! (built with the `s3` feature; credentials from the usual `AWS_*` variables).
//!
//! Keys are chosen by the caller and never reused, so a file once written never changes and
//! can be served with long-lived cache headers.

use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::StoreError;

/// A handle on the object store; cheap to clone.
#[derive(Clone)]
pub struct Objects {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    describe: String,
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Objects(e.to_string())
}

impl Objects {
    /// Opens `spec`: a directory path, `file:///dir`, `memory://` (tests) or `s3://bucket/prefix`.
    pub fn open(spec: &str) -> Result<Objects, StoreError> {
        if !spec.contains("://") {
            return Objects::local(std::path::Path::new(spec));
        }
        let url = url::Url::parse(spec).map_err(failed)?;
        if url.scheme() == "file" {
            let dir = url
                .to_file_path()
                .map_err(|()| failed(format!("not a directory URL: {spec}")))?;
            return Objects::local(&dir);
        }
        let options: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("AWS_"))
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        let (store, prefix) = object_store::parse_url_opts(&url, options).map_err(failed)?;
        Ok(Objects {
            store: Arc::from(store),
            prefix,
            describe: format!("{}://{}", url.scheme(), url.host_str().unwrap_or("")),
        })
    }

    /// Objects kept in memory (tests).
    pub fn memory() -> Objects {
        Objects {
            store: Arc::new(object_store::memory::InMemory::new()),
            prefix: Path::default(),
            describe: "memory://".into(),
        }
    }

    fn local(dir: &std::path::Path) -> Result<Objects, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| failed(format!("{}: {e}", dir.display())))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(failed)?;
        Ok(Objects {
            store: Arc::new(store),
            prefix: Path::default(),
            describe: dir.display().to_string(),
        })
    }

    fn path(&self, key: &str) -> Result<Path, StoreError> {
        let key = Path::parse(key).map_err(failed)?;
        Ok(self.prefix.parts().chain(key.parts()).collect())
    }

    /// Writes an object.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.store
            .put(&self.path(key)?, PutPayload::from(bytes))
            .await
            .map_err(failed)?;
        Ok(())
    }

    /// Reads an object; `NotFound` when there is none.
    pub async fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        match self.store.get(&self.path(key)?).await {
            Ok(r) => Ok(r.bytes().await.map_err(failed)?.to_vec()),
            Err(object_store::Error::NotFound { .. }) => Err(StoreError::NotFound),
            Err(e) => Err(failed(e)),
        }
    }

    /// Deletes an object; deleting a missing one is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.store.delete(&self.path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failed(e)),
        }
    }
}
