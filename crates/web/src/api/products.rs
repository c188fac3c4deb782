//! The catalogue in the API: ranked search, one product, bulk creation, and open data.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use lienket_domain::ids::OrganisationId;
use lienket_domain::policy::Action;
use lienket_domain::product::{CertificationForm, ProductForm, ProductStatus};
use lienket_domain::validate::{Finding, Findings};
use lienket_store::{NewProduct, Product, ProductListItem, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::catalog::{SearchCard, certificate_valid, today_vn, valid_stars};
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::pages::catalog::{CatalogQuery, shown_stars};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/products/search", get(search))
        .route("/products", post(bulk_create))
        .route("/products/{code}", get(get_one))
        .route("/open-data/products.json", get(open_data_json))
        .route("/open-data/products.csv", get(open_data_csv))
}

/// A province of origin.
#[derive(Serialize, ToSchema)]
pub struct ProvinceDto {
    /// 2025 code.
    code: String,
    /// Name.
    name: String,
}

/// A producer.
#[derive(Serialize, ToSchema)]
pub struct ProducerDto {
    id: i64,
    name: String,
    /// Public profile page.
    url: String,
}

/// A product in search results and open data.
#[derive(Serialize, ToSchema)]
pub struct ProductSummary {
    /// Public code; the product page is `/p/{code}`.
    code: String,
    name: String,
    producer: ProducerDto,
    /// Province of origin (2025 units).
    province: Option<ProvinceDto>,
    /// OCOP stars while the certificate is valid; `null` otherwise.
    stars: Option<u8>,
    /// OCOP product group code.
    group: Option<String>,
    /// OCOP product set number.
    set_no: Option<u8>,
    /// Certificate end of validity, `YYYY-MM-DD`.
    certificate_expires_on: Option<String>,
    /// Relative URL of the product page.
    url: String,
}

fn summary(item: ProductListItem, today: time::Date) -> ProductSummary {
    let p = item.product;
    ProductSummary {
        stars: shown_stars(&p, today),
        province: p.fields.origin_province_code.as_ref().map(|c| ProvinceDto {
            name: crate::pages::province_name(c),
            code: c.clone(),
        }),
        producer: ProducerDto {
            id: p.organisation_id.0,
            name: item.organisation_name,
            url: format!("/producers/{}", p.organisation_id),
        },
        group: p.fields.group_code.clone(),
        set_no: p.fields.set_no,
        certificate_expires_on: p.cert_expires_on.clone(),
        url: format!("/p/{}", p.code),
        name: p.fields.name,
        code: p.code,
    }
}

/// The summary of a search hit from its card, `None` when it has none.
fn hit_summary(hit: &lienket_search::Hit, today: time::Date) -> Option<ProductSummary> {
    let card: SearchCard = serde_json::from_str(&hit.card).ok()?;
    Some(ProductSummary {
        stars: valid_stars(card.stars, card.expires.as_deref(), today),
        province: card.province.map(|c| ProvinceDto {
            name: crate::pages::province_name(&c),
            code: c,
        }),
        producer: ProducerDto {
            id: card.producer_id,
            name: card.producer,
            url: format!("/producers/{}", card.producer_id),
        },
        group: card.group,
        set_no: card.set_no,
        certificate_expires_on: card.expires,
        url: format!("/p/{}", hit.code),
        name: hit.name.clone(),
        code: hit.code.clone(),
    })
}

/// Search parameters.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct SearchParams {
    /// What to find; accents optional, typos tolerated.
    q: String,
    /// Results to return (1–100, default 20).
    limit: Option<String>,
    /// Results to skip.
    offset: Option<String>,
    /// 2025 province code.
    province: String,
    /// Group code.
    group: String,
    /// Stars (3–5).
    stars: String,
    /// Alliance code.
    alliance: String,
    /// `relevance` (default), `stars` or `newest`.
    sort: String,
}

/// One facet value.
#[derive(Serialize, ToSchema)]
pub struct FacetDto {
    value: String,
    count: u64,
}

/// Ranked search results.
#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    /// Matching products, all pages.
    total: usize,
    /// This page, best first.
    items: Vec<ProductSummary>,
    /// Counts by province code.
    provinces: Vec<FacetDto>,
    /// Counts by group code.
    groups: Vec<FacetDto>,
    /// Counts by stars.
    stars: Vec<FacetDto>,
    /// Counts by alliance code.
    alliances: Vec<FacetDto>,
    /// A corrected query when nothing matched.
    did_you_mean: Option<String>,
}

fn facets(v: Vec<lienket_search::Facet>) -> Vec<FacetDto> {
    v.into_iter()
        .map(|f| FacetDto {
            value: f.value,
            count: f.count,
        })
        .collect()
}

/// Searches the published catalogue. Any text is accepted: an unusable query gives an empty
/// result, never an error.
#[utoipa::path(get, path = "/api/v1/products/search", tag = "products", params(SearchParams),
    responses((status = 200, body = SearchResponse)))]
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> AppResult<Json<SearchResponse>> {
    let limit = p
        .limit
        .as_deref()
        .and_then(|l| l.trim().parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, 100);
    let offset = p
        .offset
        .as_deref()
        .and_then(|l| l.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(10_000);
    let q = CatalogQuery {
        q: p.q,
        province: p.province,
        group: p.group,
        stars: p.stars,
        alliance: p.alliance,
        sort: p.sort,
        ..Default::default()
    };
    let results = crate::pages::catalog::search_results(&state, q.to_query(offset, limit)).await?;
    let today = today_vn();
    // Each hit carries what its summary shows: every product is indexed with its card (an index
    // of an older schema, without cards, is rebuilt when the node starts).
    let items = results
        .hits
        .iter()
        .filter_map(|h| hit_summary(h, today))
        .collect();
    Ok(Json(SearchResponse {
        total: results.total,
        items,
        provinces: facets(results.provinces),
        groups: facets(results.groups),
        stars: facets(results.stars),
        alliances: facets(results.alliances),
        did_you_mean: results.did_you_mean,
    }))
}

/// A product with every public fact.
#[derive(Serialize, ToSchema)]
pub struct ProductDetail {
    #[serde(flatten)]
    summary: ProductSummary,
    description: Option<String>,
    unit: Option<String>,
    packaging: Option<String>,
    net_quantity: Option<String>,
    shelf_life_days: Option<u32>,
    quality_standard: Option<String>,
    ingredients: Option<String>,
    /// 2025 ward code of origin.
    origin_ward_code: Option<String>,
    /// Lowest price, đồng.
    price_min: Option<i64>,
    /// Highest price, đồng.
    price_max: Option<i64>,
    /// GTIN.
    barcode: Option<String>,
    /// Whether the OCOP certificate is valid today.
    certificate_valid: bool,
    /// Decision number of the current certificate.
    decision_no: Option<String>,
    /// Score of the current certificate, out of 100.
    score: Option<f32>,
}

/// One published product by its public code.
#[utoipa::path(get, path = "/api/v1/products/{code}", tag = "products", params(("code" = String, Path)),
    responses((status = 200, body = ProductDetail), (status = 404, body = super::ErrorBody), (status = 410, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Json<ProductDetail>> {
    let code: String = code.chars().take(16).collect::<String>().to_ascii_uppercase();
    let p = state
        .store
        .product_by_code(&code)
        .await?
        .ok_or(AppError::NotFound)?;
    match p.status.as_str() {
        "published" => {}
        "withdrawn" => return Err(AppError::Gone("product-gone")),
        _ => return Err(AppError::NotFound),
    }
    let cert = state
        .store
        .certifications_of(p.id)
        .await?
        .into_iter()
        .find(|c| c.state == "current");
    let today = today_vn();
    let mut item = state.store.products_by_ids(&[p.id]).await?;
    let item = item.pop().ok_or(AppError::NotFound)?;
    let f = item.product.fields.clone();
    Ok(Json(ProductDetail {
        certificate_valid: certificate_valid(item.product.cert_expires_on.as_deref(), today),
        decision_no: cert.as_ref().map(|c| c.decision.decision_no.clone()),
        score: cert.as_ref().map(|c| f32::from(c.decision.total) / 10.0),
        summary: summary(item, today),
        description: f.description,
        unit: f.unit,
        packaging: f.packaging,
        net_quantity: f.net_quantity,
        shelf_life_days: f.shelf_life_days,
        quality_standard: f.quality_standard,
        ingredients: f.ingredients,
        origin_ward_code: f.origin_ward_code,
        price_min: f.price_min,
        price_max: f.price_max,
        barcode: f.barcode,
    }))
}

/// A certification in a bulk creation.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub struct CertificationBody {
    /// Part A points (e.g. "32,5").
    score_a: String,
    /// Part B points.
    score_b: String,
    /// Part C points.
    score_c: String,
    #[schema(example = "858/QĐ-UBND")]
    decision_no: String,
    /// dd/mm/yyyy or yyyy-mm-dd.
    decision_date: String,
    /// `province` or `central`.
    level: String,
    issuer: String,
}

/// One product to create.
#[derive(Deserialize, ToSchema)]
pub struct NewProductBody {
    /// The producer.
    organisation_id: i64,
    /// The product's fields, as on the form (accents optional in group and set names).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    form: ProductForm,
    /// An OCOP certification to record with it.
    certification: Option<CertificationBody>,
}

/// Products to create, all or none.
#[derive(Deserialize, ToSchema)]
pub struct BulkBody {
    products: Vec<NewProductBody>,
}

/// What was created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    /// Codes of the new products, in the order sent.
    codes: Vec<String>,
}

/// Most products in one bulk request.
const MAX_BULK: usize = 1_000;

/// Creates products in bulk, all or none. Representatives create for their own organisation,
/// staff for their alliance's members. A finding's field is `products[i].field`.
#[utoipa::path(post, path = "/api/v1/products", tag = "products", request_body = BulkBody,
    responses((status = 201, body = Created), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn bulk_create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    body: Result<Json<BulkBody>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Created>)> {
    ctx.require_user()?;
    let body = super::alliances::body(body)?;
    if body.products.is_empty() || body.products.len() > MAX_BULK {
        return Err(AppError::BadRequest("err-bulk-size"));
    }
    let mut findings = Findings::default();
    let mut rows = Vec::with_capacity(body.products.len());
    let mut checked: std::collections::HashMap<i64, bool> = std::collections::HashMap::new();
    let today = crate::pages::products::today_date();
    for (i, item) in body.products.iter().enumerate() {
        let allowed = match checked.get(&item.organisation_id) {
            Some(a) => *a,
            None => {
                let a = match state
                    .store
                    .get_organisation(OrganisationId(item.organisation_id))
                    .await
                {
                    Ok(o) => ctx.can(Action::Update, o.resource()),
                    Err(StoreError::NotFound) => false,
                    Err(e) => return Err(e.into()),
                };
                checked.insert(item.organisation_id, a);
                a
            }
        };
        let mut push = |f: Finding| {
            findings.0.push(Finding {
                field: leak_field(i, f.field),
                ..f
            });
        };
        if !allowed {
            push(Finding {
                field: "organisation_id",
                key: "err-organisation-not-yours",
                args: Vec::new(),
            });
            continue;
        }
        let draft = match item.form.parse() {
            Ok(d) => Some(d),
            Err(f) => {
                f.0.into_iter().for_each(&mut push);
                None
            }
        };
        let cert = match &item.certification {
            Some(c) => {
                let form = CertificationForm {
                    score_a: c.score_a.clone(),
                    score_b: c.score_b.clone(),
                    score_c: c.score_c.clone(),
                    decision_no: c.decision_no.clone(),
                    decision_date: c.decision_date.clone(),
                    level: c.level.clone(),
                    issuer: c.issuer.clone(),
                    ..Default::default()
                };
                match form.parse(today) {
                    Ok(d) => Some(Some(crate::pages::products::to_certification(&d))),
                    Err(f) => {
                        f.0.into_iter().for_each(&mut push);
                        None
                    }
                }
            }
            None => Some(None),
        };
        if let (Some(d), Some(cert)) = (draft, cert) {
            rows.push(NewProduct {
                organisation_id: OrganisationId(item.organisation_id),
                input: crate::pages::products::to_input(&d),
                publish: d.status == ProductStatus::Published,
                certification: cert,
            });
        }
    }
    if !findings.is_empty() {
        return Err(AppError::Invalid(findings));
    }
    let saved: Vec<Product> = state.store.bulk_create_products(&ctx.actor(), &rows).await?;
    state.catalog.after_write().await;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            codes: saved.into_iter().map(|p| p.code).collect(),
        }),
    ))
}

/// `products[3].name`: the field of the i-th product. Field names are `&'static str` in
/// findings; the few distinct strings a request can make are interned for the process.
fn leak_field(i: usize, field: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{LazyLock, Mutex};
    static NAMES: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Mutex::default);
    let name = format!("products[{i}].{field}");
    let mut set = NAMES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(s) = set.get(name.as_str()) {
        return s;
    }
    let s: &'static str = Box::leak(name.into_boxed_str());
    set.insert(s);
    s
}

/// Every published product, in batches, for open data.
async fn all_published(state: &AppState) -> AppResult<Vec<ProductSummary>> {
    let today = today_vn();
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let batch = state.store.catalog_batch(after, 5_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.product.id.0;
        out.extend(batch.into_iter().map(|r| {
            summary(
                ProductListItem {
                    product: r.product,
                    organisation_name: r.organisation_name,
                    alliance_id: None,
                },
                today,
            )
        }));
    }
    Ok(out)
}

/// Every published product as JSON open data.
#[utoipa::path(get, path = "/api/v1/open-data/products.json", tag = "open data",
    responses((status = 200, body = [ProductSummary])))]
pub async fn open_data_json(State(state): State<AppState>) -> AppResult<Response> {
    let items = all_published(&state).await?;
    let mut res = Json(items).into_response();
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"lienket-products.json\""),
    );
    Ok(res)
}

/// Every published product as CSV open data (UTF-8 with BOM).
#[utoipa::path(get, path = "/api/v1/open-data/products.csv", tag = "open data",
    responses((status = 200, content_type = "text/csv")))]
pub async fn open_data_csv(State(state): State<AppState>) -> AppResult<Response> {
    let items = all_published(&state).await?;
    use lienket_office::{ColumnKind, ExportCell, ExportColumn};
    let columns: Vec<ExportColumn> = [
        "code",
        "name",
        "producer_id",
        "producer",
        "province_code",
        "province",
        "group",
        "set_no",
        "stars",
        "certificate_expires_on",
        "url",
    ]
    .iter()
    .map(|h| ExportColumn {
        header: (*h).to_string(),
        kind: ColumnKind::Text,
        width: 20.0,
    })
    .collect();
    let text = |s: String| {
        if s.is_empty() {
            ExportCell::Empty
        } else {
            ExportCell::Text(s)
        }
    };
    let rows: Vec<Vec<ExportCell>> = items
        .into_iter()
        .map(|p| {
            vec![
                text(p.code),
                text(p.name),
                ExportCell::Integer(p.producer.id),
                text(p.producer.name),
                text(p.province.as_ref().map(|x| x.code.clone()).unwrap_or_default()),
                text(p.province.map(|x| x.name).unwrap_or_default()),
                text(p.group.unwrap_or_default()),
                p.set_no
                    .map_or(ExportCell::Empty, |n| ExportCell::Integer(i64::from(n))),
                p.stars
                    .map_or(ExportCell::Empty, |n| ExportCell::Integer(i64::from(n))),
                text(p.certificate_expires_on.unwrap_or_default()),
                text(p.url),
            ]
        })
        .collect();
    let bytes = lienket_office::write_csv(&columns, &rows);
    crate::pages::attachment("lienket-products.csv", "text/csv; charset=utf-8", bytes)
}

#[cfg(test)]
mod tests {
    use super::{SearchCard, hit_summary};

    fn hit(card: String) -> lienket_search::Hit {
        lienket_search::Hit {
            id: "7".into(),
            code: "HN-0007".into(),
            score: 1.0,
            name: "Mật ong hoa nhãn".into(),
            card,
        }
    }

    #[test]
    fn a_hit_is_summarised_from_its_card_with_the_stars_valid_on_the_day() {
        let card = SearchCard {
            producer_id: 12,
            producer: "HTX Ong mật Phú Cường".into(),
            province: Some("01".into()),
            stars: Some(4),
            group: Some("thuc_pham".into()),
            set_no: Some(1),
            expires: Some("2026-12-31".into()),
        };
        let hit = hit(serde_json::to_string(&card).expect("json"));
        let day = |d| {
            time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).expect("a day")
        };
        let s = hit_summary(&hit, day("2026-12-31")).expect("a summary");
        let json = serde_json::to_value(&s).expect("json");
        assert_eq!(json["stars"], 4);
        assert_eq!(json["name"], "Mật ong hoa nhãn");
        assert_eq!(json["url"], "/p/HN-0007");
        assert_eq!(json["producer"]["url"], "/producers/12");
        assert_eq!(json["province"]["code"], "01");
        let expired = hit_summary(&hit, day("2027-01-01")).expect("a summary");
        assert_eq!(
            serde_json::to_value(&expired).expect("json")["stars"],
            serde_json::Value::Null
        );
        assert!(
            hit_summary(&super::tests::hit(String::new()), day("2026-12-31")).is_none(),
            "no card"
        );
    }
}
