//! Indicators and the yearly review of a coordination programme.
//!
//! - `/programmes/{id}/indicators`: every indicator of a year, target, actual and percentage
//!   done per alliance, with charts and an XLSX export; `/programmes/{id}/indicators/{year}/{alliance}`
//!   is where an alliance's staff type their targets and the figures of manual indicators.
//! - `/programmes/{id}/reviews/{year}` (`?alliance=` for one alliance's own review): the
//!   review written from the data of the year, as a web page with charts, `.docx` in the
//!   administrative format, `.xlsx` annex and `.json` figures; `…/edit` holds its narrative.
//!
//! # Layout
//!
//! - `document.rs`: the review as one model (defaults, sections, tables, charts).
//! - `output.rs`: its renderings (DOCX, XLSX, web rows).
//! - `indicators.rs`: the indicator table, its form and export.
//! - this file: routes, loading and authorisation, the review page and its edit form.

pub(super) mod document;
mod indicators;
pub(super) mod output;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use lienket_domain::ids::AllianceId;
use lienket_domain::lenient::Date;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::programme::{NARRATIVE_SECTIONS, ReviewKind};
use lienket_store::{Alliance, Programme, ReviewFigures, ReviewText};
use serde::{Deserialize, Serialize};

use self::document::{Source, area_key};
use self::output::WebPart;
use super::products::today_date;
use super::{date_vn, html, no_store, redirect_with_flash};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

/// The routes of indicators and reviews.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{id}/indicators", get(indicators::page))
        .route("/programmes/{id}/indicators.xlsx", get(indicators::export))
        .route(
            "/programmes/{id}/indicators/{year}/{alliance}",
            get(indicators::form).post(indicators::save),
        )
        .route("/programmes/{id}/reviews", get(latest))
        .route("/programmes/{id}/reviews/{year}", get(show))
        .route("/programmes/{id}/reviews/{year}/edit", get(edit_form).post(save))
}

/// A programme the caller may read.
async fn programme(state: &AppState, ctx: &RequestCtx, raw: &str) -> AppResult<Programme> {
    let id: i64 = raw.parse().map_err(|_| AppError::NotFound)?;
    let p = state.store.get_programme(id).await?;
    ctx.require(
        Action::View,
        Resource::Programme {
            signatories: &p.signatories,
        },
    )?;
    Ok(p)
}

/// A year of the programme (`2024`), or not found.
fn year_of(p: &Programme, raw: &str) -> AppResult<i32> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (p.first_year..=p.last_year).contains(y))
        .ok_or(AppError::NotFound)
}

/// The year to show when none is asked for: this year, kept inside the programme.
fn default_year(p: &Programme) -> i32 {
    today_date().year().clamp(p.first_year, p.last_year)
}

/// The alliance of a query (`?alliance=3`): none when blank, not found when unknown.
fn alliance_of(alliances: &[Alliance], raw: &str) -> AppResult<Option<AllianceId>> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let id: i64 = raw.trim().parse().map_err(|_| AppError::NotFound)?;
    alliances
        .iter()
        .find(|a| a.id.0 == id)
        .map(|a| Some(a.id))
        .ok_or(AppError::NotFound)
}

/// The policy resource of a review.
fn review_resource(p: &Programme, year: i32, scope: Option<AllianceId>) -> Resource<'static> {
    Resource::Review {
        alliance: scope,
        host: p.plan(year).map(|pl| pl.host_alliance_id),
    }
}

/// The file name of a download: "Báo cáo sơ kết năm 2024 - LMHTX Hà Nội.docx".
fn file_name(lang: Lang, p: &Programme, year: i32, scope: Option<&Alliance>, ext: &str) -> String {
    let kind = lang.t(ReviewKind::of(year, p.period()).label_key());
    let base = lang.t_args("review-file-name", &[("kind", kind), ("year", year.to_string())]);
    match scope {
        Some(a) => format!("{base} - {}.{ext}", a.short_name),
        None => format!("{base}.{ext}"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ScopeQuery {
    alliance: String,
}

/// A review the caller may act on: programme, year, scope and the saved text, without its
/// figures (a post that does not validate, or is refused, does not need them).
struct Opened {
    programme: Programme,
    year: i32,
    scope: Option<AllianceId>,
    alliances: Vec<Alliance>,
    saved: Option<lienket_store::SavedReview>,
}

/// A review with the figures of its year.
struct Loaded {
    review: Opened,
    figures: ReviewFigures,
}

impl Opened {
    /// The figures of the year: a dozen grouped queries over two years, read only where the
    /// text is printed or compared with its defaults.
    async fn with_figures(self, state: &AppState) -> AppResult<Loaded> {
        let figures = state.store.review_figures(&self.programme, self.year).await?;
        Ok(Loaded {
            review: self,
            figures,
        })
    }

    /// The query naming the alliance of its own review (`?alliance=3`), empty for the whole
    /// programme's.
    fn query(&self) -> String {
        self.scope
            .map_or_else(String::new, |a| format!("?alliance={}", a.0))
    }

    /// The address of the review followed by `tail` (`/edit`), with its query.
    fn address(&self, tail: &str) -> String {
        format!(
            "/programmes/{}/reviews/{}{tail}{}",
            self.programme.id,
            self.year,
            self.query()
        )
    }
}

impl Loaded {
    fn source(&self, lang: Lang) -> Source<'_> {
        Source {
            lang,
            programme: &self.review.programme,
            year: self.review.year,
            scope: self.review.scope,
            figures: &self.figures,
            alliances: &self.review.alliances,
        }
    }

    fn scope_alliance(&self) -> Option<&Alliance> {
        let r = &self.review;
        r.scope.and_then(|s| r.alliances.iter().find(|a| a.id == s))
    }

    /// The text to print: saved, with generated defaults where nothing was saved. The
    /// defaults are in `lang` (Vietnamese for the documents).
    fn text(&self, lang: Lang) -> ReviewText {
        let src = self.source(lang);
        document::effective(
            self.review.saved.as_ref().map(|s| &s.text),
            document::default_text(&src),
        )
    }
}

/// Opens a review for `action`: not found, forbidden, or the review without its figures.
async fn open(
    state: &AppState,
    ctx: &RequestCtx,
    id: &str,
    year: &str,
    alliance: &str,
    action: Action,
) -> AppResult<Opened> {
    let programme = programme(state, ctx, id).await?;
    let year = year_of(&programme, year)?;
    let alliances = state.store.alliance_choices().await?;
    let scope = alliance_of(&alliances, alliance)?;
    ctx.require(action, review_resource(&programme, year, scope))?;
    let saved = state.store.review_text(programme.id, year, scope).await?;
    Ok(Opened {
        programme,
        year,
        scope,
        alliances,
        saved,
    })
}

async fn latest(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let p = programme(&state, &ctx, &id).await?;
    Ok(Redirect::to(&format!("/programmes/{}/reviews/{}", p.id, default_year(&p))).into_response())
}

// ---------------------------------------------------------------------------------------------
// The review page and its downloads
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage<'a> {
    ctx: &'a RequestCtx,
    programme: &'a Programme,
    heading: String,
    year: i32,
    years: Vec<i32>,
    scope: String,
    scopes: Vec<(String, String)>,
    query: String,
    can_edit: bool,
    saved_note: String,
    issuing_body: String,
    number_line: String,
    place_date: String,
    title: String,
    summary: String,
    parts: Vec<WebPart>,
    recipients: Vec<String>,
    signer_role: Vec<String>,
    signer_name: String,
}

/// The figures of a review as JSON (open data, benchmarks).
#[derive(Serialize)]
struct ReviewJson<'a> {
    programme_id: i64,
    year: i32,
    alliance: Option<i64>,
    kind: ReviewKind,
    /// Every alliance's, or only the alliance's with its own totals.
    figures: &'a ReviewFigures,
}

async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, file)): Path<(String, String)>,
    Query(q): Query<ScopeQuery>,
) -> AppResult<Response> {
    let (year, ext) = file.split_once('.').unwrap_or((file.as_str(), ""));
    if !matches!(ext, "" | "docx" | "xlsx" | "json") {
        return Err(AppError::NotFound);
    }
    let l = open(&state, &ctx, &id, year, &q.alliance, Action::View)
        .await?
        .with_figures(&state)
        .await?;
    let r = &l.review;
    match ext {
        "json" => {
            // An alliance's review is its own figures, not everyone's with its id beside them.
            let own = r.scope.map(|a| l.figures.of_alliance(a));
            let body = ReviewJson {
                programme_id: r.programme.id,
                year: r.year,
                alliance: r.scope.map(|a| a.0),
                kind: ReviewKind::of(r.year, r.programme.period()),
                figures: own.as_ref().unwrap_or(&l.figures),
            };
            Ok(no_store(Json(body).into_response()))
        }
        "docx" => {
            let review = document::build(&l.source(Lang::Vi), &l.text(Lang::Vi), false);
            let bytes = output::docx(&review);
            super::attachment(
                &file_name(Lang::Vi, &r.programme, r.year, l.scope_alliance(), "docx"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                bytes,
            )
        }
        "xlsx" => {
            let review = document::build(&l.source(Lang::Vi), &l.text(Lang::Vi), false);
            let title = format!("{} {}", review.title, review.summary).to_uppercase();
            let subtitle = format!("{} — {}", review.issuing_body, review.place_date);
            let bytes = output::workbook(&title, &subtitle, &review.sheets.iter().collect::<Vec<_>>())?;
            let name = format!(
                "{} - {}",
                Lang::Vi.t("review-annex-file"),
                file_name(Lang::Vi, &r.programme, r.year, l.scope_alliance(), "xlsx")
            );
            super::attachment(
                &name,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            )
        }
        _ => review_page(&ctx, &l),
    }
}

fn review_page(ctx: &RequestCtx, l: &Loaded) -> AppResult<Response> {
    let src = l.source(ctx.lang);
    let review = document::build(&src, &l.text(ctx.lang), true);
    let kind = ctx.t(src.kind().label_key());
    let mut scopes = vec![(String::new(), ctx.t("review-scope-all"))];
    scopes.extend(
        Source { scope: None, ..src }
            .columns()
            .iter()
            .map(|a| (a.id.0.to_string(), a.short_name.clone())),
    );
    let r = &l.review;
    let scope = r.scope.map_or_else(String::new, |a| a.0.to_string());
    let saved_note = match &r.saved {
        Some(s) => ctx.lang.t_args(
            "review-saved-by",
            &[
                ("name", s.actor_name.clone()),
                ("at", ctx.datetime(&s.updated_at)),
            ],
        ),
        None => ctx.t("review-not-saved"),
    };
    let body = ReviewPage {
        ctx,
        programme: &r.programme,
        heading: ctx
            .lang
            .t_args("review-heading", &[("kind", kind), ("year", r.year.to_string())]),
        year: r.year,
        years: r.programme.years(),
        query: r.query(),
        scope,
        scopes,
        can_edit: ctx.can(Action::Update, review_resource(&r.programme, r.year, r.scope)),
        saved_note,
        issuing_body: review.issuing_body.to_uppercase(),
        number_line: review.number_line.clone(),
        place_date: review.place_date.clone(),
        title: review.title.clone(),
        summary: review.summary.clone(),
        parts: output::web_parts(&review),
        recipients: review.recipients.clone(),
        signer_role: review.signer_role.lines().map(str::to_string).collect(),
        signer_name: review.signer_name.clone(),
    };
    Ok(no_store(html(&body)?))
}

// ---------------------------------------------------------------------------------------------
// Editing the text
// ---------------------------------------------------------------------------------------------

/// One text area or input of the edit form.
struct EditField {
    name: String,
    label: String,
    value: String,
    rows: usize,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "review_edit.html")]
struct EditPage<'a> {
    ctx: &'a RequestCtx,
    programme: &'a Programme,
    heading: String,
    action: String,
    back: String,
    version: i32,
    notice: Option<String>,
    header_fields: Vec<EditField>,
    sections: Vec<EditField>,
}

impl EditPage<'_> {
    fn has_errors(&self) -> bool {
        self.header_fields
            .iter()
            .chain(&self.sections)
            .any(|f| f.error.is_some())
    }
}

/// The longest narrative section, in characters.
const MAX_SECTION: usize = 20_000;

/// The fields of the edit form: (name, label key, rows; 0 for a one-line input).
const HEADER_FIELDS: [(&str, &str, usize); 6] = [
    ("number", "review-field-number", 0),
    ("place", "review-field-place", 0),
    ("issued_on", "review-field-issued-on", 0),
    ("signer_role", "review-field-signer-role", 2),
    ("signer_name", "review-field-signer-name", 0),
    ("recipients", "review-field-recipients", 4),
];

fn edit_page<'a>(
    ctx: &'a RequestCtx,
    l: &'a Opened,
    values: &HashMap<String, String>,
    errors: &HashMap<String, String>,
    version: i32,
    notice: Option<String>,
) -> EditPage<'a> {
    let field = |name: String, label: String, rows: usize| EditField {
        value: values.get(&name).cloned().unwrap_or_default(),
        error: errors.get(&name).cloned(),
        name,
        label,
        rows,
    };
    let header_fields = HEADER_FIELDS
        .iter()
        .map(|(n, k, rows)| field(n.to_string(), ctx.t(k), *rows))
        .collect();
    let mut sections = Vec::new();
    for s in NARRATIVE_SECTIONS {
        sections.push(field(s.to_string(), ctx.t(&format!("review-section-{s}")), 8));
        if s == "situation" {
            for a in &l.programme.areas {
                sections.push(field(
                    area_key(a.id),
                    ctx.lang.t_args(
                        "review-section-area",
                        &[("n", a.number.to_string()), ("name", a.name.clone())],
                    ),
                    6,
                ));
            }
        }
    }
    let kind = ctx.t(ReviewKind::of(l.year, l.programme.period()).label_key());
    EditPage {
        ctx,
        programme: &l.programme,
        heading: ctx.lang.t_args(
            "review-edit-heading",
            &[("kind", kind), ("year", l.year.to_string())],
        ),
        action: l.address("/edit"),
        back: l.address(""),
        version,
        notice,
        header_fields,
        sections,
    }
}

/// The form's values of a review text.
fn values_of(t: &ReviewText) -> HashMap<String, String> {
    let mut v: HashMap<String, String> = t.narrative.clone().into_iter().collect();
    v.insert("number".into(), t.number.clone());
    v.insert("place".into(), t.place.clone());
    v.insert(
        "issued_on".into(),
        if t.issued_on.is_empty() {
            String::new()
        } else {
            date_vn(&t.issued_on)
        },
    );
    v.insert("signer_role".into(), t.signer_role.clone());
    v.insert("signer_name".into(), t.signer_name.clone());
    v.insert("recipients".into(), t.recipients.clone());
    v
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, year)): Path<(String, String)>,
    Query(q): Query<ScopeQuery>,
) -> AppResult<Response> {
    let l = open(&state, &ctx, &id, &year, &q.alliance, Action::Update)
        .await?
        .with_figures(&state)
        .await?;
    // Staff edit from the text as printed: the generated defaults, in Vietnamese.
    let values = values_of(&l.text(Lang::Vi));
    let version = l.review.saved.as_ref().map_or(0, |s| s.version);
    Ok(no_store(html(&edit_page(
        &ctx,
        &l.review,
        &values,
        &HashMap::new(),
        version,
        None,
    ))?))
}

/// Reads the typed text; every problem is keyed by its field.
fn parse_text(
    ctx: &RequestCtx,
    p: &Programme,
    form: &HashMap<String, String>,
) -> Result<ReviewText, HashMap<String, String>> {
    let mut errors = HashMap::new();
    let get = |k: &str| form.get(k).map(|v| v.replace("\r\n", "\n")).unwrap_or_default();
    let mut line = |name: &str, max: usize, required: bool| -> String {
        let v = lienket_domain::validate::clean_text(&get(name));
        if required && v.is_empty() {
            errors.insert(name.to_string(), ctx.t("err-required"));
        } else if v.chars().count() > max {
            errors.insert(
                name.to_string(),
                ctx.lang.t_args("err-too-long", &[("max", max.to_string())]),
            );
        }
        v
    };
    let number = line("number", 60, false);
    let place = line("place", 120, true);
    let signer_name = line("signer_name", 120, false);
    let raw_date = line("issued_on", 40, true);
    let issued_on = if raw_date.is_empty() {
        String::new()
    } else {
        let far = Date::new(2100, 12, 31).unwrap_or_else(today_date);
        match lienket_domain::lenient::parse_date(&raw_date, far) {
            Ok((d, _)) if d.year() >= 2000 => document::iso(d),
            Ok(_) => {
                errors.insert("issued_on".into(), ctx.t("err-review-date"));
                String::new()
            }
            Err(p) => {
                let args: Vec<(&str, String)> = p.args.iter().map(|(k, v)| (*k, v.clone())).collect();
                errors.insert("issued_on".into(), ctx.lang.t_args(p.key, &args));
                String::new()
            }
        }
    };
    let mut block = |name: &str, max: usize| -> String {
        let v = get(name).trim().to_string();
        if v.chars().count() > max {
            errors.insert(
                name.to_string(),
                ctx.lang.t_args("err-too-long", &[("max", max.to_string())]),
            );
        }
        v
    };
    let signer_role = block("signer_role", 120);
    let recipients = block("recipients", 4000);
    let mut narrative = std::collections::BTreeMap::new();
    let keys = NARRATIVE_SECTIONS
        .iter()
        .map(|s| s.to_string())
        .chain(p.areas.iter().map(|a| area_key(a.id)));
    for k in keys {
        let v = block(&k, MAX_SECTION);
        narrative.insert(k, v);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ReviewText {
        number,
        place,
        issued_on,
        signer_role,
        signer_name,
        recipients,
        narrative,
    })
}

async fn save(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, year)): Path<(String, String)>,
    Query(q): Query<ScopeQuery>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let opened = open(&state, &ctx, &id, &year, &q.alliance, Action::Update).await?;
    let form: HashMap<String, String> = fields.into_iter().collect();
    let version = form.get("version").map_or(0, |v| super::form_version(v));
    let rerender = |r: &Opened,
                    errors: &HashMap<String, String>,
                    notice: Option<String>,
                    version: i32,
                    status: StatusCode| {
        let mut res = html(&edit_page(&ctx, r, &form, errors, version, notice))?;
        *res.status_mut() = status;
        Ok::<Response, AppError>(no_store(res))
    };
    let mut text = match parse_text(&ctx, &opened.programme, &form) {
        Ok(t) => t,
        Err(errors) => {
            return rerender(&opened, &errors, None, version, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    // A section left as generated is not kept: its figures must follow the data, not stay as
    // they were on the day the review was saved. The figures are read for that comparison
    // only, once the text is known to be valid.
    let l = opened.with_figures(&state).await?;
    let normal = |s: &str| s.replace("\r\n", "\n").trim().to_string();
    let generated = [Lang::Vi, ctx.lang].map(|lang| document::default_text(&l.source(lang)).narrative);
    text.narrative.retain(|k, v| {
        !generated
            .iter()
            .any(|d| d.get(k).is_some_and(|g| normal(g) == normal(v)))
    });
    let r = &l.review;
    let expected = (version > 0).then_some(version);
    match state
        .store
        .save_review_text(&ctx.actor(), r.programme.id, r.year, r.scope, &text, expected)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(&ctx, &r.address(""), "flash-review-saved")),
        // Someone saved first: show the form again with what was typed, nothing lost, at the
        // version now saved, so that saving again replaces it knowingly.
        Err(lienket_store::StoreError::Conflict) => {
            let current = state
                .store
                .review_text(r.programme.id, r.year, r.scope)
                .await?
                .map_or(0, |s| s.version);
            rerender(
                r,
                &HashMap::new(),
                Some(ctx.t("err-review-conflict")),
                current,
                StatusCode::CONFLICT,
            )
        }
        Err(e) => Err(e.into()),
    }
}
