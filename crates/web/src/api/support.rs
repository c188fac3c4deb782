//! Support requests in the API: the requests of the caller's scope, asking (organisation
//! representatives), one request with its thread, and writing in the thread. The same rules
//! as the pages: an organisation sees its own requests, an alliance's staff those they answer.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use lienket_domain::policy::Action;
use lienket_domain::support::{SupportRequestForm, SupportStatus, SupportTopic, message};
use lienket_domain::validate::Findings;
use lienket_store::{
    PageRequest, SupportChange, SupportFilter, SupportMessage, SupportRequest, SupportRow, SupportSort,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::alliances::body;
use super::choice;
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::support::{answers, asking_organisation, author, load, scope_of};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/support-requests", get(list).post(create))
        .route("/support-requests/{id}", get(get_one))
        .route("/support-requests/{id}/messages", post(write))
}

/// Filters of the list.
#[derive(Deserialize, IntoParams)]
pub struct SupportParams {
    /// open, awaiting, answered, closed; or `waiting` for open and awaiting together.
    status: Option<String>,
    /// legal, finance, ocop, market, digital, training, technique, other.
    topic: Option<String>,
    /// Asked in this year.
    year: Option<i32>,
    /// `newest` or `updated`; the desk's working order otherwise.
    sort: Option<String>,
    /// Page (from 1).
    page: Option<u64>,
    /// Per page (up to 200, default 50).
    per_page: Option<u64>,
}

/// A page of requests.
#[derive(Serialize, ToSchema)]
pub struct SupportList {
    /// Requests (id, organisation_id, organisation_name, alliance_id, topic, title, status,
    /// assignee_id, assignee_name, created_by_name, messages, created_at, updated_at,
    /// first_answered_at, closed_at, version).
    #[schema(value_type = Vec<Object>)]
    items: Vec<SupportRow>,
    /// Matching requests.
    total: u64,
    /// This page.
    page: u64,
    /// Per page.
    per_page: u64,
}

/// The requests of the caller's scope.
#[utoipa::path(get, path = "/api/v1/support-requests", tag = "support", params(SupportParams),
    responses((status = 200, body = SupportList), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<SupportParams>,
) -> AppResult<Json<SupportList>> {
    let scope = scope_of(&ctx)?;
    let waiting = q.status.as_deref() == Some("waiting");
    let filter = SupportFilter {
        status: if waiting {
            None
        } else {
            choice(q.status.as_deref(), SupportStatus::parse)?
        },
        waiting,
        topic: choice(q.topic.as_deref(), SupportTopic::parse)?,
        assignee: None,
        year: q.year,
        sort: match q.sort.as_deref() {
            Some("newest") => SupportSort::Newest,
            Some("updated") => SupportSort::Updated,
            _ => SupportSort::Queue,
        },
    };
    let page = state
        .store
        .support_requests(scope, &filter, PageRequest::new(q.page, q.per_page))
        .await?;
    Ok(Json(SupportList {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// A new request.
#[derive(Deserialize, ToSchema)]
pub struct RequestBody {
    /// legal, finance, ocop, market, digital, training, technique, other.
    topic: String,
    title: String,
    /// The question.
    body: String,
}

/// Asks the organisation's alliance for support (organisation representatives). Findings come
/// back as a 422 with every field's message.
#[utoipa::path(post, path = "/api/v1/support-requests", tag = "support", request_body = RequestBody,
    responses((status = 201, description = "The request"), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    b: Result<Json<RequestBody>, JsonRejection>,
) -> AppResult<(StatusCode, Json<SupportRequest>)> {
    let org = asking_organisation(&state, &ctx).await?;
    let b = body(b)?;
    let new = SupportRequestForm {
        topic: b.topic,
        title: b.title,
        body: b.body,
    }
    .parse()
    .map_err(AppError::Invalid)?;
    let saved = state
        .store
        .create_support_request(&ctx.actor(), &author(&ctx), org.id, &new)
        .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// A request with its thread.
#[derive(Serialize, ToSchema)]
pub struct SupportThread {
    /// The request.
    #[schema(value_type = Object)]
    request: SupportRequest,
    /// Its messages, oldest first (id, author_name, from_staff, body, created_at).
    #[schema(value_type = Vec<Object>)]
    messages: Vec<SupportMessage>,
}

/// One request of the caller's scope with its thread (404 for anyone else's).
#[utoipa::path(get, path = "/api/v1/support-requests/{id}", tag = "support", params(("id" = i64, Path)),
    responses((status = 200, body = SupportThread), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Json<SupportThread>> {
    let request = load(&state, &ctx, &id, Action::View).await?;
    let messages = state.store.support_messages(request.id).await?;
    Ok(Json(SupportThread { request, messages }))
}

/// A message in the thread.
#[derive(Deserialize, ToSchema)]
pub struct MessageBody {
    body: String,
}

/// Writes in a request's thread: staff answer, the organisation writes again (which reopens
/// a closed request).
#[utoipa::path(post, path = "/api/v1/support-requests/{id}/messages", tag = "support", params(("id" = i64, Path)), request_body = MessageBody,
    responses((status = 201, description = "The request after the message"), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn write(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    b: Result<Json<MessageBody>, JsonRejection>,
) -> AppResult<(StatusCode, Json<SupportRequest>)> {
    let request = load(&state, &ctx, &id, Action::Update).await?;
    let b = body(b)?;
    let mut findings = Findings::default();
    let text = message(&mut findings, "body", &b.body);
    if !findings.is_empty() {
        return Err(AppError::Invalid(findings));
    }
    let change = SupportChange::Message {
        author: author(&ctx),
        body: text,
        from_staff: answers(&ctx),
    };
    let saved = state
        .store
        .change_support_request(&ctx.actor(), request.id, None, change)
        .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}
