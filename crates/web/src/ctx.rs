//! The request context: language, who is asking (session cookie or API token), CSRF, flash.
//!
//! One middleware builds it for every request, checks CSRF on state-changing requests, and
//! renders every error response (see [`crate::error`]) in one place.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lienket_domain::policy::{self, Action, Principal, Resource};
use lienket_store::{Actor, SessionRecord, User};

use crate::error::{AppError, ErrorMarker};
use crate::i18n::Lang;
use crate::security::{constant_time_eq, random_token, token_hash};
use crate::{AppState, pages};

/// Session cookie name.
pub const SESSION_COOKIE: &str = "lienket_session";
/// Pre-sign-in CSRF cookie (double-submit) name.
pub const CSRF_COOKIE: &str = "lienket_csrf";
/// Language choice cookie name.
pub const LANG_COOKIE: &str = "lienket_lang";
/// One-shot message cookie name.
pub const FLASH_COOKIE: &str = "lienket_flash";

/// Everything a handler needs to know about the request's origin.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    /// The interface language.
    pub lang: Lang,
    /// The signed-in session, when the browser sent a valid cookie.
    pub session: Option<SessionRecord>,
    /// The user of a valid `Authorization: Bearer` API token.
    pub token_user: Option<User>,
    /// The double-submit CSRF token of a visitor who has not signed in.
    pub anon_csrf: String,
    /// The client address.
    pub ip: String,
    /// Path and query of the request (to come back after signing in).
    pub path: String,
    /// Whether this is a JSON API request.
    pub is_api: bool,
    /// The flash message key left by the previous request, if any.
    pub flash: Option<String>,
    /// Whether cookies must be `Secure` (served over TLS).
    pub secure: bool,
    /// The session cookie to send again with a new lifetime after its expiry slid forward.
    pub refreshed_session: Option<String>,
}

impl RequestCtx {
    /// The signed-in user, by session or token.
    pub fn user(&self) -> Option<&User> {
        self.session
            .as_ref()
            .map(|s| &s.user)
            .or(self.token_user.as_ref())
    }

    /// The principal for policy decisions.
    pub fn principal(&self) -> Principal {
        match self.user() {
            Some(u) => Principal::User {
                id: u.id,
                role: u.role,
            },
            None => Principal::Anonymous,
        }
    }

    /// Whether the policy allows this (for showing or hiding links).
    pub fn can(&self, action: Action, resource: Resource<'_>) -> bool {
        policy::can(&self.principal(), action, resource)
    }

    /// Fails unless the policy allows this: sign-in first for visitors, forbidden for users.
    pub fn require(&self, action: Action, resource: Resource<'_>) -> Result<(), AppError> {
        if self.can(action, resource) {
            Ok(())
        } else if self.user().is_none() {
            Err(AppError::Unauthenticated)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The signed-in user, or sign-in first.
    pub fn require_user(&self) -> Result<&User, AppError> {
        self.user().ok_or(AppError::Unauthenticated)
    }

    /// Who is making a change, for the audit log.
    pub fn actor(&self) -> Actor {
        match self.user() {
            Some(u) => Actor {
                user_id: Some(u.id),
                name: u.username.clone(),
                ip: Some(self.ip.clone()),
            },
            None => Actor {
                user_id: None,
                name: "anonymous".into(),
                ip: Some(self.ip.clone()),
            },
        }
    }

    /// The CSRF token forms must carry.
    pub fn csrf(&self) -> &str {
        self.session
            .as_ref()
            .map_or(self.anon_csrf.as_str(), |s| s.csrf_token.as_str())
    }

    /// Translates a catalogue key.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// Translates a catalogue key with one argument.
    pub fn t1<T: std::fmt::Display>(&self, key: &str, name: &str, value: T) -> String {
        self.lang.t_args(key, &[(name, value.to_string())])
    }

    /// The flash message, translated.
    pub fn flash_text(&self) -> Option<String> {
        self.flash
            .as_deref()
            .filter(|k| self.lang.has(k))
            .map(|k| self.t(k))
    }

    /// Formats a time for people: `26/11/2026 15:04` in Vietnam time (UTC+7).
    pub fn datetime(&self, t: &time::OffsetDateTime) -> String {
        let local = t.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
        format!(
            "{:02}/{:02}/{} {:02}:{:02}",
            local.day(),
            u8::from(local.month()),
            local.year(),
            local.hour(),
            local.minute()
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestCtx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("request context missing")))
    }
}

/// Reads one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Builds a `Set-Cookie` value with the project's attributes.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

fn client_ip(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    {
        return ip.to_string();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether the connection reached us over TLS (directly or through a proxy that says so).
fn is_secure(headers: &HeaderMap, state: &AppState) -> bool {
    state.config.secure_cookies
        || headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

/// Pages are Vietnamese unless the visitor chose English with the switch (a cookie) or `?lang=`:
/// office computers often send `Accept-Language: en-US` whatever their users read. API clients
/// choose with `Accept-Language` or `?lang=`.
fn pick_lang(headers: &HeaderMap, query: Option<&str>, is_api: bool) -> Lang {
    let from_query = query
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
        .and_then(Lang::parse);
    let from_header = || {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
    };
    if is_api {
        from_query.or_else(from_header).unwrap_or_default()
    } else {
        from_query
            .or_else(|| cookie(headers, LANG_COOKIE).and_then(Lang::parse))
            .unwrap_or_default()
    }
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Another site may not make a signed-in browser post to us.
fn cross_site(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        _ => false,
    }
}

/// Finds the `_csrf` value of an urlencoded body or query string.
fn form_value(body: &str, name: &str) -> Option<String> {
    body.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

/// Minimal `application/x-www-form-urlencoded` decoding.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The middleware: builds the context, enforces CSRF, renders errors.
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req.uri().path().to_string();
    let (ctx, set_csrf_cookie, req) = match build(&state, req).await {
        Ok(x) => x,
        Err((ctx, e)) => return render_error(&ctx, e),
    };
    let mut res = next.run(req).await;

    if let Some(marker) = res.extensions_mut().remove::<ErrorMarker>() {
        let err = std::sync::Arc::try_unwrap(marker.0)
            .unwrap_or_else(|a| AppError::Internal(anyhow::anyhow!("{a}")));
        let mut rendered = render_error(&ctx, err);
        for v in res.headers().get_all(header::SET_COOKIE) {
            rendered.headers_mut().append(header::SET_COOKIE, v.clone());
        }
        res = rendered;
    } else if (res.status().is_client_error() || res.status().is_server_error())
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|c| c.starts_with("text/plain"))
        && let Some(err) = AppError::from_status(res.status())
    {
        res = render_error(&ctx, err);
    }
    let secure = ctx.secure;
    if set_csrf_cookie {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &ctx.anon_csrf, None, secure),
        );
    }
    if let Some(token) = &ctx.refreshed_session
        && !res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.as_bytes().starts_with(SESSION_COOKIE.as_bytes()))
    {
        let age = state.config.session_hours * 3600;
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, token, Some(age), secure),
        );
    }
    if ctx.flash.is_some() && !ctx.is_api && method == Method::GET && res.status() == StatusCode::OK {
        res.headers_mut()
            .append(header::SET_COOKIE, set_cookie(FLASH_COOKIE, "", Some(0), secure));
    }
    state
        .metrics
        .observe(&method, res.status(), started.elapsed(), &route);
    res
}

type BuildError = (RequestCtx, AppError);

async fn build(state: &AppState, req: Request) -> Result<(RequestCtx, bool, Request), BuildError> {
    let headers = req.headers().clone();
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
    let is_api = req.uri().path().starts_with("/api/");
    let lang = pick_lang(&headers, req.uri().query(), is_api);
    let ip = client_ip(&req, state.config.trust_proxy);
    let existing_csrf = cookie(&headers, CSRF_COOKIE)
        .filter(|v| v.len() == 64)
        .map(str::to_string);
    let set_csrf_cookie = existing_csrf.is_none() && !is_api;
    let flash = cookie(&headers, FLASH_COOKIE)
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    let mut ctx = RequestCtx {
        lang,
        session: None,
        token_user: None,
        anon_csrf: existing_csrf.unwrap_or_else(random_token),
        ip,
        path,
        is_api,
        flash,
        secure: is_secure(&headers, state),
        refreshed_session: None,
    };
    let internal = |ctx: &RequestCtx, e: lienket_store::StoreError| (ctx.clone(), AppError::from(e));

    // Machine clients: a personal API token. A wrong token is an error, not anonymity.
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let Some(token) = bearer {
        match state.store.user_by_api_token(&token_hash(token)).await {
            Ok(Some(user)) => ctx.token_user = Some(user),
            Ok(None) => return Err((ctx, AppError::Unauthenticated)),
            Err(e) => return Err(internal(&ctx, e)),
        }
    } else if let Some(cookie_value) = cookie(&headers, SESSION_COOKIE).filter(|v| !v.is_empty()) {
        let id = token_hash(cookie_value);
        match state.store.find_session(&id).await {
            Ok(Some(session)) => {
                // Slide the expiry, at most once every five minutes to spare the database.
                let now = lienket_store::now();
                if now - session.last_seen_at > time::Duration::minutes(5) {
                    let until = now + time::Duration::hours(state.config.session_hours);
                    match state.store.extend_session(&id, until).await {
                        Ok(()) => ctx.refreshed_session = Some(cookie_value.to_string()),
                        Err(e) => tracing::warn!(error = %e, "could not extend a session"),
                    }
                }
                ctx.session = Some(session);
            }
            Ok(None) => {}
            Err(e) => return Err(internal(&ctx, e)),
        }
    }

    let req = if is_unsafe(req.method()) && ctx.token_user.is_none() {
        if cross_site(&headers) {
            return Err((ctx, AppError::Csrf));
        }
        check_csrf(&ctx, req, state.config.max_body_bytes)
            .await
            .map_err(|e| (ctx.clone(), e))?
    } else {
        req
    };
    let mut req = req;
    req.extensions_mut().insert(ctx.clone());
    Ok((ctx, set_csrf_cookie, req))
}

async fn check_csrf(ctx: &RequestCtx, req: Request, limit: usize) -> Result<Request, AppError> {
    let expected = ctx.csrf().to_string();
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let query_token = req.uri().query().and_then(|q| form_value(q, "_csrf"));
    if let Some(t) = header_token.or(query_token) {
        return if constant_time_eq(&t, &expected) {
            Ok(req)
        } else {
            Err(AppError::Csrf)
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Csrf);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let token = form_value(&String::from_utf8_lossy(&bytes), "_csrf");
    if !token.is_some_and(|t| constant_time_eq(&t, &expected)) {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Renders an error as JSON (API) or as a page, in the request's language.
pub fn render_error(ctx: &RequestCtx, err: AppError) -> Response {
    let reference = if let AppError::Internal(cause) = &err {
        let reference = &random_token()[..8];
        tracing::error!(reference, error = format!("{cause:#}"), path = %ctx.path, "request failed");
        Some(reference.to_string())
    } else {
        None
    };
    let (key, args) = err.message_key();
    let message = ctx.lang.t_args(
        key,
        &args.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>(),
    );
    if ctx.is_api {
        let fields: Vec<serde_json::Value> = match &err {
            AppError::Invalid(findings) => findings
                .0
                .iter()
                .map(|f| serde_json::json!({"field": f.field, "code": f.key, "message": ctx.lang.finding(f)}))
                .collect(),
            AppError::Duplicate(field) => {
                vec![serde_json::json!({"field": field, "code": "err-duplicate", "message": message})]
            }
            _ => Vec::new(),
        };
        let body = serde_json::json!({
            "error": { "code": err.code(), "message": message, "fields": fields, "reference": reference }
        });
        let mut res = (err.status(), axum::Json(body)).into_response();
        if matches!(err, AppError::Unauthenticated) {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        return res;
    }
    if matches!(err, AppError::Unauthenticated) {
        let next = if ctx.path.starts_with('/') {
            ctx.path.clone()
        } else {
            "/".into()
        };
        let to = format!("/login?next={}", crate::pages::urlencode(&next));
        return (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    }
    pages::error_page(ctx, err.status(), message, reference)
}

/// Navigation choices for the layout, decided by the policy.
impl RequestCtx {
    /// Whether to show the staff dashboard link.
    pub fn nav_dashboard(&self) -> bool {
        self.can(Action::View, Resource::Dashboard)
    }

    /// Whether to show the coordination programme link.
    pub fn nav_programmes(&self) -> bool {
        self.can(Action::View, Resource::Programme { signatories: &[] })
    }

    /// Whether to show the member registry link.
    pub fn nav_registry(&self) -> bool {
        self.can(Action::View, Resource::Registry)
    }

    /// The organisation a representative speaks for.
    pub fn own_organisation(&self) -> Option<lienket_domain::ids::OrganisationId> {
        self.user().and_then(|u| u.role.organisation())
    }

    /// Whether to show the account administration link.
    pub fn nav_users(&self) -> bool {
        self.can(Action::Create, Resource::Users)
    }

    /// Whether to show the audit log link.
    pub fn nav_audit(&self) -> bool {
        self.can(Action::View, Resource::AuditLog)
    }

    /// The language to offer in the switch.
    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// Whether `href` is the current section (for `aria-current`).
    pub fn is_current(&self, href: &str) -> bool {
        let path = self.path.split('?').next().unwrap_or("");
        if href == "/" {
            path == "/"
        } else {
            path.starts_with(href)
        }
    }
}
