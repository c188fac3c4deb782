//! The coordination programme in the API: programmes with their content areas and yearly
//! plans, a programme's activities (filtered and paged), recording an activity, and one
//! activity. Staff and coordinators read; the lead alliance's staff and coordinators record.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use lienket_domain::ids::AllianceId;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::programme::{ActivityForm, ActivityKind, ActivityState};
use lienket_domain::validate::Findings;
use lienket_store::{Activity, ActivityFilter, PageRequest, Programme, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::alliances::body;
use super::choice;
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::{activity_refusal_field, parse_activity, parse_id};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes", get(list))
        .route("/programmes/{id}", get(get_one))
        .route(
            "/programmes/{id}/activities",
            get(activities).post(create_activity),
        )
        .route("/activities/{id}", get(get_activity))
}

/// Reading the programme is for staff and coordinators.
fn may_read(ctx: &RequestCtx) -> AppResult<()> {
    ctx.require(Action::View, Resource::Programme { signatories: &[] })
}

/// The programmes.
#[derive(Serialize, ToSchema)]
pub struct ProgrammeList {
    /// Programmes, newest first (id, name, number, first_year, last_year, signed_on,
    /// signatories, summary, areas, plans, indicators, version).
    #[schema(value_type = Vec<Object>)]
    items: Vec<Programme>,
}

/// Every programme, newest first, with its content areas and yearly plans.
#[utoipa::path(get, path = "/api/v1/programmes", tag = "programmes",
    responses((status = 200, body = ProgrammeList), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn list(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Json<ProgrammeList>> {
    may_read(&ctx)?;
    Ok(Json(ProgrammeList {
        items: state.store.programmes().await?,
    }))
}

/// One programme with its content areas, yearly plans and indicators.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "programmes", params(("id" = i64, Path)),
    responses((status = 200, description = "The programme"), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Json<Programme>> {
    may_read(&ctx)?;
    Ok(Json(state.store.get_programme(parse_id(&id)?).await?))
}

/// Filters of the activity list.
#[derive(Deserialize, IntoParams)]
pub struct ActivityParams {
    /// Year (of the first day).
    year: Option<i32>,
    /// Content area id.
    area: Option<i64>,
    /// An alliance that led or took part.
    alliance: Option<i64>,
    /// planned, done or cancelled.
    state: Option<String>,
    /// conference, workshop, training, study_visit, media, consulting, trade_promotion, other.
    kind: Option<String>,
    /// `date`: oldest first; newest first otherwise.
    sort: Option<String>,
    /// Page (from 1).
    page: Option<u64>,
    /// Per page (up to 200, default 50).
    per_page: Option<u64>,
}

/// A page of activities.
#[derive(Serialize, ToSchema)]
pub struct ActivityList {
    /// Activities (id, programme_id, title, kind, state, areas, lead_alliance_id, alliances,
    /// year, starts_on, ends_on, place, participants, outcome, event_id, version).
    #[schema(value_type = Vec<Object>)]
    items: Vec<Activity>,
    /// Matching activities.
    total: u64,
    /// This page.
    page: u64,
    /// Per page.
    per_page: u64,
}

/// The activities of a programme, filtered by year, content area, alliance, state and kind.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/activities", tag = "programmes", params(("id" = i64, Path), ActivityParams),
    responses((status = 200, body = ActivityList), (status = 404, body = super::ErrorBody)))]
pub async fn activities(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<ActivityParams>,
) -> AppResult<Json<ActivityList>> {
    may_read(&ctx)?;
    let p = state.store.get_programme(parse_id(&id)?).await?;
    let filter = ActivityFilter {
        year: q.year,
        area: q.area,
        alliance: q.alliance.map(AllianceId),
        state: choice(q.state.as_deref(), ActivityState::parse)?,
        kind: choice(q.kind.as_deref(), ActivityKind::parse)?,
        ..Default::default()
    };
    let ascending = q.sort.as_deref() == Some("date");
    let page = state
        .store
        .list_activities(p.id, &filter, PageRequest::new(q.page, q.per_page), ascending)
        .await?;
    Ok(Json(ActivityList {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// A new activity of a programme.
#[derive(Deserialize, ToSchema)]
pub struct ActivityBody {
    title: String,
    /// conference, workshop, training, study_visit, media, consulting, trade_promotion, other.
    kind: String,
    /// planned, done (default) or cancelled.
    #[serde(default)]
    state: String,
    /// Content area ids of the programme.
    areas: Vec<i64>,
    /// The lead alliance; the caller's own for alliance staff.
    lead_alliance_id: Option<i64>,
    /// Other participating alliances.
    #[serde(default)]
    alliances: Vec<i64>,
    /// `YYYY-MM-DD`.
    starts_on: String,
    /// `YYYY-MM-DD`; the first day when absent.
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    place: String,
    /// People who took part.
    #[serde(default)]
    participants: i64,
    #[serde(default)]
    outcome: String,
    /// A linked trade-promotion event: one that was announced (a draft is refused).
    event_id: Option<i64>,
    /// Organisations that took part (ids).
    #[serde(default)]
    organisations: Vec<i64>,
}

/// Records an activity (the lead alliance's staff, or a coordinator for any alliance).
/// Findings come back as a 422 with every field's message.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/activities", tag = "programmes", params(("id" = i64, Path)), request_body = ActivityBody,
    responses((status = 201, description = "The activity"), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn create_activity(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    b: Result<Json<ActivityBody>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Activity>)> {
    may_read(&ctx)?;
    let p = state.store.get_programme(parse_id(&id)?).await?;
    let b = body(b)?;
    // Staff record what their own alliance leads.
    let own = ctx.user().and_then(|u| u.role.alliance());
    let lead = own.map(|a| a.0).or(b.lead_alliance_id);
    ctx.require(
        Action::Create,
        Resource::Activity {
            lead: AllianceId(lead.unwrap_or(0)),
        },
    )?;
    let text = |v: &[i64]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    let form = ActivityForm {
        title: b.title,
        kind: b.kind,
        state: b.state,
        areas: text(&b.areas),
        lead_alliance_id: lead.map(|l| l.to_string()).unwrap_or_default(),
        alliances: text(&b.alliances),
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        place: b.place,
        participants: b.participants.to_string(),
        outcome: b.outcome,
        event_id: b.event_id.map(|e| e.to_string()).unwrap_or_default(),
        organisations: text(&b.organisations),
    };
    // What the programme itself decides joins the form's own findings: all at once.
    let draft = parse_activity(&p, &form, Findings::default()).map_err(AppError::Invalid)?;
    match state.store.create_activity(&ctx.actor(), p.id, &draft).await {
        Ok(a) => Ok((StatusCode::CREATED, Json(a))),
        Err(StoreError::Refused(key)) => {
            let mut f = Findings::default();
            f.add(activity_refusal_field(key), key);
            Err(AppError::Invalid(f))
        }
        Err(e) => Err(e.into()),
    }
}

/// One activity with the organisations that took part.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "programmes", params(("id" = i64, Path)),
    responses((status = 200, description = "The activity"), (status = 404, body = super::ErrorBody)))]
pub async fn get_activity(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Json<Activity>> {
    may_read(&ctx)?;
    let a = state.store.get_activity(parse_id(&id)?).await?;
    ctx.require(
        Action::View,
        Resource::Activity {
            lead: a.lead_alliance_id,
        },
    )?;
    Ok(Json(a))
}
