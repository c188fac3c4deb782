//! Alliances: public directory and detail; admins create, admins and the alliance's own staff edit.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::alliance::AllianceForm;
use lienket_domain::ids::{AllianceId, FileId};
use lienket_domain::policy::{Action, Resource};
use lienket_store::{Alliance, ChangeEntry, ChangeFilter, PageRequest};
use serde::Deserialize;

use super::{
    FieldView, FormView, form_page, form_version, html, province_name, province_options, redirect_with_flash,
};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};

/// Largest logo accepted.
const MAX_LOGO_BYTES: usize = 512 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alliances", get(list))
        .route("/alliances/new", get(new_form).post(create))
        .route("/alliances/{id}", get(show))
        .route("/alliances/{id}/edit", get(edit_form).post(update))
        .route("/alliances/{id}/logo", post(upload_logo))
        .route("/files/{id}", get(file))
}

struct Row {
    alliance: Alliance,
    province: String,
}

#[derive(Template)]
#[template(path = "alliances.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    rows: Vec<Row>,
    can_create: bool,
}

async fn list(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Alliances)?;
    let rows = state
        .store
        .list_alliances()
        .await?
        .into_iter()
        .map(|a| Row {
            province: province_name(&a.province_code),
            alliance: a,
        })
        .collect();
    html(&ListPage {
        ctx: &ctx,
        rows,
        can_create: ctx.can(Action::Create, Resource::Alliances),
    })
}

#[derive(Template)]
#[template(path = "alliance.html")]
struct ShowPage<'a> {
    ctx: &'a RequestCtx,
    a: Alliance,
    province: String,
    can_edit: bool,
    history: Option<Vec<ChangeEntry>>,
}

fn parse_id(raw: &str) -> Result<AllianceId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

async fn show(State(state): State<AppState>, ctx: RequestCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    ctx.require(Action::View, Resource::Alliance(id))?;
    let a = state.store.get_alliance(id).await?;
    let history = if ctx.can(Action::View, Resource::AuditLog) {
        let filter = ChangeFilter {
            entity: Some("alliance".into()),
            entity_key: Some(id.to_string()),
            ..Default::default()
        };
        Some(
            state
                .store
                .list_changes(&filter, PageRequest::new(Some(1), Some(20)))
                .await?
                .items,
        )
    } else {
        None
    };
    let page = ShowPage {
        ctx: &ctx,
        province: province_name(&a.province_code),
        can_edit: ctx.can(Action::Update, Resource::Alliance(id)),
        a,
        history,
    };
    html(&page)
}

/// What the alliance form posts.
#[derive(Deserialize, Default)]
struct Posted {
    #[serde(flatten)]
    form: AllianceForm,
    #[serde(default)]
    version: String,
}

fn form_view(
    ctx: &RequestCtx,
    heading: String,
    action: String,
    cancel: String,
    f: &AllianceForm,
    version: i32,
) -> FormView {
    FormView {
        heading,
        action,
        cancel,
        version,
        notice: None,
        fields: vec![
            FieldView::new(ctx, "code", &f.code, "text")
                .required()
                .hint(ctx.t("hint-alliance-code")),
            FieldView::new(ctx, "name", &f.name, "text").required(),
            FieldView::new(ctx, "short_name", &f.short_name, "text").required(),
            FieldView::new(ctx, "province_code", &f.province_code, "text")
                .required()
                .select(province_options()),
            FieldView::new(ctx, "address", &f.address, "text"),
            FieldView::new(ctx, "phone", &f.phone, "tel").hint(ctx.t("hint-phone")),
            FieldView::new(ctx, "email", &f.email, "email"),
            FieldView::new(ctx, "website", &f.website, "url"),
        ],
    }
}

async fn new_form(ctx: RequestCtx) -> AppResult<Response> {
    ctx.require(Action::Create, Resource::Alliances)?;
    let view = form_view(
        &ctx,
        ctx.t("action-new-alliance"),
        "/alliances/new".into(),
        "/alliances".into(),
        &AllianceForm::default(),
        0,
    );
    form_page(&ctx, view, StatusCode::OK)
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(posted): Form<Posted>,
) -> AppResult<Response> {
    ctx.require(Action::Create, Resource::Alliances)?;
    let view = |ctx: &RequestCtx| {
        form_view(
            ctx,
            ctx.t("action-new-alliance"),
            "/alliances/new".into(),
            "/alliances".into(),
            &posted.form,
            0,
        )
    };
    let input = match posted.form.parse() {
        Ok(input) => input,
        Err(findings) => {
            return form_page(
                &ctx,
                view(&ctx).with_findings(&ctx, &findings),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match state.store.create_alliance(&ctx.actor(), &input).await {
        Ok(a) => Ok(redirect_with_flash(
            &ctx,
            &format!("/alliances/{}", a.id),
            "flash-created",
        )),
        Err(lienket_store::StoreError::Duplicate(_)) => {
            let mut findings = lienket_domain::validate::Findings::default();
            findings.add("code", "err-alliance-code-taken");
            form_page(
                &ctx,
                view(&ctx).with_findings(&ctx, &findings),
                StatusCode::CONFLICT,
            )
        }
        Err(e) => Err(e.into()),
    }
}

fn to_form(a: &Alliance) -> AllianceForm {
    AllianceForm {
        code: a.code.clone(),
        name: a.name.clone(),
        short_name: a.short_name.clone(),
        province_code: a.province_code.clone(),
        address: a.address.clone().unwrap_or_default(),
        phone: a.phone.clone().unwrap_or_default(),
        email: a.email.clone().unwrap_or_default(),
        website: a.website.clone().unwrap_or_default(),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    ctx.require(Action::Update, Resource::Alliance(id))?;
    let a = state.store.get_alliance(id).await?;
    let view = form_view(
        &ctx,
        a.short_name.clone(),
        format!("/alliances/{id}/edit"),
        format!("/alliances/{id}"),
        &to_form(&a),
        a.version,
    );
    form_page(&ctx, view, StatusCode::OK)
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(posted): Form<Posted>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    ctx.require(Action::Update, Resource::Alliance(id))?;
    let version = form_version(&posted.version);
    let view = |ctx: &RequestCtx, version: i32| {
        form_view(
            ctx,
            ctx.t("page-alliance-edit"),
            format!("/alliances/{id}/edit"),
            format!("/alliances/{id}"),
            &posted.form,
            version,
        )
    };
    let input = match posted.form.parse() {
        Ok(input) => input,
        Err(findings) => {
            return form_page(
                &ctx,
                view(&ctx, version).with_findings(&ctx, &findings),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match state
        .store
        .update_alliance(&ctx.actor(), id, version, &input)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/alliances/{id}"),
            "flash-saved",
        )),
        Err(lienket_store::StoreError::Conflict) => {
            // Keep what the user typed; give them the new version so a second save is deliberate.
            let current = state.store.get_alliance(id).await?;
            let mut v = view(&ctx, current.version);
            v.notice = Some(ctx.t("err-conflict"));
            form_page(&ctx, v, StatusCode::CONFLICT)
        }
        Err(lienket_store::StoreError::Duplicate(_)) => {
            let mut findings = lienket_domain::validate::Findings::default();
            findings.add("code", "err-alliance-code-taken");
            form_page(
                &ctx,
                view(&ctx, version).with_findings(&ctx, &findings),
                StatusCode::CONFLICT,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The image type of `bytes`, judged by content (never by the file name).
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

async fn upload_logo(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    ctx.require(Action::Update, Resource::Alliance(id))?;
    let mut bytes = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("err-upload"))?
    {
        if field.name() == Some("logo") {
            bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::PayloadTooLarge)?
                .to_vec();
        }
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(AppError::BadRequest("err-logo-size"));
    }
    let mime = sniff_image(&bytes).ok_or(AppError::BadRequest("err-logo-type"))?;
    state
        .store
        .set_alliance_logo(&ctx.actor(), id, mime, bytes)
        .await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/alliances/{id}"),
        "flash-saved",
    ))
}

async fn file(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let id: FileId = id.parse().map_err(|_| AppError::NotFound)?;
    let f = state.store.get_file(id).await?;
    let mut res = f.bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&f.content_type).map_err(|e| AppError::Internal(e.into()))?,
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", f.sha256)) {
        h.insert(header::ETAG, etag);
    }
    Ok(res)
}
