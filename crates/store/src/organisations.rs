//! The member registry: organisations, their status history, filtered and sorted lists.

use lienket_domain::ids::{AllianceId, OrganisationId};
use lienket_domain::organisation::{Members, OrgKind, OrgStatus, OrganisationInput, Sector};
use lienket_domain::text::{fold, sort_key_text};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;

use crate::changes::{Op, record};
use crate::entity::{organisation, status_history};
use crate::error::OnConstraint;
use crate::{Actor, OrganisationRef, Page, PageRequest, Store, StoreError};

/// A registry record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    /// Id.
    pub id: OrganisationId,
    /// Managing alliance.
    pub alliance_id: Option<AllianceId>,
    /// Other alliances it is a member of.
    pub member_of: Vec<AllianceId>,
    /// Legal kind.
    pub kind: OrgKind,
    /// Registration code (mã số HTX).
    pub registration_code: Option<String>,
    /// Name.
    pub name: String,
    /// Short name.
    pub short_name: Option<String>,
    /// Primary sector.
    pub sector: Sector,
    /// Founding date, `YYYY-MM-DD`.
    pub founded_on: Option<String>,
    /// Members by type.
    pub members: Members,
    /// Charter capital (đồng).
    pub charter_capital: Option<i64>,
    /// Legal representative.
    pub representative: Option<String>,
    /// Representative's position.
    pub representative_title: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Address as written.
    pub address: Option<String>,
    /// 2025 province code.
    pub province_code: Option<String>,
    /// 2025 ward code.
    pub ward_code: Option<String>,
    /// Legacy ward code, when the address used the old structure.
    pub legacy_ward_code: Option<String>,
    /// Current status.
    pub status: OrgStatus,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
}

impl Organisation {
    /// The organisation as the policy sees it.
    pub fn resource(&self) -> lienket_domain::policy::Resource<'_> {
        lienket_domain::policy::Resource::Organisation {
            id: self.id,
            alliance: self.alliance_id,
            member_of: &self.member_of,
        }
    }
}

/// One change of status.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    /// The new status.
    pub status: OrgStatus,
    /// From when (`YYYY-MM-DD`).
    pub effective_on: String,
    /// Why.
    pub reason: Option<String>,
    /// Who recorded it.
    pub actor_name: String,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
}

/// Filters of the registry list; every field optional.
#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    /// Managing alliance.
    pub alliance: Option<AllianceId>,
    /// 2025 province.
    pub province_code: Option<String>,
    /// Kind.
    pub kind: Option<OrgKind>,
    /// Sector.
    pub sector: Option<Sector>,
    /// Status.
    pub status: Option<OrgStatus>,
    /// Founded on or after (`YYYY-MM-DD`).
    pub founded_from: Option<String>,
    /// Founded on or before (`YYYY-MM-DD`).
    pub founded_to: Option<String>,
    /// Words to find in the name, code or representative, accents optional.
    pub query: Option<String>,
    /// With (or without) a published product holding a valid OCOP certification.
    pub has_ocop_products: Option<bool>,
}

/// Sort orders of the registry list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrganisationSort {
    /// Name, Vietnamese alphabetical order.
    #[default]
    Name,
    /// Registration code.
    Code,
    /// Founding date.
    Founded,
    /// Official members.
    Members,
    /// Charter capital.
    Capital,
    /// Last change.
    Updated,
}

fn fmt_date(d: (i32, u8, u8)) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

fn to_record(m: organisation::Model) -> Organisation {
    Organisation {
        id: OrganisationId(m.id),
        alliance_id: m.alliance_id.map(AllianceId),
        member_of: Vec::new(),
        kind: OrgKind::parse(&m.kind).unwrap_or(OrgKind::Cooperative),
        registration_code: m.registration_code,
        name: m.name,
        short_name: m.short_name,
        sector: Sector::parse(&m.sector).unwrap_or(Sector::Other),
        founded_on: m.founded_on,
        members: Members {
            official: u32::try_from(m.members_official).unwrap_or(0),
            associate_with_capital: u32::try_from(m.members_associate_capital).unwrap_or(0),
            associate_without_capital: u32::try_from(m.members_associate_other).unwrap_or(0),
        },
        charter_capital: m.charter_capital,
        representative: m.representative,
        representative_title: m.representative_title,
        phone: m.phone,
        email: m.email,
        website: m.website,
        address: m.address,
        province_code: m.province_code,
        ward_code: m.ward_code,
        legacy_ward_code: m.legacy_ward_code,
        status: OrgStatus::parse(&m.status).unwrap_or(OrgStatus::Active),
        version: m.version,
        updated_at: m.updated_at,
    }
}

fn to_ref(m: organisation::Model) -> OrganisationRef {
    OrganisationRef {
        id: OrganisationId(m.id),
        name: m.name,
        registration_code: m.registration_code,
        alliance_id: m.alliance_id.map(AllianceId),
    }
}

fn fill(a: &mut organisation::ActiveModel, i: &OrganisationInput) {
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    a.kind = Set(i.kind.as_str().into());
    a.registration_code = Set(i.registration_code.as_ref().map(|c| c.as_str().to_string()));
    a.name = Set(i.name.clone());
    a.name_folded = Set(fold(&i.name));
    a.short_name = Set(i.short_name.clone());
    a.sector = Set(i.sector.as_str().into());
    a.founded_on = Set(i.founded_on.map(fmt_date));
    a.members_official = Set(count(i.members.official));
    a.members_associate_capital = Set(count(i.members.associate_with_capital));
    a.members_associate_other = Set(count(i.members.associate_without_capital));
    a.charter_capital = Set(i.charter_capital);
    a.representative = Set(i.representative.clone());
    a.representative_title = Set(i.representative_title.clone());
    a.phone = Set(i.phone.clone());
    a.email = Set(i.email.clone());
    a.website = Set(i.website.clone());
    a.address = Set(i.address.clone());
    a.province_code = Set(i.province_code.clone());
    a.ward_code = Set(i.ward_code.clone());
    a.legacy_ward_code = Set(i.legacy_ward_code.clone());
    a.sort_key = Set(sort_key_text(&i.name));
    let searchable = [
        Some(i.name.as_str()),
        i.short_name.as_deref(),
        i.registration_code.as_ref().map(|c| c.as_str()),
        i.representative.as_deref(),
    ];
    a.search_folded = Set(fold(
        &searchable.into_iter().flatten().collect::<Vec<_>>().join(" | "),
    ));
}

impl Store {
    /// Registers an organisation under `alliance`; a taken code is `Duplicate("registration_code")`.
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        alliance: Option<AllianceId>,
        input: &OrganisationInput,
    ) -> Result<Organisation, StoreError> {
        let txn = self.db.begin().await?;
        let saved = insert_organisation(&txn, actor, alliance, input).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Registers many organisations in one transaction: all or none.
    pub async fn bulk_create_organisations(
        &self,
        actor: &Actor,
        rows: &[(Option<AllianceId>, OrganisationInput)],
    ) -> Result<u64, StoreError> {
        let txn = self.db.begin().await?;
        for (alliance, input) in rows {
            insert_organisation(&txn, actor, *alliance, input).await?;
        }
        txn.commit().await?;
        Ok(rows.len() as u64)
    }

    /// One organisation.
    pub async fn get_organisation(&self, id: OrganisationId) -> Result<Organisation, StoreError> {
        let m = organisation::Entity::find_by_id(id.0)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(self.with_memberships(vec![to_record(m)]).await?.remove(0))
    }

    /// The organisation with this registration code.
    pub async fn organisation_by_code(&self, code: &str) -> Result<Option<Organisation>, StoreError> {
        let found = organisation::Entity::find()
            .filter(organisation::Column::RegistrationCode.eq(code))
            .one(&self.db)
            .await?
            .map(to_record);
        Ok(self.with_memberships(found.into_iter().collect()).await?.pop())
    }

    /// Fills in each record's other alliances.
    async fn with_memberships(&self, mut items: Vec<Organisation>) -> Result<Vec<Organisation>, StoreError> {
        let ids: Vec<i64> = items.iter().map(|o| o.id.0).collect();
        let mut of = crate::memberships::member_of(&self.db, &ids).await?;
        for o in &mut items {
            o.member_of = of.remove(&o.id.0).unwrap_or_default();
        }
        Ok(items)
    }

    /// Saves changes made from `expected_version`; `Conflict` when someone saved first.
    pub async fn update_organisation(
        &self,
        actor: &Actor,
        id: OrganisationId,
        expected_version: i32,
        input: &OrganisationInput,
    ) -> Result<Organisation, StoreError> {
        let txn = self.db.begin().await?;
        let saved = update_organisation_in(&txn, actor, id, Some(expected_version), input).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Changes the status with a reason and an effective date, recorded in the history.
    pub async fn change_organisation_status(
        &self,
        actor: &Actor,
        id: OrganisationId,
        expected_version: i32,
        status: OrgStatus,
        effective_on: (i32, u8, u8),
        reason: Option<String>,
    ) -> Result<Organisation, StoreError> {
        let txn = self.db.begin().await?;
        let before = organisation::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let res = organisation::Entity::update_many()
            .col_expr(organisation::Column::Status, Expr::value(status.as_str()))
            .col_expr(organisation::Column::Version, Expr::value(expected_version + 1))
            .col_expr(organisation::Column::UpdatedAt, Expr::value(crate::now()))
            .filter(organisation::Column::Id.eq(id.0))
            .filter(organisation::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::Conflict);
        }
        status_history::ActiveModel {
            organisation_id: Set(id.0),
            status: Set(status.as_str().into()),
            effective_on: Set(fmt_date(effective_on)),
            reason: Set(reason),
            actor_name: Set(actor.name.clone()),
            at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let after = organisation::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .map(to_record)
            .ok_or(StoreError::NotFound)?;
        record(
            &txn,
            actor,
            "organisation",
            &id.to_string(),
            Op::Update,
            Some(&to_record(before)),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// The status history, newest first.
    pub async fn status_history(&self, id: OrganisationId) -> Result<Vec<StatusChange>, StoreError> {
        Ok(status_history::Entity::find()
            .filter(status_history::Column::OrganisationId.eq(id.0))
            .order_by_desc(status_history::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|h| StatusChange {
                status: OrgStatus::parse(&h.status).unwrap_or(OrgStatus::Active),
                effective_on: h.effective_on,
                reason: h.reason,
                actor_name: h.actor_name,
                at: h.at,
            })
            .collect())
    }

    /// A filtered, sorted page of the registry with the total count.
    pub async fn search_organisations(
        &self,
        filter: &OrganisationFilter,
        sort: OrganisationSort,
        descending: bool,
        page: PageRequest,
    ) -> Result<Page<Organisation>, StoreError> {
        self.search_organisations_unclamped(
            filter,
            sort,
            descending,
            PageRequest::new(Some(page.page), Some(page.per_page)),
        )
        .await
    }

    async fn search_organisations_unclamped(
        &self,
        filter: &OrganisationFilter,
        sort: OrganisationSort,
        descending: bool,
        page: PageRequest,
    ) -> Result<Page<Organisation>, StoreError> {
        let (ids, total) = self
            .registry
            .search(
                &self.db,
                filter,
                sort,
                descending,
                page.offset() as usize,
                page.per_page as usize,
            )
            .await?;
        let mut by_id: std::collections::HashMap<i64, organisation::Model> = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let rows = organisation::Entity::find()
                .filter(organisation::Column::Id.is_in(chunk.iter().map(|(id, _)| *id)))
                .all(&self.db)
                .await?;
            by_id.extend(rows.into_iter().map(|m| (m.id, m)));
        }
        // A row deleted since the index was built is simply left out of the page.
        let items = ids
            .into_iter()
            .filter_map(|(id, member_of)| {
                let mut o = to_record(by_id.remove(&id)?);
                o.member_of = member_of.iter().copied().map(AllianceId).collect();
                Some(o)
            })
            .collect();
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Builds this node's registry index ahead of the first list request.
    pub async fn warm_registry_index(&self) -> Result<(), StoreError> {
        self.registry.warm(&self.db).await
    }

    /// Every organisation matching the filter, sorted, up to `limit` (for exports).
    pub async fn export_organisations(
        &self,
        filter: &OrganisationFilter,
        sort: OrganisationSort,
        descending: bool,
        limit: u64,
    ) -> Result<Vec<Organisation>, StoreError> {
        let page = PageRequest {
            page: 1,
            per_page: limit,
        };
        Ok(self
            .search_organisations_unclamped(filter, sort, descending, page)
            .await?
            .items)
    }

    /// Organisations of one alliance (all when `None`) as short references, at most `limit`.
    pub async fn list_organisations(
        &self,
        alliance: Option<AllianceId>,
    ) -> Result<Vec<OrganisationRef>, StoreError> {
        let mut q = organisation::Entity::find();
        if let Some(a) = alliance {
            q = q.filter(organisation::Column::AllianceId.eq(a.0));
        }
        Ok(q.order_by_asc(organisation::Column::SortKey)
            .limit(500)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_ref)
            .collect())
    }

    /// The id of every organisation, in id order (generated benchmark data walks them all).
    pub async fn organisation_ids(&self) -> Result<Vec<OrganisationId>, StoreError> {
        Ok(organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .order_by_asc(organisation::Column::Id)
            .into_tuple::<i64>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(OrganisationId)
            .collect())
    }

    /// A short reference to one organisation.
    pub async fn organisation_ref(&self, id: OrganisationId) -> Result<OrganisationRef, StoreError> {
        organisation::Entity::find_by_id(id.0)
            .one(&self.db)
            .await?
            .map(to_ref)
            .ok_or(StoreError::NotFound)
    }
}

/// Inserts an organisation and its first status, in the caller's transaction.
pub(crate) async fn insert_organisation<C: sea_orm::ConnectionTrait>(
    c: &C,
    actor: &Actor,
    alliance: Option<AllianceId>,
    input: &OrganisationInput,
) -> Result<Organisation, StoreError> {
    let now = crate::now();
    let mut a = organisation::ActiveModel {
        alliance_id: Set(alliance.map(|x| x.0)),
        status: Set(OrgStatus::Active.as_str().into()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    fill(&mut a, input);
    let saved = to_record(a.insert(c).await.on_unique("registration_code")?);
    crate::changes::record_created(c, actor, "organisation", &saved.id.to_string(), &saved).await?;
    Ok(saved)
}

/// Updates an organisation in the caller's transaction; `None` skips the version check (imports
/// replace by registration code).
pub(crate) async fn update_organisation_in<C: sea_orm::ConnectionTrait>(
    c: &C,
    actor: &Actor,
    id: OrganisationId,
    expected_version: Option<i32>,
    input: &OrganisationInput,
) -> Result<Organisation, StoreError> {
    let before = organisation::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let version = expected_version.unwrap_or(before.version);
    let mut a: organisation::ActiveModel = before.clone().into();
    fill(&mut a, input);
    a.updated_at = Set(crate::now());
    a.version = Set(version + 1);
    crate::versioned::save_versioned(
        c,
        a,
        (organisation::Column::Id, id.0),
        (organisation::Column::Version, version),
        "registration_code",
    )
    .await?;
    let after = organisation::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .map(to_record)
        .ok_or(StoreError::NotFound)?;
    record(
        c,
        actor,
        "organisation",
        &id.to_string(),
        Op::Update,
        Some(&to_record(before)),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Rows per multi-row statement: well under SQLite's 32,766 bound parameters at ~30 columns.
const BATCH: usize = 300;

/// Inserts many organisations with their change-log rows, a few hundred per statement, in the
/// caller's transaction (imports: one row at a time cost 4 round trips per organisation).
pub(crate) async fn insert_organisations_batch<C: sea_orm::ConnectionTrait>(
    c: &C,
    actor: &Actor,
    alliance: Option<AllianceId>,
    inputs: &[&OrganisationInput],
) -> Result<(), StoreError> {
    use crate::entity::change_log;
    let now = crate::now();
    for chunk in inputs.chunks(BATCH) {
        let models = chunk.iter().map(|input| {
            let mut a = organisation::ActiveModel {
                alliance_id: Set(alliance.map(|x| x.0)),
                status: Set(OrgStatus::Active.as_str().into()),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            };
            fill(&mut a, input);
            a
        });
        let models: Vec<organisation::ActiveModel> = models.collect();
        // Only the new ids come back (in the order of the VALUES list): reading whole rows back
        // cost as much as writing them.
        let ids = organisation::Entity::insert_many(models.clone())
            .exec_with_returning_keys(c)
            .await
            .on_unique("registration_code")?;
        if ids.len() != models.len() {
            return Err(StoreError::Db(sea_orm::DbErr::Custom(format!(
                "{} organisations inserted, {} ids returned",
                models.len(),
                ids.len()
            ))));
        }
        let mut logs = Vec::with_capacity(ids.len());
        for (mut a, id) in models.into_iter().zip(ids) {
            use sea_orm::TryIntoModel;
            a.id = Set(id);
            let rec = to_record(a.try_into_model().map_err(StoreError::Db)?);
            logs.push(crate::changes::log_row::<(), _>(
                actor,
                "organisation",
                &rec.id.to_string(),
                Op::Create,
                None,
                Some(&rec),
            ));
        }
        change_log::Entity::insert_many(logs)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// Updates many organisations (no version check: imports replace by code), logging each real
/// change; rows identical to what is stored are left untouched.
pub(crate) async fn update_organisations_batch<C: sea_orm::ConnectionTrait>(
    c: &C,
    actor: &Actor,
    rows: &[(OrganisationId, &OrganisationInput)],
) -> Result<(), StoreError> {
    use sea_orm::TryIntoModel;

    use crate::entity::change_log;
    let now = crate::now();
    for chunk in rows.chunks(BATCH) {
        let ids: Vec<i64> = chunk.iter().map(|(id, _)| id.0).collect();
        let before: std::collections::HashMap<i64, organisation::Model> = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(ids))
            .all(c)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let mut logs = Vec::new();
        for (id, input) in chunk {
            let old = before.get(&id.0).ok_or(StoreError::NotFound)?;
            let mut a: organisation::ActiveModel = old.clone().into();
            fill(&mut a, input);
            let unchanged = a.clone().try_into_model().map(|m| m == *old).unwrap_or(false);
            if unchanged {
                continue;
            }
            a.updated_at = Set(now);
            a.version = Set(old.version + 1);
            let new = a.clone().try_into_model().map_err(StoreError::Db)?;
            organisation::Entity::update_many()
                .set(a)
                .filter(organisation::Column::Id.eq(id.0))
                .exec(c)
                .await
                .on_unique("registration_code")?;
            logs.push(crate::changes::log_row(
                actor,
                "organisation",
                &id.to_string(),
                Op::Update,
                Some(&to_record(old.clone())),
                Some(&to_record(new)),
            ));
        }
        if !logs.is_empty() {
            change_log::Entity::insert_many(logs)
                .exec_without_returning(c)
                .await?;
        }
    }
    Ok(())
}
