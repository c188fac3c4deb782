//! Errors of the store layer, engine-independent.

use sea_orm::{DbErr, SqlErr};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached at start (URL shown with its password masked).
    #[error("cannot connect to the database at {url}: {cause}")]
    Unreachable {
        /// Masked URL.
        url: String,
        /// The driver's message.
        cause: String,
    },
    /// The database was written by a newer LiênKết; this binary refuses to touch it.
    #[error(
        "the database schema is version {database}, newer than this program knows ({binary}); upgrade LiênKết"
    )]
    SchemaTooNew {
        /// Version found in the database.
        database: i64,
        /// Newest version this binary knows.
        binary: i64,
    },
    /// The record does not exist.
    #[error("not found")]
    NotFound,
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("the record was changed by someone else")]
    Conflict,
    /// A unique value is already taken; names the field.
    #[error("duplicate value for {0}")]
    Duplicate(&'static str),
    /// A referenced record does not exist, or a record is still referenced.
    #[error("a related record is missing or still in use")]
    Reference,
    /// A rule of the field refuses the change; names the catalogue message saying why.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// The operation needs the other engine.
    #[error("unsupported on this database engine: {0}")]
    Unsupported(&'static str),
    /// The object store failed.
    #[error("object store: {0}")]
    Objects(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

/// Maps constraint violations to domain errors, the same way on both engines.
pub(crate) trait OnConstraint<T> {
    /// A unique violation becomes [`StoreError::Duplicate`] naming `field`.
    fn on_unique(self, field: &'static str) -> Result<T, StoreError>;
}

impl StoreError {
    /// A database error, with unique violations naming `field` and broken references mapped.
    pub(crate) fn from_db(e: DbErr, field: &'static str) -> StoreError {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Duplicate(field),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => StoreError::Reference,
            _ => StoreError::Db(e),
        }
    }
}

impl<T> OnConstraint<T> for Result<T, DbErr> {
    fn on_unique(self, field: &'static str) -> Result<T, StoreError> {
        self.map_err(|e| StoreError::from_db(e, field))
    }
}
