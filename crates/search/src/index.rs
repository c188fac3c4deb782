//! [`SearchIndex`]: one index directory (or RAM), one writer, one reader.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Instant;

use tantivy::collector::Count;
use tantivy::directory::{INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Directory, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analyzer;
use crate::directory::IndexDirectory;
use crate::engine::Engine;
use crate::query::Boosts;
use crate::schema::{self, F_PUBLISHED, Fields, SCHEMA_VERSION};
use crate::{OpenState, ProductDoc, SearchError};

/// Writer heap for incremental changes (one thread): changes arrive a few at a time.
const SMALL_WRITER_HEAP: usize = 20_000_000;
/// Writer heap for a full rebuild, shared by the indexing threads. Freed memory mostly stays
/// with the process afterwards, so this bounds what a node keeps after rebuilding as well.
const BIG_WRITER_HEAP: usize = 128_000_000;

/// Bytes of stored fields compressed together: a hit reads and decompresses its whole block.
/// A product's stored fields (ids, name, card) take a few hundred bytes: blocks of 4 KB hold
/// about fifteen, tantivy's default of 16 KB about sixty, four times the work per hit for a
/// little less disk.
const STORE_BLOCK: usize = 4_096;

fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: STORE_BLOCK,
        ..tantivy::IndexSettings::default()
    }
}

/// The catalogue search index. `Send + Sync`: share it behind an `Arc`.
///
/// One writer per directory: [`SearchIndex::open`] takes the directory's writer lock and keeps it
/// until the index is dropped, so a second process (or a second `open` of the same directory)
/// fails with [`SearchError::Locked`] instead of corrupting it.
pub struct SearchIndex {
    index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    pub(crate) boosts: Boosts,
    /// Facet values and score arrays kept between searches.
    pub(crate) engine: Engine,
    /// `None` only while [`SearchIndex::replace_all`] swaps in its big writer, or after a failed
    /// swap (the next change creates one again).
    writer: Mutex<Option<IndexWriter>>,
    watermark: RwLock<Option<i64>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("docs", &self.len())
            .field("watermark", &self.watermark())
            .finish_non_exhaustive()
    }
}

/// The commit payload: schema version and watermark.
fn payload(watermark: Option<i64>) -> String {
    match watermark {
        Some(w) => format!("lienket-search schema={SCHEMA_VERSION} watermark={w}"),
        None => format!("lienket-search schema={SCHEMA_VERSION}"),
    }
}

/// Reads a commit payload: (schema version, watermark).
fn parse_payload(payload: &str) -> (Option<u32>, Option<i64>) {
    let mut version = None;
    let mut watermark = None;
    for part in payload.split_whitespace() {
        if let Some(v) = part.strip_prefix("schema=") {
            version = v.parse().ok();
        } else if let Some(w) = part.strip_prefix("watermark=") {
            watermark = w.parse().ok();
        }
    }
    (version, watermark)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the writer leaves nothing half-done that a rollback would not undo.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn locked_error(e: tantivy::TantivyError) -> SearchError {
    match e {
        tantivy::TantivyError::LockFailure(..) => SearchError::Locked(e.to_string()),
        other => SearchError::Engine(other),
    }
}

/// An existing index that cannot be used, and why.
enum Unusable {
    /// Held by another writer: do not touch it.
    Locked(SearchError),
    /// Anything else: drop it and start again.
    Broken(String),
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory if needed.
    ///
    /// A missing index is created ([`OpenState::Fresh`]); an unreadable one, one of another
    /// schema version, or one whose last full fill never finished is deleted (the regular files
    /// of `dir`) and recreated empty ([`OpenState::Rebuilt`]). Fails only when the directory
    /// cannot be created or written, or another writer holds it.
    pub fn open(dir: &Path) -> Result<(Self, OpenState), SearchError> {
        std::fs::create_dir_all(dir)?;
        if !dir.join("meta.json").exists() {
            match Self::create(dir) {
                Ok(index) => return Ok((index, OpenState::Fresh)),
                // Another node on the same directory created it since the check: open theirs
                // (or find it locked, like any index another process writes).
                Err(_) if dir.join("meta.json").exists() => {}
                Err(e) => return Err(e),
            }
        }
        match Self::open_existing(dir) {
            Ok((index, Some(watermark))) => Ok((index, OpenState::Existing { watermark })),
            Ok((index, None)) if index.is_empty() => Ok((index, OpenState::Fresh)),
            Ok((index, None)) => {
                drop(index);
                Self::rebuild(dir, "the index has no watermark: its last fill did not finish")
            }
            Err(Unusable::Locked(e)) => Err(e),
            Err(Unusable::Broken(reason)) => Self::rebuild(dir, &reason),
        }
    }

    /// A new empty index in RAM (tests, tools).
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, _) = schema::build();
        let index = Index::create(tantivy::directory::RamDirectory::create(), schema, settings())?;
        let this = Self::from_index(index)?;
        this.commit_empty()?;
        Ok(this)
    }

    /// Deletes the index files in `dir` and creates an empty index.
    fn rebuild(dir: &Path, reason: &str) -> Result<(Self, OpenState), SearchError> {
        tracing::warn!(dir = %dir.display(), reason, "search index dropped, rebuilding it empty");
        {
            // Hold the writer lock while deleting, so a live writer elsewhere is not undercut.
            let directory = MmapDirectory::open(dir)
                .map_err(|e| SearchError::Io(std::io::Error::other(e.to_string())))?;
            let _lock = directory
                .acquire_lock(&INDEX_WRITER_LOCK)
                .map_err(|e| SearchError::Locked(e.to_string()))?;
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let name = entry.file_name();
                if entry.file_type()?.is_file() && name != ".tantivy-writer.lock" {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
        let index = Self::create(dir)?;
        Ok((
            index,
            OpenState::Rebuilt {
                reason: reason.to_string(),
            },
        ))
    }

    fn create(dir: &Path) -> Result<Self, SearchError> {
        let (schema, _) = schema::build();
        let directory = IndexDirectory::open(dir).map_err(|e| SearchError::Engine(e.into()))?;
        if Index::exists(&directory).map_err(|e| SearchError::Engine(e.into()))? {
            return Err(locked_error(tantivy::TantivyError::IndexAlreadyExists));
        }
        let index = Index::create(directory, schema, settings()).map_err(locked_error)?;
        let this = Self::from_index(index)?;
        this.commit_empty()?;
        Ok(this)
    }

    /// Opens a valid existing index, with its watermark.
    fn open_existing(dir: &Path) -> Result<(Self, Option<i64>), Unusable> {
        let broken = |e: tantivy::TantivyError| Unusable::Broken(e.to_string());
        let directory = IndexDirectory::open(dir).map_err(|e| Unusable::Broken(e.to_string()))?;
        let index = Index::open(directory).map_err(broken)?;
        let (expected, _) = schema::build();
        if index.schema() != expected {
            return Err(Unusable::Broken("the index has another schema".into()));
        }
        let metas = index.load_metas().map_err(broken)?;
        let (version, watermark) = parse_payload(metas.payload.as_deref().unwrap_or(""));
        if version != Some(SCHEMA_VERSION) {
            return Err(Unusable::Broken(format!(
                "the index has schema version {version:?}, this program uses {SCHEMA_VERSION}"
            )));
        }
        let this = Self::from_index(index).map_err(|e| match e {
            SearchError::Locked(_) => Unusable::Locked(e),
            other => Unusable::Broken(other.to_string()),
        })?;
        // Open every segment and read its postings once: missing or truncated files show here.
        let searcher = this.reader.searcher();
        let probe = TermQuery::new(
            Term::from_field_text(this.fields.name_fold, "a"),
            IndexRecordOption::Basic,
        );
        searcher.search(&probe, &Count).map_err(broken)?;
        for segment in searcher.segment_readers() {
            segment.fast_fields().i64(F_PUBLISHED).map_err(broken)?;
            let store = segment
                .get_store_reader(1)
                .map_err(|e| Unusable::Broken(e.to_string()))?;
            if segment.num_docs() > 0 {
                let first = segment
                    .alive_bitset()
                    .map_or(Some(0), |bits| bits.iter_alive().next());
                if let Some(doc) = first {
                    store
                        .get::<TantivyDocument>(doc)
                        .map_err(|e| Unusable::Broken(e.to_string()))?;
                }
            }
        }
        *this.watermark.write().unwrap_or_else(PoisonError::into_inner) = watermark;
        Ok((this, watermark))
    }

    fn from_index(index: Index) -> Result<Self, SearchError> {
        analyzer::register(index.tokenizers());
        let (_, fields) = schema::build();
        let writer = index
            .writer_with_num_threads(1, SMALL_WRITER_HEAP)
            .map_err(locked_error)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = SearchIndex {
            index,
            reader,
            fields,
            boosts: Boosts::default(),
            engine: Engine::default(),
            writer: Mutex::new(Some(writer)),
            watermark: RwLock::new(None),
        };
        this.engine.warm(&this.reader.searcher())?;
        Ok(this)
    }

    /// Takes in the last commit, and reads what searches need of its new segments.
    fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload()?;
        self.engine.warm(&self.reader.searcher())
    }

    /// Commits nothing but the payload (schema version, no watermark).
    fn commit_empty(&self) -> Result<(), SearchError> {
        let mut guard = lock(&self.writer);
        let writer = self.writer_in(&mut guard)?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload(None));
        prepared.commit()?;
        self.reload()?;
        Ok(())
    }

    /// The small writer, created again if a rebuild left none.
    fn writer_in<'a>(
        &self,
        guard: &'a mut MutexGuard<'_, Option<IndexWriter>>,
    ) -> Result<&'a mut IndexWriter, SearchError> {
        if guard.is_none() {
            let writer = self
                .index
                .writer_with_num_threads(1, SMALL_WRITER_HEAP)
                .map_err(locked_error)?;
            **guard = Some(writer);
        }
        Ok(guard.as_mut().expect("a writer was just set"))
    }

    /// The last change-log id applied, if the index was ever filled.
    pub fn watermark(&self) -> Option<i64> {
        *self.watermark.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The number of products in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no product.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Applies a batch of the change log: `upserts` replace the products with their id, then
    /// `deletes` (ids) remove products (a product in both is removed). Commits with `watermark`
    /// and reloads the reader, so the next search sees the change. On error nothing is applied.
    pub fn apply(
        &self,
        upserts: Vec<ProductDoc>,
        deletes: Vec<String>,
        watermark: i64,
    ) -> Result<(), SearchError> {
        let mut guard = lock(&self.writer);
        let writer = self.writer_in(&mut guard)?;
        let result = (|| {
            for p in &upserts {
                writer.delete_term(Term::from_field_text(self.fields.id, &p.id));
                writer.add_document(self.fields.document(p))?;
            }
            for id in &deletes {
                writer.delete_term(Term::from_field_text(self.fields.id, id));
            }
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload(Some(watermark)));
            prepared.commit()?;
            Ok::<_, tantivy::TantivyError>(())
        })();
        if let Err(e) = result {
            let _ = writer.rollback();
            return Err(e.into());
        }
        drop(guard);
        self.reload()?;
        *self.watermark.write().unwrap_or_else(PoisonError::into_inner) = Some(watermark);
        Ok(())
    }

    /// Replaces the whole index with `docs`, as of `watermark`: one commit at the end, so
    /// searches see the old catalogue until the new one is complete, and a failure leaves the
    /// old one. Uses a big writer ([`BIG_WRITER_HEAP`], one thread per core) for the duration.
    pub fn replace_all(
        &self,
        docs: impl Iterator<Item = ProductDoc>,
        watermark: i64,
    ) -> Result<(), SearchError> {
        let started = Instant::now();
        let mut guard = lock(&self.writer);
        if let Some(small) = guard.take() {
            // Only one writer per directory: the small one goes while the big one works.
            small.wait_merging_threads()?;
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let mut big: IndexWriter = self
            .index
            .writer_with_num_threads(threads, BIG_WRITER_HEAP)
            .map_err(locked_error)?;
        let mut count = 0u64;
        let result = (|| {
            big.delete_all_documents()?;
            for p in docs {
                big.add_document(self.fields.document(&p))?;
                count += 1;
            }
            let mut prepared = big.prepare_commit()?;
            prepared.set_payload(&payload(Some(watermark)));
            prepared.commit()?;
            Ok::<_, tantivy::TantivyError>(())
        })();
        if let Err(e) = result {
            let _ = big.rollback();
            return Err(e.into());
        }
        big.wait_merging_threads()?;
        *guard = Some(
            self.index
                .writer_with_num_threads(1, SMALL_WRITER_HEAP)
                .map_err(locked_error)?,
        );
        drop(guard);
        self.reload()?;
        *self.watermark.write().unwrap_or_else(PoisonError::into_inner) = Some(watermark);
        tracing::info!(
            docs = count,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index rebuilt"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips() {
        assert_eq!(
            parse_payload(&payload(Some(42))),
            (Some(SCHEMA_VERSION), Some(42))
        );
        assert_eq!(parse_payload(&payload(None)), (Some(SCHEMA_VERSION), None));
        assert_eq!(parse_payload("garbage"), (None, None));
    }

    #[test]
    fn the_index_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<SearchIndex>();
    }
}
