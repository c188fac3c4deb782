//! One model: its page (story, results, the Decision 167 assessment and the replications, with
//! the staff's form to record one), the form that shows a cooperative as a model or changes
//! it, and removing it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::ids::{ModelEntryId, ModelKindId, ReplicationId};
use lienket_domain::model::{ModelEntryDraft, ModelEntryForm, Outcome, ReplicationForm};
use lienket_domain::organisation::RegistrationCode;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::validate::Findings;
use lienket_store::{ModelDetail, Organisation};
use serde::Deserialize;

use super::{Shown, alliance_names, can_add_model, own_alliance, rating_class, rating_text, respond};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::{date_vn, form_version, parse_id, province_name, redirect_with_flash};

/// The pages of one model.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/models/new", get(new_form).post(create))
        .route("/models/{id}", get(show))
        .route("/models/{id}/edit", get(edit_form).post(update))
        .route("/models/{id}/delete", post(delete))
        .route("/models/{id}/replications", post(add_replication))
        .route(
            "/models/{id}/replications/{replication}/delete",
            post(remove_replication),
        )
}

/// A model the caller may act on. One the caller may not see (not published, for the public
/// and representatives) is a page that does not exist; changing it needs the policy's yes.
async fn model_for(state: &AppState, ctx: &RequestCtx, raw: &str, action: Action) -> AppResult<ModelDetail> {
    let m = state.store.get_model(ModelEntryId(parse_id(raw)?)).await?;
    if !ctx.can(Action::View, m.card.resource()) {
        return Err(AppError::NotFound);
    }
    if action != Action::View {
        ctx.require(action, m.card.resource())?;
    }
    Ok(m)
}

// ---------------------------------------------------------------------------------------------
// The model's page
// ---------------------------------------------------------------------------------------------

/// One condition of the assessment as the table shows it.
struct ConditionRow {
    criterion: String,
    /// ✓, ✗ or ?.
    mark: &'static str,
    /// `met`, `not_met` or `unknown` (the badge's class).
    outcome: &'static str,
    outcome_label: String,
    reason: String,
}

/// A replication as the list shows it.
struct ReplicationRow {
    id: i64,
    organisation_id: i64,
    name: String,
    province: String,
    alliance: String,
    date: String,
    note: String,
    can_remove: bool,
}

#[derive(Template)]
#[template(path = "model.html")]
struct ModelPage<'a> {
    ctx: &'a RequestCtx,
    id: i64,
    organisation_id: i64,
    name: String,
    kind: String,
    province: String,
    alliance: String,
    selected_year: i32,
    rating: String,
    rating_class: &'static str,
    published: bool,
    dossier_complete: bool,
    summary: Vec<String>,
    results: Vec<String>,
    conditions: Vec<ConditionRow>,
    eligible: bool,
    target_reached: bool,
    replications: Vec<ReplicationRow>,
    can_edit: bool,
    /// Staff who may open the organisation's registry record.
    can_open_record: bool,
    /// Staff and coordinators who may record a replication by an organisation of theirs.
    can_record: bool,
    form: ReplicationForm,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
}

impl ModelPage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

/// Paragraphs of a stored text, blank lines dropped.
fn paragraphs(text: &Option<String>) -> Vec<String> {
    text.as_deref()
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Why the caller may not do what they asked: sign in first, or not allowed.
fn refusal(ctx: &RequestCtx) -> AppError {
    if ctx.user().is_none() {
        AppError::Unauthenticated
    } else {
        AppError::Forbidden
    }
}

/// Whether the caller may record replications (staff of an alliance, coordinators).
fn can_record(ctx: &RequestCtx) -> bool {
    ctx.can(
        Action::Create,
        Resource::ModelReplication {
            alliance: own_alliance(ctx),
        },
    )
}

/// The page of a model; `form` and `shown` are the replication form as posted.
async fn model_page(
    state: &AppState,
    ctx: &RequestCtx,
    m: ModelDetail,
    form: ReplicationForm,
    shown: Shown,
) -> AppResult<Response> {
    let alliances = alliance_names(state).await?;
    let assessment = m.assessment();
    let conditions = assessment
        .conditions
        .iter()
        .map(|c| {
            let (mark, label) = match c.outcome {
                Outcome::Met => ("✓", "model-outcome-met"),
                Outcome::NotMet => ("✗", "model-outcome-not-met"),
                Outcome::Unknown => ("?", "model-outcome-unknown"),
            };
            let args: Vec<(&str, String)> = c.args.iter().map(|(k, v)| (*k, v.clone())).collect();
            ConditionRow {
                criterion: ctx.t(c.criterion.label_key()),
                mark,
                outcome: c.outcome.as_str(),
                outcome_label: ctx.t(label),
                reason: ctx.lang.t_args(c.reason, &args),
            }
        })
        .collect();
    let replications = m
        .replications
        .iter()
        .map(|r| ReplicationRow {
            id: r.id.0,
            organisation_id: r.organisation_id.0,
            name: r.organisation_name.clone(),
            province: r.province_code.as_deref().map(province_name).unwrap_or_default(),
            alliance: r
                .alliance_id
                .and_then(|a| alliances.get(&a).cloned())
                .unwrap_or_default(),
            date: date_vn(&r.replicated_on),
            note: r.note.clone().unwrap_or_default(),
            can_remove: ctx.can(Action::Delete, r.resource()),
        })
        .collect();
    let card = &m.card;
    let e = &card.entry;
    let page = ModelPage {
        ctx,
        id: e.id.0,
        organisation_id: e.organisation_id.0,
        name: card.organisation_name.clone(),
        kind: card.kind_name.clone(),
        province: card
            .province_code
            .as_deref()
            .map(province_name)
            .unwrap_or_default(),
        alliance: card
            .alliance_id
            .and_then(|a| alliances.get(&a).cloned())
            .unwrap_or_default(),
        selected_year: e.selected_year,
        rating: rating_text(ctx, e.rating_points),
        rating_class: rating_class(e.rating_points),
        published: e.published,
        dossier_complete: e.dossier_complete,
        summary: paragraphs(&e.summary),
        results: paragraphs(&e.results),
        conditions,
        eligible: assessment.eligible,
        target_reached: assessment.target_reached,
        replications,
        can_edit: ctx.can(Action::Update, card.resource()),
        can_open_record: ctx.can(Action::View, Resource::Registry),
        can_record: can_record(ctx),
        errors: shown.errors(ctx),
        notice: shown.notice(ctx),
        form,
    };
    respond(&page, shown.status())
}

async fn show(State(state): State<AppState>, ctx: RequestCtx, Path(id): Path<String>) -> AppResult<Response> {
    let m = model_for(&state, &ctx, &id, Action::View).await?;
    model_page(&state, &ctx, m, ReplicationForm::default(), Shown::default()).await
}

/// The organisation of a registration code typed in a form, when `allowed` says the caller
/// may act for it; otherwise the field and the finding that says why.
async fn organisation_of(
    state: &AppState,
    raw: &str,
    allowed: impl Fn(&Organisation) -> bool,
) -> AppResult<Result<Organisation, (&'static str, &'static str)>> {
    let Some((code, _)) = RegistrationCode::parse(raw) else {
        return Ok(Err(("registration_code", "err-model-registration-code")));
    };
    Ok(match state.store.organisation_by_code(code.as_str()).await? {
        Some(o) if allowed(&o) => Ok(o),
        Some(_) => Err(("registration_code", "err-model-organisation-other-alliance")),
        None => Err(("registration_code", "err-model-organisation-unknown")),
    })
}

async fn add_replication(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(form): Form<ReplicationForm>,
) -> AppResult<Response> {
    let m = model_for(&state, &ctx, &id, Action::View).await?;
    if !can_record(&ctx) {
        return Err(refusal(&ctx));
    }
    let parsed = form.parse(crate::pages::products::today_date());
    // The organisation is looked up even when the date is wrong: every finding at once.
    let org = if RegistrationCode::parse(&form.registration_code).is_some() {
        Some(
            organisation_of(&state, &form.registration_code, |o| {
                ctx.can(
                    Action::Create,
                    Resource::ModelReplication {
                        alliance: o.alliance_id,
                    },
                )
            })
            .await?,
        )
    } else {
        None
    };
    let (draft, org) = match (parsed, org) {
        (Ok(d), Some(Ok(o))) => (d, o),
        (parsed, org) => {
            let mut findings = parsed.err().unwrap_or_default();
            if let Some(Err((field, key))) = org {
                findings.add(field, key);
            }
            return model_page(&state, &ctx, m, form, Shown::invalid(findings)).await;
        }
    };
    match state
        .store
        .add_replication(&ctx.actor(), m.card.entry.id, org.id, &draft)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/models/{}#replications", m.card.entry.id),
            "flash-model-replication-added",
        )),
        Err(e) => {
            let shown = Shown::refused(e, |_| "registration_code")?;
            model_page(&state, &ctx, m, form, shown).await
        }
    }
}

async fn remove_replication(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, replication)): Path<(String, String)>,
) -> AppResult<Response> {
    let m = model_for(&state, &ctx, &id, Action::View).await?;
    let r = state
        .store
        .get_replication(ReplicationId(parse_id(&replication)?))
        .await?;
    if r.entry_id != m.card.entry.id {
        return Err(AppError::NotFound);
    }
    ctx.require(Action::Delete, r.resource())?;
    state.store.remove_replication(&ctx.actor(), r.id).await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/models/{}#replications", m.card.entry.id),
        "flash-model-replication-removed",
    ))
}

// ---------------------------------------------------------------------------------------------
// The model form
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "model_form.html")]
struct FormPage<'a> {
    ctx: &'a RequestCtx,
    heading: String,
    action: String,
    cancel: String,
    version: i32,
    form: ModelEntryForm,
    kinds: Vec<(String, String)>,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
    /// On an existing model the caller may remove: where removing posts, and how many
    /// replications go with it.
    delete: Option<(String, usize)>,
}

impl FormPage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    fn dossier_ticked(&self) -> bool {
        self.form
            .dossier_complete
            .as_deref()
            .is_some_and(|v| !v.is_empty())
    }

    fn published_ticked(&self) -> bool {
        self.form.published.as_deref().is_some_and(|v| !v.is_empty())
    }
}

/// Where a model form posts and goes back to: a new model, or an existing one.
struct Target {
    heading: String,
    action: String,
    cancel: String,
    delete: Option<(String, usize)>,
}

impl Target {
    fn new_model(ctx: &RequestCtx) -> Target {
        Target {
            heading: ctx.t("page-model-new"),
            action: "/models/new".into(),
            cancel: "/models".into(),
            delete: None,
        }
    }

    fn existing(ctx: &RequestCtx, m: &ModelDetail) -> Target {
        let id = m.card.entry.id;
        Target {
            heading: ctx.t("page-model-edit"),
            action: format!("/models/{id}/edit"),
            cancel: format!("/models/{id}"),
            delete: ctx
                .can(Action::Delete, m.card.resource())
                .then(|| (format!("/models/{id}/delete"), m.replications.len())),
        }
    }
}

async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    target: Target,
    version: i32,
    form: ModelEntryForm,
    shown: Shown,
) -> AppResult<Response> {
    let kinds = state
        .store
        .model_kinds()
        .await?
        .into_iter()
        .map(|k| (k.id.to_string(), k.name))
        .collect();
    let page = FormPage {
        ctx,
        heading: target.heading,
        action: target.action,
        cancel: target.cancel,
        version,
        form,
        kinds,
        errors: shown.errors(ctx),
        notice: shown.notice(ctx),
        delete: target.delete,
    };
    respond(&page, shown.status())
}

fn form_of(m: &ModelDetail) -> ModelEntryForm {
    let e = &m.card.entry;
    let on = |b: bool| b.then(|| "on".to_string());
    ModelEntryForm {
        registration_code: m.card.registration_code.clone().unwrap_or_default(),
        kind_id: e.kind_id.to_string(),
        selected_year: e.selected_year.to_string(),
        rating_points: e.rating_points.map(|p| p.to_string()).unwrap_or_default(),
        dossier_complete: on(e.dossier_complete),
        published: on(e.published),
        summary: e.summary.clone().unwrap_or_default(),
        results: e.results.clone().unwrap_or_default(),
    }
}

/// The field of the form a refusal of the store is about.
fn refusal_field(key: &str) -> &'static str {
    match key {
        "err-model-entry-twice" | "err-model-kind" => "kind_id",
        _ => "registration_code",
    }
}

/// Validates a model typed in the form: its own rules, then that its organisation exists and
/// that the caller may `action` models of the organisation's alliance, and that its kind is
/// on the list — every finding at once.
async fn check_model(
    state: &AppState,
    ctx: &RequestCtx,
    form: &ModelEntryForm,
    action: Action,
) -> AppResult<Result<(ModelEntryDraft, Organisation), Findings>> {
    let this_year = crate::catalog::today_vn().year();
    let parsed = form.parse(this_year);
    let mut extra = Findings::default();
    let org = if RegistrationCode::parse(&form.registration_code).is_some() {
        let published = form.published.as_deref().is_some_and(|v| !v.is_empty());
        match organisation_of(state, &form.registration_code, |o| {
            ctx.can(
                action,
                Resource::ModelEntry {
                    alliance: o.alliance_id,
                    published,
                },
            )
        })
        .await?
        {
            Ok(o) => Some(o),
            Err((field, key)) => {
                extra.add(field, key);
                None
            }
        }
    } else {
        None
    };
    if let Ok(kind) = form.kind_id.trim().parse::<i64>() {
        let kinds = state.store.model_kinds().await?;
        if kind > 0 && !kinds.iter().any(|k| k.id == ModelKindId(kind)) {
            extra.add("kind_id", "err-model-kind");
        }
    }
    Ok(match (parsed, org) {
        (Ok(d), Some(o)) if extra.is_empty() => Ok((d, o)),
        (Ok(_), _) => Err(extra),
        (Err(mut f), _) => {
            f.0.extend(extra.0);
            Err(f)
        }
    })
}

async fn new_form(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    if !can_add_model(&ctx) {
        return Err(refusal(&ctx));
    }
    let form = ModelEntryForm {
        selected_year: crate::catalog::today_vn().year().to_string(),
        ..Default::default()
    };
    form_page(&state, &ctx, Target::new_model(&ctx), 0, form, Shown::default()).await
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(form): Form<ModelEntryForm>,
) -> AppResult<Response> {
    if !can_add_model(&ctx) {
        return Err(refusal(&ctx));
    }
    let again = |form, shown: Shown| {
        let (state, ctx) = (&state, &ctx);
        async move { form_page(state, ctx, Target::new_model(ctx), 0, form, shown).await }
    };
    let (draft, org) = match check_model(&state, &ctx, &form, Action::Create).await? {
        Ok(x) => x,
        Err(findings) => return again(form, Shown::invalid(findings)).await,
    };
    match state.store.create_model(&ctx.actor(), org.id, &draft).await {
        Ok(saved) => Ok(redirect_with_flash(
            &ctx,
            &format!("/models/{}", saved.id),
            "flash-model-created",
        )),
        Err(e) => {
            let shown = Shown::refused(e, refusal_field)?;
            again(form, shown).await
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let m = model_for(&state, &ctx, &id, Action::Update).await?;
    let form = form_of(&m);
    let version = m.card.entry.version;
    form_page(
        &state,
        &ctx,
        Target::existing(&ctx, &m),
        version,
        form,
        Shown::default(),
    )
    .await
}

/// A posted model form with its version.
#[derive(Deserialize)]
struct Posted {
    #[serde(flatten)]
    form: ModelEntryForm,
    #[serde(default)]
    version: String,
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<Posted>,
) -> AppResult<Response> {
    let m = model_for(&state, &ctx, &id, Action::Update).await?;
    let (form, version) = (p.form, form_version(&p.version));
    let again = |form, shown: Shown, version: i32| {
        let target = Target::existing(&ctx, &m);
        let (state, ctx) = (&state, &ctx);
        async move { form_page(state, ctx, target, version, form, shown).await }
    };
    let (draft, org) = match check_model(&state, &ctx, &form, Action::Update).await? {
        Ok(x) => x,
        Err(findings) => return again(form, Shown::invalid(findings), version).await,
    };
    match state
        .store
        .update_model(&ctx.actor(), m.card.entry.id, version, org.id, &draft)
        .await
    {
        Ok(saved) => Ok(redirect_with_flash(
            &ctx,
            &format!("/models/{}", saved.id),
            "flash-model-saved",
        )),
        Err(e) => {
            let shown = Shown::refused(e, refusal_field)?;
            // What was typed is kept; after a conflict the next save is made from the version
            // now stored.
            let version = if shown.conflict {
                state.store.get_model(m.card.entry.id).await?.card.entry.version
            } else {
                version
            };
            again(form, shown, version).await
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let m = model_for(&state, &ctx, &id, Action::Delete).await?;
    state.store.delete_model(&ctx.actor(), m.card.entry.id).await?;
    Ok(redirect_with_flash(&ctx, "/models", "flash-model-deleted"))
}
