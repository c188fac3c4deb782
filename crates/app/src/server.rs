//! Running the HTTP server.

use std::path::{Path, PathBuf};

use anyhow::Context;
use lienket_store::{Objects, Store};
use lienket_web::catalog::{Catalog, CatalogError};
use lienket_web::{AppState, WebConfig};
use tokio::net::TcpListener;

/// Where a node keeps what is not in the database.
#[derive(Debug, Clone)]
pub struct Places {
    /// The catalogue index directory; `None` keeps it in memory.
    pub search_index: Option<PathBuf>,
    /// The object store: a directory, `file://…` or `s3://…`.
    pub objects: String,
    /// Search answers kept until the catalogue changes (0: none).
    pub answers_kept: usize,
}

impl Places {
    /// The defaults inside a data directory.
    pub fn in_data_dir(data_dir: &Path) -> Places {
        Places {
            search_index: Some(data_dir.join("search-index")),
            objects: data_dir.join("objects").display().to_string(),
            answers_kept: lienket_web::catalog::RESULTS_KEPT,
        }
    }
}

/// The application state: the catalogue index is opened (built or caught up from the
/// database) before the first request. An index directory held by another process on this
/// machine (two nodes sharing one data directory) leaves this node with an index in memory.
pub async fn state(store: Store, config: WebConfig, places: &Places) -> anyhow::Result<AppState> {
    let objects = Objects::open(&places.objects).context("opening the object store")?;
    let catalog = match Catalog::open(store.clone(), places.search_index.as_deref()).await {
        Ok(c) => c,
        Err(CatalogError::Index(lienket_search::SearchError::Locked(dir))) => {
            tracing::warn!(%dir, "the search index directory is used by another process; this node keeps its index in memory");
            Catalog::open(store.clone(), None).await?
        }
        Err(e) => return Err(e).context("opening the catalogue index"),
    };
    catalog.keep_answers(places.answers_kept);
    Ok(AppState::new(store, config, catalog, objects))
}

/// Serves until Ctrl-C or SIGTERM, then drains requests and closes the database cleanly.
pub async fn run(
    listener: TcpListener,
    store: Store,
    config: WebConfig,
    places: &Places,
) -> anyhow::Result<()> {
    let state = state(store.clone(), config, places).await?;
    lienket_web::serve(listener, state, shutdown_signal()).await?;
    store.close().await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
