//! The public catalogue: search with facets, as-you-type suggestions, the product page with
//! its QR code, producers' public profiles, printable QR labels, and stored images.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use lienket_domain::ids::{OrganisationId, ProductId};
use lienket_domain::ocop::ProductGroup;
use lienket_search::{Results, Sort};
use lienket_store::{Certification, Organisation, Product, ProductImage, ProductListItem, StoreError};
use serde::Deserialize;

use super::{html, pager, urlencode};
use crate::AppState;
use crate::catalog::{certificate_valid, today_vn};
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalog", get(search))
        .route("/catalog/suggest", get(suggest))
        .route("/p/{code}", get(product_page))
        .route("/p/{code}/qr.svg", get(qr_svg))
        .route("/p/{code}/qr.png", get(qr_png))
        .route("/producers/{id}", get(producer_page))
        .route("/producers/{id}/labels", get(labels))
        .route("/media/{*key}", get(media))
}

/// Products per catalogue page.
const PER_PAGE: usize = 24;

/// The catalogue's query string, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CatalogQuery {
    /// Words.
    pub q: String,
    /// 2025 province code.
    pub province: String,
    /// Group code.
    pub group: String,
    /// Stars.
    pub stars: String,
    /// Producer id.
    pub producer: String,
    /// Alliance code.
    pub alliance: String,
    /// relevance, stars, newest.
    pub sort: String,
    /// Page.
    pub page: String,
}

impl CatalogQuery {
    /// The search, from what was typed; unreadable values are ignored, never an error.
    pub fn to_query(&self, offset: usize, limit: usize) -> lienket_search::Query {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty() && s.len() <= 40);
        lienket_search::Query {
            text: self.q.chars().take(500).collect(),
            province: some(&self.province),
            group: some(&self.group),
            stars: self.stars.trim().parse().ok().filter(|s| (1..=5).contains(s)),
            producer_id: some(&self.producer),
            alliance: some(&self.alliance),
            sort: match self.sort.as_str() {
                "stars" => Sort::Stars,
                "newest" => Sort::Newest,
                _ => Sort::Relevance,
            },
            offset,
            limit,
        }
    }

    fn page(&self) -> usize {
        self.page.trim().parse::<usize>().unwrap_or(1).clamp(1, 400)
    }

    /// The query string with one parameter replaced (empty value: removed), page reset.
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("q", &self.q),
            ("province", &self.province),
            ("group", &self.group),
            ("stars", &self.stars),
            ("producer", &self.producer),
            ("alliance", &self.alliance),
            ("sort", &self.sort),
        ];
        for p in &mut pairs {
            if p.0 == key {
                p.1 = value;
            }
        }
        let qs: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        format!("/catalog?{}", qs.join("&"))
    }
}

/// A product card in the catalogue and on profiles.
pub struct Card {
    /// Product.
    pub product: Product,
    /// Producer's name.
    pub producer: String,
    /// Stars shown (only while the certificate is valid).
    pub stars: Option<u8>,
    /// Thumbnail URL.
    pub thumb: Option<String>,
    /// Province name.
    pub province: Option<String>,
}

/// Runs a catalogue search off the async threads and loads the products found, in rank order
/// (a product unpublished since the index last looked is left out).
pub async fn search_products(
    state: &AppState,
    query: lienket_search::Query,
) -> AppResult<(Results, Vec<ProductListItem>)> {
    let results = search_results(state, query).await?;
    let items = products_of_hits(state, &results).await?;
    Ok((results, items))
}

/// The published products of a search's hits, from the database, in rank order.
async fn products_of_hits(state: &AppState, results: &Results) -> AppResult<Vec<ProductListItem>> {
    let ids: Vec<ProductId> = results
        .hits
        .iter()
        .filter_map(|h| h.id.parse().ok())
        .map(ProductId)
        .collect();
    Ok(state
        .store
        .products_by_ids(&ids)
        .await?
        .into_iter()
        .filter(|i| i.product.status == "published")
        .collect())
}

/// Runs a catalogue search off the async threads (or takes its kept answer).
pub async fn search_results(state: &AppState, query: lienket_search::Query) -> AppResult<Results> {
    // The same query on the same catalogue gets the same answer: kept until the catalogue
    // changes (the generation is read before searching, so a change during it is not missed).
    let key = format!("{query:?}");
    let generation = state.catalog.generation();
    let today = today_vn();
    let results = match state.catalog.cached_results(&key, generation, today) {
        Some(kept) => kept,
        None => {
            let found = state
                .catalog
                .with_index(move |index| index.search(&query))
                .await
                .map_err(|e| AppError::Internal(e.into()))?
                .map_err(|e| AppError::Internal(e.into()))?;
            let found = std::sync::Arc::new(found);
            state
                .catalog
                .keep_results(key, generation, today, std::sync::Arc::clone(&found));
            found
        }
    };
    Ok((*results).clone())
}

/// Cards for products, with thumbnails and valid stars.
async fn cards(state: &AppState, items: Vec<ProductListItem>) -> AppResult<Vec<Card>> {
    let ids: Vec<ProductId> = items.iter().map(|i| i.product.id).collect();
    let covers = state.store.cover_images(&ids).await?;
    let today = today_vn();
    Ok(items
        .into_iter()
        .map(|i| {
            let p = i.product;
            Card {
                stars: shown_stars(&p, today),
                thumb: covers.get(&p.id).map(|c| format!("/media/{}", c.thumb_key)),
                province: p.fields.origin_province_code.as_deref().map(super::province_name),
                producer: i.organisation_name,
                product: p,
            }
        })
        .collect())
}

/// The stars a product may show today: none once its certificate has expired.
pub fn shown_stars(p: &Product, today: time::Date) -> Option<u8> {
    crate::catalog::valid_stars(p.stars, p.cert_expires_on.as_deref(), today)
}

/// A facet value with its label, count and link.
pub struct FacetView {
    label: String,
    count: u64,
    href: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct SearchPage<'a> {
    ctx: &'a RequestCtx,
    q: CatalogQuery,
    results: Results,
    cards: Vec<Card>,
    pager: String,
    provinces: Vec<FacetView>,
    groups: Vec<FacetView>,
    stars: Vec<FacetView>,
    alliances: Vec<FacetView>,
    did_you_mean: Option<(String, String)>,
}

/// Group name in the interface language.
pub fn group_name(ctx: &RequestCtx, code: &str) -> String {
    product_group_name(ctx.lang, code)
}

/// Group name in a language (the documents are Vietnamese whatever the interface's): an
/// unknown code as it is, a missing one as "group not known".
pub fn product_group_name(lang: Lang, code: &str) -> String {
    match ProductGroup::by_code(code) {
        Some(g) if lang == Lang::En => g.name_en.to_string(),
        Some(g) => g.name_vi.to_string(),
        None if code.trim().is_empty() => lang.t("review-group-unknown"),
        None => code.to_string(),
    }
}

async fn search(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let page = q.page();
    let (results, items) = search_products(&state, q.to_query((page - 1) * PER_PAGE, PER_PAGE)).await?;
    let cards = cards(&state, items).await?;
    let pages = results.total.div_ceil(PER_PAGE).min(400) as u64;
    let extra: String = q.with("page", "").trim_start_matches("/catalog?").to_string();
    let pager = pager(&ctx, "/catalog", &format!("&{extra}"), page as u64, pages);
    let facet =
        |values: &[lienket_search::Facet], key: &str, current: &str, label: &dyn Fn(&str) -> String| {
            values
                .iter()
                .take(40)
                .map(|f| FacetView {
                    label: label(&f.value),
                    count: f.count,
                    href: q.with(key, if current == f.value { "" } else { &f.value }),
                    active: current == f.value,
                })
                .collect::<Vec<_>>()
        };
    let alliance_names: HashMap<String, String> = state
        .store
        .list_alliances()
        .await?
        .into_iter()
        .map(|a| (a.code, a.short_name))
        .collect();
    let view = SearchPage {
        ctx: &ctx,
        provinces: facet(&results.provinces, "province", &q.province, &|v| {
            super::province_name(v)
        }),
        groups: facet(&results.groups, "group", &q.group, &|v| group_name(&ctx, v)),
        stars: facet(&results.stars, "stars", &q.stars, &|v| format!("{v}★")),
        alliances: facet(&results.alliances, "alliance", &q.alliance, &|v| {
            alliance_names.get(v).cloned().unwrap_or_else(|| v.to_string())
        }),
        did_you_mean: results.did_you_mean.clone().map(|s| (q.with("q", &s), s)),
        results,
        cards,
        pager,
        q,
    };
    html(&view)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SuggestQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "catalog_suggest.html")]
struct SuggestList {
    items: Vec<(String, String)>,
}

/// `GET /catalog/suggest?q=…`: the htmx fragment of names completing what is typed.
async fn suggest(State(state): State<AppState>, Query(q): Query<SuggestQuery>) -> AppResult<Response> {
    let text: String = q.q.chars().take(100).collect();
    if text.trim().chars().count() < 2 {
        return html(&SuggestList { items: Vec::new() });
    }
    let names = state
        .catalog
        .with_index(move |index| index.suggest(&text, 8))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .unwrap_or_default();
    let items = names
        .into_iter()
        .map(|n| (format!("/catalog?q={}", urlencode(&n)), n))
        .collect();
    html(&SuggestList { items })
}

/// The address QR codes point to: the configured public URL, else this request's host.
pub(crate) fn public_base(state: &AppState, headers: &HeaderMap, ctx: &RequestCtx) -> String {
    if let Some(u) = &state.config.public_url {
        return u.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{}://{host}", if ctx.secure { "https" } else { "http" })
}

/// The product behind a public code: drafts only for those who may edit them; withdrawn
/// products answer 410 with a message.
async fn public_product(
    state: &AppState,
    ctx: &RequestCtx,
    code: &str,
) -> AppResult<(Product, Organisation)> {
    let code: String = code.chars().take(16).collect::<String>().to_ascii_uppercase();
    let product = state
        .store
        .product_by_code(&code)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = state.store.get_organisation(product.organisation_id).await?;
    let may_edit = ctx.can(lienket_domain::policy::Action::Update, org.resource());
    match product.status.as_str() {
        "published" => Ok((product, org)),
        "withdrawn" if !may_edit => Err(AppError::Gone("product-gone")),
        _ if may_edit => Ok((product, org)),
        _ => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "product_public.html")]
struct ProductPage<'a> {
    ctx: &'a RequestCtx,
    p: Product,
    org: Organisation,
    group: Option<String>,
    set: Option<String>,
    origin: Option<String>,
    stars: Option<u8>,
    cert: Option<Certification>,
    cert_valid: bool,
    images: Vec<ProductImage>,
    qr_svg: String,
    url: String,
    shelf_life: Option<String>,
}

/// Stands for the CSRF token in a public page kept for every anonymous visitor; each response
/// puts the visitor's own token in its place.
const TOKEN_SLOT: &str = "\u{1}lienket-csrf\u{1}";

async fn product_page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> AppResult<Response> {
    // Anonymous visitors without a message to show all get the same page: keep it rendered.
    let shared = ctx.user().is_none() && ctx.flash.is_none();
    let base = public_base(&state, &headers, &ctx);
    let key = format!("{}\n{}\n{base}", ctx.path, ctx.lang.code());
    let generation = state.catalog.generation();
    let today = today_vn();
    let with_token = |body: &str| Html(body.replace(TOKEN_SLOT, ctx.csrf())).into_response();
    if shared && let Some(body) = state.catalog.cached_page(&key, generation, today) {
        return Ok(with_token(&body));
    }
    let (p, org) = public_product(&state, &ctx, &code).await?;
    let cert = state
        .store
        .certifications_of(p.id)
        .await?
        .into_iter()
        .find(|c| c.state == "current");
    let cert_valid = cert
        .as_ref()
        .is_some_and(|c| certificate_valid(Some(&c.decision.expires_on), today));
    let images = state.store.product_images(p.id).await?;
    let url = format!("{base}/p/{}", p.code);
    let qr_svg = lienket_office::qr::qr_svg(&url).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let origin = origin_text(&p);
    let mut page_ctx = ctx.clone();
    if shared {
        page_ctx.anon_csrf = TOKEN_SLOT.to_string();
    }
    let view = ProductPage {
        ctx: &page_ctx,
        group: p.fields.group_code.as_deref().map(|g| group_name(&ctx, g)),
        set: p
            .fields
            .set_no
            .and_then(lienket_domain::ocop::ProductSet::by_number)
            .map(|s| {
                format!(
                    "{}. {}",
                    s.number,
                    if ctx.lang.code() == "en" {
                        s.name_en
                    } else {
                        s.name_vi
                    }
                )
            }),
        stars: shown_stars(&p, today),
        shelf_life: p.fields.shelf_life_days.map(|d| shelf_life_text(&ctx, d)),
        origin,
        cert,
        cert_valid,
        images,
        qr_svg,
        url,
        org,
        p,
    };
    if !shared {
        return html(&view);
    }
    let body = Arc::new(
        view.render()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?,
    );
    state.catalog.keep_page(key, generation, today, Arc::clone(&body));
    Ok(with_token(&body))
}

/// "12 tháng" for 360/365 days, "45 ngày" otherwise.
fn shelf_life_text(ctx: &RequestCtx, days: u32) -> String {
    if days >= 30 && days.is_multiple_of(30) {
        ctx.t1("shelf-life-months", "n", days / 30)
    } else if days >= 365 && days.is_multiple_of(365) {
        ctx.t1("shelf-life-months", "n", days / 365 * 12)
    } else {
        ctx.t1("shelf-life-days", "n", days)
    }
}

/// "Xã …, Tỉnh …" of the product's origin.
fn origin_text(p: &Product) -> Option<String> {
    let units = lienket_domain::admin_units::units();
    let ward = p
        .fields
        .origin_ward_code
        .as_deref()
        .and_then(|c| units.ward_2025(c))
        .map(|w| w.name);
    let province = p
        .fields
        .origin_province_code
        .as_deref()
        .and_then(|c| units.province_2025(c))
        .map(|p| p.name);
    let parts: Vec<&str> = [ward, province].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn immutable(mut res: Response, content_type: &'static str) -> Response {
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    res
}

/// `GET /p/{code}/qr.svg` and `/p/{code}/qr.png`: the product's QR code for print or screen.
async fn qr_code(
    state: &AppState,
    ctx: &RequestCtx,
    headers: &HeaderMap,
    code: &str,
    png: bool,
) -> AppResult<Response> {
    let (p, _) = public_product(state, ctx, code).await?;
    let url = format!("{}/p/{}", public_base(state, headers, ctx), p.code);
    let internal = |e: lienket_office::qr::QrError| AppError::Internal(anyhow::anyhow!("{e}"));
    let (body, content_type, ext) = if png {
        (
            lienket_office::qr::qr_png(&url, 12).map_err(internal)?,
            "image/png",
            "png",
        )
    } else {
        (
            lienket_office::qr::qr_svg(&url).map_err(internal)?.into_bytes(),
            "image/svg+xml",
            "svg",
        )
    };
    let mut res = immutable(body.into_response(), content_type);
    set_download(&mut res, &format!("qr-{}.{ext}", p.code));
    Ok(res)
}

async fn qr_svg(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> AppResult<Response> {
    qr_code(&state, &ctx, &headers, &code, false).await
}

async fn qr_png(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> AppResult<Response> {
    qr_code(&state, &ctx, &headers, &code, true).await
}

fn set_download(res: &mut Response, name: &str) {
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
}

#[derive(Template)]
#[template(path = "producer.html")]
struct ProducerPage<'a> {
    ctx: &'a RequestCtx,
    org: Organisation,
    address: Option<String>,
    cards: Vec<Card>,
}

async fn producer(state: &AppState, id: &str) -> AppResult<(Organisation, Vec<Product>)> {
    let id: OrganisationId = id.parse().map_err(|_| AppError::NotFound)?;
    let org = match state.store.get_organisation(id).await {
        Ok(o) => o,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let products = state.store.products_of(id, true).await?;
    Ok((org, products))
}

async fn producer_page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (org, products) = producer(&state, &id).await?;
    let items = products
        .into_iter()
        .map(|p| ProductListItem {
            product: p,
            organisation_name: org.name.clone(),
            alliance_id: org.alliance_id,
        })
        .collect();
    let cards = cards(&state, items).await?;
    let units = lienket_domain::admin_units::units();
    let address = org
        .province_code
        .as_deref()
        .and_then(|c| units.province_2025(c))
        .map(|p| p.name.to_string());
    html(&ProducerPage {
        ctx: &ctx,
        org,
        address,
        cards,
    })
}

/// One label on the printable sheet.
pub struct Label {
    name: String,
    code: String,
    url: String,
    svg: String,
    stars: Option<u8>,
}

#[derive(Template)]
#[template(path = "labels.html")]
struct LabelsPage<'a> {
    ctx: &'a RequestCtx,
    org: Organisation,
    labels: Vec<Label>,
}

/// A printable A4 sheet of QR labels for every published product of one producer.
async fn labels(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (org, products) = producer(&state, &id).await?;
    let base = public_base(&state, &headers, &ctx);
    let today = today_vn();
    let mut labels = Vec::with_capacity(products.len());
    for p in products {
        let url = format!("{base}/p/{}", p.code);
        let svg = lienket_office::qr::qr_svg(&url).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        labels.push(Label {
            stars: shown_stars(&p, today),
            name: p.fields.name,
            code: p.code,
            url,
            svg,
        });
    }
    html(&LabelsPage {
        ctx: &ctx,
        org,
        labels,
    })
}

/// `GET /media/{key}`: a stored image rendition. Keys are never reused, so they cache forever.
async fn media(State(state): State<AppState>, Path(key): Path<String>) -> AppResult<Response> {
    let allowed = (key.starts_with("products/") || key.starts_with("events/"))
        && !key.contains("..")
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.".contains(c));
    if !allowed {
        return Err(AppError::NotFound);
    }
    let bytes = match state.objects.get(&key).await {
        Ok(b) => b,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let content_type = match lienket_office::image::sniff(&bytes) {
        Some(k) => k.mime(),
        None => return Err(AppError::NotFound),
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}
