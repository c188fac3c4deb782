//! Signing in and out, and the language switch.
//!
//! Sign-in is rate-limited per client address and per username, counted in the database so
//! the limit holds across nodes. A wrong username and a wrong password get the same message
//! and cost the same time.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::role::Role;
use lienket_store::{Actor, NewSession, Op};
use serde::Deserialize;

use super::{html, safe_next};
use crate::AppState;
use crate::ctx::{LANG_COOKIE, RequestCtx, SESSION_COOKIE, set_cookie};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::security::{random_token, token_hash, verify_password};

/// Failed sign-ins allowed per address in the window.
const MAX_FAILURES_PER_IP: u64 = 20;
/// Failed sign-ins allowed per username in the window.
const MAX_FAILURES_PER_USER: u64 = 8;
/// The window, in minutes.
const WINDOW_MINUTES: i64 = 15;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_lang))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    ctx: &'a RequestCtx,
    username: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn login_form(ctx: RequestCtx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    if ctx.session.is_some() {
        return Ok(Redirect::to(safe_next(&q.next).unwrap_or("/")).into_response());
    }
    html(&LoginPage {
        ctx: &ctx,
        username: String::new(),
        next: q.next,
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let username = form.username.trim().to_lowercase();
    let since = lienket_store::now() - time::Duration::minutes(WINDOW_MINUTES);
    let (by_ip, by_user) = state
        .store
        .recent_login_failures(&ctx.ip, &username, since)
        .await?;
    let again = |status: StatusCode, message: String| -> AppResult<Response> {
        let mut res = html(&LoginPage {
            ctx: &ctx,
            username: form.username.clone(),
            next: form.next.clone(),
            error: Some(message),
        })?;
        *res.status_mut() = status;
        Ok(res)
    };
    if by_ip >= MAX_FAILURES_PER_IP || by_user >= MAX_FAILURES_PER_USER {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            ctx.t1("err-rate-limited", "minutes", WINDOW_MINUTES),
        );
    }
    let found = state.store.user_credentials(&username).await?;
    let hash = found.as_ref().map(|(_, h)| h.clone());
    let password_ok = verify_password(form.password.clone(), hash).await;
    let user = match found {
        Some((user, _)) if password_ok && user.active => user,
        _ => {
            state
                .store
                .record_login_attempt(&ctx.ip, &username, false)
                .await?;
            return again(StatusCode::UNAUTHORIZED, ctx.t("err-login-failed"));
        }
    };
    state.store.record_login_attempt(&ctx.ip, &username, true).await?;
    let token = random_token();
    let expires_at = lienket_store::now() + time::Duration::hours(state.config.session_hours);
    state
        .store
        .create_session(NewSession {
            id: token_hash(&token),
            user_id: user.id,
            csrf_token: random_token(),
            expires_at,
            ip: Some(ctx.ip.clone()),
            user_agent: None,
        })
        .await?;
    state.store.touch_login(user.id).await?;
    let actor = Actor {
        user_id: Some(user.id),
        name: user.username.clone(),
        ip: Some(ctx.ip.clone()),
    };
    state
        .store
        .record_event(&actor, "session", &user.id.to_string(), Op::Login)
        .await?;
    let default = match user.role {
        Role::OrganisationRep { .. } => "/account",
        _ => "/dashboard",
    };
    let to = safe_next(&form.next)
        .filter(|n| !n.starts_with("/login"))
        .unwrap_or(default);
    let mut res = Redirect::to(to).into_response();
    let secure = ctx.secure;
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            &token,
            Some(state.config.session_hours * 3600),
            secure,
        ),
    );
    Ok(res)
}

async fn logout(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    if let Some(session) = &ctx.session {
        state.store.delete_session(&session.id).await?;
        state
            .store
            .record_event(&ctx.actor(), "session", &session.user.id.to_string(), Op::Logout)
            .await?;
    }
    let mut res = super::redirect_with_flash(&ctx, "/", "flash-logged-out");
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), ctx.secure),
    );
    Ok(res)
}

async fn switch_lang(
    ctx: RequestCtx,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let mut res = Redirect::to(safe_next(&q.next).unwrap_or("/")).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LANG_COOKIE, lang.code(), Some(365 * 24 * 3600), ctx.secure),
    );
    Ok(res)
}
