//! Accounts in the API: who am I, and account administration for admins.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use lienket_domain::account::NewAccountForm;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::validate::Findings;
use lienket_store::{NewUser, PageRequest, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::alliances::body;
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::AppResult;
use crate::security::hash_password;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/users", get(list).post(create))
}

/// A user account (never with its password).
#[derive(Serialize, ToSchema)]
pub struct UserDto {
    id: i64,
    username: String,
    display_name: String,
    email: Option<String>,
    /// admin, coordinator, alliance_staff or organisation_rep.
    role: String,
    /// For alliance staff.
    alliance_id: Option<i64>,
    /// For organisation representatives.
    organisation_id: Option<i64>,
    active: bool,
    version: i32,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        UserDto {
            id: u.id.0,
            role: u.role.kind().as_str().into(),
            alliance_id: u.role.alliance().map(|a| a.0),
            organisation_id: u.role.organisation().map(|o| o.0),
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            active: u.active,
            version: u.version,
        }
    }
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserDto), (status = 401, body = super::ErrorBody)))]
pub async fn me(ctx: RequestCtx) -> AppResult<Json<UserDto>> {
    Ok(Json(ctx.require_user()?.clone().into()))
}

/// Paging.
#[derive(Deserialize, IntoParams)]
pub struct PageParams {
    /// 1-based page.
    page: Option<u64>,
    /// Items per page (1–200, default 50).
    per_page: Option<u64>,
}

/// A page of accounts with the total.
#[derive(Serialize, ToSchema)]
pub struct UserPage {
    items: Vec<UserDto>,
    total: u64,
    page: u64,
    per_page: u64,
}

/// Accounts, by username (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = UserPage), (status = 403, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<PageParams>,
) -> AppResult<Json<UserPage>> {
    ctx.require(Action::View, Resource::Users)?;
    let p = state
        .store
        .list_users(PageRequest::new(q.page, q.per_page))
        .await?;
    Ok(Json(UserPage {
        total: p.total,
        page: p.page,
        per_page: p.per_page,
        items: p.items.into_iter().map(Into::into).collect(),
    }))
}

/// A new account.
#[derive(Deserialize, ToSchema)]
pub struct NewUserBody {
    #[schema(example = "canbo.haiphong")]
    username: String,
    display_name: String,
    #[serde(default)]
    email: String,
    /// At least 10 characters.
    password: String,
    /// admin, coordinator, alliance_staff or organisation_rep.
    role: String,
    alliance_id: Option<i64>,
    organisation_id: Option<i64>,
}

/// Creates an account (admins).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUserBody, security(("bearer" = [])),
    responses((status = 201, body = UserDto), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    b: Result<Json<NewUserBody>, JsonRejection>,
) -> AppResult<(StatusCode, Json<UserDto>)> {
    ctx.require(Action::Create, Resource::Users)?;
    let b = body(b)?;
    let form = NewAccountForm {
        username: b.username,
        display_name: b.display_name,
        email: b.email,
        password: b.password,
        role: b.role,
        alliance_id: b.alliance_id,
        organisation_id: b.organisation_id,
    };
    let account = form.parse()?;
    let mut f = Findings::default();
    let role = crate::pages::check_scope(
        &state,
        &mut f,
        account.role,
        form.alliance_id,
        form.organisation_id,
    )
    .await?;
    let Some(role) = role.filter(|_| f.is_empty()) else {
        return Err(f.into());
    };
    let password_hash = hash_password(account.password).await?;
    let new = NewUser {
        username: account.username,
        display_name: account.display_name,
        email: account.email,
        password_hash,
        role,
    };
    let user = state.store.create_user(&ctx.actor(), &new).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}
