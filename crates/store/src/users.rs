//! User accounts.

use lienket_domain::ids::{AllianceId, OrganisationId, UserId};
use lienket_domain::role::{Role, RoleKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

use crate::changes::{Op, record};
use crate::entity::user::{self, Entity as Users};
use crate::error::OnConstraint;
use crate::{Actor, NewUser, Page, PageRequest, Store, StoreError, User, UserUpdate};

pub(crate) fn to_record(m: user::Model) -> User {
    let kind = RoleKind::parse(&m.role).unwrap_or(RoleKind::OrganisationRep);
    // A row whose scope went missing loses its rights rather than gaining any.
    let role = Role::from_parts(
        kind,
        m.alliance_id.map(AllianceId),
        m.organisation_id.map(OrganisationId),
    )
    .unwrap_or(Role::OrganisationRep {
        organisation: OrganisationId(0),
    });
    User {
        id: UserId(m.id),
        username: m.username,
        display_name: m.display_name,
        email: m.email,
        role,
        active: m.active && role.organisation() != Some(OrganisationId(0)),
        created_at: m.created_at,
        last_login_at: m.last_login_at,
        version: m.version,
    }
}

fn set_role(a: &mut user::ActiveModel, role: Role) {
    a.role = Set(role.kind().as_str().to_string());
    a.alliance_id = Set(role.alliance().map(|x| x.0));
    a.organisation_id = Set(role.organisation().map(|x| x.0));
}

impl Store {
    /// Creates an account; a taken username is [`StoreError::Duplicate`]`("username")`.
    pub async fn create_user(&self, actor: &Actor, new: &NewUser) -> Result<User, StoreError> {
        let txn = self.db.begin().await?;
        let now = crate::now();
        let mut a = user::ActiveModel {
            username: Set(new.username.clone()),
            display_name: Set(new.display_name.clone()),
            email: Set(new.email.clone()),
            password_hash: Set(new.password_hash.clone()),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            last_login_at: Set(None),
            version: Set(1),
            ..Default::default()
        };
        set_role(&mut a, new.role);
        let saved = to_record(a.insert(&txn).await.on_unique("username")?);
        crate::changes::record_created(&txn, actor, "user", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// One account.
    pub async fn get_user(&self, id: UserId) -> Result<User, StoreError> {
        Users::find_by_id(id.0)
            .one(&self.db)
            .await?
            .map(to_record)
            .ok_or(StoreError::NotFound)
    }

    /// The account and its password hash, for signing in.
    pub async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = Users::find()
            .filter(user::Column::Username.eq(username.trim().to_lowercase()))
            .one(&self.db)
            .await?;
        Ok(row.map(|m| {
            let hash = m.password_hash.clone();
            (to_record(m), hash)
        }))
    }

    /// Accounts ordered by username, a page at a time.
    pub async fn list_users(&self, page: PageRequest) -> Result<Page<User>, StoreError> {
        let q = Users::find();
        crate::versioned::fetch_page(&self.db, q.order_by_asc(user::Column::Username), page, to_record).await
    }

    /// Changes an account's profile, role or state from `expected_version`.
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        expected_version: i32,
        update: &UserUpdate,
    ) -> Result<User, StoreError> {
        let txn = self.db.begin().await?;
        let before = Users::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut a: user::ActiveModel = before.clone().into();
        a.display_name = Set(update.display_name.clone());
        a.email = Set(update.email.clone());
        a.active = Set(update.active);
        set_role(&mut a, update.role);
        a.updated_at = Set(crate::now());
        a.version = Set(expected_version + 1);
        crate::versioned::save_versioned(
            &txn,
            a,
            (user::Column::Id, id.0),
            (user::Column::Version, expected_version),
            "username",
        )
        .await?;
        if !update.active {
            crate::sessions::delete_for_user(&txn, id).await?;
        }
        let after = Users::find_by_id(id.0)
            .one(&txn)
            .await?
            .map(to_record)
            .ok_or(StoreError::NotFound)?;
        record(
            &txn,
            actor,
            "user",
            &id.to_string(),
            Op::Update,
            Some(&to_record(before)),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Sets a new password hash and ends every session of the account except `keep_session`.
    pub async fn set_password(
        &self,
        actor: &Actor,
        id: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        let m = Users::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let version = m.version;
        let mut a: user::ActiveModel = m.into();
        a.password_hash = Set(password_hash.to_string());
        a.updated_at = Set(crate::now());
        a.version = Set(version + 1);
        a.update(&txn).await?;
        crate::sessions::delete_for_user_except(&txn, id, keep_session).await?;
        record::<_, (), ()>(&txn, actor, "user", &id.to_string(), Op::Password, None, None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Notes a successful sign-in.
    pub async fn touch_login(&self, id: UserId) -> Result<(), StoreError> {
        Users::update_many()
            .col_expr(
                user::Column::LastLoginAt,
                sea_orm::sea_query::Expr::value(crate::now()),
            )
            .filter(user::Column::Id.eq(id.0))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Number of accounts with the given role kind (all when `None`).
    pub async fn count_users(&self, kind: Option<RoleKind>) -> Result<u64, StoreError> {
        let mut q = Users::find();
        if let Some(k) = kind {
            q = q.filter(user::Column::Role.eq(k.as_str()));
        }
        Ok(q.count(&self.db).await?)
    }
}
