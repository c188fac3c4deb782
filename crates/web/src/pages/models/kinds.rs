//! The kinds of model (loại mô hình): everyone reads the list, coordinators add, change and
//! remove kinds. A kind some model uses is not removed: the page says why.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::ids::ModelKindId;
use lienket_domain::model::ModelKindForm;
use lienket_domain::policy::{Action, Resource};
use lienket_store::{ModelKind, StoreError};
use serde::Deserialize;

use super::{Shown, respond};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::AppResult;
use crate::pages::{form_version, parse_id, redirect_with_flash};

/// The pages of the kinds of model.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/models/kinds", get(list).post(create))
        .route("/models/kinds/{id}/edit", get(edit_form).post(update))
        .route("/models/kinds/{id}/delete", post(delete))
}

/// The field of the form a refusal of the store is about.
fn refusal_field(_key: &str) -> &'static str {
    "code"
}

/// A kind as a row of the list.
struct KindRow {
    kind: ModelKind,
    entries: u64,
}

#[derive(Template)]
#[template(path = "model_kinds.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    rows: Vec<KindRow>,
    can_change: bool,
    /// A removal refused, shown above the list.
    problem: Option<String>,
    /// The form to add a kind, as typed.
    form: ModelKindForm,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
}

impl ListPage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

/// The list with the add form as posted (`shown`) and a refused removal (`problem`).
async fn list_page(
    state: &AppState,
    ctx: &RequestCtx,
    form: ModelKindForm,
    shown: Shown,
    problem: Option<String>,
) -> AppResult<Response> {
    let usage = state.store.model_kind_usage().await?;
    let rows = state
        .store
        .model_kinds()
        .await?
        .into_iter()
        .map(|kind| KindRow {
            entries: usage.get(&kind.id).copied().unwrap_or(0),
            kind,
        })
        .collect();
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        shown.status()
    };
    let page = ListPage {
        ctx,
        rows,
        can_change: ctx.can(Action::Create, Resource::ModelKinds),
        problem,
        form,
        errors: shown.errors(ctx),
        notice: shown.notice(ctx),
    };
    respond(&page, status)
}

async fn list(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    ctx.require(Action::View, Resource::ModelKinds)?;
    list_page(&state, &ctx, ModelKindForm::default(), Shown::default(), None).await
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(form): Form<ModelKindForm>,
) -> AppResult<Response> {
    ctx.require(Action::Create, Resource::ModelKinds)?;
    let draft = match form.parse() {
        Ok(d) => d,
        Err(findings) => return list_page(&state, &ctx, form, Shown::invalid(findings), None).await,
    };
    match state.store.create_model_kind(&ctx.actor(), &draft).await {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            "/models/kinds",
            "flash-model-kind-created",
        )),
        Err(e) => {
            let shown = Shown::refused(e, refusal_field)?;
            list_page(&state, &ctx, form, shown, None).await
        }
    }
}

#[derive(Template)]
#[template(path = "model_kind_form.html")]
struct FormPage<'a> {
    ctx: &'a RequestCtx,
    id: ModelKindId,
    version: i32,
    form: ModelKindForm,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
}

impl FormPage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

async fn kind_for(state: &AppState, ctx: &RequestCtx, raw: &str, action: Action) -> AppResult<ModelKind> {
    ctx.require(action, Resource::ModelKinds)?;
    Ok(state.store.get_model_kind(ModelKindId(parse_id(raw)?)).await?)
}

fn form_page(
    ctx: &RequestCtx,
    id: ModelKindId,
    version: i32,
    form: ModelKindForm,
    shown: Shown,
) -> AppResult<Response> {
    let page = FormPage {
        ctx,
        id,
        version,
        form,
        errors: shown.errors(ctx),
        notice: shown.notice(ctx),
    };
    respond(&page, shown.status())
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let k = kind_for(&state, &ctx, &id, Action::Update).await?;
    let form = ModelKindForm {
        code: k.code.clone(),
        name: k.name.clone(),
        description: k.description.clone().unwrap_or_default(),
    };
    form_page(&ctx, k.id, k.version, form, Shown::default())
}

/// A posted kind form with its version.
#[derive(Deserialize)]
struct Posted {
    #[serde(flatten)]
    form: ModelKindForm,
    #[serde(default)]
    version: String,
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<Posted>,
) -> AppResult<Response> {
    let k = kind_for(&state, &ctx, &id, Action::Update).await?;
    let version = form_version(&p.version);
    let draft = match p.form.parse() {
        Ok(d) => d,
        Err(findings) => return form_page(&ctx, k.id, version, p.form, Shown::invalid(findings)),
    };
    match state
        .store
        .update_model_kind(&ctx.actor(), k.id, version, &draft)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            "/models/kinds",
            "flash-model-kind-saved",
        )),
        Err(e) => {
            let shown = Shown::refused(e, refusal_field)?;
            // What was typed is kept; after a conflict the next save is made from the version
            // now stored.
            let version = if shown.conflict {
                state.store.get_model_kind(k.id).await?.version
            } else {
                version
            };
            form_page(&ctx, k.id, version, p.form, shown)
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let k = kind_for(&state, &ctx, &id, Action::Delete).await?;
    match state.store.delete_model_kind(&ctx.actor(), k.id).await {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            "/models/kinds",
            "flash-model-kind-deleted",
        )),
        Err(StoreError::Refused(key)) => {
            let problem = Some(ctx.t(key));
            list_page(&state, &ctx, ModelKindForm::default(), Shown::default(), problem).await
        }
        Err(e) => Err(e.into()),
    }
}
