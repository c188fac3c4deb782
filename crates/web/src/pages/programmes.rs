//! Coordination programme pages (chương trình phối hợp): the list of programmes, one
//! programme with its content areas and yearly plans, and the programme form.
//!
//! Layout:
//! - this file: routes, what the submodules share, the programmes themselves;
//! - [`activities`]: the activity list (filters, pages, XLSX) and the month calendar;
//! - [`activity`]: the activity form and page, deleting an activity;
//! - [`plan`]: the plan of a year (host alliance and goals) with its planned activities;
//! - [`files`]: the signed programme document, and the photos and files of an activity.
//!
//! Every handler asks the policy (`Resource::Programme`, `Resource::Activity`) before reading
//! or changing anything; ids that do not parse or do not exist are a 404 page.

mod activities;
mod activity;
pub(crate) use activity::{parse_activity, refusal_field as activity_refusal_field};
mod files;
mod plan;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use lienket_domain::ids::AllianceId;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::programme::{ActivityState, ProgrammeDraft, ProgrammeForm};
use lienket_domain::validate::Findings;
use lienket_store::{Activity, ActivityFilter, Alliance, PageRequest, Programme, StoreError};

use super::{date_vn, errors_by_field, form_notice, html, no_store, parse_id, redirect_with_flash};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::AppResult;

/// The programme pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes", get(list))
        .route("/programmes/new", get(new_form).post(create))
        .route("/programmes/{id}", get(show))
        .route("/programmes/{id}/edit", get(edit_form).post(update))
        .merge(activities::routes())
        .merge(activity::routes())
        .merge(files::routes())
        .merge(plan::routes())
}

/// Upload routes (photos and files of activities, the signed programme document): they take
/// files beyond the app-wide body limit.
pub fn upload_routes() -> Router<AppState> {
    let limit = DefaultBodyLimit::max(super::products::MAX_UPLOAD);
    files::upload_routes().layer(limit)
}

// ---------------------------------------------------------------------------------------------
// Shared by the submodules
// ---------------------------------------------------------------------------------------------

/// "2023 – 2025".
fn period_text(p: &Programme) -> String {
    format!("{} – {}", p.first_year, p.last_year)
}

/// "12/04/2024", or "12/04/2024 – 14/04/2024".
fn dates_text(starts_on: &str, ends_on: &str) -> String {
    if starts_on == ends_on {
        date_vn(starts_on)
    } else {
        format!("{} – {}", date_vn(starts_on), date_vn(ends_on))
    }
}

/// The alliance directory.
async fn alliances(state: &AppState) -> AppResult<Vec<Alliance>> {
    Ok(state.store.alliance_choices().await?)
}

/// Alliance id → short name ("LMHTX Hà Nội"), for tables.
fn short_names(all: &[Alliance]) -> HashMap<AllianceId, String> {
    all.iter().map(|a| (a.id, a.short_name.clone())).collect()
}

/// Short names of several alliances, joined.
fn names_of(names: &HashMap<AllianceId, String>, ids: &[AllianceId]) -> String {
    ids.iter()
        .map(|a| names.get(a).cloned().unwrap_or_else(|| format!("#{a}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The alliance a staff member works for.
fn own_alliance(ctx: &RequestCtx) -> Option<AllianceId> {
    ctx.user().and_then(|u| u.role.alliance())
}

/// Whether the caller may record activities (led by their own alliance, for staff).
fn can_add_activity(ctx: &RequestCtx) -> bool {
    // Coordinators and administrators may record an activity of any lead alliance; staff only
    // of their own. `AllianceId(0)` names no alliance: only roles not bound to one pass.
    let lead = own_alliance(ctx).unwrap_or(AllianceId(0));
    ctx.can(Action::Create, Resource::Activity { lead })
}

/// A programme the caller may act on: reading needs staff or coordinator rights, changing
/// needs the policy's answer for its signatories.
async fn programme_for(
    state: &AppState,
    ctx: &RequestCtx,
    raw: &str,
    action: Action,
) -> AppResult<Programme> {
    // Asked first, so a representative hears "not allowed" rather than "no such page".
    ctx.require(Action::View, Resource::Programme { signatories: &[] })?;
    let p = state.store.get_programme(parse_id(raw)?).await?;
    if action != Action::View {
        ctx.require(
            action,
            Resource::Programme {
                signatories: &p.signatories,
            },
        )?;
    }
    Ok(p)
}

/// What a form shows besides the values typed: the findings of what was posted, and whether
/// someone else saved first. It decides the status: 409 after a conflict, 422 with findings,
/// 200 as first opened.
#[derive(Default)]
pub(crate) struct FormState {
    findings: Findings,
    pub(crate) conflict: bool,
}

impl FormState {
    /// A form shown again with findings beside its fields.
    pub(crate) fn invalid(findings: Findings) -> FormState {
        FormState {
            findings,
            conflict: false,
        }
    }

    /// A form shown again with one finding.
    pub(crate) fn finding(field: &'static str, key: &'static str) -> FormState {
        let mut findings = Findings::default();
        findings.add(field, key);
        FormState::invalid(findings)
    }

    /// A form shown again after someone else saved first: what was typed is kept, with a notice.
    pub(crate) fn conflict() -> FormState {
        FormState {
            findings: Findings::default(),
            conflict: true,
        }
    }

    /// A save the store turned down, as the form shows it: someone else saved first, or a
    /// refusal beside the field `field_of` names. Other errors pass on.
    pub(crate) fn refused(e: StoreError, field_of: fn(&str) -> &'static str) -> AppResult<FormState> {
        match e {
            StoreError::Conflict => Ok(FormState::conflict()),
            StoreError::Refused(key) => Ok(FormState::finding(field_of(key), key)),
            e => Err(e.into()),
        }
    }

    /// The messages beside the fields, by field.
    pub(crate) fn errors(&self, ctx: &RequestCtx) -> HashMap<&'static str, String> {
        errors_by_field(ctx, &self.findings)
    }

    /// The notice above the form.
    pub(crate) fn notice(&self, ctx: &RequestCtx) -> Option<String> {
        let conflict = self.conflict.then(|| ctx.t("err-conflict"));
        form_notice(ctx, &self.findings, conflict)
    }

    pub(crate) fn status(&self) -> StatusCode {
        if self.conflict {
            StatusCode::CONFLICT
        } else if self.findings.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

/// The status of a page shown with a refused upload above it (422), or without one (200).
fn problem_status(problem: Option<&String>) -> StatusCode {
    match problem {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    }
}

/// A page with its status, never cached.
fn respond<T: Template>(page: &T, status: StatusCode) -> AppResult<Response> {
    let mut res = html(page)?;
    *res.status_mut() = status;
    Ok(no_store(res))
}

/// Every activity of a programme that matches a filter, in date order (`ascending`) or newest
/// first, read page by page.
async fn all_activities(
    state: &AppState,
    programme_id: i64,
    filter: &ActivityFilter,
    ascending: bool,
) -> AppResult<Vec<Activity>> {
    let mut out = Vec::new();
    for page in 1.. {
        let batch = state
            .store
            .list_activities(
                programme_id,
                filter,
                PageRequest::new(Some(page), Some(200)),
                ascending,
            )
            .await?;
        let done = batch.items.len() < 200 || page >= batch.pages();
        out.extend(batch.items);
        if done {
            break;
        }
    }
    Ok(out)
}

/// Reads the posted fields of a form whose checkboxes repeat a name.
struct Posted(Vec<(String, String)>);

impl Posted {
    /// The value of a single field (blank when absent).
    fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of a repeated field.
    fn many(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The `version` hidden field.
    fn version(&self) -> i32 {
        super::form_version(&self.one("version"))
    }
}

// ---------------------------------------------------------------------------------------------
// The list of programmes
// ---------------------------------------------------------------------------------------------

/// A programme as a list row.
struct ProgrammeRow {
    id: i64,
    name: String,
    number: String,
    period: String,
    signatories: String,
    areas: usize,
}

#[derive(Template)]
#[template(path = "programmes.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    rows: Vec<ProgrammeRow>,
    can_create: bool,
}

async fn list(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Programme { signatories: &[] })?;
    let names = short_names(&alliances(&state).await?);
    let rows = state
        .store
        .programmes()
        .await?
        .into_iter()
        .map(|p| ProgrammeRow {
            id: p.id,
            number: p.number.clone().unwrap_or_default(),
            period: period_text(&p),
            signatories: names_of(&names, &p.signatories),
            areas: p.areas.len(),
            name: p.name,
        })
        .collect();
    let page = ListPage {
        ctx: &ctx,
        rows,
        can_create: ctx.can(Action::Create, Resource::Programme { signatories: &[] }),
    };
    Ok(no_store(html(&page)?))
}

// ---------------------------------------------------------------------------------------------
// The programme form
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "programme_form.html")]
struct ProgrammeFormPage<'a> {
    ctx: &'a RequestCtx,
    heading: String,
    action: String,
    cancel: String,
    version: i32,
    form: ProgrammeForm,
    alliances: Vec<(String, String)>,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
}

impl ProgrammeFormPage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    fn signed(&self, id: &str) -> bool {
        self.form.signatories.iter().any(|s| s == id)
    }
}

/// Where a programme form posts and goes back to: a new programme, or programme `id`.
struct Target {
    heading: String,
    action: String,
    cancel: String,
}

impl Target {
    fn new(ctx: &RequestCtx, id: Option<i64>) -> Target {
        match id {
            None => Target {
                heading: ctx.t("page-programme-new"),
                action: "/programmes/new".into(),
                cancel: "/programmes".into(),
            },
            Some(id) => Target {
                heading: ctx.t("page-programme-edit"),
                action: format!("/programmes/{id}/edit"),
                cancel: format!("/programmes/{id}"),
            },
        }
    }
}

async fn programme_form_page(
    state: &AppState,
    ctx: &RequestCtx,
    target: Target,
    version: i32,
    form: ProgrammeForm,
    shown: FormState,
) -> AppResult<Response> {
    let alliances = alliances(state)
        .await?
        .into_iter()
        .map(|a| (a.id.0.to_string(), a.name))
        .collect();
    let page = ProgrammeFormPage {
        ctx,
        heading: target.heading,
        action: target.action,
        cancel: target.cancel,
        version,
        form,
        alliances,
        errors: shown.errors(ctx),
        notice: shown.notice(ctx),
    };
    respond(&page, shown.status())
}

fn read_programme_form(posted: &Posted) -> ProgrammeForm {
    ProgrammeForm {
        name: posted.one("name"),
        number: posted.one("number"),
        first_year: posted.one("first_year"),
        last_year: posted.one("last_year"),
        signed_on: posted.one("signed_on"),
        signatories: posted.many("signatories"),
        areas: posted.one("areas"),
        summary: posted.one("summary"),
    }
}

fn programme_form_of(p: &Programme) -> ProgrammeForm {
    ProgrammeForm {
        name: p.name.clone(),
        number: p.number.clone().unwrap_or_default(),
        first_year: p.first_year.to_string(),
        last_year: p.last_year.to_string(),
        signed_on: p.signed_on.clone().unwrap_or_default(),
        signatories: p.signatories.iter().map(|a| a.0.to_string()).collect(),
        areas: p
            .areas
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        summary: p.summary.clone().unwrap_or_default(),
    }
}

/// Validates a programme form, and that its signatories are alliances of the directory.
async fn check_programme(
    state: &AppState,
    form: &ProgrammeForm,
) -> AppResult<Result<ProgrammeDraft, Findings>> {
    let known: Vec<i64> = alliances(state).await?.iter().map(|a| a.id.0).collect();
    let unknown = form
        .signatories
        .iter()
        .filter_map(|s| s.trim().parse::<i64>().ok())
        .any(|id| !known.contains(&id));
    let mut result = form.parse();
    if unknown {
        match &mut result {
            Ok(_) => {
                let mut f = Findings::default();
                f.add("signatories", "err-programme-choice");
                result = Err(f);
            }
            Err(f) if f.for_field("signatories").next().is_none() => {
                f.add("signatories", "err-programme-choice")
            }
            Err(_) => {}
        }
    }
    Ok(result)
}

/// The form field a refusal of the store is about.
fn programme_refusal_field(key: &str) -> &'static str {
    match key {
        "err-programme-area-in-use" => "areas",
        _ => "last_year",
    }
}

async fn new_form(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    ctx.require(Action::Create, Resource::Programme { signatories: &[] })?;
    let year = crate::catalog::today_vn().year().to_string();
    let form = ProgrammeForm {
        first_year: year.clone(),
        last_year: year,
        ..Default::default()
    };
    let target = Target::new(&ctx, None);
    programme_form_page(&state, &ctx, target, 0, form, FormState::default()).await
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.require(Action::Create, Resource::Programme { signatories: &[] })?;
    let form = read_programme_form(&Posted(pairs));
    let again = |form, shown: FormState| {
        let target = Target::new(&ctx, None);
        let (state, ctx) = (&state, &ctx);
        async move { programme_form_page(state, ctx, target, 0, form, shown).await }
    };
    let draft = match check_programme(&state, &form).await? {
        Ok(d) => d,
        Err(findings) => return again(form, FormState::invalid(findings)).await,
    };
    match state.store.create_programme(&ctx.actor(), &draft).await {
        Ok(p) => Ok(redirect_with_flash(
            &ctx,
            &format!("/programmes/{}", p.id),
            "flash-programme-created",
        )),
        Err(StoreError::Duplicate(_)) => {
            again(form, FormState::finding("name", "err-programme-name-taken")).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::Create).await?;
    let target = Target::new(&ctx, Some(p.id));
    let form = programme_form_of(&p);
    programme_form_page(&state, &ctx, target, p.version, form, FormState::default()).await
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::Create).await?;
    let posted = Posted(pairs);
    let (form, version) = (read_programme_form(&posted), posted.version());
    let again = |form, shown: FormState, version: i32| {
        let target = Target::new(&ctx, Some(p.id));
        let (state, ctx) = (&state, &ctx);
        async move { programme_form_page(state, ctx, target, version, form, shown).await }
    };
    let draft = match check_programme(&state, &form).await? {
        Ok(d) => d,
        Err(findings) => return again(form, FormState::invalid(findings), version).await,
    };
    match state
        .store
        .update_programme(&ctx.actor(), p.id, version, &draft)
        .await
    {
        Ok(saved) => Ok(redirect_with_flash(
            &ctx,
            &format!("/programmes/{}", saved.id),
            "flash-programme-saved",
        )),
        Err(StoreError::Duplicate(_)) => {
            let shown = FormState::finding("name", "err-programme-name-taken");
            again(form, shown, version).await
        }
        Err(e) => {
            let shown = FormState::refused(e, programme_refusal_field)?;
            // What was typed is kept; after a conflict the next save is made from the version
            // now stored.
            let version = if shown.conflict {
                state.store.get_programme(p.id).await?.version
            } else {
                version
            };
            again(form, shown, version).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One programme
// ---------------------------------------------------------------------------------------------

/// A content area with the activities held under it.
struct AreaRow {
    id: i64,
    number: i32,
    name: String,
    done: u64,
}

/// One year of the programme: its plan (if written) and its activities by state.
struct PlanRow {
    year: i32,
    host: Option<String>,
    goals: Option<String>,
    planned: u64,
    done: u64,
    cancelled: u64,
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage<'a> {
    ctx: &'a RequestCtx,
    p: Programme,
    period: String,
    signed_on: String,
    signatories: String,
    areas: Vec<AreaRow>,
    plans: Vec<PlanRow>,
    can_update: bool,
    /// Coordinators change the programme itself (name, period, areas, signatories, document).
    can_setup: bool,
    can_add_activity: bool,
    /// A refused upload.
    problem: Option<String>,
}

async fn show(State(state): State<AppState>, ctx: RequestCtx, Path(id): Path<String>) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::View).await?;
    programme_page(&state, &ctx, p, None).await
}

/// The page of a programme; `problem` is a refused upload, shown above the page (422).
async fn programme_page(
    state: &AppState,
    ctx: &RequestCtx,
    p: Programme,
    problem: Option<String>,
) -> AppResult<Response> {
    let status = problem_status(problem.as_ref());
    let names = short_names(&alliances(state).await?);
    let counts = state.store.activity_counts(p.id).await?;
    let areas = p
        .areas
        .iter()
        .map(|a| AreaRow {
            id: a.id,
            number: a.number,
            name: a.name.clone(),
            done: counts.in_area(a.id, ActivityState::Done),
        })
        .collect();
    let plans = p
        .years()
        .into_iter()
        .map(|year| {
            let plan = p.plan(year);
            PlanRow {
                year,
                host: plan.map(|x| names.get(&x.host_alliance_id).cloned().unwrap_or_default()),
                goals: plan.and_then(|x| x.goals.clone()),
                planned: counts.in_year(year, ActivityState::Planned),
                done: counts.in_year(year, ActivityState::Done),
                cancelled: counts.in_year(year, ActivityState::Cancelled),
            }
        })
        .collect();
    let page = ProgrammePage {
        ctx,
        period: period_text(&p),
        signed_on: p.signed_on.as_deref().map(date_vn).unwrap_or_default(),
        signatories: names_of(&names, &p.signatories),
        areas,
        plans,
        can_update: ctx.can(
            Action::Update,
            Resource::Programme {
                signatories: &p.signatories,
            },
        ),
        can_setup: ctx.can(
            Action::Create,
            Resource::Programme {
                signatories: &p.signatories,
            },
        ),
        can_add_activity: can_add_activity(ctx),
        problem,
        p,
    };
    respond(&page, status)
}
