//! Persistence for LiênKết: one code path for SQLite and PostgreSQL.
//!
//! Layout:
//! - [`Store`]: the connection pool, opened from a [`DatabaseUrl`]; migrations run at open.
//! - `migrate`: embedded schema migrations and the "schema newer than binary" guard.
//! - `changes`: the change log. Every write goes through [`Store::write`], which runs the
//!   write and appends its change-log row (entity, key, operation, actor, before/after) in the
//!   same transaction. The change log is also the audit log that admins browse, and the feed
//!   that search indexes and other nodes follow.
//! - `alliances`, `users`, `sessions`, `tokens`, `files`, `organisations`, `products`, `events`,
//!   `programmes`, `models`: one module per entity or feature.
//!
//! SeaORM is the single query layer for both engines (rejected: sqlx `Any`, which decodes
//! PostgreSQL uuid and timestamptz differently from SQLite, and Diesel's per-engine branches).

mod alliances;
mod changes;
mod entity;
mod error;
mod events;
mod files;
mod imports;
mod memberships;
pub mod migrate;
mod models;
mod objects;
mod organisations;
mod product_import;
mod products;
mod programme_figures;
mod programmes;
mod records;
mod registry_index;
mod reports;
mod sessions;
mod support;
mod tokens;
mod url;
mod users;
mod versioned;

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

pub use changes::{ChangeFilter, Op};
pub use error::StoreError;
pub use events::{
    Application, BoothType, Event, EventFile, EventFilter, EventListItem, MAX_EVENT_FILES, Participation,
    ParticipationRow, ShownProduct,
};
pub use imports::{ExistingOrganisation, ImportCounts, ImportRecord};
pub use memberships::Membership;
pub use models::{ModelCard, ModelDetail, ModelEntry, ModelFilter, ModelKind, ModelSort, Replication};
pub use objects::Objects;
pub use organisations::{Organisation, OrganisationFilter, OrganisationSort, StatusChange};
pub use product_import::{
    CurrentDecision, DecisionCheck, ExistingProduct, ProducerCandidate, ProducerRef, ProductImportOutcome,
    ProductImportRow, check_decision, merge_imported, product_name_key,
};
pub use products::{
    CatalogRow, CertificateFile, Certification, CertificationInput, ExpiringCertificate, GeneratedProduct,
    NewProduct, PRODUCT_ENTITY, Product, ProductFilter, ProductImage, ProductInput, ProductListItem,
};
pub use programme_figures::{
    Dashboard, DashboardYear, EventLine, MeasureFigures, RegistryCounts, ReportTotals, ReviewFigures,
    YearFigures,
};
pub use programmes::{
    Activity, ActivityCounts, ActivityFile, ActivityFilter, Indicator, IndicatorValue, MAX_ACTIVITY_FILES,
    Participant, Programme, ProgrammeArea, ReviewText, SavedReview, YearPlan, review_scope,
};
pub use records::*;
pub use reports::{Report, ReportAggregate, ReportFilter, ReportGrouping, ReportRow, ReportSave};
pub use sessions::NewSession;
pub use support::{
    SUPPORT_ENTITY, SupportChange, SupportFilter, SupportHistory, SupportMessage, SupportRequest, SupportRow,
    SupportScope, SupportSort,
};
pub use url::DatabaseUrl;

/// The page cache of each pooled SQLite connection, as `PRAGMA cache_size` takes it (negative:
/// KiB).
pub(crate) const SQLITE_CACHE_KIB: &str = "-4096";

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite (the default; one node).
    Sqlite,
    /// PostgreSQL (several nodes).
    Postgres,
}

/// Who makes a change: recorded in the change log with every write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in user, or `None` for the system itself (demo seeding, CLI).
    pub user_id: Option<lienket_domain::ids::UserId>,
    /// The name shown in the audit log.
    pub name: String,
    /// The client address, when the change came over HTTP.
    pub ip: Option<String>,
}

impl Actor {
    /// The system itself, for command-line and seeding work.
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            name: what.to_string(),
            ip: None,
        }
    }
}

/// The alliance directory and when it was read.
type CachedAlliances = (std::time::Instant, Vec<Alliance>);

/// The persistence layer: a pool of connections to one database.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    engine: Engine,
    registry: std::sync::Arc<registry_index::RegistryIndex>,
    /// The alliance directory (a handful of rows every staff page shows), with when it was read.
    alliances: std::sync::Arc<std::sync::Mutex<Option<CachedAlliances>>>,
}

impl Store {
    /// Connects, applies pending migrations and checks the schema version.
    pub async fn open(url: &DatabaseUrl) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating (used by `migrate` itself and by checks).
    pub async fn connect(url: &DatabaseUrl) -> Result<Store, StoreError> {
        let engine = url.engine();
        let mut opts = ConnectOptions::new(url.expose());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(5));
        match engine {
            Engine::Sqlite => {
                // SQLite allows one writer: a small pool avoids lock convoys; WAL lets readers
                // run beside the writer. These pragmas are set on every pooled connection.
                opts.max_connections(8)
                    .min_connections(1)
                    .map_sqlx_sqlite_opts(|o| {
                        use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                        o.create_if_missing(true)
                            .journal_mode(SqliteJournalMode::Wal)
                            .synchronous(SqliteSynchronous::Normal)
                            .foreign_keys(true)
                            .busy_timeout(Duration::from_secs(10))
                            // 4 MiB of page cache per connection (the default is 2 MiB), 32 MiB for
                            // the pool: the pages read most stay in memory, and what is read
                            // less comes from the system's file cache, not the server's memory. Imports raise their
                            // own connection's cache while they write.
                            .pragma("cache_size", SQLITE_CACHE_KIB)
                    });
            }
            Engine::Postgres => {
                opts.max_connections(16).min_connections(1);
            }
        }
        let db = Database::connect(opts)
            .await
            .map_err(|e| StoreError::Unreachable {
                url: url.to_string(),
                cause: e.to_string(),
            })?;
        let store = Store {
            db,
            engine,
            registry: Default::default(),
            alliances: Default::default(),
        };
        store.ping().await.map_err(|e| StoreError::Unreachable {
            url: url.to_string(),
            cause: e.to_string(),
        })?;
        Ok(store)
    }

    /// Applies pending migrations; refuses a database whose schema is newer than this binary.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        migrate::run(&self.db).await
    }

    /// The schema version of the database.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        migrate::current_version(&self.db).await
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// The engine in use.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Closes the pool (on shutdown, so SQLite checkpoints its WAL).
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await?;
        Ok(())
    }

    /// Begins a transaction that writes after reading. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that read first cannot upgrade once another
    /// writer committed, and would fail at once instead of waiting its turn.
    pub(crate) async fn begin_write(&self) -> Result<sea_orm::DatabaseTransaction, StoreError> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        let mode = (self.engine == Engine::Sqlite).then_some(SqliteTransactionMode::Immediate);
        Ok(self
            .db
            .begin_with_options(TransactionOptions {
                isolation_level: None,
                access_mode: None,
                sqlite_transaction_mode: mode,
            })
            .await?)
    }

    /// Writes a consistent copy of a SQLite database to `path` while it is in use (`VACUUM INTO`).
    pub async fn backup_sqlite_into(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.engine != Engine::Sqlite {
            return Err(StoreError::Unsupported("VACUUM INTO needs SQLite"));
        }
        let target = path.to_string_lossy().replace('\'', "''");
        self.db
            .execute_unprepared(&format!("VACUUM INTO '{target}'"))
            .await?;
        Ok(())
    }
}

/// The current time, truncated to microseconds: PostgreSQL keeps µs, SQLite text keeps ns, and
/// equal values must round-trip equal on both engines.
pub fn now() -> time::OffsetDateTime {
    let t = time::OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000).unwrap_or(t)
}
