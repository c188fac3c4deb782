//! Account administration (admins only): list, create, edit role and state, reset password.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use lienket_domain::account::{NewAccountForm, check_password};
use lienket_domain::ids::{AllianceId, OrganisationId, UserId};
use lienket_domain::policy::{Action, Resource};
use lienket_domain::role::{Role, RoleKind};
use lienket_domain::validate::{Findings, clean_text, parse_email};
use lienket_store::{NewUser, Page, PageRequest, User, UserUpdate};
use serde::Deserialize;

use super::{FieldView, FormView, form_page, form_version, html, no_store, pager, redirect_with_flash};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::security::hash_password;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list))
        .route("/admin/users/new", get(new_form).post(create))
        .route("/admin/users/{id}", get(edit_form).post(update))
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    page: Page<User>,
    pager: String,
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Users)?;
    let page = state.store.list_users(PageRequest::new(q.page, Some(50))).await?;
    let pager = pager(&ctx, "/admin/users", "", page.page, page.pages());
    Ok(no_store(html(&ListPage {
        ctx: &ctx,
        page,
        pager,
    })?))
}

fn role_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    RoleKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                ctx.t(&format!("role-{}", k.as_str().replace('_', "-"))),
            )
        })
        .collect()
}

async fn scope_options(state: &AppState) -> AppResult<(Vec<(String, String)>, Vec<(String, String)>)> {
    let alliances = state
        .store
        .list_alliances()
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a.short_name))
        .collect();
    let organisations = state
        .store
        .list_organisations(None)
        .await?
        .into_iter()
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    Ok((alliances, organisations))
}

/// The account form as posted (new and edit share it).
#[derive(Deserialize, Default)]
struct Posted {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    alliance_id: String,
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    version: String,
}

fn opt_id(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

async fn view(
    state: &AppState,
    ctx: &RequestCtx,
    p: &Posted,
    editing: Option<(UserId, i32)>,
) -> AppResult<FormView> {
    let (alliances, organisations) = scope_options(state).await?;
    let mut fields = Vec::new();
    if editing.is_none() {
        fields.push(
            FieldView::new(ctx, "username", &p.username, "text")
                .required()
                .hint(ctx.t("hint-username")),
        );
    }
    fields.push(FieldView::new(ctx, "display_name", &p.display_name, "text").required());
    fields.push(FieldView::new(ctx, "email", &p.email, "email"));
    let password_hint = ctx.t(if editing.is_some() {
        "hint-password-reset"
    } else {
        "password-hint"
    });
    let mut password = FieldView::new(ctx, "password", "", "password").hint(password_hint);
    password.required = editing.is_none();
    fields.push(password);
    fields.push(
        FieldView::new(ctx, "role", &p.role, "text")
            .required()
            .select(role_options(ctx)),
    );
    fields.push(
        FieldView::new(ctx, "alliance_id", &p.alliance_id, "text")
            .select(alliances)
            .hint(ctx.t("hint-role-alliance")),
    );
    fields.push(
        FieldView::new(ctx, "organisation_id", &p.organisation_id, "text")
            .select(organisations)
            .hint(ctx.t("hint-role-organisation")),
    );
    if editing.is_some() {
        fields.push(FieldView::new(
            ctx,
            "active",
            if p.active.is_some() { "on" } else { "" },
            "checkbox",
        ));
    }
    let (heading, action, version) = match editing {
        Some((id, v)) => (ctx.t("page-user-edit"), format!("/admin/users/{id}"), v),
        None => (ctx.t("action-new-user"), "/admin/users/new".to_string(), 0),
    };
    Ok(FormView {
        heading,
        action,
        cancel: "/admin/users".into(),
        version,
        notice: None,
        fields,
    })
}

async fn new_form(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    ctx.require(Action::Create, Resource::Users)?;
    let v = view(&state, &ctx, &Posted::default(), None).await?;
    form_page(&ctx, v, StatusCode::OK)
}

/// Checks that a scoped role points at an existing alliance or organisation.
pub(crate) async fn check_scope(
    state: &AppState,
    f: &mut Findings,
    role: RoleKind,
    alliance: Option<i64>,
    org: Option<i64>,
) -> AppResult<Option<Role>> {
    if let (RoleKind::AllianceStaff, Some(a)) = (role, alliance)
        && state.store.get_alliance(AllianceId(a)).await.is_err()
    {
        f.add("alliance_id", "err-alliance-unknown");
    }
    if let (RoleKind::OrganisationRep, Some(o)) = (role, org)
        && state.store.get_organisation(OrganisationId(o)).await.is_err()
    {
        f.add("organisation_id", "err-organisation-unknown");
    }
    Ok(Role::from_parts(
        role,
        alliance.map(AllianceId),
        org.map(OrganisationId),
    ))
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(p): Form<Posted>,
) -> AppResult<Response> {
    ctx.require(Action::Create, Resource::Users)?;
    let form = NewAccountForm {
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        email: p.email.clone(),
        password: p.password.clone(),
        role: p.role.clone(),
        alliance_id: opt_id(&p.alliance_id),
        organisation_id: opt_id(&p.organisation_id),
    };
    let parsed = form.parse();
    let mut findings = parsed.as_ref().err().cloned().unwrap_or_default();
    let role = match &parsed {
        Ok(a) => {
            check_scope(
                &state,
                &mut findings,
                a.role,
                form.alliance_id,
                form.organisation_id,
            )
            .await?
        }
        Err(_) => None,
    };
    let (Ok(account), Some(role), true) = (parsed, role, findings.is_empty()) else {
        let v = view(&state, &ctx, &p, None).await?.with_findings(&ctx, &findings);
        return form_page(&ctx, v, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let password_hash = hash_password(account.password.clone()).await?;
    let new = NewUser {
        username: account.username,
        display_name: account.display_name,
        email: account.email,
        password_hash,
        role,
    };
    match state.store.create_user(&ctx.actor(), &new).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, "/admin/users", "flash-created")),
        Err(lienket_store::StoreError::Duplicate(_)) => {
            let mut f = Findings::default();
            f.add("username", "err-username-taken");
            let v = view(&state, &ctx, &p, None).await?.with_findings(&ctx, &f);
            form_page(&ctx, v, StatusCode::CONFLICT)
        }
        Err(e) => Err(e.into()),
    }
}

fn parse_user_id(raw: &str) -> Result<UserId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.require(Action::Update, Resource::Users)?;
    let user = state.store.get_user(parse_user_id(&id)?).await?;
    let p = Posted {
        display_name: user.display_name.clone(),
        email: user.email.clone().unwrap_or_default(),
        role: user.role.kind().as_str().into(),
        alliance_id: user.role.alliance().map(|a| a.to_string()).unwrap_or_default(),
        organisation_id: user
            .role
            .organisation()
            .map(|o| o.to_string())
            .unwrap_or_default(),
        active: user.active.then(|| "on".into()),
        ..Default::default()
    };
    let mut v = view(&state, &ctx, &p, Some((user.id, user.version))).await?;
    v.heading = format!("{} — {}", ctx.t("page-user-edit"), user.username);
    form_page(&ctx, v, StatusCode::OK)
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<Posted>,
) -> AppResult<Response> {
    ctx.require(Action::Update, Resource::Users)?;
    let id = parse_user_id(&id)?;
    let user = state.store.get_user(id).await?;
    let version = form_version(&p.version);
    let mut f = Findings::default();
    let display_name = f.required("display_name", &p.display_name, 120);
    let email = if p.email.trim().is_empty() {
        None
    } else {
        let e = parse_email(&p.email);
        if e.is_none() {
            f.add("email", "err-email");
        }
        e
    };
    if !p.password.is_empty() {
        check_password(&mut f, "password", &p.password, &user.username);
    }
    let role = match RoleKind::parse(&p.role) {
        Some(kind) => {
            let role = check_scope(
                &state,
                &mut f,
                kind,
                opt_id(&p.alliance_id),
                opt_id(&p.organisation_id),
            )
            .await?;
            if role.is_none() {
                f.add(
                    if kind == RoleKind::AllianceStaff {
                        "alliance_id"
                    } else {
                        "organisation_id"
                    },
                    if kind == RoleKind::AllianceStaff {
                        "err-role-needs-alliance"
                    } else {
                        "err-role-needs-organisation"
                    },
                );
            }
            role
        }
        None => {
            f.add("role", "err-role");
            None
        }
    };
    // An admin may not lock themselves out.
    let active = p.active.is_some();
    if id == ctx.require_user()?.id && (!active || role != Some(Role::Admin)) {
        f.add("role", "err-cannot-demote-self");
    }
    let Some(role) = role.filter(|_| f.is_empty()) else {
        let v = view(&state, &ctx, &p, Some((id, version)))
            .await?
            .with_findings(&ctx, &f);
        return form_page(&ctx, v, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let update = UserUpdate {
        display_name: clean_text(&display_name),
        email,
        role,
        active,
    };
    match state.store.update_user(&ctx.actor(), id, version, &update).await {
        Ok(_) => {}
        Err(lienket_store::StoreError::Conflict) => {
            let mut v = view(&state, &ctx, &p, Some((id, user.version))).await?;
            v.notice = Some(ctx.t("err-conflict"));
            return form_page(&ctx, v, StatusCode::CONFLICT);
        }
        Err(e) => return Err(e.into()),
    }
    if !p.password.is_empty() {
        let hash = hash_password(p.password.clone()).await?;
        state.store.set_password(&ctx.actor(), id, &hash, None).await?;
    }
    Ok(redirect_with_flash(&ctx, "/admin/users", "flash-saved"))
}
