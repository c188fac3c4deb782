//! Configuration: defaults, then `LIENKET_*` environment variables, then flags (clap reads both).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use lienket_store::DatabaseUrl;

/// Options shared by every command that touches the database.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// Directory for the embedded database and other data.
    #[arg(long, env = "LIENKET_DATA_DIR", default_value = "./lienket-data")]
    pub data_dir: PathBuf,
    /// Database URL: `postgres://user:password@host/db` for PostgreSQL (several nodes);
    /// when absent, SQLite in the data directory.
    #[arg(long, env = "LIENKET_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    /// The database URL to use: the given one, or `<data-dir>/lienket.db`.
    pub fn url(&self) -> anyhow::Result<DatabaseUrl> {
        match &self.database_url {
            Some(raw) => DatabaseUrl::parse(raw).map_err(anyhow::Error::msg),
            None => {
                std::fs::create_dir_all(&self.data_dir).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot create the data directory {}: {e}",
                        self.data_dir.display()
                    )
                })?;
                Ok(DatabaseUrl::sqlite_file(&sqlite_path(&self.data_dir)))
            }
        }
    }
}

/// The SQLite database file inside a data directory.
pub fn sqlite_path(data_dir: &Path) -> PathBuf {
    data_dir.join("lienket.db")
}

/// Options of the HTTP server.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "LIENKET_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Mark cookies Secure: set when users reach LiênKết over HTTPS (behind a TLS proxy).
    #[arg(long, env = "LIENKET_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// Take the client address from X-Forwarded-For (only behind a trusted proxy).
    #[arg(long, env = "LIENKET_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// Hours a session lasts after its last use.
    #[arg(long, env = "LIENKET_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: i64,
    /// Largest request body accepted, in megabytes.
    #[arg(long, env = "LIENKET_MAX_BODY_MB", default_value_t = 2)]
    pub max_body_mb: usize,
    /// Where product images and certificates are kept: a directory, or `s3://bucket/prefix`
    /// shared by every node (default: `<data-dir>/objects`).
    #[arg(long, env = "LIENKET_OBJECTS")]
    pub objects: Option<String>,
    /// The address the public reaches LiênKết at, printed in QR codes (default: the request's host).
    #[arg(long, env = "LIENKET_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Directory of this node's catalogue search index (default: `<data-dir>/search-index`).
    #[arg(long, env = "LIENKET_SEARCH_INDEX")]
    pub search_index: Option<PathBuf>,
    /// Search answers kept per node until the catalogue changes (0: every search runs).
    #[arg(long, env = "LIENKET_SEARCH_ANSWERS_KEPT", default_value_t = lienket_web::catalog::RESULTS_KEPT)]
    pub search_answers_kept: usize,
}

impl ServeArgs {
    /// Where this node keeps its index and objects.
    pub fn places(&self, data_dir: &Path) -> crate::server::Places {
        let defaults = crate::server::Places::in_data_dir(data_dir);
        crate::server::Places {
            search_index: self.search_index.clone().or(defaults.search_index),
            objects: self.objects.clone().unwrap_or(defaults.objects),
            answers_kept: self.search_answers_kept,
        }
    }

    /// The web layer's settings.
    pub fn web_config(&self) -> lienket_web::WebConfig {
        lienket_web::WebConfig {
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            session_hours: self.session_hours.clamp(1, 24 * 30),
            max_body_bytes: self.max_body_mb.clamp(1, 200) * 1024 * 1024,
            public_url: self
                .public_url
                .as_ref()
                .map(|u| u.trim_end_matches('/').to_string()),
        }
    }
}
