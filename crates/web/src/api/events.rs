//! Trade-promotion events in the API: the public list and one event, applications from
//! organisations, and the host alliance's review, booth assignment, check-in and outcomes.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use lienket_domain::event::{
    ApplicationForm, ApplicationState, BoothTypeForm, EventForm, EventKind, EventStatus, OutcomeForm,
};
use lienket_domain::ids::OrganisationId;
use lienket_domain::policy::{Action, Resource};
use lienket_store::{Application, Event, EventFilter, PageRequest, Participation};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::alliances::body;
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(list).post(create))
        .route("/events/{id}", get(get_one))
        .route("/events/{id}/status", post(set_status))
        .route("/events/{id}/applications", get(applications).post(apply))
        .route("/events/{id}/participation", get(participation))
        .route("/applications/{id}/review", post(review))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route("/applications/{id}/booths", post(assign_booths))
        .route("/applications/{id}/check-in", post(check_in))
        .route("/applications/{id}/outcome", post(outcome))
}

/// Filters of the event list.
#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// Events that end on or after this day (`YYYY-MM-DD`).
    from: Option<String>,
    /// Events that start on or before this day.
    to: Option<String>,
    /// Kind: fair, exhibition, ocop_week, online_fair, supply_demand.
    kind: Option<String>,
    /// Page (from 1).
    page: Option<u64>,
    /// Per page (up to 200).
    per_page: Option<u64>,
}

/// A page of events.
#[derive(Serialize, ToSchema)]
pub struct EventList {
    /// Events (store fields: id, kind, status, title, host_alliance_id, dates, booth_types …).
    #[schema(value_type = Vec<Object>)]
    items: Vec<Event>,
    /// Matching events.
    total: u64,
}

fn day_param(raw: Option<String>) -> Option<String> {
    raw.filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-')
}

/// Announced events, soonest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(ListParams),
    responses((status = 200, body = EventList)))]
pub async fn list(State(state): State<AppState>, Query(p): Query<ListParams>) -> AppResult<Json<EventList>> {
    let filter = EventFilter {
        public_only: true,
        from: day_param(p.from),
        to: day_param(p.to),
        kind: p.kind.as_deref().and_then(EventKind::parse),
        ..Default::default()
    };
    let page = state
        .store
        .list_events(&filter, PageRequest::new(p.page, p.per_page))
        .await?;
    Ok(Json(EventList {
        total: page.total,
        items: page.items.into_iter().map(|i| i.event).collect(),
    }))
}

fn parse_id(raw: &str) -> AppResult<i64> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// One event with its booth plan and how many booths are taken.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, description = "The event"), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Json<Event>> {
    let ev = state.store.get_event(parse_id(&id)?).await?;
    if !ctx.can(Action::View, ev.resource()) {
        return Err(AppError::NotFound);
    }
    Ok(Json(ev))
}

/// A booth type of a new event.
#[derive(Deserialize, ToSchema)]
pub struct BoothTypeBody {
    name: String,
    #[serde(default)]
    size: String,
    capacity: i64,
    #[serde(default)]
    fee: i64,
}

/// A new event, as the host alliance announces it (created as a draft).
#[derive(Deserialize, ToSchema)]
pub struct EventBody {
    title: String,
    /// fair, exhibition, ocop_week, online_fair, supply_demand.
    kind: String,
    #[serde(default)]
    venue: String,
    /// `YYYY-MM-DD`.
    starts_on: String,
    /// `YYYY-MM-DD`.
    ends_on: String,
    #[serde(default)]
    opening_hours: String,
    /// `YYYY-MM-DD`.
    applications_open_on: String,
    /// `YYYY-MM-DD`.
    applications_close_on: String,
    /// `HH:MM`, Vietnam time (default 17:00).
    #[serde(default)]
    applications_close_time: String,
    /// OCOP group codes (empty: any).
    #[serde(default)]
    eligible_groups: Vec<String>,
    /// Alliance ids.
    #[serde(default)]
    co_organisers: Vec<i64>,
    #[serde(default)]
    description: String,
    booth_types: Vec<BoothTypeBody>,
}

/// Announces an event for the caller's alliance (a draft until published).
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventBody,
    responses((status = 201, description = "The event"), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    b: Result<Json<EventBody>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Event>)> {
    ctx.require(Action::Create, Resource::Events)?;
    let host = ctx
        .user()
        .and_then(|u| u.role.alliance())
        .ok_or(AppError::Forbidden)?;
    let b = body(b)?;
    let form = EventForm {
        title: b.title,
        kind: b.kind,
        venue: b.venue,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        opening_hours: b.opening_hours,
        applications_open_on: b.applications_open_on,
        applications_close_on: b.applications_close_on,
        applications_close_time: b.applications_close_time,
        eligible_groups: b.eligible_groups,
        co_organisers: b.co_organisers.iter().map(|a| a.to_string()).collect(),
        description: b.description,
        booth_types: b
            .booth_types
            .into_iter()
            .map(|t| BoothTypeForm {
                id: String::new(),
                name: t.name,
                size: t.size,
                capacity: t.capacity.to_string(),
                fee: t.fee.to_string(),
            })
            .collect(),
    };
    let draft = crate::pages::events_check_event(&state, host, &form).await??;
    let ev = state
        .store
        .create_event(
            &ctx.actor(),
            host,
            &draft,
            crate::pages::events_venue_place(&draft.venue),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(ev)))
}

/// A status change with the version it was read at.
#[derive(Deserialize, ToSchema)]
pub struct StatusBody {
    /// draft, published or cancelled.
    status: String,
    version: i32,
}

/// Publishes, cancels or takes back an event (its host alliance).
#[utoipa::path(post, path = "/api/v1/events/{id}/status", tag = "events", params(("id" = i64, Path)), request_body = StatusBody,
    responses((status = 200, description = "The event"), (status = 409, body = super::ErrorBody)))]
pub async fn set_status(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    b: Result<Json<StatusBody>, JsonRejection>,
) -> AppResult<Json<Event>> {
    let b = body(b)?;
    let ev = state.store.get_event(parse_id(&id)?).await?;
    ctx.require(Action::Update, ev.resource())?;
    let status = EventStatus::parse(&b.status).ok_or(AppError::BadRequest("err-bad-request"))?;
    Ok(Json(
        state
            .store
            .set_event_status(&ctx.actor(), ev.id, b.version, status)
            .await?,
    ))
}

/// Applications of an event.
#[derive(Serialize, ToSchema)]
pub struct ApplicationList {
    /// Applications in the order they were submitted.
    #[schema(value_type = Vec<Object>)]
    items: Vec<Application>,
}

/// Filter by state.
#[derive(Deserialize, IntoParams)]
pub struct StateParam {
    /// draft, submitted, approved, waitlisted, rejected, withdrawn.
    state: Option<String>,
}

/// The applications to an event (its host alliance's staff).
#[utoipa::path(get, path = "/api/v1/events/{id}/applications", tag = "events", params(("id" = i64, Path), StateParam),
    responses((status = 200, body = ApplicationList), (status = 403, body = super::ErrorBody)))]
pub async fn applications(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<StateParam>,
) -> AppResult<Json<ApplicationList>> {
    let ev = state.store.get_event(parse_id(&id)?).await?;
    ctx.require(Action::Review, ev.resource())?;
    let wanted = q.state.as_deref().and_then(ApplicationState::parse);
    // Drafts are the organisations' own until they are sent.
    let items = state
        .store
        .event_applications(ev.id, wanted)
        .await?
        .into_iter()
        .filter(|a| a.state != ApplicationState::Draft)
        .collect();
    Ok(Json(ApplicationList { items }))
}

/// An application to exhibit.
#[derive(Deserialize, ToSchema)]
pub struct ApplicationBody {
    /// The applying organisation; a representative's own by default.
    organisation_id: Option<i64>,
    booth_type_id: i64,
    #[serde(default = "one")]
    booth_count: i64,
    /// Ids of the organisation's products to show.
    products: Vec<i64>,
    contact_name: String,
    contact_phone: String,
    #[serde(default)]
    notes: String,
    /// Submit now (default) or keep as a draft.
    #[serde(default = "yes")]
    submit: bool,
    /// The version read, when changing a draft.
    version: Option<i32>,
}

fn one() -> i64 {
    1
}
fn yes() -> bool {
    true
}

/// Applies to exhibit (an organisation's representative, or staff of its managing alliance on
/// its behalf).
#[utoipa::path(post, path = "/api/v1/events/{id}/applications", tag = "events", params(("id" = i64, Path)), request_body = ApplicationBody,
    responses((status = 201, description = "The application"), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    b: Result<Json<ApplicationBody>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Application>)> {
    ctx.require_user()?;
    let b = body(b)?;
    let ev = state.store.get_event(parse_id(&id)?).await?;
    if !ctx.can(Action::View, ev.resource()) {
        return Err(AppError::NotFound);
    }
    let org = match b.organisation_id.map(OrganisationId).or(ctx.own_organisation()) {
        Some(o) => o,
        None => return Err(AppError::Refused("err-apply-not-representative")),
    };
    let o = state.store.get_organisation(org).await?;
    ctx.require(
        Action::Create,
        Resource::Application {
            organisation: org,
            managed_by: o.alliance_id,
            host: ev.host_alliance_id,
        },
    )?;
    let form = ApplicationForm {
        booth_type_id: b.booth_type_id.to_string(),
        booth_count: b.booth_count.to_string(),
        products: b.products.iter().map(|p| p.to_string()).collect(),
        contact_name: b.contact_name,
        contact_phone: b.contact_phone,
        notes: b.notes,
    };
    let draft = form.parse()?;
    let saved = state
        .store
        .save_application(
            &ctx.actor(),
            ev.id,
            org,
            &draft,
            b.submit,
            b.version,
            time::OffsetDateTime::now_utc(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// A decision on an application.
#[derive(Deserialize, ToSchema)]
pub struct ReviewBody {
    /// approved, waitlisted or rejected.
    decision: String,
    note: Option<String>,
    version: i32,
}

async fn hosted(state: &AppState, ctx: &RequestCtx, raw: &str) -> AppResult<Application> {
    let app = state.store.get_application(parse_id(raw)?).await?;
    let ev = state.store.get_event(app.event_id).await?;
    ctx.require(Action::Review, ev.resource())?;
    Ok(app)
}

/// Approves (taking booths; 409 `refused` when the type is full), waitlists or rejects.
#[utoipa::path(post, path = "/api/v1/applications/{id}/review", tag = "events", params(("id" = i64, Path)), request_body = ReviewBody,
    responses((status = 200, description = "The application"), (status = 409, body = super::ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    b: Result<Json<ReviewBody>, JsonRejection>,
) -> AppResult<Json<Application>> {
    let b = body(b)?;
    let app = hosted(&state, &ctx, &id).await?;
    let decision = ApplicationState::parse(&b.decision).ok_or(AppError::BadRequest("err-bad-request"))?;
    let note = b
        .note
        .map(|n| lienket_domain::validate::clean_text(&n))
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(2000).collect());
    Ok(Json(
        state
            .store
            .review_application(&ctx.actor(), app.id, b.version, decision, note)
            .await?,
    ))
}

/// The version read.
#[derive(Deserialize, ToSchema)]
pub struct VersionBody {
    version: i32,
}

/// What a withdrawal did.
#[derive(Serialize, ToSchema)]
pub struct Withdrawn {
    /// The application, now withdrawn.
    #[schema(value_type = Object)]
    application: Application,
    /// Waitlisted applications approved into the freed booths.
    promoted: Vec<i64>,
}

/// Withdraws an application (its organisation or the host); freed booths go to the waitlist.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "events", params(("id" = i64, Path)), request_body = VersionBody,
    responses((status = 200, body = Withdrawn), (status = 409, body = super::ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    b: Result<Json<VersionBody>, JsonRejection>,
) -> AppResult<Json<Withdrawn>> {
    let b = body(b)?;
    let (app, _) = crate::pages::events_application_for(&state, &ctx, &id, Action::Update).await?;
    let (application, promoted) = state
        .store
        .withdraw_application(&ctx.actor(), app.id, b.version)
        .await?;
    Ok(Json(Withdrawn {
        application,
        promoted,
    }))
}

/// Booth numbers for an approved application.
#[derive(Deserialize, ToSchema)]
pub struct BoothsBody {
    numbers: Vec<String>,
}

/// Assigns numbered booths (409 `refused` when a number is taken at the event).
#[utoipa::path(post, path = "/api/v1/applications/{id}/booths", tag = "events", params(("id" = i64, Path)), request_body = BoothsBody,
    responses((status = 200, description = "The application"), (status = 409, body = super::ErrorBody)))]
pub async fn assign_booths(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    b: Result<Json<BoothsBody>, JsonRejection>,
) -> AppResult<Json<Application>> {
    let b = body(b)?;
    let app = hosted(&state, &ctx, &id).await?;
    let numbers = crate::pages::events_booth_numbers(&b.numbers.join(","))
        .ok_or(AppError::Refused("err-booth-number"))?;
    Ok(Json(
        state.store.assign_booths(&ctx.actor(), app.id, &numbers).await?,
    ))
}

/// Records an approved exhibitor's arrival (once).
#[utoipa::path(post, path = "/api/v1/applications/{id}/check-in", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, description = "The application"), (status = 409, body = super::ErrorBody)))]
pub async fn check_in(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Json<Application>> {
    let app = hosted(&state, &ctx, &id).await?;
    Ok(Json(state.store.check_in(&ctx.actor(), app.id).await?))
}

/// What an exhibitor reports after the event.
#[derive(Deserialize, ToSchema)]
pub struct OutcomeBody {
    /// Sales (đồng).
    #[serde(default)]
    sales: i64,
    #[serde(default)]
    contracts: i64,
    #[serde(default)]
    buyers: i64,
    #[serde(default)]
    note: String,
}

/// Records outcomes (the exhibitor or the host).
#[utoipa::path(post, path = "/api/v1/applications/{id}/outcome", tag = "events", params(("id" = i64, Path)), request_body = OutcomeBody,
    responses((status = 200, description = "The application"), (status = 422, body = super::ErrorBody)))]
pub async fn outcome(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    b: Result<Json<OutcomeBody>, JsonRejection>,
) -> AppResult<Json<Application>> {
    let b = body(b)?;
    let (app, _) = crate::pages::events_application_for(&state, &ctx, &id, Action::Update).await?;
    let form = OutcomeForm {
        sales: b.sales.to_string(),
        contracts: b.contracts.to_string(),
        buyers: b.buyers.to_string(),
        note: b.note,
    };
    let (o, note) = form.parse()?;
    Ok(Json(
        state.store.save_outcome(&ctx.actor(), app.id, o, note).await?,
    ))
}

/// Who exhibits, counted by kind, province, alliance and product group.
#[utoipa::path(get, path = "/api/v1/events/{id}/participation", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, description = "Participation figures")))]
pub async fn participation(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Json<Participation>> {
    let ev = state.store.get_event(parse_id(&id)?).await?;
    if !ctx.can(Action::View, ev.resource()) {
        return Err(AppError::NotFound);
    }
    Ok(Json(state.store.participation(ev.id).await?))
}
