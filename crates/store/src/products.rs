//! OCOP products of member organisations, their certifications and images.
//!
//! A product's current certification is the newest one not revoked; its stars and expiry date
//! are copied onto the product row (in the same transaction) so lists and the catalogue can
//! filter and sort without a join. Whether a certificate is still valid is decided when it is
//! shown, against today's date, never stored as a flag that could go stale.

use std::collections::HashMap;

use lienket_domain::ids::{AllianceId, OrganisationId, ProductId};
use lienket_domain::text::{fold, sort_key_text};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set, TransactionTrait,
};
use serde::Serialize;

use crate::changes::{Op, record, record_created};
use crate::entity::{certification, organisation, product, product_image};
use crate::error::OnConstraint;
use crate::versioned::save_versioned;
use crate::{Actor, Page, PageRequest, Store, StoreError};

/// The change-log entity name of products; the catalogue index follows it.
pub const PRODUCT_ENTITY: &str = "product";

/// A product as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    /// Id.
    pub id: ProductId,
    /// Public short code: the stable URL `/p/{code}` and the QR code point to it.
    pub code: String,
    /// The producer.
    pub organisation_id: OrganisationId,
    /// The product's fields.
    #[serde(flatten)]
    pub fields: ProductInput,
    /// `draft`, `published` or `withdrawn`.
    pub status: String,
    /// When it was first published.
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<time::OffsetDateTime>,
    /// Why it was withdrawn.
    pub withdrawn_reason: Option<String>,
    /// Stars of the current certification (check its expiry before showing them).
    pub stars: Option<u8>,
    /// Expiry of the current certification, `YYYY-MM-DD`.
    pub cert_expires_on: Option<String>,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// The fields of a product a user edits, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProductInput {
    /// Name.
    pub name: String,
    /// OCOP product group code.
    pub group_code: Option<String>,
    /// OCOP product set number (1–26).
    pub set_no: Option<u8>,
    /// Description.
    pub description: Option<String>,
    /// Unit of sale.
    pub unit: Option<String>,
    /// Packaging.
    pub packaging: Option<String>,
    /// Net weight or volume as written ("500 ml").
    pub net_quantity: Option<String>,
    /// Shelf life in days.
    pub shelf_life_days: Option<u32>,
    /// Quality standard applied.
    pub quality_standard: Option<String>,
    /// Ingredients.
    pub ingredients: Option<String>,
    /// Origin: 2025 province code.
    pub origin_province_code: Option<String>,
    /// Origin: 2025 ward code.
    pub origin_ward_code: Option<String>,
    /// Lowest price (đồng).
    pub price_min: Option<i64>,
    /// Highest price (đồng).
    pub price_max: Option<i64>,
    /// GTIN, check digit validated.
    pub barcode: Option<String>,
}

/// A certification decision to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificationInput {
    /// Part A score, tenths of a point.
    pub score_a: u16,
    /// Part B score, tenths of a point.
    pub score_b: u16,
    /// Part C score, tenths of a point.
    pub score_c: u16,
    /// Total, tenths of a point.
    pub total: u16,
    /// Stars derived from the score by the rules in force.
    pub stars: u8,
    /// Scored ≥ 90 by the province, awaiting the ministry.
    pub potential_five: bool,
    /// `province` or `central`.
    pub level: String,
    /// Code of the rules version applied.
    pub rules_code: String,
    /// Decision number.
    pub decision_no: String,
    /// Decision date, `YYYY-MM-DD`.
    pub decision_date: String,
    /// Issuing body.
    pub issuer: Option<String>,
    /// End of validity, `YYYY-MM-DD`.
    pub expires_on: String,
}

/// The certificate document attached to a certification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateFile {
    /// Object-store key.
    pub key: String,
    /// File name as uploaded.
    pub name: String,
    /// Content type, decided from the content.
    pub content_type: String,
}

/// A recorded certification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certification {
    /// Id.
    pub id: i64,
    /// The product.
    pub product_id: ProductId,
    /// The decision.
    #[serde(flatten)]
    pub decision: CertificationInput,
    /// The certificate document, if uploaded.
    pub file: Option<CertificateFile>,
    /// `current`, `superseded` or `revoked`.
    pub state: String,
    /// Why it was revoked.
    pub revoked_reason: Option<String>,
    /// Who recorded it.
    pub actor_name: String,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

/// A stored image of a product, in three renditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductImage {
    /// Id.
    pub id: i64,
    /// The product.
    pub product_id: ProductId,
    /// Order on the page.
    pub position: i32,
    /// Object key of the file as uploaded.
    pub original_key: String,
    /// Its content type.
    pub original_type: String,
    /// Object key of the display rendition (JPEG).
    pub display_key: String,
    /// Object key of the thumbnail (JPEG).
    pub thumb_key: String,
    /// Width of the original.
    pub width: i32,
    /// Height of the original.
    pub height: i32,
}

/// Filters of the staff product list.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// Only products of organisations of this alliance.
    pub alliance: Option<AllianceId>,
    /// Only this producer.
    pub organisation: Option<OrganisationId>,
    /// Only this status.
    pub status: Option<String>,
    /// Only this group.
    pub group_code: Option<String>,
    /// Only these stars.
    pub stars: Option<u8>,
    /// Words of the name, accents optional.
    pub query: Option<String>,
}

/// A product with its producer, for lists.
#[derive(Debug, Clone, Serialize)]
pub struct ProductListItem {
    /// The product.
    #[serde(flatten)]
    pub product: Product,
    /// The producer's name.
    pub organisation_name: String,
    /// The producer's managing alliance.
    pub alliance_id: Option<AllianceId>,
}

/// A certificate in the expiry list.
#[derive(Debug, Clone, Serialize)]
pub struct ExpiringCertificate {
    /// The product.
    pub product_id: ProductId,
    /// Its code.
    pub product_code: String,
    /// Its name.
    pub product_name: String,
    /// Its status.
    pub product_status: String,
    /// The producer.
    pub organisation_id: OrganisationId,
    /// The producer's name.
    pub organisation_name: String,
    /// Stars.
    pub stars: u8,
    /// Decision number.
    pub decision_no: String,
    /// End of validity, `YYYY-MM-DD`.
    pub expires_on: String,
}

/// What the catalogue index needs of a product.
#[derive(Debug, Clone)]
pub struct CatalogRow {
    /// The product.
    pub product: Product,
    /// The producer's name.
    pub organisation_name: String,
    /// The producer's managing alliance code.
    pub alliance_code: Option<String>,
    /// The producer's province (when the product names no origin).
    pub organisation_province: Option<String>,
}

/// A new product to create in bulk.
#[derive(Debug, Clone)]
pub struct NewProduct {
    /// The producer.
    pub organisation_id: OrganisationId,
    /// The fields.
    pub input: ProductInput,
    /// Publish at once.
    pub publish: bool,
    /// A certification to record with it.
    pub certification: Option<CertificationInput>,
}

/// The alphabet of product codes: no 0/O, 1/I/L, so a code read off a label is typed right.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Characters in a product code: 31¹⁰ ≈ 8·10¹⁴ codes, so ten million products collide with
/// a probability near 6 %, caught by the unique index and retried.
const CODE_LEN: usize = 10;

/// A fresh random product code.
fn new_code() -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    bytes
        .iter()
        .take(CODE_LEN)
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// `n` fresh codes, distinct from each other and from every code in the database.
async fn fresh_codes<C: ConnectionTrait>(c: &C, n: usize) -> Result<Vec<String>, StoreError> {
    let mut codes: Vec<String> = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::with_capacity(n);
    while codes.len() < n {
        let candidates: Vec<String> = (codes.len()..n)
            .map(|_| new_code())
            .filter(|c| seen.insert(c.clone()))
            .collect();
        let taken: std::collections::HashSet<String> = product::Entity::find()
            .select_only()
            .column(product::Column::Code)
            .filter(product::Column::Code.is_in(candidates.iter().cloned()))
            .into_tuple::<String>()
            .all(c)
            .await?
            .into_iter()
            .collect();
        codes.extend(candidates.into_iter().filter(|c| !taken.contains(c)));
    }
    Ok(codes)
}

fn to_record(m: product::Model) -> Product {
    Product {
        id: ProductId(m.id),
        code: m.code,
        organisation_id: OrganisationId(m.organisation_id),
        fields: ProductInput {
            name: m.name,
            group_code: m.group_code,
            set_no: m.set_no.and_then(|n| u8::try_from(n).ok()),
            description: m.description,
            unit: m.unit,
            packaging: m.packaging,
            net_quantity: m.net_quantity,
            shelf_life_days: m.shelf_life_days.and_then(|n| u32::try_from(n).ok()),
            quality_standard: m.quality_standard,
            ingredients: m.ingredients,
            origin_province_code: m.origin_province_code,
            origin_ward_code: m.origin_ward_code,
            price_min: m.price_min,
            price_max: m.price_max,
            barcode: m.barcode,
        },
        status: m.status,
        published_at: m.published_at,
        withdrawn_reason: m.withdrawn_reason,
        stars: m.stars.and_then(|n| u8::try_from(n).ok()),
        cert_expires_on: m.cert_expires_on,
        updated_at: m.updated_at,
        version: m.version,
    }
}

fn to_certification(m: certification::Model) -> Certification {
    let tenths = |n: i32| u16::try_from(n).unwrap_or(0);
    Certification {
        id: m.id,
        product_id: ProductId(m.product_id),
        decision: CertificationInput {
            score_a: tenths(m.score_a),
            score_b: tenths(m.score_b),
            score_c: tenths(m.score_c),
            total: tenths(m.total),
            stars: u8::try_from(m.stars).unwrap_or(0),
            potential_five: m.potential_five,
            level: m.level,
            rules_code: m.rules_code,
            decision_no: m.decision_no,
            decision_date: m.decision_date,
            issuer: m.issuer,
            expires_on: m.expires_on,
        },
        file: match (m.certificate_key, m.certificate_name, m.certificate_type) {
            (Some(key), Some(name), Some(content_type)) => Some(CertificateFile {
                key,
                name,
                content_type,
            }),
            _ => None,
        },
        state: m.state,
        revoked_reason: m.revoked_reason,
        actor_name: m.actor_name,
        created_at: m.created_at,
    }
}

fn to_image(m: product_image::Model) -> ProductImage {
    ProductImage {
        id: m.id,
        product_id: ProductId(m.product_id),
        position: m.position,
        original_key: m.original_key,
        original_type: m.original_type,
        display_key: m.display_key,
        thumb_key: m.thumb_key,
        width: m.width,
        height: m.height,
    }
}

fn fill(a: &mut product::ActiveModel, i: &ProductInput) {
    a.name = Set(i.name.clone());
    a.name_folded = Set(fold(&i.name).chars().take(200).collect());
    a.sort_key = Set(sort_key_text(&i.name));
    a.group_code = Set(i.group_code.clone());
    a.set_no = Set(i.set_no.map(i32::from));
    a.description = Set(i.description.clone());
    a.unit = Set(i.unit.clone());
    a.packaging = Set(i.packaging.clone());
    a.net_quantity = Set(i.net_quantity.clone());
    a.shelf_life_days = Set(i.shelf_life_days.and_then(|d| i32::try_from(d).ok()));
    a.quality_standard = Set(i.quality_standard.clone());
    a.ingredients = Set(i.ingredients.clone());
    a.origin_province_code = Set(i.origin_province_code.clone());
    a.origin_ward_code = Set(i.origin_ward_code.clone());
    a.price_min = Set(i.price_min);
    a.price_max = Set(i.price_max);
    a.barcode = Set(i.barcode.clone());
}

async fn find<C: ConnectionTrait>(c: &C, id: ProductId) -> Result<product::Model, StoreError> {
    product::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Inserts a product in the caller's transaction, retrying on the rare code collision.
pub(crate) async fn insert_product<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    organisation: OrganisationId,
    input: &ProductInput,
    publish: bool,
) -> Result<Product, StoreError> {
    let now = crate::now();
    for attempt in 0..4 {
        let mut a = product::ActiveModel {
            code: Set(new_code()),
            organisation_id: Set(organisation.0),
            status: Set(if publish { "published" } else { "draft" }.into()),
            published_at: Set(publish.then_some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        };
        fill(&mut a, input);
        match a.insert(c).await.on_unique("code") {
            Ok(m) => {
                let saved = to_record(m);
                record_created(c, actor, PRODUCT_ENTITY, &saved.id.to_string(), &saved).await?;
                return Ok(saved);
            }
            Err(StoreError::Duplicate(_)) if attempt < 3 => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Duplicate("code"))
}

/// Records a certification in the caller's transaction: the previous current one is
/// superseded, and the product row gets the new stars and expiry.
pub(crate) async fn insert_certification<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    id: ProductId,
    input: &CertificationInput,
    file: Option<&CertificateFile>,
) -> Result<Certification, StoreError> {
    let before = to_record(find(c, id).await?);
    certification::Entity::update_many()
        .col_expr(certification::Column::State, Expr::value("superseded"))
        .filter(certification::Column::ProductId.eq(id.0))
        .filter(certification::Column::State.eq("current"))
        .exec(c)
        .await?;
    let row = certification::ActiveModel {
        product_id: Set(id.0),
        score_a: Set(i32::from(input.score_a)),
        score_b: Set(i32::from(input.score_b)),
        score_c: Set(i32::from(input.score_c)),
        total: Set(i32::from(input.total)),
        stars: Set(i32::from(input.stars)),
        potential_five: Set(input.potential_five),
        level: Set(input.level.clone()),
        rules_code: Set(input.rules_code.clone()),
        decision_no: Set(input.decision_no.clone()),
        decision_date: Set(input.decision_date.clone()),
        issuer: Set(input.issuer.clone()),
        expires_on: Set(input.expires_on.clone()),
        certificate_key: Set(file.map(|f| f.key.clone())),
        certificate_name: Set(file.map(|f| f.name.clone())),
        certificate_type: Set(file.map(|f| f.content_type.clone())),
        state: Set("current".into()),
        revoked_reason: Set(None),
        actor_name: Set(actor.name.chars().take(120).collect()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    refresh_current(c, actor, &before).await?;
    Ok(to_certification(row))
}

/// Rewrites a product's fields in the caller's transaction with `change` applied to what is
/// stored, logging the change; a product `change` leaves identical is not written. No version
/// check: imports match products by producer and name, not by the version a form was read at.
/// Returns whether the product changed.
pub(crate) async fn rewrite_product_fields<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    id: ProductId,
    change: impl FnOnce(&ProductInput) -> ProductInput,
) -> Result<bool, StoreError> {
    let stored = find(c, id).await?;
    let before = to_record(stored.clone());
    let fields = change(&before.fields);
    if fields == before.fields {
        return Ok(false);
    }
    let mut a: product::ActiveModel = stored.into();
    fill(&mut a, &fields);
    a.version = Set(before.version + 1);
    a.updated_at = Set(crate::now());
    save_versioned(
        c,
        a,
        (product::Column::Id, id.0),
        (product::Column::Version, before.version),
        "code",
    )
    .await?;
    let after = to_record(find(c, id).await?);
    record(
        c,
        actor,
        PRODUCT_ENTITY,
        &id.to_string(),
        Op::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(true)
}

/// Copies the current certification's stars and expiry onto the product and logs the change.
async fn refresh_current<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    before: &Product,
) -> Result<Product, StoreError> {
    let current = certification::Entity::find()
        .filter(certification::Column::ProductId.eq(before.id.0))
        .filter(certification::Column::State.eq("current"))
        .order_by_desc(certification::Column::Id)
        .one(c)
        .await?;
    product::Entity::update_many()
        .col_expr(
            product::Column::Stars,
            Expr::value(current.as_ref().map(|m| m.stars)),
        )
        .col_expr(
            product::Column::CertExpiresOn,
            Expr::value(current.as_ref().map(|m| m.expires_on.clone())),
        )
        .col_expr(product::Column::Version, Expr::value(before.version + 1))
        .col_expr(product::Column::UpdatedAt, Expr::value(crate::now()))
        .filter(product::Column::Id.eq(before.id.0))
        .exec(c)
        .await?;
    let after = to_record(find(c, before.id).await?);
    record(
        c,
        actor,
        PRODUCT_ENTITY,
        &before.id.to_string(),
        Op::Update,
        Some(before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

impl Store {
    /// Creates a product of `organisation`, as a draft or published.
    pub async fn create_product(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
        input: &ProductInput,
        publish: bool,
    ) -> Result<Product, StoreError> {
        let txn = self.db.begin().await?;
        let saved = insert_product(&txn, actor, organisation, input, publish).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Creates many products (and their certifications) in one transaction: all or none.
    pub async fn bulk_create_products(
        &self,
        actor: &Actor,
        rows: &[NewProduct],
    ) -> Result<Vec<Product>, StoreError> {
        let txn = self.db.begin().await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let p = insert_product(&txn, actor, row.organisation_id, &row.input, row.publish).await?;
            let p = match &row.certification {
                Some(cert) => {
                    insert_certification(&txn, actor, p.id, cert, None).await?;
                    to_record(find(&txn, p.id).await?)
                }
                None => p,
            };
            out.push(p);
        }
        txn.commit().await?;
        Ok(out)
    }

    /// One product.
    pub async fn get_product(&self, id: ProductId) -> Result<Product, StoreError> {
        find(&self.db, id).await.map(to_record)
    }

    /// The product with this public code.
    pub async fn product_by_code(&self, code: &str) -> Result<Option<Product>, StoreError> {
        Ok(product::Entity::find()
            .filter(product::Column::Code.eq(code))
            .one(&self.db)
            .await?
            .map(to_record))
    }

    /// Saves changes made from `expected_version`; `Conflict` when someone saved first.
    pub async fn update_product(
        &self,
        actor: &Actor,
        id: ProductId,
        expected_version: i32,
        input: &ProductInput,
    ) -> Result<Product, StoreError> {
        let txn = self.db.begin().await?;
        let before = find(&txn, id).await?;
        let mut a: product::ActiveModel = before.clone().into();
        fill(&mut a, input);
        a.version = Set(expected_version + 1);
        a.updated_at = Set(crate::now());
        save_versioned(
            &txn,
            a,
            (product::Column::Id, id.0),
            (product::Column::Version, expected_version),
            "code",
        )
        .await?;
        let after = to_record(find(&txn, id).await?);
        record(
            &txn,
            actor,
            PRODUCT_ENTITY,
            &id.to_string(),
            Op::Update,
            Some(&to_record(before)),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Publishes, withdraws (with a reason) or returns a product to draft.
    pub async fn set_product_status(
        &self,
        actor: &Actor,
        id: ProductId,
        expected_version: i32,
        status: &str,
        reason: Option<String>,
    ) -> Result<Product, StoreError> {
        let txn = self.db.begin().await?;
        let before = to_record(find(&txn, id).await?);
        let published_at = if status == "published" {
            before.published_at.or(Some(crate::now()))
        } else {
            before.published_at
        };
        let res = product::Entity::update_many()
            .col_expr(product::Column::Status, Expr::value(status))
            .col_expr(product::Column::PublishedAt, Expr::value(published_at))
            .col_expr(
                product::Column::WithdrawnReason,
                Expr::value(if status == "withdrawn" { reason } else { None }),
            )
            .col_expr(product::Column::Version, Expr::value(expected_version + 1))
            .col_expr(product::Column::UpdatedAt, Expr::value(crate::now()))
            .filter(product::Column::Id.eq(id.0))
            .filter(product::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::Conflict);
        }
        let after = to_record(find(&txn, id).await?);
        record(
            &txn,
            actor,
            PRODUCT_ENTITY,
            &id.to_string(),
            Op::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Products of one producer; `published_only` for public pages.
    pub async fn products_of(
        &self,
        organisation: OrganisationId,
        published_only: bool,
    ) -> Result<Vec<Product>, StoreError> {
        let mut q = product::Entity::find().filter(product::Column::OrganisationId.eq(organisation.0));
        if published_only {
            q = q.filter(product::Column::Status.eq("published"));
        }
        Ok(q.order_by_asc(product::Column::SortKey)
            .limit(2000)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_record)
            .collect())
    }

    /// Products by id, in the order asked (missing ones left out), with their producers.
    pub async fn products_by_ids(&self, ids: &[ProductId]) -> Result<Vec<ProductListItem>, StoreError> {
        let rows = product::Entity::find()
            .filter(product::Column::Id.is_in(ids.iter().map(|i| i.0)))
            .all(&self.db)
            .await?;
        let mut by_id: HashMap<i64, product::Model> = rows.into_iter().map(|m| (m.id, m)).collect();
        let ordered: Vec<Product> = ids
            .iter()
            .filter_map(|i| by_id.remove(&i.0))
            .map(to_record)
            .collect();
        self.with_producers(ordered).await
    }

    async fn with_producers(&self, products: Vec<Product>) -> Result<Vec<ProductListItem>, StoreError> {
        let org_ids: Vec<i64> = products.iter().map(|p| p.organisation_id.0).collect();
        let orgs: HashMap<i64, organisation::Model> = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(org_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        Ok(products
            .into_iter()
            .map(|p| {
                let org = orgs.get(&p.organisation_id.0);
                ProductListItem {
                    organisation_name: org.map(|o| o.name.clone()).unwrap_or_default(),
                    alliance_id: org.and_then(|o| o.alliance_id).map(AllianceId),
                    product: p,
                }
            })
            .collect())
    }

    /// A filtered page of products for staff, by name in Vietnamese order.
    pub async fn list_products(
        &self,
        filter: &ProductFilter,
        page: PageRequest,
    ) -> Result<Page<ProductListItem>, StoreError> {
        let mut q = product::Entity::find();
        if let Some(a) = filter.alliance {
            let orgs = organisation::Entity::find()
                .select_only()
                .column(organisation::Column::Id)
                .filter(organisation::Column::AllianceId.eq(a.0))
                .into_query();
            q = q.filter(product::Column::OrganisationId.in_subquery(orgs));
        }
        if let Some(o) = filter.organisation {
            q = q.filter(product::Column::OrganisationId.eq(o.0));
        }
        if let Some(s) = &filter.status {
            q = q.filter(product::Column::Status.eq(s.as_str()));
        }
        if let Some(g) = &filter.group_code {
            q = q.filter(product::Column::GroupCode.eq(g.as_str()));
        }
        if let Some(s) = filter.stars {
            q = q.filter(product::Column::Stars.eq(i32::from(s)));
        }
        if let Some(words) = &filter.query {
            for w in fold(words).split_whitespace().take(8) {
                q = q.filter(product::Column::NameFolded.contains(w));
            }
        }
        let q = q
            .order_by_asc(product::Column::SortKey)
            .order_by_asc(product::Column::Id);
        let page = crate::versioned::fetch_page(&self.db, q, page, to_record).await?;
        let items = self.with_producers(page.items).await?;
        Ok(Page {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Current certificates expiring on or before `until` (`YYYY-MM-DD`, expired ones
    /// included), soonest first, optionally of one alliance's organisations.
    pub async fn expiring_certificates(
        &self,
        until: &str,
        alliance: Option<AllianceId>,
    ) -> Result<Vec<ExpiringCertificate>, StoreError> {
        let mut q = product::Entity::find()
            .filter(product::Column::CertExpiresOn.is_not_null())
            .filter(product::Column::CertExpiresOn.lte(until))
            .filter(product::Column::Status.ne("withdrawn"));
        if let Some(a) = alliance {
            let orgs = organisation::Entity::find()
                .select_only()
                .column(organisation::Column::Id)
                .filter(organisation::Column::AllianceId.eq(a.0))
                .into_query();
            q = q.filter(product::Column::OrganisationId.in_subquery(orgs));
        }
        let products: Vec<Product> = q
            .order_by_asc(product::Column::CertExpiresOn)
            .limit(5000)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_record)
            .collect();
        let ids: Vec<i64> = products.iter().map(|p| p.id.0).collect();
        let mut decisions: HashMap<i64, String> = HashMap::new();
        for chunk in ids.chunks(500) {
            for c in certification::Entity::find()
                .filter(certification::Column::ProductId.is_in(chunk.iter().copied()))
                .filter(certification::Column::State.eq("current"))
                .all(&self.db)
                .await?
            {
                decisions.insert(c.product_id, c.decision_no);
            }
        }
        Ok(self
            .with_producers(products)
            .await?
            .into_iter()
            .map(|item| ExpiringCertificate {
                product_id: item.product.id,
                product_code: item.product.code.clone(),
                product_name: item.product.fields.name.clone(),
                product_status: item.product.status.clone(),
                organisation_id: item.product.organisation_id,
                organisation_name: item.organisation_name,
                stars: item.product.stars.unwrap_or(0),
                decision_no: decisions.remove(&item.product.id.0).unwrap_or_default(),
                expires_on: item.product.cert_expires_on.unwrap_or_default(),
            })
            .collect())
    }

    /// Records a (re-)certification; the previous one is kept in the history as superseded.
    pub async fn add_certification(
        &self,
        actor: &Actor,
        id: ProductId,
        input: &CertificationInput,
        file: Option<&CertificateFile>,
    ) -> Result<Certification, StoreError> {
        let txn = self.db.begin().await?;
        let saved = insert_certification(&txn, actor, id, input, file).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Revokes the current certification with a reason; the product loses its stars.
    pub async fn revoke_certification(
        &self,
        actor: &Actor,
        id: ProductId,
        certification_id: i64,
        reason: String,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        let before = to_record(find(&txn, id).await?);
        let res = certification::Entity::update_many()
            .col_expr(certification::Column::State, Expr::value("revoked"))
            .col_expr(certification::Column::RevokedReason, Expr::value(reason))
            .filter(certification::Column::Id.eq(certification_id))
            .filter(certification::Column::ProductId.eq(id.0))
            .filter(certification::Column::State.eq("current"))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        refresh_current(&txn, actor, &before).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Every certification of a product, newest first.
    pub async fn certifications_of(&self, id: ProductId) -> Result<Vec<Certification>, StoreError> {
        Ok(certification::Entity::find()
            .filter(certification::Column::ProductId.eq(id.0))
            .order_by_desc(certification::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_certification)
            .collect())
    }

    /// Adds an image (already stored in the object store) at the end of the product's list.
    pub async fn add_product_image(
        &self,
        actor: &Actor,
        id: ProductId,
        image: &ProductImage,
    ) -> Result<ProductImage, StoreError> {
        let txn = self.db.begin().await?;
        find(&txn, id).await?;
        let last = product_image::Entity::find()
            .filter(product_image::Column::ProductId.eq(id.0))
            .order_by_desc(product_image::Column::Position)
            .one(&txn)
            .await?
            .map_or(0, |m| m.position);
        let row = product_image::ActiveModel {
            product_id: Set(id.0),
            position: Set(last + 1),
            original_key: Set(image.original_key.clone()),
            original_type: Set(image.original_type.clone()),
            display_key: Set(image.display_key.clone()),
            thumb_key: Set(image.thumb_key.clone()),
            width: Set(image.width),
            height: Set(image.height),
            created_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let saved = to_image(row);
        record_created(&txn, actor, "product_image", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// The images of a product, in order.
    pub async fn product_images(&self, id: ProductId) -> Result<Vec<ProductImage>, StoreError> {
        Ok(product_image::Entity::find()
            .filter(product_image::Column::ProductId.eq(id.0))
            .order_by_asc(product_image::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_image)
            .collect())
    }

    /// The first image of each product (for cards), by product id.
    pub async fn cover_images(
        &self,
        ids: &[ProductId],
    ) -> Result<HashMap<ProductId, ProductImage>, StoreError> {
        let mut out = HashMap::new();
        for m in product_image::Entity::find()
            .filter(product_image::Column::ProductId.is_in(ids.iter().map(|i| i.0)))
            .order_by_asc(product_image::Column::Position)
            .all(&self.db)
            .await?
        {
            out.entry(ProductId(m.product_id)).or_insert_with(|| to_image(m));
        }
        Ok(out)
    }

    /// Removes an image; returns it so its objects can be deleted.
    pub async fn delete_product_image(
        &self,
        actor: &Actor,
        id: ProductId,
        image_id: i64,
    ) -> Result<ProductImage, StoreError> {
        let txn = self.db.begin().await?;
        let m = product_image::Entity::find_by_id(image_id)
            .filter(product_image::Column::ProductId.eq(id.0))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let gone = to_image(m);
        product_image::Entity::delete_by_id(image_id).exec(&txn).await?;
        record::<_, _, ()>(
            &txn,
            actor,
            "product_image",
            &image_id.to_string(),
            Op::Delete,
            Some(&gone),
            None,
        )
        .await?;
        txn.commit().await?;
        Ok(gone)
    }

    /// Published products with what the catalogue index needs, by id; ids of products that
    /// are not published (or gone) are returned in the second list, to be removed from it.
    pub async fn catalog_rows(
        &self,
        ids: &[ProductId],
    ) -> Result<(Vec<CatalogRow>, Vec<ProductId>), StoreError> {
        let mut rows = Vec::new();
        let mut gone = Vec::new();
        for chunk in ids.chunks(500) {
            let found: Vec<Product> = product::Entity::find()
                .filter(product::Column::Id.is_in(chunk.iter().map(|i| i.0)))
                .all(&self.db)
                .await?
                .into_iter()
                .map(to_record)
                .collect();
            let published: std::collections::HashSet<i64> = found
                .iter()
                .filter(|p| p.status == "published")
                .map(|p| p.id.0)
                .collect();
            gone.extend(chunk.iter().filter(|i| !published.contains(&i.0)).copied());
            let found = found
                .into_iter()
                .filter(|p| published.contains(&p.id.0))
                .collect();
            rows.extend(self.catalog_rows_of(found).await?);
        }
        Ok((rows, gone))
    }

    /// One batch of published products after `after_id`, in id order, for a full rebuild.
    pub async fn catalog_batch(&self, after_id: i64, limit: u64) -> Result<Vec<CatalogRow>, StoreError> {
        let found: Vec<Product> = product::Entity::find()
            .filter(product::Column::Id.gt(after_id))
            .filter(product::Column::Status.eq("published"))
            .order_by_asc(product::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_record)
            .collect();
        self.catalog_rows_of(found).await
    }

    async fn catalog_rows_of(&self, products: Vec<Product>) -> Result<Vec<CatalogRow>, StoreError> {
        let mut org_ids: Vec<i64> = products.iter().map(|p| p.organisation_id.0).collect();
        org_ids.sort_unstable();
        org_ids.dedup();
        let mut orgs: HashMap<i64, organisation::Model> = HashMap::new();
        for chunk in org_ids.chunks(500) {
            orgs.extend(
                organisation::Entity::find()
                    .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|m| (m.id, m)),
            );
        }
        let alliances: HashMap<i64, String> = self
            .list_alliances()
            .await?
            .into_iter()
            .map(|a| (a.id.0, a.code))
            .collect();
        Ok(products
            .into_iter()
            .map(|p| {
                let org = orgs.get(&p.organisation_id.0);
                CatalogRow {
                    organisation_name: org.map(|o| o.name.clone()).unwrap_or_default(),
                    alliance_code: org
                        .and_then(|o| o.alliance_id)
                        .and_then(|a| alliances.get(&a).cloned()),
                    organisation_province: org.and_then(|o| o.province_code.clone()),
                    product: p,
                }
            })
            .collect())
    }

    /// Ids of the products of these organisations (their catalogue entries name the producer).
    pub async fn product_ids_of(
        &self,
        organisations: &[OrganisationId],
    ) -> Result<Vec<ProductId>, StoreError> {
        let mut out = Vec::new();
        for chunk in organisations.chunks(500) {
            let rows: Vec<i64> = product::Entity::find()
                .select_only()
                .column(product::Column::Id)
                .filter(product::Column::OrganisationId.is_in(chunk.iter().map(|o| o.0)))
                .into_tuple()
                .all(&self.db)
                .await?;
            out.extend(rows.into_iter().map(ProductId));
        }
        Ok(out)
    }

    /// Products whose current certificate expires in `[from, to)` (`YYYY-MM-DD`): their
    /// catalogue entries lose their stars on that day.
    pub async fn products_expiring_between(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<ProductId>, StoreError> {
        let rows: Vec<i64> = product::Entity::find()
            .select_only()
            .column(product::Column::Id)
            .filter(product::Column::CertExpiresOn.gte(from))
            .filter(product::Column::CertExpiresOn.lt(to))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(ProductId).collect())
    }

    /// Counts of products by status.
    pub async fn product_count(&self) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        Ok(product::Entity::find().count(&self.db).await?)
    }
}

/// A generated, published product with its current certification (benchmark data).
#[derive(Debug, Clone)]
pub struct GeneratedProduct {
    /// The producer.
    pub organisation_id: OrganisationId,
    /// The fields.
    pub input: ProductInput,
    /// Its certification.
    pub certification: CertificationInput,
}

impl Store {
    /// Inserts generated products with multi-row statements, in one transaction per call: the
    /// rows, their certifications and their change-log rows (so every node's catalogue index
    /// picks them up). For `lienket gen-data`; the user-facing paths go through
    /// [`Store::bulk_create_products`].
    pub async fn insert_generated_products(
        &self,
        actor: &Actor,
        rows: &[GeneratedProduct],
    ) -> Result<u64, StoreError> {
        let txn = self.db.begin().await?;
        let now = crate::now();
        for chunk in rows.chunks(400) {
            let codes = fresh_codes(&txn, chunk.len()).await?;
            let models = chunk.iter().zip(&codes).map(|(r, code)| {
                let mut a = product::ActiveModel {
                    code: Set(code.clone()),
                    organisation_id: Set(r.organisation_id.0),
                    status: Set("published".into()),
                    published_at: Set(Some(now)),
                    stars: Set(Some(i32::from(r.certification.stars))),
                    cert_expires_on: Set(Some(r.certification.expires_on.clone())),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                };
                fill(&mut a, &r.input);
                a
            });
            product::Entity::insert_many(models)
                .exec(&txn)
                .await
                .on_unique("code")?;
            let ids: HashMap<String, i64> = product::Entity::find()
                .select_only()
                .columns([product::Column::Code, product::Column::Id])
                .filter(product::Column::Code.is_in(codes.iter().cloned()))
                .into_tuple::<(String, i64)>()
                .all(&txn)
                .await?
                .into_iter()
                .collect();
            let mut certs = Vec::with_capacity(chunk.len());
            let mut logs = Vec::with_capacity(chunk.len());
            for (r, code) in chunk.iter().zip(&codes) {
                let Some(id) = ids.get(code).copied() else {
                    continue;
                };
                let c = &r.certification;
                certs.push(certification::ActiveModel {
                    product_id: Set(id),
                    score_a: Set(i32::from(c.score_a)),
                    score_b: Set(i32::from(c.score_b)),
                    score_c: Set(i32::from(c.score_c)),
                    total: Set(i32::from(c.total)),
                    stars: Set(i32::from(c.stars)),
                    potential_five: Set(c.potential_five),
                    level: Set(c.level.clone()),
                    rules_code: Set(c.rules_code.clone()),
                    decision_no: Set(c.decision_no.clone()),
                    decision_date: Set(c.decision_date.clone()),
                    issuer: Set(c.issuer.clone()),
                    expires_on: Set(c.expires_on.clone()),
                    state: Set("current".into()),
                    actor_name: Set(actor.name.chars().take(120).collect()),
                    created_at: Set(now),
                    ..Default::default()
                });
                logs.push(crate::changes::log_row::<(), _>(
                    actor,
                    PRODUCT_ENTITY,
                    &id.to_string(),
                    Op::Create,
                    None,
                    Some(&serde_json::json!({"code": code, "name": r.input.name})),
                ));
            }
            certification::Entity::insert_many(certs).exec(&txn).await?;
            crate::entity::change_log::Entity::insert_many(logs)
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(rows.len() as u64)
    }
}
