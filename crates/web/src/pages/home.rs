//! The home page (public) and the staff dashboard.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use lienket_domain::policy::{Action, Resource};
use lienket_store::{Alliance, ChangeEntry, ChangeFilter, Counts, PageRequest};

use super::{html, no_store};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::AppResult;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/dashboard", get(dashboard))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    ctx: &'a RequestCtx,
    counts: Counts,
    alliances: Vec<Alliance>,
}

async fn home(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    let counts = state.store.counts().await?;
    let alliances = state.store.list_alliances().await?;
    html(&HomePage {
        ctx: &ctx,
        counts,
        alliances,
    })
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    ctx: &'a RequestCtx,
    welcome: String,
    counts: Counts,
    recent: Option<Vec<ChangeEntry>>,
}

async fn dashboard(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Dashboard)?;
    let user = ctx.require_user()?;
    let counts = state.store.counts().await?;
    let recent = if ctx.can(Action::View, Resource::AuditLog) {
        Some(
            state
                .store
                .list_changes(&ChangeFilter::default(), PageRequest::new(Some(1), Some(10)))
                .await?
                .items,
        )
    } else {
        None
    };
    let welcome = ctx.t1("dashboard-welcome", "name", &user.display_name);
    Ok(no_store(html(&DashboardPage {
        ctx: &ctx,
        welcome,
        counts,
        recent,
    })?))
}
