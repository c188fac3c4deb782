//! The change log in the API (admins and coordinators).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use lienket_domain::policy::{Action, Resource};
use lienket_store::{ChangeFilter, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::AppResult;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

/// Filters.
#[derive(Deserialize, IntoParams)]
pub struct AuditParams {
    /// Entity kind, e.g. alliance, user.
    entity: Option<String>,
    /// Entity key (id).
    key: Option<String>,
    /// Only changes with an id greater than this (to follow the log).
    after_id: Option<i64>,
    /// 1-based page (ignored with after_id).
    page: Option<u64>,
    /// Items per page (1–200).
    per_page: Option<u64>,
}

/// One change.
#[derive(Serialize, ToSchema)]
pub struct ChangeDto {
    /// Monotonic id.
    id: i64,
    /// RFC 3339.
    at: String,
    actor_id: Option<i64>,
    actor_name: String,
    entity: String,
    entity_key: String,
    /// create, update, delete, login, logout, password.
    op: String,
    #[schema(value_type = Object)]
    before: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    after: Option<serde_json::Value>,
}

/// A page of changes.
#[derive(Serialize, ToSchema)]
pub struct ChangePage {
    items: Vec<ChangeDto>,
    total: u64,
    page: u64,
    per_page: u64,
}

/// Changes, newest first; or, with `after_id`, the changes after it, oldest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams), security(("bearer" = [])),
    responses((status = 200, body = ChangePage), (status = 403, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<AuditParams>,
) -> AppResult<Json<ChangePage>> {
    ctx.require(Action::View, Resource::AuditLog)?;
    let req = PageRequest::new(q.page, q.per_page);
    let page = if let Some(after) = q.after_id {
        let items = state.store.changes_since(after, req.per_page).await?;
        lienket_store::Page {
            total: items.len() as u64,
            items,
            page: 1,
            per_page: req.per_page,
        }
    } else {
        let filter = ChangeFilter {
            entity: q.entity,
            entity_key: q.key,
            ..Default::default()
        };
        state.store.list_changes(&filter, req).await?
    };
    let items = page
        .items
        .into_iter()
        .map(|c| ChangeDto {
            id: c.id,
            at: c
                .at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            actor_id: c.actor_id.map(|u| u.0),
            actor_name: c.actor_name,
            entity: c.entity,
            entity_key: c.entity_key,
            op: c.op,
            before: c.before,
            after: c.after,
        })
        .collect();
    Ok(Json(ChangePage {
        items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
