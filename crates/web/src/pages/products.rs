//! Products for staff and representatives: list, create, edit, publish or withdraw, OCOP
//! certifications with their certificate file, images, and the certificate expiry list.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lienket_domain::ids::{OrganisationId, ProductId};
use lienket_domain::ocop::{ProductGroup, ProductSet};
use lienket_domain::policy::{Action, Resource};
use lienket_domain::product::{
    CertificationDraft, CertificationForm, ProductDraft, ProductForm, ProductStatus,
};
use lienket_domain::validate::Findings;
use lienket_store::{
    CertificateFile, Certification, CertificationInput, ExpiringCertificate, Organisation, Page, PageRequest,
    Product, ProductFilter, ProductImage, ProductInput, ProductListItem, StoreError,
};
use serde::Deserialize;

use super::{
    FieldView, FormView, form_page, html, no_store, pager, province_options, redirect_with_flash, urlencode,
};
use crate::AppState;
use crate::catalog::{certificate_valid, today_vn};
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};

/// Largest image or certificate upload.
pub const MAX_UPLOAD: usize = 12 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/products", get(list))
        .route("/products/certificates", get(expiring))
        .route("/organisations/{id}/products/new", get(new_form).post(create))
        .route("/products/{id}", get(show))
        .route("/products/{id}/edit", get(edit_form).post(update))
        .route("/products/{id}/status", post(change_status))
        .route("/products/{id}/certifications/{cid}/revoke", post(revoke))
        .route("/products/{id}/certifications/{cid}/file", get(certificate_file))
        .route("/products/{id}/images/{iid}/delete", post(delete_image))
}

/// The upload routes, apart: they take files beyond the app-wide body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/products/{id}/images",
            post(upload_image).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route(
            "/products/{id}/certifications",
            post(add_certification).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
}

/// Catalogue key of a product status.
pub fn status_key(status: &str) -> &'static str {
    ProductStatus::parse(status).map_or("product-status-draft", ProductStatus::label_key)
}

/// Back to the product's staff page with a one-shot message.
fn back(ctx: &RequestCtx, id: ProductId, flash: &str) -> Response {
    redirect_with_flash(ctx, &format!("/products/{id}"), flash)
}

/// A problem shown on the product's staff page beside the part it is about.
enum Problem {
    /// About the status buttons.
    Status(String),
    /// About the image upload.
    Image(String),
}

async fn show_problem(
    state: &AppState,
    ctx: &RequestCtx,
    p: Product,
    org: Organisation,
    problem: Problem,
    status: StatusCode,
) -> AppResult<Response> {
    let errors = match problem {
        Problem::Status(m) => (None, None, Some(m)),
        Problem::Image(m) => (None, Some(m), None),
    };
    render_show(state, ctx, p, org, CertificationForm::default(), errors, status).await
}

/// Catalogue key of a certification's state.
pub fn cert_state_key(state: &str) -> &'static str {
    match state {
        "current" => "cert-state-current",
        "revoked" => "cert-state-revoked",
        _ => "cert-state-superseded",
    }
}

fn parse_product_id(raw: &str) -> AppResult<ProductId> {
    raw.parse().map(ProductId).map_err(|_| AppError::NotFound)
}

/// The product and its producer, after checking the user may `action` on the producer.
async fn load(
    state: &AppState,
    ctx: &RequestCtx,
    id: &str,
    action: Action,
) -> AppResult<(Product, Organisation)> {
    let p = match state.store.get_product(parse_product_id(id)?).await {
        Ok(p) => p,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let org = state.store.get_organisation(p.organisation_id).await?;
    ctx.require(action, org.resource())?;
    Ok((p, org))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ListQuery {
    q: String,
    status: String,
    group: String,
    stars: String,
    page: String,
}

impl ListQuery {
    fn query_string(&self) -> String {
        [
            ("q", &self.q),
            ("status", &self.status),
            ("group", &self.group),
            ("stars", &self.stars),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("&{k}={}", urlencode(v)))
        .collect()
    }
}

#[derive(Template)]
#[template(path = "products.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    q: ListQuery,
    page: Page<ProductListItem>,
    pager: String,
    groups: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    own_organisation: Option<OrganisationId>,
    today: String,
}

/// Group options in the interface language.
fn group_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    ProductGroup::all()
        .map(|g| (g.code.to_string(), super::catalog::group_name(ctx, g.code)))
        .collect()
}

fn set_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    ProductSet::all()
        .iter()
        .map(|s| {
            let name = if ctx.lang.code() == "en" {
                s.name_en
            } else {
                s.name_vi
            };
            (s.number.to_string(), format!("{}. {name}", s.number))
        })
        .collect()
}

fn status_options(ctx: &RequestCtx) -> Vec<(String, String)> {
    ProductStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), ctx.t(s.label_key())))
        .collect()
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let own_organisation = ctx.own_organisation();
    let alliance = user.role.alliance();
    if own_organisation.is_none() && !ctx.can(Action::View, Resource::Registry) {
        return Err(AppError::Forbidden);
    }
    let filter = ProductFilter {
        alliance,
        organisation: own_organisation,
        status: ProductStatus::parse(&q.status).map(|s| s.as_str().to_string()),
        group_code: ProductGroup::by_code(q.group.trim()).map(|g| g.code.to_string()),
        stars: q.stars.trim().parse().ok().filter(|s| (1..=5).contains(s)),
        query: Some(q.q.chars().take(200).collect::<String>()).filter(|s| !s.trim().is_empty()),
    };
    let page = state
        .store
        .list_products(&filter, PageRequest::new(q.page.trim().parse().ok(), Some(50)))
        .await?;
    let pager = pager(&ctx, "/products", &q.query_string(), page.page, page.pages());
    let today = today_vn();
    let view = ListPage {
        ctx: &ctx,
        page,
        pager,
        groups: group_options(&ctx),
        statuses: status_options(&ctx),
        own_organisation,
        today: format!(
            "{:04}-{:02}-{:02}",
            today.year(),
            u8::from(today.month()),
            today.day()
        ),
        q,
    };
    Ok(no_store(html(&view)?))
}

/// The form's posted fields.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Posted {
    version: String,
    #[serde(flatten)]
    form: ProductForm,
}

fn form_view(
    ctx: &RequestCtx,
    heading: String,
    action: String,
    cancel: String,
    f: &ProductForm,
    version: i32,
) -> FormView {
    let field = |name, value: &str, kind| FieldView::new(ctx, name, value, kind);
    FormView {
        heading,
        action,
        cancel,
        version,
        notice: None,
        fields: vec![
            field("name", &f.name, "text").required(),
            field("group", &f.group, "text")
                .select(group_options(ctx))
                .required(),
            field("set", &f.set, "text").select(set_options(ctx)),
            field("description", &f.description, "text"),
            field("unit", &f.unit, "text").hint(ctx.t("hint-unit")),
            field("packaging", &f.packaging, "text"),
            field("net_quantity", &f.net_quantity, "text").hint(ctx.t("hint-net-quantity")),
            field("shelf_life", &f.shelf_life, "text").hint(ctx.t("hint-shelf-life")),
            field("quality_standard", &f.quality_standard, "text"),
            field("ingredients", &f.ingredients, "text"),
            field("origin_province", &f.origin_province, "text").select(province_options()),
            field("origin_ward", &f.origin_ward, "text").hint(ctx.t("hint-origin-ward")),
            field("price_min", &f.price_min, "text"),
            field("price_max", &f.price_max, "text"),
            field("barcode", &f.barcode, "text").hint(ctx.t("hint-barcode")),
            field("status", &f.status, "text").select(status_options(ctx)),
        ],
    }
}

/// The store's fields from a validated form.
pub fn to_input(d: &ProductDraft) -> ProductInput {
    ProductInput {
        name: d.name.clone(),
        group_code: Some(d.group.code.to_string()),
        set_no: d.set.map(|s| s.number),
        description: d.description.clone(),
        unit: d.unit.clone(),
        packaging: d.packaging.clone(),
        net_quantity: d.net_quantity.as_ref().map(|q| q.display.clone()),
        shelf_life_days: d.shelf_life.as_ref().map(|s| s.days),
        quality_standard: d.quality_standard.clone(),
        ingredients: d.ingredients.clone(),
        origin_province_code: d.origin_province_code.map(str::to_string),
        origin_ward_code: d.origin_ward_code.map(str::to_string),
        price_min: d.price_min,
        price_max: d.price_max,
        barcode: d.barcode.clone(),
    }
}

fn to_form(p: &Product) -> ProductForm {
    let f = &p.fields;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    ProductForm {
        name: f.name.clone(),
        group: s(&f.group_code),
        set: f.set_no.map(|n| n.to_string()).unwrap_or_default(),
        description: s(&f.description),
        unit: s(&f.unit),
        packaging: s(&f.packaging),
        net_quantity: s(&f.net_quantity),
        shelf_life: f.shelf_life_days.map(|d| format!("{d} ngày")).unwrap_or_default(),
        quality_standard: s(&f.quality_standard),
        ingredients: s(&f.ingredients),
        origin_province: s(&f.origin_province_code),
        origin_ward: s(&f.origin_ward_code),
        price_min: f.price_min.map(|v| v.to_string()).unwrap_or_default(),
        price_max: f.price_max.map(|v| v.to_string()).unwrap_or_default(),
        barcode: s(&f.barcode),
        status: p.status.clone(),
    }
}

async fn producer_for_create(state: &AppState, ctx: &RequestCtx, id: &str) -> AppResult<Organisation> {
    let id: OrganisationId = id.parse().map_err(|_| AppError::NotFound)?;
    let org = match state.store.get_organisation(id).await {
        Ok(o) => o,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    ctx.require(Action::Update, org.resource())?;
    Ok(org)
}

async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let org = producer_for_create(&state, &ctx, &id).await?;
    let f = ProductForm {
        status: "draft".into(),
        origin_province: org.province_code.clone().unwrap_or_default(),
        ..Default::default()
    };
    let view = form_view(
        &ctx,
        ctx.t1("action-new-product-of", "name", &org.name),
        format!("/organisations/{}/products/new", org.id),
        format!("/organisations/{}", org.id),
        &f,
        0,
    );
    form_page(&ctx, view, StatusCode::OK)
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(p): Form<Posted>,
) -> AppResult<Response> {
    let org = producer_for_create(&state, &ctx, &id).await?;
    let view = || {
        form_view(
            &ctx,
            ctx.t1("action-new-product-of", "name", &org.name),
            format!("/organisations/{}/products/new", org.id),
            format!("/organisations/{}", org.id),
            &p.form,
            0,
        )
    };
    let draft = match p.form.parse() {
        Ok(d) => d,
        Err(f) => {
            return form_page(
                &ctx,
                view().with_findings(&ctx, &f),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let publish = draft.status == ProductStatus::Published;
    let saved = state
        .store
        .create_product(&ctx.actor(), org.id, &to_input(&draft), publish)
        .await?;
    state.catalog.after_write().await;
    Ok(back(&ctx, saved.id, "flash-saved"))
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (p, _) = load(&state, &ctx, &id, Action::Update).await?;
    let view = form_view(
        &ctx,
        p.fields.name.clone(),
        format!("/products/{}/edit", p.id),
        format!("/products/{}", p.id),
        &to_form(&p),
        p.version,
    );
    form_page(&ctx, view, StatusCode::OK)
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(posted): Form<Posted>,
) -> AppResult<Response> {
    let (p, _) = load(&state, &ctx, &id, Action::Update).await?;
    let version: i32 = posted.version.trim().parse().unwrap_or(0);
    let view = |notice: Option<String>| {
        let mut v = form_view(
            &ctx,
            p.fields.name.clone(),
            format!("/products/{}/edit", p.id),
            format!("/products/{}", p.id),
            &posted.form,
            version,
        );
        v.notice = notice;
        v
    };
    let draft = match posted.form.parse() {
        Ok(d) => d,
        Err(f) => {
            return form_page(
                &ctx,
                view(None).with_findings(&ctx, &f),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match state
        .store
        .update_product(&ctx.actor(), p.id, version, &to_input(&draft))
        .await
    {
        Ok(saved) => {
            // The status select on the form publishes or withdraws too.
            if saved.status != draft.status.as_str() {
                state
                    .store
                    .set_product_status(&ctx.actor(), p.id, saved.version, draft.status.as_str(), None)
                    .await?;
            }
            state.catalog.after_write().await;
            Ok(back(&ctx, p.id, "flash-saved"))
        }
        Err(StoreError::Conflict) => form_page(&ctx, view(Some(ctx.t("err-conflict"))), StatusCode::CONFLICT),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "product.html")]
struct ShowPage<'a> {
    ctx: &'a RequestCtx,
    p: Product,
    org: Organisation,
    certifications: Vec<Certification>,
    images: Vec<ProductImage>,
    can_certify: bool,
    cert_form: CertificationForm,
    cert_errors: Vec<(String, String)>,
    image_error: Option<String>,
    status_error: Option<String>,
    today: String,
    levels: Vec<(String, String)>,
}

async fn render_show(
    state: &AppState,
    ctx: &RequestCtx,
    p: Product,
    org: Organisation,
    cert_form: CertificationForm,
    errors: (Option<&Findings>, Option<String>, Option<String>),
    status: StatusCode,
) -> AppResult<Response> {
    let certifications = state.store.certifications_of(p.id).await?;
    let images = state.store.product_images(p.id).await?;
    let today = today_vn();
    let cert_errors = errors
        .0
        .map(|f| {
            f.0.iter()
                .map(|x| (x.field.to_string(), ctx.lang.finding(x)))
                .collect()
        })
        .unwrap_or_default();
    let view = ShowPage {
        ctx,
        can_certify: ctx.can(Action::Review, org.resource()),
        certifications,
        images,
        cert_form,
        cert_errors,
        image_error: errors.1,
        status_error: errors.2,
        today: format!(
            "{:04}-{:02}-{:02}",
            today.year(),
            u8::from(today.month()),
            today.day()
        ),
        levels: vec![
            ("province".into(), ctx.t("cert-level-province")),
            ("central".into(), ctx.t("cert-level-central")),
        ],
        p,
        org,
    };
    let mut res = no_store(html(&view)?);
    *res.status_mut() = status;
    Ok(res)
}

async fn show(State(state): State<AppState>, ctx: RequestCtx, Path(id): Path<String>) -> AppResult<Response> {
    let (p, org) = load(&state, &ctx, &id, Action::View).await?;
    render_show(
        &state,
        &ctx,
        p,
        org,
        CertificationForm {
            level: "province".into(),
            ..Default::default()
        },
        (None, None, None),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusPosted {
    version: String,
    status: String,
    reason: String,
}

async fn change_status(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Form(f): Form<StatusPosted>,
) -> AppResult<Response> {
    let (p, org) = load(&state, &ctx, &id, Action::Update).await?;
    let Some(status) = ProductStatus::parse(&f.status) else {
        return Err(AppError::BadRequest("err-bad-request"));
    };
    let reason = Some(f.reason.trim().chars().take(500).collect::<String>()).filter(|r| !r.is_empty());
    if status == ProductStatus::Withdrawn && reason.is_none() {
        let msg = ctx.t("product-error-withdraw-reason");
        return show_problem(
            &state,
            &ctx,
            p,
            org,
            Problem::Status(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let version: i32 = f.version.trim().parse().unwrap_or(0);
    match state
        .store
        .set_product_status(&ctx.actor(), p.id, version, status.as_str(), reason)
        .await
    {
        Ok(_) => {
            state.catalog.after_write().await;
            Ok(back(&ctx, p.id, "flash-saved"))
        }
        Err(StoreError::Conflict) => {
            let msg = ctx.t("err-conflict");
            let p = state.store.get_product(p.id).await?;
            show_problem(&state, &ctx, p, org, Problem::Status(msg), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The store's certification from a validated form.
pub fn to_certification(d: &CertificationDraft) -> CertificationInput {
    let iso = |d: lienket_domain::lenient::Date| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
    CertificationInput {
        score_a: d.score.a,
        score_b: d.score.b,
        score_c: d.score.c,
        total: d.total,
        stars: d.stars.get(),
        potential_five: d.potential_five,
        level: d.level.as_str().to_string(),
        rules_code: d.rules_code.to_string(),
        decision_no: d.decision_no.clone(),
        decision_date: iso(d.decision_date),
        issuer: d.issuer.clone(),
        expires_on: iso(d.expires_on),
    }
}

/// Certificate documents accepted: PDF or an image, decided by content.
fn certificate_type(bytes: &[u8]) -> Option<&'static str> {
    super::uploads::pdf_or_image_type(bytes).map(|(mime, _)| mime)
}

/// Today as the domain's date type.
pub fn today_date() -> lienket_domain::lenient::Date {
    let d = today_vn();
    lienket_domain::lenient::Date::new(d.year(), u8::from(d.month()), d.day())
        .expect("the clock gives real dates")
}

async fn add_certification(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (p, org) = load(&state, &ctx, &id, Action::Review).await?;
    let mut form = CertificationForm::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::PayloadTooLarge)?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("certificate").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::PayloadTooLarge)?
                .to_vec();
            if !bytes.is_empty() {
                file = Some((file_name, bytes));
            }
            continue;
        }
        let value = field.text().await.unwrap_or_default();
        match name.as_str() {
            "score_a" => form.score_a = value,
            "score_b" => form.score_b = value,
            "score_c" => form.score_c = value,
            "decision_no" => form.decision_no = value,
            "decision_date" => form.decision_date = value,
            "level" => form.level = value,
            "issuer" => form.issuer = value,
            _ => {}
        }
    }
    let mut findings = Findings::default();
    let content_type = match &file {
        Some((_, bytes)) => match certificate_type(bytes) {
            Some(t) => Some(t),
            None => {
                findings.add("file", "product-error-certificate-type");
                None
            }
        },
        None => None,
    };
    let draft = match form.parse(today_date()) {
        Ok(d) if findings.is_empty() => d,
        parsed => {
            if let Err(f) = parsed {
                findings.0.splice(0..0, f.0);
            }
            return render_show(
                &state,
                &ctx,
                p,
                org,
                form,
                (Some(&findings), None, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let stored = match (file, content_type) {
        (Some((name, bytes)), Some(t)) => {
            let key = format!("certificates/{}/{}", p.id, uuid::Uuid::new_v4().simple());
            state.objects.put(&key, bytes).await?;
            Some(CertificateFile {
                key,
                name: name.chars().take(200).collect(),
                content_type: t.to_string(),
            })
        }
        _ => None,
    };
    state
        .store
        .add_certification(&ctx.actor(), p.id, &to_certification(&draft), stored.as_ref())
        .await?;
    state.catalog.after_write().await;
    Ok(back(&ctx, p.id, "flash-saved"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevokePosted {
    reason: String,
}

async fn revoke(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, cid)): Path<(String, String)>,
    Form(f): Form<RevokePosted>,
) -> AppResult<Response> {
    let (p, org) = load(&state, &ctx, &id, Action::Review).await?;
    let reason: String = f.reason.trim().chars().take(500).collect();
    if reason.is_empty() {
        let msg = ctx.t("product-error-revoke-reason");
        return show_problem(
            &state,
            &ctx,
            p,
            org,
            Problem::Status(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let cid: i64 = cid.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .revoke_certification(&ctx.actor(), p.id, cid, reason)
        .await?;
    state.catalog.after_write().await;
    Ok(back(&ctx, p.id, "flash-saved"))
}

async fn certificate_file(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, cid)): Path<(String, String)>,
) -> AppResult<Response> {
    let (p, _) = load(&state, &ctx, &id, Action::View).await?;
    let cid: i64 = cid.parse().map_err(|_| AppError::NotFound)?;
    let cert = state
        .store
        .certifications_of(p.id)
        .await?
        .into_iter()
        .find(|c| c.id == cid)
        .ok_or(AppError::NotFound)?;
    let file = cert.file.ok_or(AppError::NotFound)?;
    let bytes = state.objects.get(&file.key).await?;
    super::attachment(&file.name, &file.content_type, bytes)
}

async fn upload_image(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (p, org) = load(&state, &ctx, &id, Action::Update).await?;
    let Some((_, bytes)) = super::uploads::read_upload(&mut multipart, "image").await? else {
        let msg = ctx.t("image-error-missing");
        return show_problem(
            &state,
            &ctx,
            p,
            org,
            Problem::Image(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let (original, img) = match super::uploads::process_image(bytes).await? {
        Ok(x) => x,
        Err(e) => {
            let msg = ctx.lang.t_args(e.key(), &e.args());
            return show_problem(
                &state,
                &ctx,
                p,
                org,
                Problem::Image(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let stored = super::uploads::put_image(&state, &format!("products/{}", p.id), original, img).await?;
    let record = ProductImage {
        id: 0,
        product_id: p.id,
        position: 0,
        original_type: stored.kind.mime().to_string(),
        width: i32::try_from(stored.width).unwrap_or(i32::MAX),
        height: i32::try_from(stored.height).unwrap_or(i32::MAX),
        original_key: stored.original_key,
        display_key: stored.display_key,
        thumb_key: stored.thumb_key,
    };
    if let Err(e) = state.store.add_product_image(&ctx.actor(), p.id, &record).await {
        super::uploads::remove_stored(&state, &record).await;
        return Err(e.into());
    }
    Ok(back(&ctx, p.id, "flash-image-added"))
}

async fn delete_image(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((id, iid)): Path<(String, String)>,
) -> AppResult<Response> {
    let (p, _) = load(&state, &ctx, &id, Action::Update).await?;
    let iid: i64 = iid.parse().map_err(|_| AppError::NotFound)?;
    let gone = state.store.delete_product_image(&ctx.actor(), p.id, iid).await?;
    super::uploads::remove_stored(&state, &gone).await;
    Ok(back(&ctx, p.id, "flash-saved"))
}

#[derive(Template)]
#[template(path = "certificates.html")]
struct ExpiringPage<'a> {
    ctx: &'a RequestCtx,
    expiring: Vec<ExpiringCertificate>,
    expired: Vec<ExpiringCertificate>,
    shown_as_valid: usize,
    until: String,
}

/// Certificates expiring within 90 days, and expired ones of products still listed.
async fn expiring(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    ctx.require(Action::View, Resource::Registry)?;
    let alliance = ctx.user().and_then(|u| u.role.alliance());
    let today = today_vn();
    let until = today + time::Duration::days(90);
    let iso = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    let all = state.store.expiring_certificates(&iso(until), alliance).await?;
    let (expiring, expired): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|c| certificate_valid(Some(&c.expires_on), today));
    // Stars are shown only while the certificate is valid (decided at display time), so this
    // count is what the catalogue index holds for expired certificates: it must be zero.
    let index = std::sync::Arc::clone(&state.catalog);
    let probes: Vec<(String, String, u8)> = expired
        .iter()
        .take(500)
        .map(|c| (c.product_id.to_string(), c.organisation_id.to_string(), c.stars))
        .collect();
    let shown_as_valid = tokio::task::spawn_blocking(move || {
        probes
            .iter()
            .filter(|(id, producer, stars)| {
                let q = lienket_search::Query {
                    producer_id: Some(producer.clone()),
                    stars: Some(*stars),
                    limit: 200,
                    ..Default::default()
                };
                index
                    .index()
                    .search(&q)
                    .is_ok_and(|r| r.hits.iter().any(|h| &h.id == id))
            })
            .count()
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let view = ExpiringPage {
        ctx: &ctx,
        expiring,
        expired,
        shown_as_valid,
        until: iso(until),
    };
    Ok(no_store(html(&view)?))
}
