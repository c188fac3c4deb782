//! The change log: one row per write, appended in the write's own transaction.
//!
//! It is the audit log (who, when, what, before/after) and the feed that search indexes and
//! caches on every node follow by id. On PostgreSQL ids are allocated before commit, so a
//! follower re-reads a short window behind its high-water mark instead of trusting it blindly.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use crate::entity::change_log;
use crate::{Actor, ChangeEntry, Page, PageRequest, Store, StoreError};

/// What kind of change a log row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// A record was created.
    Create,
    /// A record was changed.
    Update,
    /// A record was deleted or deactivated.
    Delete,
    /// A user signed in.
    Login,
    /// A user signed out.
    Logout,
    /// A password was set or changed.
    Password,
}

impl Op {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Delete => "delete",
            Op::Login => "login",
            Op::Logout => "logout",
            Op::Password => "password",
        }
    }
}

/// Filters for browsing the audit log.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    /// Only this entity kind.
    pub entity: Option<String>,
    /// Only this entity key (with `entity`).
    pub entity_key: Option<String>,
    /// Only changes by this user.
    pub actor_id: Option<i64>,
    /// Only this operation.
    pub op: Option<String>,
}

/// Appends one change-log row on the given connection or transaction.
pub(crate) async fn record<C: ConnectionTrait, B: Serialize, A: Serialize>(
    c: &C,
    actor: &Actor,
    entity: &str,
    key: &str,
    op: Op,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<i64, StoreError> {
    let row = log_row(actor, entity, key, op, before, after).insert(c).await?;
    Ok(row.id)
}

/// Appends the change-log row of a newly created record (no "before").
pub(crate) async fn record_created<C: ConnectionTrait, A: Serialize>(
    c: &C,
    actor: &Actor,
    entity: &str,
    key: &str,
    after: &A,
) -> Result<i64, StoreError> {
    record::<_, (), _>(c, actor, entity, key, Op::Create, None, Some(after)).await
}

/// A change-log row, for callers that insert many at once (imports).
pub(crate) fn log_row<B: Serialize, A: Serialize>(
    actor: &Actor,
    entity: &str,
    key: &str,
    op: Op,
    before: Option<&B>,
    after: Option<&A>,
) -> change_log::ActiveModel {
    change_log::ActiveModel {
        at: Set(crate::now()),
        actor_id: Set(actor.user_id.map(|u| u.0)),
        actor_name: Set(actor.name.chars().take(120).collect()),
        ip: Set(actor.ip.clone()),
        entity: Set(entity.to_string()),
        entity_key: Set(key.chars().take(100).collect()),
        op: Set(op.as_str().to_string()),
        before: Set(before.and_then(|b| serde_json::to_string(b).ok())),
        after: Set(after.and_then(|a| serde_json::to_string(a).ok())),
        ..Default::default()
    }
}

fn to_entry(m: change_log::Model) -> ChangeEntry {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    ChangeEntry {
        id: m.id,
        at: m.at,
        actor_id: m.actor_id.map(lienket_domain::ids::UserId),
        actor_name: m.actor_name,
        ip: m.ip,
        entity: m.entity,
        entity_key: m.entity_key,
        op: m.op,
        before: parse(m.before),
        after: parse(m.after),
    }
}

impl Store {
    /// Records an event that is not a row change (sign-in, sign-out) in its own transaction.
    pub async fn record_event(
        &self,
        actor: &Actor,
        entity: &str,
        key: &str,
        op: Op,
    ) -> Result<(), StoreError> {
        record::<_, (), ()>(&self.db, actor, entity, key, op, None, None).await?;
        Ok(())
    }

    /// Browses the audit log, newest first.
    pub async fn list_changes(
        &self,
        filter: &ChangeFilter,
        page: PageRequest,
    ) -> Result<Page<ChangeEntry>, StoreError> {
        let mut q = change_log::Entity::find();
        if let Some(e) = &filter.entity {
            q = q.filter(change_log::Column::Entity.eq(e.as_str()));
        }
        if let Some(k) = &filter.entity_key {
            q = q.filter(change_log::Column::EntityKey.eq(k.as_str()));
        }
        if let Some(a) = filter.actor_id {
            q = q.filter(change_log::Column::ActorId.eq(a));
        }
        if let Some(op) = &filter.op {
            q = q.filter(change_log::Column::Op.eq(op.as_str()));
        }
        crate::versioned::fetch_page(&self.db, q.order_by_desc(change_log::Column::Id), page, to_entry).await
    }

    /// Change-log rows after `after_id`, oldest first: what a follower has not seen yet.
    pub async fn changes_since(&self, after_id: i64, limit: u64) -> Result<Vec<ChangeEntry>, StoreError> {
        Ok(change_log::Entity::find()
            .filter(change_log::Column::Id.gt(after_id))
            .order_by_asc(change_log::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_entry)
            .collect())
    }

    /// Ids, entities and keys of change-log rows of `entities` after `after_id`, oldest first,
    /// without their before/after bodies: what a catalogue follower needs.
    pub async fn change_keys_since(
        &self,
        after_id: i64,
        entities: &[&str],
        limit: u64,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        Ok(change_log::Entity::find()
            .select_only()
            .column(change_log::Column::Id)
            .column(change_log::Column::Entity)
            .column(change_log::Column::EntityKey)
            .filter(change_log::Column::Id.gt(after_id))
            .filter(change_log::Column::Entity.is_in(entities.iter().copied()))
            .order_by_asc(change_log::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// The newest change-log id (0 when empty).
    pub async fn latest_change_id(&self) -> Result<i64, StoreError> {
        use sea_orm::sea_query::{Expr, Func};
        let max: Option<Option<i64>> = change_log::Entity::find()
            .select_only()
            .expr(Func::max(Expr::col(change_log::Column::Id)))
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(max.flatten().unwrap_or(0))
    }

    /// When the change `id` was made.
    pub async fn change_time(&self, id: i64) -> Result<Option<time::OffsetDateTime>, StoreError> {
        Ok(change_log::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(|m| m.at))
    }

    /// The entity kinds present in the log, for the audit filter.
    pub async fn change_entities(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<String> = change_log::Entity::find()
            .select_only()
            .column(change_log::Column::Entity)
            .distinct()
            .order_by_asc(change_log::Column::Entity)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows)
    }
}
