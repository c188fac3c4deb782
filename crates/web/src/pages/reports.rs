//! Periodic activity reports: organisations file them, alliance staff review them and see who
//! has not reported, and everyone with registry access sees the aggregates.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::ids::OrganisationId;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::report::{DigitalAdoption, ReportForm, ReportPeriod, ReportStatus};
use lienket_domain::validate::{Findings, clean_text};
use lienket_store::{
    Organisation, Page, PageRequest, Report, ReportAggregate, ReportFilter, ReportGrouping, ReportRow,
    ReportSave, StoreError,
};
use serde::Deserialize;

use super::{
    FieldView, form_version, html, no_store, pager, province_name, redirect_with_flash, urlencode, vnd,
};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisations/{id}/reports", get(org_reports))
        .route(
            "/organisations/{id}/reports/{year}/{period}",
            get(show).post(save),
        )
        .route("/reports", get(review_list))
        .route("/reports/{id}/review", post(review))
        .route("/reports/missing", get(missing))
        .route("/reports/summary", get(summary))
        .route("/reports/summary/export", get(summary_export))
}

fn this_year() -> i32 {
    time::OffsetDateTime::now_utc().year()
}

fn period_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    ReportPeriod::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), ctx.t(p.label_key())))
        .collect()
}

/// "Hạn nộp: 15/12/2025 (còn 19 ngày)" or "(quá hạn 3 ngày)".
fn deadline_text(ctx: &RequestCtx, year: i32, period: ReportPeriod) -> String {
    let (y, m, d) = period.deadline(year);
    let date = format!("{d:02}/{m:02}/{y}");
    let today = time::OffsetDateTime::now_utc().date();
    let deadline = time::Month::try_from(m)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(y, m, d).ok());
    match deadline.map(|dl| (dl - today).whole_days()) {
        Some(days) if days >= 0 => ctx.lang.t_args(
            "report-deadline-left",
            &[("date", date), ("days", days.to_string())],
        ),
        Some(days) => ctx.lang.t_args(
            "report-deadline-over",
            &[("date", date), ("days", (-days).to_string())],
        ),
        None => date,
    }
}

fn tabs(ctx: &RequestCtx, current: &str) -> String {
    let items = [
        ("/reports", "tab-reports-review"),
        ("/reports/missing", "tab-reports-missing"),
        ("/reports/summary", "tab-reports-summary"),
    ];
    let mut out = String::from("<nav class=\"tabs\">");
    for (href, key) in items {
        let cur = if href == current {
            " aria-current=\"page\""
        } else {
            ""
        };
        out.push_str(&format!("<a href=\"{href}\"{cur}>{}</a>", ctx.t(key)));
    }
    out.push_str("</nav>");
    out
}

#[derive(Template)]
#[template(path = "org_reports.html")]
struct OrgReportsPage<'a> {
    ctx: &'a RequestCtx,
    org: Organisation,
    reports: Vec<Report>,
    can_edit: bool,
    starts: Vec<(i32, &'static str, String)>,
}

fn parse_org(raw: &str) -> Result<OrganisationId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

async fn org_reports(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let org = state.store.get_organisation(parse_org(&id)?).await?;
    ctx.require(Action::View, org.resource())?;
    let reports = state.store.reports_of(org.id).await?;
    let year = this_year();
    let starts = [
        (year, ReportPeriod::Year),
        (year, ReportPeriod::FirstHalf),
        (year - 1, ReportPeriod::Year),
    ]
    .into_iter()
    .filter(|(y, p)| !reports.iter().any(|r| r.year == *y && r.period == *p))
    .map(|(y, p)| {
        (
            y,
            p.as_str(),
            format!(
                "{} {} {y}",
                ctx.t("action-start-report"),
                ctx.t(p.label_key()).to_lowercase()
            ),
        )
    })
    .collect();
    let page = OrgReportsPage {
        ctx: &ctx,
        can_edit: ctx.can(Action::Update, org.resource()),
        org,
        reports,
        starts,
    };
    Ok(no_store(html(&page)?))
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    ctx: &'a RequestCtx,
    org: Organisation,
    heading: String,
    status: ReportStatus,
    deadline_text: String,
    report: Option<Report>,
    editable: bool,
    can_review: bool,
    version: i32,
    fields: Vec<FieldView>,
    digital: Vec<(&'static str, String, bool)>,
    form: ReportForm,
    notice: Option<String>,
}

const MONEY_FIELDS: [&str; 8] = [
    "revenue",
    "profit",
    "members_official",
    "members_associate",
    "workers",
    "average_income",
    "charter_capital",
    "member_services",
];

fn form_value<'a>(f: &'a ReportForm, name: &str) -> &'a str {
    match name {
        "revenue" => &f.revenue,
        "profit" => &f.profit,
        "members_official" => &f.members_official,
        "members_associate" => &f.members_associate,
        "workers" => &f.workers,
        "average_income" => &f.average_income,
        "charter_capital" => &f.charter_capital,
        _ => &f.member_services,
    }
}

#[allow(clippy::too_many_arguments)]
fn report_page<'a>(
    ctx: &'a RequestCtx,
    org: Organisation,
    year: i32,
    period: ReportPeriod,
    report: Option<Report>,
    form: ReportForm,
    findings: &Findings,
    notice: Option<String>,
) -> ReportPage<'a> {
    let status = report.as_ref().map_or(ReportStatus::Draft, |r| r.status);
    let can_edit = ctx.can(Action::Update, org.resource());
    let editable = can_edit && status.editable();
    let money = |n: &str| {
        matches!(
            n,
            "revenue" | "profit" | "average_income" | "charter_capital" | "member_services"
        )
    };
    let fields = MONEY_FIELDS
        .iter()
        .map(|name| {
            let raw = form_value(&form, name);
            let shown = if !editable && money(name) {
                raw.parse::<i64>()
                    .map(|v| format!("{} đ", vnd(&v)))
                    .unwrap_or(raw.to_string())
            } else {
                raw.to_string()
            };
            let mut f = FieldView::new(ctx, name, shown, "text");
            if money(name) {
                f = f.hint(ctx.t("hint-amount"));
            }
            let errors: Vec<String> = findings.for_field(name).map(|x| ctx.lang.finding(x)).collect();
            f.error = (!errors.is_empty()).then(|| errors.join(" "));
            f
        })
        .collect();
    let ticks = [
        &form.accounting_software,
        &form.e_invoices,
        &form.website,
        &form.e_commerce,
        &form.qr_traceability,
        &form.cashless_payments,
    ];
    let digital = DigitalAdoption::FIELDS
        .iter()
        .zip(ticks)
        .map(|((name, key), v)| (*name, ctx.t(key), v.as_deref().is_some_and(|s| !s.is_empty())))
        .collect();
    let notice = notice.or_else(|| (!findings.is_empty()).then(|| ctx.t("err-form-has-errors")));
    ReportPage {
        ctx,
        heading: format!("{} {year}", ctx.t(period.label_key())),
        deadline_text: deadline_text(ctx, year, period),
        can_review: ctx.can(Action::Review, org.resource()),
        version: report.as_ref().map_or(0, |r| r.version),
        org,
        status,
        report,
        editable,
        fields,
        digital,
        form,
        notice,
    }
}

fn parse_period(year: &str, period: &str) -> Result<(i32, ReportPeriod), AppError> {
    let year: i32 = year.parse().map_err(|_| AppError::NotFound)?;
    let period = ReportPeriod::parse(period).ok_or(AppError::NotFound)?;
    if !(2000..=this_year() + 1).contains(&year) {
        return Err(AppError::NotFound);
    }
    Ok((year, period))
}

async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, year, period)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let org = state.store.get_organisation(parse_org(&id)?).await?;
    ctx.require(Action::View, org.resource())?;
    let (year, period) = parse_period(&year, &period)?;
    let report = state.store.find_report(org.id, year, period).await?;
    let form = report
        .as_ref()
        .map(|r| ReportForm::from_figures(&r.figures))
        .unwrap_or_default();
    let page = report_page(&ctx, org, year, period, report, form, &Findings::default(), None);
    Ok(no_store(html(&page)?))
}

#[derive(Deserialize)]
struct Posted {
    #[serde(flatten)]
    form: ReportForm,
    #[serde(default)]
    version: String,
    #[serde(default)]
    action: String,
}

async fn save(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, year, period)): Path<(String, String, String)>,
    Form(p): Form<Posted>,
) -> AppResult<Response> {
    let org = state.store.get_organisation(parse_org(&id)?).await?;
    ctx.require(Action::Update, org.resource())?;
    let (year, period) = parse_period(&year, &period)?;
    let existing = state.store.find_report(org.id, year, period).await?;
    let figures = match p.form.parse() {
        Ok(f) => f,
        Err(findings) => {
            let mut res = html(&report_page(
                &ctx, org, year, period, existing, p.form, &findings, None,
            ))?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
    };
    let save = if p.action == "draft" {
        ReportSave::Draft
    } else {
        ReportSave::Submit
    };
    let version = existing.as_ref().map(|_| form_version(&p.version));
    let org_id = org.id;
    match state
        .store
        .save_report(&ctx.actor(), org_id, year, period, &figures, version, save)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/organisations/{org_id}/reports/{year}/{}", period.as_str()),
            if save == ReportSave::Submit {
                "flash-report-submitted"
            } else {
                "flash-saved"
            },
        )),
        Err(StoreError::Conflict) => {
            // Show what is stored (the report is no longer editable, or was changed meanwhile):
            // the figures just typed must not look like the report's own.
            let current = state.store.find_report(org_id, year, period).await?;
            let editable_again = current.as_ref().is_none_or(|r| r.status.editable());
            let form = match (&current, editable_again) {
                (Some(r), false) => ReportForm::from_figures(&r.figures),
                _ => p.form,
            };
            let mut res = html(&report_page(
                &ctx,
                org,
                year,
                period,
                current,
                form,
                &Findings::default(),
                Some(ctx.t("err-report-conflict")),
            ))?;
            *res.status_mut() = StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    version: String,
}

async fn review(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    let report = state
        .store
        .get_report(id.parse().map_err(|_| AppError::NotFound)?)
        .await?;
    let org = state.store.get_organisation(report.organisation_id).await?;
    ctx.require(Action::Review, org.resource())?;
    let accept = match f.decision.as_str() {
        "accept" => true,
        "return" => false,
        _ => return Err(AppError::BadRequest("err-bad-request")),
    };
    let comment = Some(clean_text(&f.comment))
        .filter(|c| !c.is_empty())
        .map(|c| c.chars().take(2000).collect::<String>());
    let back = format!(
        "/organisations/{}/reports/{}/{}",
        org.id,
        report.year,
        report.period.as_str()
    );
    if !accept && comment.is_none() {
        let form = ReportForm::from_figures(&report.figures);
        let (year, period) = (report.year, report.period);
        let mut res = html(&report_page(
            &ctx,
            org,
            year,
            period,
            Some(report),
            form,
            &Findings::default(),
            Some(ctx.t("err-return-needs-comment")),
        ))?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    match state
        .store
        .review_report(&ctx.actor(), report.id, form_version(&f.version), accept, comment)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &back,
            if accept {
                "flash-report-accepted"
            } else {
                "flash-report-returned"
            },
        )),
        Err(StoreError::Conflict) => Ok(redirect_with_flash(&ctx, &back, "flash-report-changed")),
        Err(e) => Err(e.into()),
    }
}

/// Filters of the review list as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    year: String,
    period: String,
    status: String,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReviewListPage<'a> {
    ctx: &'a RequestCtx,
    tabs: String,
    q: ListQuery,
    page: Page<ReportRow>,
    pager: String,
    periods: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
}

async fn review_list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(mut q): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Registry)?;
    if q.status.is_empty() && q.year.is_empty() && q.period.is_empty() {
        q.status = ReportStatus::Submitted.as_str().into();
    }
    let filter = ReportFilter {
        alliance: ctx.user().and_then(|u| u.role.alliance()),
        year: q.year.trim().parse().ok(),
        period: ReportPeriod::parse(&q.period),
        status: ReportStatus::parse(&q.status),
    };
    let page = state
        .store
        .list_reports(&filter, PageRequest::new(q.page, Some(50)))
        .await?;
    let extra = format!(
        "&year={}&period={}&status={}",
        urlencode(&q.year),
        urlencode(&q.period),
        urlencode(&q.status)
    );
    let pager = pager(&ctx, "/reports", &extra, page.page, page.pages());
    let statuses = ReportStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), ctx.t(s.label_key())))
        .collect();
    let view = ReviewListPage {
        tabs: tabs(&ctx, "/reports"),
        periods: period_options(&ctx),
        statuses,
        ctx: &ctx,
        q,
        page,
        pager,
    };
    Ok(no_store(html(&view)?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PeriodQuery {
    year: String,
    period: String,
    by: String,
    page: String,
}

impl PeriodQuery {
    fn year_period(&self) -> (i32, ReportPeriod) {
        let year = self
            .year
            .trim()
            .parse()
            .ok()
            .filter(|y| (2000..=this_year() + 1).contains(y));
        let period = ReportPeriod::parse(&self.period).unwrap_or(ReportPeriod::Year);
        (year.unwrap_or_else(this_year), period)
    }
}

#[derive(Template)]
#[template(path = "reports_missing.html")]
struct MissingPage<'a> {
    ctx: &'a RequestCtx,
    tabs: String,
    year: i32,
    period: ReportPeriod,
    deadline_text: String,
    page: Page<Organisation>,
    pager: String,
    periods: Vec<(String, String)>,
}

async fn missing(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Registry)?;
    let (year, period) = q.year_period();
    let alliance = ctx.user().and_then(|u| u.role.alliance());
    let page = state
        .store
        .missing_reports(
            alliance,
            year,
            period,
            PageRequest::new(q.page.trim().parse().ok(), Some(50)),
        )
        .await?;
    let pager = pager(
        &ctx,
        "/reports/missing",
        &format!("&year={year}&period={}", period.as_str()),
        page.page,
        page.pages(),
    );
    let view = MissingPage {
        tabs: tabs(&ctx, "/reports/missing"),
        deadline_text: deadline_text(&ctx, year, period),
        periods: period_options(&ctx),
        ctx: &ctx,
        year,
        period,
        page,
        pager,
    };
    Ok(no_store(html(&view)?))
}

#[derive(Template)]
#[template(path = "reports_summary.html")]
struct SummaryPage<'a> {
    ctx: &'a RequestCtx,
    tabs: String,
    year: i32,
    period: ReportPeriod,
    by: String,
    group_label: String,
    rows: Vec<(String, ReportAggregate)>,
    periods: Vec<(String, String)>,
    groupings: Vec<(String, String)>,
}

/// The grouping of the summary and the label of each group's key.
pub(crate) async fn grouped_aggregates(
    state: &AppState,
    ctx: &RequestCtx,
    by: &str,
    year: i32,
    period: ReportPeriod,
) -> AppResult<(String, Vec<(String, ReportAggregate)>)> {
    let grouping = match by {
        "province" => ReportGrouping::Province,
        "kind" => ReportGrouping::Kind,
        "sector" => ReportGrouping::Sector,
        _ => ReportGrouping::Alliance,
    };
    let alliance = ctx.user().and_then(|u| u.role.alliance());
    let rows = state
        .store
        .report_aggregates(alliance, year, period, grouping)
        .await?;
    let alliances = state.store.list_alliances().await?;
    let label = |key: &str| -> String {
        if key.is_empty() {
            return ctx.t("unknown");
        }
        match grouping {
            ReportGrouping::Alliance => alliances
                .iter()
                .find(|a| a.id.to_string() == key)
                .map_or_else(|| key.to_string(), |a| a.short_name.clone()),
            ReportGrouping::Province => province_name(key),
            ReportGrouping::Kind => lienket_domain::organisation::OrgKind::parse(key)
                .map_or_else(|| key.to_string(), |k| ctx.t(k.label_key())),
            ReportGrouping::Sector => lienket_domain::organisation::Sector::parse(key)
                .map_or_else(|| key.to_string(), |s| ctx.t(s.label_key())),
        }
    };
    let mut labelled: Vec<(String, ReportAggregate)> = rows.into_iter().map(|r| (label(&r.key), r)).collect();
    labelled.sort_by(|a, b| lienket_domain::text::collate(&a.0, &b.0));
    let group_label = ctx.t(match grouping {
        ReportGrouping::Alliance => "field-alliance-id",
        ReportGrouping::Province => "field-province",
        ReportGrouping::Kind => "field-kind",
        ReportGrouping::Sector => "field-sector",
    });
    Ok((group_label, labelled))
}

async fn summary(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Registry)?;
    let (year, period) = q.year_period();
    let by = if q.by.is_empty() {
        "alliance".to_string()
    } else {
        q.by.clone()
    };
    let (group_label, rows) = grouped_aggregates(&state, &ctx, &by, year, period).await?;
    let groupings = [
        ("alliance", "field-alliance-id"),
        ("province", "field-province"),
        ("kind", "field-kind"),
        ("sector", "field-sector"),
    ]
    .iter()
    .map(|(k, l)| (k.to_string(), ctx.t(l)))
    .collect();
    let view = SummaryPage {
        tabs: tabs(&ctx, "/reports/summary"),
        periods: period_options(&ctx),
        ctx: &ctx,
        year,
        period,
        by,
        group_label,
        rows,
        groupings,
    };
    Ok(no_store(html(&view)?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExportQuery {
    format: String,
    #[serde(flatten)]
    period: PeriodQuery,
}

async fn summary_export(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    use lienket_office::{ColumnKind, ExportCell, ExportColumn};
    ctx.require(Action::View, Resource::Registry)?;
    let (year, period) = q.period.year_period();
    let by = if q.period.by.is_empty() {
        "alliance"
    } else {
        q.period.by.as_str()
    };
    let (group_label, rows) = grouped_aggregates(&state, &ctx, by, year, period).await?;
    let col = |header: String, kind, width| ExportColumn { header, kind, width };
    let mut columns = vec![
        col(group_label, ColumnKind::Text, 30.0),
        col(ctx.t("col-reports"), ColumnKind::Integer, 10.0),
        col(ctx.t("field-revenue"), ColumnKind::Money, 20.0),
        col(ctx.t("field-profit"), ColumnKind::Money, 20.0),
        col(ctx.t("field-members-official"), ColumnKind::Integer, 14.0),
        col(ctx.t("field-members-associate"), ColumnKind::Integer, 14.0),
        col(ctx.t("field-workers"), ColumnKind::Integer, 12.0),
        col(ctx.t("field-average-income"), ColumnKind::Money, 18.0),
    ];
    for (_, key) in DigitalAdoption::FIELDS {
        columns.push(col(ctx.t(key), ColumnKind::Integer, 14.0));
    }
    let cells: Vec<Vec<ExportCell>> = rows
        .iter()
        .map(|(label, r)| {
            let mut row = vec![
                ExportCell::Text(label.clone()),
                ExportCell::Integer(r.reports as i64),
                ExportCell::Money(r.revenue),
                ExportCell::Money(r.profit),
                ExportCell::Integer(r.members_official),
                ExportCell::Integer(r.members_associate),
                ExportCell::Integer(r.workers),
                ExportCell::Money(r.average_income),
            ];
            row.extend(r.digital.iter().map(|n| ExportCell::Integer(*n as i64)));
            row
        })
        .collect();
    let name = format!("tong-hop-bao-cao-{year}-{}", period.as_str());
    if q.format == "csv" {
        return super::attachment(
            &format!("{name}.csv"),
            "text/csv; charset=utf-8",
            lienket_office::write_csv(&columns, &cells),
        );
    }
    let title = format!(
        "{} — {} {year}",
        ctx.t("page-reports-summary").to_uppercase(),
        ctx.t(period.label_key())
    );
    let subtitle = format!("{}: {}", ctx.t("field-group-by"), columns[0].header);
    let bytes = lienket_office::write_xlsx(&title, &subtitle, "Tong hop", &columns, &cells)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("export: {e:?}")))?;
    super::attachment(
        &format!("{name}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
}
