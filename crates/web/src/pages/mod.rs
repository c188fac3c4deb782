//! HTML pages. Each module owns its routes; handlers extract, call the store, and render.
//! Forms follow post/redirect/get with a flash message; validation re-renders the form with
//! every message beside its field.

mod account;
mod alliances;
mod audit;
mod auth;
pub(crate) mod catalog;
mod dashboards;
mod events;
mod home;
mod imports;
mod models;
mod organisations;
pub(crate) mod products;
mod programmes;
mod reports;
mod reviews;
pub(crate) mod support;
mod uploads;
mod users;

pub(crate) use events::{
    application_for as events_application_for, booth_numbers as events_booth_numbers,
    check_event as events_check_event, venue_place as events_venue_place,
};
pub(crate) use imports::{attachment, import_status_key};
pub(crate) use programmes::{activity_refusal_field, parse_activity};
pub(crate) use users::check_scope;

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use lienket_domain::role::Role;
use lienket_domain::validate::Findings;
use lienket_office::{ColumnKind, ExportCell, ExportColumn};
use lienket_store::ChangeEntry;

use crate::AppState;
use crate::ctx::{FLASH_COOKIE, RequestCtx, set_cookie};
use crate::error::{AppError, AppResult};

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(alliances::routes())
        .merge(users::routes())
        .merge(organisations::routes())
        .merge(catalog::routes())
        .merge(products::routes())
        .merge(reports::routes())
        .merge(events::routes())
        .merge(programmes::routes())
        .merge(models::routes())
        .merge(reviews::routes())
        .merge(support::routes())
        .merge(dashboards::routes())
        .merge(audit::routes())
        .merge(account::routes())
}

/// The import pages, apart from [`routes`]: their upload takes spreadsheets beyond the
/// app-wide body limit, up to its own.
pub fn import_routes() -> Router<AppState> {
    imports::routes()
        .merge(products::upload_routes())
        .merge(events::upload_routes())
        .merge(programmes::upload_routes())
}

/// Renders a template into a response.
pub fn html<T: Template>(t: &T) -> Result<Response, AppError> {
    let body = t
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(Html(body).into_response())
}

/// Redirects (303) and leaves a one-shot message for the next page.
pub fn redirect_with_flash(ctx: &RequestCtx, to: &str, flash_key: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(FLASH_COOKIE, flash_key, Some(60), ctx.secure),
    );
    res
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A local path to return to after signing in; anything else (other sites, `//host`) is refused.
pub fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") && !next.contains("://"))
        .then_some(next)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a RequestCtx,
    status: u16,
    title: String,
    message: String,
    reference: Option<String>,
}

/// The friendly error page.
pub fn error_page(
    ctx: &RequestCtx,
    status: StatusCode,
    message: String,
    reference: Option<String>,
) -> Response {
    let title = ctx.t(match status.as_u16() {
        404 => "error-title-404",
        403 => "error-title-403",
        413 => "error-title-413",
        s if s >= 500 => "error-title-500",
        _ => "error-title-400",
    });
    let page = ErrorPage {
        ctx,
        status: status.as_u16(),
        title,
        message,
        reference,
    };
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (status, "LiênKết: error").into_response()
        }
    }
}

/// The label of a role in the user's language.
pub fn role_label(ctx: &RequestCtx, role: &Role) -> String {
    ctx.t(match role {
        Role::Admin => "role-admin",
        Role::Coordinator => "role-coordinator",
        Role::AllianceStaff { .. } => "role-alliance-staff",
        Role::OrganisationRep { .. } => "role-organisation-rep",
    })
}

/// The label of an entity kind in the audit log.
pub fn entity_label(ctx: &RequestCtx, entity: &str) -> String {
    let key = format!("entity-{}", entity.replace('_', "-"));
    if ctx.lang.has(&key) {
        ctx.t(&key)
    } else {
        entity.to_string()
    }
}

/// "Created alliance #3" and the like.
pub fn change_label(ctx: &RequestCtx, c: &ChangeEntry) -> String {
    let op_key = format!("op-{}", c.op);
    let op = if ctx.lang.has(&op_key) {
        ctx.t(&op_key)
    } else {
        c.op.clone()
    };
    format!("{op} {} #{}", entity_label(ctx, &c.entity), c.entity_key)
}

/// Fields that changed between `before` and `after`, as (field, old, new) text.
pub fn diff(c: &ChangeEntry) -> Vec<(String, String, String)> {
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let empty = serde_json::Map::new();
    let before = c.before.as_ref().and_then(|v| v.as_object()).unwrap_or(&empty);
    let after = c.after.as_ref().and_then(|v| v.as_object()).unwrap_or(&empty);
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "updated_at" | "version"))
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| (k.clone(), show(before.get(k)), show(after.get(k))))
        .collect()
}

/// Pagination links, keeping the other query parameters.
pub fn pager(ctx: &RequestCtx, base: &str, extra_query: &str, page: u64, pages: u64) -> String {
    if pages <= 1 {
        return String::new();
    }
    let link = |p: u64, label: String, rel: &str| {
        format!("<a href=\"{base}?page={p}{extra_query}\" rel=\"{rel}\">{label}</a>")
    };
    let mut out = String::from("<nav class=\"pager\" aria-label=\"pagination\">");
    if page > 1 {
        out.push_str(&link(page - 1, ctx.t("pager-prev"), "prev"));
    }
    out.push_str(&format!(
        "<span>{}</span>",
        ctx.lang.t_args(
            "pager-info",
            &[("page", page.to_string()), ("pages", pages.to_string())]
        )
    ));
    if page < pages {
        out.push_str(&link(page + 1, ctx.t("pager-next"), "next"));
    }
    out.push_str("</nav>");
    out
}

/// One form field as rendered.
#[derive(Debug, Clone)]
pub struct FieldView {
    /// Input name (also the finding's field).
    pub name: &'static str,
    /// Label.
    pub label: String,
    /// Current value.
    pub value: String,
    /// Required marker.
    pub required: bool,
    /// `text`, `email`, `tel`, `url`, `password`, `select` or `checkbox`.
    pub kind: &'static str,
    /// Options of a select: (value, label).
    pub options: Vec<(String, String)>,
    /// Help text.
    pub hint: Option<String>,
    /// The error message(s), joined.
    pub error: Option<String>,
}

impl FieldView {
    /// A text field labelled from the catalogue key `field-{name}` (dashes for underscores).
    pub fn new(
        ctx: &RequestCtx,
        name: &'static str,
        value: impl Into<String>,
        kind: &'static str,
    ) -> FieldView {
        FieldView {
            name,
            label: ctx.t(&format!("field-{}", name.replace('_', "-"))),
            value: value.into(),
            required: false,
            kind,
            options: Vec::new(),
            hint: None,
            error: None,
        }
    }

    /// Marks the field required.
    pub fn required(mut self) -> FieldView {
        self.required = true;
        self
    }

    /// Makes the field a select with these options.
    pub fn select(mut self, options: Vec<(String, String)>) -> FieldView {
        self.kind = "select";
        self.options = options;
        self
    }

    /// Adds help text.
    pub fn hint(mut self, hint: String) -> FieldView {
        self.hint = Some(hint);
        self
    }
}

/// A whole form as rendered by `form.html`.
#[derive(Debug, Clone)]
pub struct FormView {
    /// Page heading.
    pub heading: String,
    /// Where the form posts.
    pub action: String,
    /// Where "cancel" goes.
    pub cancel: String,
    /// The record version the form was built from (optimistic concurrency).
    pub version: i32,
    /// A message above the form (e.g. someone else saved first).
    pub notice: Option<String>,
    /// The fields.
    pub fields: Vec<FieldView>,
}

impl FormView {
    /// Whether any field has an error.
    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    /// Puts every finding beside its field (unknown fields go to the notice).
    pub fn with_findings(mut self, ctx: &RequestCtx, findings: &Findings) -> FormView {
        for finding in &findings.0 {
            let text = ctx.lang.finding(finding);
            match self.fields.iter_mut().find(|f| f.name == finding.field) {
                Some(f) => {
                    f.error = Some(match f.error.take() {
                        Some(prev) => format!("{prev} {text}"),
                        None => text,
                    })
                }
                None => self.notice = Some(text),
            }
        }
        self
    }
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage<'a> {
    ctx: &'a RequestCtx,
    form: FormView,
}

/// Renders a form page with the given status (200, or 422 when re-shown with errors).
pub fn form_page(ctx: &RequestCtx, form: FormView, status: StatusCode) -> Result<Response, AppError> {
    let mut res = html(&FormPage { ctx, form })?;
    *res.status_mut() = status;
    Ok(res)
}

/// Province options (2025 units) for selects.
pub fn province_options() -> Vec<(String, String)> {
    lienket_domain::admin_units::units()
        .provinces_2025()
        .iter()
        .map(|p| (p.code.to_string(), p.name.to_string()))
        .collect()
}

/// The name of a 2025 province, or its code when unknown.
pub fn province_name(code: &str) -> String {
    lienket_domain::admin_units::units()
        .province_2025(code)
        .map_or_else(|| code.to_string(), |p| p.name.to_string())
}

/// Marks a response as not to be cached (pages with personal data).
pub fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The `version` hidden field of a form.
pub fn form_version(raw: &str) -> i32 {
    raw.trim().parse().unwrap_or(0)
}

/// An amount in đồng with Vietnamese thousands separators: 1.500.000.000.
pub fn vnd(n: &i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if *n < 0 { format!("-{out}") } else { out }
}

/// `YYYY-MM-DD` shown as `dd/mm/yyyy`.
pub fn date_vn(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// "★★★★" for four stars.
pub fn star_str(n: &u8) -> String {
    "★".repeat(usize::from(*n).min(5))
}

/// OCOP points from tenths: "82,5".
pub fn points(tenths: &u16) -> String {
    lienket_domain::ocop::format_points(*tenths)
}

/// A record id from the path; anything else (not a number, zero, negative) is a page that does
/// not exist.
pub(crate) fn parse_id(raw: &str) -> AppResult<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// `YYYY-MM-DD` of a day, as the store keeps dates.
pub(crate) fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Findings by field, each field's messages joined, in the user's language.
pub(crate) fn errors_by_field(ctx: &RequestCtx, findings: &Findings) -> HashMap<&'static str, String> {
    let mut out: HashMap<&'static str, String> = HashMap::new();
    for f in &findings.0 {
        let text = ctx.lang.finding(f);
        out.entry(f.field)
            .and_modify(|e| {
                e.push(' ');
                e.push_str(&text);
            })
            .or_insert(text);
    }
    out
}

/// The notice above a form shown again: the one given (someone else saved first), or "see the
/// messages below" when there are findings.
pub(crate) fn form_notice(ctx: &RequestCtx, findings: &Findings, notice: Option<String>) -> Option<String> {
    notice.or_else(|| (!findings.is_empty()).then(|| ctx.t("err-form-has-errors")))
}

/// A column of an export, headed in the user's language.
pub(crate) fn export_column(ctx: &RequestCtx, key: &str, kind: ColumnKind, width: f64) -> ExportColumn {
    ExportColumn {
        header: ctx.t(key),
        kind,
        width,
    }
}

/// A text cell of an export; an empty text is an empty cell.
pub(crate) fn text_cell(s: String) -> ExportCell {
    if s.is_empty() {
        ExportCell::Empty
    } else {
        ExportCell::Text(s)
    }
}

/// An XLSX download with a title row, a subtitle and one sheet.
pub(crate) fn workbook(
    title: &str,
    subtitle: &str,
    sheet: &str,
    columns: &[ExportColumn],
    rows: &[Vec<ExportCell>],
    file_name: &str,
) -> AppResult<Response> {
    let bytes = lienket_office::write_xlsx(title, subtitle, sheet, columns, rows)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("export: {e:?}")))?;
    attachment(
        file_name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
}

/// A month of a calendar page (events, programme activities).
pub(crate) struct CalendarMonth {
    /// Its first day.
    pub first: time::Date,
    /// Its last day.
    pub last: time::Date,
    /// "Tháng 6 năm 2024".
    pub heading: String,
    /// `YYYY-MM` of the month before.
    pub prev: String,
    /// `YYYY-MM` of the month after.
    pub next: String,
    /// Names of the days of the week, Monday first.
    pub weekdays: Vec<String>,
    /// Its days by week, from the Monday before its first day: five or six weeks.
    weeks: Vec<Vec<time::Date>>,
}

impl CalendarMonth {
    /// The month whose first day is `first`.
    pub(crate) fn new(ctx: &RequestCtx, first: time::Date) -> CalendarMonth {
        let last = first
            .replace_day(first.month().length(first.year()))
            .unwrap_or(first);
        let mut weeks = Vec::new();
        let mut day = first - time::Duration::days(i64::from(first.weekday().number_days_from_monday()));
        while (day <= last || weeks.len() < 5) && weeks.len() < 6 {
            let mut week = Vec::with_capacity(7);
            for _ in 0..7 {
                week.push(day);
                day = day.next_day().unwrap_or(day);
            }
            weeks.push(week);
        }
        let prev = first.previous_day().unwrap_or(first);
        let next = last.next_day().unwrap_or(last);
        let month = |d: time::Date| format!("{:04}-{:02}", d.year(), u8::from(d.month()));
        CalendarMonth {
            heading: ctx.lang.t_args(
                "calendar-month",
                &[
                    ("month", u8::from(first.month()).to_string()),
                    ("year", first.year().to_string()),
                ],
            ),
            prev: month(prev),
            next: month(next),
            weekdays: ctx.t("calendar-weekdays").split(',').map(String::from).collect(),
            weeks,
            first,
            last,
        }
    }

    /// The cells of the grid, by week: `cell` makes the cell of each day, told whether the day
    /// is in this month.
    pub(crate) fn grid<C>(&self, mut cell: impl FnMut(time::Date, bool) -> C) -> Vec<Vec<C>> {
        self.weeks
            .iter()
            .map(|week| {
                week.iter()
                    .map(|&day| cell(day, day.month() == self.first.month()))
                    .collect()
            })
            .collect()
    }
}
