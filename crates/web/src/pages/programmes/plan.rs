//! The plan of a year (kế hoạch năm): the host alliance of the year — the signatories take
//! turns — and the goals, with the activities planned for the year and a way to add one.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use lienket_domain::ids::AllianceId;
use lienket_domain::policy::Action;
use lienket_domain::programme::{ActivityState, PlanForm};
use lienket_domain::validate::Findings;
use lienket_store::{ActivityFilter, Programme, StoreError};

use super::{
    FormState, Posted, all_activities, alliances, can_add_activity, dates_text, programme_for, respond,
    short_names,
};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::redirect_with_flash;

/// The plan pages.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/programmes/{id}/plans/{year}", get(plan_form).post(save_plan))
}

/// A planned activity of the year, as listed under the plan.
struct PlannedRow {
    id: i64,
    title: String,
    dates: String,
    lead: String,
}

#[derive(Template)]
#[template(path = "programme_plan.html")]
struct PlanPage<'a> {
    ctx: &'a RequestCtx,
    p: Programme,
    year: i32,
    version: i32,
    host: String,
    goals: String,
    hosts: Vec<(String, String)>,
    planned: Vec<PlannedRow>,
    can_add_activity: bool,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
}

impl PlanPage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

/// The year in the path, when the programme covers it.
fn plan_year(p: &Programme, raw: &str) -> AppResult<i32> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (p.first_year..=p.last_year).contains(y))
        .ok_or(AppError::NotFound)
}

async fn plan_page(
    state: &AppState,
    ctx: &RequestCtx,
    p: Programme,
    year: i32,
    form: PlanForm,
    version: i32,
    shown: FormState,
) -> AppResult<Response> {
    let all = alliances(state).await?;
    let names = short_names(&all);
    // The host rotates among the signatories (and keeps whoever hosts already).
    let hosts = all
        .iter()
        .filter(|a| p.signatories.contains(&a.id) || a.id.0.to_string() == form.host_alliance_id)
        .map(|a| (a.id.0.to_string(), a.name.clone()))
        .collect();
    let filter = ActivityFilter {
        year: Some(year),
        state: Some(ActivityState::Planned),
        ..Default::default()
    };
    let planned = all_activities(state, p.id, &filter, true)
        .await?
        .into_iter()
        .map(|a| PlannedRow {
            id: a.id,
            dates: dates_text(&a.starts_on, &a.ends_on),
            lead: names.get(&a.lead_alliance_id).cloned().unwrap_or_default(),
            title: a.title,
        })
        .collect();
    let page = PlanPage {
        ctx,
        year,
        version,
        host: form.host_alliance_id,
        goals: form.goals,
        hosts,
        planned,
        can_add_activity: can_add_activity(ctx),
        errors: shown.errors(ctx),
        notice: shown.notice(ctx),
        p,
    };
    respond(&page, shown.status())
}

async fn plan_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, year)): Path<(String, String)>,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::Update).await?;
    let year = plan_year(&p, &year)?;
    let (form, version) = match p.plan(year) {
        Some(plan) => (
            PlanForm {
                year: year.to_string(),
                host_alliance_id: plan.host_alliance_id.0.to_string(),
                goals: plan.goals.clone().unwrap_or_default(),
            },
            plan.version,
        ),
        None => (
            PlanForm {
                year: year.to_string(),
                ..Default::default()
            },
            0,
        ),
    };
    plan_page(&state, &ctx, p, year, form, version, FormState::default()).await
}

async fn save_plan(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, year)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::Update).await?;
    let year = plan_year(&p, &year)?;
    let posted = Posted(pairs);
    let version = posted.version();
    let form = PlanForm {
        year: year.to_string(),
        host_alliance_id: posted.one("host_alliance_id"),
        goals: posted.one("goals"),
    };
    let mut draft = form.parse(p.period());
    if let Ok(d) = &draft
        && !p.signatories.contains(&AllianceId(d.host_alliance_id))
    {
        let mut f = Findings::default();
        f.add("host_alliance_id", "err-plan-host");
        draft = Err(f);
    }
    let draft = match draft {
        Ok(d) => d,
        Err(findings) => {
            let shown = FormState::invalid(findings);
            return plan_page(&state, &ctx, p, year, form, version, shown).await;
        }
    };
    let expected = (version > 0).then_some(version);
    match state.store.save_plan(&ctx.actor(), p.id, &draft, expected).await {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/programmes/{}", p.id),
            "flash-plan-saved",
        )),
        // Someone else wrote the plan of this year first (or changed it since it was read).
        Err(StoreError::Conflict | StoreError::Duplicate(_)) => {
            let current = state.store.get_programme(p.id).await?;
            let version = current.plan(year).map_or(0, |x| x.version);
            plan_page(&state, &ctx, current, year, form, version, FormState::conflict()).await
        }
        Err(e) => Err(e.into()),
    }
}
