//! Running the HTTP server.

use lienket_store::Store;
use lienket_web::{AppState, WebConfig};
use tokio::net::TcpListener;

/// Serves until Ctrl-C or SIGTERM, then drains requests and closes the database cleanly.
pub async fn run(listener: TcpListener, store: Store, config: WebConfig) -> anyhow::Result<()> {
    let state = AppState::new(store.clone(), config);
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
