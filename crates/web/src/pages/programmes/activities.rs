//! The activities of a programme (hoạt động phối hợp): the list filtered by year, content
//! area, alliance, state and kind, with pages and an XLSX export of every matching row, and the
//! month calendar. One activity (its form, its page, deleting it) is in [`super::activity`].

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use lienket_domain::ids::AllianceId;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::programme::{ActivityKind, ActivityState};
use lienket_office::{ColumnKind, ExportCell};
use lienket_store::{Activity, ActivityFilter, PageRequest, Programme};
use serde::Deserialize;

use super::{all_activities, alliances, can_add_activity, dates_text, programme_for, short_names};
use crate::AppState;
use crate::catalog::today_vn;
use crate::ctx::RequestCtx;
use crate::error::AppResult;
use crate::pages::{
    CalendarMonth, export_column, html, iso, no_store, pager, parse_id, text_cell, urlencode, workbook,
};

/// Activities per page of the list.
const PER_PAGE: u64 = 50;

/// The activity pages.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{id}/activities", get(list))
        .route("/programmes/{id}/activities/calendar", get(calendar))
}

/// An activity the caller may act on, with its programme. Reading is for staff and
/// coordinators; changing is for the lead alliance's staff and coordinators.
pub(super) async fn activity_for(
    state: &AppState,
    ctx: &RequestCtx,
    raw: &str,
    action: Action,
) -> AppResult<(Activity, Programme)> {
    ctx.require(Action::View, Resource::Programme { signatories: &[] })?;
    let a = state.store.get_activity(parse_id(raw)?).await?;
    ctx.require(
        action,
        Resource::Activity {
            lead: a.lead_alliance_id,
        },
    )?;
    let p = state.store.get_programme(a.programme_id).await?;
    Ok((a, p))
}

pub(super) fn kind_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    ActivityKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), ctx.t(k.label_key())))
        .collect()
}

pub(super) fn state_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    ActivityState::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), ctx.t(s.label_key())))
        .collect()
}

/// "1. Thông tin, tuyên truyền…" for each content area of a programme.
pub(super) fn area_options(p: &Programme) -> Vec<(String, String)> {
    p.areas
        .iter()
        .map(|a| (a.id.to_string(), format!("{}. {}", a.number, a.name)))
        .collect()
}

/// The numbers of an activity's content areas: "1, 5".
fn area_numbers(p: &Programme, a: &Activity) -> String {
    a.areas
        .iter()
        .filter_map(|id| p.area(*id))
        .map(|x| x.number.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An activity as a row of the list and the calendar.
struct ActivityRow {
    id: i64,
    title: String,
    kind: String,
    state: ActivityState,
    state_label: String,
    dates: String,
    areas: String,
    lead: String,
    place: String,
    participants: i64,
}

fn activity_row(
    ctx: &RequestCtx,
    p: &Programme,
    names: &HashMap<AllianceId, String>,
    a: &Activity,
) -> ActivityRow {
    ActivityRow {
        id: a.id,
        title: a.title.clone(),
        kind: ctx.t(a.kind.label_key()),
        state: a.state,
        state_label: ctx.t(a.state.label_key()),
        dates: dates_text(&a.starts_on, &a.ends_on),
        areas: area_numbers(p, a),
        lead: names.get(&a.lead_alliance_id).cloned().unwrap_or_default(),
        place: a.place.clone().unwrap_or_default(),
        participants: a.participants,
    }
}

// ---------------------------------------------------------------------------------------------
// The list and its export
// ---------------------------------------------------------------------------------------------

/// The list's query: every value as typed, so a stray value is ignored rather than refused.
#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    alliance: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    kind: String,
    /// `date`: oldest first; otherwise newest first.
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
    /// `xlsx`: every matching activity as a workbook.
    #[serde(default)]
    format: String,
}

impl ListQuery {
    fn filter(&self) -> ActivityFilter {
        ActivityFilter {
            year: self.year.trim().parse().ok(),
            area: self.area.trim().parse().ok(),
            alliance: self.alliance.trim().parse().ok().map(AllianceId),
            state: ActivityState::parse(&self.state),
            kind: ActivityKind::parse(&self.kind),
            ..Default::default()
        }
    }

    fn ascending(&self) -> bool {
        self.sort == "date"
    }

    /// The filters as a query string (`&year=2024&…`), for page links and the export.
    fn query(&self, f: &ActivityFilter) -> String {
        let mut q = String::new();
        if let Some(y) = f.year {
            q.push_str(&format!("&year={y}"));
        }
        if let Some(a) = f.area {
            q.push_str(&format!("&area={a}"));
        }
        if let Some(a) = f.alliance {
            q.push_str(&format!("&alliance={a}"));
        }
        if let Some(s) = f.state {
            q.push_str(&format!("&state={}", urlencode(s.as_str())));
        }
        if let Some(k) = f.kind {
            q.push_str(&format!("&kind={}", urlencode(k.as_str())));
        }
        if self.ascending() {
            q.push_str("&sort=date");
        }
        q
    }
}

#[derive(Template)]
#[template(path = "activities.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    p: Programme,
    year: String,
    area: String,
    alliance: String,
    state: String,
    kind: String,
    oldest_first: bool,
    years: Vec<i32>,
    areas: Vec<(String, String)>,
    alliances: Vec<(String, String)>,
    states: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    rows: Vec<ActivityRow>,
    total: u64,
    pager: String,
    export: String,
    can_add: bool,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::View).await?;
    let all = alliances(&state).await?;
    let names = short_names(&all);
    let filter = q.filter();
    if q.format == "xlsx" {
        return export(&state, &ctx, &p, &q, &filter, &names).await;
    }
    let page = PageRequest::new(q.page.trim().parse().ok(), Some(PER_PAGE));
    let result = state
        .store
        .list_activities(p.id, &filter, page, q.ascending())
        .await?;
    let extra = q.query(&filter);
    let base = format!("/programmes/{}/activities", p.id);
    let body = ListPage {
        ctx: &ctx,
        year: filter.year.map(|y| y.to_string()).unwrap_or_default(),
        area: filter.area.map(|a| a.to_string()).unwrap_or_default(),
        alliance: filter.alliance.map(|a| a.to_string()).unwrap_or_default(),
        state: filter.state.map(|s| s.as_str().to_string()).unwrap_or_default(),
        kind: filter.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        oldest_first: q.ascending(),
        years: p.years(),
        areas: area_options(&p),
        alliances: all
            .iter()
            .map(|a| (a.id.0.to_string(), a.short_name.clone()))
            .collect(),
        states: state_options(&ctx),
        kinds: kind_options(&ctx),
        rows: result
            .items
            .iter()
            .map(|a| activity_row(&ctx, &p, &names, a))
            .collect(),
        total: result.total,
        pager: pager(&ctx, &base, &extra, result.page, result.pages()),
        export: format!("{base}?format=xlsx{extra}"),
        can_add: can_add_activity(&ctx),
        p,
    };
    Ok(no_store(html(&body)?))
}

/// A `YYYY-MM-DD` day as an export cell.
fn date_cell(iso: &str) -> ExportCell {
    let part = |r: std::ops::Range<usize>| iso.get(r).and_then(|s| s.parse::<u32>().ok());
    match (part(0..4), part(5..7), part(8..10)) {
        (Some(y), Some(m), Some(d)) => ExportCell::Date(y as i32, m as u8, d as u8),
        _ => ExportCell::Text(iso.to_string()),
    }
}

/// Every activity matching the filters, as a workbook with Vietnamese (or English) headers.
async fn export(
    state: &AppState,
    ctx: &RequestCtx,
    p: &Programme,
    q: &ListQuery,
    filter: &ActivityFilter,
    names: &HashMap<AllianceId, String>,
) -> AppResult<Response> {
    let items = all_activities(state, p.id, filter, q.ascending()).await?;
    let col = |key: &str, kind: ColumnKind, width: f64| export_column(ctx, key, kind, width);
    let columns = vec![
        col("activity-col-no", ColumnKind::Integer, 6.0),
        col("activity-col-starts-on", ColumnKind::Date, 12.0),
        col("activity-col-ends-on", ColumnKind::Date, 12.0),
        col("activity-col-title", ColumnKind::Text, 48.0),
        col("activity-col-kind", ColumnKind::Text, 18.0),
        col("activity-col-areas", ColumnKind::Text, 40.0),
        col("activity-col-lead", ColumnKind::Text, 22.0),
        col("activity-col-alliances", ColumnKind::Text, 30.0),
        col("activity-col-place", ColumnKind::Text, 24.0),
        col("activity-col-participants", ColumnKind::Integer, 12.0),
        col("activity-col-state", ColumnKind::Text, 14.0),
        col("activity-col-outcome", ColumnKind::Text, 50.0),
    ];
    let rows: Vec<Vec<ExportCell>> = items
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                ExportCell::Integer(i as i64 + 1),
                date_cell(&a.starts_on),
                date_cell(&a.ends_on),
                ExportCell::Text(a.title.clone()),
                ExportCell::Text(ctx.t(a.kind.label_key())),
                text_cell(
                    a.areas
                        .iter()
                        .filter_map(|id| p.area(*id))
                        .map(|x| format!("{}. {}", x.number, x.name))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                text_cell(names.get(&a.lead_alliance_id).cloned().unwrap_or_default()),
                text_cell(super::names_of(names, &a.alliances)),
                text_cell(a.place.clone().unwrap_or_default()),
                ExportCell::Integer(a.participants),
                ExportCell::Text(ctx.t(a.state.label_key())),
                text_cell(a.outcome.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let mut scope = vec![p.name.clone()];
    if let Some(y) = filter.year {
        scope.push(ctx.t1("activity-export-year", "year", y));
    }
    if let Some(a) = filter.area.and_then(|a| p.area(a)) {
        scope.push(format!("{}. {}", a.number, a.name));
    }
    if let Some(a) = filter.alliance {
        scope.push(names.get(&a).cloned().unwrap_or_default());
    }
    if let Some(s) = filter.state {
        scope.push(ctx.t(s.label_key()));
    }
    if let Some(k) = filter.kind {
        scope.push(ctx.t(k.label_key()));
    }
    scope.push(ctx.t1("activities-count", "count", items.len()));
    workbook(
        &ctx.t("activity-export-title"),
        &scope.join(" — "),
        "Hoat dong",
        &columns,
        &rows,
        &format!("hoat-dong-chuong-trinh-{}.xlsx", p.id),
    )
}

// ---------------------------------------------------------------------------------------------
// The month calendar
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct CalendarQuery {
    #[serde(default)]
    month: String,
}

/// One day of the month grid: (activity id, title, cancelled) for each activity that day.
struct DayCell {
    day: u8,
    in_month: bool,
    today: bool,
    items: Vec<(i64, String, bool)>,
}

#[derive(Template)]
#[template(path = "activities_calendar.html")]
struct CalendarPage<'a> {
    ctx: &'a RequestCtx,
    p: Programme,
    heading: String,
    prev: String,
    next: String,
    weekdays: Vec<String>,
    weeks: Vec<Vec<DayCell>>,
    listed: Vec<ActivityRow>,
}

/// The first day of the month asked for (`YYYY-MM`); by default this month, brought within
/// the programme's years.
fn month_start(raw: &str, p: &Programme) -> time::Date {
    let first_of = |y: i32, m: u8| {
        time::Month::try_from(m)
            .ok()
            .and_then(|m| time::Date::from_calendar_date(y, m, 1).ok())
    };
    let asked = raw.split_once('-').and_then(|(y, m)| {
        let y: i32 = y.trim().parse().ok()?;
        first_of(y, m.trim().parse().ok()?)
    });
    if let Some(d) = asked.filter(|d| (2000..=2200).contains(&d.year())) {
        return d;
    }
    let now = today_vn();
    let fallback = now.replace_day(1).unwrap_or(now);
    if now.year() < p.first_year {
        first_of(p.first_year, 1).unwrap_or(fallback)
    } else if now.year() > p.last_year {
        first_of(p.last_year, 12).unwrap_or(fallback)
    } else {
        fallback
    }
}

async fn calendar(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Response> {
    let p = programme_for(&state, &ctx, &id, Action::View).await?;
    let month = CalendarMonth::new(&ctx, month_start(&q.month, &p));
    let filter = ActivityFilter {
        from: Some(iso(month.first)),
        to: Some(iso(month.last)),
        ..Default::default()
    };
    let items = all_activities(&state, p.id, &filter, true).await?;
    let now = today_vn();
    let weeks = month.grid(|day, in_month| {
        let d = iso(day);
        DayCell {
            day: day.day(),
            in_month,
            today: day == now,
            items: items
                .iter()
                .filter(|a| a.starts_on <= d && a.ends_on >= d)
                .map(|a| (a.id, a.title.clone(), a.state == ActivityState::Cancelled))
                .collect(),
        }
    });
    let names = short_names(&alliances(&state).await?);
    let body = CalendarPage {
        heading: month.heading,
        prev: month.prev,
        next: month.next,
        weekdays: month.weekdays,
        weeks,
        listed: items.iter().map(|a| activity_row(&ctx, &p, &names, a)).collect(),
        ctx: &ctx,
        p,
    };
    Ok(no_store(html(&body)?))
}
