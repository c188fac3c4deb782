//! Files of the programme: the signed programme document (PDF), and the photos and files of an
//! activity. Bytes live in the object store (`state.objects`); the database keeps the records.
//! What a file is, is decided from its content, never from its name: photos (JPEG, PNG, WebP)
//! go through the image pipeline of products and events (a display copy and a thumbnail),
//! files are PDF, DOCX or XLSX.

use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lienket_domain::policy::Action;
use lienket_store::ActivityFile;
use serde::Deserialize;

use super::activities::activity_for;
use super::activity::activity_page;
use super::{parse_id, programme_for, programme_page};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::redirect_with_flash;

/// Downloads and removals.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{id}/document", get(download_document))
        .route("/activities/{id}/files/{file}", get(download))
        .route("/activities/{id}/files/{file}/delete", post(delete))
}

/// Uploads (the caller sets their body limit).
pub(super) fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{id}/document", post(upload_document))
        .route("/activities/{id}/photos", post(upload_photo))
        .route("/activities/{id}/files", post(upload_file))
}

/// Reads the one file field of an upload form: its name as uploaded and its bytes.
async fn read_upload(multipart: &mut Multipart, field_name: &str) -> AppResult<Option<(String, Vec<u8>)>> {
    let mut out = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::PayloadTooLarge)?
    {
        if field.name() == Some(field_name) {
            let name = field.file_name().unwrap_or("tep").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::PayloadTooLarge)?
                .to_vec();
            if !bytes.is_empty() {
                out = Some((name, bytes));
            }
        }
    }
    Ok(out)
}

/// Whether a zip archive holds an entry whose name starts with `prefix`. Entry names are
/// stored uncompressed in each local header, so a scan of the bytes finds them without
/// unpacking anything.
fn zip_has(bytes: &[u8], prefix: &[u8]) -> bool {
    const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(4).position(|w| w == LOCAL_HEADER) {
        let h = at + i;
        // The name's length is at offset 26 (little-endian), the name itself from offset 30.
        let name = bytes
            .get(h + 26..h + 28)
            .map(|b| usize::from(b[0]) | (usize::from(b[1]) << 8))
            .and_then(|n| bytes.get(h + 30..h + 30 + n));
        if name.is_some_and(|n| n.starts_with(prefix)) {
            return true;
        }
        at = h + 4;
    }
    false
}

/// The kind of a document by its content: PDF, Word (DOCX) or Excel (XLSX) — (MIME, extension).
fn document_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        return Some(("application/pdf", "pdf"));
    }
    if !bytes.starts_with(b"PK\x03\x04") || !zip_has(bytes, b"[Content_Types].xml") {
        return None;
    }
    if zip_has(bytes, b"word/") {
        Some((
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ))
    } else if zip_has(bytes, b"xl/") {
        Some((
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ))
    } else {
        None
    }
}

/// Removes a file's bytes; a failure leaves an orphan, never a broken record.
pub(super) async fn remove_objects(state: &AppState, f: &ActivityFile) {
    for key in [Some(&f.object_key), f.display_key.as_ref(), f.thumb_key.as_ref()]
        .into_iter()
        .flatten()
    {
        if let Err(e) = state.objects.delete(key).await {
            tracing::warn!(error = %e, key, "a stored file could not be removed");
        }
    }
}

/// Records a file whose bytes were just stored, or removes the bytes again.
async fn record(state: &AppState, ctx: &RequestCtx, file: &ActivityFile) -> AppResult<()> {
    if let Err(e) = state.store.add_activity_file(&ctx.actor(), file).await {
        remove_objects(state, file).await;
        return Err(e.into());
    }
    Ok(())
}

/// A new file record of an activity (its id and time are the store's to give).
fn new_file(
    activity_id: i64,
    name: String,
    content_type: &str,
    object_key: String,
    size: usize,
) -> ActivityFile {
    ActivityFile {
        id: 0,
        activity_id,
        file_name: name,
        content_type: content_type.to_string(),
        object_key,
        display_key: None,
        thumb_key: None,
        size: i64::try_from(size).unwrap_or(i64::MAX),
        actor_name: String::new(),
        created_at: time::OffsetDateTime::now_utc(),
    }
}

// ---------------------------------------------------------------------------------------------
// The signed programme document
// ---------------------------------------------------------------------------------------------

async fn upload_document(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::Create).await?;
    let Some((name, bytes)) = read_upload(&mut multipart, "document").await? else {
        let problem = ctx.t("err-attachment-missing");
        return programme_page(&state, &ctx, p, Some(problem)).await;
    };
    if !bytes.starts_with(b"%PDF-") {
        let problem = ctx.t("err-programme-document-type");
        return programme_page(&state, &ctx, p, Some(problem)).await;
    }
    let key = format!("programmes/{}/{}.pdf", p.id, uuid::Uuid::new_v4().simple());
    state.objects.put(&key, bytes).await?;
    if let Err(e) = state
        .store
        .set_programme_document(&ctx.actor(), p.id, &key, &name)
        .await
    {
        if let Err(e) = state.objects.delete(&key).await {
            tracing::warn!(error = %e, key, "a stored file could not be removed");
        }
        return Err(e.into());
    }
    // The document it replaces is no longer referred to.
    if let Some(old) = p.document_key.as_deref()
        && let Err(e) = state.objects.delete(old).await
    {
        tracing::warn!(error = %e, key = old, "a stored file could not be removed");
    }
    Ok(redirect_with_flash(
        &ctx,
        &format!("/programmes/{}", p.id),
        "flash-programme-document",
    ))
}

async fn download_document(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::View).await?;
    let key = p.document_key.as_deref().ok_or(AppError::NotFound)?;
    let bytes = state.objects.get(key).await?;
    let name = p
        .document_name
        .clone()
        .unwrap_or_else(|| format!("chuong-trinh-{}.pdf", p.id));
    crate::pages::attachment(&name, "application/pdf", bytes)
}

// ---------------------------------------------------------------------------------------------
// Photos and files of an activity
// ---------------------------------------------------------------------------------------------

async fn upload_photo(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (a, p) = activity_for(&state, &ctx, &id, Action::Update).await?;
    let Some((name, bytes)) = read_upload(&mut multipart, "photo").await? else {
        let problem = ctx.t("image-error-missing");
        return activity_page(&state, &ctx, a, p, Some(problem)).await;
    };
    let size = bytes.len();
    // The upload moves into the worker and comes back with its renditions.
    let (original, processed) = tokio::task::spawn_blocking(move || {
        let processed =
            lienket_office::image::process(&bytes, &lienket_office::image::ImageLimits::default());
        (bytes, processed)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let img = match processed {
        Ok(i) => i,
        Err(e) => {
            let problem = ctx.lang.t_args(e.key(), &e.args());
            return activity_page(&state, &ctx, a, p, Some(problem)).await;
        }
    };
    let stem = format!("activities/{}/{}", a.id, uuid::Uuid::new_v4().simple());
    let mut file = new_file(
        a.id,
        name,
        img.original_kind.mime(),
        format!("{stem}-original.{}", img.original_kind.extension()),
        size,
    );
    file.display_key = Some(format!("{stem}-display.jpg"));
    file.thumb_key = Some(format!("{stem}-thumb.jpg"));
    state.objects.put(&file.object_key, original).await?;
    if let Some(k) = &file.display_key {
        state.objects.put(k, img.display).await?;
    }
    if let Some(k) = &file.thumb_key {
        state.objects.put(k, img.thumb).await?;
    }
    record(&state, &ctx, &file).await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/activities/{}", a.id),
        "flash-file-added",
    ))
}

async fn upload_file(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (a, p) = activity_for(&state, &ctx, &id, Action::Update).await?;
    let Some((name, bytes)) = read_upload(&mut multipart, "file").await? else {
        let problem = ctx.t("err-attachment-missing");
        return activity_page(&state, &ctx, a, p, Some(problem)).await;
    };
    let Some((content_type, ext)) = document_type(&bytes) else {
        let problem = ctx.t("err-activity-file-type");
        return activity_page(&state, &ctx, a, p, Some(problem)).await;
    };
    let key = format!("activities/{}/{}.{ext}", a.id, uuid::Uuid::new_v4().simple());
    let file = new_file(a.id, name, content_type, key, bytes.len());
    state.objects.put(&file.object_key, bytes).await?;
    record(&state, &ctx, &file).await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/activities/{}", a.id),
        "flash-file-added",
    ))
}

#[derive(Deserialize, Default)]
struct DownloadQuery {
    /// `thumb` or `display` for a photo's renditions; the file as uploaded otherwise.
    #[serde(default)]
    size: String,
}

/// A photo or file of an activity the caller may read.
async fn file_of(
    state: &AppState,
    ctx: &RequestCtx,
    id: &str,
    file: &str,
    action: Action,
) -> AppResult<ActivityFile> {
    let (a, _) = activity_for(state, ctx, id, action).await?;
    let f = state.store.get_activity_file(parse_id(file)?).await?;
    if f.activity_id != a.id {
        return Err(AppError::NotFound);
    }
    Ok(f)
}

async fn download(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, file)): Path<(String, String)>,
    Query(q): Query<DownloadQuery>,
) -> AppResult<Response> {
    let f = file_of(&state, &ctx, &id, &file, Action::View).await?;
    let rendition = match q.size.as_str() {
        "thumb" => f.thumb_key.as_ref(),
        "display" => f.display_key.as_ref(),
        _ => None,
    };
    let Some(key) = rendition else {
        let bytes = state.objects.get(&f.object_key).await?;
        return crate::pages::attachment(&f.file_name, &f.content_type, bytes);
    };
    // Renditions are JPEG, shown in the page; keys are never reused, so they keep.
    let bytes = state.objects.get(key).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}

async fn delete(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let f = file_of(&state, &ctx, &id, &file, Action::Update).await?;
    let gone = state.store.delete_activity_file(&ctx.actor(), f.id).await?;
    remove_objects(&state, &gone).await;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/activities/{}", f.activity_id),
        "flash-file-removed",
    ))
}
