//! Static files embedded in the binary: htmx (vendored, 2.0.x), the style sheet, the icon.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "static/"]
struct Static;

/// Serves `/static/{file}` with a long cache lifetime (file names change with content).
pub async fn serve(Path(file): Path<String>) -> Response {
    let Some(asset) = Static::get(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match file.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        asset.data.into_owned(),
    )
        .into_response()
}
