//! The audit log: every change, who made it, when, and what it changed.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use lienket_domain::policy::{Action, Resource};
use lienket_store::{ChangeEntry, ChangeFilter, Page, PageRequest};
use serde::Deserialize;

use super::{html, no_store, pager, urlencode};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::AppResult;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(list))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage<'a> {
    ctx: &'a RequestCtx,
    page: Page<ChangeEntry>,
    entities: Vec<String>,
    entity: Option<String>,
    key: String,
    pager: String,
}

/// Filters of the audit page (also used by the API).
#[derive(Deserialize, Default)]
pub struct AuditQuery {
    /// Page number.
    pub page: Option<u64>,
    /// Entity kind.
    #[serde(default)]
    pub entity: String,
    /// Entity key.
    #[serde(default)]
    pub key: String,
}

impl AuditQuery {
    /// The store filter.
    pub fn filter(&self) -> ChangeFilter {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        ChangeFilter {
            entity: opt(&self.entity),
            entity_key: opt(&self.key),
            ..Default::default()
        }
    }
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    ctx.require(Action::View, Resource::AuditLog)?;
    let filter = q.filter();
    let page = state
        .store
        .list_changes(&filter, PageRequest::new(q.page, Some(50)))
        .await?;
    let extra = format!("&entity={}&key={}", urlencode(&q.entity), urlencode(&q.key));
    let pager = pager(&ctx, "/admin/audit", &extra, page.page, page.pages());
    let entities = state.store.change_entities().await?;
    Ok(no_store(html(&AuditPage {
        ctx: &ctx,
        page,
        entities,
        entity: filter.entity,
        key: q.key,
        pager,
    })?))
}
