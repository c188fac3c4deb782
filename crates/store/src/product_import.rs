//! Importing lists of OCOP products: the lookups the plan matches rows with (producers by code
//! or by name and province, products by producer and name, their current decisions) and the
//! all-or-nothing commit.
//!
//! The commit runs in ONE transaction, like the registry import's: the draft producers the list
//! names are created, products are created or updated, certifications added, and the import
//! record marked committed — or nothing is written at all.

use std::collections::HashMap;

use lienket_domain::ids::{AllianceId, OrganisationId, ProductId};
use lienket_domain::organisation::OrganisationInput;
use lienket_domain::text::fold;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;

use crate::changes::{Op, record};
use crate::entity::{certification, import, organisation, product};
use crate::products::{insert_certification, insert_product, rewrite_product_fields};
use crate::{Actor, CertificationInput, ProductInput, Store, StoreError};

/// The key products are matched by within a producer: the folded name, as stored in
/// `products.name_folded` (accents, case and spacing ignored, at most 200 characters).
pub fn product_name_key(name: &str) -> String {
    fold(name).chars().take(200).collect()
}

/// An organisation of the importing alliance, as the plan matches producers against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerCandidate {
    /// Its id.
    pub id: OrganisationId,
    /// Its name.
    pub name: String,
    /// Its folded name.
    pub name_folded: String,
    /// Its 2025 province code.
    pub province_code: Option<String>,
    /// Its registration code.
    pub registration_code: Option<String>,
}

/// The current certification of a product, as a re-import compares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrentDecision {
    /// Decision number (normalised when recorded).
    pub decision_no: String,
    /// Decision date, `YYYY-MM-DD`.
    pub decision_date: String,
    /// Total score, tenths of a point.
    pub total: u16,
}

/// A product a row of a re-imported list may update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingProduct {
    /// Its id.
    pub id: ProductId,
    /// Its name as stored.
    pub name: String,
    /// Its current certification, if any.
    pub current: Option<CurrentDecision>,
}

/// What a re-import does with a row's certification, given the product's current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionCheck {
    /// A decision the product does not hold yet: it is added and becomes current.
    New,
    /// The product's current decision already has this number: nothing is added.
    Recorded,
    /// Older than the product's current decision: adding it would replace a newer one, so it
    /// is not added.
    Older,
}

/// Whether a certification from a list is added to a product whose current one is `current`:
/// only when its decision number differs, and never when it is older than the current one.
pub fn check_decision(current: Option<&CurrentDecision>, input: &CertificationInput) -> DecisionCheck {
    match current {
        None => DecisionCheck::New,
        Some(c) if c.decision_no == input.decision_no => DecisionCheck::Recorded,
        // `YYYY-MM-DD` strings compare as dates.
        Some(c) if input.decision_date < c.decision_date => DecisionCheck::Older,
        Some(_) => DecisionCheck::New,
    }
}

/// The fields of a stored product after a list row is applied: the name, and every field the
/// row fills, replace what is stored; what the list does not say (description, prices,
/// barcode…) is kept. A new group without a set drops a stored set of the old group; an
/// origin province comes with its ward (or none).
pub fn merge_imported(stored: &ProductInput, imported: &ProductInput) -> ProductInput {
    let keep = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
    let group_changed = imported.group_code.is_some() && imported.group_code != stored.group_code;
    let set_no = match imported.set_no {
        Some(n) => Some(n),
        None if group_changed => None,
        None => stored.set_no,
    };
    let (origin_province_code, origin_ward_code) = if imported.origin_province_code.is_some() {
        (
            imported.origin_province_code.clone(),
            imported.origin_ward_code.clone(),
        )
    } else {
        (
            stored.origin_province_code.clone(),
            stored.origin_ward_code.clone(),
        )
    };
    ProductInput {
        name: imported.name.clone(),
        group_code: keep(&imported.group_code, &stored.group_code),
        set_no,
        description: keep(&imported.description, &stored.description),
        unit: keep(&imported.unit, &stored.unit),
        packaging: keep(&imported.packaging, &stored.packaging),
        net_quantity: keep(&imported.net_quantity, &stored.net_quantity),
        shelf_life_days: imported.shelf_life_days.or(stored.shelf_life_days),
        quality_standard: keep(&imported.quality_standard, &stored.quality_standard),
        ingredients: keep(&imported.ingredients, &stored.ingredients),
        origin_province_code,
        origin_ward_code,
        price_min: imported.price_min.or(stored.price_min),
        price_max: imported.price_max.or(stored.price_max),
        barcode: keep(&imported.barcode, &stored.barcode),
    }
}

/// The producer of an imported row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProducerRef {
    /// An organisation already in the registry.
    Existing(OrganisationId),
    /// The n-th new organisation of the commit.
    New(usize),
}

/// One product row of a committed list.
#[derive(Debug, Clone)]
pub struct ProductImportRow {
    /// Its producer.
    pub producer: ProducerRef,
    /// The product it updates, or `None` to create one.
    pub product: Option<ProductId>,
    /// The fields the list gives (merged over the stored ones with [`merge_imported`]).
    pub input: ProductInput,
    /// The certification the row names, added unless [`check_decision`] says otherwise.
    pub certification: Option<CertificationInput>,
    /// Whether a new product is published at once (an existing product keeps its status).
    pub publish: bool,
}

/// What a commit wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProductImportOutcome {
    /// Draft organisations created for producers missing from the registry.
    pub organisations_created: i64,
    /// Products created.
    pub products_created: i64,
    /// Rows matched to an existing product (identical ones are not rewritten).
    pub products_updated: i64,
    /// Certifications added.
    pub certifications_added: i64,
}

/// (id, name, folded name, province code, registration code) of an organisation.
type CandidateRow = (i64, String, String, Option<String>, Option<String>);

/// The current certification of each product, by product id.
async fn current_decisions<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<HashMap<i64, CurrentDecision>, StoreError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = certification::Entity::find()
            .filter(certification::Column::ProductId.is_in(chunk.iter().copied()))
            .filter(certification::Column::State.eq("current"))
            .order_by_asc(certification::Column::Id)
            .all(c)
            .await?;
        // Ascending ids: a (never expected) second current row leaves the newest in the map.
        for m in rows {
            out.insert(
                m.product_id,
                CurrentDecision {
                    decision_no: m.decision_no,
                    decision_date: m.decision_date,
                    total: u16::try_from(m.total).unwrap_or(0),
                },
            );
        }
    }
    Ok(out)
}

impl Store {
    /// Every organisation of `alliance`, with what matching a producer by name and province
    /// needs. Organisations of other alliances, or of none, are never matched by name.
    pub async fn producer_candidates(
        &self,
        alliance: AllianceId,
    ) -> Result<Vec<ProducerCandidate>, StoreError> {
        let rows: Vec<CandidateRow> = organisation::Entity::find()
            .select_only()
            .columns([
                organisation::Column::Id,
                organisation::Column::Name,
                organisation::Column::NameFolded,
                organisation::Column::ProvinceCode,
                organisation::Column::RegistrationCode,
            ])
            .filter(organisation::Column::AllianceId.eq(alliance.0))
            .order_by_asc(organisation::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, name_folded, province_code, registration_code)| ProducerCandidate {
                    id: OrganisationId(id),
                    name,
                    name_folded,
                    province_code,
                    registration_code,
                },
            )
            .collect())
    }

    /// The products of these organisations by (organisation, [`product_name_key`]), with their
    /// current certification. Of two products with the same key, the older one is kept.
    pub async fn products_by_producer_and_name(
        &self,
        organisations: &[OrganisationId],
    ) -> Result<HashMap<(OrganisationId, String), ExistingProduct>, StoreError> {
        let mut found: Vec<(i64, i64, String, String)> = Vec::new();
        for chunk in organisations.chunks(500) {
            let rows: Vec<(i64, i64, String, String)> = product::Entity::find()
                .select_only()
                .columns([
                    product::Column::Id,
                    product::Column::OrganisationId,
                    product::Column::Name,
                    product::Column::NameFolded,
                ])
                .filter(product::Column::OrganisationId.is_in(chunk.iter().map(|o| o.0)))
                .into_tuple()
                .all(&self.db)
                .await?;
            found.extend(rows);
        }
        found.sort_by_key(|r| r.0);
        let ids: Vec<i64> = found.iter().map(|r| r.0).collect();
        let mut current = current_decisions(&self.db, &ids).await?;
        let mut out = HashMap::new();
        for (id, org, name, key) in found {
            out.entry((OrganisationId(org), key))
                .or_insert_with(|| ExistingProduct {
                    id: ProductId(id),
                    name,
                    current: current.remove(&id),
                });
        }
        Ok(out)
    }

    /// Applies a product list in ONE transaction: the `new_producers` are created under
    /// `alliance`, then each row creates or updates its product and adds its certification
    /// (re-checked against the current one inside the transaction). With `import_id`, the
    /// import is claimed first (a second commit is `Conflict`) and marked committed with its
    /// counts. All of it is written, or nothing.
    pub async fn commit_product_import(
        &self,
        actor: &Actor,
        import_id: Option<i64>,
        alliance: AllianceId,
        new_producers: &[OrganisationInput],
        rows: &[ProductImportRow],
    ) -> Result<ProductImportOutcome, StoreError> {
        let txn = self.db.begin().await?;
        if let Some(id) = import_id {
            // Claim the import first, so two clicks (or two nodes) cannot apply it twice.
            let claimed = import::Entity::update_many()
                .col_expr(import::Column::Status, Expr::value("committing"))
                .filter(import::Column::Id.eq(id))
                .filter(import::Column::Status.eq("previewed"))
                .exec(&txn)
                .await?;
            if claimed.rows_affected == 0 {
                return Err(StoreError::Conflict);
            }
        }
        let mut outcome = ProductImportOutcome::default();
        let mut created_producers = Vec::with_capacity(new_producers.len());
        for input in new_producers {
            let org = crate::organisations::insert_organisation(&txn, actor, Some(alliance), input).await?;
            created_producers.push(org.id);
            outcome.organisations_created += 1;
        }
        for row in rows {
            let organisation = match row.producer {
                ProducerRef::Existing(id) => id,
                ProducerRef::New(n) => *created_producers.get(n).ok_or(StoreError::Unsupported(
                    "an import row names a producer it does not create",
                ))?,
            };
            let (id, current) = match row.product {
                Some(id) => {
                    let owner: Option<i64> = product::Entity::find_by_id(id.0)
                        .select_only()
                        .column(product::Column::OrganisationId)
                        .into_tuple()
                        .one(&txn)
                        .await?;
                    if owner != Some(organisation.0) {
                        // Moved or deleted since the plan: the plan no longer holds.
                        return Err(StoreError::Conflict);
                    }
                    rewrite_product_fields(&txn, actor, id, |stored| merge_imported(stored, &row.input))
                        .await?;
                    outcome.products_updated += 1;
                    (id, current_decisions(&txn, &[id.0]).await?.remove(&id.0))
                }
                None => {
                    let saved = insert_product(&txn, actor, organisation, &row.input, row.publish).await?;
                    outcome.products_created += 1;
                    (saved.id, None)
                }
            };
            if let Some(cert) = &row.certification
                && check_decision(current.as_ref(), cert) == DecisionCheck::New
            {
                insert_certification(&txn, actor, id, cert, None).await?;
                outcome.certifications_added += 1;
            }
        }
        if let Some(id) = import_id {
            import::Entity::update_many()
                .col_expr(import::Column::Status, Expr::value("committed"))
                .col_expr(import::Column::Created, Expr::value(outcome.products_created))
                .col_expr(import::Column::Updated, Expr::value(outcome.products_updated))
                .col_expr(import::Column::CommittedAt, Expr::value(crate::now()))
                .filter(import::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            record::<_, (), _>(
                &txn,
                actor,
                "import",
                &id.to_string(),
                Op::Update,
                None,
                Some(&outcome),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(no: &str, date: &str) -> CertificationInput {
        CertificationInput {
            score_a: 300,
            score_b: 180,
            score_c: 260,
            total: 740,
            stars: 4,
            potential_five: false,
            level: "province".into(),
            rules_code: "qd148".into(),
            decision_no: no.into(),
            decision_date: date.into(),
            issuer: None,
            expires_on: "2027-03-15".into(),
        }
    }

    #[test]
    fn a_decision_is_added_only_when_its_number_is_new_and_it_is_not_older() {
        let current = CurrentDecision {
            decision_no: "858/QĐ-UBND".into(),
            decision_date: "2024-03-15".into(),
            total: 700,
        };
        assert_eq!(
            check_decision(None, &cert("858/QĐ-UBND", "2024-03-15")),
            DecisionCheck::New
        );
        assert_eq!(
            check_decision(Some(&current), &cert("858/QĐ-UBND", "2024-03-15")),
            DecisionCheck::Recorded
        );
        assert_eq!(
            check_decision(Some(&current), &cert("1200/QĐ-UBND", "2025-06-01")),
            DecisionCheck::New
        );
        assert_eq!(
            check_decision(Some(&current), &cert("120/QĐ-UBND", "2022-01-10")),
            DecisionCheck::Older
        );
    }

    #[test]
    fn a_list_row_replaces_what_it_says_and_keeps_the_rest() {
        let stored = ProductInput {
            name: "Nuoc mam Dong Du".into(),
            group_code: Some("thuc_pham".into()),
            set_no: Some(9),
            description: Some("Ủ chượp 12 tháng.".into()),
            origin_province_code: Some("01".into()),
            origin_ward_code: Some("00004".into()),
            price_min: Some(85_000),
            ..Default::default()
        };
        let imported = ProductInput {
            name: "Nước mắm Đông Dư".into(),
            group_code: Some("thuc_pham".into()),
            origin_province_code: Some("31".into()),
            ..Default::default()
        };
        let merged = merge_imported(&stored, &imported);
        assert_eq!(merged.name, "Nước mắm Đông Dư");
        assert_eq!(merged.set_no, Some(9), "the same group keeps its set");
        assert_eq!(merged.description, stored.description);
        assert_eq!(merged.price_min, Some(85_000));
        assert_eq!(
            (
                merged.origin_province_code.as_deref(),
                merged.origin_ward_code.as_deref()
            ),
            (Some("31"), None),
            "a new province does not keep the old province's ward"
        );
        let regrouped = merge_imported(
            &stored,
            &ProductInput {
                group_code: Some("do_uong".into()),
                ..imported
            },
        );
        assert_eq!(regrouped.set_no, None, "a set of the old group is dropped");
    }
}
