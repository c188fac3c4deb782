//! The HTTP layer of LiênKết: server-rendered pages (askama + htmx) and the JSON API.
//!
//! Layout:
//! - [`ctx`]: the per-request context (language, session or API token, CSRF, flash) and the
//!   single place where errors are rendered.
//! - [`error`]: the one error type and its HTTP mapping.
//! - [`i18n`]: the message catalogue (Vietnamese first, English second).
//! - `pages`: HTML pages, a module per page family; `api`: `/api/v1` with its OpenAPI document.
//! - [`security`]: argon2id passwords and tokens; [`metrics`]: Prometheus text.
//!
//! Authorisation is never decided here: handlers ask `lienket_domain::policy::can`.

pub mod api;
mod assets;
pub mod catalog;
pub mod ctx;
pub mod error;
pub mod i18n;
pub mod import;
pub mod import_products;
pub mod metrics;
pub mod pages;
pub mod security;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use lienket_store::Store;

pub use pages::products::{
    to_certification as certification_input, to_input as product_input, today_date as pages_today,
};

/// The full name of a 2025 province ("Thành phố Hà Nội"), or the code when unknown.
pub fn province_label(code: &str) -> String {
    pages::province_name(code)
}

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served behind TLS; also inferred from `X-Forwarded-Proto`).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` for the client address (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Session lifetime after last use, in hours.
    pub session_hours: i64,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// The address the public reaches LiênKết at (`https://lienket.example`), used in QR codes;
    /// when absent, taken from the request's `Host`.
    pub public_url: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            trust_proxy: false,
            session_hours: 12,
            max_body_bytes: 2 * 1024 * 1024,
            public_url: None,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// HTTP settings.
    pub config: Arc<WebConfig>,
    /// Request metrics of this node.
    pub metrics: Arc<metrics::Metrics>,
    /// When this node started.
    pub started: Instant,
    /// The public catalogue's search index.
    pub catalog: Arc<catalog::Catalog>,
    /// Product images and certificates.
    pub objects: lienket_store::Objects,
}

impl AppState {
    /// State over a store, its catalogue index and its object store.
    pub fn new(
        store: Store,
        config: WebConfig,
        catalog: Arc<catalog::Catalog>,
        objects: lienket_store::Objects,
    ) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            metrics: Arc::default(),
            started: Instant::now(),
            catalog,
            objects,
        }
    }
}

/// The whole application's routes.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .route("/static/{file}", get(assets::serve))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        // Every route is held to the configured body size, except the import upload, merged
        // below, which sets its own limit (spreadsheets up to 20 MB).
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .merge(pages::import_routes())
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::middleware,
        ))
        .with_state(state)
}

async fn fallback() -> error::AppError {
    error::AppError::NotFound
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            )
        }
    }
}

/// `GET /metrics`: Prometheus text format.
async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    let counts = state.store.counts().await.unwrap_or_default();
    let body = state.metrics.render(
        state.started.elapsed(),
        &[
            (
                "lienket_alliances",
                "Alliances in the registry.",
                counts.alliances,
            ),
            (
                "lienket_organisations",
                "Organisations in the registry.",
                counts.organisations,
            ),
            ("lienket_users_active", "Active user accounts.", counts.users),
        ],
    );
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        body,
    )
}

/// Serves on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let store = state.store.clone();
    let warm = store.clone();
    tokio::spawn(async move {
        if let Err(e) = warm.warm_registry_index().await {
            tracing::warn!(error = %e, "building the registry index failed; it is built on first use");
        }
    });
    // Housekeeping: expired sessions and old sign-in attempts go away every ten minutes.
    let janitor = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.purge_expired().await {
                tracing::warn!(error = %e, "purging expired sessions failed");
            }
        }
    });
    let follower = tokio::spawn(Arc::clone(&state.catalog).follow());
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    janitor.abort();
    follower.abort();
    result
}
