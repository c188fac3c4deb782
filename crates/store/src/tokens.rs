//! Personal API tokens for machine clients, stored as SHA-256 hashes.

use lienket_domain::ids::{ApiTokenId, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

use crate::changes::{Op, record};
use crate::entity::{api_token, user};
use crate::{Actor, ApiToken, Store, StoreError, User};

fn to_record(m: api_token::Model) -> ApiToken {
    ApiToken {
        id: ApiTokenId(m.id),
        name: m.name,
        prefix: m.prefix,
        created_at: m.created_at,
        last_used_at: m.last_used_at,
        revoked_at: m.revoked_at,
    }
}

impl Store {
    /// Stores a new token's hash for `user`.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user: UserId,
        name: &str,
        token_hash: &str,
        prefix: &str,
    ) -> Result<ApiToken, StoreError> {
        let txn = self.db.begin().await?;
        let m = api_token::ActiveModel {
            user_id: Set(user.0),
            name: Set(name.to_string()),
            token_hash: Set(token_hash.to_string()),
            prefix: Set(prefix.to_string()),
            created_at: Set(crate::now()),
            last_used_at: Set(None),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let saved = to_record(m);
        crate::changes::record_created(&txn, actor, "api_token", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// A user's tokens, newest first.
    pub async fn list_api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user.0))
            .order_by_desc(api_token::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_record)
            .collect())
    }

    /// Revokes one of `user`'s tokens.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        user: UserId,
        id: ApiTokenId,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        let m = api_token::Entity::find_by_id(id.0)
            .filter(api_token::Column::UserId.eq(user.0))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = to_record(m.clone());
        let mut a: api_token::ActiveModel = m.into();
        a.revoked_at = Set(Some(crate::now()));
        let after = to_record(a.update(&txn).await?);
        record(
            &txn,
            actor,
            "api_token",
            &id.to_string(),
            Op::Delete,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The active user owning a live token with this hash; notes its use.
    pub async fn user_by_api_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let Some(t) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .filter(api_token::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let Some(u) = user::Entity::find_by_id(t.user_id).one(&self.db).await? else {
            return Ok(None);
        };
        let user = crate::users::to_record(u);
        if !user.active {
            return Ok(None);
        }
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(crate::now()),
            )
            .filter(api_token::Column::Id.eq(t.id))
            .exec(&self.db)
            .await?;
        Ok(Some(user))
    }
}
