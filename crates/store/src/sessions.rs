//! Sessions and sign-in attempts, both in the database so every node shares them.

use lienket_domain::ids::UserId;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use time::OffsetDateTime;

use crate::entity::{login_attempt, session, user};
use crate::{Counts, SessionRecord, Store, StoreError};

/// A new session's facts.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 hex of the cookie value.
    pub id: String,
    /// The user.
    pub user_id: UserId,
    /// CSRF synchronizer token.
    pub csrf_token: String,
    /// Expiry.
    pub expires_at: OffsetDateTime,
    /// Client address.
    pub ip: Option<String>,
    /// Client user agent (truncated).
    pub user_agent: Option<String>,
}

pub(crate) async fn delete_for_user<C: ConnectionTrait>(c: &C, id: UserId) -> Result<(), StoreError> {
    delete_for_user_except(c, id, None).await
}

pub(crate) async fn delete_for_user_except<C: ConnectionTrait>(
    c: &C,
    id: UserId,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(id.0));
    if let Some(keep) = keep {
        q = q.filter(session::Column::Id.ne(keep));
    }
    q.exec(c).await?;
    Ok(())
}

impl Store {
    /// Stores a new session.
    pub async fn create_session(&self, s: NewSession) -> Result<(), StoreError> {
        let now = crate::now();
        session::ActiveModel {
            id: Set(s.id),
            user_id: Set(s.user_id.0),
            csrf_token: Set(s.csrf_token),
            created_at: Set(now),
            expires_at: Set(s.expires_at),
            last_seen_at: Set(now),
            ip: Set(s.ip.map(|ip| ip.chars().take(64).collect())),
            user_agent: Set(s.user_agent.map(|ua| ua.chars().take(300).collect())),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// The live session with this id and its (active) user; `None` when unknown or expired.
    pub async fn find_session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        // One round trip per request: the session with its user.
        let Some((s, u)) = session::Entity::find_by_id(id.to_string())
            .find_also_related(user::Entity)
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if s.expires_at <= crate::now() {
            session::Entity::delete_by_id(s.id).exec(&self.db).await?;
            return Ok(None);
        }
        let Some(u) = u else {
            return Ok(None);
        };
        let user = crate::users::to_record(u);
        if !user.active {
            return Ok(None);
        }
        Ok(Some(SessionRecord {
            id: s.id,
            user,
            csrf_token: s.csrf_token,
            expires_at: s.expires_at,
            last_seen_at: s.last_seen_at,
        }))
    }

    /// Slides a session's expiry forward.
    pub async fn extend_session(&self, id: &str, expires_at: OffsetDateTime) -> Result<(), StoreError> {
        session::Entity::update_many()
            .col_expr(
                session::Column::ExpiresAt,
                sea_orm::sea_query::Expr::value(expires_at),
            )
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(crate::now()),
            )
            .filter(session::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        session::Entity::delete_by_id(id.to_string())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Removes expired sessions and sign-in attempts older than a day; returns sessions removed.
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        let now = crate::now();
        let r = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?;
        login_attempt::Entity::delete_many()
            .filter(login_attempt::Column::At.lt(now - time::Duration::days(1)))
            .exec(&self.db)
            .await?;
        Ok(r.rows_affected)
    }

    /// Records a sign-in attempt (for rate limiting across nodes).
    pub async fn record_login_attempt(
        &self,
        ip: &str,
        username: &str,
        success: bool,
    ) -> Result<(), StoreError> {
        login_attempt::ActiveModel {
            ip: Set(ip.chars().take(64).collect()),
            username: Set(username.trim().to_lowercase().chars().take(100).collect()),
            at: Set(crate::now()),
            success: Set(success),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// Failed sign-ins since `since` from this address and for this username.
    pub async fn recent_login_failures(
        &self,
        ip: &str,
        username: &str,
        since: OffsetDateTime,
    ) -> Result<(u64, u64), StoreError> {
        let base = login_attempt::Entity::find()
            .filter(login_attempt::Column::Success.eq(false))
            .filter(login_attempt::Column::At.gt(since));
        let by_ip = base
            .clone()
            .filter(login_attempt::Column::Ip.eq(ip))
            .count(&self.db)
            .await?;
        let by_user = base
            .filter(login_attempt::Column::Username.eq(username.trim().to_lowercase()))
            .count(&self.db)
            .await?;
        Ok((by_ip, by_user))
    }

    /// Headline figures for the dashboard.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        use crate::entity::{alliance, change_log, organisation};
        let day_ago = crate::now() - time::Duration::days(1);
        Ok(Counts {
            alliances: alliance::Entity::find().count(&self.db).await?,
            organisations: organisation::Entity::find().count(&self.db).await?,
            users: user::Entity::find()
                .filter(user::Column::Active.eq(true))
                .count(&self.db)
                .await?,
            changes_last_day: change_log::Entity::find()
                .filter(change_log::Column::At.gt(day_ago))
                .count(&self.db)
                .await?,
        })
    }
}
