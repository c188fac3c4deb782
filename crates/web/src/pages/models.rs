//! The showcase of effective new-type cooperative models (mô hình HTX kiểu mới hiệu quả,
//! Decision 167/QĐ-TTg): cooperatives the alliances show as models, assessed against the
//! decision's entry conditions, and the organisations that replicated them.
//!
//! Layout:
//! - this file: routes, the showcase (filters, pages, XLSX export) and what the submodules share;
//! - [`entry`]: one model: its page with the assessment and replications, its form, removing it;
//! - [`kinds`]: the kinds of model, kept by coordinators.
//!
//! Every handler asks the policy (`Resource::ModelEntry`, `Resource::ModelReplication`,
//! `Resource::ModelKinds`). A model the caller may not see does not exist for them: the public
//! gets a 404 for one not published.

mod entry;
mod kinds;

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use lienket_domain::ids::{AllianceId, ModelKindId};
use lienket_domain::model::Rating;
use lienket_domain::policy::{Action, Resource};
use lienket_office::{ColumnKind, ExportCell};
use lienket_store::{ModelCard, ModelFilter, ModelSort, PageRequest};
use serde::Deserialize;

use super::{
    export_column, html, no_store, pager, province_name, province_options, text_cell, urlencode, workbook,
};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::AppResult;

/// Models per page of the showcase.
const PER_PAGE: u64 = 24;

/// The showcase pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/models", get(list))
        .route("/models/export", get(export))
        .merge(entry::routes())
        .merge(kinds::routes())
}

// ---------------------------------------------------------------------------------------------
// Shared by the submodules
// ---------------------------------------------------------------------------------------------

/// The alliance a staff member works for.
fn own_alliance(ctx: &RequestCtx) -> Option<AllianceId> {
    ctx.user().and_then(|u| u.role.alliance())
}

/// Whether the caller sees models not yet published (staff and coordinators).
fn sees_unpublished(ctx: &RequestCtx) -> bool {
    ctx.can(
        Action::View,
        Resource::ModelEntry {
            alliance: None,
            published: false,
        },
    )
}

/// Whether the caller may show a cooperative as a model (of their own alliance, for staff).
fn can_add_model(ctx: &RequestCtx) -> bool {
    // Staff add models of their own alliance; coordinators and administrators of any. A
    // representative's role has no alliance and the policy says no to it.
    ctx.can(
        Action::Create,
        Resource::ModelEntry {
            alliance: own_alliance(ctx),
            published: false,
        },
    )
}

/// "Tốt · 85 điểm", or "Chưa xếp loại".
fn rating_text(ctx: &RequestCtx, points: Option<u8>) -> String {
    match points {
        Some(p) => ctx.lang.t_args(
            "model-rating-points",
            &[
                ("rating", ctx.t(Rating::of(p).label_key())),
                ("points", p.to_string()),
            ],
        ),
        None => ctx.t("model-not-rated"),
    }
}

/// The class of a rating badge: `ok` from Khá up, `bad` below, none when not rated.
fn rating_class(points: Option<u8>) -> &'static str {
    match points.map(Rating::of) {
        Some(Rating::Good | Rating::Fair) => "ok",
        Some(Rating::Average | Rating::Weak) => "bad",
        None => "",
    }
}

/// Kind id → name.
fn kind_names(kinds: &[lienket_store::ModelKind]) -> HashMap<ModelKindId, String> {
    kinds.iter().map(|k| (k.id, k.name.clone())).collect()
}

/// Alliance id → short name ("LMHTX Hà Nội").
async fn alliance_names(state: &AppState) -> AppResult<HashMap<AllianceId, String>> {
    Ok(state
        .store
        .alliance_choices()
        .await?
        .into_iter()
        .map(|a| (a.id, a.short_name))
        .collect())
}

/// What a form shows besides the values typed: the programme pages' form state.
pub(super) use super::programmes::FormState as Shown;

/// A page with its status, never cached (staff see drafts and forms on the same pages).
fn respond<T: Template>(page: &T, status: StatusCode) -> AppResult<Response> {
    let mut res = html(page)?;
    *res.status_mut() = status;
    Ok(no_store(res))
}

// ---------------------------------------------------------------------------------------------
// The showcase and its export
// ---------------------------------------------------------------------------------------------

/// The showcase's query: every value as typed, so a stray value is ignored rather than refused.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    kind: String,
    province: String,
    alliance: String,
    sort: String,
    page: String,
}

impl ListQuery {
    fn filter(&self, ctx: &RequestCtx) -> ModelFilter {
        let published_only = !sees_unpublished(ctx);
        ModelFilter {
            kind: self.kind.trim().parse().ok().map(ModelKindId),
            // Only staff and coordinators filter by alliance (they see the alliances' lists).
            alliance: (!published_only)
                .then(|| self.alliance.trim().parse().ok().map(AllianceId))
                .flatten(),
            province: Some(self.province.trim())
                .filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_string),
            published_only,
        }
    }

    fn sort(&self) -> ModelSort {
        match self.sort.as_str() {
            "rating" => ModelSort::Rating,
            "newest" => ModelSort::Newest,
            _ => ModelSort::Name,
        }
    }

    /// The filters as a query string (`&kind=3&…`), for page links and the export.
    fn query(&self, f: &ModelFilter) -> String {
        let mut q = String::new();
        if let Some(k) = f.kind {
            q.push_str(&format!("&kind={k}"));
        }
        if let Some(p) = &f.province {
            q.push_str(&format!("&province={}", urlencode(p)));
        }
        if let Some(a) = f.alliance {
            q.push_str(&format!("&alliance={a}"));
        }
        match self.sort() {
            ModelSort::Name => {}
            ModelSort::Rating => q.push_str("&sort=rating"),
            ModelSort::Newest => q.push_str("&sort=newest"),
        }
        q
    }
}

/// A model as a card of the showcase.
struct Card {
    id: i64,
    organisation_id: i64,
    name: String,
    kind: String,
    province: String,
    rating: String,
    rating_class: &'static str,
    selected_year: i32,
    replications: u64,
    published: bool,
    eligible: bool,
    summary: String,
}

/// The first sentences of a story, cut at a word under `max` characters.
fn teaser(text: &str, max: usize) -> String {
    let first = text.lines().next().unwrap_or_default();
    if first.chars().count() <= max {
        return first.to_string();
    }
    let cut: String = first.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

#[derive(Template)]
#[template(path = "models.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    kind: String,
    province: String,
    alliance: String,
    sort: &'static str,
    kinds: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    /// For staff and coordinators: the alliances to filter by.
    alliances: Vec<(String, String)>,
    cards: Vec<Card>,
    total: u64,
    filtered: bool,
    pager: String,
    export: String,
    can_add: bool,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.require(Action::View, Resource::ModelKinds)?;
    let filter = q.filter(&ctx);
    let page = PageRequest::new(q.page.trim().parse().ok(), Some(PER_PAGE));
    let result = state.store.list_models(&filter, q.sort(), page).await?;
    let assessed = state.store.model_assessments(&result.items).await?;
    let kinds = state.store.model_kinds().await?;
    let cards = result
        .items
        .iter()
        .map(|c| Card {
            id: c.entry.id.0,
            organisation_id: c.entry.organisation_id.0,
            name: c.organisation_name.clone(),
            kind: c.kind_name.clone(),
            province: c.province_code.as_deref().map(province_name).unwrap_or_default(),
            rating: rating_text(&ctx, c.entry.rating_points),
            rating_class: rating_class(c.entry.rating_points),
            selected_year: c.entry.selected_year,
            replications: c.replications,
            published: c.entry.published,
            eligible: assessed.get(&c.entry.id).is_some_and(|a| a.eligible),
            summary: c
                .entry
                .summary
                .as_deref()
                .map(|s| teaser(s, 220))
                .unwrap_or_default(),
        })
        .collect();
    let extra = q.query(&filter);
    let alliances = if filter.published_only {
        Vec::new()
    } else {
        state
            .store
            .alliance_choices()
            .await?
            .into_iter()
            .map(|a| (a.id.0.to_string(), a.short_name))
            .collect()
    };
    let body = ListPage {
        kind: filter.kind.map(|k| k.to_string()).unwrap_or_default(),
        province: filter.province.clone().unwrap_or_default(),
        alliance: filter.alliance.map(|a| a.to_string()).unwrap_or_default(),
        sort: match q.sort() {
            ModelSort::Name => "name",
            ModelSort::Rating => "rating",
            ModelSort::Newest => "newest",
        },
        kinds: kinds.iter().map(|k| (k.id.to_string(), k.name.clone())).collect(),
        provinces: province_options(),
        alliances,
        cards,
        total: result.total,
        filtered: filter.kind.is_some() || filter.province.is_some() || filter.alliance.is_some(),
        pager: pager(&ctx, "/models", &extra, result.page, result.pages()),
        export: match extra.strip_prefix('&') {
            Some(query) => format!("/models/export?{query}"),
            None => "/models/export".to_string(),
        },
        can_add: can_add_model(&ctx),
        ctx: &ctx,
    };
    respond(&body, StatusCode::OK)
}

/// Every model matching the filters, read page by page.
async fn all_models(state: &AppState, filter: &ModelFilter, sort: ModelSort) -> AppResult<Vec<ModelCard>> {
    let mut out = Vec::new();
    for page in 1.. {
        let batch = state
            .store
            .list_models(filter, sort, PageRequest::new(Some(page), Some(200)))
            .await?;
        let done = batch.items.len() < 200 || page >= batch.pages();
        out.extend(batch.items);
        if done {
            break;
        }
    }
    Ok(out)
}

/// Every model matching the showcase's filters, as a workbook.
async fn export(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.require(Action::View, Resource::ModelKinds)?;
    let filter = q.filter(&ctx);
    let items = all_models(&state, &filter, q.sort()).await?;
    let assessed = state.store.model_assessments(&items).await?;
    let alliances = alliance_names(&state).await?;
    let col = |key: &str, kind: ColumnKind, width: f64| export_column(&ctx, key, kind, width);
    let mut columns = vec![
        col("model-col-no", ColumnKind::Integer, 6.0),
        col("model-col-organisation", ColumnKind::Text, 40.0),
        col("model-col-code", ColumnKind::Text, 14.0),
        col("model-col-kind", ColumnKind::Text, 36.0),
        col("model-col-province", ColumnKind::Text, 20.0),
        col("model-col-alliance", ColumnKind::Text, 22.0),
        col("model-col-selected-year", ColumnKind::Integer, 10.0),
        col("model-col-points", ColumnKind::Integer, 10.0),
        col("model-col-rating", ColumnKind::Text, 12.0),
        col("model-col-dossier", ColumnKind::Text, 10.0),
        col("model-col-eligible", ColumnKind::Text, 12.0),
        col("model-col-replications", ColumnKind::Integer, 10.0),
    ];
    if !filter.published_only {
        columns.push(col("model-col-published", ColumnKind::Text, 10.0));
    }
    columns.push(col("model-col-summary", ColumnKind::Text, 60.0));
    let yes_no = |b: bool| ExportCell::Text(ctx.t(if b { "yes" } else { "no" }));
    let rows: Vec<Vec<ExportCell>> = items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let e = &c.entry;
            let mut row = vec![
                ExportCell::Integer(i as i64 + 1),
                ExportCell::Text(c.organisation_name.clone()),
                text_cell(c.registration_code.clone().unwrap_or_default()),
                ExportCell::Text(c.kind_name.clone()),
                text_cell(c.province_code.as_deref().map(province_name).unwrap_or_default()),
                text_cell(
                    c.alliance_id
                        .and_then(|a| alliances.get(&a).cloned())
                        .unwrap_or_default(),
                ),
                ExportCell::Integer(i64::from(e.selected_year)),
                e.rating_points
                    .map_or(ExportCell::Empty, |p| ExportCell::Integer(i64::from(p))),
                text_cell(
                    e.rating_points
                        .map(|p| ctx.t(Rating::of(p).label_key()))
                        .unwrap_or_default(),
                ),
                yes_no(e.dossier_complete),
                yes_no(assessed.get(&e.id).is_some_and(|a| a.eligible)),
                ExportCell::Integer(c.replications as i64),
            ];
            if !filter.published_only {
                row.push(yes_no(e.published));
            }
            row.push(text_cell(e.summary.clone().unwrap_or_default()));
            row
        })
        .collect();
    let kinds = kind_names(&state.store.model_kinds().await?);
    let mut scope = Vec::new();
    if let Some(k) = filter.kind {
        scope.push(kinds.get(&k).cloned().unwrap_or_default());
    }
    if let Some(p) = &filter.province {
        scope.push(province_name(p));
    }
    if let Some(a) = filter.alliance {
        scope.push(alliances.get(&a).cloned().unwrap_or_default());
    }
    if scope.is_empty() {
        scope.push(ctx.t("model-export-all"));
    }
    scope.push(ctx.t1("models-count", "count", items.len()));
    workbook(
        &ctx.t("model-export-title"),
        &scope.join(" — "),
        "Mo hinh",
        &columns,
        &rows,
        "mo-hinh-htx-kieu-moi.xlsx",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_story_is_cut_at_a_word_and_a_short_one_is_kept() {
        assert_eq!(teaser("Liên kết 120 hộ.\nĐoạn hai.", 50), "Liên kết 120 hộ.");
        assert_eq!(teaser("Liên kết một trăm hai mươi hộ", 12), "Liên kết…");
    }
}
