//! The showcase of effective cooperative models in the API: the published models, paged, and
//! one model with its Decision 167 assessment and its replications. Both are public; a model
//! not published is a 404 to anyone who may not see it on the web either.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use lienket_domain::ids::{ModelEntryId, ModelKindId};
use lienket_domain::model::Rating;
use lienket_store::{ModelCard, ModelFilter, ModelSort, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::parse_id;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/models", get(list))
        .route("/models/{id}", get(get_one))
}

/// Filters of the model list.
#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// Kind of model (id, see `kind` of the items).
    kind: Option<i64>,
    /// 2025 province code of the cooperative, e.g. `01`.
    province: Option<String>,
    /// `name` (default), `rating` (highest first) or `newest` (latest selected first).
    sort: Option<String>,
    /// Page (from 1).
    page: Option<u64>,
    /// Per page (up to 200, default 50).
    per_page: Option<u64>,
}

/// The cooperative shown as a model.
#[derive(Serialize, ToSchema)]
pub struct ModelOrganisation {
    /// Id (its public page is `/producers/{id}`).
    id: i64,
    /// Name.
    name: String,
    /// Registration code (mã số HTX).
    registration_code: Option<String>,
    /// 2025 province code.
    province_code: Option<String>,
    /// The managing alliance.
    alliance_id: Option<i64>,
}

/// A kind of model.
#[derive(Serialize, ToSchema)]
pub struct ModelKindRef {
    /// Id.
    id: i64,
    /// Name.
    name: String,
}

/// A model as listed.
#[derive(Serialize, ToSchema)]
pub struct ModelItem {
    /// Id.
    id: i64,
    /// The cooperative.
    organisation: ModelOrganisation,
    /// Its kind of model.
    kind: ModelKindRef,
    /// The year it was selected.
    selected_year: i32,
    /// Rating points (0 to 100), when rated.
    rating_points: Option<u8>,
    /// `good` (Tốt), `fair` (Khá), `average` (Trung bình) or `weak` (Yếu), when rated.
    rating: Option<String>,
    /// Whether the dossier is complete.
    dossier_complete: bool,
    /// Whether the public sees it (always true in the list).
    published: bool,
    /// Organisations that replicated it.
    replications: u64,
    /// Its story.
    summary: Option<String>,
}

fn item(c: ModelCard) -> ModelItem {
    let e = c.entry;
    ModelItem {
        id: e.id.0,
        organisation: ModelOrganisation {
            id: e.organisation_id.0,
            name: c.organisation_name,
            registration_code: c.registration_code,
            province_code: c.province_code,
            alliance_id: c.alliance_id.map(|a| a.0),
        },
        kind: ModelKindRef {
            id: e.kind_id.0,
            name: c.kind_name,
        },
        selected_year: e.selected_year,
        rating_points: e.rating_points,
        rating: e.rating_points.map(|p| Rating::of(p).as_str().to_string()),
        dossier_complete: e.dossier_complete,
        published: e.published,
        replications: c.replications,
        summary: e.summary,
    }
}

/// A page of models.
#[derive(Serialize, ToSchema)]
pub struct ModelList {
    /// Models.
    items: Vec<ModelItem>,
    /// Matching models.
    total: u64,
    /// This page.
    page: u64,
    /// Per page.
    per_page: u64,
}

/// The published models, by cooperative name (or by rating, or latest selected first).
#[utoipa::path(get, path = "/api/v1/models", tag = "models", params(ListParams),
    responses((status = 200, body = ModelList)))]
pub async fn list(State(state): State<AppState>, Query(q): Query<ListParams>) -> AppResult<Json<ModelList>> {
    let filter = ModelFilter {
        kind: q.kind.map(ModelKindId),
        province: q.province.filter(|p| !p.trim().is_empty()),
        published_only: true,
        ..Default::default()
    };
    let sort = match q.sort.as_deref().map(str::trim) {
        None | Some("" | "name") => ModelSort::Name,
        Some("rating") => ModelSort::Rating,
        Some("newest") => ModelSort::Newest,
        Some(_) => return Err(AppError::BadRequest("err-bad-request")),
    };
    let page = state
        .store
        .list_models(&filter, sort, PageRequest::new(q.page, q.per_page))
        .await?;
    Ok(Json(ModelList {
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items: page.items.into_iter().map(item).collect(),
    }))
}

/// One condition of Decision 167, assessed.
#[derive(Serialize, ToSchema)]
pub struct ConditionItem {
    /// `cooperative_law`, `profitable`, `rating` or `dossier`.
    criterion: String,
    /// The condition in the requested language.
    label: String,
    /// `met`, `not_met` or `unknown`.
    outcome: String,
    /// Why, in the requested language.
    reason: String,
}

/// The assessment against the decision's entry conditions.
#[derive(Serialize, ToSchema)]
pub struct AssessmentItem {
    /// Every condition met.
    eligible: bool,
    /// Rated Tốt (80 points or more), the scheme's 2025 target.
    target_reached: bool,
    /// Each condition.
    conditions: Vec<ConditionItem>,
}

/// An organisation that replicated the model.
#[derive(Serialize, ToSchema)]
pub struct ReplicationItem {
    /// Id.
    id: i64,
    /// The organisation's id.
    organisation_id: i64,
    /// Its name.
    organisation_name: String,
    /// Its 2025 province code.
    province_code: Option<String>,
    /// The alliance it counts for.
    alliance_id: Option<i64>,
    /// The year it counts in.
    year: i32,
    /// `YYYY-MM-DD`.
    replicated_on: String,
    /// What was replicated.
    note: Option<String>,
}

/// One model with its results, assessment and replications.
#[derive(Serialize, ToSchema)]
pub struct ModelDetailItem {
    /// The model as listed.
    #[serde(flatten)]
    model: ModelItem,
    /// Its results.
    results: Option<String>,
    /// The assessment.
    assessment: AssessmentItem,
    /// The replications, oldest first.
    replicated_by: Vec<ReplicationItem>,
}

/// One model: published for everyone; staff and coordinators also read those not published.
#[utoipa::path(get, path = "/api/v1/models/{id}", tag = "models", params(("id" = i64, Path)),
    responses((status = 200, body = ModelDetailItem), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Json<ModelDetailItem>> {
    let m = state.store.get_model(ModelEntryId(parse_id(&id)?)).await?;
    if !ctx.can(lienket_domain::policy::Action::View, m.card.resource()) {
        return Err(AppError::NotFound);
    }
    let a = m.assessment();
    let conditions = a
        .conditions
        .iter()
        .map(|c| {
            let args: Vec<(&str, String)> = c.args.iter().map(|(k, v)| (*k, v.clone())).collect();
            ConditionItem {
                criterion: c.criterion.as_str().to_string(),
                label: ctx.t(c.criterion.label_key()),
                outcome: c.outcome.as_str().to_string(),
                reason: ctx.lang.t_args(c.reason, &args),
            }
        })
        .collect();
    let replicated_by = m
        .replications
        .into_iter()
        .map(|r| ReplicationItem {
            id: r.id.0,
            organisation_id: r.organisation_id.0,
            organisation_name: r.organisation_name,
            province_code: r.province_code,
            alliance_id: r.alliance_id.map(|a| a.0),
            year: r.year,
            replicated_on: r.replicated_on,
            note: r.note,
        })
        .collect();
    let results = m.card.entry.results.clone();
    Ok(Json(ModelDetailItem {
        model: item(m.card),
        results,
        assessment: AssessmentItem {
            eligible: a.eligible,
            target_reached: a.target_reached,
            conditions,
        },
        replicated_by,
    }))
}
