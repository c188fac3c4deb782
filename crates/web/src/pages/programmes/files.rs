//! Files of the programme: the signed programme document (PDF), and the photos and files of an
//! activity. Bytes live in the object store (`state.objects`); the database keeps the records.
//! What a file is, is decided from its content, never from its name: photos (JPEG, PNG, WebP)
//! go through the image pipeline shared with products and events (a display copy and a
//! thumbnail, in `pages::uploads`), files are PDF, DOCX or XLSX.

use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lienket_domain::policy::Action;
use lienket_store::{Activity, ActivityFile, Programme, StoreError};
use serde::Deserialize;

use super::activities::activity_for;
use super::activity::activity_page;
use super::{programme_for, programme_page};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::uploads::{
    office_type, pdf_type, process_image, put_image, read_upload, remove_objects, remove_stored,
};
use crate::pages::{parse_id, redirect_with_flash};

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

/// Records a photo or file whose bytes were just stored, and goes back to its activity. When
/// the store refuses it (the activity keeps as many files as it may), the bytes are removed
/// again and the activity page says why (422), as for any refused upload.
async fn record(
    state: &AppState,
    ctx: &RequestCtx,
    file: ActivityFile,
    a: Activity,
    p: Programme,
) -> AppResult<Response> {
    match state.store.add_activity_file(&ctx.actor(), &file).await {
        Ok(_) => Ok(redirect_with_flash(
            ctx,
            &format!("/activities/{}", a.id),
            "flash-file-added",
        )),
        Err(e) => {
            remove_stored(state, &file).await;
            match e {
                StoreError::Refused(key) => activity_page(state, ctx, a, p, Some(ctx.t(key))).await,
                e => Err(e.into()),
            }
        }
    }
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
    if pdf_type(&bytes).is_none() {
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
        remove_objects(&state, [key.as_str()]).await;
        return Err(e.into());
    }
    // The document it replaces is no longer referred to.
    remove_objects(&state, p.document_key.as_deref()).await;
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
    let (original, img) = match process_image(bytes).await? {
        Ok(x) => x,
        Err(e) => {
            let problem = ctx.lang.t_args(e.key(), &e.args());
            return activity_page(&state, &ctx, a, p, Some(problem)).await;
        }
    };
    let stored = put_image(&state, &format!("activities/{}", a.id), original, img).await?;
    let mut file = new_file(a.id, name, stored.kind.mime(), stored.original_key, size);
    file.display_key = Some(stored.display_key);
    file.thumb_key = Some(stored.thumb_key);
    record(&state, &ctx, file, a, p).await
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
    // Files are PDF, Word or Excel documents, decided by content.
    let Some((content_type, ext)) = pdf_type(&bytes).or_else(|| office_type(&bytes)) else {
        let problem = ctx.t("err-activity-file-type");
        return activity_page(&state, &ctx, a, p, Some(problem)).await;
    };
    let key = format!("activities/{}/{}.{ext}", a.id, uuid::Uuid::new_v4().simple());
    let file = new_file(a.id, name, content_type, key, bytes.len());
    state.objects.put(&file.object_key, bytes).await?;
    record(&state, &ctx, file, a, p).await
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
    remove_stored(&state, &gone).await;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/activities/{}", f.activity_id),
        "flash-file-removed",
    ))
}
