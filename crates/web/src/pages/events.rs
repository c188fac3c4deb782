//! Trade promotion pages: the public list, calendar and iCalendar feed of events; an event's
//! page with its exhibitors and what they bring; the host alliance's screens to announce an
//! event, review applications, assign booths, print passes, check exhibitors in and export the
//! list; a representative's application and outcome report.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::event::{
    ApplicationForm, ApplicationState, BoothTypeForm, EventForm, EventKind, EventStatus, OutcomeForm, Window,
    normalise_pass_code, vietnam_day,
};
use lienket_domain::ids::{AllianceId, OrganisationId, ProductId};
use lienket_domain::ocop::ProductGroup;
use lienket_domain::organisation::OrgKind;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::validate::Findings;
use lienket_office::{ColumnKind, ExportCell};
use lienket_store::{
    Application, Event, EventFilter, EventListItem, PageRequest, Participation, ShownProduct,
};
use serde::Deserialize;

use super::uploads::{put_image, read_upload, remove_stored};
use super::{
    CalendarMonth, date_vn, errors_by_field, export_column, form_notice, form_version, html, iso, no_store,
    pager, parse_id, province_name, redirect_with_flash, text_cell, urlencode, vnd, workbook,
};
use crate::AppState;
use crate::catalog::today_vn;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(list))
        .route("/events/calendar", get(calendar))
        .route("/events.ics", get(ics_feed))
        .route("/events/new", get(new_form).post(create))
        .route("/events/{id}", get(show))
        .route("/events/{id}/event.ics", get(ics_one))
        .route("/events/{id}/edit", get(edit_form).post(update))
        .route("/events/{id}/status", post(set_status))
        .route("/events/{id}/apply", get(apply_form).post(apply))
        .route("/events/{id}/applications", get(applications))
        .route("/events/{id}/exhibitors.xlsx", get(export_exhibitors))
        .route("/events/{id}/booths", get(booth_plan))
        .route("/events/{id}/passes", get(passes))
        .route("/events/{id}/checkin", get(checkin_page).post(checkin))
        .route("/applications/{id}/review", post(review))
        .route("/applications/{id}/booths", post(assign_booths))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route("/applications/{id}/outcome", get(outcome_form).post(save_outcome))
        .route("/passes/{code}", get(pass_page))
        .route("/passes/{code}/qr.svg", get(pass_qr))
        .route("/events/{id}/images/{file}/delete", post(delete_image))
        .route("/applications/{id}/attachments/{file}", get(download_attachment))
        .route(
            "/applications/{id}/attachments/{file}/delete",
            post(delete_attachment),
        )
        .route("/events/{id}/exhibitors", get(exhibitor_sheet))
        .route("/events/{id}/booths.xlsx", get(export_booths))
        .route("/events/{id}/participation.xlsx", get(export_participation))
}

/// Uploads, apart from [`routes`]: they take files beyond the app-wide body limit.
pub fn upload_routes() -> Router<AppState> {
    let limit = DefaultBodyLimit::max(super::products::MAX_UPLOAD);
    Router::new()
        .route("/events/{id}/images", post(upload_image).layer(limit))
        .route(
            "/applications/{id}/attachments",
            post(upload_attachment).layer(limit),
        )
}

fn today_iso() -> String {
    let d = vietnam_day(time::OffsetDateTime::now_utc());
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Reads an event the caller may see (drafts only for their organisers).
async fn visible_event(state: &AppState, ctx: &RequestCtx, raw: &str) -> AppResult<Event> {
    let ev = state.store.get_event(parse_id(raw)?).await?;
    if !ctx.can(Action::View, ev.resource()) {
        // A draft is not announced: to anyone but its organisers it does not exist.
        return Err(AppError::NotFound);
    }
    Ok(ev)
}

/// Reads an event the caller runs (its host alliance's staff, or an administrator).
async fn hosted_event(state: &AppState, ctx: &RequestCtx, id: i64) -> AppResult<Event> {
    let ev = state.store.get_event(id).await?;
    ctx.require(Action::Review, ev.resource())?;
    Ok(ev)
}

/// "31/03/2023 – 06/04/2023", or one day.
pub(crate) fn dates_text(ev: &Event) -> String {
    if ev.starts_on == ev.ends_on {
        date_vn(&ev.starts_on)
    } else {
        format!("{} – {}", date_vn(&ev.starts_on), date_vn(&ev.ends_on))
    }
}

fn window_text(ctx: &RequestCtx, ev: &Event) -> String {
    let now = time::OffsetDateTime::now_utc();
    match ev.window(now) {
        Window::NotYet => ctx.t1(
            "event-window-not-yet",
            "date",
            ctx.datetime(&ev.applications_open_at),
        ),
        Window::Open => ctx.t1(
            "event-window-open",
            "date",
            ctx.datetime(&ev.applications_close_at),
        ),
        Window::Closed => ctx.t1(
            "event-window-closed",
            "date",
            ctx.datetime(&ev.applications_close_at),
        ),
    }
}

/// The alliance directory as id → short name.
async fn alliance_names(state: &AppState) -> AppResult<HashMap<AllianceId, String>> {
    Ok(state
        .store
        .alliance_choices()
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

fn kind_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    EventKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), ctx.t(k.label_key())))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// List, calendar, iCalendar
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    tab: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    page: Option<u64>,
}

/// An event as a list row.
struct EventRow {
    id: i64,
    title: String,
    kind: String,
    dates: String,
    venue: String,
    host: String,
    status: EventStatus,
    window: String,
    exhibitors: u64,
    pending: u64,
    free: i32,
    capacity: i32,
}

fn event_row(ctx: &RequestCtx, names: &HashMap<AllianceId, String>, item: &EventListItem) -> EventRow {
    let ev = &item.event;
    EventRow {
        id: ev.id,
        title: ev.title.clone(),
        kind: ctx.t(ev.kind.label_key()),
        dates: dates_text(ev),
        venue: ev.venue.clone(),
        host: names.get(&ev.host_alliance_id).cloned().unwrap_or_default(),
        status: ev.status,
        window: window_text(ctx, ev),
        exhibitors: item.exhibitors,
        pending: item.pending,
        free: ev.capacity() - ev.approved_booths(),
        capacity: ev.capacity(),
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    tab: String,
    kind: String,
    kinds: Vec<(String, String)>,
    rows: Vec<EventRow>,
    total: u64,
    pager: String,
    can_create: bool,
    staff_alliance: Option<AllianceId>,
    /// A representative's applications: (event id, title, dates, state label, state, booths, pass).
    own: Vec<OwnApplication>,
}

/// One of a representative's applications, for the event list.
struct OwnApplication {
    event_id: i64,
    title: String,
    dates: String,
    state: String,
    state_key: &'static str,
    booths: String,
    pass: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let staff_alliance = ctx.user().and_then(|u| u.role.alliance());
    let tab = match q.tab.as_str() {
        "past" => "past",
        "mine" if staff_alliance.is_some() => "mine",
        _ => "upcoming",
    };
    let today = today_iso();
    let mut filter = EventFilter {
        public_only: true,
        kind: EventKind::parse(&q.kind),
        ..Default::default()
    };
    match tab {
        "past" => {
            filter.ended_before = Some(today.clone());
            filter.newest_first = true;
        }
        "mine" => {
            filter.public_only = false;
            filter.alliance = staff_alliance;
            filter.newest_first = true;
        }
        _ => filter.from = Some(today.clone()),
    }
    let page = PageRequest::new(q.page, Some(20));
    let result = state.store.list_events(&filter, page).await?;
    let names = alliance_names(&state).await?;
    let rows = result.items.iter().map(|i| event_row(&ctx, &names, i)).collect();
    let own = match ctx.own_organisation() {
        Some(org) => state
            .store
            .applications_of_organisation(org)
            .await?
            .into_iter()
            .filter(|(_, ev)| ev.ends_on >= today)
            .map(|(a, ev)| OwnApplication {
                event_id: ev.id,
                dates: dates_text(&ev),
                title: ev.title,
                state: ctx.t(a.state.label_key()),
                state_key: a.state.as_str(),
                booths: a.booths.join(", "),
                pass: a.pass_code,
            })
            .collect(),
        None => Vec::new(),
    };
    let extra = format!("&tab={tab}&kind={}", urlencode(&q.kind));
    let body = ListPage {
        pager: pager(&ctx, "/events", &extra, result.page, result.pages()),
        total: result.total,
        ctx: &ctx,
        tab: tab.into(),
        kind: q.kind,
        kinds: kind_options(&ctx),
        rows,
        can_create: ctx.can(Action::Create, Resource::Events),
        staff_alliance,
        own,
    };
    html(&body)
}

#[derive(Deserialize, Default)]
struct CalendarQuery {
    #[serde(default)]
    month: String,
}

/// One day cell of the month grid.
struct DayCell {
    day: u8,
    in_month: bool,
    today: bool,
    events: Vec<(i64, String, bool)>,
}

#[derive(Template)]
#[template(path = "events_calendar.html")]
struct CalendarPage<'a> {
    ctx: &'a RequestCtx,
    heading: String,
    prev: String,
    next: String,
    weekdays: Vec<String>,
    weeks: Vec<Vec<DayCell>>,
    listed: Vec<EventRow>,
}

fn month_start(raw: &str) -> time::Date {
    let today = today_vn();
    let parsed = raw.split_once('-').and_then(|(y, m)| {
        let y: i32 = y.parse().ok()?;
        let m: u8 = m.parse().ok()?;
        time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, 1).ok()
    });
    parsed
        .filter(|d| (2000..=2200).contains(&d.year()))
        .unwrap_or_else(|| today.replace_day(1).unwrap_or(today))
}

async fn calendar(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Response> {
    let month = CalendarMonth::new(&ctx, month_start(&q.month));
    let filter = EventFilter {
        public_only: true,
        from: Some(iso(month.first)),
        to: Some(iso(month.last)),
        ..Default::default()
    };
    let events = state
        .store
        .list_events(&filter, PageRequest::new(Some(1), Some(200)))
        .await?;
    let today = today_vn();
    let weeks = month.grid(|day, in_month| {
        let d = iso(day);
        DayCell {
            day: day.day(),
            in_month,
            today: day == today,
            events: events
                .items
                .iter()
                .filter(|i| i.event.starts_on <= d && i.event.ends_on >= d)
                .map(|i| {
                    (
                        i.event.id,
                        i.event.title.clone(),
                        i.event.status == EventStatus::Cancelled,
                    )
                })
                .collect(),
        }
    });
    let names = alliance_names(&state).await?;
    let listed = events.items.iter().map(|i| event_row(&ctx, &names, i)).collect();
    let body = CalendarPage {
        heading: month.heading,
        prev: month.prev,
        next: month.next,
        weekdays: month.weekdays,
        weeks,
        listed,
        ctx: &ctx,
    };
    html(&body)
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets without splitting a character (§3.1).
fn ics_line(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

fn ics_stamp(t: time::OffsetDateTime) -> String {
    let u = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        u.year(),
        u8::from(u.month()),
        u.day(),
        u.hour(),
        u.minute(),
        u.second()
    )
}

fn ics_date(iso: &str, plus_days: i64) -> String {
    let parsed = (|| {
        let y: i32 = iso.get(0..4)?.parse().ok()?;
        let m: u8 = iso.get(5..7)?.parse().ok()?;
        let d: u8 = iso.get(8..10)?.parse().ok()?;
        time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
    })();
    match parsed {
        Some(d) => {
            let d = d + time::Duration::days(plus_days);
            format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
        }
        None => iso.replace('-', ""),
    }
}

/// An iCalendar document (RFC 5545) of events: all-day entries, the last day inclusive.
pub(crate) fn ics(base: &str, name: &str, events: &[Event], hosts: &HashMap<AllianceId, String>) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//LienKet//Su kien xuc tien thuong mai//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        ics_line(&mut out, l);
    }
    ics_line(&mut out, &format!("X-WR-CALNAME:{}", ics_text(name)));
    ics_line(&mut out, "X-WR-TIMEZONE:Asia/Ho_Chi_Minh");
    let host = base
        .split("://")
        .nth(1)
        .unwrap_or("lienket")
        .split('/')
        .next()
        .unwrap_or("lienket");
    for ev in events {
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(&mut out, &format!("UID:event-{}@{host}", ev.id));
        ics_line(&mut out, &format!("DTSTAMP:{}", ics_stamp(ev.updated_at)));
        ics_line(&mut out, &format!("LAST-MODIFIED:{}", ics_stamp(ev.updated_at)));
        ics_line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", ics_date(&ev.starts_on, 0)),
        );
        ics_line(
            &mut out,
            &format!("DTEND;VALUE=DATE:{}", ics_date(&ev.ends_on, 1)),
        );
        ics_line(&mut out, &format!("SUMMARY:{}", ics_text(&ev.title)));
        if !ev.venue.is_empty() {
            ics_line(&mut out, &format!("LOCATION:{}", ics_text(&ev.venue)));
        }
        let mut desc = String::new();
        if let Some(h) = hosts.get(&ev.host_alliance_id) {
            desc.push_str(h);
        }
        if let Some(hours) = &ev.opening_hours {
            desc.push_str(&format!("\n{hours}"));
        }
        if let Some(d) = &ev.description {
            desc.push_str(&format!("\n\n{d}"));
        }
        if !desc.is_empty() {
            ics_line(&mut out, &format!("DESCRIPTION:{}", ics_text(desc.trim())));
        }
        ics_line(&mut out, &format!("URL:{base}/events/{}", ev.id));
        let status = if ev.status == EventStatus::Cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        };
        ics_line(&mut out, &format!("STATUS:{status}"));
        ics_line(&mut out, "TRANSP:TRANSPARENT");
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

fn calendar_response(body: String, file: &str, public: bool) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ),
            (
                header::CACHE_CONTROL,
                if public {
                    "public, max-age=300"
                } else {
                    "private, no-store"
                }
                .to_string(),
            ),
        ],
        body,
    )
        .into_response()
}

async fn ics_feed(State(state): State<AppState>, ctx: RequestCtx, headers: HeaderMap) -> AppResult<Response> {
    // A year back and everything ahead: what a subscribed calendar needs.
    let from = time::OffsetDateTime::now_utc().date() - time::Duration::days(365);
    let filter = EventFilter {
        public_only: true,
        from: Some(iso(from)),
        ..Default::default()
    };
    let mut events: Vec<Event> = Vec::new();
    for page in 1..=50 {
        let batch = state
            .store
            .list_events(&filter, PageRequest::new(Some(page), Some(200)))
            .await?;
        let done = batch.items.len() < 200;
        events.extend(batch.items.into_iter().map(|i| i.event));
        if done {
            break;
        }
    }
    let base = super::catalog::public_base(&state, &headers, &ctx);
    let names = alliance_names(&state).await?;
    Ok(calendar_response(
        ics(&base, &ctx.t("page-events"), &events, &names),
        "lienket-su-kien.ics",
        true,
    ))
}

async fn ics_one(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let ev = visible_event(&state, &ctx, &id).await?;
    let base = super::catalog::public_base(&state, &headers, &ctx);
    let names = alliance_names(&state).await?;
    let title = ev.title.clone();
    let public = ev.status != EventStatus::Draft;
    Ok(calendar_response(
        ics(&base, &title, &[ev], &names),
        &format!("su-kien-{id}.ics"),
        public,
    ))
}

// ---------------------------------------------------------------------------------------------
// The event page
// ---------------------------------------------------------------------------------------------

/// A booth type as shown.
struct BoothRow {
    name: String,
    size: String,
    capacity: i32,
    free: i32,
    fee: String,
}

fn booth_rows(ev: &Event) -> Vec<BoothRow> {
    ev.booth_types
        .iter()
        .map(|b| BoothRow {
            name: b.name.clone(),
            size: b.size.clone(),
            capacity: b.capacity,
            free: b.free(),
            fee: if b.fee == 0 {
                "0".into()
            } else {
                format!("{} đ", vnd(&b.fee))
            },
        })
        .collect()
}

/// An exhibitor as the public sees it.
struct ExhibitorView {
    organisation_id: i64,
    name: String,
    province: String,
    booths: String,
    products: Vec<(String, String, Option<String>)>,
}

/// One statistics table: (label, exhibitors, booths, products).
struct StatTable {
    title: String,
    rows: Vec<(String, u64, u64, u64)>,
}

/// "97 hợp tác xã từ 15 tỉnh, thành phố" — as staff write it.
pub(crate) fn participation_sentence(ctx: &RequestCtx, p: &Participation) -> String {
    let provinces = p.by_province.iter().filter(|r| !r.key.is_empty()).count();
    // "97 hợp tác xã", "2 tổ hợp tác": the kind's name in the count's number.
    let kind_name = |key: &str, n: u64| {
        let key = format!("participation-kind-{}", key.replace('_', "-"));
        if ctx.lang.has(&key) {
            ctx.lang.t_args(&key, &[("count", n.to_string())])
        } else {
            ctx.lang
                .t_args("participation-organisations", &[("count", n.to_string())])
        }
    };
    match p.by_kind.as_slice() {
        [only] => ctx.lang.t_args(
            "event-participation-sentence",
            &[
                ("count", p.exhibitors.to_string()),
                ("kind", kind_name(&only.key, p.exhibitors)),
                ("provinces", provinces.to_string()),
            ],
        ),
        many => ctx.lang.t_args(
            "event-participation-kinds",
            &[
                ("count", p.exhibitors.to_string()),
                (
                    "kind",
                    ctx.lang.t_args(
                        "participation-organisations",
                        &[("count", p.exhibitors.to_string())],
                    ),
                ),
                (
                    "detail",
                    many.iter()
                        .map(|r| format!("{} {}", r.exhibitors, kind_name(&r.key, r.exhibitors)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                ("provinces", provinces.to_string()),
            ],
        ),
    }
}

fn stat_tables(ctx: &RequestCtx, p: &Participation, names: &HashMap<AllianceId, String>) -> Vec<StatTable> {
    let rows = |v: &[lienket_store::ParticipationRow], label: &dyn Fn(&str) -> String| {
        v.iter()
            .map(|r| (label(&r.key), r.exhibitors, r.booths, r.products))
            .collect::<Vec<_>>()
    };
    vec![
        StatTable {
            title: ctx.t("event-by-province"),
            rows: rows(&p.by_province, &|k| province_label(p, k)),
        },
        StatTable {
            title: ctx.t("event-by-alliance"),
            rows: rows(&p.by_alliance, &|k| {
                k.parse::<i64>()
                    .ok()
                    .and_then(|id| names.get(&AllianceId(id)).cloned())
                    .unwrap_or_else(|| "—".into())
            }),
        },
        StatTable {
            title: ctx.t("event-by-group"),
            rows: rows(&p.by_group, &|k| {
                ProductGroup::by_code(k).map_or_else(
                    || k.to_string(),
                    |g| {
                        if ctx.lang.code() == "vi" {
                            g.name_vi.to_string()
                        } else {
                            g.name_en.to_string()
                        }
                    },
                )
            }),
        },
    ]
}

/// A province key of the participation figures: a legacy province for events before July
/// 2025, a 2025 province otherwise.
fn province_label(p: &Participation, key: &str) -> String {
    let units = lienket_domain::admin_units::units();
    if key.is_empty() {
        "—".into()
    } else if p.legacy_units {
        units
            .legacy_province(key)
            .map_or_else(|| key.to_string(), |l| l.name.to_string())
    } else {
        province_name(key)
    }
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage<'a> {
    ctx: &'a RequestCtx,
    ev: Event,
    kind: String,
    dates: String,
    window: String,
    host: String,
    co_organisers: Vec<String>,
    place: String,
    groups: Vec<String>,
    booths: Vec<BoothRow>,
    exhibitors: Vec<ExhibitorView>,
    sentence: String,
    stats: Vec<StatTable>,
    outcomes: Option<String>,
    checked_in: Option<String>,
    can_manage: bool,
    can_apply: bool,
    accepts: bool,
    own: Option<Application>,
    own_state: String,
    can_report_outcome: bool,
    images: Vec<lienket_store::EventFile>,
}

async fn show(State(state): State<AppState>, ctx: RequestCtx, Path(id): Path<String>) -> AppResult<Response> {
    let ev = visible_event(&state, &ctx, &id).await?;
    let names = alliance_names(&state).await?;
    let apps = state
        .store
        .event_applications(ev.id, Some(ApplicationState::Approved))
        .await?;
    let shown = state.store.shown_products(ev.id).await?;
    let by_id: HashMap<i64, &ShownProduct> = shown.iter().map(|p| (p.id, p)).collect();
    let mut exhibitors: Vec<ExhibitorView> = apps
        .iter()
        .map(|a| ExhibitorView {
            organisation_id: a.organisation_id.0,
            name: a.organisation_name.clone(),
            province: a
                .organisation_province
                .as_deref()
                .map(province_name)
                .unwrap_or_default(),
            booths: a.booths.join(", "),
            products: a
                .products
                .iter()
                .filter_map(|p| by_id.get(p))
                .map(|p| {
                    let stars = p
                        .stars
                        .filter(|s| *s > 0)
                        .map(|s| "★".repeat(s.clamp(0, 5) as usize));
                    (p.code.clone(), p.name.clone(), stars)
                })
                .collect(),
        })
        .collect();
    exhibitors.sort_by_cached_key(|x| lienket_domain::text::sort_key(&x.name));
    // The figures come from what was just read, not from a second reading.
    let participation = Participation::of(&ev, &apps, &shown);
    let can_manage = ctx.can(Action::Review, ev.resource());
    let own_org = ctx.own_organisation();
    let own = match own_org {
        Some(org) => state.store.application_of(ev.id, org).await?,
        None => None,
    };
    let now = time::OffsetDateTime::now_utc();
    let started = today_iso() >= ev.starts_on;
    let body = EventPage {
        kind: ctx.t(ev.kind.label_key()),
        dates: dates_text(&ev),
        window: window_text(&ctx, &ev),
        host: names.get(&ev.host_alliance_id).cloned().unwrap_or_default(),
        co_organisers: ev
            .co_organisers
            .iter()
            .filter_map(|a| names.get(a).cloned())
            .collect(),
        place: match (&ev.ward_code, &ev.province_code) {
            (_, Some(p)) => province_name(p),
            _ => String::new(),
        },
        groups: ev
            .eligible_groups
            .iter()
            .filter_map(|g| ProductGroup::by_code(g))
            .map(|g| {
                if ctx.lang.code() == "vi" {
                    g.name_vi.to_string()
                } else {
                    g.name_en.to_string()
                }
            })
            .collect(),
        booths: booth_rows(&ev),
        sentence: if participation.exhibitors > 0 {
            participation_sentence(&ctx, &participation)
        } else {
            String::new()
        },
        stats: stat_tables(&ctx, &participation, &names),
        outcomes: (participation.reported > 0).then(|| {
            ctx.lang.t_args(
                "event-outcomes-line",
                &[
                    ("reported", participation.reported.to_string()),
                    ("sales", vnd(&participation.sales)),
                    ("contracts", participation.contracts.to_string()),
                    ("buyers", participation.buyers.to_string()),
                ],
            )
        }),
        checked_in: (can_manage && participation.exhibitors > 0).then(|| {
            ctx.lang.t_args(
                "event-checked-in-line",
                &[
                    ("arrived", participation.checked_in.to_string()),
                    ("total", participation.exhibitors.to_string()),
                ],
            )
        }),
        exhibitors,
        can_manage,
        can_apply: own_org.is_some(),
        accepts: ev.accepts_applications(now),
        own_state: own
            .as_ref()
            .map(|a| ctx.t(a.state.label_key()))
            .unwrap_or_default(),
        can_report_outcome: started
            && own
                .as_ref()
                .is_some_and(|a| a.state == ApplicationState::Approved),
        images: state.store.event_files(ev.id, None).await?,
        own,
        ev,
        ctx: &ctx,
    };
    Ok(no_store(html(&body)?))
}

// ---------------------------------------------------------------------------------------------
// Announcing and editing an event
// ---------------------------------------------------------------------------------------------

/// The event form as rendered.
#[derive(Template)]
#[template(path = "event_form.html")]
struct EventFormPage<'a> {
    ctx: &'a RequestCtx,
    heading: String,
    action: String,
    cancel: String,
    version: i32,
    form: EventForm,
    kinds: Vec<(String, String)>,
    groups: Vec<(String, String)>,
    alliances: Vec<(String, String)>,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
}

impl EventFormPage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
    fn has_group(&self, code: &str) -> bool {
        self.form.eligible_groups.iter().any(|g| g == code)
    }
    fn has_alliance(&self, id: &str) -> bool {
        self.form.co_organisers.iter().any(|g| g == id)
    }
}

#[allow(clippy::too_many_arguments)]
async fn event_form_page(
    state: &AppState,
    ctx: &RequestCtx,
    heading: String,
    action: String,
    cancel: String,
    version: i32,
    mut form: EventForm,
    findings: &Findings,
    notice: Option<String>,
    host: Option<AllianceId>,
) -> AppResult<Response> {
    // Always offer a few empty booth rows to fill in.
    while form.booth_types.len() < 3 || form.booth_types.last().is_some_and(|b| !b.name.is_empty()) {
        form.booth_types.push(BoothTypeForm::default());
        if form.booth_types.len() >= 12 {
            break;
        }
    }
    let groups = ProductGroup::all()
        .filter(|g| !g.is_legacy())
        .map(|g| {
            (
                g.code.to_string(),
                if ctx.lang.code() == "vi" {
                    g.name_vi.to_string()
                } else {
                    g.name_en.to_string()
                },
            )
        })
        .collect();
    let alliances = state
        .store
        .alliance_choices()
        .await?
        .into_iter()
        .filter(|a| Some(a.id) != host)
        .map(|a| (a.id.0.to_string(), a.name))
        .collect();
    let notice = form_notice(ctx, findings, notice);
    let page = EventFormPage {
        ctx,
        heading,
        action,
        cancel,
        version,
        form,
        kinds: kind_options(ctx),
        groups,
        alliances,
        errors: errors_by_field(ctx, findings),
        notice,
    };
    let mut res = html(&page)?;
    if !findings.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(no_store(res))
}

/// Reads the posted event form: repeated fields come as pairs, booth rows column by column.
fn read_event_form(pairs: &[(String, String)]) -> (EventForm, i32) {
    let one = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let many = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let ids = many("booth_id");
    let names = many("booth_name");
    let sizes = many("booth_size");
    let caps = many("booth_capacity");
    let fees = many("booth_fee");
    let get = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    let rows = (0..names.len().max(caps.len()).min(50))
        .map(|i| BoothTypeForm {
            id: get(&ids, i),
            name: get(&names, i),
            size: get(&sizes, i),
            capacity: get(&caps, i),
            fee: get(&fees, i),
        })
        .collect();
    let form = EventForm {
        title: one("title"),
        kind: one("kind"),
        venue: one("venue"),
        starts_on: one("starts_on"),
        ends_on: one("ends_on"),
        opening_hours: one("opening_hours"),
        applications_open_on: one("applications_open_on"),
        applications_close_on: one("applications_close_on"),
        applications_close_time: one("applications_close_time"),
        eligible_groups: many("eligible_groups"),
        co_organisers: many("co_organisers"),
        description: one("description"),
        booth_types: rows,
    };
    (form, form_version(&one("version")))
}

/// The 2025 province and ward of a venue, when the address reads clearly.
pub(crate) fn venue_place(venue: &str) -> (Option<String>, Option<String>) {
    if venue.trim().is_empty() {
        return (None, None);
    }
    let m = lienket_domain::admin_units::parse_address(venue);
    (
        m.province_2025.map(|p| p.code.to_string()),
        m.ward_2025
            .filter(|_| !m.needs_review)
            .map(|w| w.code.to_string()),
    )
}

fn staff_alliance(ctx: &RequestCtx) -> AppResult<AllianceId> {
    ctx.require(Action::Create, Resource::Events)?;
    ctx.user()
        .and_then(|u| u.role.alliance())
        .ok_or(AppError::Forbidden)
}

async fn new_form(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    let host = staff_alliance(&ctx)?;
    let form = EventForm {
        kind: EventKind::Fair.as_str().into(),
        applications_close_time: "17:00".into(),
        ..Default::default()
    };
    event_form_page(
        &state,
        &ctx,
        ctx.t("page-event-new"),
        "/events/new".into(),
        "/events".into(),
        0,
        form,
        &Findings::default(),
        None,
        Some(host),
    )
    .await
}

/// Validates an event form and its co-organisers.
pub(crate) async fn check_event(
    state: &AppState,
    host: AllianceId,
    form: &EventForm,
) -> AppResult<Result<lienket_domain::event::EventDraft, Findings>> {
    let draft = match form.parse() {
        Ok(d) => d,
        Err(f) => return Ok(Err(f)),
    };
    let f = check_alliances(state, host, &draft.co_organisers).await?;
    Ok(if f.is_empty() { Ok(draft) } else { Err(f) })
}

/// Checks that co-organisers name real alliances other than the host.
async fn check_alliances(state: &AppState, host: AllianceId, ids: &[AllianceId]) -> AppResult<Findings> {
    let known: BTreeSet<AllianceId> = state
        .store
        .alliance_choices()
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut f = Findings::default();
    if ids.iter().any(|a| !known.contains(a) || *a == host) {
        f.add("co_organisers", "err-reference");
    }
    Ok(f)
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let host = staff_alliance(&ctx)?;
    let (form, _) = read_event_form(&pairs);
    let draft = match check_event(&state, host, &form).await? {
        Ok(d) => d,
        Err(findings) => {
            return event_form_page(
                &state,
                &ctx,
                ctx.t("page-event-new"),
                "/events/new".into(),
                "/events".into(),
                0,
                form,
                &findings,
                None,
                Some(host),
            )
            .await;
        }
    };
    let ev = state
        .store
        .create_event(&ctx.actor(), host, &draft, venue_place(&draft.venue))
        .await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/events/{}", ev.id),
        "flash-event-created",
    ))
}

fn form_of(ev: &Event) -> EventForm {
    let close = ev.applications_close_at.to_offset(lienket_domain::event::VIETNAM);
    let open = vietnam_day(ev.applications_open_at);
    let close_day = vietnam_day(ev.applications_close_at);
    let ymd = |d: lienket_domain::lenient::Date| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
    EventForm {
        title: ev.title.clone(),
        kind: ev.kind.as_str().into(),
        venue: ev.venue.clone(),
        starts_on: ev.starts_on.clone(),
        ends_on: ev.ends_on.clone(),
        opening_hours: ev.opening_hours.clone().unwrap_or_default(),
        applications_open_on: ymd(open),
        applications_close_on: ymd(close_day),
        applications_close_time: format!("{:02}:{:02}", close.hour(), close.minute()),
        eligible_groups: ev.eligible_groups.clone(),
        co_organisers: ev.co_organisers.iter().map(|a| a.0.to_string()).collect(),
        description: ev.description.clone().unwrap_or_default(),
        booth_types: ev
            .booth_types
            .iter()
            .map(|b| BoothTypeForm {
                id: b.id.to_string(),
                name: b.name.clone(),
                size: b.size.clone(),
                capacity: b.capacity.to_string(),
                fee: b.fee.to_string(),
            })
            .collect(),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let ev = state.store.get_event(parse_id(&id)?).await?;
    ctx.require(Action::Update, ev.resource())?;
    event_form_page(
        &state,
        &ctx,
        ctx.t("page-event-edit"),
        format!("/events/{}/edit", ev.id),
        format!("/events/{}", ev.id),
        ev.version,
        form_of(&ev),
        &Findings::default(),
        None,
        Some(ev.host_alliance_id),
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let ev = state.store.get_event(parse_id(&id)?).await?;
    ctx.require(Action::Update, ev.resource())?;
    let (form, version) = read_event_form(&pairs);
    let again = |form: EventForm, findings: Findings, notice: Option<String>, version: i32| {
        let (state, ctx) = (&state, &ctx);
        let heading = ctx.t("page-event-edit");
        async move {
            event_form_page(
                state,
                ctx,
                heading,
                format!("/events/{}/edit", ev.id),
                format!("/events/{}", ev.id),
                version,
                form,
                &findings,
                notice,
                Some(ev.host_alliance_id),
            )
            .await
        }
    };
    let draft = match check_event(&state, ev.host_alliance_id, &form).await? {
        Ok(d) => d,
        Err(findings) => return again(form, findings, None, version).await,
    };
    match state
        .store
        .update_event(&ctx.actor(), ev.id, version, &draft, venue_place(&draft.venue))
        .await
    {
        Ok(saved) => Ok(redirect_with_flash(
            &ctx,
            &format!("/events/{}", saved.id),
            "flash-event-saved",
        )),
        Err(lienket_store::StoreError::Conflict) => {
            let current = state.store.get_event(ev.id).await?;
            let mut res = again(
                form,
                Findings::default(),
                Some(ctx.t("err-conflict")),
                current.version,
            )
            .await?;
            *res.status_mut() = StatusCode::CONFLICT;
            Ok(res)
        }
        Err(lienket_store::StoreError::Refused(key)) => {
            let mut f = Findings::default();
            f.add("booth_types", key);
            again(form, f, None, version).await
        }
        Err(lienket_store::StoreError::Duplicate(_)) => {
            let mut f = Findings::default();
            f.add("booth_types", "err-booth-name-twice");
            again(form, f, None, version).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct StatusPost {
    status: String,
    #[serde(default)]
    version: String,
}

async fn set_status(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<StatusPost>,
) -> AppResult<Response> {
    let ev = state.store.get_event(parse_id(&id)?).await?;
    ctx.require(Action::Update, ev.resource())?;
    let status = EventStatus::parse(&p.status).ok_or(AppError::BadRequest("err-bad-request"))?;
    state
        .store
        .set_event_status(&ctx.actor(), ev.id, form_version(&p.version), status)
        .await?;
    let flash = match status {
        EventStatus::Published => "flash-event-published",
        EventStatus::Cancelled => "flash-event-cancelled",
        EventStatus::Draft => "flash-event-draft",
    };
    Ok(redirect_with_flash(&ctx, &format!("/events/{}", ev.id), flash))
}

// ---------------------------------------------------------------------------------------------
// Applying
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "event_apply.html")]
struct ApplyPage<'a> {
    ctx: &'a RequestCtx,
    ev: Event,
    window: String,
    accepts: bool,
    form: ApplicationForm,
    products: Vec<(String, String, bool, bool)>,
    existing: Option<Application>,
    existing_state: String,
    editable: bool,
    closed: bool,
    attachments: Vec<lienket_store::EventFile>,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
}

impl ApplyPage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

fn apply_form_of(a: &Application) -> ApplicationForm {
    ApplicationForm {
        booth_type_id: a.booth_type_id.to_string(),
        booth_count: a.booth_count.to_string(),
        products: a.products.iter().map(|p| p.to_string()).collect(),
        contact_name: a.contact_name.clone(),
        contact_phone: lienket_domain::validate::phone_display(&a.contact_phone),
        notes: a.notes.clone().unwrap_or_default(),
    }
}

/// The organisation the caller applies for: a representative's own.
fn applicant(ctx: &RequestCtx) -> AppResult<OrganisationId> {
    ctx.require_user()?;
    ctx.own_organisation()
        .ok_or(AppError::Refused("err-apply-not-representative"))
}

#[allow(clippy::too_many_arguments)]
async fn apply_page(
    state: &AppState,
    ctx: &RequestCtx,
    ev: Event,
    org: OrganisationId,
    form: Option<ApplicationForm>,
    findings: &Findings,
    notice: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let existing = state.store.application_of(ev.id, org).await?;
    let form = form
        .or_else(|| existing.as_ref().map(apply_form_of))
        .unwrap_or_else(|| ApplicationForm {
            booth_type_id: ev
                .booth_types
                .first()
                .map(|b| b.id.to_string())
                .unwrap_or_default(),
            booth_count: "1".into(),
            ..Default::default()
        });
    let eligible = |g: &Option<String>| {
        ev.eligible_groups.is_empty()
            || g.as_deref()
                .and_then(ProductGroup::by_code)
                .is_some_and(|g| ev.eligible_groups.iter().any(|e| e == g.statistics_group().code))
    };
    let products = state
        .store
        .products_of(org, false)
        .await?
        .into_iter()
        .filter(|p| p.status == "published")
        .map(|p| {
            let id = p.id.0.to_string();
            let checked = form.products.contains(&id);
            (id, p.fields.name.clone(), checked, eligible(&p.fields.group_code))
        })
        .collect();
    let now = time::OffsetDateTime::now_utc();
    let editable = existing.as_ref().is_none_or(|a| a.state.editable()) && ev.window(now) != Window::Closed;
    let attachments = match &existing {
        Some(a) => state.store.event_files(ev.id, Some(a.id)).await?,
        None => Vec::new(),
    };
    let page = ApplyPage {
        ctx,
        attachments,
        window: window_text(ctx, &ev),
        accepts: ev.accepts_applications(now),
        existing_state: existing
            .as_ref()
            .map(|a| ctx.t(a.state.label_key()))
            .unwrap_or_default(),
        editable,
        closed: ev.window(now) == Window::Closed,
        existing,
        form,
        products,
        errors: errors_by_field(ctx, findings),
        notice: form_notice(ctx, findings, notice),
        ev,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(no_store(res))
}

async fn apply_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let org = applicant(&ctx)?;
    let ev = visible_event(&state, &ctx, &id).await?;
    apply_page(
        &state,
        &ctx,
        ev,
        org,
        None,
        &Findings::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Reads the posted application form (products come as repeated fields).
fn read_application(pairs: &[(String, String)]) -> (ApplicationForm, Option<i32>, bool) {
    let one = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = ApplicationForm {
        booth_type_id: one("booth_type_id"),
        booth_count: one("booth_count"),
        products: pairs
            .iter()
            .filter(|(k, _)| k == "products")
            .map(|(_, v)| v.clone())
            .collect(),
        contact_name: one("contact_name"),
        contact_phone: one("contact_phone"),
        notes: one("notes"),
    };
    let version = one("version").trim().parse().ok().filter(|v| *v > 0);
    (form, version, one("action") != "draft")
}

async fn apply(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let org = applicant(&ctx)?;
    let ev = visible_event(&state, &ctx, &id).await?;
    let (form, version, submit) = read_application(&pairs);
    let draft = match form.parse() {
        Ok(d) => d,
        Err(findings) => {
            return apply_page(
                &state,
                &ctx,
                ev,
                org,
                Some(form),
                &findings,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let now = time::OffsetDateTime::now_utc();
    match state
        .store
        .save_application(&ctx.actor(), ev.id, org, &draft, submit, version, now)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/events/{}", ev.id),
            if submit {
                "flash-application-submitted"
            } else {
                "flash-application-saved"
            },
        )),
        Err(lienket_store::StoreError::Refused(key)) => {
            let field = match key {
                "err-application-booth-type" | "err-application-booth-type-full" => "booth_type_id",
                "err-application-product-owner"
                | "err-application-product-withdrawn"
                | "err-application-product-group" => "products",
                _ => "",
            };
            let mut f = Findings::default();
            if !field.is_empty() {
                f.add(field, key);
            }
            let notice = field.is_empty().then(|| ctx.t(key));
            apply_page(
                &state,
                &ctx,
                ev,
                org,
                Some(form),
                &f,
                notice,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(lienket_store::StoreError::Conflict) => {
            apply_page(
                &state,
                &ctx,
                ev,
                org,
                Some(form),
                &Findings::default(),
                Some(ctx.t("err-conflict")),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct VersionPost {
    #[serde(default)]
    version: String,
}

async fn withdraw(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<VersionPost>,
) -> AppResult<Response> {
    let (app, _) = application_for(&state, &ctx, &id, Action::Update).await?;
    state
        .store
        .withdraw_application(&ctx.actor(), app.id, form_version(&p.version))
        .await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/events/{}", app.event_id),
        "flash-application-withdrawn",
    ))
}

// ---------------------------------------------------------------------------------------------
// Reviewing, booths
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct ApplicationsQuery {
    #[serde(default)]
    state: String,
}

/// An application as the host's staff see it.
struct ReviewRow {
    app: Application,
    state_label: String,
    booth_type: String,
    products: Vec<(String, String)>,
    province: String,
    submitted: String,
    decisions: Vec<(&'static str, String)>,
    waitlist_place: Option<usize>,
    phone: String,
    attachments: Vec<lienket_store::EventFile>,
}

#[derive(Template)]
#[template(path = "event_applications.html")]
struct ApplicationsPage<'a> {
    ctx: &'a RequestCtx,
    ev: Event,
    tabs: Vec<(String, String, usize, bool)>,
    rows: Vec<ReviewRow>,
    booths: Vec<BoothRow>,
}

/// Product codes and names by id.
async fn product_labels(state: &AppState, ids: Vec<i64>) -> AppResult<HashMap<i64, (String, String)>> {
    let ids: Vec<ProductId> = ids.into_iter().map(ProductId).collect();
    Ok(state
        .store
        .products_by_ids(&ids)
        .await?
        .into_iter()
        .map(|p| (p.product.id.0, (p.product.code, p.product.fields.name)))
        .collect())
}

async fn applications(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<ApplicationsQuery>,
) -> AppResult<Response> {
    let ev = hosted_event(&state, &ctx, parse_id(&id)?).await?;
    let all = state.store.event_applications(ev.id, None).await?;
    let wanted = ApplicationState::parse(&q.state);
    let mut tabs = vec![(
        String::new(),
        ctx.t("applications-all"),
        all.iter().filter(|a| a.state != ApplicationState::Draft).count(),
        wanted.is_none(),
    )];
    for s in [
        ApplicationState::Submitted,
        ApplicationState::Approved,
        ApplicationState::Waitlisted,
        ApplicationState::Rejected,
        ApplicationState::Withdrawn,
    ] {
        tabs.push((
            s.as_str().to_string(),
            ctx.t(s.label_key()),
            all.iter().filter(|a| a.state == s).count(),
            wanted == Some(s),
        ));
    }
    let mut waitlist: Vec<&Application> = all
        .iter()
        .filter(|a| a.state == ApplicationState::Waitlisted)
        .collect();
    waitlist.sort_by_key(|a| (a.booth_type_id, a.waitlisted_at, a.id));
    let place = |a: &Application| {
        waitlist
            .iter()
            .filter(|w| w.booth_type_id == a.booth_type_id)
            .position(|w| w.id == a.id)
            .map(|p| p + 1)
    };
    let labels = product_labels(&state, all.iter().flat_map(|a| a.products.clone()).collect()).await?;
    let mut files = state
        .store
        .attachments_of(&all.iter().map(|a| a.id).collect::<Vec<_>>())
        .await?;
    let rows = all
        .iter()
        .filter(|a| a.state != ApplicationState::Draft)
        .filter(|a| wanted.is_none_or(|s| a.state == s))
        .map(|a| ReviewRow {
            state_label: ctx.t(a.state.label_key()),
            booth_type: ev
                .booth_type(a.booth_type_id)
                .map(|b| format!("{} × {}", a.booth_count, b.name))
                .unwrap_or_default(),
            products: a.products.iter().filter_map(|p| labels.get(p).cloned()).collect(),
            province: a
                .organisation_province
                .as_deref()
                .map(province_name)
                .unwrap_or_default(),
            submitted: a.submitted_at.map(|t| ctx.datetime(&t)).unwrap_or_default(),
            decisions: a
                .state
                .decisions()
                .iter()
                .map(|d| {
                    (
                        d.as_str(),
                        ctx.t(match d {
                            ApplicationState::Approved => "action-approve",
                            ApplicationState::Waitlisted => "action-waitlist",
                            _ => "action-reject",
                        }),
                    )
                })
                .collect(),
            waitlist_place: place(a),
            phone: lienket_domain::validate::phone_display(&a.contact_phone),
            attachments: files.remove(&a.id).unwrap_or_default(),
            app: a.clone(),
        })
        .collect();
    let body = ApplicationsPage {
        booths: booth_rows(&ev),
        ctx: &ctx,
        tabs,
        rows,
        ev,
    };
    Ok(no_store(html(&body)?))
}

#[derive(Deserialize)]
struct ReviewPost {
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    back: String,
}

fn back_to(ev_id: i64, back: &str) -> String {
    let state = ApplicationState::parse(back).map_or(String::new(), |s| format!("?state={}", s.as_str()));
    format!("/events/{ev_id}/applications{state}")
}

async fn review(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<ReviewPost>,
) -> AppResult<Response> {
    let app = state.store.get_application(parse_id(&id)?).await?;
    let ev = hosted_event(&state, &ctx, app.event_id).await?;
    let decision = ApplicationState::parse(&p.decision).ok_or(AppError::BadRequest("err-bad-request"))?;
    let note = lienket_domain::validate::clean_text(&p.note);
    state
        .store
        .review_application(
            &ctx.actor(),
            app.id,
            form_version(&p.version),
            decision,
            (!note.is_empty()).then_some(note.chars().take(2000).collect()),
        )
        .await?;
    Ok(redirect_with_flash(
        &ctx,
        &back_to(ev.id, &p.back),
        "flash-application-reviewed",
    ))
}

#[derive(Deserialize)]
struct BoothsPost {
    #[serde(default)]
    numbers: String,
    #[serde(default)]
    back: String,
}

/// Reads "A01, A02" into booth numbers; `None` when one is malformed.
pub(crate) fn booth_numbers(raw: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for n in raw
        .split([',', ';', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let n = n.to_uppercase();
        if n.len() > 20 || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Some(out)
}

async fn assign_booths(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<BoothsPost>,
) -> AppResult<Response> {
    let app = state.store.get_application(parse_id(&id)?).await?;
    let ev = hosted_event(&state, &ctx, app.event_id).await?;
    let numbers = booth_numbers(&p.numbers).ok_or(AppError::Refused("err-booth-number"))?;
    state.store.assign_booths(&ctx.actor(), app.id, &numbers).await?;
    Ok(redirect_with_flash(
        &ctx,
        &back_to(ev.id, &p.back),
        "flash-booths-assigned",
    ))
}

// ---------------------------------------------------------------------------------------------
// Booth plan, passes, exports
// ---------------------------------------------------------------------------------------------

/// One booth type of the plan: its title, booth numbers with their exhibitors, and the
/// exhibitors still waiting for a number.
struct BoothGroup {
    title: String,
    assigned: Vec<(String, String)>,
    unassigned: Vec<String>,
}

#[derive(Template)]
#[template(path = "event_booths.html")]
struct BoothPlanPage<'a> {
    ctx: &'a RequestCtx,
    ev: Event,
    dates: String,
    groups: Vec<BoothGroup>,
}

async fn booth_plan(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let ev = hosted_event(&state, &ctx, parse_id(&id)?).await?;
    let apps = state
        .store
        .event_applications(ev.id, Some(ApplicationState::Approved))
        .await?;
    let groups = ev
        .booth_types
        .iter()
        .map(|b| {
            let mut assigned: Vec<(String, String)> = apps
                .iter()
                .filter(|a| a.booth_type_id == b.id)
                .flat_map(|a| {
                    a.booths
                        .iter()
                        .map(move |n| (n.clone(), a.organisation_name.clone()))
                })
                .collect();
            assigned.sort_by_key(|x| natural(&x.0));
            let unassigned = apps
                .iter()
                .filter(|a| a.booth_type_id == b.id && (a.booths.len() as i32) < a.booth_count)
                .map(|a| {
                    format!(
                        "{} ({})",
                        a.organisation_name,
                        a.booth_count - a.booths.len() as i32
                    )
                })
                .collect();
            BoothGroup {
                title: format!("{} — {} ({})", b.name, b.size, b.capacity),
                assigned,
                unassigned,
            }
        })
        .collect();
    let body = BoothPlanPage {
        dates: dates_text(&ev),
        ctx: &ctx,
        groups,
        ev,
    };
    Ok(no_store(html(&body)?))
}

/// Sorts "A2" before "A10".
fn natural(s: &str) -> (String, u64, String) {
    let prefix: String = s.chars().take_while(|c| !c.is_ascii_digit()).collect();
    let digits: String = s[prefix.len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let rest = s[prefix.len() + digits.len()..].to_string();
    (prefix, digits.parse().unwrap_or(0), rest)
}

/// A printable pass.
struct PassView {
    code: String,
    name: String,
    province: String,
    booths: String,
    contact: String,
    qr: String,
}

#[derive(Template)]
#[template(path = "event_passes.html")]
struct PassesPage<'a> {
    ctx: &'a RequestCtx,
    ev: Event,
    dates: String,
    passes: Vec<PassView>,
}

async fn pass_view(base: &str, a: &Application) -> AppResult<PassView> {
    let code = a.pass_code.clone().unwrap_or_default();
    let qr = lienket_office::qr::qr_svg(&format!("{base}/passes/{code}"))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(PassView {
        name: a.organisation_name.clone(),
        province: a
            .organisation_province
            .as_deref()
            .map(province_name)
            .unwrap_or_default(),
        booths: a.booths.join(", "),
        contact: format!(
            "{} · {}",
            a.contact_name,
            lienket_domain::validate::phone_display(&a.contact_phone)
        ),
        code,
        qr,
    })
}

async fn passes(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let ev = hosted_event(&state, &ctx, parse_id(&id)?).await?;
    let base = super::catalog::public_base(&state, &headers, &ctx);
    let mut apps = state
        .store
        .event_applications(ev.id, Some(ApplicationState::Approved))
        .await?;
    apps.sort_by(|a, b| {
        natural(a.booths.first().map_or("~", String::as_str))
            .cmp(&natural(b.booths.first().map_or("~", String::as_str)))
    });
    let mut views = Vec::with_capacity(apps.len());
    for a in &apps {
        views.push(pass_view(&base, a).await?);
    }
    let body = PassesPage {
        dates: dates_text(&ev),
        ctx: &ctx,
        passes: views,
        ev,
    };
    Ok(no_store(html(&body)?))
}

#[derive(Deserialize, Default)]
struct ExportQuery {
    /// `1`: every application sent, not only the approved exhibitors.
    #[serde(default)]
    all: String,
}

async fn export_exhibitors(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let ev = hosted_event(&state, &ctx, parse_id(&id)?).await?;
    let names = alliance_names(&state).await?;
    let all = q.all == "1";
    let mut apps: Vec<Application> = state
        .store
        .event_applications(ev.id, None)
        .await?
        .into_iter()
        .filter(|a| {
            if all {
                a.state != ApplicationState::Draft
            } else {
                a.state == ApplicationState::Approved
            }
        })
        .collect();
    apps.sort_by_cached_key(|a| {
        (
            a.state != ApplicationState::Approved,
            lienket_domain::text::sort_key(&a.organisation_name),
        )
    });
    let labels = product_labels(&state, apps.iter().flat_map(|a| a.products.clone()).collect()).await?;
    let col = |key: &str, kind: ColumnKind, width: f64| export_column(&ctx, key, kind, width);
    let columns = vec![
        col("col-stt", ColumnKind::Integer, 6.0),
        col("col-organisation", ColumnKind::Text, 40.0),
        col("col-kind", ColumnKind::Text, 14.0),
        col("col-province", ColumnKind::Text, 18.0),
        col("col-alliance", ColumnKind::Text, 26.0),
        col("col-booth-type", ColumnKind::Text, 18.0),
        col("col-booth-count", ColumnKind::Integer, 8.0),
        col("col-booth-numbers", ColumnKind::Text, 14.0),
        col("col-products", ColumnKind::Text, 50.0),
        col("col-contact", ColumnKind::Text, 22.0),
        col("col-phone", ColumnKind::Text, 14.0),
        col("col-state", ColumnKind::Text, 14.0),
        col("col-checked-in", ColumnKind::Text, 16.0),
        col("col-sales", ColumnKind::Money, 16.0),
        col("col-contracts", ColumnKind::Integer, 10.0),
        col("col-buyers", ColumnKind::Integer, 10.0),
    ];
    let rows: Vec<Vec<ExportCell>> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                ExportCell::Integer(i as i64 + 1),
                ExportCell::Text(a.organisation_name.clone()),
                text_cell(
                    OrgKind::parse(&a.organisation_kind).map_or(String::new(), |k| ctx.t(k.label_key())),
                ),
                text_cell(
                    a.organisation_province
                        .as_deref()
                        .map(province_name)
                        .unwrap_or_default(),
                ),
                text_cell(
                    a.organisation_alliance
                        .and_then(|x| names.get(&x).cloned())
                        .unwrap_or_default(),
                ),
                text_cell(
                    ev.booth_type(a.booth_type_id)
                        .map(|b| b.name.clone())
                        .unwrap_or_default(),
                ),
                ExportCell::Integer(i64::from(a.booth_count)),
                text_cell(a.booths.join(", ")),
                text_cell(
                    a.products
                        .iter()
                        .filter_map(|p| labels.get(p).map(|l| l.1.clone()))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                ExportCell::Text(a.contact_name.clone()),
                ExportCell::Text(lienket_domain::validate::phone_display(&a.contact_phone)),
                ExportCell::Text(ctx.t(a.state.label_key())),
                text_cell(a.checked_in_at.map(|t| ctx.datetime(&t)).unwrap_or_default()),
                a.outcome
                    .map_or(ExportCell::Empty, |o| ExportCell::Money(o.sales)),
                a.outcome
                    .map_or(ExportCell::Empty, |o| ExportCell::Integer(i64::from(o.contracts))),
                a.outcome
                    .map_or(ExportCell::Empty, |o| ExportCell::Integer(i64::from(o.buyers))),
            ]
        })
        .collect();
    let participation = state.store.participation(ev.id).await?;
    let subtitle = format!(
        "{} — {} — {}",
        ev.title,
        dates_text(&ev),
        if participation.exhibitors > 0 {
            participation_sentence(&ctx, &participation)
        } else {
            ctx.t("event-exhibitors-empty")
        }
    );
    workbook(
        &ctx.t(if all {
            "export-applications-title"
        } else {
            "export-exhibitors-title"
        }),
        &subtitle,
        "Don vi tham gia",
        &columns,
        &rows,
        &format!("don-vi-tham-gia-su-kien-{}.xlsx", ev.id),
    )
}

// ---------------------------------------------------------------------------------------------
// On the day: passes and check-in
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct CheckinQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "event_checkin.html")]
struct CheckinPage<'a> {
    ctx: &'a RequestCtx,
    ev: Event,
    q: String,
    message: Option<(bool, String)>,
    waiting: Vec<Application>,
    arrived: Vec<(Application, String)>,
}

async fn checkin_view(
    state: &AppState,
    ctx: &RequestCtx,
    ev: Event,
    q: String,
    message: Option<(bool, String)>,
) -> AppResult<Response> {
    let apps = state
        .store
        .event_applications(ev.id, Some(ApplicationState::Approved))
        .await?;
    let folded = lienket_domain::text::fold(&q);
    let matches = |a: &Application| {
        folded.is_empty()
            || lienket_domain::text::fold(&a.organisation_name).contains(&folded)
            || a.booths.iter().any(|b| lienket_domain::text::fold(b) == folded)
            || a.pass_code
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(q.trim()))
    };
    let mut waiting: Vec<Application> = apps
        .iter()
        .filter(|a| a.checked_in_at.is_none() && matches(a))
        .cloned()
        .collect();
    waiting.sort_by_cached_key(|a| lienket_domain::text::sort_key(&a.organisation_name));
    let mut arrived: Vec<(Application, String)> = apps
        .iter()
        .filter(|a| a.checked_in_at.is_some() && matches(a))
        .map(|a| {
            (
                a.clone(),
                a.checked_in_at.map(|t| ctx.datetime(&t)).unwrap_or_default(),
            )
        })
        .collect();
    arrived.sort_by_key(|a| std::cmp::Reverse(a.0.checked_in_at));
    let page = CheckinPage {
        ctx,
        ev,
        q,
        message,
        waiting,
        arrived,
    };
    Ok(no_store(html(&page)?))
}

async fn checkin_page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<CheckinQuery>,
) -> AppResult<Response> {
    let ev = hosted_event(&state, &ctx, parse_id(&id)?).await?;
    checkin_view(&state, &ctx, ev, q.q, None).await
}

#[derive(Deserialize)]
struct CheckinPost {
    #[serde(default)]
    code: String,
    #[serde(default)]
    application: String,
}

/// Checks an application in and says so in words.
async fn check_in_message(
    state: &AppState,
    ctx: &RequestCtx,
    app: &Application,
) -> AppResult<(bool, String)> {
    let was = app.checked_in_at;
    let done = state.store.check_in(&ctx.actor(), app.id).await?;
    let time = done.checked_in_at.map(|t| ctx.datetime(&t)).unwrap_or_default();
    let args = [("name", done.organisation_name.clone()), ("time", time)];
    Ok(match was {
        Some(_) => (true, ctx.lang.t_args("checkin-already", &args)),
        None => (true, ctx.lang.t_args("checkin-done", &args)),
    })
}

async fn checkin(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<CheckinPost>,
) -> AppResult<Response> {
    let ev = hosted_event(&state, &ctx, parse_id(&id)?).await?;
    let found = if let Ok(app_id) = p.application.trim().parse::<i64>() {
        state.store.get_application(app_id).await.ok()
    } else {
        let code = normalise_pass_code(&p.code);
        if code.is_empty() {
            None
        } else {
            state.store.application_by_pass(&code).await.ok()
        }
    };
    let message = match found {
        None => (false, ctx.t("checkin-unknown")),
        Some(a) if a.event_id != ev.id => {
            let other = state.store.get_event(a.event_id).await?;
            (false, ctx.t1("checkin-wrong-event", "event", other.title))
        }
        Some(a) if a.state != ApplicationState::Approved => (false, ctx.t("err-checkin-not-approved")),
        Some(a) => check_in_message(&state, &ctx, &a).await?,
    };
    let status_ok = message.0;
    let mut res = checkin_view(&state, &ctx, ev, String::new(), Some(message)).await?;
    if !status_ok {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "pass.html")]
struct PassPage<'a> {
    ctx: &'a RequestCtx,
    ev: Event,
    dates: String,
    pass: PassView,
    valid: bool,
    can_check_in: bool,
    show_contact: bool,
    application_id: i64,
    checked_in: Option<String>,
}

async fn pass_page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let code = normalise_pass_code(&code);
    let app = state.store.application_by_pass(&code).await?;
    let ev = state.store.get_event(app.event_id).await?;
    let base = super::catalog::public_base(&state, &headers, &ctx);
    let body = PassPage {
        dates: dates_text(&ev),
        pass: pass_view(&base, &app).await?,
        valid: app.state == ApplicationState::Approved && ev.status == EventStatus::Published,
        can_check_in: ctx.can(Action::Review, ev.resource()),
        // The pass is worn in public: its contact's phone is for the organisers and the
        // exhibitor, not for whoever scans the badge.
        show_contact: ctx.can(Action::Review, ev.resource())
            || ctx.own_organisation() == Some(app.organisation_id),
        application_id: app.id,
        checked_in: app.checked_in_at.map(|t| ctx.datetime(&t)),
        ctx: &ctx,
        ev,
    };
    Ok(no_store(html(&body)?))
}

async fn pass_qr(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let code = normalise_pass_code(code.trim_end_matches(".svg"));
    let app = state.store.application_by_pass(&code).await?;
    let base = super::catalog::public_base(&state, &headers, &ctx);
    let svg = pass_view(&base, &app).await?.qr;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

// ---------------------------------------------------------------------------------------------
// After the event: outcomes
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "event_outcome.html")]
struct OutcomePage<'a> {
    ctx: &'a RequestCtx,
    ev: Event,
    app: Application,
    form: OutcomeForm,
    fields: Vec<(&'static str, String, String)>,
    errors: HashMap<&'static str, String>,
}

fn outcome_fields(ctx: &RequestCtx, form: &OutcomeForm) -> Vec<(&'static str, String, String)> {
    vec![
        ("sales", ctx.t("field-sales"), form.sales.clone()),
        ("contracts", ctx.t("field-contracts"), form.contracts.clone()),
        ("buyers", ctx.t("field-buyers"), form.buyers.clone()),
    ]
}

impl OutcomePage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

/// The application, when the caller reports for it (its organisation, or the host's staff).
async fn reporting(state: &AppState, ctx: &RequestCtx, raw: &str) -> AppResult<(Application, Event)> {
    let (app, ev) = application_for(state, ctx, raw, Action::Update).await?;
    if app.state != ApplicationState::Approved {
        return Err(AppError::Refused("err-outcome-not-approved"));
    }
    if today_iso() < ev.starts_on {
        return Err(AppError::Refused("err-outcome-too-early"));
    }
    Ok((app, ev))
}

async fn outcome_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (app, ev) = reporting(&state, &ctx, &id).await?;
    let form = match app.outcome {
        Some(o) => OutcomeForm {
            sales: o.sales.to_string(),
            contracts: o.contracts.to_string(),
            buyers: o.buyers.to_string(),
            note: app.outcome_note.clone().unwrap_or_default(),
        },
        None => OutcomeForm::default(),
    };
    let body = OutcomePage {
        fields: outcome_fields(&ctx, &form),
        ctx: &ctx,
        ev,
        app,
        form,
        errors: HashMap::new(),
    };
    Ok(no_store(html(&body)?))
}

async fn save_outcome(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(form): Form<OutcomeForm>,
) -> AppResult<Response> {
    let (app, ev) = reporting(&state, &ctx, &id).await?;
    match form.parse() {
        Ok((outcome, note)) => {
            state
                .store
                .save_outcome(&ctx.actor(), app.id, outcome, note)
                .await?;
            Ok(redirect_with_flash(
                &ctx,
                &format!("/events/{}", ev.id),
                "flash-outcome-saved",
            ))
        }
        Err(findings) => {
            let body = OutcomePage {
                fields: outcome_fields(&ctx, &form),
                errors: errors_by_field(&ctx, &findings),
                ctx: &ctx,
                ev,
                app,
                form,
            };
            let mut res = html(&body)?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(no_store(res))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Images of an event, attachments of an application
// ---------------------------------------------------------------------------------------------

async fn upload_image(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let ev = state.store.get_event(parse_id(&id)?).await?;
    ctx.require(Action::Update, ev.resource())?;
    if state.store.event_files(ev.id, None).await?.len() as u64 >= lienket_store::MAX_EVENT_FILES {
        return Err(AppError::Refused("err-event-files-full"));
    }
    let Some((name, bytes)) = read_upload(&mut multipart, "image").await? else {
        return Err(AppError::Refused("image-error-missing"));
    };
    let size = bytes.len() as i64;
    let (original, img) = match super::uploads::process_image(bytes).await? {
        Ok(x) => x,
        Err(e) => {
            let msg = ctx.lang.t_args(e.key(), &e.args());
            return Ok(super::error_page(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                msg,
                None,
            ));
        }
    };
    let stored = put_image(&state, &format!("events/{}", ev.id), original, img).await?;
    let file = lienket_store::EventFile {
        id: 0,
        event_id: ev.id,
        application_id: None,
        file_name: name,
        content_type: stored.kind.mime().to_string(),
        object_key: stored.original_key,
        display_key: Some(stored.display_key),
        thumb_key: Some(stored.thumb_key),
        size,
        actor_name: String::new(),
        created_at: time::OffsetDateTime::now_utc(),
    };
    if let Err(e) = state.store.add_event_file(&ctx.actor(), &file).await {
        remove_stored(&state, &file).await;
        return Err(e.into());
    }
    Ok(redirect_with_flash(
        &ctx,
        &format!("/events/{}", ev.id),
        "flash-file-added",
    ))
}

async fn delete_image(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let ev = state.store.get_event(parse_id(&id)?).await?;
    ctx.require(Action::Update, ev.resource())?;
    let f = state.store.get_event_file(parse_id(&file)?).await?;
    if f.event_id != ev.id || f.application_id.is_some() {
        return Err(AppError::NotFound);
    }
    let gone = state.store.delete_event_file(&ctx.actor(), f.id).await?;
    remove_stored(&state, &gone).await;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/events/{}", ev.id),
        "flash-file-removed",
    ))
}

/// An application and its event, when the policy lets the caller do `action` on it.
pub(crate) async fn application_for(
    state: &AppState,
    ctx: &RequestCtx,
    raw: &str,
    action: Action,
) -> AppResult<(Application, Event)> {
    let app = state.store.get_application(parse_id(raw)?).await?;
    let ev = state.store.get_event(app.event_id).await?;
    ctx.require(action, app.resource(ev.host_alliance_id))?;
    Ok((app, ev))
}

/// An application whose attachments the caller may change: the organisation's side only while
/// it can still change (what was reviewed stays as it was); the host's staff always.
async fn attachment_editor(state: &AppState, ctx: &RequestCtx, raw: &str) -> AppResult<(Application, Event)> {
    let (app, ev) = application_for(state, ctx, raw, Action::Update).await?;
    if !app.state.editable() && !ctx.can(Action::Review, ev.resource()) {
        return Err(AppError::Refused("err-application-not-editable"));
    }
    Ok((app, ev))
}

async fn upload_attachment(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (app, ev) = attachment_editor(&state, &ctx, &id).await?;
    let Some((name, bytes)) = read_upload(&mut multipart, "file").await? else {
        return Err(AppError::Refused("err-attachment-missing"));
    };
    // Attachments accepted: PDF or an image, decided by content.
    let Some((content_type, ext)) = super::uploads::pdf_or_image_type(&bytes) else {
        return Err(AppError::Refused("err-attachment-type"));
    };
    let file = lienket_store::EventFile {
        id: 0,
        event_id: ev.id,
        application_id: Some(app.id),
        file_name: name,
        content_type: content_type.to_string(),
        object_key: format!("applications/{}/{}.{ext}", app.id, uuid::Uuid::new_v4().simple()),
        display_key: None,
        thumb_key: None,
        size: bytes.len() as i64,
        actor_name: String::new(),
        created_at: time::OffsetDateTime::now_utc(),
    };
    state.objects.put(&file.object_key, bytes).await?;
    if let Err(e) = state.store.add_event_file(&ctx.actor(), &file).await {
        remove_stored(&state, &file).await;
        return Err(e.into());
    }
    Ok(redirect_with_flash(
        &ctx,
        &format!("/events/{}/apply", ev.id),
        "flash-file-added",
    ))
}

async fn download_attachment(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let (app, _) = application_for(&state, &ctx, &id, Action::View).await?;
    let f = state.store.get_event_file(parse_id(&file)?).await?;
    if f.application_id != Some(app.id) {
        return Err(AppError::NotFound);
    }
    let bytes = state.objects.get(&f.object_key).await?;
    super::attachment(&f.file_name, &f.content_type, bytes)
}

async fn delete_attachment(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let (app, ev) = attachment_editor(&state, &ctx, &id).await?;
    let f = state.store.get_event_file(parse_id(&file)?).await?;
    if f.application_id != Some(app.id) {
        return Err(AppError::NotFound);
    }
    let gone = state.store.delete_event_file(&ctx.actor(), f.id).await?;
    remove_stored(&state, &gone).await;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/events/{}/apply", ev.id),
        "flash-file-removed",
    ))
}

// ---------------------------------------------------------------------------------------------
// Printable exhibitor list, booth plan workbook
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "event_exhibitors.html")]
struct ExhibitorSheet<'a> {
    ctx: &'a RequestCtx,
    ev: Event,
    dates: String,
    sentence: String,
    rows: Vec<Vec<String>>,
    stats: Vec<StatTable>,
}

async fn exhibitor_sheet(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let ev = hosted_event(&state, &ctx, parse_id(&id)?).await?;
    let mut apps = state
        .store
        .event_applications(ev.id, Some(ApplicationState::Approved))
        .await?;
    apps.sort_by_cached_key(|a| lienket_domain::text::sort_key(&a.organisation_name));
    let labels = product_labels(&state, apps.iter().flat_map(|a| a.products.clone()).collect()).await?;
    let rows = apps
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                (i + 1).to_string(),
                a.organisation_name.clone(),
                a.organisation_province
                    .as_deref()
                    .map(province_name)
                    .unwrap_or_default(),
                a.booths.join(", "),
                a.products
                    .iter()
                    .filter_map(|p| labels.get(p).map(|l| l.1.clone()))
                    .collect::<Vec<_>>()
                    .join("; "),
                format!(
                    "{} · {}",
                    a.contact_name,
                    lienket_domain::validate::phone_display(&a.contact_phone)
                ),
            ]
        })
        .collect();
    let participation = state.store.participation(ev.id).await?;
    let names = alliance_names(&state).await?;
    let body = ExhibitorSheet {
        stats: stat_tables(&ctx, &participation, &names),
        dates: dates_text(&ev),
        sentence: if participation.exhibitors > 0 {
            participation_sentence(&ctx, &participation)
        } else {
            String::new()
        },
        ctx: &ctx,
        ev,
        rows,
    };
    Ok(no_store(html(&body)?))
}

async fn export_booths(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let ev = hosted_event(&state, &ctx, parse_id(&id)?).await?;
    let apps = state
        .store
        .event_applications(ev.id, Some(ApplicationState::Approved))
        .await?;
    let col = |key: &str, kind: ColumnKind, width: f64| export_column(&ctx, key, kind, width);
    let columns = vec![
        col("col-booth-number", ColumnKind::Text, 12.0),
        col("col-booth-type", ColumnKind::Text, 20.0),
        col("col-organisation", ColumnKind::Text, 40.0),
        col("col-province", ColumnKind::Text, 18.0),
        col("col-contact", ColumnKind::Text, 22.0),
        col("col-phone", ColumnKind::Text, 14.0),
        col("col-checked-in", ColumnKind::Text, 16.0),
    ];
    let mut lines: Vec<(String, Vec<ExportCell>)> = Vec::new();
    for a in &apps {
        let booth_type = ev
            .booth_type(a.booth_type_id)
            .map(|b| b.name.clone())
            .unwrap_or_default();
        let numbers: Vec<String> = if a.booths.is_empty() {
            vec![String::new()]
        } else {
            a.booths.clone()
        };
        for n in numbers {
            lines.push((
                n.clone(),
                vec![
                    if n.is_empty() {
                        ExportCell::Text(ctx.t("booth-plan-unassigned"))
                    } else {
                        ExportCell::Text(n)
                    },
                    ExportCell::Text(booth_type.clone()),
                    ExportCell::Text(a.organisation_name.clone()),
                    ExportCell::Text(
                        a.organisation_province
                            .as_deref()
                            .map(province_name)
                            .unwrap_or_default(),
                    ),
                    ExportCell::Text(a.contact_name.clone()),
                    ExportCell::Text(lienket_domain::validate::phone_display(&a.contact_phone)),
                    a.checked_in_at
                        .map_or(ExportCell::Empty, |t| ExportCell::Text(ctx.datetime(&t))),
                ],
            ));
        }
    }
    // Numbered booths first in natural order ("A2" before "A10"), then those not yet placed.
    lines.sort_by_key(|x| (x.0.is_empty(), natural(&x.0)));
    let rows: Vec<Vec<ExportCell>> = lines.into_iter().map(|l| l.1).collect();
    let subtitle = format!("{} — {}", ev.title, dates_text(&ev));
    workbook(
        &ctx.t("export-booths-title"),
        &subtitle,
        "So do gian hang",
        &columns,
        &rows,
        &format!("so-do-gian-hang-su-kien-{}.xlsx", ev.id),
    )
}

async fn export_participation(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let ev = visible_event(&state, &ctx, &id).await?;
    let names = alliance_names(&state).await?;
    let p = state.store.participation(ev.id).await?;
    let col = |key: &str, kind: ColumnKind, width: f64| export_column(&ctx, key, kind, width);
    let columns = vec![
        col("col-breakdown", ColumnKind::Text, 28.0),
        col("col-name", ColumnKind::Text, 44.0),
        col("event-col-exhibitors", ColumnKind::Integer, 12.0),
        col("event-col-booths", ColumnKind::Integer, 10.0),
        col("event-col-products", ColumnKind::Integer, 12.0),
    ];
    let mut rows = Vec::new();
    for t in stat_tables(&ctx, &p, &names) {
        for r in t.rows {
            rows.push(vec![
                ExportCell::Text(t.title.clone()),
                ExportCell::Text(r.0),
                ExportCell::Integer(r.1 as i64),
                ExportCell::Integer(r.2 as i64),
                ExportCell::Integer(r.3 as i64),
            ]);
        }
    }
    let sentence = if p.exhibitors > 0 {
        participation_sentence(&ctx, &p)
    } else {
        ctx.t("event-exhibitors-empty")
    };
    workbook(
        &ctx.t("export-participation-title"),
        &format!("{} — {} — {sentence}", ev.title, dates_text(&ev)),
        "Thong ke tham gia",
        &columns,
        &rows,
        &format!("thong-ke-tham-gia-su-kien-{}.xlsx", ev.id),
    )
}
