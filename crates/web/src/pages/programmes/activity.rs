//! One activity of a programme: the activity form (new, with presets from a yearly plan, and
//! edit), the activity page with its participants, photos and files, and deleting it after a
//! confirmation step.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use lienket_domain::ids::{AllianceId, OrganisationId};
use lienket_domain::lenient::{Date, parse_date};
use lienket_domain::policy::{Action, Resource};
use lienket_domain::programme::{ActivityDraft, ActivityForm, ActivityKind, ActivityState};
use lienket_domain::validate::Findings;
use lienket_store::{Activity, ActivityFile, EventFilter, PageRequest, Programme, StoreError};
use serde::Deserialize;

use super::activities::{activity_for, area_options, kind_options, state_options};
use super::{
    FormState, Posted, alliances, can_add_activity, dates_text, own_alliance, problem_status, programme_for,
    respond, short_names,
};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::{iso, redirect_with_flash};

const MAX_ORGANISATIONS: usize = lienket_domain::programme::MAX_ACTIVITY_ORGANISATIONS;

/// The pages of one activity.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{id}/activities/new", get(new_form).post(create))
        .route("/activities/{id}", get(show))
        .route("/activities/{id}/edit", get(edit_form).post(update))
        .route("/activities/{id}/delete", get(delete_form).post(delete))
}

// ---------------------------------------------------------------------------------------------
// The activity form
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "activity_form.html")]
struct FormPage<'a> {
    ctx: &'a RequestCtx,
    heading: String,
    action: String,
    cancel: String,
    version: i32,
    programme: String,
    form: ActivityForm,
    /// The participating organisations as typed: one registration code or id per line.
    organisations: String,
    kinds: Vec<(String, String)>,
    states: Vec<(String, String)>,
    areas: Vec<(String, String)>,
    alliances: Vec<(String, String)>,
    /// For staff: the name of their own alliance, which leads what they record.
    lead_fixed: Option<String>,
    events: Vec<(String, String)>,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
}

impl FormPage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    fn has_area(&self, id: &str) -> bool {
        self.form.areas.iter().any(|a| a == id)
    }

    fn has_alliance(&self, id: &str) -> bool {
        self.form.alliances.iter().any(|a| a == id)
    }
}

/// Where the form posts and goes back to.
struct Target {
    heading: String,
    action: String,
    cancel: String,
}

/// The event an activity links, when the policy lets the caller see it: a draft is not
/// announced, and to anyone but its organisers it does not exist.
async fn visible_event(state: &AppState, ctx: &RequestCtx, id: i64) -> AppResult<Option<(i64, String)>> {
    match state.store.get_event(id).await {
        Ok(ev) if ctx.can(Action::View, ev.resource()) => Ok(Some((ev.id, ev.title))),
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Trade-promotion events of the programme's years, newest first (plus the one linked now, when
/// the caller may see it).
async fn event_options(
    state: &AppState,
    ctx: &RequestCtx,
    p: &Programme,
    current: &str,
) -> AppResult<Vec<(String, String)>> {
    let filter = EventFilter {
        public_only: true,
        from: Some(format!("{}-01-01", p.first_year)),
        to: Some(format!("{}-12-31", p.last_year)),
        newest_first: true,
        ..Default::default()
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for page in 1..=5 {
        let batch = state
            .store
            .list_events(&filter, PageRequest::new(Some(page), Some(200)))
            .await?;
        let done = batch.items.len() < 200;
        out.extend(batch.items.into_iter().map(|i| {
            let label = format!("{} — {}", super::date_vn(&i.event.starts_on), i.event.title);
            (i.event.id.to_string(), label)
        }));
        if done {
            break;
        }
    }
    if let Ok(id) = current.trim().parse::<i64>()
        && !out.iter().any(|(v, _)| *v == id.to_string())
        && let Some((id, title)) = visible_event(state, ctx, id).await?
    {
        out.push((id.to_string(), title));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    p: &Programme,
    target: Target,
    version: i32,
    form: ActivityForm,
    organisations: String,
    shown: FormState,
) -> AppResult<Response> {
    let all = alliances(state).await?;
    let lead_fixed = own_alliance(ctx).map(|own| {
        all.iter()
            .find(|a| a.id == own)
            .map_or_else(|| own.to_string(), |a| a.name.clone())
    });
    let page = FormPage {
        ctx,
        heading: target.heading,
        action: target.action,
        cancel: target.cancel,
        version,
        programme: p.name.clone(),
        kinds: kind_options(ctx),
        states: state_options(ctx),
        areas: area_options(p),
        alliances: all.iter().map(|a| (a.id.0.to_string(), a.name.clone())).collect(),
        lead_fixed,
        events: event_options(state, ctx, p, &form.event_id).await?,
        errors: shown.errors(ctx),
        notice: shown.notice(ctx),
        form,
        organisations,
    };
    respond(&page, shown.status())
}

/// Reads the posted activity form and the organisations as typed.
fn read_form(posted: &Posted) -> (ActivityForm, String) {
    let form = ActivityForm {
        title: posted.one("title"),
        kind: posted.one("kind"),
        state: posted.one("state"),
        areas: posted.many("areas"),
        lead_alliance_id: posted.one("lead_alliance_id"),
        alliances: posted.many("alliances"),
        starts_on: posted.one("starts_on"),
        ends_on: posted.one("ends_on"),
        place: posted.one("place"),
        participants: posted.one("participants"),
        outcome: posted.one("outcome"),
        event_id: posted.one("event_id"),
        organisations: Vec::new(),
    };
    (form, posted.one("organisations"))
}

/// The organisations typed one per line, each by its registration code (mã số HTX) or its
/// id, optionally followed by its name: their ids, and the codes that name none.
async fn resolve_organisations(state: &AppState, raw: &str) -> AppResult<(Vec<String>, Vec<String>)> {
    let mut ids: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for token in raw.lines().filter_map(|l| l.split_whitespace().next()) {
        let token = token.trim_start_matches('#').trim_end_matches([',', ';', '.']);
        if token.is_empty() {
            continue;
        }
        let found = match state.store.organisation_by_code(token).await? {
            Some(o) => Some(o.id.0),
            None => match token.parse::<i64>() {
                // Ids are small numbers; registration codes have ten digits.
                Ok(id) if id > 0 && token.len() < 10 => {
                    match state.store.organisation_ref(OrganisationId(id)).await {
                        Ok(o) => Some(o.id.0),
                        Err(StoreError::NotFound) => None,
                        Err(e) => return Err(e.into()),
                    }
                }
                _ => None,
            },
        };
        match found {
            Some(id) if !ids.contains(&id.to_string()) => ids.push(id.to_string()),
            Some(_) => {}
            None => unknown.push(token.to_string()),
        }
    }
    Ok((ids, unknown))
}

/// The organisations of an activity as the form shows them: "code name" per line.
async fn organisations_text(state: &AppState, a: &Activity) -> AppResult<String> {
    let mut lines = Vec::with_capacity(a.organisations.len());
    for o in &a.organisations {
        let code = match state.store.organisation_ref(OrganisationId(o.id)).await {
            Ok(r) => r.registration_code.unwrap_or_else(|| o.id.to_string()),
            Err(StoreError::NotFound) => o.id.to_string(),
            Err(e) => return Err(e.into()),
        };
        lines.push(format!("{code} {}", o.name));
    }
    Ok(lines.join("\n"))
}

/// Validates an activity of programme `p` typed in the form: [`parse_activity`], with its
/// alliances in the directory and its organisations found — every finding at once.
async fn check_activity(
    state: &AppState,
    p: &Programme,
    form: &ActivityForm,
    organisations_raw: &str,
) -> AppResult<Result<ActivityDraft, Findings>> {
    let mut form = form.clone();
    let typed_count = organisations_raw.lines().filter(|l| !l.trim().is_empty()).count();
    // Too many lines are refused before any is looked up.
    let (ids, unknown) = if typed_count > MAX_ORGANISATIONS {
        (Vec::new(), Vec::new())
    } else {
        resolve_organisations(state, organisations_raw).await?
    };
    form.organisations = ids;
    let known: Vec<i64> = alliances(state).await?.iter().map(|a| a.id.0).collect();
    let numbers = |v: &[String]| {
        v.iter()
            .filter_map(|s| s.trim().parse::<i64>().ok())
            .collect::<Vec<_>>()
    };
    let mut extra = Findings::default();
    if numbers(std::slice::from_ref(&form.lead_alliance_id))
        .iter()
        .any(|a| !known.contains(a))
    {
        extra.add("lead_alliance_id", "err-activity-alliance-unknown");
    }
    if numbers(&form.alliances).iter().any(|a| !known.contains(a)) {
        extra.add("alliances", "err-activity-alliance-unknown");
    }
    if typed_count > MAX_ORGANISATIONS {
        extra.add_with(
            "organisations",
            "err-too-many",
            vec![("max", MAX_ORGANISATIONS.to_string())],
        );
    }
    if !unknown.is_empty() {
        extra.add_with(
            "organisations",
            "err-activity-organisations-unknown",
            vec![("codes", unknown.join(", "))],
        );
    }
    Ok(parse_activity(p, &form, extra))
}

/// Parses an activity of programme `p` (from the form or the API): the form's own rules, then
/// that its areas are the programme's and its first day within the programme's years, with the
/// `extra` findings of the caller — every finding at once.
pub(crate) fn parse_activity(
    p: &Programme,
    form: &ActivityForm,
    extra: Findings,
) -> Result<ActivityDraft, Findings> {
    let mut found = Findings::default();
    let mut areas = form.areas.iter().filter_map(|s| s.trim().parse::<i64>().ok());
    if areas.any(|a| p.area(a).is_none()) {
        found.add("areas", "err-activity-area-unknown");
    }
    if let Some(far) = Date::new(2200, 12, 31)
        && let Ok((d, _)) = parse_date(&form.starts_on, far)
        && d.year() >= 2000
        && !(p.first_year..=p.last_year).contains(&d.year())
    {
        found.add_with(
            "starts_on",
            "err-activity-year-outside",
            vec![
                ("first", p.first_year.to_string()),
                ("last", p.last_year.to_string()),
            ],
        );
    }
    found.0.extend(extra.0);
    match form.parse() {
        Ok(d) if found.is_empty() => Ok(d),
        Ok(_) => Err(found),
        Err(mut f) => {
            f.0.extend(found.0);
            Err(f)
        }
    }
}

/// The field of the form a refusal of the store is about.
pub(crate) fn refusal_field(key: &str) -> &'static str {
    match key {
        "err-activity-area-unknown" => "areas",
        "err-activity-alliance-unknown" => "alliances",
        "err-activity-lead-not-signatory" => "lead_alliance_id",
        "err-activity-organisation-unknown" => "organisations",
        "err-activity-event-unknown" => "event_id",
        _ => "starts_on",
    }
}

#[derive(Deserialize, Default)]
struct NewQuery {
    /// Year the activity belongs to (from a yearly plan).
    #[serde(default)]
    year: String,
    /// `planned`: an activity of the yearly plan.
    #[serde(default)]
    state: String,
}

fn new_target(ctx: &RequestCtx, p: &Programme, back: String) -> Target {
    Target {
        heading: ctx.t("page-activity-new"),
        action: format!("/programmes/{}/activities/new", p.id),
        cancel: back,
    }
}

async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::View).await?;
    if !can_add_activity(&ctx) {
        return Err(AppError::Forbidden);
    }
    let now = crate::catalog::today_vn();
    let year = q
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (p.first_year..=p.last_year).contains(y));
    // An activity of another year starts on its first day until a date is chosen.
    let starts_on = match year {
        Some(y) if y != now.year() => format!("{y}-01-01"),
        _ => iso(now),
    };
    let planned = ActivityState::parse(&q.state) == Some(ActivityState::Planned);
    let form = ActivityForm {
        kind: ActivityKind::Conference.as_str().into(),
        state: if planned {
            ActivityState::Planned
        } else {
            ActivityState::Done
        }
        .as_str()
        .into(),
        lead_alliance_id: own_alliance(&ctx).map(|a| a.0.to_string()).unwrap_or_default(),
        starts_on,
        ..Default::default()
    };
    let back = match year {
        Some(y) if planned => format!("/programmes/{}/plans/{y}", p.id),
        _ => format!("/programmes/{}/activities", p.id),
    };
    let target = new_target(&ctx, &p, back);
    form_page(
        &state,
        &ctx,
        &p,
        target,
        0,
        form,
        String::new(),
        FormState::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::View).await?;
    if !can_add_activity(&ctx) {
        return Err(AppError::Forbidden);
    }
    let (mut form, organisations) = read_form(&Posted(pairs));
    // Staff record what their own alliance leads.
    if let Some(own) = own_alliance(&ctx) {
        form.lead_alliance_id = own.0.to_string();
    }
    let back = format!("/programmes/{}/activities", p.id);
    let again = |form, organisations, shown: FormState| {
        let target = new_target(&ctx, &p, back.clone());
        let (state, ctx, p) = (&state, &ctx, &p);
        async move { form_page(state, ctx, p, target, 0, form, organisations, shown).await }
    };
    let draft = match check_activity(&state, &p, &form, &organisations).await? {
        Ok(d) => d,
        Err(findings) => return again(form, organisations, FormState::invalid(findings)).await,
    };
    ctx.require(
        Action::Create,
        Resource::Activity {
            lead: AllianceId(draft.lead_alliance_id),
        },
    )?;
    match state.store.create_activity(&ctx.actor(), p.id, &draft).await {
        Ok(a) => Ok(redirect_with_flash(
            &ctx,
            &format!("/activities/{}", a.id),
            "flash-activity-created",
        )),
        Err(e) => {
            let shown = FormState::refused(e, refusal_field)?;
            again(form, organisations, shown).await
        }
    }
}

fn form_of(a: &Activity) -> ActivityForm {
    ActivityForm {
        title: a.title.clone(),
        kind: a.kind.as_str().into(),
        state: a.state.as_str().into(),
        areas: a.areas.iter().map(ToString::to_string).collect(),
        lead_alliance_id: a.lead_alliance_id.0.to_string(),
        alliances: a.alliances.iter().map(|x| x.0.to_string()).collect(),
        starts_on: a.starts_on.clone(),
        ends_on: a.ends_on.clone(),
        place: a.place.clone().unwrap_or_default(),
        participants: a.participants.to_string(),
        outcome: a.outcome.clone().unwrap_or_default(),
        event_id: a.event_id.map(|e| e.to_string()).unwrap_or_default(),
        organisations: Vec::new(),
    }
}

fn edit_target(ctx: &RequestCtx, a: &Activity) -> Target {
    Target {
        heading: ctx.t("page-activity-edit"),
        action: format!("/activities/{}/edit", a.id),
        cancel: format!("/activities/{}", a.id),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, p) = activity_for(&state, &ctx, &id, Action::Update).await?;
    let organisations = organisations_text(&state, &a).await?;
    let target = edit_target(&ctx, &a);
    let form = form_of(&a);
    form_page(
        &state,
        &ctx,
        &p,
        target,
        a.version,
        form,
        organisations,
        FormState::default(),
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (a, p) = activity_for(&state, &ctx, &id, Action::Update).await?;
    let posted = Posted(pairs);
    let version = posted.version();
    let (mut form, organisations) = read_form(&posted);
    // Staff keep the lead they have: only a coordinator hands an activity to another alliance.
    if own_alliance(&ctx).is_some() {
        form.lead_alliance_id = a.lead_alliance_id.0.to_string();
    }
    let again = |form, organisations, shown: FormState, version: i32| {
        let target = edit_target(&ctx, &a);
        let (state, ctx, p) = (&state, &ctx, &p);
        async move { form_page(state, ctx, p, target, version, form, organisations, shown).await }
    };
    let draft = match check_activity(&state, &p, &form, &organisations).await? {
        Ok(d) => d,
        Err(findings) => return again(form, organisations, FormState::invalid(findings), version).await,
    };
    ctx.require(
        Action::Update,
        Resource::Activity {
            lead: AllianceId(draft.lead_alliance_id),
        },
    )?;
    match state
        .store
        .update_activity(&ctx.actor(), a.id, version, &draft)
        .await
    {
        Ok(saved) => Ok(redirect_with_flash(
            &ctx,
            &format!("/activities/{}", saved.id),
            "flash-activity-saved",
        )),
        Err(e) => {
            let shown = FormState::refused(e, refusal_field)?;
            // What was typed is kept; after a conflict the next save is made from the version
            // now stored.
            let version = if shown.conflict {
                state.store.get_activity(a.id).await?.version
            } else {
                version
            };
            again(form, organisations, shown, version).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The activity page and deleting it
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage<'a> {
    ctx: &'a RequestCtx,
    a: Activity,
    p: Programme,
    kind: String,
    state: String,
    dates: String,
    /// `YYYY-MM` of the first day, for the calendar link.
    month: String,
    areas: Vec<(i64, i32, String)>,
    lead: String,
    alliances: String,
    event: Option<(i64, String)>,
    photos: Vec<ActivityFile>,
    documents: Vec<ActivityFile>,
    can_change: bool,
    files_full: bool,
    /// A refused upload.
    problem: Option<String>,
}

async fn show(State(state): State<AppState>, ctx: RequestCtx, Path(id): Path<String>) -> AppResult<Response> {
    let (a, p) = activity_for(&state, &ctx, &id, Action::View).await?;
    activity_page(&state, &ctx, a, p, None).await
}

/// The page of an activity; `problem` is a refused upload, shown above the page (422).
pub(super) async fn activity_page(
    state: &AppState,
    ctx: &RequestCtx,
    a: Activity,
    p: Programme,
    problem: Option<String>,
) -> AppResult<Response> {
    let status = problem_status(problem.as_ref());
    let names = short_names(&alliances(state).await?);
    let event = match a.event_id {
        Some(e) => visible_event(state, ctx, e).await?,
        None => None,
    };
    let files = state.store.activity_files(a.id).await?;
    let files_full = files.len() as u64 >= lienket_store::MAX_ACTIVITY_FILES;
    let (photos, documents): (Vec<_>, Vec<_>) = files.into_iter().partition(ActivityFile::is_photo);
    let page = ActivityPage {
        ctx,
        kind: ctx.t(a.kind.label_key()),
        state: ctx.t(a.state.label_key()),
        dates: dates_text(&a.starts_on, &a.ends_on),
        month: a.starts_on.chars().take(7).collect(),
        areas: a
            .areas
            .iter()
            .filter_map(|id| p.area(*id))
            .map(|x| (x.id, x.number, x.name.clone()))
            .collect(),
        lead: names.get(&a.lead_alliance_id).cloned().unwrap_or_default(),
        alliances: super::names_of(&names, &a.alliances),
        event,
        photos,
        documents,
        can_change: ctx.can(
            Action::Update,
            Resource::Activity {
                lead: a.lead_alliance_id,
            },
        ),
        files_full,
        problem,
        a,
        p,
    };
    respond(&page, status)
}

#[derive(Template)]
#[template(path = "activity_delete.html")]
struct DeletePage<'a> {
    ctx: &'a RequestCtx,
    a: Activity,
    dates: String,
    files: usize,
}

async fn delete_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, _) = activity_for(&state, &ctx, &id, Action::Delete).await?;
    let files = state.store.activity_files(a.id).await?.len();
    let page = DeletePage {
        ctx: &ctx,
        dates: dates_text(&a.starts_on, &a.ends_on),
        files,
        a,
    };
    respond(&page, StatusCode::OK)
}

async fn delete(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, p) = activity_for(&state, &ctx, &id, Action::Delete).await?;
    // The records of the files go with the activity; their bytes are removed afterwards.
    let files = state.store.activity_files(a.id).await?;
    state.store.delete_activity(&ctx.actor(), a.id).await?;
    for f in &files {
        crate::pages::uploads::remove_stored(&state, f).await;
    }
    Ok(redirect_with_flash(
        &ctx,
        &format!("/programmes/{}/activities", p.id),
        "flash-activity-deleted",
    ))
}
