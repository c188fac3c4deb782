//! Support requests (tư vấn – hỗ trợ): a cooperative asks, its alliance's staff take the request
//! and answer it in a thread; everyone sees the requests of their own scope, with the
//! response-time figures of the year.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::policy::{Action, Resource};
use lienket_domain::role::Role;
use lienket_domain::support::{
    ANSWER_TARGET_HOURS, ResponseTimes, SupportRequestForm, SupportStatus, SupportTopic, message,
};
use lienket_domain::validate::Findings;
use lienket_store::{
    Organisation, Page, PageRequest, StoreError, SupportChange, SupportFilter, SupportMessage,
    SupportRequest, SupportRow, SupportScope, SupportSort,
};
use serde::Deserialize;

use super::{form_version, html, no_store, pager, redirect_with_flash, urlencode};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/support", get(list).post(create))
        .route("/support/new", get(new_form))
        .route("/support/export", get(export))
        .route("/support/{id}", get(show))
        .route("/support/{id}/messages", post(reply))
        .route("/support/{id}/assign", post(assign))
        .route("/support/{id}/close", post(close))
        .route("/support/{id}/reopen", post(reopen))
}

/// This year in Vietnam.
fn this_year() -> i32 {
    super::products::today_date().year()
}

/// The requests a user sees: an organisation's own, an alliance's, or every one.
pub(crate) fn scope_of(ctx: &RequestCtx) -> AppResult<SupportScope> {
    let user = ctx.require_user()?;
    ctx.require(Action::View, Resource::SupportDesk)?;
    Ok(match user.role {
        Role::OrganisationRep { organisation } => SupportScope::Organisation(organisation),
        Role::AllianceStaff { alliance } => SupportScope::Alliance(alliance),
        Role::Coordinator | Role::Admin => SupportScope::All,
    })
}

fn resource(r: &SupportRequest) -> Resource<'static> {
    Resource::SupportRequest {
        organisation: r.organisation_id,
        alliance: r.alliance_id,
    }
}

/// Whether the signed-in user answers for an alliance (staff, coordinators, administrators)
/// rather than asking for an organisation.
pub(crate) fn answers(ctx: &RequestCtx) -> bool {
    ctx.user()
        .is_some_and(|u| !matches!(u.role, Role::OrganisationRep { .. }))
}

/// The name a message is signed with: the account's display name.
pub(crate) fn author(ctx: &RequestCtx) -> String {
    ctx.user().map(|u| u.display_name.clone()).unwrap_or_default()
}

fn topic_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    SupportTopic::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), ctx.t(t.label_key())))
        .collect()
}

/// "2,5 giờ" / "3,1 ngày".
pub(crate) fn hours_text(ctx: &RequestCtx, hours: f64) -> String {
    let one = |v: f64| format!("{v:.1}").replace('.', ",");
    if hours < 1.0 {
        ctx.t1("support-minutes", "n", (hours * 60.0).round().max(1.0))
    } else if hours < 48.0 {
        ctx.t1("support-hours", "n", one(hours))
    } else {
        ctx.t1("support-days", "n", one(hours / 24.0))
    }
}

/// Filters of the list as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ListQuery {
    status: String,
    topic: String,
    year: String,
    mine: String,
    sort: String,
    page: Option<u64>,
}

impl ListQuery {
    fn filter(&self, ctx: &RequestCtx) -> SupportFilter {
        SupportFilter {
            status: SupportStatus::parse(&self.status),
            waiting: self.status == "waiting",
            topic: SupportTopic::parse(&self.topic),
            assignee: (self.mine == "1").then(|| ctx.user().map(|u| u.id)).flatten(),
            year: self
                .year
                .trim()
                .parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y)),
            sort: match self.sort.as_str() {
                "newest" => SupportSort::Newest,
                "updated" => SupportSort::Updated,
                _ => SupportSort::Queue,
            },
        }
    }

    fn query_string(&self) -> String {
        format!(
            "&status={}&topic={}&year={}&mine={}&sort={}",
            urlencode(&self.status),
            urlencode(&self.topic),
            urlencode(&self.year),
            urlencode(&self.mine),
            urlencode(&self.sort)
        )
    }
}

#[derive(Template)]
#[template(path = "support_list.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    q: ListQuery,
    page: Page<SupportRow>,
    pager: String,
    export: String,
    statuses: Vec<(String, String)>,
    topics: Vec<(String, String)>,
    can_ask: bool,
    staff: bool,
    waiting: u64,
    year: i32,
    times: ResponseTimes,
    median: String,
    p90: String,
    target_hours: f64,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let scope = scope_of(&ctx)?;
    let filter = q.filter(&ctx);
    let page = state
        .store
        .support_requests(scope, &filter, PageRequest::new(q.page, Some(30)))
        .await?;
    let year = filter.year.unwrap_or_else(this_year);
    let times = state.store.support_response_times(scope, Some(year)).await?;
    let waiting = state.store.support_waiting(scope).await?;
    let extra = q.query_string();
    let mut statuses = vec![("waiting".to_string(), ctx.t("support-filter-waiting"))];
    statuses.extend(
        SupportStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), ctx.t(s.label_key()))),
    );
    let view = ListPage {
        pager: pager(&ctx, "/support", &extra, page.page, page.pages()),
        export: format!("/support/export?{}", extra.trim_start_matches('&')),
        statuses,
        topics: topic_options(&ctx),
        can_ask: ctx.can(Action::Create, Resource::SupportDesk) && ctx.own_organisation().is_some(),
        staff: answers(&ctx),
        waiting,
        year,
        median: times
            .median_hours
            .map(|h| hours_text(&ctx, h))
            .unwrap_or_else(|| "—".into()),
        p90: times
            .p90_hours
            .map(|h| hours_text(&ctx, h))
            .unwrap_or_else(|| "—".into()),
        target_hours: ANSWER_TARGET_HOURS,
        times,
        ctx: &ctx,
        q,
        page,
    };
    Ok(no_store(html(&view)?))
}

#[derive(Template)]
#[template(path = "support_new.html")]
struct NewPage<'a> {
    ctx: &'a RequestCtx,
    org: Organisation,
    form: SupportRequestForm,
    findings: Findings,
    topics: Vec<(String, String)>,
}

impl NewPage<'_> {
    fn error(&self, field: &str) -> Option<String> {
        self.findings
            .for_field(field)
            .next()
            .map(|f| self.ctx.lang.finding(f))
    }
}

/// The organisation a representative asks for.
pub(crate) async fn asking_organisation(state: &AppState, ctx: &RequestCtx) -> AppResult<Organisation> {
    ctx.require_user()?;
    ctx.require(Action::Create, Resource::SupportDesk)?;
    let org = ctx.own_organisation().ok_or(AppError::Forbidden)?;
    Ok(state.store.get_organisation(org).await?)
}

async fn new_form(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    let org = asking_organisation(&state, &ctx).await?;
    let view = NewPage {
        topics: topic_options(&ctx),
        ctx: &ctx,
        org,
        form: SupportRequestForm::default(),
        findings: Findings::default(),
    };
    Ok(no_store(html(&view)?))
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(form): Form<SupportRequestForm>,
) -> AppResult<Response> {
    let org = asking_organisation(&state, &ctx).await?;
    match form.parse() {
        Ok(new) => {
            let saved = state
                .store
                .create_support_request(&ctx.actor(), &author(&ctx), org.id, &new)
                .await?;
            Ok(redirect_with_flash(
                &ctx,
                &format!("/support/{}", saved.id),
                "flash-support-sent",
            ))
        }
        Err(findings) => {
            let view = NewPage {
                topics: topic_options(&ctx),
                ctx: &ctx,
                org,
                form,
                findings,
            };
            let mut res = html(&view)?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(no_store(res))
        }
    }
}

#[derive(Template)]
#[template(path = "support_request.html")]
struct ShowPage<'a> {
    ctx: &'a RequestCtx,
    request: SupportRequest,
    org: Organisation,
    messages: Vec<SupportMessage>,
    can_write: bool,
    can_assign: bool,
    /// Staff who may take the request (user id, name), and the id of the one who has it (0: nobody).
    staff: Vec<(i64, String)>,
    assigned: i64,
    reply: String,
    error: Option<String>,
    wait: Option<String>,
}

pub(crate) async fn load(
    state: &AppState,
    ctx: &RequestCtx,
    id: &str,
    action: Action,
) -> AppResult<SupportRequest> {
    ctx.require_user()?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let request = state.store.get_support_request(id).await?;
    if !ctx.can(Action::View, resource(&request)) {
        // Someone else's request does not exist, as far as this user can tell.
        return Err(AppError::NotFound);
    }
    ctx.require(action, resource(&request))?;
    Ok(request)
}

async fn show_page(
    state: &AppState,
    ctx: &RequestCtx,
    request: SupportRequest,
    reply: String,
    error: Option<String>,
) -> AppResult<Response> {
    let org = state.store.get_organisation(request.organisation_id).await?;
    let messages = state.store.support_messages(request.id).await?;
    let can_assign = ctx.can(Action::Review, resource(&request));
    let staff = if can_assign {
        state.store.support_staff(request.alliance_id).await?
    } else {
        Vec::new()
    };
    let staff = staff.into_iter().map(|(u, name)| (u.0, name)).collect();
    let failed = error.is_some();
    let request_assignee = request.assignee_id.map_or(0, |u| u.0);
    let view = ShowPage {
        can_write: ctx.can(Action::Update, resource(&request)),
        wait: request.answer_hours().map(|h| hours_text(ctx, h)),
        ctx,
        request,
        org,
        messages,
        can_assign,
        staff,
        assigned: request_assignee,
        reply,
        error,
    };
    let mut res = html(&view)?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(no_store(res))
}

async fn show(State(state): State<AppState>, ctx: RequestCtx, Path(id): Path<String>) -> AppResult<Response> {
    let request = load(&state, &ctx, &id, Action::View).await?;
    show_page(&state, &ctx, request, String::new(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReplyForm {
    body: String,
}

async fn reply(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(f): Form<ReplyForm>,
) -> AppResult<Response> {
    let request = load(&state, &ctx, &id, Action::Update).await?;
    let mut findings = Findings::default();
    let body = message(&mut findings, "body", &f.body);
    if let Some(finding) = findings.0.first() {
        let error = Some(ctx.lang.finding(finding));
        return show_page(&state, &ctx, request, f.body, error).await;
    }
    let change = SupportChange::Message {
        author: author(&ctx),
        body,
        from_staff: answers(&ctx),
    };
    match state
        .store
        .change_support_request(&ctx.actor(), request.id, None, change)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/support/{}#latest", request.id),
            "flash-support-replied",
        )),
        // Whatever went wrong with the request meanwhile, the text typed is shown again.
        Err(StoreError::Conflict) => {
            let request = state.store.get_support_request(request.id).await?;
            show_page(
                &state,
                &ctx,
                request,
                f.body,
                Some(ctx.t("flash-support-changed")),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AssignForm {
    assignee: String,
    version: String,
}

async fn assign(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(f): Form<AssignForm>,
) -> AppResult<Response> {
    let request = load(&state, &ctx, &id, Action::Review).await?;
    let who = match f.assignee.trim() {
        "" => None,
        raw => {
            let id: i64 = raw.parse().map_err(|_| AppError::BadRequest("err-bad-request"))?;
            let staff = state.store.support_staff(request.alliance_id).await?;
            // Only a staff member of the answering alliance may take it.
            let found = staff.iter().find(|(u, _)| u.0 == id).map(|(u, _)| *u);
            Some(found.ok_or(AppError::Refused("err-support-assignee"))?)
        }
    };
    changed(
        &state,
        &ctx,
        &request,
        Some(form_version(&f.version)),
        SupportChange::Assign(who),
        "flash-support-assigned",
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VersionForm {
    version: String,
}

async fn close(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    open_or_close(&state, &ctx, &id, &f, SupportChange::Close).await
}

async fn reopen(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    open_or_close(&state, &ctx, &id, &f, SupportChange::Reopen).await
}

/// Closes or reopens a request at the version its page showed.
async fn open_or_close(
    state: &AppState,
    ctx: &RequestCtx,
    id: &str,
    f: &VersionForm,
    change: SupportChange,
) -> AppResult<Response> {
    let request = load(state, ctx, id, Action::Update).await?;
    let flash = if change == SupportChange::Close {
        "flash-support-closed"
    } else {
        "flash-support-reopened"
    };
    let version = Some(form_version(&f.version));
    changed(state, ctx, &request, version, change, flash).await
}

/// Applies a change and goes back to the request, saying what happened (or that someone
/// changed it first).
async fn changed(
    state: &AppState,
    ctx: &RequestCtx,
    request: &SupportRequest,
    version: Option<i32>,
    change: SupportChange,
    flash: &str,
) -> AppResult<Response> {
    let back = format!("/support/{}", request.id);
    match state
        .store
        .change_support_request(&ctx.actor(), request.id, version, change)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(ctx, &back, flash)),
        Err(StoreError::Conflict) => Ok(redirect_with_flash(ctx, &back, "flash-support-changed")),
        Err(e) => Err(e.into()),
    }
}

/// The requests of the list's filters as a spreadsheet (every page).
async fn export(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    use lienket_office::{ColumnKind, ExportCell, ExportColumn};
    let scope = scope_of(&ctx)?;
    let filter = q.filter(&ctx);
    let mut rows = Vec::new();
    let mut page_no = 1;
    loop {
        let page = state
            .store
            .support_requests(scope, &filter, PageRequest::new(Some(page_no), Some(200)))
            .await?;
        let last = page_no >= page.pages();
        rows.extend(page.items);
        if last {
            break;
        }
        page_no += 1;
    }
    let col = |key: &str, kind, width| ExportColumn {
        header: ctx.t(key),
        kind,
        width,
    };
    let columns = vec![
        col("support-col-number", ColumnKind::Integer, 8.0),
        col("support-field-title", ColumnKind::Text, 40.0),
        col("support-field-topic", ColumnKind::Text, 22.0),
        col("col-organisation", ColumnKind::Text, 34.0),
        col("field-status", ColumnKind::Text, 16.0),
        col("support-col-asked", ColumnKind::Date, 12.0),
        col("support-col-answered", ColumnKind::Date, 12.0),
        col("support-col-wait-hours", ColumnKind::Decimal, 12.0),
        col("support-col-assignee", ColumnKind::Text, 22.0),
        col("support-col-messages", ColumnKind::Integer, 10.0),
    ];
    let date = |t: time::OffsetDateTime| {
        let t = t.to_offset(lienket_domain::event::VIETNAM);
        ExportCell::Date(t.year(), t.month() as u8, t.day())
    };
    let cells: Vec<Vec<ExportCell>> = rows
        .iter()
        .map(|row| {
            let r = &row.request;
            vec![
                ExportCell::Integer(r.id),
                ExportCell::Text(r.title.clone()),
                ExportCell::Text(ctx.t(r.topic.label_key())),
                ExportCell::Text(row.organisation_name.clone()),
                ExportCell::Text(ctx.t(r.status.label_key())),
                date(r.created_at),
                r.first_answered_at.map_or(ExportCell::Empty, date),
                r.answer_hours().map_or(ExportCell::Empty, |h| {
                    ExportCell::Decimal((h * 10.0).round() / 10.0)
                }),
                ExportCell::Text(r.assignee_name.clone().unwrap_or_default()),
                ExportCell::Integer(i64::from(r.messages)),
            ]
        })
        .collect();
    let title = ctx.t("page-support").to_uppercase();
    let subtitle = ctx.t1("list-count", "count", rows.len());
    let bytes = lienket_office::write_xlsx(&title, &subtitle, "Yeu cau", &columns, &cells)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("export: {e:?}")))?;
    super::attachment(
        "yeu-cau-tu-van-ho-tro.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
}
