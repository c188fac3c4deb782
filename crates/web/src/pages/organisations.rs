//! The member registry for staff: filtered list, detail with history, create, edit, status.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::ids::{AllianceId, OrganisationId};
use lienket_domain::organisation::{OrgKind, OrgStatus, OrganisationForm, Sector, parse_form_date};
use lienket_domain::policy::{Action, Resource};
use lienket_domain::role::Role;
use lienket_domain::validate::Findings;
use lienket_store::{
    Alliance, ChangeEntry, ChangeFilter, Organisation, OrganisationFilter, OrganisationSort, Page,
    PageRequest, StatusChange, StoreError,
};
use serde::Deserialize;

use super::{
    FieldView, FormView, form_page, form_version, html, no_store, pager, province_options,
    redirect_with_flash, urlencode,
};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisations", get(list))
        .route("/organisations/new", get(new_form).post(create))
        .route("/organisations/export", get(export))
        .route("/organisations/{id}", get(show))
        .route("/organisations/{id}/edit", get(edit_form).post(update))
        .route("/organisations/{id}/status", post(change_status))
        .route("/organisations/{id}/memberships", post(add_membership))
        .route(
            "/organisations/{id}/memberships/{alliance}/remove",
            post(remove_membership),
        )
}

/// The list's query string: filters, sort and page, all as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    /// Words to search.
    pub q: String,
    /// Alliance id.
    pub alliance: String,
    /// 2025 province code.
    pub province: String,
    /// Kind.
    pub kind: String,
    /// Sector.
    pub sector: String,
    /// Status.
    pub status: String,
    /// Founded from (dd/mm/yyyy or a year).
    pub founded_from: String,
    /// Founded to (dd/mm/yyyy or a year).
    pub founded_to: String,
    /// `yes`: with OCOP products; `no`: without.
    pub ocop: String,
    /// name, code, founded, members, capital, updated.
    pub sort: String,
    /// asc or desc.
    pub dir: String,
    /// Page (text: serde cannot read numbers inside a flattened query).
    pub page: String,
}

/// A bound of the founding-date filter: a date, or a year (its first or last day).
fn date_bound(raw: &str, end: bool) -> Result<Option<String>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.len() == 4 && raw.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Some(format!("{raw}-{}", if end { "12-31" } else { "01-01" })));
    }
    parse_form_date(raw)
        .map(|(y, m, d)| Some(format!("{y:04}-{m:02}-{d:02}")))
        .ok_or(())
}

impl ListQuery {
    /// The store filter; staff are held to their own alliance whatever the query says.
    /// Returns the filter and the catalogue key of a notice about an unreadable date.
    pub fn filter(&self, ctx: &RequestCtx) -> (OrganisationFilter, Option<&'static str>) {
        let mut notice = None;
        let mut bound = |raw: &str, end| {
            date_bound(raw, end).unwrap_or_else(|()| {
                notice = Some("err-filter-date");
                None
            })
        };
        let founded_from = bound(&self.founded_from, false);
        let founded_to = bound(&self.founded_to, true);
        let own_alliance = ctx.user().and_then(|u| u.role.alliance());
        let filter = OrganisationFilter {
            alliance: own_alliance.or_else(|| self.alliance.trim().parse().ok().map(AllianceId)),
            province_code: Some(self.province.trim().to_string()).filter(|p| !p.is_empty()),
            kind: OrgKind::parse(&self.kind),
            sector: Sector::parse(&self.sector).filter(|_| !self.sector.trim().is_empty()),
            status: OrgStatus::parse(&self.status),
            founded_from,
            founded_to,
            query: Some(self.q.chars().take(200).collect::<String>()).filter(|q| !q.trim().is_empty()),
            has_ocop_products: match self.ocop.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
        };
        (filter, notice)
    }

    /// The sort order and direction.
    pub fn sort(&self) -> (OrganisationSort, bool) {
        let sort = match self.sort.as_str() {
            "code" => OrganisationSort::Code,
            "founded" => OrganisationSort::Founded,
            "members" => OrganisationSort::Members,
            "capital" => OrganisationSort::Capital,
            "updated" => OrganisationSort::Updated,
            _ => OrganisationSort::Name,
        };
        (sort, self.dir == "desc")
    }

    /// The query string without page, sort and direction.
    pub fn filter_query(&self) -> String {
        [
            ("q", &self.q),
            ("alliance", &self.alliance),
            ("province", &self.province),
            ("kind", &self.kind),
            ("sector", &self.sector),
            ("status", &self.status),
            ("founded_from", &self.founded_from),
            ("founded_to", &self.founded_to),
            ("ocop", &self.ocop),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("&{k}={}", urlencode(v)))
        .collect()
    }
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    q: ListQuery,
    page: Page<Organisation>,
    pager: String,
    can_create: bool,
    alliances: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    sectors: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    filter_notice: Option<String>,
}

impl ListPage<'_> {
    fn sort_link(&self, column: &str) -> String {
        let dir = if self.q.sort == column && self.q.dir != "desc" {
            "desc"
        } else {
            "asc"
        };
        format!("/organisations?sort={column}&dir={dir}{}", self.q.filter_query())
    }
}

pub(crate) fn kind_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    OrgKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), ctx.t(k.label_key())))
        .collect()
}

pub(crate) fn sector_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    Sector::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), ctx.t(s.label_key())))
        .collect()
}

pub(crate) fn status_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    OrgStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), ctx.t(s.label_key())))
        .collect()
}

async fn alliance_options(state: &AppState) -> AppResult<Vec<(String, String)>> {
    Ok(state
        .store
        .alliance_choices()
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a.short_name))
        .collect())
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Registry)?;
    let (filter, notice) = q.filter(&ctx);
    let (sort, desc) = q.sort();
    let page = state
        .store
        .search_organisations(
            &filter,
            sort,
            desc,
            PageRequest::new(q.page.trim().parse().ok(), Some(50)),
        )
        .await?;
    let extra = format!(
        "&sort={}&dir={}{}",
        urlencode(&q.sort),
        urlencode(&q.dir),
        q.filter_query()
    );
    let pager = pager(&ctx, "/organisations", &extra, page.page, page.pages());
    let alliances = if ctx.user().and_then(|u| u.role.alliance()).is_some() {
        Vec::new()
    } else {
        alliance_options(&state).await?
    };
    let view = ListPage {
        ctx: &ctx,
        page,
        pager,
        can_create: ctx.can(Action::Create, Resource::Registry),
        alliances,
        provinces: province_options(),
        kinds: kind_options(&ctx),
        sectors: sector_options(&ctx),
        statuses: status_options(&ctx),
        filter_notice: notice.map(|k| ctx.t(k)),
        q,
    };
    Ok(no_store(html(&view)?))
}

fn parse_id(raw: &str) -> Result<OrganisationId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct ShowPage<'a> {
    ctx: &'a RequestCtx,
    o: Organisation,
    alliance: Option<Alliance>,
    address_2025: String,
    legacy_address: Option<String>,
    history: Vec<StatusChange>,
    products: Vec<lienket_store::Product>,
    audit: Option<Vec<ChangeEntry>>,
    can_edit: bool,
    can_change_status: bool,
    statuses: Vec<(String, String)>,
    status_error: Option<String>,
    /// Other alliances: (alliance, since `dd/mm/yyyy`, recorded by).
    memberships: Vec<(Alliance, Option<String>, String)>,
    /// Alliances it could join, when the viewer may record memberships.
    joinable: Vec<(String, String)>,
    membership_error: Option<String>,
}

/// Which form on the detail page a message belongs to.
enum Problem {
    Status(String),
    Membership(String),
}

/// "Phường Hà Đông, Thành phố Hà Nội" from the stored 2025 codes.
fn address_2025(o: &Organisation) -> String {
    let units = lienket_domain::admin_units::units();
    let ward = o
        .ward_code
        .as_deref()
        .and_then(|c| units.ward_2025(c))
        .map(|w| w.name);
    let province = o
        .province_code
        .as_deref()
        .and_then(|c| units.province_2025(c))
        .map(|p| p.name);
    let parts: Vec<&str> = [ward, province].into_iter().flatten().collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

fn legacy_address(o: &Organisation) -> Option<String> {
    let units = lienket_domain::admin_units::units();
    let ward = units.legacy_ward(o.legacy_ward_code.as_deref()?)?;
    let district = units
        .legacy_district(ward.district_code)
        .map(|d| d.name)
        .unwrap_or_default();
    let province = units
        .legacy_province(ward.province_code)
        .map(|p| p.name)
        .unwrap_or_default();
    Some(format!("{}, {district}, {province}", ward.name))
}

async fn render_show(
    state: &AppState,
    ctx: &RequestCtx,
    o: Organisation,
    problem: Option<Problem>,
    status: StatusCode,
) -> AppResult<Response> {
    let all = state.store.list_alliances().await?;
    let alliance = o
        .alliance_id
        .and_then(|a| all.iter().find(|x| x.id == a).cloned());
    let memberships = state
        .store
        .memberships(o.id)
        .await?
        .into_iter()
        .filter_map(|m| {
            let a = all.iter().find(|x| x.id == m.alliance_id)?.clone();
            Some((a, m.joined_on.map(|d| super::date_vn(&d)), m.actor_name))
        })
        .collect();
    let can_change_status = ctx.can(Action::Review, o.resource());
    let joinable = if can_change_status {
        all.iter()
            .filter(|a| Some(a.id) != o.alliance_id && !o.member_of.contains(&a.id))
            .map(|a| (a.id.to_string(), a.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let (status_error, membership_error) = match problem {
        Some(Problem::Status(m)) => (Some(m), None),
        Some(Problem::Membership(m)) => (None, Some(m)),
        None => (None, None),
    };
    let history = state.store.status_history(o.id).await?;
    let audit = if ctx.can(Action::View, Resource::AuditLog) || ctx.can(Action::Update, o.resource()) {
        let filter = ChangeFilter {
            entity: Some("organisation".into()),
            entity_key: Some(o.id.to_string()),
            ..Default::default()
        };
        Some(
            state
                .store
                .list_changes(&filter, PageRequest::new(Some(1), Some(30)))
                .await?
                .items,
        )
    } else {
        None
    };
    let products = state.store.products_of(o.id, false).await?;
    let page = ShowPage {
        ctx,
        products,
        address_2025: address_2025(&o),
        legacy_address: legacy_address(&o),
        can_edit: ctx.can(Action::Update, o.resource()),
        can_change_status,
        statuses: status_options(ctx),
        alliance,
        history,
        audit,
        status_error,
        memberships,
        joinable,
        membership_error,
        o,
    };
    let mut res = no_store(html(&page)?);
    *res.status_mut() = status;
    Ok(res)
}

async fn show(State(state): State<AppState>, ctx: RequestCtx, Path(id): Path<String>) -> AppResult<Response> {
    let o = state.store.get_organisation(parse_id(&id)?).await?;
    ctx.require(Action::View, o.resource())?;
    render_show(&state, &ctx, o, None, StatusCode::OK).await
}

/// The form as posted (organisation fields, the version, the alliance for admins).
#[derive(Deserialize, Default)]
struct Posted {
    #[serde(flatten)]
    form: OrganisationForm,
    #[serde(default)]
    version: String,
    #[serde(default)]
    alliance_id: String,
}

fn form_view(
    ctx: &RequestCtx,
    heading: String,
    action: String,
    cancel: String,
    f: &OrganisationForm,
    version: i32,
    alliances: Option<(Vec<(String, String)>, String)>,
) -> FormView {
    let mut fields = Vec::new();
    if let Some((options, selected)) = alliances {
        fields.push(
            FieldView::new(ctx, "alliance_id", selected, "text")
                .required()
                .select(options),
        );
    }
    fields.extend([
        FieldView::new(ctx, "kind", &f.kind, "text")
            .required()
            .select(kind_options(ctx)),
        FieldView::new(ctx, "registration_code", &f.registration_code, "text")
            .hint(ctx.t("hint-registration-code")),
        FieldView::new(ctx, "name", &f.name, "text").required(),
        FieldView::new(ctx, "short_name", &f.short_name, "text"),
        FieldView::new(ctx, "sector", &f.sector, "text")
            .required()
            .select(sector_options(ctx)),
        FieldView::new(ctx, "founded_on", &f.founded_on, "text").hint(ctx.t("hint-date")),
        FieldView::new(ctx, "members_official", &f.members_official, "text")
            .required()
            .hint(ctx.t("hint-members-minimum")),
        FieldView::new(
            ctx,
            "members_associate_capital",
            &f.members_associate_capital,
            "text",
        ),
        FieldView::new(ctx, "members_associate_other", &f.members_associate_other, "text"),
        FieldView::new(ctx, "charter_capital", &f.charter_capital, "text").hint(ctx.t("hint-amount")),
        FieldView::new(ctx, "representative", &f.representative, "text"),
        FieldView::new(ctx, "representative_title", &f.representative_title, "text"),
        FieldView::new(ctx, "phone", &f.phone, "tel").hint(ctx.t("hint-phone")),
        FieldView::new(ctx, "email", &f.email, "email"),
        FieldView::new(ctx, "website", &f.website, "url"),
        FieldView::new(ctx, "address", &f.address, "text").hint(ctx.t("hint-address")),
    ]);
    FormView {
        heading,
        action,
        cancel,
        version,
        notice: None,
        fields,
    }
}

fn today() -> (i32, u8, u8) {
    let d = time::OffsetDateTime::now_utc().date();
    (d.year(), u8::from(d.month()), d.day())
}

/// Admins choose the alliance; staff register into their own.
async fn alliance_choice(
    state: &AppState,
    ctx: &RequestCtx,
    selected: &str,
) -> AppResult<Option<(Vec<(String, String)>, String)>> {
    Ok(match ctx.user().map(|u| u.role) {
        Some(Role::Admin) => Some((alliance_options(state).await?, selected.to_string())),
        _ => None,
    })
}

async fn new_form(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    ctx.require(Action::Create, Resource::Registry)?;
    let alliances = alliance_choice(&state, &ctx, "").await?;
    let f = OrganisationForm {
        kind: "cooperative".into(),
        ..Default::default()
    };
    let view = form_view(
        &ctx,
        ctx.t("action-new-organisation"),
        "/organisations/new".into(),
        "/organisations".into(),
        &f,
        0,
        alliances,
    );
    form_page(&ctx, view, StatusCode::OK)
}

fn duplicate_code() -> Findings {
    let mut f = Findings::default();
    f.add("registration_code", "err-registration-code-taken");
    f
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(p): Form<Posted>,
) -> AppResult<Response> {
    ctx.require(Action::Create, Resource::Registry)?;
    let alliances = alliance_choice(&state, &ctx, &p.alliance_id).await?;
    let alliance = match ctx.user().map(|u| u.role) {
        Some(Role::AllianceStaff { alliance }) => Some(alliance),
        _ => p.alliance_id.trim().parse().ok().map(AllianceId),
    };
    let view = |alliances| {
        form_view(
            &ctx,
            ctx.t("action-new-organisation"),
            "/organisations/new".into(),
            "/organisations".into(),
            &p.form,
            0,
            alliances,
        )
    };
    let mut findings = Findings::default();
    if alliance.is_none() {
        findings.add("alliance_id", "err-required");
    }
    let parsed = p.form.parse(today());
    let input = match (parsed, findings.is_empty()) {
        (Ok(input), true) => input,
        (Ok(_), false) => {
            return form_page(
                &ctx,
                view(alliances).with_findings(&ctx, &findings),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        (Err(mut f), _) => {
            f.0.extend(findings.0);
            return form_page(
                &ctx,
                view(alliances).with_findings(&ctx, &f),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match state
        .store
        .create_organisation(&ctx.actor(), alliance, &input)
        .await
    {
        Ok(o) => Ok(redirect_with_flash(
            &ctx,
            &format!("/organisations/{}", o.id),
            "flash-created",
        )),
        Err(StoreError::Duplicate(_)) => form_page(
            &ctx,
            view(alliances).with_findings(&ctx, &duplicate_code()),
            StatusCode::CONFLICT,
        ),
        Err(e) => Err(e.into()),
    }
}

fn to_form(o: &Organisation) -> OrganisationForm {
    OrganisationForm {
        kind: o.kind.as_str().into(),
        registration_code: o.registration_code.clone().unwrap_or_default(),
        name: o.name.clone(),
        short_name: o.short_name.clone().unwrap_or_default(),
        sector: o.sector.as_str().into(),
        founded_on: o.founded_on.as_deref().map(super::date_vn).unwrap_or_default(),
        members_official: o.members.official.to_string(),
        members_associate_capital: o.members.associate_with_capital.to_string(),
        members_associate_other: o.members.associate_without_capital.to_string(),
        charter_capital: o.charter_capital.map(|c| c.to_string()).unwrap_or_default(),
        representative: o.representative.clone().unwrap_or_default(),
        representative_title: o.representative_title.clone().unwrap_or_default(),
        phone: o.phone.clone().unwrap_or_default(),
        email: o.email.clone().unwrap_or_default(),
        website: o.website.clone().unwrap_or_default(),
        address: o.address.clone().unwrap_or_default(),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let o = state.store.get_organisation(parse_id(&id)?).await?;
    ctx.require(Action::Update, o.resource())?;
    let view = form_view(
        &ctx,
        o.name.clone(),
        format!("/organisations/{}/edit", o.id),
        format!("/organisations/{}", o.id),
        &to_form(&o),
        o.version,
        None,
    );
    form_page(&ctx, view, StatusCode::OK)
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<Posted>,
) -> AppResult<Response> {
    let o = state.store.get_organisation(parse_id(&id)?).await?;
    ctx.require(Action::Update, o.resource())?;
    let mut p = p;
    if !ctx.can(Action::Review, o.resource()) {
        // A representative keeps the profile current; the legal identity (code and kind) is
        // changed by the alliance.
        p.form.registration_code = o.registration_code.clone().unwrap_or_default();
        p.form.kind = o.kind.as_str().into();
    }
    let version = form_version(&p.version);
    let view = |version| {
        form_view(
            &ctx,
            o.name.clone(),
            format!("/organisations/{}/edit", o.id),
            format!("/organisations/{}", o.id),
            &p.form,
            version,
            None,
        )
    };
    let input = match p.form.parse(today()) {
        Ok(input) => input,
        Err(f) => {
            return form_page(
                &ctx,
                view(version).with_findings(&ctx, &f),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match state
        .store
        .update_organisation(&ctx.actor(), o.id, version, &input)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/organisations/{}", o.id),
            "flash-saved",
        )),
        Err(StoreError::Conflict) => {
            // Keep what the user typed; offer the current version so saving again is a choice.
            let current = state.store.get_organisation(o.id).await?;
            let mut v = view(current.version);
            v.notice = Some(ctx.t("err-conflict"));
            form_page(&ctx, v, StatusCode::CONFLICT)
        }
        Err(StoreError::Duplicate(_)) => form_page(
            &ctx,
            view(version).with_findings(&ctx, &duplicate_code()),
            StatusCode::CONFLICT,
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    effective_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: String,
}

async fn change_status(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let o = state.store.get_organisation(parse_id(&id)?).await?;
    // Suspending or dissolving is the alliance's record of a legal fact, not the member's.
    ctx.require(Action::Review, o.resource())?;
    let status = OrgStatus::parse(&f.status);
    let date = parse_form_date(&f.effective_on).filter(|d| *d <= today());
    let reason = lienket_domain::validate::clean_text(&f.reason);
    let problem = if status.is_none() {
        Some("err-status")
    } else if date.is_none() {
        Some("err-date")
    } else if reason.is_empty() {
        Some("err-reason-required")
    } else {
        None
    };
    let (Some(status), Some(date), None) = (status, date, problem) else {
        let msg = ctx.t(problem.unwrap_or("err-bad-request"));
        return render_show(
            &state,
            &ctx,
            o,
            Some(Problem::Status(msg)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .store
        .change_organisation_status(
            &ctx.actor(),
            o.id,
            form_version(&f.version),
            status,
            date,
            Some(reason.chars().take(500).collect()),
        )
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/organisations/{}", o.id),
            "flash-saved",
        )),
        Err(StoreError::Conflict) => {
            let current = state.store.get_organisation(o.id).await?;
            render_show(
                &state,
                &ctx,
                current,
                Some(Problem::Status(ctx.t("err-conflict"))),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct MembershipForm {
    #[serde(default)]
    alliance: String,
    #[serde(default)]
    joined_on: String,
}

/// Records that the organisation also belongs to another alliance (the managing alliance's job).
async fn add_membership(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(f): Form<MembershipForm>,
) -> AppResult<Response> {
    let o = state.store.get_organisation(parse_id(&id)?).await?;
    ctx.require(Action::Review, o.resource())?;
    let alliance = f.alliance.trim().parse().ok().map(AllianceId);
    let joined = f.joined_on.trim();
    let date = if joined.is_empty() {
        Ok(None)
    } else {
        parse_form_date(joined)
            .filter(|d| *d <= today())
            .map(Some)
            .ok_or("err-date")
    };
    let result = match (alliance, date) {
        (None, _) => Err("err-membership-alliance"),
        (_, Err(key)) => Err(key),
        (Some(a), Ok(date)) => match state.store.add_membership(&ctx.actor(), o.id, a, date).await {
            Ok(()) => Ok(()),
            Err(StoreError::Duplicate(_)) => Err("err-membership-duplicate"),
            Err(StoreError::Reference) => Err("err-membership-alliance"),
            Err(e) => return Err(e.into()),
        },
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &ctx,
            &format!("/organisations/{}", o.id),
            "flash-saved",
        )),
        Err(key) => {
            render_show(
                &state,
                &ctx,
                o,
                Some(Problem::Membership(ctx.t(key))),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Ends a membership in another alliance.
async fn remove_membership(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, alliance)): Path<(String, String)>,
) -> AppResult<Response> {
    let o = state.store.get_organisation(parse_id(&id)?).await?;
    ctx.require(Action::Review, o.resource())?;
    let alliance = alliance.parse().map(AllianceId).map_err(|_| AppError::NotFound)?;
    state
        .store
        .remove_membership(&ctx.actor(), o.id, alliance)
        .await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/organisations/{}", o.id),
        "flash-saved",
    ))
}

/// Largest export (rows); beyond it the list must be filtered.
const MAX_EXPORT_ROWS: u64 = 200_000;

/// "Tỉnh, thành phố: Thành phố Hà Nội; Loại hình: Hợp tác xã" for the export's subtitle.
fn describe_filter(ctx: &RequestCtx, q: &ListQuery) -> String {
    let mut parts = Vec::new();
    let mut add = |label: &str, value: String| {
        if !value.is_empty() {
            parts.push(format!("{}: {value}", ctx.t(label)));
        }
    };
    add("filter-search", q.q.trim().to_string());
    add(
        "field-province",
        if q.province.is_empty() {
            String::new()
        } else {
            super::province_name(&q.province)
        },
    );
    add(
        "field-kind",
        OrgKind::parse(&q.kind)
            .map(|k| ctx.t(k.label_key()))
            .unwrap_or_default(),
    );
    add(
        "field-sector",
        Sector::parse(&q.sector)
            .filter(|_| !q.sector.is_empty())
            .map(|s| ctx.t(s.label_key()))
            .unwrap_or_default(),
    );
    add(
        "field-status",
        OrgStatus::parse(&q.status)
            .map(|s| ctx.t(s.label_key()))
            .unwrap_or_default(),
    );
    add("filter-founded-from", q.founded_from.clone());
    add("filter-founded-to", q.founded_to.clone());
    if parts.is_empty() {
        ctx.t("export-all")
    } else {
        parts.join("; ")
    }
}

#[derive(Deserialize, Default)]
struct ExportQuery {
    #[serde(default)]
    format: String,
    #[serde(flatten)]
    list: ListQuery,
}

async fn export(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    use lienket_office::{ColumnKind, ExportCell, ExportColumn};
    ctx.require(Action::View, Resource::Registry)?;
    let (filter, _) = q.list.filter(&ctx);
    let (sort, desc) = q.list.sort();
    let rows = state
        .store
        .export_organisations(&filter, sort, desc, MAX_EXPORT_ROWS)
        .await?;
    let alliances = state.store.list_alliances().await?;
    let col = |key: &str, kind, width| ExportColumn {
        header: ctx.t(key),
        kind,
        width,
    };
    let columns = vec![
        col("col-no", ColumnKind::Integer, 6.0),
        col("field-registration-code", ColumnKind::Text, 14.0),
        col("field-name", ColumnKind::Text, 42.0),
        col("field-kind", ColumnKind::Text, 16.0),
        col("field-sector", ColumnKind::Text, 22.0),
        col("field-founded-on", ColumnKind::Date, 13.0),
        col("field-members-official", ColumnKind::Integer, 12.0),
        col("field-members-associate-capital", ColumnKind::Integer, 12.0),
        col("field-members-associate-other", ColumnKind::Integer, 12.0),
        col("field-charter-capital", ColumnKind::Money, 18.0),
        col("field-representative", ColumnKind::Text, 24.0),
        col("field-phone", ColumnKind::Text, 15.0),
        col("field-email", ColumnKind::Text, 24.0),
        col("field-address", ColumnKind::Text, 40.0),
        col("field-province", ColumnKind::Text, 22.0),
        col("field-address-2025", ColumnKind::Text, 36.0),
        col("field-alliance-id", ColumnKind::Text, 18.0),
        col("field-member-of", ColumnKind::Text, 22.0),
        col("field-status", ColumnKind::Text, 16.0),
    ];
    let text = |v: &Option<String>| v.clone().map_or(ExportCell::Empty, ExportCell::Text);
    let cells: Vec<Vec<ExportCell>> = rows
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let date = o.founded_on.as_deref().and_then(|d| {
                let y = d.get(0..4)?.parse().ok()?;
                let m = d.get(5..7)?.parse().ok()?;
                let day = d.get(8..10)?.parse().ok()?;
                Some(ExportCell::Date(y, m, day))
            });
            vec![
                ExportCell::Integer(i as i64 + 1),
                text(&o.registration_code),
                ExportCell::Text(o.name.clone()),
                ExportCell::Text(ctx.t(o.kind.label_key())),
                ExportCell::Text(ctx.t(o.sector.label_key())),
                date.unwrap_or(ExportCell::Empty),
                ExportCell::Integer(i64::from(o.members.official)),
                ExportCell::Integer(i64::from(o.members.associate_with_capital)),
                ExportCell::Integer(i64::from(o.members.associate_without_capital)),
                o.charter_capital.map_or(ExportCell::Empty, ExportCell::Money),
                text(&o.representative),
                o.phone.as_deref().map_or(ExportCell::Empty, |p| {
                    ExportCell::Text(lienket_domain::validate::phone_display(p))
                }),
                text(&o.email),
                text(&o.address),
                o.province_code
                    .as_deref()
                    .map_or(ExportCell::Empty, |p| ExportCell::Text(super::province_name(p))),
                ExportCell::Text(address_2025(o)),
                o.alliance_id
                    .and_then(|a| alliances.iter().find(|x| x.id == a))
                    .map_or(ExportCell::Empty, |a| ExportCell::Text(a.short_name.clone())),
                if o.member_of.is_empty() {
                    ExportCell::Empty
                } else {
                    let names: Vec<&str> = o
                        .member_of
                        .iter()
                        .filter_map(|m| alliances.iter().find(|x| x.id == *m))
                        .map(|a| a.short_name.as_str())
                        .collect();
                    ExportCell::Text(names.join(", "))
                },
                ExportCell::Text(ctx.t(o.status.label_key())),
            ]
        })
        .collect();
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    let stamp = format!(
        "{:04}{:02}{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    if q.format == "csv" {
        let bytes = lienket_office::write_csv(&columns, &cells);
        return super::attachment(
            &format!("so-thanh-vien-{stamp}.csv"),
            "text/csv; charset=utf-8",
            bytes,
        );
    }
    let subtitle = format!(
        "{} — {} {:02}/{:02}/{} — {}",
        describe_filter(&ctx, &q.list),
        ctx.t("export-date"),
        today.day(),
        u8::from(today.month()),
        today.year(),
        ctx.t1("list-count", "count", rows.len())
    );
    let bytes = lienket_office::write_xlsx(
        &ctx.t("export-registry-title"),
        &subtitle,
        "So thanh vien",
        &columns,
        &cells,
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("export: {e:?}")))?;
    super::attachment(
        &format!("so-thanh-vien-{stamp}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
}
