//! Dashboards: the figures of every alliance together (`/dashboards`) or of one
//! (`/dashboards/{alliance}`) over the years — registry growth, reports filed, OCOP products,
//! events and exhibitors, support — as SVG charts with their tables, and as XLSX, CSV and
//! JSON (`/dashboards.json`, `/dashboards/{alliance}.json`).
//!
//! The years are the latest programme's period, reaching back to cover five years
//! (`?from=&to=` choose others). A computed dashboard is kept in memory for a minute per
//! (application, alliance, years shown): the page is asked for far more often than the
//! figures change, and a minute-old figure is what the page says it is ("Số liệu lúc 14:05").
//! It is computed once at a time: an aged one is still shown while one request's background
//! task computes it again (`SingleFlight`).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use lienket_domain::ids::AllianceId;
use lienket_domain::organisation::OrgKind;
use lienket_domain::policy::{Action, Resource};
use lienket_office::chart::{self, Chart, Series};
use lienket_store::{Alliance, Dashboard};
use serde::{Deserialize, Serialize};

use super::catalog::product_group_name;
use super::products::today_date;
use super::reviews::document::{Cell, Tbl};
use super::reviews::output::{self, WebTable};
use super::{html, no_store};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

/// The routes of the dashboards.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboards", get(all))
        .route("/dashboards.json", get(all_json))
        .route("/dashboards/{alliance}", get(one))
}

/// How long a computed dashboard is shown before it is computed again.
const FRESH: Duration = Duration::from_secs(60);
/// Years a dashboard covers at least, and at most.
const MIN_YEARS: i32 = 5;
const MAX_YEARS: i32 = 20;

/// The application instance: tests run several in one process, each on its own database. Its
/// metrics' address, and its start instant to tell apart two applications that got the same
/// address in turn.
type App = (usize, Instant);

/// Which dashboard: the application, the alliance and the years shown (after defaults and
/// bounds, so that `/dashboards` and `/dashboards?from=2021&to=2025` are one entry when they
/// show the same years).
type Key = (App, Option<i64>, i32, i32);

/// The years a dashboard shows unless asked for others.
#[derive(Clone, Copy)]
struct Period {
    first: i32,
    last: i32,
}

/// A computed value and when it was computed.
struct Computed<T> {
    at: Instant,
    computed_at: time::OffsetDateTime,
    value: Arc<T>,
}

impl<T> Clone for Computed<T> {
    fn clone(&self) -> Self {
        Computed {
            at: self.at,
            computed_at: self.computed_at,
            value: Arc::clone(&self.value),
        }
    }
}

/// The last value of one key and the lock its computation holds.
struct Slot<T> {
    last: Mutex<Option<Computed<T>>>,
    computing: Arc<tokio::sync::Mutex<()>>,
}

impl<T> Slot<T> {
    fn last(&self) -> Option<Computed<T>> {
        self.last.lock().expect("dashboard slot").clone()
    }

    fn keep(&self, value: T) -> Computed<T> {
        let c = Computed {
            at: Instant::now(),
            computed_at: time::OffsetDateTime::now_utc(),
            value: Arc::new(value),
        };
        *self.last.lock().expect("dashboard slot") = Some(c.clone());
        c
    }
}

/// Values kept for a while (`fresh`) and computed once at a time per key. When one has aged, the
/// request that notices it starts computing it again in the background and every request
/// gets the previous value meanwhile (a minute-old figure says so on the page); requests
/// with nothing to show yet wait for the one computation. Computing on every expiry in each
/// of sixteen concurrent requests at once was the rejected alternative: they all queued on
/// the database behind the same grouped queries.
struct SingleFlight<K, T> {
    fresh: Duration,
    slots: LazyLock<Mutex<HashMap<K, Arc<Slot<T>>>>>,
}

impl<K, T> SingleFlight<K, T>
where
    K: std::hash::Hash + Eq,
    T: Send + Sync + 'static,
{
    const fn new(fresh: Duration) -> Self {
        SingleFlight {
            fresh,
            slots: LazyLock::new(|| Mutex::new(HashMap::new())),
        }
    }

    fn slot(&self, key: K) -> Arc<Slot<T>> {
        let mut slots = self.slots.lock().expect("dashboard cache");
        if slots.len() > 500 {
            // Forget values nobody asked for in a while, unless being computed.
            slots.retain(|_, s| {
                Arc::strong_count(s) > 1 || s.last().is_some_and(|c| c.at.elapsed() < self.fresh * 10)
            });
        }
        Arc::clone(slots.entry(key).or_insert_with(|| {
            Arc::new(Slot {
                last: Mutex::new(None),
                computing: Arc::default(),
            })
        }))
    }

    /// The value of `key`, computed by `compute` when there is none or it has aged.
    async fn get<F>(&self, key: K, compute: impl FnOnce() -> F) -> AppResult<Computed<T>>
    where
        F: Future<Output = AppResult<T>> + Send + 'static,
    {
        let slot = self.slot(key);
        if let Some(last) = slot.last() {
            if last.at.elapsed() >= self.fresh
                && let Ok(computing) = Arc::clone(&slot.computing).try_lock_owned()
            {
                let work = compute();
                let slot = Arc::clone(&slot);
                let fresh = self.fresh;
                tokio::spawn(async move {
                    let _computing = computing;
                    // Another request may have finished computing it since it was read.
                    if slot.last().is_some_and(|c| c.at.elapsed() < fresh) {
                        return;
                    }
                    match work.await {
                        Ok(v) => {
                            slot.keep(v);
                        }
                        Err(e) => tracing::warn!(error = %e, "a dashboard could not be computed again"),
                    }
                });
            }
            return Ok(last);
        }
        let _computing = slot.computing.lock().await;
        if let Some(last) = slot.last() {
            return Ok(last);
        }
        Ok(slot.keep(compute().await?))
    }
}

static PERIODS: SingleFlight<App, Period> = SingleFlight::new(FRESH);
static DASHBOARDS: SingleFlight<Key, Dashboard> = SingleFlight::new(FRESH);

#[derive(Deserialize, Default)]
#[serde(default)]
struct DashQuery {
    alliance: String,
    from: String,
    to: String,
    format: String,
    table: String,
}

fn year(raw: &str) -> Option<i32> {
    raw.trim().parse().ok().filter(|y| (2000..=2100).contains(y))
}

/// The latest programme's period, reaching back to cover five years.
async fn period(state: AppState) -> AppResult<Period> {
    let latest = state.store.latest_programme_years().await?;
    let this_year = today_date().year();
    Ok(match latest {
        Some((first, last)) => Period {
            first: first.min(last - (MIN_YEARS - 1)),
            last,
        },
        None => Period {
            first: this_year - (MIN_YEARS - 1),
            last: this_year,
        },
    })
}

/// The dashboard of an alliance (or all) over the years asked for (`from`/`to`, the
/// programme's period otherwise), at most [`MAX_YEARS`] of them.
async fn computed(
    state: &AppState,
    alliance: Option<AllianceId>,
    q: &DashQuery,
) -> AppResult<(i32, i32, Computed<Dashboard>)> {
    let app: App = (Arc::as_ptr(&state.metrics) as usize, state.started);
    let p = *PERIODS.get(app, || period(state.clone())).await?.value;
    let last = year(&q.to).unwrap_or(p.last);
    let first = year(&q.from)
        .unwrap_or(p.first)
        .min(last)
        .max(last - (MAX_YEARS - 1));
    let key: Key = (app, alliance.map(|a| a.0), first, last);
    let store = state.store.clone();
    let c = DASHBOARDS
        .get(key, move || async move {
            Ok(store.dashboard(alliance, first, last).await?)
        })
        .await?;
    Ok((first, last, c))
}

// ---------------------------------------------------------------------------------------------
// Tables and charts
// ---------------------------------------------------------------------------------------------

/// The names of the tables, in page order (the `table` of a CSV export).
const TABLES: [&str; 8] = [
    "registry",
    "reports",
    "ocop_stars",
    "ocop_groups",
    "ocop_years",
    "events",
    "support",
    "alliances",
];

fn header(lang: Lang, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| lang.t(k)).collect()
}

fn stars_label(lang: Lang, s: i32) -> String {
    lang.t_args("col-review-stars", &[("stars", s.to_string())])
}

/// One table of the dashboard by name; `None` for an unknown name or `alliances` of one
/// alliance's dashboard.
fn table(lang: Lang, name: &str, d: &Dashboard, names: &HashMap<i64, String>) -> Option<Tbl> {
    let by_year = |keys: &[&str], f: &dyn Fn(&lienket_store::DashboardYear) -> Vec<i64>| -> Vec<Vec<Cell>> {
        let _ = keys;
        d.years
            .iter()
            .map(|y| {
                let mut row = vec![Cell::Text(y.year.to_string())];
                row.extend(f(y).into_iter().map(Cell::Int));
                row
            })
            .collect()
    };
    let (title, keys, rows): (&str, Vec<&str>, Vec<Vec<Cell>>) = match name {
        "registry" => {
            let keys = vec!["dash-col-year", "dash-col-founded", "dash-col-registered"];
            let rows = by_year(&keys, &|y| vec![y.founded, y.registered]);
            ("dash-registry", keys, rows)
        }
        "reports" => {
            let keys = vec![
                "dash-col-year",
                "dash-col-reports-filed",
                "dash-col-reports-accepted",
            ];
            let rows = by_year(&keys, &|y| vec![y.reports_filed, y.reports_accepted]);
            ("dash-reports", keys, rows)
        }
        "ocop_stars" => (
            "dash-ocop-stars",
            vec!["dash-col-stars", "dash-col-products"],
            d.ocop_stars
                .iter()
                .map(|(s, n)| vec![Cell::Text(stars_label(lang, *s)), Cell::Int(*n)])
                .collect(),
        ),
        "ocop_groups" => (
            "dash-ocop-groups",
            vec!["dash-col-group", "dash-col-products"],
            d.ocop_groups
                .iter()
                .map(|(g, n)| vec![Cell::Text(product_group_name(lang, g)), Cell::Int(*n)])
                .collect(),
        ),
        "ocop_years" => {
            let keys = vec!["dash-col-year", "dash-col-ocop-certified"];
            let rows = by_year(&keys, &|y| vec![y.ocop_certified]);
            ("dash-ocop-years", keys, rows)
        }
        "events" => {
            let keys = vec!["dash-col-year", "dash-col-events", "dash-col-exhibitors"];
            let rows = by_year(&keys, &|y| vec![y.events, y.exhibitors]);
            ("dash-events", keys, rows)
        }
        "support" => {
            let keys = vec![
                "dash-col-year",
                "dash-col-support-activities",
                "dash-col-support-participants",
                "dash-col-support-requests",
                "dash-col-support-answered",
            ];
            let rows = by_year(&keys, &|y| {
                vec![
                    y.support_activities,
                    y.support_participants,
                    y.support_requests,
                    y.support_answered,
                ]
            });
            ("dash-support", keys, rows)
        }
        "alliances" if !d.by_alliance.is_empty() => {
            let mut rows: Vec<(String, i64)> = d
                .by_alliance
                .iter()
                .map(|(id, n)| {
                    (
                        names
                            .get(id)
                            .cloned()
                            .unwrap_or_else(|| lang.t("review-no-alliance")),
                        *n,
                    )
                })
                .collect();
            rows.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| lienket_domain::text::collate(&a.0, &b.0))
            });
            (
                "dash-alliances",
                vec!["dash-col-alliance", "dash-col-organisations"],
                rows.into_iter()
                    .map(|(n, c)| vec![Cell::Text(n), Cell::Int(c)])
                    .collect(),
            )
        }
        _ => return None,
    };
    Some(Tbl {
        caption: lang.t(title),
        sheet: lang.t(title),
        header: header(lang, &keys),
        rows,
        total_row: false,
    })
}

fn series(name: String, values: Vec<i64>) -> Series {
    Series {
        name,
        values: values.into_iter().map(|v| v as f64).collect(),
    }
}

/// The charts of a table.
fn charts(lang: Lang, name: &str, d: &Dashboard, t: &Tbl) -> Vec<String> {
    let years: Vec<String> = d.years.iter().map(|y| y.year.to_string()).collect();
    let col = |f: &dyn Fn(&lienket_store::DashboardYear) -> i64| d.years.iter().map(f).collect::<Vec<i64>>();
    let empty = lang.t("review-chart-empty");
    let chart = |title: &str, series: Vec<Series>| Chart {
        title: lang.t(title),
        categories: years.clone(),
        series,
        unit: String::new(),
        empty: empty.clone(),
    };
    // Categories and values straight from a two-column table (label, count).
    let pairs = |title: &str| Chart {
        title: lang.t(title),
        categories: t.rows.iter().map(|r| r[0].show()).collect(),
        series: vec![Series {
            name: t.header[1].clone(),
            values: t
                .rows
                .iter()
                .map(|r| match r[1] {
                    Cell::Int(n) => n as f64,
                    _ => 0.0,
                })
                .collect(),
        }],
        unit: String::new(),
        empty: empty.clone(),
    };
    match name {
        "registry" => vec![
            chart::line_chart(&chart(
                "dash-chart-registered",
                vec![series(t.header[2].clone(), col(&|y| y.registered))],
            )),
            chart::bar_chart(&chart(
                "dash-chart-founded",
                vec![series(t.header[1].clone(), col(&|y| y.founded))],
            )),
        ],
        "reports" => vec![chart::bar_chart(&chart(
            "dash-reports",
            vec![
                series(t.header[1].clone(), col(&|y| y.reports_filed)),
                series(t.header[2].clone(), col(&|y| y.reports_accepted)),
            ],
        ))],
        "ocop_stars" => vec![chart::bar_chart(&pairs("dash-ocop-stars"))],
        "ocop_groups" => vec![chart::hbar_chart(&pairs("dash-ocop-groups"))],
        "ocop_years" => vec![chart::bar_chart(&chart(
            "dash-ocop-years",
            vec![series(t.header[1].clone(), col(&|y| y.ocop_certified))],
        ))],
        "events" => vec![chart::bar_chart(&chart(
            "dash-events",
            vec![
                series(t.header[1].clone(), col(&|y| y.events)),
                series(t.header[2].clone(), col(&|y| y.exhibitors)),
            ],
        ))],
        "support" => vec![
            chart::bar_chart(&chart(
                "dash-support",
                vec![
                    series(t.header[1].clone(), col(&|y| y.support_activities)),
                    series(t.header[3].clone(), col(&|y| y.support_requests)),
                    series(t.header[4].clone(), col(&|y| y.support_answered)),
                ],
            )),
            chart::line_chart(&chart(
                "dash-chart-support-participants",
                vec![series(t.header[2].clone(), col(&|y| y.support_participants))],
            )),
        ],
        "alliances" => vec![chart::hbar_chart(&pairs("dash-alliances"))],
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

/// One section of the page: a table, its charts and its CSV link.
struct Section {
    name: &'static str,
    title: String,
    charts: Vec<String>,
    table: WebTable,
}

#[derive(Template)]
#[template(path = "dashboards.html")]
struct DashboardsPage<'a> {
    ctx: &'a RequestCtx,
    heading: String,
    base: String,
    alliance: String,
    choices: Vec<(String, String)>,
    from: i32,
    to: i32,
    query: String,
    computed_at: String,
    tiles: Vec<(String, String)>,
    sections: Vec<Section>,
}

/// The figures as JSON.
#[derive(Serialize)]
struct DashboardJson<'a> {
    alliance: Option<i64>,
    first_year: i32,
    last_year: i32,
    #[serde(with = "time::serde::rfc3339")]
    computed_at: time::OffsetDateTime,
    dashboard: &'a Dashboard,
}

async fn all(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    // The filter form names the alliance in the query: one alliance's dashboard has its own
    // address.
    if let Ok(id) = q.alliance.trim().parse::<i64>() {
        let years = [("from", &q.from), ("to", &q.to)]
            .iter()
            .filter_map(|(k, v)| year(v).map(|y| format!("{k}={y}")))
            .collect::<Vec<_>>()
            .join("&");
        return Ok(axum::response::Redirect::to(&format!("/dashboards/{id}?{years}")).into_response());
    }
    respond(&state, &ctx, None, &q, "").await
}

async fn all_json(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    respond(&state, &ctx, None, &q, "json").await
}

async fn one(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(raw): Path<String>,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let (id, ext) = raw.split_once('.').unwrap_or((raw.as_str(), ""));
    if !matches!(ext, "" | "json") {
        return Err(AppError::NotFound);
    }
    ctx.require(Action::View, Resource::Dashboard)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let alliance = state
        .store
        .alliance_choices()
        .await?
        .into_iter()
        .find(|a| a.id.0 == id)
        .ok_or(AppError::NotFound)?;
    respond(&state, &ctx, Some(&alliance), &q, ext).await
}

async fn respond(
    state: &AppState,
    ctx: &RequestCtx,
    alliance: Option<&Alliance>,
    q: &DashQuery,
    ext: &str,
) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Dashboard)?;
    let (first, last, c) = computed(state, alliance.map(|a| a.id), q).await?;
    let d = &*c.value;
    if ext == "json" {
        let body = DashboardJson {
            alliance: alliance.map(|a| a.id.0),
            first_year: first,
            last_year: last,
            computed_at: c.computed_at,
            dashboard: d,
        };
        return Ok(no_store(Json(body).into_response()));
    }
    let alliances = state.store.alliance_choices().await?;
    let names: HashMap<i64, String> = alliances.iter().map(|a| (a.id.0, a.short_name.clone())).collect();
    let file_base = match alliance {
        Some(a) => format!("{} {} - {}", Lang::Vi.t("dash-file-name"), a.short_name, last),
        None => format!("{} {}-{}", Lang::Vi.t("dash-file-name"), first, last),
    };
    match q.format.as_str() {
        "csv" => {
            let t = table(Lang::Vi, &q.table, d, &names).ok_or(AppError::BadRequest("err-dash-table"))?;
            return super::attachment(
                &format!("{file_base} - {}.csv", t.caption),
                "text/csv; charset=utf-8",
                output::csv(&t),
            );
        }
        "xlsx" => {
            let tables: Vec<Tbl> = TABLES
                .iter()
                .filter_map(|n| table(Lang::Vi, n, d, &names))
                .collect();
            let refs: Vec<&Tbl> = tables.iter().collect();
            let title = match alliance {
                Some(a) => Lang::Vi.t_args("dash-heading-one", &[("alliance", a.name.clone())]),
                None => Lang::Vi.t("dash-heading-all"),
            }
            .to_uppercase();
            let subtitle = Lang::Vi.t_args(
                "dash-subtitle",
                &[
                    ("first", first.to_string()),
                    ("last", last.to_string()),
                    ("at", ctx.datetime(&c.computed_at)),
                ],
            );
            let bytes = output::workbook(&title, &subtitle, &refs)?;
            return super::attachment(
                &format!("{file_base}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            );
        }
        "" | "html" => {}
        _ => return Err(AppError::BadRequest("err-dash-format")),
    }
    let lang = ctx.lang;
    let sections = TABLES
        .iter()
        .filter_map(|n| {
            let t = table(lang, n, d, &names)?;
            Some(Section {
                name: n,
                title: t.caption.clone(),
                charts: charts(lang, n, d, &t),
                table: WebTable::of(&t),
            })
        })
        .collect();
    let kind = |k: OrgKind| d.by_kind.get(k.as_str()).copied().unwrap_or(0);
    let tiles = vec![
        (
            super::vnd(&d.by_kind.values().sum()),
            ctx.t("dash-tile-organisations"),
        ),
        (
            super::vnd(&kind(OrgKind::Cooperative)),
            ctx.t(OrgKind::Cooperative.label_key()),
        ),
        (
            super::vnd(&kind(OrgKind::CooperativeGroup)),
            ctx.t(OrgKind::CooperativeGroup.label_key()),
        ),
        (
            super::vnd(&kind(OrgKind::CooperativeUnion)),
            ctx.t(OrgKind::CooperativeUnion.label_key()),
        ),
        (super::vnd(&d.ocop_stars.values().sum()), ctx.t("dash-tile-ocop")),
    ];
    let mut choices = vec![(String::new(), ctx.t("dash-all-alliances"))];
    choices.extend(
        alliances
            .iter()
            .map(|a| (a.id.0.to_string(), a.short_name.clone())),
    );
    let base = alliance.map_or_else(
        || "/dashboards".to_string(),
        |a| format!("/dashboards/{}", a.id.0),
    );
    let local = c.computed_at.to_offset(lienket_domain::event::VIETNAM);
    let body = DashboardsPage {
        ctx,
        heading: match alliance {
            Some(a) => ctx
                .lang
                .t_args("dash-heading-one", &[("alliance", a.name.clone())]),
            None => ctx.t("dash-heading-all"),
        },
        alliance: alliance.map_or_else(String::new, |a| a.id.0.to_string()),
        choices,
        from: first,
        to: last,
        query: format!("from={}&to={}", first, last),
        computed_at: ctx.lang.t_args(
            "dash-computed-at",
            &[("time", format!("{:02}:{:02}", local.hour(), local.minute()))],
        ),
        tiles,
        sections,
        base,
    };
    Ok(no_store(html(&body)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dashboard() -> Dashboard {
        Dashboard {
            years: vec![lienket_store::DashboardYear {
                year: 2024,
                founded: 3,
                registered: 40,
                ..Default::default()
            }],
            by_alliance: [(1, 30), (0, 10)].into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn a_value_is_computed_once_for_concurrent_requests_and_an_aged_one_served_while_computed_again() {
        use std::sync::atomic::{AtomicU32, Ordering};
        static CACHE: SingleFlight<u8, u32> = SingleFlight::new(Duration::from_millis(100));
        static RUNS: AtomicU32 = AtomicU32::new(0);
        let compute = || async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            Ok::<u32, AppError>(RUNS.fetch_add(1, Ordering::SeqCst) + 1)
        };
        let value = |c: AppResult<Computed<u32>>| *c.expect("computed").value;
        let waiting: Vec<_> = (0..16)
            .map(|_| tokio::spawn(async move { value(CACHE.get(1, compute).await) }))
            .collect();
        for w in waiting {
            assert_eq!(
                w.await.expect("joined"),
                1,
                "every request gets the one computation"
            );
        }
        assert_eq!(RUNS.load(Ordering::SeqCst), 1);

        // Aged: the previous value at once, to every request, while one computes it again.
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert_eq!(value(CACHE.get(1, compute).await), 1);
        assert_eq!(value(CACHE.get(1, compute).await), 1);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(value(CACHE.get(1, compute).await), 2);
        assert_eq!(RUNS.load(Ordering::SeqCst), 2, "computed again once");
    }

    #[test]
    fn every_table_name_reads_back_and_unknown_ones_do_not() {
        let names = HashMap::from([(1, "LMHTX Hà Nội".to_string())]);
        for n in TABLES {
            let t = table(Lang::Vi, n, &dashboard(), &names).expect(n);
            assert_eq!(
                t.header.len(),
                t.rows.first().map_or(t.header.len(), Vec::len),
                "{n}"
            );
        }
        assert!(table(Lang::Vi, "salaries", &dashboard(), &names).is_none());
        let t = table(Lang::Vi, "alliances", &dashboard(), &names).expect("alliances");
        assert_eq!(t.rows[0][0], Cell::Text("LMHTX Hà Nội".into()));
    }
}
