//! Alliances in the API.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use lienket_domain::alliance::AllianceForm;
use lienket_domain::ids::AllianceId;
use lienket_domain::policy::{Action, Resource};
use lienket_store::Alliance;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alliances", get(list).post(create))
        .route("/alliances/{id}", get(get_one).put(update))
}

/// An alliance (Liên minh Hợp tác xã).
#[derive(Serialize, ToSchema)]
pub struct AllianceDto {
    id: i64,
    /// Short code, e.g. HN.
    code: String,
    name: String,
    short_name: String,
    /// 2025 province code.
    province_code: String,
    /// 2025 province name.
    province_name: String,
    address: Option<String>,
    /// E.164.
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    /// URL of the logo, if any.
    logo_url: Option<String>,
    /// RFC 3339.
    updated_at: String,
    /// Send back when updating (optimistic concurrency).
    version: i32,
}

impl From<Alliance> for AllianceDto {
    fn from(a: Alliance) -> Self {
        AllianceDto {
            id: a.id.0,
            province_name: crate::pages::province_name(&a.province_code),
            code: a.code,
            name: a.name,
            short_name: a.short_name,
            province_code: a.province_code,
            address: a.address,
            phone: a.phone,
            email: a.email,
            website: a.website,
            logo_url: a.logo_file_id.map(|f| format!("/files/{f}")),
            updated_at: a
                .updated_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            version: a.version,
        }
    }
}

/// An alliance as sent to create or update one.
#[derive(Deserialize, ToSchema)]
pub struct AllianceBody {
    #[schema(example = "HN")]
    code: String,
    #[schema(example = "Liên minh Hợp tác xã thành phố Hà Nội")]
    name: String,
    #[schema(example = "LMHTX Hà Nội")]
    short_name: String,
    #[schema(example = "01")]
    province_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    website: String,
    /// Required on update: the version you read.
    #[serde(default)]
    version: Option<i32>,
}

impl AllianceBody {
    fn form(&self) -> AllianceForm {
        AllianceForm {
            code: self.code.clone(),
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            province_code: self.province_code.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
        }
    }
}

/// Unwraps a JSON body, turning a malformed one into a clear 400.
pub fn body<T>(b: Result<Json<T>, JsonRejection>) -> AppResult<T> {
    b.map(|Json(t)| t)
        .map_err(|_| AppError::BadRequest("err-invalid-json"))
}

/// Every alliance, in Vietnamese alphabetical order.
#[utoipa::path(get, path = "/api/v1/alliances", tag = "alliances", responses((status = 200, body = [AllianceDto])))]
pub async fn list(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Json<Vec<AllianceDto>>> {
    ctx.require(Action::View, Resource::Alliances)?;
    Ok(Json(
        state
            .store
            .list_alliances()
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// One alliance.
#[utoipa::path(get, path = "/api/v1/alliances/{id}", tag = "alliances", params(("id" = i64, Path)),
    responses((status = 200, body = AllianceDto), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Json<AllianceDto>> {
    let id: AllianceId = id.parse().map_err(|_| AppError::NotFound)?;
    ctx.require(Action::View, Resource::Alliance(id))?;
    Ok(Json(state.store.get_alliance(id).await?.into()))
}

/// Creates an alliance (admins).
#[utoipa::path(post, path = "/api/v1/alliances", tag = "alliances", request_body = AllianceBody,
    security(("bearer" = [])),
    responses((status = 201, body = AllianceDto), (status = 422, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    b: Result<Json<AllianceBody>, JsonRejection>,
) -> AppResult<(StatusCode, Json<AllianceDto>)> {
    ctx.require(Action::Create, Resource::Alliances)?;
    let input = body(b)?.form().parse()?;
    let a = state.store.create_alliance(&ctx.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// Updates an alliance (admins, and the alliance's own staff). 409 when `version` is stale.
#[utoipa::path(put, path = "/api/v1/alliances/{id}", tag = "alliances", params(("id" = i64, Path)),
    request_body = AllianceBody, security(("bearer" = [])),
    responses((status = 200, body = AllianceDto), (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    b: Result<Json<AllianceBody>, JsonRejection>,
) -> AppResult<Json<AllianceDto>> {
    let id: AllianceId = id.parse().map_err(|_| AppError::NotFound)?;
    ctx.require(Action::Update, Resource::Alliance(id))?;
    let b = body(b)?;
    let mut findings = lienket_domain::validate::Findings::default();
    if b.version.is_none() {
        findings.add("version", "err-required");
    }
    let input = match (b.form().parse(), findings.is_empty()) {
        (Ok(input), true) => input,
        (Ok(_), false) => return Err(findings.into()),
        (Err(mut f), _) => {
            f.0.extend(findings.0);
            return Err(f.into());
        }
    };
    let a = state
        .store
        .update_alliance(&ctx.actor(), id, b.version.unwrap_or(0), &input)
        .await?;
    Ok(Json(a.into()))
}
