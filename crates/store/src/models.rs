//! The showcase of effective new-type cooperative models (Decision 167/QĐ-TTg): the kinds of
//! model (editable data), the cooperatives shown as models with what their assessment needs,
//! and the replications of each model by other organisations.
//!
//! A model entry keeps no alliance of its own: the alliance that manages its organisation
//! manages it, read from the registry each time, so an organisation that moves to another
//! alliance takes its entries along. A replication keeps the alliance of the replicating
//! organisation as it was when recorded, because the programme's indicator ("models
//! replicated") counts it for that alliance and must not change afterwards.

use std::collections::{BTreeMap, HashMap};

use lienket_domain::ids::{AllianceId, ModelEntryId, ModelKindId, OrganisationId, ReplicationId};
use lienket_domain::model::{
    Assessment, AssessmentFacts, ModelEntryDraft, ModelKindDraft, ReplicationDraft, assess,
};
use lienket_domain::organisation::{OrgKind, OrgStatus};
use lienket_domain::policy::Resource;
use lienket_domain::report::{ReportPeriod, ReportStatus};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use serde::Serialize;

use crate::changes::{Op, record, record_created};
use crate::entity::{model_entry, model_kind, model_replication, organisation, report};
use crate::{Actor, Page, PageRequest, Store, StoreError};

/// A kind of effective cooperative model.
#[derive(Debug, Clone, Serialize)]
pub struct ModelKind {
    /// Id.
    pub id: ModelKindId,
    /// Place in the list (from 1).
    pub position: i32,
    /// Short code, e.g. `NN-CNC`.
    pub code: String,
    /// Name.
    pub name: String,
    /// What cooperatives of this kind do.
    pub description: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// A cooperative shown as a model, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ModelEntry {
    /// Id.
    pub id: ModelEntryId,
    /// The cooperative.
    pub organisation_id: OrganisationId,
    /// Its kind of model.
    pub kind_id: ModelKindId,
    /// The year it was selected.
    pub selected_year: i32,
    /// Its rating points (0 to 100), when rated.
    pub rating_points: Option<u8>,
    /// Whether its dossier is complete.
    pub dossier_complete: bool,
    /// Whether the public sees it.
    pub published: bool,
    /// Its story.
    pub summary: Option<String>,
    /// Its results.
    pub results: Option<String>,
    /// Who last saved it.
    pub actor_name: String,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// When it was last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// A model as the showcase lists it: the entry with its organisation, kind and replications.
#[derive(Debug, Clone, Serialize)]
pub struct ModelCard {
    /// The entry.
    pub entry: ModelEntry,
    /// The organisation's name.
    pub organisation_name: String,
    /// Its registration code.
    pub registration_code: Option<String>,
    /// Its 2025 province code.
    pub province_code: Option<String>,
    /// The alliance that manages it (and so the entry).
    pub alliance_id: Option<AllianceId>,
    /// Its legal kind.
    pub organisation_kind: OrgKind,
    /// Its status in the registry.
    pub organisation_status: OrgStatus,
    /// The name of the kind of model.
    pub kind_name: String,
    /// How many organisations replicated it.
    pub replications: u64,
}

impl ModelCard {
    /// The entry as the policy sees it.
    pub fn resource(&self) -> Resource<'static> {
        Resource::ModelEntry {
            alliance: self.alliance_id,
            published: self.entry.published,
        }
    }
}

/// One model with what its page shows: the card, what the assessment needs and its
/// replications.
#[derive(Debug, Clone, Serialize)]
pub struct ModelDetail {
    /// The model as listed.
    pub card: ModelCard,
    /// Profit of each accepted yearly report of the three years before the selection.
    pub accepted_profits: Vec<(i32, i64)>,
    /// The replications, oldest first.
    pub replications: Vec<Replication>,
}

impl ModelCard {
    /// The model assessed against the decision's entry conditions, given the profits of its
    /// organisation's accepted yearly reports.
    pub fn assess(&self, accepted_profits: &[(i32, i64)]) -> Assessment {
        let e = &self.entry;
        assess(&AssessmentFacts {
            kind: self.organisation_kind,
            status: self.organisation_status,
            selected_year: e.selected_year,
            accepted_profits,
            rating_points: e.rating_points,
            dossier_complete: e.dossier_complete,
        })
    }
}

impl ModelDetail {
    /// The model assessed against the decision's entry conditions.
    pub fn assessment(&self) -> Assessment {
        self.card.assess(&self.accepted_profits)
    }
}

/// A replication of a model by an organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Replication {
    /// Id.
    pub id: ReplicationId,
    /// The model replicated.
    pub entry_id: ModelEntryId,
    /// The replicating organisation.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// Its 2025 province code.
    pub province_code: Option<String>,
    /// Its managing alliance when the replication was recorded.
    pub alliance_id: Option<AllianceId>,
    /// The year it counts in.
    pub year: i32,
    /// When the model was taken up, `YYYY-MM-DD`.
    pub replicated_on: String,
    /// What was replicated.
    pub note: Option<String>,
    /// Who recorded it.
    pub actor_name: String,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

impl Replication {
    /// The replication as the policy sees it.
    pub fn resource(&self) -> Resource<'static> {
        Resource::ModelReplication {
            alliance: self.alliance_id,
        }
    }
}

/// Filters of the showcase.
#[derive(Debug, Clone, Default)]
pub struct ModelFilter {
    /// One kind of model.
    pub kind: Option<ModelKindId>,
    /// Organisations managed by this alliance.
    pub alliance: Option<AllianceId>,
    /// Organisations of this 2025 province.
    pub province: Option<String>,
    /// Only what the public sees.
    pub published_only: bool,
}

/// The order of the showcase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ModelSort {
    /// By organisation name, in Vietnamese order.
    #[default]
    Name,
    /// Highest rating points first (not rated last), then by name.
    Rating,
    /// Latest selected first.
    Newest,
}

fn to_kind(m: model_kind::Model) -> ModelKind {
    ModelKind {
        id: ModelKindId(m.id),
        position: m.position,
        code: m.code,
        name: m.name,
        description: m.description,
        version: m.version,
    }
}

fn to_entry(m: model_entry::Model) -> ModelEntry {
    ModelEntry {
        id: ModelEntryId(m.id),
        organisation_id: OrganisationId(m.organisation_id),
        kind_id: ModelKindId(m.kind_id),
        selected_year: m.selected_year,
        rating_points: m.rating_points.and_then(|p| u8::try_from(p).ok()),
        dossier_complete: m.dossier_complete,
        published: m.published,
        summary: m.summary,
        results: m.results,
        actor_name: m.actor_name,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    }
}

/// What the showcase reads of an organisation.
struct OrgFacts {
    name: String,
    registration_code: Option<String>,
    province_code: Option<String>,
    alliance_id: Option<AllianceId>,
    kind: OrgKind,
    status: OrgStatus,
}

type OrgRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    String,
);

/// The facts of these organisations, by id.
async fn org_facts<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<HashMap<i64, OrgFacts>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<OrgRow> = organisation::Entity::find()
        .select_only()
        .columns([
            organisation::Column::Id,
            organisation::Column::Name,
            organisation::Column::RegistrationCode,
            organisation::Column::ProvinceCode,
            organisation::Column::AllianceId,
            organisation::Column::Kind,
            organisation::Column::Status,
        ])
        .filter(organisation::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, code, province, alliance, kind, status)| {
            (
                id,
                OrgFacts {
                    name,
                    registration_code: code,
                    province_code: province,
                    alliance_id: alliance.map(AllianceId),
                    kind: OrgKind::parse(&kind).unwrap_or(OrgKind::Cooperative),
                    status: OrgStatus::parse(&status).unwrap_or(OrgStatus::Active),
                },
            )
        })
        .collect())
}

/// The facts of one organisation; `NotFound` when it does not exist.
async fn one_org<C: ConnectionTrait>(c: &C, id: OrganisationId) -> Result<OrgFacts, StoreError> {
    org_facts(c, &[id.0])
        .await?
        .remove(&id.0)
        .ok_or(StoreError::NotFound)
}

/// Replications of each of these entries.
async fn replication_counts<C: ConnectionTrait>(
    c: &C,
    entries: &[i64],
) -> Result<HashMap<i64, u64>, StoreError> {
    if entries.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> = model_replication::Entity::find()
        .select_only()
        .column(model_replication::Column::EntryId)
        .expr_as(Func::count(Expr::col(model_replication::Column::Id)), "n")
        .filter(model_replication::Column::EntryId.is_in(entries.iter().copied()))
        .group_by(model_replication::Column::EntryId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|(e, n)| (e, n.max(0) as u64)).collect())
}

/// The profit of each accepted yearly report of these organisations from `first` to `last`,
/// by organisation, in year order.
async fn accepted_profits<C: ConnectionTrait>(
    c: &C,
    orgs: &[i64],
    first: i32,
    last: i32,
) -> Result<HashMap<i64, Vec<(i32, i64)>>, StoreError> {
    let rows: Vec<(i64, i32, i64)> = report::Entity::find()
        .select_only()
        .columns([
            report::Column::OrganisationId,
            report::Column::Year,
            report::Column::Profit,
        ])
        .filter(report::Column::OrganisationId.is_in(orgs.iter().copied()))
        .filter(report::Column::Period.eq(ReportPeriod::Year.as_str()))
        .filter(report::Column::Status.eq(ReportStatus::Accepted.as_str()))
        .filter(report::Column::Year.between(first, last))
        .order_by_asc(report::Column::Year)
        .into_tuple()
        .all(c)
        .await?;
    let mut out: HashMap<i64, Vec<(i32, i64)>> = HashMap::new();
    for (org, year, profit) in rows {
        out.entry(org).or_default().push((year, profit));
    }
    Ok(out)
}

/// The kinds' names, by id.
async fn kind_names<C: ConnectionTrait>(c: &C) -> Result<HashMap<i64, String>, StoreError> {
    let rows: Vec<(i64, String)> = model_kind::Entity::find()
        .select_only()
        .columns([model_kind::Column::Id, model_kind::Column::Name])
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Entries as cards: their organisations, kinds and replication counts read in three queries.
async fn cards<C: ConnectionTrait>(
    c: &C,
    entries: Vec<model_entry::Model>,
) -> Result<Vec<ModelCard>, StoreError> {
    let org_ids: Vec<i64> = entries.iter().map(|e| e.organisation_id).collect();
    let entry_ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let orgs = org_facts(c, &org_ids).await?;
    let kinds = kind_names(c).await?;
    let counts = replication_counts(c, &entry_ids).await?;
    Ok(entries
        .into_iter()
        .map(|m| {
            let org = orgs.get(&m.organisation_id);
            ModelCard {
                organisation_name: org.map(|o| o.name.clone()).unwrap_or_default(),
                registration_code: org.and_then(|o| o.registration_code.clone()),
                province_code: org.and_then(|o| o.province_code.clone()),
                alliance_id: org.and_then(|o| o.alliance_id),
                organisation_kind: org.map_or(OrgKind::Cooperative, |o| o.kind),
                organisation_status: org.map_or(OrgStatus::Active, |o| o.status),
                kind_name: kinds.get(&m.kind_id).cloned().unwrap_or_default(),
                replications: counts.get(&m.id).copied().unwrap_or(0),
                entry: to_entry(m),
            }
        })
        .collect())
}

/// The organisation's Vietnamese sort key, for ordering entries by name without a join.
fn organisation_sort_key() -> Expr {
    Expr::cust(
        "(SELECT organisations.sort_key FROM organisations \
         WHERE organisations.id = model_entries.organisation_id)",
    )
}

/// Organisations of an alliance, or of a province, as a subquery.
fn organisations_where(
    column: organisation::Column,
    value: sea_orm::Value,
) -> sea_orm::sea_query::SelectStatement {
    organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .filter(column.eq(value))
        .into_query()
}

async fn load_entry<C: ConnectionTrait>(c: &C, id: ModelEntryId) -> Result<model_entry::Model, StoreError> {
    model_entry::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

async fn load_replication<C: ConnectionTrait>(c: &C, id: ReplicationId) -> Result<Replication, StoreError> {
    let m = model_replication::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(replications_of(c, vec![m]).await?.remove(0))
}

async fn replications_of<C: ConnectionTrait>(
    c: &C,
    rows: Vec<model_replication::Model>,
) -> Result<Vec<Replication>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.organisation_id).collect();
    let orgs = org_facts(c, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let org = orgs.get(&m.organisation_id);
            Replication {
                id: ReplicationId(m.id),
                entry_id: ModelEntryId(m.entry_id),
                organisation_id: OrganisationId(m.organisation_id),
                organisation_name: org.map(|o| o.name.clone()).unwrap_or_default(),
                province_code: org.and_then(|o| o.province_code.clone()),
                alliance_id: m.alliance_id.map(AllianceId),
                year: m.year,
                replicated_on: m.replicated_on,
                note: m.note,
                actor_name: m.actor_name,
                created_at: m.created_at,
            }
        })
        .collect())
}

/// A unique violation as the refusal the form shows beside its field.
fn refused_when_taken(e: sea_orm::DbErr, key: &'static str) -> StoreError {
    match StoreError::from_db(e, "unique") {
        StoreError::Duplicate(_) => StoreError::Refused(key),
        other => other,
    }
}

/// Refuses a kind of model that does not exist.
async fn check_kind<C: ConnectionTrait>(c: &C, kind: ModelKindId) -> Result<(), StoreError> {
    match model_kind::Entity::find_by_id(kind.0).one(c).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::Refused("err-model-kind")),
    }
}

/// Refuses a second entry of the same organisation under the same kind (`except` itself).
async fn check_entry_unique<C: ConnectionTrait>(
    c: &C,
    org: OrganisationId,
    kind: ModelKindId,
    except: Option<ModelEntryId>,
) -> Result<(), StoreError> {
    let mut q = model_entry::Entity::find()
        .filter(model_entry::Column::OrganisationId.eq(org.0))
        .filter(model_entry::Column::KindId.eq(kind.0));
    if let Some(e) = except {
        q = q.filter(model_entry::Column::Id.ne(e.0));
    }
    if q.count(c).await? > 0 {
        Err(StoreError::Refused("err-model-entry-twice"))
    } else {
        Ok(())
    }
}

fn fill_entry(a: &mut model_entry::ActiveModel, org: OrganisationId, d: &ModelEntryDraft, actor: &Actor) {
    a.organisation_id = Set(org.0);
    a.kind_id = Set(d.kind_id.0);
    a.selected_year = Set(d.selected_year);
    a.rating_points = Set(d.rating_points.map(i32::from));
    a.dossier_complete = Set(d.dossier_complete);
    a.published = Set(d.published);
    a.summary = Set(d.summary.clone());
    a.results = Set(d.results.clone());
    a.actor_name = Set(actor.name.chars().take(120).collect());
}

impl Store {
    // -----------------------------------------------------------------------------------------
    // Kinds of model
    // -----------------------------------------------------------------------------------------

    /// Every kind of model, in list order.
    pub async fn model_kinds(&self) -> Result<Vec<ModelKind>, StoreError> {
        Ok(model_kind::Entity::find()
            .order_by_asc(model_kind::Column::Position)
            .order_by_asc(model_kind::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_kind)
            .collect())
    }

    /// How many entries each kind of model has, by kind.
    pub async fn model_kind_usage(&self) -> Result<BTreeMap<ModelKindId, u64>, StoreError> {
        let rows: Vec<(i64, i64)> = model_entry::Entity::find()
            .select_only()
            .column(model_entry::Column::KindId)
            .expr_as(Func::count(Expr::col(model_entry::Column::Id)), "n")
            .group_by(model_entry::Column::KindId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(k, n)| (ModelKindId(k), n.max(0) as u64))
            .collect())
    }

    /// One kind of model.
    pub async fn get_model_kind(&self, id: ModelKindId) -> Result<ModelKind, StoreError> {
        model_kind::Entity::find_by_id(id.0)
            .one(&self.db)
            .await?
            .map(to_kind)
            .ok_or(StoreError::NotFound)
    }

    /// Adds a kind of model at the end of the list; a code already used is refused.
    pub async fn create_model_kind(
        &self,
        actor: &Actor,
        d: &ModelKindDraft,
    ) -> Result<ModelKind, StoreError> {
        let txn = self.begin_write().await?;
        let last: Option<Option<i32>> = model_kind::Entity::find()
            .select_only()
            .expr(Func::max(Expr::col(model_kind::Column::Position)))
            .into_tuple()
            .one(&txn)
            .await?;
        let now = crate::now();
        let m = model_kind::ActiveModel {
            position: Set(last.flatten().unwrap_or(0) + 1),
            code: Set(d.code.clone()),
            name: Set(d.name.clone()),
            description: Set(d.description.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| refused_when_taken(e, "err-model-kind-code-taken"))?;
        let saved = to_kind(m);
        record_created(&txn, actor, "model_kind", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Changes a kind of model saved at `expected_version`.
    pub async fn update_model_kind(
        &self,
        actor: &Actor,
        id: ModelKindId,
        expected_version: i32,
        d: &ModelKindDraft,
    ) -> Result<ModelKind, StoreError> {
        let txn = self.begin_write().await?;
        let before = model_kind::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .map(to_kind)
            .ok_or(StoreError::NotFound)?;
        let a = model_kind::ActiveModel {
            code: Set(d.code.clone()),
            name: Set(d.name.clone()),
            description: Set(d.description.clone()),
            updated_at: Set(crate::now()),
            version: Set(expected_version + 1),
            ..Default::default()
        };
        crate::versioned::save_versioned(
            &txn,
            a,
            (model_kind::Column::Id, id.0),
            (model_kind::Column::Version, expected_version),
            "code",
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => StoreError::Refused("err-model-kind-code-taken"),
            other => other,
        })?;
        let after = model_kind::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .map(to_kind)
            .ok_or(StoreError::NotFound)?;
        record(
            &txn,
            actor,
            "model_kind",
            &id.to_string(),
            Op::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Removes a kind of model no entry uses; one in use is refused (the entries would lose
    /// their kind).
    pub async fn delete_model_kind(&self, actor: &Actor, id: ModelKindId) -> Result<ModelKind, StoreError> {
        let txn = self.begin_write().await?;
        let before = model_kind::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .map(to_kind)
            .ok_or(StoreError::NotFound)?;
        let used = model_entry::Entity::find()
            .filter(model_entry::Column::KindId.eq(id.0))
            .count(&txn)
            .await?;
        if used > 0 {
            return Err(StoreError::Refused("err-model-kind-in-use"));
        }
        model_kind::Entity::delete_by_id(id.0)
            .exec(&txn)
            .await
            .map_err(|e| match StoreError::from_db(e, "kind") {
                StoreError::Reference => StoreError::Refused("err-model-kind-in-use"),
                other => other,
            })?;
        record(
            &txn,
            actor,
            "model_kind",
            &id.to_string(),
            Op::Delete,
            Some(&before),
            None::<&ModelKind>,
        )
        .await?;
        txn.commit().await?;
        Ok(before)
    }

    // -----------------------------------------------------------------------------------------
    // Cooperatives shown as models
    // -----------------------------------------------------------------------------------------

    /// A page of the showcase.
    pub async fn list_models(
        &self,
        filter: &ModelFilter,
        sort: ModelSort,
        page: PageRequest,
    ) -> Result<Page<ModelCard>, StoreError> {
        let mut q = model_entry::Entity::find();
        if filter.published_only {
            q = q.filter(model_entry::Column::Published.eq(true));
        }
        if let Some(k) = filter.kind {
            q = q.filter(model_entry::Column::KindId.eq(k.0));
        }
        if let Some(a) = filter.alliance {
            let orgs = organisations_where(organisation::Column::AllianceId, a.0.into());
            q = q.filter(model_entry::Column::OrganisationId.in_subquery(orgs));
        }
        if let Some(p) = &filter.province {
            let orgs = organisations_where(organisation::Column::ProvinceCode, p.clone().into());
            q = q.filter(model_entry::Column::OrganisationId.in_subquery(orgs));
        }
        // Nulls sort first on SQLite and last on PostgreSQL: "not rated" is made -1 on both.
        let q = match sort {
            ModelSort::Name => q,
            ModelSort::Rating => q.order_by(
                Expr::cust("COALESCE(model_entries.rating_points, -1)"),
                Order::Desc,
            ),
            ModelSort::Newest => q
                .order_by_desc(model_entry::Column::SelectedYear)
                .order_by_desc(model_entry::Column::Id),
        };
        let q = q
            .order_by(organisation_sort_key(), Order::Asc)
            .order_by_asc(model_entry::Column::Id);
        let page = crate::versioned::fetch_page(&self.db, q, page, |m| m).await?;
        Ok(Page {
            items: cards(&self.db, page.items).await?,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// The assessment of each model listed (its organisation's accepted yearly reports read in
    /// one query for all).
    pub async fn model_assessments(
        &self,
        cards: &[ModelCard],
    ) -> Result<HashMap<ModelEntryId, Assessment>, StoreError> {
        let Some(first) = cards.iter().map(|c| c.entry.selected_year).min() else {
            return Ok(HashMap::new());
        };
        let last = cards.iter().map(|c| c.entry.selected_year).max().unwrap_or(first);
        let orgs: Vec<i64> = cards.iter().map(|c| c.entry.organisation_id.0).collect();
        let from = AssessmentFacts::profit_years(first).start;
        let profits = accepted_profits(&self.db, &orgs, from, last - 1).await?;
        Ok(cards
            .iter()
            .map(|c| {
                let own = profits
                    .get(&c.entry.organisation_id.0)
                    .map_or(&[][..], Vec::as_slice);
                (c.entry.id, c.assess(own))
            })
            .collect())
    }

    /// One model with its organisation's facts, the profits its assessment reads and its
    /// replications.
    pub async fn get_model(&self, id: ModelEntryId) -> Result<ModelDetail, StoreError> {
        let c = &self.db;
        let m = load_entry(c, id).await?;
        let years = AssessmentFacts::profit_years(m.selected_year);
        let accepted_profits = accepted_profits(c, &[m.organisation_id], years.start, years.end - 1)
            .await?
            .remove(&m.organisation_id)
            .unwrap_or_default();
        let rows = model_replication::Entity::find()
            .filter(model_replication::Column::EntryId.eq(id.0))
            .order_by_asc(model_replication::Column::ReplicatedOn)
            .order_by_asc(model_replication::Column::Id)
            .all(c)
            .await?;
        let replications = replications_of(c, rows).await?;
        let card = cards(c, vec![m]).await?.remove(0);
        Ok(ModelDetail {
            card,
            accepted_profits,
            replications,
        })
    }

    /// Shows organisation `org` as a model; a second entry of it under the same kind, or a kind
    /// that does not exist, is refused.
    pub async fn create_model(
        &self,
        actor: &Actor,
        org: OrganisationId,
        d: &ModelEntryDraft,
    ) -> Result<ModelEntry, StoreError> {
        let txn = self.begin_write().await?;
        one_org(&txn, org).await?;
        check_kind(&txn, d.kind_id).await?;
        check_entry_unique(&txn, org, d.kind_id, None).await?;
        let now = crate::now();
        let mut a = model_entry::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        };
        fill_entry(&mut a, org, d, actor);
        let saved = to_entry(
            a.insert(&txn)
                .await
                .map_err(|e| refused_when_taken(e, "err-model-entry-twice"))?,
        );
        record_created(&txn, actor, "model_entry", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Changes a model saved at `expected_version`.
    pub async fn update_model(
        &self,
        actor: &Actor,
        id: ModelEntryId,
        expected_version: i32,
        org: OrganisationId,
        d: &ModelEntryDraft,
    ) -> Result<ModelEntry, StoreError> {
        let txn = self.begin_write().await?;
        let before = to_entry(load_entry(&txn, id).await?);
        one_org(&txn, org).await?;
        check_kind(&txn, d.kind_id).await?;
        check_entry_unique(&txn, org, d.kind_id, Some(id)).await?;
        let mut a = model_entry::ActiveModel {
            updated_at: Set(crate::now()),
            version: Set(expected_version + 1),
            ..Default::default()
        };
        fill_entry(&mut a, org, d, actor);
        crate::versioned::save_versioned(
            &txn,
            a,
            (model_entry::Column::Id, id.0),
            (model_entry::Column::Version, expected_version),
            "kind_id",
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => StoreError::Refused("err-model-entry-twice"),
            other => other,
        })?;
        let after = to_entry(load_entry(&txn, id).await?);
        record(
            &txn,
            actor,
            "model_entry",
            &id.to_string(),
            Op::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Removes a model; its replications go with it, each recorded in the change log (they no
    /// longer count in the programme's indicator).
    pub async fn delete_model(&self, actor: &Actor, id: ModelEntryId) -> Result<ModelEntry, StoreError> {
        let txn = self.begin_write().await?;
        let before = to_entry(load_entry(&txn, id).await?);
        let rows = model_replication::Entity::find()
            .filter(model_replication::Column::EntryId.eq(id.0))
            .all(&txn)
            .await?;
        for r in replications_of(&txn, rows).await? {
            model_replication::Entity::delete_by_id(r.id.0).exec(&txn).await?;
            record(
                &txn,
                actor,
                "model_replication",
                &r.id.to_string(),
                Op::Delete,
                Some(&r),
                None::<&Replication>,
            )
            .await?;
        }
        model_entry::Entity::delete_by_id(id.0).exec(&txn).await?;
        record(
            &txn,
            actor,
            "model_entry",
            &id.to_string(),
            Op::Delete,
            Some(&before),
            None::<&ModelEntry>,
        )
        .await?;
        txn.commit().await?;
        Ok(before)
    }

    // -----------------------------------------------------------------------------------------
    // Replications
    // -----------------------------------------------------------------------------------------

    /// One replication.
    pub async fn get_replication(&self, id: ReplicationId) -> Result<Replication, StoreError> {
        load_replication(&self.db, id).await
    }

    /// Records that organisation `org` replicated model `entry`, counted for `org`'s managing
    /// alliance in the year of the replication. The model's own organisation, and an
    /// organisation already recorded for this model, are refused.
    pub async fn add_replication(
        &self,
        actor: &Actor,
        entry: ModelEntryId,
        org: OrganisationId,
        d: &ReplicationDraft,
    ) -> Result<Replication, StoreError> {
        let txn = self.begin_write().await?;
        let model = load_entry(&txn, entry).await?;
        if model.organisation_id == org.0 {
            return Err(StoreError::Refused("err-model-replication-own"));
        }
        let replicator = one_org(&txn, org).await?;
        let already = model_replication::Entity::find()
            .filter(model_replication::Column::EntryId.eq(entry.0))
            .filter(model_replication::Column::OrganisationId.eq(org.0))
            .count(&txn)
            .await?;
        if already > 0 {
            return Err(StoreError::Refused("err-model-replication-twice"));
        }
        let day = d.replicated_on;
        let m = model_replication::ActiveModel {
            entry_id: Set(entry.0),
            organisation_id: Set(org.0),
            alliance_id: Set(replicator.alliance_id.map(|a| a.0)),
            year: Set(d.year()),
            replicated_on: Set(format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())),
            note: Set(d.note.clone()),
            actor_name: Set(actor.name.chars().take(120).collect()),
            created_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| refused_when_taken(e, "err-model-replication-twice"))?;
        let saved = load_replication(&txn, ReplicationId(m.id)).await?;
        record_created(&txn, actor, "model_replication", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Removes a replication recorded by mistake.
    pub async fn remove_replication(
        &self,
        actor: &Actor,
        id: ReplicationId,
    ) -> Result<Replication, StoreError> {
        let txn = self.begin_write().await?;
        let before = load_replication(&txn, id).await?;
        model_replication::Entity::delete_by_id(id.0).exec(&txn).await?;
        record(
            &txn,
            actor,
            "model_replication",
            &id.to_string(),
            Op::Delete,
            Some(&before),
            None::<&Replication>,
        )
        .await?;
        txn.commit().await?;
        Ok(before)
    }
}
