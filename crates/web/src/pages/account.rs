//! The signed-in user's own account: password change and personal API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::account::check_password;
use lienket_domain::ids::ApiTokenId;
use lienket_domain::validate::{Findings, clean_text};
use lienket_store::{ApiToken, User};
use serde::Deserialize;

use super::{html, no_store, redirect_with_flash};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::security::{hash_password, random_token, token_hash, verify_password};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    ctx: &'a RequestCtx,
    user: &'a User,
    scope: Option<String>,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    password_error: Option<String>,
}

async fn render(
    state: &AppState,
    ctx: &RequestCtx,
    new_token: Option<String>,
    password_error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let scope = match (user.role.alliance(), user.role.organisation()) {
        (Some(a), _) => state.store.get_alliance(a).await.ok().map(|a| a.short_name),
        (_, Some(o)) => state.store.get_organisation(o).await.ok().map(|o| o.name),
        _ => None,
    };
    let tokens = state.store.list_api_tokens(user.id).await?;
    let mut res = no_store(html(&AccountPage {
        ctx,
        user,
        scope,
        tokens,
        new_token,
        password_error,
    })?);
    *res.status_mut() = status;
    Ok(res)
}

async fn show(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    render(&state, &ctx, None, None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let user = ctx.require_user()?.clone();
    let hash = state
        .store
        .user_credentials(&user.username)
        .await?
        .map(|(_, h)| h);
    if !verify_password(f.current.clone(), hash).await {
        return render(
            &state,
            &ctx,
            None,
            Some(ctx.t("err-current-password")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let mut findings = Findings::default();
    check_password(&mut findings, "new_password", &f.new_password, &user.username);
    if let Some(first) = findings.0.first() {
        return render(
            &state,
            &ctx,
            None,
            Some(ctx.lang.finding(first)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let new_hash = hash_password(f.new_password).await?;
    // Every other session of this account ends; this one stays signed in.
    let keep = ctx.session.as_ref().map(|s| s.id.as_str());
    state
        .store
        .set_password(&ctx.actor(), user.id, &new_hash, keep)
        .await?;
    Ok(redirect_with_flash(&ctx, "/account", "flash-password-changed"))
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

/// Personal API tokens start with this, so leaked ones are easy to recognise.
pub const TOKEN_PREFIX: &str = "lk_";

async fn create_token(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(f): Form<TokenForm>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let name = clean_text(&f.name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::BadRequest("err-token-name"));
    }
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    state
        .store
        .create_api_token(&ctx.actor(), user.id, &name, &token_hash(&token), &token[..10])
        .await?;
    // Shown once, on this response only; the database keeps only its hash.
    render(&state, &ctx, Some(token), None, StatusCode::OK).await
}

async fn revoke_token(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let id: ApiTokenId = id.parse().map_err(|_| AppError::NotFound)?;
    state.store.revoke_api_token(&ctx.actor(), user.id, id).await?;
    Ok(redirect_with_flash(&ctx, "/account", "flash-token-revoked"))
}
