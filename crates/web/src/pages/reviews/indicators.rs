//! The indicators of a programme year: the table of targets, actuals and percentages per
//! alliance with its charts and export, and the form where an alliance types its targets and
//! the figures of manual indicators (computed ones are read from the data, never typed).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lienket_domain::ids::AllianceId;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::programme::parse_figure;
use lienket_domain::validate::Findings;
use lienket_office::chart::{self, Chart, Series};
use lienket_office::{ColumnKind, ExportCell, ExportColumn};
use lienket_store::{Alliance, Indicator, IndicatorValue, Programme, ReviewFigures};
use serde::Deserialize;

use super::document::{Source, percent, source_label};
use super::{alliance_of, default_year, programme, year_of};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::{html, no_store, redirect_with_flash, vnd};

/// Target, actual and percentage as shown.
struct Triple {
    target: String,
    actual: String,
    pct: String,
    /// `met`, `short` or empty.
    class: &'static str,
}

fn triple(actual: Option<i64>, target: Option<i64>) -> Triple {
    let p = percent(actual, target);
    Triple {
        target: target.map_or_else(|| "–".into(), |t| vnd(&t)),
        actual: actual.map_or_else(|| "–".into(), |a| vnd(&a)),
        pct: p.map_or_else(String::new, |p| format!("{}%", chart::format_number(p))),
        class: match p {
            Some(p) if p >= 100.0 => "met",
            Some(_) => "short",
            None => "",
        },
    }
}

struct Row {
    id: i64,
    code: String,
    name: String,
    unit: String,
    source: String,
    computed: bool,
    cells: Vec<Triple>,
    total: Option<Triple>,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorsPage<'a> {
    ctx: &'a RequestCtx,
    programme: &'a Programme,
    year: i32,
    years: Vec<i32>,
    alliance: String,
    choices: Vec<(String, String)>,
    indicator: i64,
    columns: Vec<(i64, String, bool)>,
    with_total: bool,
    rows: Vec<Row>,
    progress_svg: String,
    bar_svg: String,
    query: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PageQuery {
    year: String,
    alliance: String,
    indicator: String,
}

/// The figures of a year the indicator pages need (the yearly review's, without the tables).
async fn figures(state: &AppState, p: &Programme, year: i32) -> AppResult<ReviewFigures> {
    Ok(ReviewFigures {
        year: state.store.year_figures(p, year).await?,
        values: state.store.indicator_values(p.id, year).await?,
        ..Default::default()
    })
}

/// What the indicator table and its export show: programme, year, the alliance directory, the
/// alliance asked for (checked against the policy) and the figures of the year.
struct Table {
    programme: Programme,
    year: i32,
    alliances: Vec<Alliance>,
    scope: Option<AllianceId>,
    figures: ReviewFigures,
}

impl Table {
    async fn load(state: &AppState, ctx: &RequestCtx, id: &str, q: &PageQuery) -> AppResult<Table> {
        let programme = programme(state, ctx, id).await?;
        let year = if q.year.trim().is_empty() {
            default_year(&programme)
        } else {
            year_of(&programme, &q.year)?
        };
        let alliances = state.store.alliance_choices().await?;
        let scope = alliance_of(&alliances, &q.alliance)?;
        if let Some(a) = scope {
            ctx.require(Action::View, Resource::Targets(a))?;
        }
        let figures = figures(state, &programme, year).await?;
        Ok(Table {
            programme,
            year,
            alliances,
            scope,
            figures,
        })
    }

    fn source(&self, lang: crate::i18n::Lang) -> Source<'_> {
        Source {
            lang,
            programme: &self.programme,
            year: self.year,
            scope: self.scope,
            figures: &self.figures,
            alliances: &self.alliances,
        }
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let t = Table::load(&state, &ctx, &id, &q).await?;
    let (p, year, scope, figures) = (&t.programme, t.year, t.scope, &t.figures);
    let src = t.source(ctx.lang);
    let columns = src.columns();
    let rows: Vec<Row> = p
        .indicators
        .iter()
        .map(|ind| Row {
            id: ind.id,
            code: ind.code.clone(),
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            source: source_label(ctx.lang, ind),
            computed: ind.measure.computed(),
            cells: columns
                .iter()
                .map(|a| triple(figures.actual(ind, Some(a.id)), figures.target(ind, Some(a.id))))
                .collect(),
            total: scope
                .is_none()
                .then(|| triple(figures.actual(ind, None), figures.target(ind, None))),
        })
        .collect();
    let selected: Option<&Indicator> = q
        .indicator
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|i| p.indicators.iter().find(|x| x.id == i))
        .or(p.indicators.first());
    let progress_title = ctx.lang.t_args(
        "indicator-chart-progress",
        &[(
            "who",
            scope.map_or_else(|| ctx.t("review-all-together"), |a| src.short(a.0)),
        )],
    );
    let progress_svg = super::document::progress(&src, &progress_title, scope);
    let all_columns = Source { scope: None, ..src }.columns();
    let bar_svg = selected.map_or_else(String::new, |ind| {
        chart::bar_chart(&Chart {
            title: ctx
                .lang
                .t_args("indicator-chart-by-alliance", &[("name", ind.name.clone())]),
            categories: all_columns.iter().map(|a| a.short_name.clone()).collect(),
            series: vec![
                Series {
                    name: ctx.t("col-review-actual"),
                    values: all_columns
                        .iter()
                        .map(|a| figures.actual(ind, Some(a.id)).unwrap_or(0) as f64)
                        .collect(),
                },
                Series {
                    name: ctx.t("col-review-target"),
                    values: all_columns
                        .iter()
                        .map(|a| figures.target(ind, Some(a.id)).unwrap_or(0) as f64)
                        .collect(),
                },
            ],
            unit: ind.unit.clone(),
            empty: ctx.t("review-chart-empty"),
        })
    });
    let mut choices = vec![(String::new(), ctx.t("review-all-together"))];
    choices.extend(
        all_columns
            .iter()
            .map(|a| (a.id.0.to_string(), a.short_name.clone())),
    );
    let body = IndicatorsPage {
        ctx: &ctx,
        programme: p,
        year,
        years: p.years(),
        alliance: scope.map_or_else(String::new, |a| a.0.to_string()),
        choices,
        indicator: selected.map_or(0, |i| i.id),
        columns: columns
            .iter()
            .map(|a| {
                (
                    a.id.0,
                    a.short_name.clone(),
                    ctx.can(Action::Update, Resource::Targets(a.id)),
                )
            })
            .collect(),
        with_total: scope.is_none(),
        rows,
        progress_svg,
        bar_svg,
        query: format!(
            "year={year}{}",
            scope.map_or_else(String::new, |a| format!("&alliance={}", a.0))
        ),
    };
    Ok(no_store(html(&body)?))
}

pub(super) async fn export(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let t = Table::load(&state, &ctx, &id, &q).await?;
    let (p, year, scope, figures) = (&t.programme, t.year, t.scope, &t.figures);
    let src = t.source(ctx.lang);
    let columns = src.columns();
    let col = |header: String, kind, width| ExportColumn { header, kind, width };
    let mut cols = vec![
        col(ctx.t("col-review-no"), ColumnKind::Integer, 6.0),
        col(ctx.t("col-review-code"), ColumnKind::Text, 8.0),
        col(ctx.t("col-review-indicator"), ColumnKind::Text, 44.0),
        col(ctx.t("col-review-unit"), ColumnKind::Text, 12.0),
        col(ctx.t("col-review-source"), ColumnKind::Text, 40.0),
    ];
    let mut who: Vec<(String, Option<AllianceId>)> = columns
        .iter()
        .map(|a| (a.short_name.clone(), Some(a.id)))
        .collect();
    if scope.is_none() {
        who.push((ctx.t("review-all-together"), None));
    }
    for (name, _) in &who {
        for (key, kind) in [
            ("col-review-target", ColumnKind::Integer),
            ("col-review-actual", ColumnKind::Integer),
            ("col-review-percent", ColumnKind::Decimal),
        ] {
            cols.push(col(format!("{name} – {}", ctx.t(key)), kind, 14.0));
        }
    }
    let num = |v: Option<i64>| v.map_or(ExportCell::Empty, ExportCell::Integer);
    let rows: Vec<Vec<ExportCell>> = p
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            let mut row = vec![
                ExportCell::Integer(i as i64 + 1),
                ExportCell::Text(ind.code.clone()),
                ExportCell::Text(ind.name.clone()),
                ExportCell::Text(ind.unit.clone()),
                ExportCell::Text(source_label(ctx.lang, ind)),
            ];
            for (_, a) in &who {
                let (actual, target) = (figures.actual(ind, *a), figures.target(ind, *a));
                row.push(num(target));
                row.push(num(actual));
                row.push(percent(actual, target).map_or(ExportCell::Empty, ExportCell::Decimal));
            }
            row
        })
        .collect();
    let title = ctx
        .lang
        .t_args("indicator-export-title", &[("year", year.to_string())])
        .to_uppercase();
    let bytes = lienket_office::write_xlsx(&title, &p.name, &ctx.t("review-sheet-indicators"), &cols, &rows)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("export: {e:?}")))?;
    super::super::attachment(
        &ctx.lang
            .t_args("indicator-file-name", &[("year", year.to_string())]),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
}

// ---------------------------------------------------------------------------------------------
// The targets form
// ---------------------------------------------------------------------------------------------

struct FormRow {
    id: i64,
    code: String,
    name: String,
    unit: String,
    source: String,
    computed: bool,
    /// The computed figure, for computed indicators.
    computed_value: String,
    target: String,
    actual: String,
    note: String,
    target_error: Option<String>,
    actual_error: Option<String>,
    note_error: Option<String>,
    /// The values as shown (`seen_target_…`), so a save writes only what was changed here.
    seen_target: String,
    seen_actual: String,
    seen_note: String,
}

#[derive(Template)]
#[template(path = "indicator_form.html")]
struct FormPage<'a> {
    ctx: &'a RequestCtx,
    programme: &'a Programme,
    heading: String,
    action: String,
    back: String,
    rows: Vec<FormRow>,
    has_errors: bool,
}

/// Programme, year and alliance of the form, checked against the policy.
async fn form_scope(
    state: &AppState,
    ctx: &RequestCtx,
    id: &str,
    year: &str,
    alliance: &str,
) -> AppResult<(Programme, i32, Alliance)> {
    let p = programme(state, ctx, id).await?;
    let year = year_of(&p, year)?;
    let alliances = state.store.alliance_choices().await?;
    let a = alliance_of(&alliances, alliance)?.ok_or(AppError::NotFound)?;
    ctx.require(Action::Update, Resource::Targets(a))?;
    let a = alliances
        .into_iter()
        .find(|x| x.id == a)
        .ok_or(AppError::NotFound)?;
    Ok((p, year, a))
}

fn form_page<'a>(
    ctx: &'a RequestCtx,
    p: &'a Programme,
    year: i32,
    a: &Alliance,
    figures: &ReviewFigures,
    values: &HashMap<String, String>,
    errors: &HashMap<String, String>,
) -> FormPage<'a> {
    let get = |k: String| values.get(&k).cloned().unwrap_or_default();
    let rows = p
        .indicators
        .iter()
        .map(|ind| FormRow {
            id: ind.id,
            code: ind.code.clone(),
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            source: source_label(ctx.lang, ind),
            computed: ind.measure.computed(),
            computed_value: if ind.measure.computed() {
                vnd(&figures.year.get(Some(a.id), ind.measure))
            } else {
                String::new()
            },
            target: get(format!("target_{}", ind.id)),
            actual: get(format!("actual_{}", ind.id)),
            note: get(format!("note_{}", ind.id)),
            target_error: errors.get(&format!("target_{}", ind.id)).cloned(),
            actual_error: errors.get(&format!("actual_{}", ind.id)).cloned(),
            note_error: errors.get(&format!("note_{}", ind.id)).cloned(),
            seen_target: get(format!("seen_target_{}", ind.id)),
            seen_actual: get(format!("seen_actual_{}", ind.id)),
            seen_note: get(format!("seen_note_{}", ind.id)),
        })
        .collect();
    FormPage {
        ctx,
        programme: p,
        heading: ctx.lang.t_args(
            "indicator-form-heading",
            &[("alliance", a.short_name.clone()), ("year", year.to_string())],
        ),
        action: format!("/programmes/{}/indicators/{year}/{}", p.id, a.id.0),
        back: format!("/programmes/{}/indicators?year={year}", p.id),
        rows,
        has_errors: !errors.is_empty(),
    }
}

pub(super) async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, year, alliance)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let (p, year, a) = form_scope(&state, &ctx, &id, &year, &alliance).await?;
    let figures = figures(&state, &p, year).await?;
    let mut values = HashMap::new();
    let stored: Vec<IndicatorValue> = figures
        .values
        .iter()
        .filter(|v| v.alliance_id == a.id.0)
        .cloned()
        .collect();
    for prefix in ["", "seen_"] {
        shown_values(&mut values, prefix, &stored);
    }
    let page = form_page(&ctx, &p, year, &a, &figures, &values, &HashMap::new());
    Ok(no_store(html(&page)?))
}

/// The form's texts of stored values: `{prefix}target_{id}`, `{prefix}actual_{id}`,
/// `{prefix}note_{id}`.
fn shown_values(values: &mut HashMap<String, String>, prefix: &str, stored: &[IndicatorValue]) {
    let text = |n: Option<i64>| n.map_or_else(String::new, |n| vnd(&n));
    for v in stored {
        let id = v.indicator_id;
        values.insert(format!("{prefix}target_{id}"), text(v.target));
        values.insert(format!("{prefix}actual_{id}"), text(v.actual));
        values.insert(format!("{prefix}note_{id}"), v.note.clone().unwrap_or_default());
    }
}

/// The values the form showed, from its `seen_…` fields (what it could not read counts as
/// blank: the save then treats the row as changed, which is the safe side).
fn seen_values(
    p: &Programme,
    alliance: AllianceId,
    year: i32,
    form: &HashMap<String, String>,
) -> Vec<IndicatorValue> {
    let figure = |name: String| {
        let mut f = Findings::default();
        parse_figure(&mut f, "figure", form.get(&name).map_or("", String::as_str)).flatten()
    };
    p.indicators
        .iter()
        .map(|ind| {
            let note = lienket_domain::validate::clean_text(
                form.get(&format!("seen_note_{}", ind.id))
                    .map_or("", String::as_str),
            );
            IndicatorValue {
                indicator_id: ind.id,
                alliance_id: alliance.0,
                year,
                target: figure(format!("seen_target_{}", ind.id)),
                actual: figure(format!("seen_actual_{}", ind.id)),
                note: (!note.is_empty()).then_some(note),
            }
        })
        .collect()
}

/// Reads the typed figures; every problem is keyed by its input's name.
fn parse_values(
    ctx: &RequestCtx,
    p: &Programme,
    alliance: AllianceId,
    year: i32,
    form: &HashMap<String, String>,
) -> Result<Vec<IndicatorValue>, HashMap<String, String>> {
    let mut errors = HashMap::new();
    let mut out = Vec::new();
    let figure = |name: String, errors: &mut HashMap<String, String>| -> Option<i64> {
        let raw = form.get(&name).map_or("", String::as_str);
        let mut f = Findings::default();
        let v = parse_figure(&mut f, "figure", raw);
        if let Some(first) = f.0.first() {
            errors.insert(name, ctx.lang.finding(first));
        }
        v.flatten()
    };
    for ind in &p.indicators {
        let target = figure(format!("target_{}", ind.id), &mut errors);
        let actual_name = format!("actual_{}", ind.id);
        let actual = if ind.measure.computed() {
            // Computed figures come from the data: a typed one is refused, not ignored.
            if form.get(&actual_name).is_some_and(|v| !v.trim().is_empty()) {
                errors.insert(actual_name, ctx.t("err-indicator-computed"));
            }
            None
        } else {
            figure(actual_name, &mut errors)
        };
        let note_name = format!("note_{}", ind.id);
        let note = lienket_domain::validate::clean_text(form.get(&note_name).map_or("", String::as_str));
        if note.chars().count() > 500 {
            errors.insert(
                note_name,
                ctx.lang.t_args("err-too-long", &[("max", "500".into())]),
            );
        }
        out.push(IndicatorValue {
            indicator_id: ind.id,
            alliance_id: alliance.0,
            year,
            target,
            actual,
            note: (!note.is_empty()).then_some(note),
        });
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

pub(super) async fn save(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, year, alliance)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (p, year, a) = form_scope(&state, &ctx, &id, &year, &alliance).await?;
    let mut form: HashMap<String, String> = fields.into_iter().collect();
    match parse_values(&ctx, &p, a.id, year, &form) {
        Ok(values) => {
            let seen = seen_values(&p, a.id, year, &form);
            let conflicts = state
                .store
                .save_indicator_values(&ctx.actor(), p.id, a.id, year, &values, Some(&seen))
                .await?;
            if !conflicts.is_empty() {
                // Someone saved other figures in these rows meanwhile: nothing was written.
                // What was typed stays; the rows say what is stored now, and the form now counts
                // those as seen, so saving again deliberately replaces them.
                let text = |n: Option<i64>| n.map_or_else(|| "—".to_string(), |n| vnd(&n));
                let errors = conflicts
                    .iter()
                    .map(|c| {
                        let message = ctx.lang.t_args(
                            "err-indicator-changed",
                            &[("target", text(c.target)), ("actual", text(c.actual))],
                        );
                        (format!("target_{}", c.indicator_id), message)
                    })
                    .collect();
                shown_values(&mut form, "seen_", &conflicts);
                let figures = figures(&state, &p, year).await?;
                let mut res = html(&form_page(&ctx, &p, year, &a, &figures, &form, &errors))?;
                *res.status_mut() = StatusCode::CONFLICT;
                return Ok(no_store(res));
            }
            Ok(redirect_with_flash(
                &ctx,
                &format!("/programmes/{}/indicators?year={year}&alliance={}", p.id, a.id.0),
                "flash-indicators-saved",
            ))
        }
        Err(errors) => {
            let figures = figures(&state, &p, year).await?;
            let mut res = html(&form_page(&ctx, &p, year, &a, &figures, &form, &errors))?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(no_store(res))
        }
    }
}
