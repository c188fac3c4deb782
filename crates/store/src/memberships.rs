//! Membership of an organisation in alliances besides the one that manages it (a union of
//! cooperatives working in several provinces joins each province's alliance). The managing
//! alliance keeps the record, its status and its reports; member alliances see the organisation
//! in their lists and may read it.

use std::collections::HashMap;

use lienket_domain::ids::{AllianceId, OrganisationId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Serialize;

use crate::changes::{Op, record};
use crate::entity::{alliance, membership, organisation};
use crate::error::OnConstraint;
use crate::{Actor, Store, StoreError};

/// One membership in an alliance other than the managing one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// The alliance.
    pub alliance_id: AllianceId,
    /// Since when (`YYYY-MM-DD`), when known.
    pub joined_on: Option<String>,
    /// Who recorded it.
    pub actor_name: String,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

/// What the change log keeps of an organisation's memberships: alliance codes, sorted.
#[derive(Serialize)]
struct Logged {
    member_of: Vec<String>,
}

/// The other alliances of each organisation in `ids` (absent when none).
pub(crate) async fn member_of<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<AllianceId>>, StoreError> {
    let mut out: HashMap<i64, Vec<AllianceId>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = membership::Entity::find()
            .filter(membership::Column::OrganisationId.is_in(chunk.iter().copied()))
            .order_by_asc(membership::Column::AllianceId)
            .all(c)
            .await?;
        for m in rows {
            out.entry(m.organisation_id)
                .or_default()
                .push(AllianceId(m.alliance_id));
        }
    }
    Ok(out)
}

/// Every (organisation, alliance) membership, for the registry index.
pub(crate) async fn all_memberships<C: ConnectionTrait>(c: &C) -> Result<HashMap<i64, Vec<i64>>, StoreError> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    let rows = membership::Entity::find()
        .order_by_asc(membership::Column::AllianceId)
        .all(c)
        .await?;
    for m in rows {
        out.entry(m.organisation_id).or_default().push(m.alliance_id);
    }
    Ok(out)
}

async fn logged<C: ConnectionTrait>(c: &C, org: OrganisationId) -> Result<Logged, StoreError> {
    let ids: Vec<i64> = membership::Entity::find()
        .filter(membership::Column::OrganisationId.eq(org.0))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.alliance_id)
        .collect();
    let mut codes: Vec<String> = alliance::Entity::find()
        .filter(alliance::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect();
    codes.sort();
    Ok(Logged { member_of: codes })
}

/// Records the change in the organisation's audit trail and commits it.
async fn finish(
    txn: sea_orm::DatabaseTransaction,
    actor: &Actor,
    org: OrganisationId,
    before: Logged,
) -> Result<(), StoreError> {
    let after = logged(&txn, org).await?;
    let key = org.to_string();
    record(
        &txn,
        actor,
        "organisation",
        &key,
        Op::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

impl Store {
    /// The organisation's memberships in other alliances, oldest first.
    pub async fn memberships(&self, org: OrganisationId) -> Result<Vec<Membership>, StoreError> {
        Ok(membership::Entity::find()
            .filter(membership::Column::OrganisationId.eq(org.0))
            .order_by_asc(membership::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Membership {
                alliance_id: AllianceId(m.alliance_id),
                joined_on: m.joined_on,
                actor_name: m.actor_name,
                created_at: m.created_at,
            })
            .collect())
    }

    /// Records that `org` is also a member of `alliance` since `joined_on`.
    /// The managing alliance or an existing membership is `Duplicate("alliance_id")`.
    pub async fn add_membership(
        &self,
        actor: &Actor,
        org: OrganisationId,
        alliance: AllianceId,
        joined_on: Option<(i32, u8, u8)>,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        let o = organisation::Entity::find_by_id(org.0)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if o.alliance_id == Some(alliance.0) {
            return Err(StoreError::Duplicate("alliance_id"));
        }
        let before = logged(&txn, org).await?;
        membership::ActiveModel {
            organisation_id: Set(org.0),
            alliance_id: Set(alliance.0),
            joined_on: Set(joined_on.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))),
            actor_name: Set(actor.name.chars().take(120).collect()),
            created_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .on_unique("alliance_id")?;
        finish(txn, actor, org, before).await
    }

    /// Ends `org`'s membership in `alliance`; `NotFound` when there was none.
    pub async fn remove_membership(
        &self,
        actor: &Actor,
        org: OrganisationId,
        alliance: AllianceId,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        let before = logged(&txn, org).await?;
        let res = membership::Entity::delete_many()
            .filter(membership::Column::OrganisationId.eq(org.0))
            .filter(membership::Column::AllianceId.eq(alliance.0))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        finish(txn, actor, org, before).await
    }
}
