//! This node's replica of the public catalogue index, kept current from the change log.
//!
//! The database is the truth; the index (in the data directory, or in memory) is rebuilt from
//! it when missing, corrupt or of another schema, and otherwise caught up from the change log
//! from the id stored in its last commit. Every node follows the log on its own (every second,
//! and at once after a write on this node), so a product published through one node is found
//! through every other one moments later.
//!
//! The catalogue also keeps the rendered public product pages of anonymous visitors, each
//! tagged with the generation of the catalogue it was drawn from: any change the follower
//! applies (a product, its certification or images, its producer) starts a new generation, so
//! no page outlives the data it shows by more than the follower's delay.
//!
//! On PostgreSQL change-log ids are handed out before commit, so a row with a smaller id can
//! become visible after a larger one. The follower therefore re-reads a trailing window of ids
//! behind its high-water mark and skips the ones it has already applied.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use lienket_domain::ids::{OrganisationId, ProductId};
use lienket_search::{OpenState, ProductDoc, SearchIndex};
use lienket_store::{CatalogRow, PRODUCT_ENTITY, Store, StoreError};
use tokio::sync::{Mutex, Notify};

/// Change-log ids re-read behind the high-water mark (transactions still in flight on PostgreSQL).
const WINDOW: i64 = 2_000;
/// Rows read from the change log per round.
const BATCH: u64 = 5_000;
/// Products per chunk of a full rebuild.
const REBUILD_CHUNK: u64 = 5_000;
/// Rendered pages kept per node before the cache starts over.
const PAGES_KEPT: usize = 20_000;
/// Entities whose changes show on a product page besides the product and its producer.
const PAGE_ENTITIES: [&str; 3] = [PRODUCT_ENTITY, "organisation", "product_image"];

/// Search answers kept per node: popular queries and the words typed into the suggestions
/// repeat, and the index answers each the same until the catalogue changes.
pub const RESULTS_KEPT: usize = 5_000;

/// A kept value with the generation and day it was drawn from.
type Entry<T> = (u64, time::Date, Arc<T>);

/// What was drawn from one generation of the catalogue on one day, by key: rendered pages,
/// search answers. Any change the follower applies starts a new generation, so nothing kept
/// outlives the data it came from; the day matters because certificates expire at midnight.
struct Kept<T> {
    entries: std::sync::Mutex<HashMap<String, Entry<T>>>,
    /// Most entries; 0 keeps none.
    cap: std::sync::atomic::AtomicUsize,
}

impl<T> Kept<T> {
    fn new(cap: usize) -> Kept<T> {
        Kept {
            entries: std::sync::Mutex::new(HashMap::new()),
            cap: cap.into(),
        }
    }

    fn get(&self, key: &str, generation: u64, today: time::Date) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(g, d, _)| *g == generation && *d == today)
            .map(|(_, _, v)| Arc::clone(v))
    }

    fn keep(&self, key: String, generation: u64, today: time::Date, value: Arc<T>) {
        let cap = self.cap.load(Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= cap {
            entries.clear();
        }
        if cap > 0 {
            entries.insert(key, (generation, today, value));
        }
    }
}

/// Why the catalogue could not be served.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The index failed.
    #[error("search index: {0}")]
    Index(#[from] lienket_search::SearchError),
    /// A background task failed.
    #[error("catalogue task: {0}")]
    Join(#[from] tokio::task::JoinError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The search threads could not be started.
    #[error("search threads: {0}")]
    Threads(std::io::Error),
    /// A search ended without an answer (it panicked).
    #[error("a search ended without an answer")]
    SearchFailed,
}

struct Follow {
    /// Highest change-log id applied.
    high: i64,
    /// Ids applied within the trailing window.
    seen: BTreeSet<i64>,
    /// The last day whose certificate expiries have been applied.
    expiry_day: time::Date,
}

/// The catalogue index and the state of its follower; share it behind an `Arc`.
pub struct Catalog {
    index: Arc<SearchIndex>,
    store: Store,
    follow: Mutex<Follow>,
    wake: Notify,
    /// Bumped whenever the follower applies a change.
    generation: AtomicU64,
    /// Rendered public pages by address, language and public host.
    pages: Kept<String>,
    /// Search answers by query.
    results: Kept<lienket_search::Results>,
    /// The threads searches run on.
    searchers: Searchers,
}

/// A search handed to the search threads.
type SearchJob = Box<dyn FnOnce() + Send>;

/// Threads that run searches, one per core, taking them in the order they came.
///
/// A search is a few milliseconds of processor work and nothing else. More at once would only
/// share the cores (and each keep its working memory); in the order they came, a search waits
/// for the ones before it, so the slowest waits are short. Threads of their own that take the
/// next search as soon as one ends keep both cores busy under load: a search handed to a
/// thread of the runtime's blocking pool, one at a time per core, left the cores idle a fifth
/// of the time while each next search was woken (1.58 of 2 cores busy at 16 clients, against
/// 1.93 here), and a search run on the runtime's own threads served the waiting requests out of
/// their order (p99 24 ms, 19–20 ms here, at the same throughput).
struct Searchers {
    queue: std::sync::mpsc::Sender<SearchJob>,
}

impl Searchers {
    fn start(threads: usize) -> std::io::Result<Self> {
        let (queue, jobs) = std::sync::mpsc::channel::<SearchJob>();
        let jobs = Arc::new(std::sync::Mutex::new(jobs));
        for i in 0..threads {
            let jobs = Arc::clone(&jobs);
            std::thread::Builder::new()
                .name(format!("search-{i}"))
                .spawn(move || {
                    loop {
                        // One thread waits for the next search while the others wait for it to
                        // take one; a poisoned lock (never held across a search) is still fine.
                        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
                        let Ok(job) = next else {
                            // The catalogue is gone.
                            return;
                        };
                        // A search that panics answers nothing (its caller sees the thread's
                        // answer dropped); the thread goes on with the next.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    }
                })?;
        }
        Ok(Searchers { queue })
    }

    /// Queues `work` for a search thread, after the searches queued before this call; the
    /// answer comes from the future.
    fn run<T: Send + 'static, F: FnOnce() -> T + Send + 'static>(
        &self,
        work: F,
    ) -> impl Future<Output = Result<T, CatalogError>> + use<T, F> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: SearchJob = Box::new(move || {
            // A caller gone while its search waited (a closed connection) is not searched for.
            if !answer.is_closed() {
                let _ = answer.send(work());
            }
        });
        // Fails only when every thread has stopped; the answer's end is dropped then too.
        let _ = self.queue.send(job);
        async move { answered.await.map_err(|_| CatalogError::SearchFailed) }
    }
}

/// Today in Vietnam (UTC+7): the day certificates expire on.
pub fn today_vn() -> time::Date {
    time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+7))
        .date()
}

fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Whether a certificate ending on `expires_on` (`YYYY-MM-DD`) is valid on `today`.
pub fn certificate_valid(expires_on: Option<&str>, today: time::Date) -> bool {
    expires_on.is_some_and(|e| e >= iso(today).as_str())
}

/// The stars a product may show on `today`: none once its certificate has expired.
pub fn valid_stars(stars: Option<u8>, expires_on: Option<&str>, today: time::Date) -> Option<u8> {
    stars.filter(|_| certificate_valid(expires_on, today))
}

/// What a search hit shows of a product beside its code and name, kept in the index with it:
/// the API answers a search without reading the database.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SearchCard {
    pub producer_id: i64,
    pub producer: String,
    /// Province of origin, 2025 code.
    pub province: Option<String>,
    /// Stars as certified; shown while `expires` is not past.
    pub stars: Option<u8>,
    pub group: Option<String>,
    pub set_no: Option<u8>,
    /// Certificate end of validity, `YYYY-MM-DD`.
    pub expires: Option<String>,
}

/// The index document of a published product.
pub fn to_doc(row: &CatalogRow, today: time::Date) -> ProductDoc {
    let p = &row.product;
    let province_code = p
        .fields
        .origin_province_code
        .clone()
        .or_else(|| row.organisation_province.clone());
    let province_name = province_code
        .as_deref()
        .and_then(|c| lienket_domain::admin_units::units().province_2025(c))
        .map(|p| p.short_name.to_string());
    let stars = valid_stars(p.stars, p.cert_expires_on.as_deref(), today);
    let card = SearchCard {
        producer_id: p.organisation_id.0,
        producer: row.organisation_name.clone(),
        province: p.fields.origin_province_code.clone(),
        stars: p.stars,
        group: p.fields.group_code.clone(),
        set_no: p.fields.set_no,
        expires: p.cert_expires_on.clone(),
    };
    let mut description = p.fields.description.clone().unwrap_or_default();
    if let Some(i) = &p.fields.ingredients {
        description.push(' ');
        description.push_str(i);
    }
    ProductDoc {
        id: p.id.to_string(),
        code: p.code.clone(),
        name: p.fields.name.clone(),
        producer_id: p.organisation_id.to_string(),
        producer_name: row.organisation_name.clone(),
        alliance_code: row.alliance_code.clone(),
        province_code,
        province_name,
        // Filled by the index from the province code (legacy provinces merged into it).
        legacy_provinces: Vec::new(),
        group: p.fields.group_code.clone(),
        set_no: p.fields.set_no,
        stars,
        description,
        published_at: p.published_at.map_or(0, |t| t.unix_timestamp()),
        card: serde_json::to_string(&card).unwrap_or_default(),
    }
}

impl Catalog {
    /// Opens the index in `dir` (in memory when `None`) and brings it up to date.
    pub async fn open(store: Store, dir: Option<&Path>) -> Result<Arc<Catalog>, CatalogError> {
        let (index, state) = match dir {
            Some(d) => {
                let d = d.to_path_buf();
                tokio::task::spawn_blocking(move || SearchIndex::open(&d)).await??
            }
            None => (SearchIndex::in_memory()?, OpenState::Fresh),
        };
        let today = today_vn();
        let catalog = Arc::new(Catalog {
            index: Arc::new(index),
            store,
            follow: Mutex::new(Follow {
                high: 0,
                seen: BTreeSet::new(),
                expiry_day: today,
            }),
            wake: Notify::new(),
            generation: AtomicU64::new(0),
            pages: Kept::new(PAGES_KEPT),
            results: Kept::new(RESULTS_KEPT),
            searchers: Searchers::start(
                std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            )
            .map_err(CatalogError::Threads)?,
        });
        match state {
            OpenState::Existing { watermark } => {
                let since = catalog
                    .store
                    .change_time(watermark)
                    .await?
                    .map_or(today, |t| t.to_offset(time::macros::offset!(+7)).date());
                let mut f = catalog.follow.lock().await;
                f.high = watermark;
                f.expiry_day = since;
                drop(f);
                tracing::info!(
                    watermark,
                    "catalogue index opened; catching up from the change log"
                );
                catalog.sync().await?;
            }
            OpenState::Fresh => catalog.rebuild().await?,
            OpenState::Rebuilt { reason } => {
                tracing::warn!(%reason, "catalogue index unreadable; rebuilding it from the database");
                catalog.rebuild().await?;
            }
        }
        Ok(catalog)
    }

    /// The index, for searches.
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Runs `work` on the index on a search thread, after the searches that came before it
    /// (see [`Searchers`]).
    pub async fn with_index<T: Send + 'static>(
        &self,
        work: impl FnOnce(&SearchIndex) -> T + Send + 'static,
    ) -> Result<T, CatalogError> {
        let index = Arc::clone(&self.index);
        self.searchers.run(move || work(&index)).await
    }

    /// Rebuilds the whole index from the database. Products stream from the database into the
    /// index writer through a bounded channel, so memory stays flat however large the catalogue.
    pub async fn rebuild(&self) -> Result<(), CatalogError> {
        let mut f = self.follow.lock().await;
        let started = std::time::Instant::now();
        let watermark = self.store.latest_change_id().await?;
        // The changes of the trailing window already committed now are in the products read
        // below: the follower need not apply them again (which would also move the generation
        // and drop every answer kept since the rebuild).
        let committed: BTreeSet<i64> = self
            .store
            .change_keys_since((watermark - WINDOW).max(0), &PAGE_ENTITIES, BATCH)
            .await?
            .into_iter()
            .map(|(id, _, _)| id)
            .filter(|id| *id <= watermark)
            .collect();
        let today = today_vn();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<ProductDoc>(4_096);
        let index = Arc::clone(&self.index);
        let writer = tokio::task::spawn_blocking(move || {
            index.replace_all(std::iter::from_fn(|| rx.blocking_recv()), watermark)
        });
        let mut count = 0usize;
        let mut after = 0;
        let fed: Result<(), StoreError> = async {
            loop {
                let rows = self.store.catalog_batch(after, REBUILD_CHUNK).await?;
                let Some(last) = rows.last() else { break };
                after = last.product.id.0;
                for r in &rows {
                    if tx.send(to_doc(r, today)).await.is_err() {
                        return Ok(());
                    }
                    count += 1;
                }
            }
            Ok(())
        }
        .await;
        drop(tx);
        let written = writer.await?;
        if let Err(e) = fed {
            // The writer committed what it got as if complete: start over from an empty index
            // that replays the whole change log, rather than serve a partial catalogue as whole.
            let index = Arc::clone(&self.index);
            tokio::task::spawn_blocking(move || index.replace_all(std::iter::empty(), 0)).await??;
            f.high = 0;
            f.seen.clear();
            return Err(e.into());
        }
        written?;
        f.high = watermark;
        f.seen = committed;
        f.expiry_day = today;
        tracing::info!(
            products = count,
            ms = started.elapsed().as_millis() as u64,
            "catalogue index built"
        );
        Ok(())
    }

    /// Applies every change not yet applied; returns when the index shows them.
    pub async fn sync(&self) -> Result<(), CatalogError> {
        let mut f = self.follow.lock().await;
        let today = today_vn();
        loop {
            let low = (f.high - WINDOW).max(0);
            let rows = self.store.change_keys_since(low, &PAGE_ENTITIES, BATCH).await?;
            let fresh: Vec<&(i64, String, String)> = rows.iter().filter(|r| !f.seen.contains(&r.0)).collect();
            let mut products: HashSet<ProductId> = HashSet::new();
            let mut organisations: Vec<OrganisationId> = Vec::new();
            for (_, entity, key) in &fresh {
                if entity == PRODUCT_ENTITY {
                    products.extend(key.parse().ok().map(ProductId));
                } else if entity == "organisation" {
                    organisations.extend(key.parse().ok().map(OrganisationId));
                }
            }
            if !organisations.is_empty() {
                products.extend(self.store.product_ids_of(&organisations).await?);
            }
            if f.expiry_day < today {
                // Certificates that ended since the last look lose their stars in the index.
                let from = iso(f.expiry_day.previous_day().unwrap_or(f.expiry_day));
                products.extend(self.store.products_expiring_between(&from, &iso(today)).await?);
            }
            let new_high = fresh.iter().map(|r| r.0).max().unwrap_or(f.high).max(f.high);
            // A new generation once the index shows the change: a search run before then
            // (from the old index) must not be kept under the new generation.
            let changed = !fresh.is_empty() || !products.is_empty();
            if !products.is_empty() || new_high != f.high {
                let ids: Vec<ProductId> = products.into_iter().collect();
                let (rows_now, gone) = self.store.catalog_rows(&ids).await?;
                let docs: Vec<ProductDoc> = rows_now.iter().map(|r| to_doc(r, today)).collect();
                let deletes: Vec<String> = gone.iter().map(ToString::to_string).collect();
                let index = Arc::clone(&self.index);
                tokio::task::spawn_blocking(move || index.apply(docs, deletes, new_high)).await??;
            }
            if changed {
                self.generation.fetch_add(1, Ordering::AcqRel);
            }
            f.expiry_day = today;
            let more = rows.len() as u64 == BATCH;
            for (id, _, _) in &rows {
                f.seen.insert(*id);
            }
            f.high = new_high;
            let floor = f.high - WINDOW;
            f.seen = f.seen.split_off(&floor);
            if !more || fresh.is_empty() {
                break;
            }
        }
        Ok(())
    }

    /// The generation of the catalogue: read it before reading what a page shows.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A page rendered for `key` from the current generation on `today`, if kept.
    pub fn cached_page(&self, key: &str, generation: u64, today: time::Date) -> Option<Arc<String>> {
        self.pages.get(key, generation, today)
    }

    /// Keeps a page rendered from `generation` (read before the data was).
    pub fn keep_page(&self, key: String, generation: u64, today: time::Date, body: Arc<String>) {
        self.pages.keep(key, generation, today, body);
    }

    /// Keeps at most `n` search answers from now on (0: none, every search runs; the default is
    /// [`RESULTS_KEPT`]).
    pub fn keep_answers(&self, n: usize) {
        self.results.cap.store(n, Ordering::Relaxed);
        if n == 0 {
            self.results
                .entries
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
        }
    }

    /// The answer to a search (`key`: the query with its filters, sort and page) from the
    /// current generation on `today`, if kept.
    pub fn cached_results(
        &self,
        key: &str,
        generation: u64,
        today: time::Date,
    ) -> Option<Arc<lienket_search::Results>> {
        self.results.get(key, generation, today)
    }

    /// Keeps the answer to a search run on `generation` (read before the search).
    pub fn keep_results(
        &self,
        key: String,
        generation: u64,
        today: time::Date,
        results: Arc<lienket_search::Results>,
    ) {
        self.results.keep(key, generation, today, results);
    }

    /// Brings the index up to date after a write on this node, so the writer's next search
    /// sees it; a failure is logged and left to the follower, never failing the write.
    pub async fn after_write(&self) {
        if let Err(e) = self.sync().await {
            tracing::warn!(error = %e, "catalogue index update after a write failed; the follower retries");
            self.wake.notify_one();
        }
    }

    /// Follows the change log until the task is dropped: every second, or when poked.
    pub async fn follow(self: Arc<Self>) {
        loop {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                () = self.wake.notified() => {}
            }
            if let Err(e) = self.sync().await {
                tracing::warn!(error = %e, "catalogue index could not follow the change log");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CatalogError, Kept, Searchers};
    use std::sync::Arc;

    #[tokio::test]
    async fn searches_run_in_the_order_they_came_and_a_failed_one_stops_nothing() {
        let one = Searchers::start(1).expect("a thread");
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        // The thread busy while twenty searches queue up behind it.
        let first = one.run(|| std::thread::sleep(std::time::Duration::from_millis(50)));
        let runs: Vec<_> = (0..20)
            .map(|i| {
                let order = Arc::clone(&order);
                one.run(move || {
                    order.lock().expect("the list").push(i);
                    i * 2
                })
            })
            .collect();
        first.await.expect("the first search");
        let mut answers = Vec::new();
        for run in runs.into_iter().rev() {
            answers.push(run.await.expect("an answer"));
        }
        assert_eq!(answers, (0..20).rev().map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(*order.lock().expect("the list"), (0..20).collect::<Vec<_>>());
        // A search whose caller has gone is not run.
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let busy = one.run(|| std::thread::sleep(std::time::Duration::from_millis(50)));
        drop(one.run({
            let ran = Arc::clone(&ran);
            move || ran.store(true, std::sync::atomic::Ordering::SeqCst)
        }));
        busy.await.expect("the busy search");
        assert_eq!(one.run(|| 1).await.expect("the next search"), 1);
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
        let failed = one.run(|| -> i32 { panic!("a search that fails") }).await;
        assert!(matches!(failed, Err(CatalogError::SearchFailed)));
        assert_eq!(one.run(|| 7).await.expect("the next search"), 7);
        // Two threads: a search does not wait for one that runs long.
        let two = Searchers::start(2).expect("threads");
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let long = two.run(move || rx.recv().is_ok());
        assert_eq!(two.run(|| 2).await.expect("the short search"), 2);
        tx.send(()).expect("the long search waits");
        assert!(long.await.expect("the long search"));
    }

    #[test]
    fn answers_are_kept_for_their_generation_and_day_up_to_the_cap() {
        let today = time::macros::date!(2026 - 11 - 27);
        let kept = Kept::new(2);
        kept.keep("a".into(), 1, today, Arc::new(1));
        assert_eq!(kept.get("a", 1, today).as_deref(), Some(&1));
        assert!(kept.get("a", 2, today).is_none(), "a newer catalogue");
        assert!(
            kept.get("a", 1, today.next_day().expect("a day")).is_none(),
            "another day"
        );
        kept.keep("b".into(), 1, today, Arc::new(2));
        kept.keep("c".into(), 1, today, Arc::new(3));
        assert!(
            kept.get("a", 1, today).is_none(),
            "full: emptied before keeping more"
        );
        assert_eq!(kept.get("c", 1, today).as_deref(), Some(&3));
        kept.cap.store(0, std::sync::atomic::Ordering::Relaxed);
        kept.keep("d".into(), 1, today, Arc::new(4));
        assert!(kept.get("d", 1, today).is_none(), "a cap of 0 keeps nothing");
    }
}
